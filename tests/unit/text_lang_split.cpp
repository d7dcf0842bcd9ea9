// Language splitting against upstream LangSegmenter.getTexts (split-lang 2.1.1 + budoux, with the
// fastText detector replaced by the same script-based stand-in on both sides; see
// tools/golden/frontend_corpus.py). tests/fixtures/frontend/corpus_lang.jsonl: zh, en and mixed
// sentences (kana, Hangul, Cyrillic, digits, punctuation), auto and default "zh".
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "support/golden.h"
#include "text/lang_split.h"
#include "text/lang_unicode.h"

using gsv::test::fixture;
using namespace gsv::text;

namespace {
std::string show(const std::vector<std::pair<std::string, std::string>>& v) {
  std::string s;
  for (const auto& [l, t] : v) s += "[" + l + "|" + t + "] ";
  return s;
}
}  // namespace

TEST(TextLangSplit, MatchesUpstreamLangSegmenter) {
  std::ifstream f(fixture("frontend/corpus_lang.jsonl"));
  ASSERT_TRUE(f) << "missing fixture frontend/corpus_lang.jsonl";
  int total = 0, same = 0;
  std::string line;
  while (std::getline(f, line)) {
    const auto row = nlohmann::json::parse(line);
    if (row.contains("error")) continue;
    ++total;
    std::vector<std::pair<std::string, std::string>> upstream, ours;
    for (const auto& c : row.at("chunks")) upstream.emplace_back(c.at("lang"), c.at("text"));
    for (const auto& c : lang_segment(utf8_to_u32(row.at("text").get<std::string>()), row.at("default")))
      ours.emplace_back(c.lang, u32_to_utf8(c.text));
    if (ours == upstream) {
      ++same;
    } else {
      ADD_FAILURE() << "text: " << row.at("text").get<std::string>() << " (default '" << row.at("default").get<std::string>()
                    << "')\n  ours: " << show(ours) << "\n  upst: " << show(upstream);
    }
  }
  std::cout << "lang split: " << same << "/" << total << " identical\n";
  EXPECT_GE(total, 300);
}

TEST(TextLangSplit, ScriptLanguageStandIn) {
  EXPECT_EQ(script_language(U"你好世界"), "zh");
  EXPECT_EQ(script_language(U"hello"), "en");
  EXPECT_EQ(script_language(U"こんにちは"), "ja");
  EXPECT_EQ(script_language(U"안녕"), "ko");
  EXPECT_EQ(script_language(U"привет"), "ru");
  EXPECT_EQ(script_language(U"123 !!"), "en");
}

TEST(TextLangSplit, EmptyAndBlankText) {
  EXPECT_TRUE(lang_segment(U"").empty());
  EXPECT_TRUE(lang_segment(U"   \n ").empty());
}
