// Cut methods cut0-cut5 against upstream text_segmentation_method.py applied directly
// (tests/fixtures/frontend/corpus_cuts.jsonl), and the pre_seg_text helpers.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "support/golden.h"
#include "text/cut.h"
#include "text/lang_unicode.h"

using gsv::test::fixture;
using namespace gsv::text;

TEST(TextCut, MethodsMatchUpstream) {
  std::ifstream f(fixture("frontend/corpus_cuts.jsonl"));
  ASSERT_TRUE(f) << "missing fixture frontend/corpus_cuts.jsonl";
  int total = 0, same = 0;
  std::string line;
  while (std::getline(f, line)) {
    const auto row = nlohmann::json::parse(line);
    if (row.contains("error")) continue;
    ++total;
    const std::string text = row.at("text"), cut = row.at("cut"), expected = row.at("out");
    const std::string ours = u32_to_utf8(cut_text(utf8_to_u32(text), cut));
    if (ours == expected) {
      ++same;
    } else {
      ADD_FAILURE() << cut << " of: " << text << "\n  ours: " << ours << "\n  upst: " << expected;
    }
  }
  std::cout << "cuts: " << same << "/" << total << " identical\n";
  EXPECT_GE(total, 500);
}

TEST(TextCut, SplitBigTextKeepsUpstreamShape) {
  std::u32string longrun(600, U'字');
  auto pieces = split_big_text(longrun + U"。" + std::u32string(20, U'好'));
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_TRUE(pieces[0].empty());  // upstream's quirk: the first piece is empty
  EXPECT_EQ(pieces[1].size(), 600u);
  std::u32string text;
  for (int i = 0; i < 60; ++i) text += U"这是一个测试句子，";
  for (const auto& p : split_big_text(text)) EXPECT_LE(p.size(), 510u);
}

TEST(TextCut, MergeShortLines) {
  auto m = merge_short_text_in_array({U"ab", U"cd", U"efgh", U"i"}, 5);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], U"abcdefghi");
  m = merge_short_text_in_array({U"abcde", U"fg"}, 5);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], U"abcdefg");
}

TEST(TextCut, PreSegText) {
  // A first clause under 4 characters gets "。" (or "." for en) in front; lines end with a stop.
  auto lines = pre_seg_text(U"你好，世界", "zh", "cut0");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], U"。你好，世界。");
  lines = pre_seg_text(U"Hi", "en", "cut0");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], U".Hi.");
  EXPECT_THROW(pre_seg_text(U"。。。", "zh", "cut5"), gsv::Error);
  EXPECT_THROW(pre_seg_text(U"abc", "zh", "cut9"), gsv::Error);
  EXPECT_EQ(collapse_repeated_punctuation(U"好!!!??...真的,,,--"), U"好!真的,");
}
