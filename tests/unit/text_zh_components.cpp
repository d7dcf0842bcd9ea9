// The Chinese frontend's building blocks against upstream's own (jieba_fast posseg and
// cut_for_search, pypinyin's style conversion and lazy_pinyin, ToneSandhi), from
// tests/fixtures/frontend/zh_components.json (tools/golden/frontend_zh.py).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/golden.h"
#include "text/zh.h"
#include "text/zh_jieba.h"
#include "text/zh_pinyin.h"
#include "text/zh_regex.h"
#include "text/zh_tone_sandhi.h"
#include "text/zh_unicode.h"

namespace {

using nlohmann::json;
namespace zh = gsv::text::zh;

const json& components() {
  static const json j = [] {
    std::ifstream f(gsv::test::fixture("frontend/zh_components.json"));
    EXPECT_TRUE(f.good()) << "missing fixture; run tools/golden/frontend_zh.py";
    return json::parse(f);
  }();
  return j;
}

std::u32string u(const std::string& s) { return zh::utf8_to_u32(s); }
std::string s8(const std::u32string& s) { return zh::u32_to_utf8(s); }

std::vector<std::vector<std::string>> tagged(const std::vector<zh::TaggedWord>& words) {
  std::vector<std::vector<std::string>> out;
  for (const auto& w : words) out.push_back({s8(w.word), w.tag});
  return out;
}

// Our regex engine on upstream's own normalisation patterns: the same matches and groups as
// Python's re.finditer.
TEST(ZhRegex, UpstreamPatternsMatchLikePythonRe) {
  const json& rx = components()["regex"];
  std::map<std::string, std::unique_ptr<zh::Regex>> compiled;
  for (const auto& [name, pattern] : rx["patterns"].items())
    compiled[name] = std::make_unique<zh::Regex>(u(pattern.get<std::string>()));
  const auto texts = rx["texts"].get<std::vector<std::string>>();
  size_t n = 0;
  for (const json& c : rx["cases"]) {
    const zh::Regex& re = *compiled.at(c[0].get<std::string>());
    std::u32string text = u(texts.at(c[1].get<size_t>()));
    json ours = json::array();
    zh::Regex::Match m;
    for (size_t pos = 0; pos <= text.size() && re.search(text, pos, m); pos = m.end()) {
      json groups = json::array();
      for (int g = 1; g < re.groups(); ++g)
        groups.push_back(json::array({m.slots[size_t(2 * g)], m.slots[size_t(2 * g + 1)]}));
      ours.push_back(json::array({m.start(), m.end(), groups}));
    }
    EXPECT_EQ(ours, c[2]) << c[0] << " on " << texts.at(c[1].get<size_t>());
    n += c[2].size();
  }
  EXPECT_GT(n, 300u);
}

TEST(ZhJieba, PossegMatchesUpstream) {
  size_t n = 0;
  for (const json& c : components()["posseg"]) {
    auto expected = c["words"].get<std::vector<std::vector<std::string>>>();
    EXPECT_EQ(tagged(zh::posseg_cut(u(c["text"]))), expected) << c["text"];
    ++n;
  }
  EXPECT_GT(n, 100u);
}

TEST(ZhJieba, CutAndCutForSearchMatchUpstream) {
  size_t n = 0;
  for (const json& c : components()["cut_for_search"]) {
    std::vector<std::string> plain, search;
    for (const auto& w : zh::jieba_cut(u(c["word"]))) plain.push_back(s8(w));
    for (const auto& w : zh::jieba_cut_for_search(u(c["word"]))) search.push_back(s8(w));
    EXPECT_EQ(plain, c["cut_plain"].get<std::vector<std::string>>()) << c["word"];
    EXPECT_EQ(search, c["cut"].get<std::vector<std::string>>()) << c["word"];
    ++n;
  }
  EXPECT_GT(n, 100u);
}

TEST(ZhPinyin, EveryDictionaryReadingConvertsLikePypinyin) {
  size_t n = 0, bad = 0;
  for (const json& c : components()["syllables"]) {
    const std::string r = c[0];
    bool ok = zh::pinyin_to_initials(r) == c[1].get<std::string>() &&
              zh::pinyin_to_finals_tone3(r) == c[2].get<std::string>() && zh::pinyin_to_tone3(r) == c[3].get<std::string>();
    if (!ok && bad++ < 20)
      ADD_FAILURE() << r << ": ours " << zh::pinyin_to_initials(r) << " / " << zh::pinyin_to_finals_tone3(r) << " / "
                    << zh::pinyin_to_tone3(r) << ", pypinyin " << c[1] << " / " << c[2] << " / " << c[3];
    ++n;
  }
  EXPECT_EQ(bad, 0u);
  EXPECT_GT(n, 1500u);
}

TEST(ZhPinyin, Tone3StringsSplitLikeToneConvert) {
  // The g2pW path feeds TONE3 strings ("lve4") to to_initials / to_finals_tone3.
  for (const json& c : components()["from_tone3"]) {
    const std::string p = c[0];
    EXPECT_EQ(zh::pinyin_to_initials(p), c[1].get<std::string>()) << p;
    EXPECT_EQ(zh::pinyin_to_finals_tone3(p), c[2].get<std::string>()) << p;
  }
}

TEST(ZhPinyin, LazyPinyinMatchesUpstream) {
  for (const json& c : components()["lazy_pinyin"]) {
    std::u32string text = u(c["text"]);
    EXPECT_EQ(zh::lazy_pinyin(text, zh::PinyinStyle::Initials), c["initials"].get<std::vector<std::string>>()) << c["text"];
    EXPECT_EQ(zh::lazy_pinyin(text, zh::PinyinStyle::FinalsTone3), c["finals"].get<std::vector<std::string>>()) << c["text"];
    EXPECT_EQ(zh::lazy_pinyin(text, zh::PinyinStyle::Tone3), c["tone3"].get<std::vector<std::string>>()) << c["text"];
  }
}

TEST(ZhToneSandhi, PreMergeMatchesUpstream) {
  for (const json& c : components()["pre_merge"]) {
    std::vector<zh::SegWord> seg;
    for (const auto& w : c["words"]) seg.push_back({u(w[0]), w[1]});
    std::vector<std::vector<std::string>> ours;
    for (const auto& w : zh::tone_sandhi_pre_merge(seg)) ours.push_back({s8(w.word), w.pos});
    EXPECT_EQ(ours, c["merged"].get<std::vector<std::vector<std::string>>>());
  }
}

TEST(ZhToneSandhi, ModifiedToneMatchesUpstream) {
  size_t n = 0;
  for (const json& c : components()["modified_tone"]) {
    auto finals = c["finals"].get<std::vector<std::string>>();
    if (c["out"].is_string()) {  // upstream raised
      EXPECT_THROW(zh::tone_sandhi_modify(u(c["word"]), c["pos"], finals), gsv::Error) << c["word"];
      continue;
    }
    EXPECT_EQ(zh::tone_sandhi_modify(u(c["word"]), c["pos"], finals), c["out"].get<std::vector<std::string>>())
        << c["word"] << "/" << c["pos"];
    ++n;
  }
  EXPECT_GT(n, 500u);
}

TEST(ZhToneSandhi, SplitWordMatchesUpstream) {
  for (const json& c : components()["split_word"]) {
    auto [a, b] = zh::tone_sandhi_split_word(u(c["word"]));
    EXPECT_EQ(s8(a), c["split"][0].get<std::string>()) << c["word"];
    EXPECT_EQ(s8(b), c["split"][1].get<std::string>()) << c["word"];
  }
}

// The g2pW branch of chinese2._g2p with a stand-in model (one pypinyin TONE3 reading per
// character, FakePolyphoneModel in the golden script): correct_pronunciation with
// g2pw/polyphonic.rep, to_initials / to_finals_tone3, sandhi, erhua.
TEST(ZhG2P, PolyphoneHookFollowsUpstreamsG2pwBranch) {
  gsv::text::ZhPolyphoneModel fake = [](const std::vector<std::string>& segments) {
    std::vector<std::vector<std::string>> out;
    for (const std::string& seg : segments) {
      std::vector<std::string> readings;
      for (char32_t c : u(seg)) readings.push_back(zh::lazy_pinyin(std::u32string(1, c), zh::PinyinStyle::Tone3).at(0));
      out.push_back(std::move(readings));
    }
    return out;
  };
  std::ifstream f(gsv::test::fixture("frontend/zh_g2pw_hook.jsonl"));
  ASSERT_TRUE(f.good());
  size_t n = 0;
  for (std::string line; std::getline(f, line);) {
    json j = json::parse(line);
    if (j.contains("error")) {
      EXPECT_THROW(gsv::text::zh_g2p(j["norm"], fake), gsv::Error) << j["norm"];
      continue;
    }
    auto r = gsv::text::zh_g2p(j["norm"], fake);
    std::string phones, w2p;
    for (size_t i = 0; i < r.phones.size(); ++i) phones += (i ? " " : "") + r.phones[i];
    for (int x : *r.word2ph) w2p += std::to_string(x);
    EXPECT_EQ(phones, j["phones"].get<std::string>()) << j["norm"];
    EXPECT_EQ(w2p, j["word2ph"].get<std::string>()) << j["norm"];
    ++n;
  }
  EXPECT_GT(n, 150u);
}

}  // namespace
