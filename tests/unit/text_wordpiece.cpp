// The WordPiece tokenizer against HF BertTokenizerFast (tools/golden/roberta.py): a few hundred strings
// (Chinese, punctuation, latin words, digits, accents, emoji, control characters, odd whitespace, special
// tokens, over-long words) tokenised from a synthetic BERT vocab, ids compared exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "support/golden.h"
#include "text/wordpiece.h"

namespace fs = std::filesystem;
namespace mx = mlx::core;
using gsv::test::fixture;
using namespace gsv::text;

namespace {

nlohmann::json cases() {
  std::ifstream f(fixture("wordpiece/cases.json"));
  return nlohmann::json::parse(f);
}

std::string show(const std::vector<int>& ids) {
  std::string s;
  for (int id : ids) s += std::to_string(id) + " ";
  return s;
}

// Runs every case; reports each mismatch with the text and both id lists.
void expect_all_match(const WordPieceTokenizer& tok, const nlohmann::json& list, const std::string& what) {
  int mismatches = 0;
  for (const auto& c : list) {
    const auto text = c.at("text").get<std::string>();
    const auto expected = c.at("ids").get<std::vector<int>>();
    const auto ours = wordpiece_encode(tok, text);
    if (ours != expected) {
      ++mismatches;
      ADD_FAILURE() << what << ": text " << nlohmann::json(text).dump() << "\n  ours: " << show(ours)
                    << "\n  HF:   " << show(expected);
    }
  }
  std::cout << "  " << what << ": " << list.size() - mismatches << "/" << list.size() << " identical\n";
}

}  // namespace

TEST(WordPiece, VocabTxtMatchesBertTokenizerFast) {
  auto tok = load_wordpiece_vocab(fixture("wordpiece/vocab.txt"));
  const auto j = cases();
  EXPECT_EQ(tok.vocab.size(), j.at("vocab_size").get<size_t>());
  ASSERT_GE(j.at("lowercase").size(), 300u);
  expect_all_match(tok, j.at("lowercase"), "vocab.txt, do_lower_case");
}

TEST(WordPiece, TokenizerJsonMatchesBertTokenizerFast) {
  auto tok = load_wordpiece_tokenizer_json(fixture("wordpiece/tokenizer.json"));
  EXPECT_TRUE(tok.config.lowercase);
  EXPECT_TRUE(tok.config.strip_accents);  // strip_accents: null follows lowercase
  expect_all_match(tok, cases().at("lowercase"), "tokenizer.json");
}

TEST(WordPiece, CasedMatchesBertTokenizerFast) {
  WordPieceConfig cased;
  cased.lowercase = false;
  cased.strip_accents = false;  // BertTokenizerFast(do_lower_case=False): strip_accents None -> off
  auto tok = load_wordpiece_vocab(fixture("wordpiece/vocab.txt"), cased);
  expect_all_match(tok, cases().at("cased"), "vocab.txt, cased");
}

TEST(WordPiece, DirPrefersTokenizerJson) {
  auto tok = load_wordpiece_dir(fixture("wordpiece"));
  EXPECT_EQ(wordpiece_encode(tok, "你好"), wordpiece_encode(load_wordpiece_vocab(fixture("wordpiece/vocab.txt")), "你好"));
  // The roberta model folder ships tokenizer.json only, like upstream's chinese-roberta-wwm-ext-large.
  auto rob = load_wordpiece_dir(fixture("roberta/model"));
  EXPECT_GT(rob.vocab.size(), 1000u);
}

TEST(WordPiece, TokensAndPieces) {
  auto tok = load_wordpiece_vocab(fixture("wordpiece/vocab.txt"));
  EXPECT_EQ(wordpiece_tokens(tok, "Unbelievable café!"),
            (std::vector<std::string>{"un", "##believ", "##able", "cafe", "!"}));
  EXPECT_EQ(wordpiece_tokens(tok, "你好[MASK]"), (std::vector<std::string>{"你", "好", "[MASK]"}));
  EXPECT_EQ(wordpiece_tokens(tok, std::string(101, 'a')), (std::vector<std::string>{"[UNK]"}));
  EXPECT_EQ(bert_normalize(tok.config, "Ａé你\t\x01"), "ａe 你  ");
  auto ids = wordpiece_encode(tok, "你好");
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids.front(), tok.cls_id);
  EXPECT_EQ(ids.back(), tok.sep_id);
  EXPECT_EQ(wordpiece_encode(tok, "你好", false).size(), 2u);
  EXPECT_EQ(utf8_length("你好ab"), 4u);
}

TEST(WordPiece, Errors) {
  auto tok = load_wordpiece_vocab(fixture("wordpiece/vocab.txt"));
  try {
    wordpiece_encode(tok, std::string("ab\xff", 3));
    FAIL() << "invalid UTF-8 accepted";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos);
  }
  EXPECT_THROW(wordpiece_encode(tok, std::string("\xed\xa0\x80", 3)), gsv::Error);  // surrogate
  EXPECT_THROW(wordpiece_encode(tok, std::string("\xc0\x80", 2)), gsv::Error);      // overlong

  const fs::path dir = fs::temp_directory_path() / "gsv_wordpiece_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  try {
    load_wordpiece_dir(dir);
    FAIL() << "empty folder accepted";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::MissingFile);
    EXPECT_NE(std::string(e.what()).find("tokenizer.json"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "vocab.txt") << "[PAD]\n[UNK]\n[SEP]\na\n";
  try {
    load_wordpiece_dir(dir);
    FAIL() << "vocab without [CLS] accepted";
  } catch (const gsv::Error& e) {
    EXPECT_NE(std::string(e.what()).find("[CLS]"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "tokenizer.json") << "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}";
  EXPECT_THROW(load_wordpiece_dir(dir), gsv::Error);
  fs::remove_all(dir);
}

TEST(WordPiece, RobertaFolderTokenizesUpstreamTexts) {
  // The texts whose BERT features models_roberta.cpp checks: upstream's AutoTokenizer gave these ids.
  auto tok = load_wordpiece_dir(fixture("roberta/model"));
  std::ifstream f(fixture("roberta/texts.json"));
  const auto texts = nlohmann::json::parse(f).get<std::vector<std::string>>();
  const auto ref = gsv::test::load_fixture("roberta/expected.safetensors");
  ASSERT_EQ(texts.size(), 3u);
  for (size_t i = 0; i < texts.size(); ++i) {
    auto expected = mx::astype(ref.at("ids_" + std::to_string(i)), mx::int32);
    mx::eval(expected);
    std::vector<int> want(expected.data<int32_t>(), expected.data<int32_t>() + expected.size());
    auto ours = wordpiece_encode(tok, texts[i]);
    EXPECT_EQ(ours, want) << texts[i];
    EXPECT_EQ(ours.size(), utf8_length(texts[i]) + 2) << "one token per character";
  }
}
