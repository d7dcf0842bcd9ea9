#include "text/en_normalize.h"

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "text/en_numbers.h"
#include "text/lang_unicode.h"

namespace gsv::text {

namespace {

using u32 = std::u32string;
constexpr size_t npos = u32::npos;

bool is_d09(char32_t c) { return c >= U'0' && c <= U'9'; }
// `\b` before s[pos] when s[pos] is a word character: the previous character is not one.
bool boundary_before(const u32& s, size_t pos) { return pos == 0 || !uni::is_word(s[pos - 1]); }
// `\b` after a word character ending at `end`.
bool boundary_after(const u32& s, size_t end) { return end >= s.size() || !uni::is_word(s[end]); }

size_t digit_run(const u32& s, size_t pos) {
  while (pos < s.size() && is_d09(s[pos])) ++pos;
  return pos;
}

std::string ascii(const u32& s, size_t b, size_t e) {
  std::string out;
  out.reserve(e - b);
  for (size_t i = b; i < e; ++i) out.push_back(static_cast<char>(s[i]));
  return out;
}

u32 widen(const std::string& s) { return u32(s.begin(), s.end()); }

// Python int(text) for a string of [0-9] only, as the decimal it prints ("007" -> "7").
std::string int_text(const std::string& digits) {
  size_t nz = digits.find_first_not_of('0');
  return nz == std::string::npos ? "0" : digits.substr(nz);
}

// int() of a currency part that may hold stray "," or "(" (upstream raises ValueError there).
std::string currency_int(const std::string& part, const std::string& amount) {
  for (char c : part)
    if (c < '0' || c > '9')
      bad_input("cannot read the currency amount '", amount,
                "' (upstream's English normaliser fails on it too); write it as digits, e.g. $1.50");
  return int_text(part);
}

// re.sub with a matcher tried at every position, left to right, non-overlapping.
template <class TryAt>
u32 resub(const u32& s, TryAt&& try_at) {
  u32 out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    u32 repl;
    size_t end = try_at(s, pos, repl);
    if (end != npos) {
      out += repl;
      pos = end;
    } else {
      out.push_back(s[pos]);
      ++pos;
    }
  }
  return out;
}

// \b([0-9]+)\.<space>  ->  "1st, "
size_t ordinal_number(const u32& s, size_t pos, u32& repl) {
  if (!is_d09(s[pos]) || !boundary_before(s, pos)) return npos;
  size_t e = digit_run(s, pos);
  if (e + 1 >= s.size() || s[e] != U'.' || s[e + 1] != U' ') return npos;
  repl = widen(en::ordinal_of_digits(ascii(s, pos, e)) + ", ");
  return e + 2;
}

// One operand of RE_ASMD: (-?)(\d+)(\.\d+)?[sup]* | \.\d+[sup]* | [A-Za-z][sup]*
bool is_sup(char32_t c) {
  switch (c) {
    case U'⁰': case U'¹': case U'²': case U'³': case U'⁴': case U'⁵': case U'⁶': case U'⁷': case U'⁸':
    case U'⁹': case U'ˣ': case U'ʸ': case U'ⁿ':
      return true;
    default:
      return false;
  }
}
size_t skip_sup(const u32& s, size_t p) {
  while (p < s.size() && is_sup(s[p])) ++p;
  return p;
}
size_t udigits(const u32& s, size_t p) {
  while (p < s.size() && uni::is_decimal(s[p])) ++p;
  return p;
}
size_t asmd_operand(const u32& s, size_t p) {
  if (p >= s.size()) return npos;
  size_t q = p;
  if (s[q] == U'-') ++q;
  if (q < s.size() && uni::is_decimal(s[q])) {
    size_t e = udigits(s, q);
    if (e + 1 < s.size() && s[e] == U'.' && uni::is_decimal(s[e + 1])) e = udigits(s, e + 1);
    return skip_sup(s, e);
  }
  if (s[p] == U'.' && p + 1 < s.size() && uni::is_decimal(s[p + 1])) return skip_sup(s, udigits(s, p + 1));
  if (uni::is_ascii_alpha(s[p])) return skip_sup(s, p + 1);
  return npos;
}
size_t spaces(const u32& s, size_t p) {
  while (p < s.size() && uni::is_space(s[p])) ++p;
  return p;
}
size_t asmd(const u32& s, size_t pos, u32& repl) {
  size_t e1 = asmd_operand(s, pos);
  if (e1 == npos) return npos;
  size_t w1 = spaces(s, e1);
  if (w1 == e1 || w1 >= s.size()) return npos;
  const char* word;
  switch (s[w1]) {
    case U'+': word = " plus "; break;
    case U'-': word = " minus "; break;
    case U'×': word = " times "; break;
    case U'÷': word = " divided by "; break;
    case U'=': word = " Equals "; break;
    default: return npos;
  }
  size_t w2 = spaces(s, w1 + 1);
  if (w2 == w1 + 1) return npos;
  size_t e2 = asmd_operand(s, w2);
  if (e2 == npos) return npos;
  repl = s.substr(pos, e1 - pos) + widen(word) + s.substr(w2, e2 - w2);
  return e2;
}

// (?:^|\s+)(-)(\d+)  ->  "negative N" (the whitespace before it is dropped: upstream quirk).
size_t negative(const u32& s, size_t pos, u32& repl) {
  size_t q;
  if (pos == 0 && s[0] == U'-') {
    q = 0;
  } else {
    q = spaces(s, pos);
    if (q == pos || q >= s.size() || s[q] != U'-') return npos;
  }
  size_t e = udigits(s, q + 1);
  if (e == q + 1) return npos;
  repl = U"negative " + s.substr(q + 1, e - q - 1);
  return e;
}

// ([0-9][0-9\,]+[0-9])  ->  commas removed
size_t comma_number(const u32& s, size_t pos, u32& repl) {
  if (!is_d09(s[pos])) return npos;
  size_t e = pos + 1;
  while (e < s.size() && (is_d09(s[e]) || s[e] == U',')) ++e;
  size_t last = e;  // one past the last digit of the run
  while (last > pos + 2 && !is_d09(s[last - 1])) --last;
  if (last < pos + 3 || !is_d09(s[last - 1])) return npos;
  repl.clear();
  for (size_t i = pos; i < last; ++i)
    if (s[i] != U',') repl.push_back(s[i]);
  return last;
}

// \b([01]?[0-9]|2[0-3]):([0-5][0-9])\b  ->  "three thirty p.m."
size_t time_of_day(const u32& s, size_t pos, u32& repl) {
  if (!is_d09(s[pos]) || !boundary_before(s, pos)) return npos;
  auto at = [&](size_t i) -> char32_t { return i < s.size() ? s[i] : 0; };
  const int hour_lengths[3] = {(at(pos) == U'0' || at(pos) == U'1') && is_d09(at(pos + 1)) ? 2 : 0, 1,
                               (at(pos) == U'2' && at(pos + 1) >= U'0' && at(pos + 1) <= U'3') ? 2 : 0};
  for (int len : hour_lengths) {
    if (len == 0) continue;
    size_t c = pos + len;
    if (at(c) != U':') continue;
    if (!(at(c + 1) >= U'0' && at(c + 1) <= U'5') || !is_d09(at(c + 2))) continue;
    if (!boundary_after(s, c + 3)) continue;
    int hours = std::stoi(ascii(s, pos, c));
    int minutes = (at(c + 1) - U'0') * 10 + (at(c + 2) - U'0');
    std::string period = hours < 12 ? "a.m." : "p.m.";
    if (hours > 12) hours -= 12;
    std::string hour_word = en::number_to_words(std::to_string(hours));
    std::string out = minutes == 0 ? hour_word + " o'clock " + period
                                   : hour_word + " " + en::number_to_words(std::to_string(minutes)) + " " + period;
    repl = widen(out);
    return c + 3;
  }
  return npos;
}

// \b([0-9]+(\.[0-9]+)?(m|km|km/h|ft|L|tbsp|tsp|h|min|s|°C|°F))\b  ->  "5 kilometers"
size_t measurement(const u32& s, size_t pos, u32& repl) {
  struct Unit {
    const char32_t* sign;
    const char* one;
    const char* many;
  };
  static const Unit kUnits[] = {
      {U"m", "meter", "meters"},           {U"km", "kilometer", "kilometers"},
      {U"km/h", "kilometer per hour", "kilometers per hour"},
      {U"ft", "feet", "feet"},             {U"L", "liter", "liters"},
      {U"tbsp", "tablespoon", "tablespoons"}, {U"tsp", "teaspoon", "teaspoons"},
      {U"h", "hour", "hours"},             {U"min", "minute", "minutes"},
      {U"s", "second", "seconds"},         {U"°C", "degree celsius", "degrees celsius"},
      {U"°F", "degree fahrenheit", "degrees fahrenheit"}};
  if (!is_d09(s[pos]) || !boundary_before(s, pos)) return npos;
  size_t e = digit_run(s, pos);
  bool decimal = false;
  if (e + 1 < s.size() && s[e] == U'.' && is_d09(s[e + 1])) {
    e = digit_run(s, e + 1);
    decimal = true;
  }
  for (const Unit& u : kUnits) {
    std::u32string_view sign(u.sign);
    if (s.compare(e, sign.size(), sign) != 0) continue;
    size_t end = e + sign.size();
    if (!boundary_after(s, end)) continue;
    std::string digits;
    for (size_t i = pos; i < e; ++i)
      if (s[i] != U'.') digits.push_back(static_cast<char>(s[i]));
    bool singular = !decimal && int_text(digits) == "1";
    repl = s.substr(pos, e - pos) + U" " + widen(singular ? u.one : u.many);
    return end;
  }
  return npos;
}

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t p = s.find('.', start);
    if (p == std::string::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

// _expand_pounds / _expand_dollars: "12.5" -> "12 dollars and 50 cents" (numbers spelled later).
std::string expand_currency(const std::string& amount, const char* unit1, const char* units, const char* sub1,
                            const char* subs) {
  std::vector<std::string> parts = split_dots(amount);
  if (parts.size() > 2) return amount + " " + units;
  std::string major = parts[0].empty() ? "0" : currency_int(parts[0], amount);
  std::string minor = "0";
  if (parts.size() > 1 && !parts[1].empty()) {
    std::string p = parts[1];
    if (p.size() < 2) p.append(2 - p.size(), '0');  // ljust(2, "0")
    minor = currency_int(p, amount);
  }
  const bool has_major = major != "0", has_minor = minor != "0";
  std::string major_unit = major == "1" ? unit1 : units;
  std::string minor_unit = minor == "1" ? sub1 : subs;
  if (has_major && has_minor) return major + " " + major_unit + " and " + minor + " " + minor_unit;
  if (has_major) return major + " " + major_unit;
  if (has_minor) return minor + " " + minor_unit;
  return std::string("zero ") + units;
}

bool amount_char(char32_t c, bool paren) { return is_d09(c) || c == U'.' || c == U',' || (paren && c == U'('); }

// <sym>([0-9\.\,]*[0-9]+): the longest run of amount characters after the symbol, cut back to its
// last digit.
template <class Expand>
size_t currency_before(const u32& s, size_t pos, u32& repl, char32_t sym, Expand expand) {
  if (s[pos] != sym) return npos;
  size_t e = pos + 1;
  while (e < s.size() && amount_char(s[e], false)) ++e;
  while (e > pos + 1 && !is_d09(s[e - 1])) --e;
  if (e == pos + 1) return npos;
  repl = widen(expand(ascii(s, pos + 1, e)));
  return e;
}

// ([0-9\.\,]*[0-9]+)<sym> (dollars also allow "(" in the run: upstream's character class).
template <class Expand>
size_t currency_after(const u32& s, size_t pos, u32& repl, char32_t sym, bool paren, Expand expand) {
  size_t e = pos;
  while (e < s.size() && amount_char(s[e], paren)) ++e;
  if (e == pos || e >= s.size() || s[e] != sym || !is_d09(s[e - 1])) return npos;
  repl = widen(expand(ascii(s, pos, e)));
  return e + 1;
}

std::string pounds(const std::string& a) { return expand_currency(a, "pound", "pounds", "penny", "pence"); }
std::string dollars(const std::string& a) { return expand_currency(a, "dollar", "dollars", "cent", "cents"); }

// ([0-9]+\.\s*[0-9]+)  ->  "3 point 1 4" (each character after the dot, spaces included, joined by " ")
size_t decimal_number(const u32& s, size_t pos, u32& repl) {
  if (!is_d09(s[pos])) return npos;
  size_t e = digit_run(s, pos);
  if (e >= s.size() || s[e] != U'.') return npos;
  size_t w = spaces(s, e + 1);
  size_t f = digit_run(s, w);
  if (f == w) return npos;
  repl = s.substr(pos, e - pos) + U" point ";
  for (size_t i = e + 1; i < f; ++i) {
    if (i > e + 1) repl.push_back(U' ');
    repl.push_back(s[i]);
  }
  return f;
}

// ([0-9]+/[0-9]+)  ->  "three fourths", "one half"
size_t fraction(const u32& s, size_t pos, u32& repl) {
  if (!is_d09(s[pos])) return npos;
  size_t e = digit_run(s, pos);
  if (e >= s.size() || s[e] != U'/') return npos;
  size_t f = digit_run(s, e + 1);
  if (f == e + 1) return npos;
  std::string num = int_text(ascii(s, pos, e)), den = int_text(ascii(s, e + 1, f));
  std::string num_words = en::number_to_words(num);
  std::string out;
  const bool many = num.size() > 1 || num[0] > '1';
  if (den == "2") {
    out = num_words + " " + (num == "1" ? "half" : "halves");
  } else if (den == "1") {
    out = num_words;
  } else {
    std::string den_words = en::ordinal_of_words(en::number_to_words(den));
    if (many) den_words += "s";
    out = num_words + " " + den_words;
  }
  repl = widen(out);
  return f;
}

// [0-9]+(st|nd|rd|th)  ->  "twenty-first"
size_t ordinal_suffix(const u32& s, size_t pos, u32& repl) {
  if (!is_d09(s[pos])) return npos;
  size_t e = digit_run(s, pos);
  if (e + 2 > s.size()) return npos;
  std::u32string_view t(s.data() + e, 2);
  if (t != U"st" && t != U"nd" && t != U"rd" && t != U"th") return npos;
  repl = widen(en::number_to_words(ascii(s, pos, e + 2)));
  return e + 2;
}

// [0-9]+  ->  words; 1001-2999 read as years ("nineteen oh five", "twenty twelve").
size_t cardinal(const u32& s, size_t pos, u32& repl) {
  if (!is_d09(s[pos])) return npos;
  size_t e = digit_run(s, pos);
  std::string n = int_text(ascii(s, pos, e));
  std::string out;
  int value = n.size() <= 4 ? std::stoi(n) : -1;
  en::NumberWordsOptions plain;
  plain.andword = "";
  if (value > 1000 && value < 3000) {
    if (value == 2000) {
      out = "two thousand";
    } else if (value > 2000 && value < 2010) {
      out = "two thousand " + en::number_to_words(std::to_string(value % 100));
    } else if (value % 100 == 0) {
      out = en::number_to_words(std::to_string(value / 100)) + " hundred";
    } else {
      en::NumberWordsOptions year;
      year.andword = "";
      year.zero = "oh";
      year.group = 2;
      out = en::number_to_words(n, year);
      // .replace(", ", " ")
      std::string joined;
      for (size_t i = 0; i < out.size(); ++i) {
        if (out[i] == ',' && i + 1 < out.size() && out[i + 1] == ' ') {
          joined.push_back(' ');
          ++i;
        } else {
          joined.push_back(out[i]);
        }
      }
      out = joined;
    }
  } else {
    out = en::number_to_words(n, plain);
  }
  repl = widen(out);
  return e;
}

// (?i)<abbrev> -> words, e.g. "i.e." -> "that is"
u32 replace_abbrev(const u32& s, const char* abbrev, const char* words) {
  std::u32string_view a(widen(abbrev));
  const u32 aw = widen(abbrev), ww = widen(words);
  return resub(s, [&](const u32& t, size_t pos, u32& repl) -> size_t {
    if (pos + aw.size() > t.size()) return npos;
    for (size_t i = 0; i < aw.size(); ++i) {
      char32_t c = t[pos + i];
      if (c >= U'A' && c <= U'Z') c += 32;
      if (c != aw[i]) return npos;
    }
    repl = ww;
    return pos + aw.size();
  });
}

bool keep_char(char32_t c) {
  return c == U' ' || uni::is_ascii_alpha(c) || c == U'\'' || c == U'.' || c == U',' || c == U'?' || c == U'!' ||
         c == U'-';
}

bool is_en_punct(char32_t c) {
  return c == U'!' || c == U'?' || c == U'…' || c == U',' || c == U'.' || c == U'-';
}

}  // namespace

namespace en {

u32 expand(u32 text) {
  text = resub(text, ordinal_number);
  // Arithmetic: repeated until nothing matches (each pass consumes at least one operator).
  while (true) {
    bool found = false;
    u32 next = resub(text, [&](const u32& s, size_t pos, u32& repl) {
      size_t e = asmd(s, pos, repl);
      if (e != npos) found = true;
      return e;
    });
    if (!found) break;
    text = std::move(next);
  }
  text = resub(text, negative);
  text = resub(text, comma_number);
  text = resub(text, time_of_day);
  text = resub(text, measurement);
  text = resub(text, [](const u32& s, size_t p, u32& r) { return currency_before(s, p, r, U'£', pounds); });
  text = resub(text, [](const u32& s, size_t p, u32& r) { return currency_after(s, p, r, U'£', false, pounds); });
  text = resub(text, [](const u32& s, size_t p, u32& r) { return currency_before(s, p, r, U'$', dollars); });
  text = resub(text, [](const u32& s, size_t p, u32& r) { return currency_after(s, p, r, U'$', true, dollars); });
  text = resub(text, decimal_number);
  text = resub(text, fraction);
  text = resub(text, ordinal_suffix);
  text = resub(text, cardinal);

  // Strip accents (NFD, drop Mn), "%" -> " percent", then keep only [ A-Za-z'.,?!-].
  u32 kept;
  kept.reserve(text.size());
  for (char32_t c : text) {
    u32 piece;
    if (c < 0x80) {
      piece.push_back(c);
    } else if (const char* fold = uni::ascii_fold(c)) {
      piece = widen(fold);
    }
    for (char32_t p : piece) {
      if (p == U'%') {
        kept += U" percent";
      } else if (keep_char(p)) {
        kept.push_back(p);
      }
    }
  }
  text = replace_abbrev(kept, "i.e.", "that is");
  text = replace_abbrev(text, "e.g.", "for example");

  // (?<!^)(?<![\s])([A-Z]) -> " \1": "ChatGPT" -> "Chat G P T".
  u32 spaced;
  spaced.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && text[i] >= U'A' && text[i] <= U'Z' && !uni::is_space(text[i - 1])) spaced.push_back(U' ');
    spaced.push_back(text[i]);
  }
  return spaced;
}

}  // namespace en

