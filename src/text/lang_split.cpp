#include "text/lang_split.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <mutex>
#include <unordered_map>

#include "core/error.h"
#include "core/paths.h"
#include "text/lang_unicode.h"

namespace gsv::text {

namespace {

using u32 = std::u32string;

// ------------------------------------------------------------------------------------ budoux

struct BudouxModel {
  // UW1..UW6 (single characters), BW1..BW3 (pairs), TW1..TW4 (triples): feature -> score.
  std::unordered_map<u32, int> uw[6], bw[3], tw[4];
  double base_score = 0;
};

BudouxModel load_budoux(const std::string& name) {
  const auto path = data_dir() / "en" / ("budoux_" + name + ".json");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(ErrorKind::MissingFile, "budoux model ", path.string(),
         " is missing; run ./setup.sh (it builds .deps/data) or point $GPT_SOVITS_DATA at that folder");
  nlohmann::json j = nlohmann::json::parse(in);
  BudouxModel m;
  long long total = 0;
  for (auto& [group, table] : j.items()) {
    std::unordered_map<u32, int>* dst = nullptr;
    if (group.size() == 3 && group[2] >= '1') {
      int k = group[2] - '1';
      if (group.compare(0, 2, "UW") == 0 && k < 6) dst = &m.uw[k];
      if (group.compare(0, 2, "BW") == 0 && k < 3) dst = &m.bw[k];
      if (group.compare(0, 2, "TW") == 0 && k < 4) dst = &m.tw[k];
    }
    for (auto& [feature, score] : table.items()) {
      total += score.get<long long>();  // the base score sums every group, known or not
      if (dst) (*dst)[utf8_to_u32(feature)] = score.get<int>();
    }
  }
  m.base_score = -static_cast<double>(total) * 0.5;
  return m;
}

const BudouxModel& budoux_model(const std::string& name) {
  static std::once_flag ja_once, zh_once;
  static BudouxModel ja, zh;
  if (name == "ja") {
    std::call_once(ja_once, [] { ja = load_budoux("ja"); });
    return ja;
  }
  if (name == "zh-hans") {
    std::call_once(zh_once, [] { zh = load_budoux("zh-hans"); });
    return zh;
  }
  fail(ErrorKind::Internal, "unknown budoux model ", name);
}

int lookup(const std::unordered_map<u32, int>& t, const u32& key) {
  auto it = t.find(key);
  return it == t.end() ? 0 : it->second;
}

// ------------------------------------------------------------------------------------ helpers

bool in_range(char32_t c, char32_t a, char32_t b) { return c >= a && c <= b; }

// split_lang.split.utils
bool is_zh_ja_char(char32_t c) { return in_range(c, 0x4E00, 0x9FFF) || in_range(c, 0x3040, 0x30FF) || c == U'々'; }
bool is_kana_char(char32_t c) { return in_range(c, 0x3040, 0x30FF) || c == U'々'; }
bool is_hangul_syllable(char32_t c) { return in_range(c, 0xAC00, 0xD7AF); }
bool contains_kana(const u32& s) {
  for (char32_t c : s)
    if (is_kana_char(c)) return true;
  return false;
}

const u32 kSplitLangPunctuation =
    U"〜~,.;:!?，。！？；：、·([{<（【《〈「『“‘)]}>）】》〉」』”’\"-_——#$%&……￥'*+<=>?@[\\]^_`{|}~";
bool is_split_punct(char32_t c) { return kSplitLangPunctuation.find(c) != u32::npos; }

enum class Section { ZhJa, Ko, Punctuation, Newline, Digit, Others };

struct Sub {
  std::string lang;
  u32 text;
};

struct Sec {
  Section type;
  u32 text;
  std::vector<Sub> subs;
};

// fast_lang_detect(text): the stand-in detector, lower-cased code.
std::string detect(const u32& text) { return script_language(text); }

// possible_detection_list(text): fastText's top 5 over 1%; the stand-in has exactly one answer.
bool possibly(const std::string& lang, const u32& text) { return lang == detect(text); }

std::string map_lang(const std::string& code, bool zh_ja) {
  // ZH_JA_LANG_MAP for CJK sections, LangSegmenter.DEFAULT_LANG_MAP otherwise; default "x".
  static const std::map<std::string, std::string> kZhJa = {
      {"zh", "zh"}, {"yue", "zh"}, {"wuu", "zh"}, {"zh-cn", "zh"}, {"zh-tw", "x"}, {"ja", "ja"}};
  static const std::map<std::string, std::string> kGsv = {{"zh", "zh"}, {"yue", "zh"}, {"wuu", "zh"},
                                                          {"zh-cn", "zh"}, {"zh-tw", "x"}, {"ko", "ko"},
                                                          {"ja", "ja"}, {"en", "en"}};
  const auto& m = zh_ja ? kZhJa : kGsv;
  auto it = m.find(code);
  return it == m.end() ? "x" : it->second;
}

// ------------------------------------------------------------------------------------ split-lang

std::vector<Sec> pre_split(const u32& raw) {
  const u32 text = uni::strip(raw);
  std::vector<Sec> sections;
  Section current = Section::Others;
  u32 cur_text;
  auto flush = [&](Section type) {
    if (!cur_text.empty()) {
      sections.push_back({type, cur_text, {}});
      cur_text.clear();
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (is_zh_ja_char(c)) {
      if (current != Section::ZhJa) flush(current), current = Section::ZhJa;
    } else if (is_hangul_syllable(c)) {
      if (current != Section::Ko) flush(current), current = Section::Ko;
    } else if (uni::is_digit(c)) {
      if (current != Section::Digit) flush(current), current = Section::Digit;
    } else if (is_split_punct(c)) {
      // An apostrophe right after a non-space stays in the word ("don't").
      if (!(c == U'\'' && i > 0 && !uni::is_space(text[i - 1]))) {
        flush(current);  // every punctuation mark starts its own section
        current = Section::Punctuation;
      }
    } else if (uni::is_space(c)) {
      if (c == U'\n' || c == U'\r') {
        flush(current);
        current = Section::Newline;
      }
    } else {
      if (current != Section::Others) flush(current), current = Section::Others;
    }
    cur_text.push_back(c);
  }
  flush(current);
  return sections;
}

std::vector<u32> parse_zh_ja(const u32& text) {
  std::vector<u32> pieces;
  for (const u32& ja : lang::budoux_parse("ja", text))
    for (const u32& zh : lang::budoux_parse("zh-hans", ja)) pieces.push_back(zh);
  std::vector<u32> out = {pieces.at(0)};
  for (size_t i = 1; i < pieces.size(); ++i) {
    const bool left_kana = contains_kana(out.back()), cur_kana = contains_kana(pieces[i]);
    const bool same = left_kana == cur_kana;
    if (left_kana && same) {
      out.back() += pieces[i];
    } else if (!left_kana && same && pieces[i].size() == 1) {
      out.back() += pieces[i];  // lone Han characters stick to the phrase before
    } else {
      out.push_back(pieces[i]);
    }
  }
  if (out.size() >= 2 && out[0].size() == 1) {
    out[1] = out[0] + out[1];
    out.erase(out.begin());
  }
  return out;
}

std::vector<u32> parse_without_zh_ja(const u32& text) {
  // Words keep the spaces that follow them.
  std::vector<u32> words;
  bool exist_space = false;
  u32 chars;
  for (char32_t c : text) {
    if (!uni::is_space(c)) {
      if (exist_space) {
        words.push_back(chars);
        chars.clear();
        exist_space = false;
      }
    } else {
      exist_space = true;
    }
    chars.push_back(c);
  }
  if (!chars.empty()) words.push_back(chars);
  return words;
}

std::vector<Sub> merge_same(const std::vector<Sub>& subs) {
  std::vector<Sub> out;
  std::string lang;
  bool first = true;
  for (const Sub& b : subs) {
    if (first || b.lang != lang) {
      out.push_back(b);
    } else {
      out.back().text += b.text;
    }
    lang = b.lang;
    first = false;
  }
  return out;
}

void merge_middle_to_two_side(std::vector<Sub>& s) {
  if (s.size() <= 2) return;
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    const Sub& left = s[i];
    Sub& middle = s[i + 1];
    const Sub& right = s[i + 2];
    if (left.lang == right.lang && left.lang != "x" && left.lang != "newline") {
      const bool no_kana = !contains_kana(middle.text);
      const bool possible = possibly(left.lang, middle.text) && no_kana;
      const bool middle_x = middle.lang == "x";
      const bool short_middle = middle.text.size() <= 4 && left.text.size() + right.text.size() >= 6 && no_kana;
      if (possible || middle_x || short_middle) middle.lang = left.lang;
    }
  }
}

std::string nearest_lang(const std::vector<Sub>& s, size_t index, bool search_left) {
  for (size_t i = 1; i < s.size(); ++i) {
    if (search_left) {
      if (index >= i && s[index - i].lang != "x" && s[index - i].lang != "digit") return s[index - i].lang;
    } else {
      if (index + i < s.size() && s[index + i].lang != "x" && s[index + i].lang != "digit") return s[index + i].lang;
    }
  }
  return s[index].lang;
}

void fill_unknown(std::vector<Sub>& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i].lang != "x") continue;
    if (i == 0) {
      s[i].lang = nearest_lang(s, i, false);
    } else if (i == s.size() - 1) {
      s[i].lang = nearest_lang(s, i, true);
    } else {
      const bool left = s[i - 1].text.size() >= s[i + 1].text.size();
      s[i].lang = nearest_lang(s, i, left);
    }
  }
}

