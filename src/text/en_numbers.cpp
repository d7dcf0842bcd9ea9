#include "text/en_numbers.h"

#include <vector>

#include "core/error.h"

namespace gsv::text::en {

namespace {

const char* const kUnit[] = {"", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
const char* const kTeen[] = {"ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                             "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
const char* const kTen[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
// inflect's `mill`: index 0 is a lone space, which is why its intermediate strings carry stray spaces.
const char* const kMill[] = {" ",           " thousand",    " million",    " billion",
                             " trillion",   " quadrillion", " quintillion", " sextillion",
                             " septillion", " octillion",   " nonillion",  " decillion"};
constexpr int kMillCount = 12;

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }

std::string mill(int index) {
  if (index >= kMillCount)
    bad_input("a number is too long to read out (the English reader stops at decillions, 36 digits); "
              "write it with fewer digits or split it into groups");
  return kMill[index];
}

std::string ten_words(int tens, int units, int mill_index = 0) {
  if (tens != 1) {
    std::string s = kTen[tens];
    if (tens && units) s += "-";
    s += kUnit[units];
    return s + mill(mill_index);
  }
  return kTeen[units] + mill(mill_index);
}

std::string hundred_words(int hundreds, int tens, int units, int mill_index, const std::string& andword) {
  if (hundreds) {
    std::string and_part = (tens || units) ? " " + andword + " " : "";
    return std::string(kUnit[hundreds]) + " hundred" + and_part + ten_words(tens, units) + mill(mill_index) + ", ";
  }
  if (tens || units) return ten_words(tens, units) + mill(mill_index) + ", ";
  return "";
}

// enword(num, group=0): groups of three digits from the right, each with its scale word.
std::string enword_plain(const std::string& digits, const NumberWordsOptions& opt) {
  size_t nz = digits.find_first_not_of('0');
  if (nz == std::string::npos) return opt.zero;
  std::string num = digits.substr(nz);
  if (num == "1") return "one";
  // Full three-digit groups from the right, then a one- or two-digit head. Strings are joined
  // left to right, the scale index counting from the right.
  std::vector<std::string> parts;
  int mill_count = 0;
  size_t end = num.size();
  while (end >= 3) {
    const char* g = num.data() + end - 3;
    parts.push_back(hundred_words(g[0] - '0', g[1] - '0', g[2] - '0', mill_count, opt.andword));
    ++mill_count;
    end -= 3;
  }
  if (end == 2) {
    parts.push_back(ten_words(num[0] - '0', num[1] - '0', mill_count) + ", ");
  } else if (end == 1) {
    parts.push_back(std::string(kUnit[num[0] - '0']) + mill(mill_count) + ", ");
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += *it;
  return out;
}

// enword(num, group=2): pairs of digits from the right, each read on its own ("nineteen oh five").
std::string enword_pairs(const std::string& digits, const NumberWordsOptions& opt) {
  std::vector<std::string> groups;
  size_t head = (digits.size() - 1) % 2 + 1;
  groups.push_back(digits.substr(0, head));
  for (size_t i = head; i < digits.size(); i += 2) groups.push_back(digits.substr(i, 2));
  std::string out;
  for (const auto& g : groups) {
    if (g.size() == 1) {
      int u = g[0] - '0';
      out += u ? std::string(kUnit[u]) + ", " : " " + opt.zero + ", ";
    } else {
      int t = g[0] - '0', u = g[1] - '0';
      if (t) {
        out += ten_words(t, u) + ", ";
      } else if (u) {
        out += " " + opt.zero + " " + kUnit[u] + ", ";
      } else {
        out += " " + opt.zero + " " + opt.zero + ", ";
      }
    }
  }
  return out;
}

// re.sub(r"\s+,", ",", s)
std::string drop_space_before_comma(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ',') {
      while (!out.empty() && is_space(out.back())) out.pop_back();
    }
    out.push_back(c);
  }
  return out;
}

// re.sub(r"\s+", " ", s).strip()
std::string collapse_spaces(const std::string& s) {
  std::string out;
  bool pending = false;
  for (char c : s) {
    if (is_space(c)) {
      pending = true;
      continue;
    }
    if (pending && !out.empty()) out.push_back(' ');
    pending = false;
    out.push_back(c);
  }
  return out;
}

// re.sub(r", (\S+)\s+\Z", f" {andword} \1", s): the last single word after a comma gets "and".
std::string insert_andword(const std::string& s, const std::string& andword) {
  size_t e = s.size();
  size_t ws = e;
  while (ws > 0 && is_space(s[ws - 1])) --ws;
  if (ws == e) return s;  // \s+ needs at least one trailing space
  size_t wb = ws;
  while (wb > 0 && !is_space(s[wb - 1])) --wb;
  if (wb == ws || wb < 2 || s[wb - 1] != ' ' || s[wb - 2] != ',') return s;
  // The \S+ run cannot itself contain ", " (it has no space), so this is the only candidate.
  return s.substr(0, wb - 2) + " " + andword + " " + s.substr(wb, ws - wb);
}

bool has_ordinal_suffix(std::string_view s) {
  if (s.size() < 2) return false;
  std::string_view t = s.substr(s.size() - 2);
  return t == "th" || t == "st" || t == "nd" || t == "rd";
}

std::vector<std::string> split_comma_space(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(", ", start);
    if (p == std::string::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, p - start));
    start = p + 2;
  }
}

}  // namespace

