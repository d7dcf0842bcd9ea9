#include "text/wordpiece.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace gsv::text {

namespace fs = std::filesystem;

namespace {

struct CodeRange {
  char32_t lo, hi;
};
struct CodeRun {  // lo, lo+stride, ..., hi map to cp + delta
  char32_t lo, hi;
  int32_t delta;
  int32_t stride;
};
struct CodeString {
  char32_t cp;
  const char* utf8;
};

#include "text/wordpiece_unicode.inc"

template <size_t N>
bool in_ranges(const CodeRange (&table)[N], char32_t cp) {
  auto it = std::upper_bound(std::begin(table), std::end(table), cp,
                             [](char32_t c, const CodeRange& r) { return c < r.lo; });
  return it != std::begin(table) && cp <= std::prev(it)->hi;
}

template <size_t N>
bool find_run(const CodeRun (&table)[N], char32_t cp, char32_t& out) {
  auto it = std::upper_bound(std::begin(table), std::end(table), cp,
                             [](char32_t c, const CodeRun& r) { return c < r.lo; });
  if (it == std::begin(table)) return false;
  const CodeRun& r = *std::prev(it);
  if (cp > r.hi || (cp - r.lo) % r.stride != 0) return false;
  out = static_cast<char32_t>(static_cast<int32_t>(cp) + r.delta);
  return true;
}

template <size_t N>
const char* find_string(const CodeString (&table)[N], char32_t cp) {
  auto it = std::lower_bound(std::begin(table), std::end(table), cp,
                             [](const CodeString& s, char32_t c) { return s.cp < c; });
  return it != std::end(table) && it->cp == cp ? it->utf8 : nullptr;
}

// ---------------------------------------------------------------- UTF-8
std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) bad_input("text is not valid UTF-8 (byte ", i, "); re-save it as UTF-8");
    char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (int k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) bad_input("text is not valid UTF-8 (byte ", i + k, "); re-save it as UTF-8");
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      bad_input("text is not valid UTF-8 (byte ", i, "); re-save it as UTF-8");
    out.push_back(cp);
    i += len;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode_utf8(const std::u32string& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : s) append_utf8(out, cp);
  return out;
}

// ---------------------------------------------------------------- normaliser
void append_lowercased(const WordPieceConfig& c, std::u32string& out, char32_t cp) {
  if (!c.lowercase) {
    out.push_back(cp);
    return;
  }
  char32_t mapped;
  if (find_run(kLowerSingle, cp, mapped)) {
    out.push_back(mapped);
  } else if (const char* s = find_string(kLowerMulti, cp)) {
    out += decode_utf8(s);
  } else {
    out.push_back(cp);
  }
}

// NFD of one code point with its nonspacing marks dropped, then lower-cased. Per code point is
// exact except for NFD's canonical reordering of a run of combining marks, which only matters for
// marks that survive the stripping (spacing marks with a non-zero combining class: practically none).
void append_stripped(const WordPieceConfig& c, std::u32string& out, char32_t cp) {
  if (!c.strip_accents) return append_lowercased(c, out, cp);
  if (in_ranges(kAccentDropped, cp)) return;
  if (cp >= 0xAC00 && cp <= 0xD7A3) {  // Hangul syllables decompose into conjoining jamo (Unicode §3.12)
    const char32_t s = cp - 0xAC00;
    append_lowercased(c, out, 0x1100 + s / 588);
    append_lowercased(c, out, 0x1161 + (s % 588) / 28);
    if (s % 28) append_lowercased(c, out, 0x11A7 + s % 28);
    return;
  }
  char32_t mapped;
  if (find_run(kAccentSingle, cp, mapped)) return append_lowercased(c, out, mapped);
  if (const char* s = find_string(kAccentMulti, cp)) {
    for (char32_t d : decode_utf8(s)) append_lowercased(c, out, d);
    return;
  }
  append_lowercased(c, out, cp);
}

std::u32string normalize(const WordPieceConfig& c, const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size() + text.size() / 2);
  for (char32_t cp : text) {
    if (c.clean_text) {
      if (in_ranges(kCleanDropped, cp)) continue;
      if (in_ranges(kCleanToSpace, cp)) cp = U' ';
    }
    const bool chinese = c.handle_chinese_chars && in_ranges(kChineseChars, cp);
    if (chinese) out.push_back(U' ');
    append_stripped(c, out, cp);
    if (chinese) out.push_back(U' ');
  }
  return out;
}