bool cur_short_near_long(const Sub& cur, const Sub& near) {
  const bool no_kana = !contains_kana(cur.text) && !contains_kana(near.text);
  const bool near_long_zh = near.text.size() > cur.text.size() && near.text.size() >= 6 && near.lang == "zh";
  return (near_long_zh && no_kana) || (possibly(near.lang, cur.text) && no_kana);
}

void merge_side_to_near(std::vector<Sub>& s) {
  {
    bool need = s[0].lang == "x";
    if (s.size() >= 2) {
      need = need || cur_short_near_long(s[0], s[1]) || (possibly(s[1].lang, s[0].text) && s[1].text.size() <= 5);
    }
    if (need) s[0].lang = nearest_lang(s, 0, false);
  }
  {
    const size_t last = s.size() - 1;
    bool need = s[last].lang == "x";
    if (s.size() >= 2) {
      need = need || cur_short_near_long(s[last], s[last - 1]) ||
             (possibly(s[last - 1].lang, s[last].text) && s[last - 1].text.size() <= 5);
    }
    if (need) s[last].lang = nearest_lang(s, last, true);
  }
}

std::vector<Sub> smart_merge(std::vector<Sub> s) {
  // LangSplitter._smart_merge (its _get_languages calls compute and discard a result: no-ops).
  s = merge_same(s);
  merge_middle_to_two_side(s);
  s = merge_same(s);
  merge_middle_to_two_side(s);
  s = merge_same(s);
  fill_unknown(s);
  merge_side_to_near(s);
  s = merge_same(s);
  merge_middle_to_two_side(s);
  s = merge_same(s);
  return s;
}

