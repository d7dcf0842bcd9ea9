// The whole frontend (TextPreprocessor.preprocess: cut, language split, clean_text per chunk, the
// "." retry) against upstream on tests/fixtures/frontend/corpus.jsonl (tools/golden/frontend_corpus.py):
// >1,000 zh, en and mixed sentences and paragraphs, every cut method, modes auto/zh/en/all_zh.
// Per segment and chunk: language, norm_text, phone ids and word2ph must be identical. Rates are
// reported per group; sentences where upstream ran its Japanese/Korean g2p (not ported) are
// counted apart. Requires >= 99% identical and no crash.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "support/golden.h"
#include "text/frontend.h"
#include "text/symbols.h"

using gsv::test::fixture;
using namespace gsv::text;

namespace {

std::string phones_of(const std::vector<int>& ids) {
  std::string s;
  for (int id : ids) s += (id >= 0 && id < kNumSymbolsV2 ? symbols_v2()[id] : "?") + " ";
  return s;
}

std::string ints(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += std::to_string(x) + " ";
  return s;
}

// Empty string when equal, else a readable description of the first difference.
std::string compare(const PreprocessResult& ours, const nlohmann::json& segments) {
  if (ours.segments.size() != segments.size()) {
    std::string s = gsv::str("segment count ", ours.segments.size(), " vs upstream ", segments.size(), "\n");
    for (const auto& seg : ours.segments) s += "    ours: " + seg.text + "\n";
    for (const auto& seg : segments) s += "    upst: " + seg.at("text").get<std::string>() + "\n";
    return s;
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto& up = segments[i].at("chunks");
    const auto& mine = ours.segments[i].chunks;
    if (mine.size() != up.size()) {
      std::string s = gsv::str("segment ", i, ": ", mine.size(), " chunks vs upstream ", up.size(), "\n");
      for (const auto& c : mine) s += "    ours: [" + c.lang + "] " + c.norm_text + "\n";
      for (const auto& c : up) s += "    upst: [" + c.at("lang").get<std::string>() + "] " + c.at("norm_text").get<std::string>() + "\n";
      return s;
    }
    for (size_t k = 0; k < up.size(); ++k) {
      const auto ids = up[k].at("ids").get<std::vector<int>>();
      const auto w2p = up[k].at("word2ph").is_null() ? std::vector<int>{} : up[k].at("word2ph").get<std::vector<int>>();
      const std::string lang = up[k].at("lang"), norm = up[k].at("norm_text");
      if (mine[k].lang != lang || mine[k].norm_text != norm || mine[k].phone_ids != ids || mine[k].word2ph != w2p) {
        return gsv::str("segment ", i, " chunk ", k, "\n    lang ours ", mine[k].lang, " upst ", lang,
                        "\n    norm ours: ", mine[k].norm_text, "\n    norm upst: ", norm,
                        "\n    ours: ", phones_of(mine[k].phone_ids), "\n    upst: ", phones_of(ids),
                        "\n    word2ph ours: ", ints(mine[k].word2ph), "\n    word2ph upst: ", ints(w2p), "\n");
      }
    }
  }
  return "";
}

struct Tally {
  int total = 0, same = 0, skipped = 0;
};

}  // namespace

TEST(TextFrontendParity, CorpusMatchesUpstream) {
  std::ifstream f(fixture("frontend/corpus.jsonl"));
  ASSERT_TRUE(f) << "missing fixture frontend/corpus.jsonl";
  std::map<std::string, Tally> groups;
  int crashes = 0, shown = 0;
  std::string line;
  while (std::getline(f, line)) {
    const auto row = nlohmann::json::parse(line);
    const std::string text = row.at("text"), lang = row.at("lang"), cut = row.at("cut"), group = row.at("group");
    Tally& t = groups[group];
    const std::string upstream_error = row.value("error", "");
    if (upstream_error.rfind("unsupported language", 0) == 0) {
      ++t.skipped;  // upstream ran its Japanese/Korean frontend on part of it
      continue;
    }
    ++t.total;
    std::string diff;
    try {
      const PreprocessResult r = preprocess(text, lang, cut);
      diff = upstream_error.empty() ? compare(r, row.at("segments")) : "upstream raised " + upstream_error + ", we did not\n";
    } catch (const gsv::Error& e) {
      diff = upstream_error.empty() ? gsv::str("we raised: ", e.what(), "\n") : "";
    } catch (const std::exception& e) {
      ++crashes;
      diff = gsv::str("CRASH: ", e.what(), "\n");
    }
    if (diff.empty()) {
      ++t.same;
    } else if (shown++ < 40) {
      std::cout << "MISMATCH [" << group << " " << lang << " " << cut << "] " << text << "\n  " << diff;
    }
  }
  int total = 0, same = 0;
  for (const auto& [g, t] : groups) {
    std::cout << "frontend parity " << g << ": " << t.same << "/" << t.total << " identical ("
              << (t.total ? 100.0 * t.same / t.total : 0) << "%), " << t.skipped << " skipped (ja/ko upstream)\n";
    total += t.total;
    same += t.same;
  }
  std::cout << "frontend parity all: " << same << "/" << total << ", crashes " << crashes << "\n";
  EXPECT_GE(total, 1000);
  EXPECT_EQ(crashes, 0);
  EXPECT_GE(double(same) / std::max(total, 1), 0.99);
}
