// The BERT WordPiece tokenizer of chinese-roberta-wwm-ext-large, as HF BertTokenizerFast (the Rust
// `tokenizers` library) runs it for upstream's `AutoTokenizer(...)(text)`:
//   1. special ("added") tokens such as [MASK] are cut out of the raw text first, verbatim;
//   2. BertNormalizer: drop control/format/private-use characters, map whitespace to ' ', put spaces
//      around CJK ideographs, strip accents (NFD, drop nonspacing marks; on when lower-casing unless
//      the file says otherwise), lower-case;
//   3. BertPreTokenizer: split on whitespace, isolate every punctuation character;
//   4. WordPiece: greedy longest-match-first per word with "##" continuations; a word longer than
//      max_input_chars_per_word (100) characters, or one that cannot be covered, becomes [UNK];
//   5. [CLS] ... [SEP].
// The Unicode tables (wordpiece_unicode.inc) are probed from `tokenizers` itself
// (tools/golden/roberta_wordpiece_tables.py), so they match it code point by code point.
//
// Upstream's get_bert_feature assumes one token per character of the zh-normalised text (CJK
// ideographs and !?…,.- only, each of which is one token when it is in the vocab). Latin words,
// digit runs and out-of-vocab characters break that: a word becomes one or several pieces, or one
// [UNK]. See models/roberta.h for what happens then.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gsv::text {

struct WordPieceConfig {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;  // HF's strip_accents=None means "same as lowercase"
  bool lowercase = true;
  int max_input_chars_per_word = 100;
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
};

// A token matched in the text before normalisation (the special tokens [PAD]/[UNK]/[CLS]/[SEP]/
// [MASK] in BERT files). `normalized` tokens are matched in the normalised text instead.
struct AddedToken {
  std::string content;
  int id = 0;
  bool lstrip = false, rstrip = false, normalized = false;
};

struct WordPieceTokenizer {
  WordPieceConfig config;
  std::unordered_map<std::string, int> vocab;
  std::vector<std::string> id_to_token;  // empty string for ids not in the vocab
  std::vector<AddedToken> added;
  int unk_id = -1, cls_id = -1, sep_id = -1;
};

// A BERT vocab.txt (one token per line, id = line number, later duplicates win, as HF's load_vocab).
// The special tokens are the five BERT ones that the vocab contains; [UNK]/[CLS]/[SEP] are required.
WordPieceTokenizer load_wordpiece_vocab(const std::filesystem::path& vocab_txt, const WordPieceConfig& config = {});
// A tokenizers `tokenizer.json` with a WordPiece model, BertNormalizer and BertPreTokenizer.
WordPieceTokenizer load_wordpiece_tokenizer_json(const std::filesystem::path& tokenizer_json);
// An HF folder: tokenizer.json if present (what AutoTokenizer prefers, and what upstream's
// chinese-roberta-wwm-ext-large folder ships), else vocab.txt with tokenizer_config.json's
// do_lower_case / strip_accents / tokenize_chinese_chars.
WordPieceTokenizer load_wordpiece_dir(const std::filesystem::path& dir);

// Step 2 alone (exposed for tests): the BertNormalizer output for UTF-8 text.
std::string bert_normalize(const WordPieceConfig& config, std::string_view text);

// The token strings of `text` (steps 1-4), without [CLS]/[SEP].
std::vector<std::string> wordpiece_tokens(const WordPieceTokenizer& tok, std::string_view text);
// input_ids as tokenizer(text)["input_ids"]: [CLS] ... [SEP] unless add_special_tokens is false.
std::vector<int> wordpiece_encode(const WordPieceTokenizer& tok, std::string_view text, bool add_special_tokens = true);

// Number of Unicode code points in UTF-8 text (Python's len(str)); throws BadInput on invalid UTF-8.
size_t utf8_length(std::string_view text);

}  // namespace gsv::text