void split_sections(std::vector<Sec>& sections) {
  for (Sec& sec : sections) {
    switch (sec.type) {
      case Section::Punctuation: sec.subs = {{"punctuation", sec.text}}; break;
      case Section::Digit: sec.subs = {{"digit", sec.text}}; break;
      case Section::Newline: sec.subs = {{"newline", sec.text}}; break;
      case Section::Ko: sec.subs = {{"ko", sec.text}}; break;
      case Section::ZhJa:
        for (const u32& t : parse_zh_ja(sec.text))
          sec.subs.push_back({contains_kana(t) ? "ja" : map_lang(detect(t), true), t});
        break;
      case Section::Others:
        for (const u32& t : parse_without_zh_ja(sec.text)) sec.subs.push_back({map_lang(detect(t), false), t});
        break;
    }
  }
  for (Sec& sec : sections) {
    if (sec.type == Section::Punctuation || sec.type == Section::Newline) continue;
    sec.subs = smart_merge(sec.subs);
  }
}

std::vector<Sec> merge_same_type(const std::vector<Sec>& in) {
  std::vector<Sec> out = {in[0]};
  for (size_t i = 1; i < in.size(); ++i) {
    if (out.back().type == in[i].type) {
      out.back().text += in[i].text;
      out.back().subs.insert(out.back().subs.end(), in[i].subs.begin(), in[i].subs.end());
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// _merge_substrings_across_punctuation / _across_newline: `kind` substrings join the one before;
// runs of one language join up (last_lang is the previous *input* substring's language).
std::vector<Sub> merge_across(const std::vector<Sub>& subs, const std::string& kind) {
  std::vector<Sub> out;
  std::string last_lang;
  for (const Sub& s : subs) {
    if (!out.empty()) {
      if (s.lang == kind) {
        out.back().text += s.text;
      } else if (s.lang == last_lang || last_lang.empty()) {
        out.back().text += s.text;
        if (out.back().lang == kind) out.back().lang = s.lang;
      } else {
        out.push_back(s);
      }
    } else {
      out.push_back(s);
    }
    last_lang = s.lang;
  }
  return out;
}

std::vector<Sec> merge_across_punctuation(const std::vector<Sec>& sections) {
  std::vector<Sec> out = {sections[0]};
  for (size_t i = 1; i < sections.size(); ++i) {
    const Sec& cur = sections[i];
    Sec& prev = out.back();
    if (prev.type == Section::Punctuation) {
      // A leading punctuation section takes the next section's type and first language.
      prev.text += cur.text;
      prev.type = cur.type;
      prev.subs.back().text += cur.subs[0].text;
      prev.subs.back().lang = cur.subs[0].lang;
      prev.subs.insert(prev.subs.end(), cur.subs.begin() + 1, cur.subs.end());
    } else if (cur.type == Section::Punctuation) {
      prev.text += cur.text;
      prev.subs.back().text += cur.subs[0].text;
      prev.subs.insert(prev.subs.end(), cur.subs.begin() + 1, cur.subs.end());
    } else {
      out.push_back(cur);
    }
  }
  out = merge_same_type(out);
  for (Sec& s : out) s.subs = merge_across(s.subs, "punctuation");
  return out;
}

std::vector<Sec> merge_across_newline(const std::vector<Sec>& sections) {
  std::vector<Sec> out = {sections[0]};
  for (size_t i = 1; i < sections.size(); ++i) {
    const Sec& cur = sections[i];
    Sec& prev = out.back();
    if (prev.type == Section::Newline) {
      prev.type = cur.type;
      prev.text += cur.text;
      prev.subs.insert(prev.subs.end(), cur.subs.begin(), cur.subs.end());
    } else if (cur.type == Section::Newline) {
      prev.text += cur.text;
      prev.subs.insert(prev.subs.end(), cur.subs.begin(), cur.subs.end());
    } else {
      out.push_back(cur);
    }
  }
  out = merge_same_type(out);
  for (Sec& s : out) s.subs = merge_across(s.subs, "newline");
  return out;
}

std::vector<Sub> special_merge_zh_ja(const std::vector<Sub>& subs) {
  if (subs.size() == 1) return subs;
  // Only these keys exist upstream; another language here is a KeyError there.
  std::vector<std::pair<std::string, size_t>> counts = {{"zh", 0},    {"ja", 0},          {"x", 0},
                                                        {"digit", 0}, {"punctuation", 0}, {"newline", 0}};
  auto count = [&](const std::string& lang) -> size_t& {
    for (auto& [k, v] : counts)
      if (k == lang) return v;
    fail(ErrorKind::BadInput, "the language splitter met a '", lang,
         "' chunk inside Chinese/Japanese text (upstream fails here too); split the text differently");
  };
  auto in = [](const std::string& l, std::initializer_list<const char*> set) {
    for (const char* s : set)
      if (l == s) return true;
    return false;
  };
  std::vector<Sub> out;
  size_t i = 0;
  const size_t n = subs.size();
  while (i < n) {
    const Sub& cur = subs[i];
    count(cur.lang) += cur.text.size();
    if (i == 0) {
      if (in(subs[1].lang, {"zh", "ja"}) && in(subs[0].lang, {"zh", "ja", "x"}) &&
          subs[0].text.size() * 10 < subs[1].text.size()) {
        out.push_back({subs[1].lang, cur.text + subs[1].text});
        ++i;
      } else {
        out.push_back(subs[0]);
      }
    } else if (i == n - 1) {
      const Sub& left = out.back();
      if (in(left.lang, {"zh", "ja"}) && in(cur.lang, {"zh", "ja", "x"}) && cur.text.size() * 10 < left.text.size()) {
        out.back().text += cur.text;
        ++i;
      } else {
        out.push_back(cur);
      }
    } else {
      if (out.back().lang == subs[i + 1].lang && in(out.back().lang, {"zh", "ja"}) && cur.lang != "en" &&
          cur.text.size() * 10 < out.back().text.size() + subs[i + 1].text.size()) {
        out.back().text += cur.text + subs[i + 1].text;
        ++i;
      } else {
        out.push_back(cur);
      }
    }
    ++i;
  }
  if (count("x") > 0) {
    // max(dict, key=dict.get): the first key with the largest count.
    std::string max_lang = counts[0].first;
    size_t max_n = counts[0].second;
    for (auto& [k, v] : counts)
      if (v > max_n) max_lang = k, max_n = v;
    for (Sub& s : out)
      if (s.lang == "x") s.lang = max_lang;
  }
  if (count("ja") >= count("zh") * 10) {
    for (Sub& s : out)
      if (s.lang == "zh") s.lang = "ja";
  }
  return merge_same(out);
}

std::vector<Sub> split_by_lang(const u32& text) {
  std::vector<Sec> sections = pre_split(text);
  if (sections.empty()) return {};
  split_sections(sections);
  sections = merge_across_punctuation(sections);
  sections = merge_across_newline(sections);
  std::vector<Sub> out;
  for (Sec& s : sections) {
    if (s.type == Section::ZhJa) s.subs = special_merge_zh_ja(s.subs);
    out.insert(out.end(), s.subs.begin(), s.subs.end());
  }
  return out;
}

// ------------------------------------------------------------------------------------ LangSegmenter

// full_en: ^(?=.*[A-Za-z])[A-Za-z0-9\s\u0020-\u007E\u2000-\u206F\u3000-\u303F\uFF00-\uFFEF]+$
// ("." stops at a newline, so the Latin letter must be on the first line).
bool full_en(const u32& t) {
  if (t.empty()) return false;
  bool letter = false;
  for (char32_t c : t) {
    if (c == U'\n') break;
    if (uni::is_ascii_alpha(c)) {
      letter = true;
      break;
    }
  }
  if (!letter) return false;
  for (char32_t c : t) {
    const bool ok = uni::is_space(c) || in_range(c, 0x20, 0x7E) || in_range(c, 0x2000, 0x206F) ||
                    in_range(c, 0x3000, 0x303F) || in_range(c, 0xFF00, 0xFFEF);
    if (!ok) return false;
  }
  return true;
}

// full_cjk: keeps CJK ideographs and [0-9、-〜。！？.!?… /].
u32 full_cjk(const u32& t) {
  static const std::pair<char32_t, char32_t> kCjk[] = {
      {0x4E00, 0x9FFF},   {0x3400, 0x4DB5},   {0x20000, 0x2A6DD}, {0x2A700, 0x2B73F}, {0x2B740, 0x2B81F},
      {0x2B820, 0x2CEAF}, {0x2CEB0, 0x2EBEF}, {0x30000, 0x3134A}, {0x31350, 0x323AF}, {0x2EBF0, 0x2EE5D}};
  u32 out;
  for (char32_t c : t) {
    bool keep = false;
    for (auto [a, b] : kCjk) keep = keep || in_range(c, a, b);
    keep = keep || in_range(c, U'0', U'9') || in_range(c, 0x3001, 0x301C) || c == U'。' || c == U'！' ||
           c == U'？' || c == U'.' || c == U'!' || c == U'?' || c == U'…' || c == U' ' || c == U'/';
    if (keep) out.push_back(c);
  }
  return out;
}

bool jako_char(char32_t c, bool ja) {
  if (ja)
    return in_range(c, 0x3041, 0x3096) || c == 0x3099 || c == 0x309A || in_range(c, 0x30A1, 0x30FA) || c == 0x30FC;
  return in_range(c, 0x1100, 0x11FF) || in_range(c, 0x3130, 0x318F) || in_range(c, 0xAC00, 0xD7AF);
}
bool jako_sep(char32_t c) {
  return in_range(c, U'0', U'9') || in_range(c, 0x3001, 0x301C) || c == U'。' || c == U'！' || c == U'？' ||
         c == U'.' || c == U'!' || c == U'?' || c == U'…' || c == U' ';
}

// split_jako: kana (or Hangul) runs, with the separators between them, split out as their own items.
std::vector<LangText> split_jako(const std::string& tag_lang, const LangText& item) {
  const bool ja = tag_lang == "ja";
  const u32& t = item.text;
  std::vector<LangText> out;
  size_t tag = 0, i = 0;
  while (i < t.size()) {
    if (!jako_char(t[i], ja)) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < t.size() && (jako_char(t[e], ja) || jako_sep(t[e]))) ++e;
    if (i > tag) out.push_back({item.lang, t.substr(tag, i - tag)});
    out.push_back({tag_lang, t.substr(i, e - i)});
    tag = e;
    i = e;
  }
  if (tag < t.size()) out.push_back({item.lang, t.substr(tag)});
  return out;
}

void merge_lang(std::vector<LangText>& list, const LangText& item) {
  if (!list.empty() && list.back().lang == item.lang) {
    list.back().text += item.text;
  } else {
    list.push_back(item);
  }
}

bool is_sentence_mark(char32_t c) {
  return c == U',' || c == U'.' || c == U'!' || c == U'?' || c == U'，' || c == U'。' || c == U'！' || c == U'？';
}

}  // namespace

std::string script_language(const std::u32string& text) {
  struct Script {
    const char* code;
    std::initializer_list<std::pair<char32_t, char32_t>> ranges;
  };
  static const Script kScripts[] = {
      {"zh", {{0x4E00, 0x9FFF}, {0x3400, 0x4DBF}, {0xF900, 0xFAFF}, {0x20000, 0x3134F}}},
      {"ja", {{0x3040, 0x30FF}}},
      {"ko", {{0xAC00, 0xD7AF}, {0x1100, 0x11FF}, {0x3130, 0x318F}}},
      {"en", {{0x41, 0x5A}, {0x61, 0x7A}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x24F}}},
      {"ru", {{0x400, 0x4FF}}},
      {"el", {{0x370, 0x3FF}}},
      {"ar", {{0x600, 0x6FF}}},
      {"he", {{0x590, 0x5FF}}},
      {"th", {{0xE00, 0xE7F}}},
      {"hi", {{0x900, 0x97F}}},
  };
  constexpr size_t kN = sizeof(kScripts) / sizeof(kScripts[0]);
  size_t counts[kN] = {};
  for (char32_t c : text) {
    for (size_t k = 0; k < kN; ++k) {
      bool hit = false;
      for (auto [a, b] : kScripts[k].ranges) hit = hit || in_range(c, a, b);
      if (hit) {
        ++counts[k];
        break;
      }
    }
  }
  const char* best = "en";
  size_t best_n = 0;
  for (size_t k = 0; k < kN; ++k)
    if (counts[k] > best_n) best = kScripts[k].code, best_n = counts[k];
  return best;
}

