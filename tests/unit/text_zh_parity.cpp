// End-to-end parity of the Chinese frontend with upstream chinese2.text_normalize + chinese2.g2p
// (is_g2pw = False) over tests/fixtures/frontend/zh_corpus.jsonl (tools/golden/frontend_zh.py).
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/golden.h"
#include "text/zh.h"

namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + v[i];
  return s;
}

std::string digits(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += std::to_string(x);
  return s;
}

// Prints where two space-separated phone strings first differ, with a little context.
std::string first_difference(const std::string& ours, const std::string& ref) {
  std::istringstream a(ours), b(ref);
  std::vector<std::string> x, y;
  for (std::string t; a >> t;) x.push_back(t);
  for (std::string t; b >> t;) y.push_back(t);
  size_t i = 0;
  while (i < x.size() && i < y.size() && x[i] == y[i]) ++i;
  std::ostringstream os;
  os << "at phone " << i << ": ours [";
  for (size_t k = i; k < std::min(x.size(), i + 6); ++k) os << (k > i ? " " : "") << x[k];
  os << "] upstream [";
  for (size_t k = i; k < std::min(y.size(), i + 6); ++k) os << (k > i ? " " : "") << y[k];
  os << "]";
  return os.str();
}

struct Row {
  std::string text, norm, phones, word2ph, error;
};

std::vector<Row> load_corpus() {
  std::ifstream f(gsv::test::fixture("frontend/zh_corpus.jsonl"));
  EXPECT_TRUE(f.good()) << "missing fixture; run tools/golden/frontend_zh.py";
  std::vector<Row> rows;
  for (std::string line; std::getline(f, line);) {
    if (line.empty()) continue;
    json j = json::parse(line);
    Row r;
    r.text = j["text"];
    r.norm = j.value("norm", "");
    r.phones = j.value("phones", "");
    r.word2ph = j.value("word2ph", "");
    r.error = j.value("error", "");
    rows.push_back(std::move(r));
  }
  return rows;
}

TEST(ZhParity, Corpus) {
  std::vector<Row> rows = load_corpus();
  ASSERT_GT(rows.size(), 700u);
  size_t total = 0, identical = 0, norm_ok = 0, g2p_ok = 0, crashes = 0, expected_errors = 0, errors_matched = 0;
  for (const Row& r : rows) {
    if (!r.error.empty()) {
      // Upstream raised; we must fail cleanly with a gsv::Error too.
      ++expected_errors;
      try {
        std::string norm = gsv::text::zh_normalize(r.text);
        gsv::text::zh_g2p(norm);
        std::cout << "[upstream fails, we do not] " << r.text << " (" << r.error << ")\n";
      } catch (const gsv::Error&) {
        ++errors_matched;
      }
      continue;
    }
    ++total;
    std::string norm;
    gsv::text::G2PResult ours, ours_on_ref_norm;
    try {
      norm = gsv::text::zh_normalize(r.text);
      ours = gsv::text::zh_g2p(norm);
      ours_on_ref_norm = gsv::text::zh_g2p(r.norm);
    } catch (const std::exception& e) {
      ++crashes;
      std::cout << "[crash] " << r.text << ": " << e.what() << "\n";
      continue;
    }
    const bool n_ok = norm == r.norm;
    const bool g_ok = join(ours_on_ref_norm.phones) == r.phones && digits(*ours_on_ref_norm.word2ph) == r.word2ph;
    const bool all_ok = n_ok && join(ours.phones) == r.phones && digits(*ours.word2ph) == r.word2ph;
    norm_ok += n_ok;
    g2p_ok += g_ok;
    identical += all_ok;
    if (!n_ok) std::cout << "[norm] " << r.text << "\n   ours     " << norm << "\n   upstream " << r.norm << "\n";
    if (!g_ok) {
      std::cout << "[g2p] " << r.norm << "\n   " << first_difference(join(ours_on_ref_norm.phones), r.phones) << "\n";
      if (digits(*ours_on_ref_norm.word2ph) != r.word2ph)
        std::cout << "   word2ph ours " << digits(*ours_on_ref_norm.word2ph) << " upstream " << r.word2ph << "\n";
    }
  }
  std::cout << "zh parity: " << identical << "/" << total << " identical end to end ("
            << 100.0 * double(identical) / double(total) << "%), normalisation " << norm_ok << "/" << total
            << ", g2p on upstream's normalised text " << g2p_ok << "/" << total << ", crashes " << crashes
            << ", upstream errors reproduced " << errors_matched << "/" << expected_errors << "\n";
  EXPECT_EQ(crashes, 0u);
  EXPECT_EQ(errors_matched, expected_errors);
  EXPECT_GE(double(identical), 0.99 * double(total));
}

}  // namespace
