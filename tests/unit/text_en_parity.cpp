// English normalisation + g2p against upstream's clean_text(text, "en") on ~560 sentences
// (tests/fixtures/frontend/en_corpus.jsonl, from tools/golden/frontend_corpus.py): numbers, ordinals,
// times, units, currencies, fractions, abbreviations, homographs, names, out-of-vocabulary words.
// Prints every mismatch with both sides; requires >= 99% identical norm_text + phones, 0 crashes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "support/golden.h"
#include "text/frontend.h"

using gsv::test::fixture;
using namespace gsv::text;

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& p : v) s += p + " ";
  return s;
}

}  // namespace

TEST(TextEnParity, CorpusMatchesUpstream) {
  std::ifstream f(fixture("frontend/en_corpus.jsonl"));
  ASSERT_TRUE(f) << "missing fixture frontend/en_corpus.jsonl";
  int total = 0, same = 0, crashes = 0, shown = 0;
  std::string line;
  while (std::getline(f, line)) {
    const auto row = nlohmann::json::parse(line);
    const std::string text = row.at("text");
    ++total;
    try {
      const G2PResult r = clean_text(text, "en");
      if (row.contains("error")) {
        if (shown++ < 30) ADD_FAILURE() << "upstream raised (" << row["error"] << ") but we did not: " << text;
        continue;
      }
      const std::string norm = row.at("norm_text");
      const auto phones = row.at("phones").get<std::vector<std::string>>();
      if (r.norm_text == norm && r.phones == phones) {
        ++same;
      } else if (shown++ < 30) {
        std::cout << "MISMATCH  " << text << "\n  norm ours: " << r.norm_text << "\n  norm upst: " << norm
                  << "\n  ours: " << join(r.phones) << "\n  upst: " << join(phones) << "\n";
      }
    } catch (const gsv::Error& e) {
      if (row.contains("error")) {
        ++same;  // both sides refuse the input
      } else if (shown++ < 30) {
        std::cout << "ERROR  " << text << ": " << e.what() << "\n";
      }
    } catch (const std::exception& e) {
      ++crashes;
      std::cout << "CRASH  " << text << ": " << e.what() << "\n";
    }
  }
  const double rate = total ? double(same) / total : 0;
  std::cout << "en parity: " << same << "/" << total << " identical (" << 100 * rate << "%), " << crashes
            << " crashes\n";
  EXPECT_GE(total, 400);
  EXPECT_EQ(crashes, 0);
  EXPECT_GE(rate, 0.99);
}