namespace lang {

std::vector<std::u32string> budoux_parse(const std::string& name, const std::u32string& s) {
  if (s.empty()) return {};
  const BudouxModel& m = budoux_model(name);
  std::vector<u32> chunks = {u32(1, s[0])};
  const size_t n = s.size();
  for (size_t i = 1; i < n; ++i) {
    double score = m.base_score;
    if (i > 2) score += lookup(m.uw[0], s.substr(i - 3, 1));
    if (i > 1) score += lookup(m.uw[1], s.substr(i - 2, 1));
    score += lookup(m.uw[2], s.substr(i - 1, 1));
    score += lookup(m.uw[3], s.substr(i, 1));
    if (i + 1 < n) score += lookup(m.uw[4], s.substr(i + 1, 1));
    if (i + 2 < n) score += lookup(m.uw[5], s.substr(i + 2, 1));
    if (i > 1) score += lookup(m.bw[0], s.substr(i - 2, 2));
    score += lookup(m.bw[1], s.substr(i - 1, 2));
    if (i + 1 < n) score += lookup(m.bw[2], s.substr(i, 2));
    if (i > 2) score += lookup(m.tw[0], s.substr(i - 3, 3));
    if (i > 1) score += lookup(m.tw[1], s.substr(i - 2, 3));
    if (i + 1 < n) score += lookup(m.tw[2], s.substr(i - 1, 3));
    if (i + 2 < n) score += lookup(m.tw[3], s.substr(i, 3));
    if (score > 0) {
      chunks.push_back(u32(1, s[i]));
    } else {
      chunks.back().push_back(s[i]);
    }
  }
  return chunks;
}

}  // namespace lang

