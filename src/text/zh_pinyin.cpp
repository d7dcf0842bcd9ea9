#include "text/zh_pinyin.h"

// GCC 12 reports -Wstringop-overflow false positives on small std::u32string edits at -O2.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <algorithm>
#include <array>

#include "text/zh_data.h"
#include "text/zh_unicode.h"

namespace gsv::text::zh {

namespace {

using u32 = std::u32string;

// pypinyin.constants.RE_HANS (UCS4 build): the characters pypinyin looks up.
bool is_pypinyin_han(char32_t c) {
  static constexpr std::array<std::pair<char32_t, char32_t>, 19> kRanges = {{
      {0x3007, 0x3007},   {0xE815, 0xE864},   {0xFA18, 0xFA18},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
      {0xF900, 0xFAFF},   {0x20000, 0x2A6DF}, {0x2A703, 0x2B73F}, {0x2B740, 0x2B81D}, {0x2B825, 0x2BF6E},
      {0x2C029, 0x2CE93}, {0x2D016, 0x2D016}, {0x2D11B, 0x2EBD9}, {0x2F80A, 0x2FA1F}, {0x30000, 0x3134A},
      {0x300F7, 0x31288}, {0x30EDD, 0x30EDD}, {0x30EDE, 0x30EDE}, {0x31350, 0x32389},
  }};
  for (const auto& [lo, hi] : kRanges)
    if (c >= lo && c <= hi) return true;
  return false;
}

// pypinyin.phonetic_symbol: tone-marked letters -> letter + tone digit ("ü" alone -> "v").
struct ToneMark {
  char32_t mark;
  const char32_t* plain;
};
constexpr ToneMark kSingleMarks[] = {
    {U'ā', U"a1"}, {U'á', U"a2"}, {U'ǎ', U"a3"}, {U'à', U"a4"}, {U'ē', U"e1"}, {U'é', U"e2"}, {U'ě', U"e3"},
    {U'è', U"e4"}, {U'ō', U"o1"}, {U'ó', U"o2"}, {U'ǒ', U"o3"}, {U'ò', U"o4"}, {U'ī', U"i1"}, {U'í', U"i2"},
    {U'ǐ', U"i3"}, {U'ì', U"i4"}, {U'ū', U"u1"}, {U'ú', U"u2"}, {U'ǔ', U"u3"}, {U'ù', U"u4"}, {U'ü', U"v"},
    {U'ǖ', U"v1"}, {U'ǘ', U"v2"}, {U'ǚ', U"v3"}, {U'ǜ', U"v4"}, {U'ń', U"n2"}, {U'ň', U"n3"}, {U'ǹ', U"n4"},
    {U'ḿ', U"m2"}, {U'ế', U"ê2"}, {U'ề', U"ê4"},
};
// Keys of two code points (letter + combining mark), replaced afterwards in dict order.
constexpr std::pair<const char32_t*, const char32_t*> kMultiMarks[] = {
    {U"m\u0304", U"m1"}, {U"m\u0300", U"m4"}, {U"\u00ea\u0304", U"\u00ea1"}, {U"\u00ea\u030c", U"\u00ea3"}};

void replace_all(u32& s, std::u32string_view from, std::u32string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != u32::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

// style._utils.replace_symbol_to_number
u32 symbols_to_numbers(std::u32string_view pinyin) {
  u32 out;
  for (char32_t c : pinyin) {
    const ToneMark* hit = nullptr;
    for (const ToneMark& m : kSingleMarks)
      if (m.mark == c) hit = &m;
    if (hit) out += hit->plain;
    else out.push_back(c);
  }
  for (const auto& [from, to] : kMultiMarks) replace_all(out, from, to);
  return out;
}

// replace_symbol_to_no_symbol: the above with every digit removed (re \d: our strings are ASCII).
u32 symbols_removed(std::u32string_view pinyin) {
  u32 s = symbols_to_numbers(pinyin);
  s.erase(std::remove_if(s.begin(), s.end(), [](char32_t c) { return is_ascii_digit(c); }), s.end());
  return s;
}

constexpr const char32_t* kInitials[] = {U"b", U"p", U"m", U"f", U"d", U"t", U"n",  U"l",  U"g",  U"k", U"h",
                                         U"j", U"q", U"x", U"zh", U"ch", U"sh", U"r", U"z", U"c", U"s"};

bool starts_with(std::u32string_view s, std::u32string_view p) { return s.substr(0, p.size()) == p; }

// style._utils.get_initials
std::u32string_view get_initials(std::u32string_view pinyin, bool strict) {
  for (const char32_t* i : kInitials)
    if (starts_with(pinyin, i)) return i;
  if (!strict) {
    if (starts_with(pinyin, U"y")) return U"y";
    if (starts_with(pinyin, U"w")) return U"w";
  }
  return U"";
}

bool is_final(std::u32string_view f) {
  static constexpr const char32_t* kFinals[] = {
      U"i",   U"u",   U"ü",    U"a",    U"ia",  U"ua",  U"o",   U"uo",   U"e",    U"ie",  U"üe", U"ai", U"uai",
      U"ei",  U"uei", U"ao",   U"iao",  U"ou",  U"iou", U"an",  U"ian",  U"uan",  U"üan", U"en", U"in", U"uen",
      U"ün",  U"ang", U"iang", U"uang", U"eng", U"ing", U"ueng", U"ong", U"iong", U"er",  U"ê"};
  for (const char32_t* x : kFinals)
    if (f == x) return true;
  return false;
}

bool is_u_tone(char32_t c) { return c == U'u' || c == U'ū' || c == U'ú' || c == U'ǔ' || c == U'ù'; }
bool is_i_tone(char32_t c) { return c == U'i' || c == U'ī' || c == U'í' || c == U'ǐ' || c == U'ì'; }
char32_t u_to_v_tone(char32_t c) {
  switch (c) {
    case U'u': return U'ü';
    case U'ū': return U'ǖ';
    case U'ú': return U'ǘ';
    case U'ǔ': return U'ǚ';
    case U'ù': return U'ǜ';
    default: return c;
  }
}
bool is_lower_az(char32_t c) { return c >= U'a' && c <= U'z'; }

// standard.convert_zero_consonant: yi/ya/yu.../wu/wa... back to their finals.
u32 convert_zero_consonant(const u32& raw) {
  u32 pinyin = raw;
  if (starts_with(raw, U"y")) {
    u32 no_y = pinyin.substr(1);
    if (!no_y.empty() && is_u_tone(no_y[0])) pinyin = u32(1, u_to_v_tone(no_y[0])) + pinyin.substr(2);
    else if (!no_y.empty() && is_i_tone(no_y[0])) pinyin = no_y;
    else pinyin = U"i" + no_y;
  }
  if (starts_with(raw, U"w")) {
    u32 no_w = pinyin.substr(1);
    if (!no_w.empty() && is_u_tone(no_w[0])) pinyin = pinyin.substr(1);
    else pinyin = U"u" + pinyin.substr(1);
  }
  if (!is_final(pinyin)) return raw;
  return pinyin;
}

// standard.convert_uv: ^(j|q|x)(u-tones)(.*)$ -> ü
void convert_uv(u32& p) {
  if (p.size() >= 2 && (p[0] == U'j' || p[0] == U'q' || p[0] == U'x') && is_u_tone(p[1])) p[1] = u_to_v_tone(p[1]);
}

// standard.convert_iou / convert_uei / convert_uen: a trailing iu / ui / un (tone-marked forms
// included) after at least one [a-z] letter gets its full final; iou needs [a-z]+ from the start.
void convert_tail(u32& p, char32_t first, const char32_t* seconds, bool anchored) {
  if (p.size() < 3) return;
  char32_t a = p[p.size() - 2], b = p[p.size() - 1];
  std::u32string_view tones(seconds);
  bool hit = false;
  if (first == U'i' || first == U'u') {
    // iu: "i" + (u ū ú ǔ ù); ui: "u" + (i ī í ǐ ì)
    hit = a == first && tones.find(b) != std::u32string_view::npos;
  } else {
    // un: (u ū ú ǔ ù) + "n"
    hit = b == first && tones.find(a) != std::u32string_view::npos;
  }
  if (!hit) return;
  size_t stem = p.size() - 2;
  if (anchored) {
    for (size_t i = 0; i < stem; ++i)
      if (!is_lower_az(p[i])) return;
  } else if (!is_lower_az(p[stem - 1])) {
    return;
  }
  if (first == U'i') p.insert(p.size() - 1, U"o");                 // iu  -> iou (tone stays on u)
  else if (first == U'u') p.insert(p.size() - 1, U"e");            // ui  -> uei
  else p.insert(p.size() - 1, U"e");                               // un  -> uen
}

u32 convert_finals(const u32& pinyin) {
  u32 p = convert_zero_consonant(pinyin);
  convert_uv(p);
  convert_tail(p, U'i', U"uūúǔù", /*anchored=*/true);
  convert_tail(p, U'u', U"iīíǐì", /*anchored=*/false);
  convert_tail(p, U'n', U"uūúǔù", /*anchored=*/false);
  return p;
}

// style._utils.get_finals(pinyin, strict=True)
u32 get_finals(const u32& input) {
  u32 pinyin = convert_finals(input);
  std::u32string_view initials = get_initials(pinyin, true);
  u32 finals = pinyin.substr(initials.size());
  if (!is_final(finals)) {
    initials = get_initials(pinyin, false);
    finals = pinyin.substr(initials.size());
    if (is_final(finals)) return finals;
    return U"";
  }
  return finals;
}

u32 strip_fives(std::u32string_view p) {
  u32 s(p);
  s.erase(std::remove(s.begin(), s.end(), U'5'), s.end());
  return s;
}

// to_finals(pinyin, strict=True, v_to_u=False)
u32 to_finals(std::u32string_view pinyin) {
  u32 plain = symbols_removed(pinyin);
  std::replace(plain.begin(), plain.end(), U'v', U'ü');
  u32 finals = get_finals(plain);
  std::replace(finals.begin(), finals.end(), U'ü', U'v');
  return finals;
}

u32 finals_tone3(std::u32string_view input) {
  u32 pinyin = strip_fives(input);
  u32 finals = to_finals(pinyin);
  if (finals.empty()) return finals;
  u32 numbered = symbols_to_numbers(pinyin);
  auto digit = std::find_if(numbered.begin(), numbered.end(), [](char32_t c) { return is_ascii_digit(c); });
  finals.push_back(digit == numbered.end() ? U'5' : *digit);
  return finals;
}

u32 tone3(std::u32string_view pinyin) {
  u32 s = symbols_to_numbers(pinyin);
  // RE_TONE3 ^([a-zêü]+)([1-5])([a-zêü]*)$ -> \1\3\2
  auto letter = [](char32_t c) { return is_lower_az(c) || c == U'ê' || c == U'ü'; };
  size_t i = 0;
  while (i < s.size() && letter(s[i])) ++i;
  if (i > 0 && i < s.size() && s[i] >= U'1' && s[i] <= U'5') {
    size_t j = i + 1;
    while (j < s.size() && letter(s[j])) ++j;
    if (j == s.size()) {
      char32_t d = s[i];
      s.erase(i, 1);
      s.push_back(d);
    }
  }
  // NeutralToneWith5Mixin: a non-empty result without any digit gets "5".
  if (!s.empty() && std::none_of(s.begin(), s.end(), [](char32_t c) { return is_ascii_digit(c); })) s.push_back(U'5');
  return s;
}

u32 convert(std::u32string_view reading, PinyinStyle style) {
  switch (style) {
    case PinyinStyle::Initials: return u32(get_initials(reading, true));
    case PinyinStyle::FinalsTone3: return finals_tone3(reading);
    case PinyinStyle::Tone3: return tone3(reading);
  }
  return u32();
}

// seg.mmseg.Seg.cut with no_non_phrases=True.
void mmseg_cut(std::u32string_view text, const PinyinDict& d, std::vector<u32>& out) {
  auto is_phrase = [&](uint32_t node) { return node != CharTrie::kNone && d.phrase_of_node[node] >= 0; };
  std::u32string_view remain = text;
  while (!remain.empty()) {
    size_t last_valid = 0;  // length of the longest phrase found so far
    uint32_t node = 0;
    bool broke = false;
    for (size_t index = 0; index < remain.size(); ++index) {
      node = d.phrase_trie.child(node, remain[index]);
      if (node != CharTrie::kNone) {
        if (is_phrase(node)) last_valid = index + 1;
        continue;
      }
      // Prefix match failed: emit the longest phrase, else one character.
      size_t take = last_valid ? last_valid : 1;
      out.emplace_back(remain.substr(0, take));
      remain.remove_prefix(take);
      broke = true;
      break;
    }
    if (broke) continue;
    // The whole remainder is a prefix of some phrase.
    if (last_valid) {
      out.emplace_back(remain.substr(0, last_valid));
      remain.remove_prefix(last_valid);
      continue;
    }
    for (char32_t c : remain) out.emplace_back(1, c);  // not a phrase: one character at a time
    break;
  }
}

}  // namespace

std::vector<std::u32string> pinyin_segment(std::u32string_view text) {
  const PinyinDict& d = zh_data().pinyin;
  std::vector<u32> out;
  size_t i = 0;
  while (i < text.size()) {
    bool han = is_pypinyin_han(text[i]);
    size_t j = i + 1;
    while (j < text.size() && is_pypinyin_han(text[j]) == han) ++j;
    if (han) mmseg_cut(text.substr(i, j - i), d, out);
    else out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string> lazy_pinyin(std::u32string_view text, PinyinStyle style) {
  const PinyinDict& d = zh_data().pinyin;
  std::vector<std::string> out;
  for (const u32& piece : pinyin_segment(text)) {
    if (piece.empty() || !is_pypinyin_han(piece[0])) {
      out.push_back(u32_to_utf8(piece));  // handle_nopinyin(errors='default'): the text itself
      continue;
    }
    uint32_t node = d.phrase_trie.find(piece);
    const std::vector<std::string>* phrase =
        (node != CharTrie::kNone && d.phrase_of_node[node] >= 0) ? &d.phrases[size_t(d.phrase_of_node[node])] : nullptr;
    for (size_t k = 0; k < piece.size(); ++k) {
      u32 reading;
      if (phrase) {
        reading = utf8_to_u32((*phrase)[k]);
      } else {
        auto it = d.chars.find(piece[k]);
        // A character without a reading is passed on as its own "reading" (handle_nopinyin).
        reading = it == d.chars.end() ? u32(1, piece[k]) : utf8_to_u32(it->second);
      }
      out.push_back(u32_to_utf8(convert(reading, style)));
    }
  }
  return out;
}

std::string pinyin_to_initials(std::string_view pinyin) {
  return u32_to_utf8(get_initials(utf8_to_u32(pinyin), true));
}

std::string pinyin_to_finals_tone3(std::string_view pinyin) { return u32_to_utf8(finals_tone3(utf8_to_u32(pinyin))); }

std::string pinyin_to_tone3(std::string_view pinyin) { return u32_to_utf8(tone3(utf8_to_u32(pinyin))); }

}  // namespace gsv::text::zh