// ---------------------------------------------------------------- added tokens
struct Piece {
  std::u32string text;
  int added_id = -1;  // >= 0: an added token, emitted as is
};

bool is_rust_whitespace(char32_t cp) { return in_ranges(kPreTokWhitespace, cp); }

// Splits `text` around the leftmost-longest occurrences of `tokens` (as tokenizers' AddedVocabulary
// does with its Aho-Corasick matcher), honouring lstrip/rstrip.
std::vector<Piece> split_added(const std::u32string& text, const std::vector<std::pair<std::u32string, const AddedToken*>>& tokens) {
  std::vector<Piece> out;
  if (tokens.empty()) {
    out.push_back({text, -1});
    return out;
  }
  size_t start = 0, i = 0;
  while (i < text.size()) {
    const std::pair<std::u32string, const AddedToken*>* best = nullptr;
    for (const auto& t : tokens) {
      if (t.first.empty() || t.first.size() > text.size() - i) continue;
      if (text.compare(i, t.first.size(), t.first) == 0 && (!best || t.first.size() > best->first.size())) best = &t;
    }
    if (!best) {
      ++i;
      continue;
    }
    size_t s = i, e = i + best->first.size();
    if (best->second->lstrip)
      while (s > start && is_rust_whitespace(text[s - 1])) --s;
    if (best->second->rstrip)
      while (e < text.size() && is_rust_whitespace(text[e])) ++e;
    if (s > start) out.push_back({text.substr(start, s - start), -1});
    out.push_back({text.substr(s, e - s), best->second->id});
    start = i = e;
  }
  if (start < text.size()) out.push_back({text.substr(start), -1});
  return out;
}

// ---------------------------------------------------------------- WordPiece
void wordpiece_word(const WordPieceTokenizer& tok, const std::u32string& word, std::vector<int>& ids,
                    std::vector<std::string>* strings) {
  auto emit_unk = [&] {
    ids.push_back(tok.unk_id);
    if (strings) strings->push_back(tok.config.unk_token);
  };
  if (word.size() > static_cast<size_t>(tok.config.max_input_chars_per_word)) return emit_unk();
  std::vector<int> sub_ids;
  std::vector<std::string> sub_strings;
  size_t start = 0;
  while (start < word.size()) {
    size_t end = word.size();
    int found = -1;
    std::string piece;
    while (start < end) {
      piece = start > 0 ? tok.config.continuing_subword_prefix : std::string();
      piece += encode_utf8(word.substr(start, end - start));
      auto it = tok.vocab.find(piece);
      if (it != tok.vocab.end()) {
        found = it->second;
        break;
      }
      --end;
    }
    if (found < 0) return emit_unk();  // one uncoverable piece makes the whole word [UNK]
    sub_ids.push_back(found);
    sub_strings.push_back(std::move(piece));
    start = end;
  }
  ids.insert(ids.end(), sub_ids.begin(), sub_ids.end());
  if (strings) strings->insert(strings->end(), sub_strings.begin(), sub_strings.end());
}

// BertPreTokenizer: words are split on whitespace (dropped) and punctuation (kept, one per word).
void pretokenize_and_encode(const WordPieceTokenizer& tok, const std::u32string& normalized, std::vector<int>& ids,
                            std::vector<std::string>* strings) {
  std::u32string word;
  auto flush = [&] {
    if (!word.empty()) wordpiece_word(tok, word, ids, strings);
    word.clear();
  };
  for (char32_t cp : normalized) {
    if (is_rust_whitespace(cp)) {
      flush();
    } else if (in_ranges(kPunctuation, cp)) {
      flush();
      word.push_back(cp);
      flush();
    } else {
      word.push_back(cp);
    }
  }
  flush();
}

void encode_into(const WordPieceTokenizer& tok, std::string_view text, std::vector<int>& ids,
                 std::vector<std::string>* strings) {
  std::vector<std::pair<std::u32string, const AddedToken*>> raw_tokens, normalized_tokens;
  for (const auto& a : tok.added) {
    if (a.normalized)
      normalized_tokens.emplace_back(normalize(tok.config, decode_utf8(a.content)), &a);
    else
      raw_tokens.emplace_back(decode_utf8(a.content), &a);
  }
  auto emit_added = [&](int id) {
    ids.push_back(id);
    if (strings) strings->push_back(tok.id_to_token.at(id));
  };
  for (const auto& raw : split_added(decode_utf8(text), raw_tokens)) {
    if (raw.added_id >= 0) {
      emit_added(raw.added_id);
      continue;
    }
    for (const auto& piece : split_added(normalize(tok.config, raw.text), normalized_tokens)) {
      if (piece.added_id >= 0)
        emit_added(piece.added_id);
      else
        pretokenize_and_encode(tok, piece.text, ids, strings);
    }
  }
}

