// The v2 symbol table against upstream's symbols2.symbols (tools/golden/frontend_corpus.py wrote
// tests/fixtures/frontend/symbols.json from the real module), plus phones -> ids.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "support/golden.h"
#include "text/symbols.h"

using gsv::test::fixture;
using namespace gsv::text;

TEST(TextSymbols, MatchesUpstreamSymbols2) {
  std::ifstream f(fixture("frontend/symbols.json"));
  ASSERT_TRUE(f) << "missing fixture frontend/symbols.json";
  const auto j = nlohmann::json::parse(f);
  const auto v2 = j.at("v2").get<std::vector<std::string>>();
  const auto v1 = j.at("v1").get<std::vector<std::string>>();
  const auto& ours = symbols_v2();
  ASSERT_EQ(ours.size(), v2.size());
  int mismatches = 0;
  for (size_t i = 0; i < v2.size(); ++i) {
    if (ours[i] != v2[i] && mismatches++ < 10) ADD_FAILURE() << "id " << i << ": ours '" << ours[i] << "' upstream '" << v2[i] << "'";
  }
  EXPECT_EQ(mismatches, 0);
  // v1 (symbols.py) is the first 322 entries.
  ASSERT_EQ(v1.size(), static_cast<size_t>(kNumSymbolsV1));
  for (size_t i = 0; i < v1.size(); ++i) EXPECT_EQ(ours[i], v1[i]) << "v1 id " << i;
}

TEST(TextSymbols, IdsOfKnownPhones) {
  // Spot checks from the reference table (gpt-sovits-training.md §5.1).
  EXPECT_EQ(symbol_id("!"), 0);
  EXPECT_EQ(symbol_id("_"), 95);
  EXPECT_EQ(symbol_id("UNK"), 86);
  EXPECT_EQ(symbol_id("SP"), 77);
  EXPECT_EQ(symbol_id("AH0"), 12);
  EXPECT_EQ(symbol_id("…"), 321);
  EXPECT_EQ(symbol_id("["), 322);
  EXPECT_EQ(symbol_id("停"), 351);
  EXPECT_EQ(symbol_id("Yz"), 731);
  EXPECT_EQ(phones_to_ids({"n", "i3", "h", "ao3", ","}), (std::vector<int>{227, 168, 158, 119, 1}));
}

TEST(TextSymbols, UnknownPhoneIsAClearError) {
  try {
    phones_to_ids({"a1", "not-a-phone"});
    FAIL() << "expected an error";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("not-a-phone"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(is_symbol("UW"));  // g2p_en's bare UW is not in the table
  EXPECT_TRUE(is_symbol("UW1"));
}

TEST(TextSymbols, MatchesReferenceDocTable) {
  // The id table of gpt-sovits-training.md §5.1 in the shared reference folder beside the repo.
  const auto doc = gsv::test::source_dir().parent_path() / "shared" / "reference" / "gpt-sovits-training.md";
  GSV_REQUIRE_FIXTURE(doc);
  std::ifstream f(doc);
  std::string line;
  bool in_table = false, seen_heading = false;
  int checked = 0;
  while (std::getline(f, line)) {
    if (line.find("Full id table") != std::string::npos) seen_heading = true;
    if (seen_heading && line.rfind("```", 0) == 0) {
      if (in_table) break;
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    std::istringstream words(line);
    std::string item;
    while (words >> item) {
      const size_t colon = item.find(':');
      ASSERT_NE(colon, std::string::npos) << item;
      const int id = std::stoi(item.substr(0, colon));
      EXPECT_EQ(symbols_v2().at(id), item.substr(colon + 1)) << "id " << id;
      ++checked;
    }
  }
  EXPECT_EQ(checked, kNumSymbolsV2);
}
