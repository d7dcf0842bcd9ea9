// The frontend on random inputs for a bounded time (slow label; the libFuzzer target
// tests/fuzz/fuzz_frontend.cpp does the coverage-guided version under `./test.sh fuzz`).
// Every input must give segments or a gsv::Error: no crash, no other exception, no hang.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "core/error.h"
#include "text/frontend.h"

namespace {

// Pieces drawn from the character classes the frontend treats differently.
const std::vector<std::string>& pieces() {
  static const std::vector<std::string> p = {
      "今天", "天气", "一", "不", "儿", "好", "了", "的", "行", "长", "重", "着", "把", "们", "。", "，", "！", "？", "、",
      "…", "——", "“", "”", "《", "》", "（", "）", "：", "；", " ", "  ", "\n", "\t", "a", "Hello", "world", "Dr.",
      "St.", "U.S.", "$", "%", "¥", "€", "°C", "km", "0", "7", "12", "3.14", "1,000", "-5", "2024", "年", "月", "日",
      "3:30", "10:15:20", "1/2", "+86", "138-1234-5678", "~", "@", "#", "&", "*", "^", "=", "<", ">", "'", "\"",
      "é", "ñ", "ß", "Ω", "α", "こんにちは", "カタカナ", "안녕", "привет", "😀", "🇨🇳", "\u200b", "\u3000",
      "Ａ", "１", "！", "\x01", "\x7f", "\xc3", "\xe4\xb8", "\xff", "000000000000000000000000000000000000000",
      "ChatGPT", "iPhone", "COVID-19", "2.5GHz", "50%", "第3", "3个", "二十"};
  return p;
}

}  // namespace

TEST(FrontendRandomInputs, NoCrashNoHang) {
  const char* langs[] = {"auto", "zh", "en", "all_zh", "all_en"};
  const char* cuts[] = {"cut0", "cut1", "cut2", "cut3", "cut4", "cut5"};
  const double budget_s = std::getenv("GSV_FUZZ_SECONDS") ? std::atof(std::getenv("GSV_FUZZ_SECONDS")) : 60.0;
  std::mt19937 rng(20261125);
  const auto start = std::chrono::steady_clock::now();
  int runs = 0, errors = 0;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < budget_s) {
    std::string text;
    const int n = std::uniform_int_distribution<int>(0, 60)(rng);
    for (int i = 0; i < n; ++i) text += pieces()[rng() % pieces().size()];
    const char* lang = langs[rng() % 5];
    const char* cut = cuts[rng() % 6];
    const auto t0 = std::chrono::steady_clock::now();
    try {
      auto r = gsv::text::preprocess(text, lang, cut);
      for (const auto& s : r.segments) (void)s.phone_ids();
    } catch (const gsv::Error&) {
      ++errors;
    }
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_LT(took, 5.0) << "a " << text.size() << "-byte input took " << took << " s (" << lang << ", " << cut << ")";
    ++runs;
  }
  std::cout << "  " << runs << " random inputs, " << errors << " clear errors, no crash\n";
  EXPECT_GT(runs, 100);
}