// ---------------------------------------------------------------- loading
std::string read_text_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(ErrorKind::MissingFile, "cannot read ", path.string());
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

nlohmann::json read_json(const fs::path& path) {
  try {
    return nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception& e) {
    bad_input(path.string(), " is not valid JSON (", e.what(), "); re-download it");
  }
}

void index_tokens(WordPieceTokenizer& tok) {
  int max_id = -1;
  for (const auto& [t, id] : tok.vocab) max_id = std::max(max_id, id);
  for (const auto& a : tok.added) max_id = std::max(max_id, a.id);
  tok.id_to_token.assign(max_id + 1, std::string());
  for (const auto& [t, id] : tok.vocab) tok.id_to_token[id] = t;
  for (const auto& a : tok.added) tok.id_to_token[a.id] = a.content;
}

int require_id(const WordPieceTokenizer& tok, const std::string& token, const std::string& source) {
  for (const auto& a : tok.added)
    if (a.content == token) return a.id;
  auto it = tok.vocab.find(token);
  if (it == tok.vocab.end())
    bad_input(source, ": the vocabulary has no ", token, " token; this is not a BERT tokenizer file");
  return it->second;
}

}  // namespace

size_t utf8_length(std::string_view text) { return decode_utf8(text).size(); }

std::string bert_normalize(const WordPieceConfig& config, std::string_view text) {
  return encode_utf8(normalize(config, decode_utf8(text)));
}

std::vector<std::string> wordpiece_tokens(const WordPieceTokenizer& tok, std::string_view text) {
  std::vector<int> ids;
  std::vector<std::string> strings;
  encode_into(tok, text, ids, &strings);
  return strings;
}

std::vector<int> wordpiece_encode(const WordPieceTokenizer& tok, std::string_view text, bool add_special_tokens) {
  std::vector<int> ids;
  if (add_special_tokens) ids.push_back(tok.cls_id);
  encode_into(tok, text, ids, nullptr);
  if (add_special_tokens) ids.push_back(tok.sep_id);
  return ids;
}

WordPieceTokenizer load_wordpiece_vocab(const fs::path& vocab_txt, const WordPieceConfig& config) {
  if (!fs::exists(vocab_txt)) fail(ErrorKind::MissingFile, "BERT vocabulary not found: ", vocab_txt.string());
  const std::string data = read_text_file(vocab_txt);
  WordPieceTokenizer tok;
  tok.config = config;
  // HF's load_vocab: readlines(), rstrip("\n") only, id = line index, a repeated token keeps its last id.
  size_t start = 0;
  int id = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == std::string::npos) end = data.size();
    std::string token = data.substr(start, end - start);
    decode_utf8(token);  // validates
    tok.vocab[token] = id++;
    start = end + 1;
  }
  if (tok.vocab.empty()) bad_input(vocab_txt.string(), " is empty; re-download the BERT folder");
  // BertTokenizerFast registers the five BERT special tokens as non-normalised added tokens.
  for (const char* s : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    auto it = tok.vocab.find(s);
    if (it != tok.vocab.end()) tok.added.push_back({s, it->second});
  }
  const std::string source = vocab_txt.string();
  tok.unk_id = require_id(tok, config.unk_token, source);
  tok.cls_id = require_id(tok, "[CLS]", source);
  tok.sep_id = require_id(tok, "[SEP]", source);
  index_tokens(tok);
  return tok;
}

