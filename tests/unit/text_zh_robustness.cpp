// Bad and extreme input for the Chinese frontend: every call returns phones that satisfy upstream's
// clean_text invariants (len(word2ph) == len(norm_text), sum(word2ph) == len(phones)) or throws a
// gsv::Error; nothing crashes or hangs.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <numeric>
#include <random>
#include <string>

#include "core/error.h"
#include "text/zh.h"
#include "text/zh_unicode.h"

namespace {

using gsv::text::zh_g2p;
using gsv::text::zh_normalize;

// Runs the whole frontend; returns false when it threw a gsv::Error (anything else fails the test).
bool run(const std::string& text, gsv::text::G2PResult* out = nullptr) {
  try {
    std::string norm = zh_normalize(text);
    gsv::text::G2PResult r = zh_g2p(norm);
    EXPECT_TRUE(r.word2ph.has_value());
    EXPECT_EQ(r.word2ph->size(), gsv::text::zh::utf8_to_u32(norm).size()) << text;
    EXPECT_EQ(size_t(std::accumulate(r.word2ph->begin(), r.word2ph->end(), 0)), r.phones.size()) << text;
    if (out) *out = std::move(r);
    return true;
  } catch (const gsv::Error&) {
    return false;
  }
}

TEST(ZhRobustness, EmptyAndPunctuationOnly) {
  gsv::text::G2PResult r;
  ASSERT_TRUE(run("", &r));
  EXPECT_TRUE(r.phones.empty());
  ASSERT_TRUE(run("   \t\n", &r));
  EXPECT_TRUE(r.phones.empty());
  ASSERT_TRUE(run("，。！？……——！！！", &r));
  for (const std::string& p : r.phones) EXPECT_EQ(p.size() <= 3, true) << p;  // only punctuation marks
  EXPECT_EQ(zh_normalize("，。！？"), ",");  // a run of marks keeps its first
}

TEST(ZhRobustness, InvalidUtf8IsBadInput) {
  for (std::string bad : {std::string("\xff\xfe"), std::string("你\xe4\xbd"), std::string("\xc0\xaf"),
                          std::string("\xed\xa0\x80"), std::string("a\x80z")}) {
    try {
      zh_normalize(bad);
      ADD_FAILURE() << "accepted invalid UTF-8";
    } catch (const gsv::Error& e) {
      EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
      EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos) << e.what();
    }
    EXPECT_THROW(zh_g2p(bad), gsv::Error);
  }
}

TEST(ZhRobustness, ControlCharactersAndOtherScripts) {
  gsv::text::G2PResult r;
  static const char kControls[] = "\x01\x02你好\x7f\x1b\x0b世界\x00";  // upstream: 你好世界
  ASSERT_TRUE(run(std::string(kControls, sizeof(kControls) - 1), &r));
  EXPECT_EQ(r.norm_text, "你好世界");
  for (const char* text : {"こんにちは", "カタカナ", "안녕하세요", "Привет, мир", "ελληνικά", "עברית", "العربية",
                           "😀🎉❤️", "\u200b\u200d\ufeff", "ㄅㄆㄇㄈ", "你好こんにちは안녕Привет"}) {
    EXPECT_TRUE(run(text)) << text;
  }
}

TEST(ZhRobustness, RareCharactersFailCleanly) {
  // Upstream's g2p raises on a character without a usable reading (兙: none; 噷: no final).
  EXPECT_FALSE(run("兙"));
  EXPECT_FALSE(run("噷"));
  EXPECT_TRUE(run("龘靐齉爩"));
}

TEST(ZhRobustness, TenThousandCharacters) {
  std::mt19937 rng(5);
  const std::u32string pool = U"的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多";
  const std::u32string marks = U"，。！？、";
  std::u32string text;
  while (text.size() < 10000) {
    text.push_back(pool[rng() % pool.size()]);
    if (rng() % 12 == 0) text.push_back(marks[rng() % marks.size()]);
  }
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(run(gsv::text::zh::u32_to_utf8(text)));
  // One unbroken run (no punctuation), a long number, and an operator chain.
  std::u32string run_of_chars;
  for (size_t i = 0; i < 10000; ++i) run_of_chars.push_back(pool[rng() % pool.size()]);
  EXPECT_TRUE(run(gsv::text::zh::u32_to_utf8(run_of_chars)));
  std::string digits;
  for (size_t i = 0; i < 10000; ++i) digits.push_back(char('0' + rng() % 10));
  EXPECT_TRUE(run(digits));
  EXPECT_TRUE(run(digits.substr(0, 5000) + "." + digits.substr(5000, 4000) + "%"));
  std::string chain;
  const char* ops[] = {"+", "-", "×", "÷", "="};
  for (size_t i = 0; i < 2000; ++i) chain += std::to_string(rng() % 100) + ops[rng() % 5];
  EXPECT_TRUE(run(chain));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "five 10k-character inputs took " << secs << " s\n";
}

}  // namespace