std::vector<LangText> lang_segment(const std::u32string& text, const std::string& default_lang) {
  const std::vector<Sub> substr = split_by_lang(text);
  std::vector<LangText> list;
  bool have_num = false;

  for (const Sub& s : substr) {
    LangText item{s.lang, s.text};
    if (item.lang == "digit") {
      if (!default_lang.empty()) {
        item.lang = default_lang;
      } else {
        have_num = true;
      }
      merge_lang(list, item);
      continue;
    }
    // Short English recognised as another language.
    if (full_en(item.text)) {
      item.lang = "en";
      merge_lang(list, item);
      continue;
    }
    if (!default_lang.empty()) {
      item.lang = default_lang;
      merge_lang(list, item);
      continue;
    }
    // Kana runs inside non-Japanese text, then Hangul runs inside non-Korean text.
    std::vector<LangText> ja_list;
    if (item.lang != "ja") ja_list = split_jako("ja", item);
    if (ja_list.empty()) ja_list.push_back(item);
    std::vector<LangText> ko_list, temp_list;  // ko_list deliberately outlives each iteration (upstream)
    for (const LangText& ko_item : ja_list) {
      if (ko_item.lang != "ko") ko_list = split_jako("ko", ko_item);
      if (!ko_list.empty()) {
        temp_list.insert(temp_list.end(), ko_list.begin(), ko_list.end());
      } else {
        temp_list.push_back(ko_item);
      }
    }
    if (temp_list.size() == 1) {
      if (item.lang == "x") {
        u32 cjk = full_cjk(item.text);
        merge_lang(list, cjk.empty() ? item : LangText{"zh", cjk});
      } else {
        merge_lang(list, item);
      }
      continue;
    }
    for (const LangText& t : temp_list) {
      if (t.lang == "x") {
        u32 cjk = full_cjk(t.text);
        merge_lang(list, cjk.empty() ? t : LangText{"zh", cjk});
      } else {
        merge_lang(list, t);
      }
    }
  }

  if (have_num) {
    std::vector<LangText> temp = std::move(list);
    list.clear();
    const size_t n = temp.size();
    for (size_t i = 0; i < n; ++i) {
      LangText item = temp[i];
      if (item.lang == "digit") {
        if (!default_lang.empty()) {
          item.lang = default_lang;
        } else if (!list.empty() && i == n - 1) {
          item.lang = list.back().lang;
        } else if (list.empty() && i < n - 1) {
          item.lang = temp[1].lang;
        } else if (!list.empty() && i < n - 1) {
          const LangText& prev = list.back();
          const LangText& next = temp[i + 1];
          if (prev.lang == next.lang) {
            item.lang = prev.lang;
          } else if (!prev.text.empty() && is_sentence_mark(prev.text.back())) {
            item.lang = next.lang;
          } else if (!next.text.empty() && is_sentence_mark(next.text.front())) {
            item.lang = prev.lang;
          } else if (!item.text.empty() && (item.text.back() == U'。' || item.text.back() == U'.')) {
            item.lang = prev.lang;
          } else if (prev.text.size() >= next.text.size()) {
            item.lang = prev.lang;
          } else {
            item.lang = next.lang;
          }
        } else {
          item.lang = "zh";
        }
      }
      merge_lang(list, item);
    }
  }

  // Remaining unknown chunks take the previous (or next) chunk's language.
  std::vector<LangText> temp = std::move(list);
  list.clear();
  for (LangText item : temp) {
    if (item.lang == "x") {
      if (!list.empty()) {
        item.lang = list.back().lang;
      } else if (temp.size() > 1) {
        item.lang = temp[1].lang;
      } else {
        item.lang = "zh";
      }
    }
    merge_lang(list, item);
  }
  return list;
}

}  // namespace gsv::text