std::string en_normalize(const std::string& input) {
  u32 text = utf8_to_u32(input);
  // english.py rep_map. Its keys are joined with re.escape, so the two character-class keys only
  // match their literal spelling: only the full-width 。！？ are really mapped (";", ":", "，",
  // quotes and ’ are deleted later instead of becoming "," and "'").
  static const std::pair<u32, u32> kRep[] = {
      {U"[;:：，；]", U","}, {U"[\"’]", U"'"}, {U"。", U"."}, {U"！", U"!"}, {U"？", U"?"}};
  text = resub(text, [](const u32& s, size_t pos, u32& repl) -> size_t {
    for (const auto& [from, to] : kRep) {
      if (s.compare(pos, from.size(), from) == 0) {
        repl = to;
        return pos + from.size();
      }
    }
    return npos;
  });
  text = en::expand(std::move(text));
  // ([!?…,.\-\s])([!?…,.\-])+ -> \1
  text = resub(text, [](const u32& s, size_t pos, u32& repl) -> size_t {
    if (!is_en_punct(s[pos]) && !uni::is_space(s[pos])) return npos;
    size_t e = pos + 1;
    while (e < s.size() && is_en_punct(s[e])) ++e;
    if (e == pos + 1) return npos;
    repl = u32(1, s[pos]);
    return e;
  });
  return u32_to_utf8(text);
}

}  // namespace gsv::text
