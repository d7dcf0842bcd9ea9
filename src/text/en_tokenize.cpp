#include "text/en_tokenize.h"

#include <algorithm>

#include "text/lang_unicode.h"

namespace gsv::text::en {

namespace {

using u32 = std::u32string;
constexpr size_t npos = u32::npos;

bool ascii_alnum(char32_t c) { return uni::is_ascii_alpha(c) || uni::is_ascii_digit(c); }
// [^\W\d_]: a word character that is neither a digit nor "_".
bool letter(char32_t c) { return uni::is_word(c) && !uni::is_decimal(c) && c != U'_'; }

// HANG_RE = ([^\p{L}\p{N}])\1{3,} -> \1\1\1
u32 shorten_runs(const u32& s) {
  u32 out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i + 1;
    while (j < s.size() && s[j] == s[i]) ++j;
    size_t run = j - i;
    if (run >= 4 && !uni::is_alnum(s[i])) run = 3;
    out.append(run, s[i]);
    i = j;
  }
  return out;
}

// The naked-domain branch of NLTK's URLS (case-insensitive):
//   (?<!@)[a-z0-9]+(?:[.\-][a-z0-9]+){0,126}[.](?:[a-z]{2,13})\b/?(?!@)
// Labels are always consumed whole (a shorter label would leave an alphanumeric where a separator
// is needed), so the match is the longest chain of labels whose last separator is "." and whose last
// label is 2-13 letters.
size_t naked_domain(const u32& s, size_t pos) {
  if (!ascii_alnum(s[pos])) return npos;  // (?<!@): no "@" in normalised text
  struct Label {
    size_t begin, end;
    char32_t sep;  // the separator before it (0 for the first)
  };
  std::vector<Label> labels;
  size_t p = pos;
  while (p < s.size() && ascii_alnum(s[p])) ++p;
  labels.push_back({pos, p, 0});
  while (p + 1 < s.size() && (s[p] == U'.' || s[p] == U'-') && ascii_alnum(s[p + 1]) && labels.size() <= 128) {
    size_t b = p + 1, e = b;
    while (e < s.size() && ascii_alnum(s[e])) ++e;
    labels.push_back({b, e, s[p]});
    p = e;
  }
  // g groups after the first label, then "." and the top-level label: labels[g + 1].
  const long max_g = std::min<long>(static_cast<long>(labels.size()) - 2, 126);
  for (long g = max_g; g >= 0; --g) {
    const Label& tld = labels[g + 1];
    if (tld.sep != U'.') continue;
    size_t len = tld.end - tld.begin;
    if (len < 2 || len > 13) continue;
    bool letters = true;
    for (size_t i = tld.begin; i < tld.end; ++i) letters = letters && uni::is_ascii_alpha(s[i]);
    if (!letters) continue;
    if (tld.end < s.size() && uni::is_word(s[tld.end])) continue;  // \b
    // "/?(?!@)": normalised text has neither "/" nor "@".
    return tld.end;
  }
  return npos;
}

// (?:[^\W\d_](?:[^\W\d_]|['\-_])+[^\W\d_]): the longest stretch of letters, ' - _ that starts and
// ends with a letter and has at least three characters.
size_t word_with_marks(const u32& s, size_t pos) {
  if (!letter(s[pos])) return npos;
  size_t e = pos + 1;
  while (e < s.size() && (letter(s[e]) || s[e] == U'\'' || s[e] == U'-' || s[e] == U'_')) ++e;
  while (e > pos + 2 && !letter(s[e - 1])) --e;
  return (e >= pos + 3 && letter(s[e - 1])) ? e : npos;
}

// (?:[\w_]+)
size_t word_run(const u32& s, size_t pos) {
  size_t e = pos;
  while (e < s.size() && uni::is_word(s[e])) ++e;
  return e > pos ? e : npos;
}

// (?:\.(?:[^\S\r\n]*\.){1,})
size_t ellipsis(const u32& s, size_t pos) {
  if (s[pos] != U'.') return npos;
  size_t p = pos + 1;
  int dots = 0;
  while (true) {
    size_t q = p;
    while (q < s.size() && uni::is_space(s[q]) && s[q] != U'\r' && s[q] != U'\n') ++q;
    if (q < s.size() && s[q] == U'.') {
      p = q + 1;
      ++dots;
    } else {
      break;
    }
  }
  return dots ? p : npos;
}

}  // namespace

std::vector<u32> tweet_tokenize(const u32& text) {
  const u32 s = shorten_runs(text);
  std::vector<u32> tokens;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = naked_domain(s, pos);
    if (end == npos) end = word_with_marks(s, pos);
    if (end == npos) end = word_run(s, pos);
    if (end == npos) end = ellipsis(s, pos);
    if (end == npos && !uni::is_space(s[pos])) end = pos + 1;  // (?:\S)
    if (end == npos) {
      ++pos;
      continue;
    }
    tokens.push_back(s.substr(pos, end - pos));
    pos = end;
  }
  return tokens;
}

}  // namespace gsv::text::en