WordPieceTokenizer load_wordpiece_tokenizer_json(const fs::path& path) {
  if (!fs::exists(path)) fail(ErrorKind::MissingFile, "tokenizer file not found: ", path.string());
  const auto j = read_json(path);
  const std::string source = path.string();
  WordPieceTokenizer tok;
  try {
    const auto& model = j.at("model");
    if (model.value("type", std::string()) != "WordPiece")
      fail(ErrorKind::Unsupported, source, ": tokenizer model is '", model.value("type", std::string("?")),
           "', expected WordPiece (the chinese-roberta-wwm-ext-large tokenizer)");
    for (const auto& [t, id] : model.at("vocab").items()) tok.vocab[t] = id.get<int>();
    tok.config.unk_token = model.value("unk_token", std::string("[UNK]"));
    tok.config.continuing_subword_prefix = model.value("continuing_subword_prefix", std::string("##"));
    tok.config.max_input_chars_per_word = model.value("max_input_chars_per_word", 100);

    const auto& norm = j.at("normalizer");
    if (norm.is_null()) {
      tok.config.clean_text = tok.config.handle_chinese_chars = tok.config.strip_accents = tok.config.lowercase = false;
    } else {
      if (norm.value("type", std::string()) != "BertNormalizer")
        fail(ErrorKind::Unsupported, source, ": normalizer '", norm.value("type", std::string("?")),
             "' is not supported (expected BertNormalizer)");
      tok.config.clean_text = norm.value("clean_text", true);
      tok.config.handle_chinese_chars = norm.value("handle_chinese_chars", true);
      tok.config.lowercase = norm.value("lowercase", true);
      const auto sa = norm.find("strip_accents");
      tok.config.strip_accents = (sa == norm.end() || sa->is_null()) ? tok.config.lowercase : sa->get<bool>();
    }
    const auto& pre = j.at("pre_tokenizer");
    if (pre.is_null() || pre.value("type", std::string()) != "BertPreTokenizer")
      fail(ErrorKind::Unsupported, source, ": pre-tokenizer is not BertPreTokenizer");

    if (j.contains("added_tokens")) {
      for (const auto& a : j.at("added_tokens")) {
        if (a.value("single_word", false))
          fail(ErrorKind::Unsupported, source, ": single_word added tokens are not supported ('",
               a.value("content", std::string()), "')");
        tok.added.push_back({a.at("content").get<std::string>(), a.at("id").get<int>(), a.value("lstrip", false),
                             a.value("rstrip", false), a.value("normalized", false)});
      }
    }
    tok.unk_id = require_id(tok, tok.config.unk_token, source);
    tok.cls_id = require_id(tok, "[CLS]", source);
    tok.sep_id = require_id(tok, "[SEP]", source);
    const auto& post = j.value("post_processor", nlohmann::json());
    if (post.is_object() && post.value("type", std::string()) == "BertProcessing") {
      tok.cls_id = post.at("cls").at(1).get<int>();
      tok.sep_id = post.at("sep").at(1).get<int>();
    } else if (post.is_object() && post.value("type", std::string()) == "TemplateProcessing") {
      const auto& specials = post.at("special_tokens");
      if (specials.contains("[CLS]")) tok.cls_id = specials.at("[CLS]").at("ids").at(0).get<int>();
      if (specials.contains("[SEP]")) tok.sep_id = specials.at("[SEP]").at("ids").at(0).get<int>();
    }
  } catch (const nlohmann::json::exception& e) {
    bad_input(source, ": unexpected tokenizer.json layout (", e.what(), "); re-download the BERT folder");
  }
  index_tokens(tok);
  return tok;
}

WordPieceTokenizer load_wordpiece_dir(const fs::path& dir) {
  if (fs::exists(dir / "tokenizer.json")) return load_wordpiece_tokenizer_json(dir / "tokenizer.json");
  if (!fs::exists(dir / "vocab.txt"))
    fail(ErrorKind::MissingFile, "no tokenizer in ", dir.string(),
         ": expected tokenizer.json (or vocab.txt) from chinese-roberta-wwm-ext-large; re-download the folder");
  WordPieceConfig config;
  if (fs::exists(dir / "tokenizer_config.json")) {
    const auto j = read_json(dir / "tokenizer_config.json");
    // BertTokenizer's defaults: do_lower_case=True, tokenize_chinese_chars=True, strip_accents=None.
    auto flag = [&](const char* key, bool fallback) {
      auto it = j.find(key);
      return (it == j.end() || !it->is_boolean()) ? fallback : it->get<bool>();
    };
    config.lowercase = flag("do_lower_case", true);
    config.handle_chinese_chars = flag("tokenize_chinese_chars", true);
    config.strip_accents = flag("strip_accents", config.lowercase);
  }
  return load_wordpiece_vocab(dir / "vocab.txt", config);
}

}  // namespace gsv::text