std::string ordinal_of_words(std::string_view words) {
  // re.sub(r"(ty|one|two|three|five|eight|nine|twelve)\Z", ...): the leftmost start wins, i.e. the
  // longest of these suffixes.
  static const std::pair<const char*, const char*> kOrd[] = {
      {"twelve", "twelfth"}, {"three", "third"}, {"eight", "eighth"}, {"five", "fifth"},
      {"nine", "ninth"},     {"one", "first"},   {"two", "second"},   {"ty", "tieth"}};
  std::string w(words);
  for (const auto& [suffix, repl] : kOrd) {
    std::string_view sf(suffix);
    if (w.size() >= sf.size() && w.compare(w.size() - sf.size(), sf.size(), sf) == 0)
      return w.substr(0, w.size() - sf.size()) + repl;
  }
  return w + "th";
}

std::string ordinal_of_digits(std::string_view digits) {
  GSV_CHECK(!digits.empty());
  int last2 = digits.back() - '0';
  if (digits.size() >= 2) last2 += 10 * (digits[digits.size() - 2] - '0');
  int key = (last2 <= 13) ? last2 : last2 % 10;  // nth has 0-13; otherwise the last digit decides
  const char* suffix = (key == 1) ? "st" : (key == 2) ? "nd" : (key == 3) ? "rd" : "th";
  return std::string(digits) + suffix;
}

std::string number_to_words(std::string_view input, const NumberWordsOptions& opt) {
  std::string num(input);
  bool ordinal = has_ordinal_suffix(num);
  if (ordinal) num.resize(num.size() - 2);
  if (num.empty()) num.assign(1, '0');  // (assign, not = "0": GCC 12 -Wstringop-overflow false positive)
  for (char c : num) GSV_CHECK(c >= '0' && c <= '9', "number_to_words expects digits, got '", input, "'");

  std::string chunk = (opt.group == 0) ? enword_plain(num, opt) : enword_pairs(num, opt);
  if (chunk.size() >= 2 && chunk.compare(chunk.size() - 2, 2, ", ") == 0) chunk.resize(chunk.size() - 2);
  chunk = drop_space_before_comma(chunk);
  if (opt.group == 0) {
    chunk = insert_andword(chunk, opt.andword);
    chunk = drop_space_before_comma(chunk);
  }
  chunk = collapse_spaces(chunk);

  std::vector<std::string> pieces = split_comma_space(chunk);
  if (ordinal && !pieces.empty()) pieces.back() = ordinal_of_words(pieces.back());
  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i) out += ", ";
    out += pieces[i];
  }
  return out;
}

}  // namespace gsv::text::en
