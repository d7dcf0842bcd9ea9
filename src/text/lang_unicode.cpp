#include "text/lang_unicode.h"

#include <algorithm>

#include "core/error.h"
#include "text/lang_unicode_tables.h"

namespace gsv::text {

std::u32string utf8_to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  const size_t n = s.size();
  auto invalid = [&](size_t at) {
    bad_input("text is not valid UTF-8 (bad byte 0x", std::hex, static_cast<int>(static_cast<uint8_t>(s[at])),
              std::dec, " at byte ", at, "); save or pipe it as UTF-8");
  };
  while (i < n) {
    const uint8_t b0 = static_cast<uint8_t>(s[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    int len;
    char32_t cp;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2;
      cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3;
      cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4;
      cp = b0 & 0x07;
    } else {
      invalid(i);
    }
    if (i + len > n) invalid(i);
    for (int k = 1; k < len; ++k) {
      const uint8_t b = static_cast<uint8_t>(s[i + k]);
      if ((b & 0xC0) != 0x80) invalid(i + k);
      cp = (cp << 6) | (b & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) invalid(i);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string to_utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return out;
}

std::string u32_to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) out += to_utf8(c);
  return out;
}

namespace uni {

namespace {
bool in_ranges(const CodeRange* ranges, size_t count, char32_t c) {
  const CodeRange* end = ranges + count;
  const CodeRange* it = std::upper_bound(ranges, end, c, [](char32_t v, const CodeRange& r) { return v < r.first; });
  if (it == ranges) return false;
  --it;
  return c <= it->last;
}
}  // namespace

bool is_space(char32_t c) { return in_ranges(kSpaceRanges, std::size(kSpaceRanges), c); }
bool is_decimal(char32_t c) {
  if (c < 0x80) return is_ascii_digit(c);
  return in_ranges(kDecimalRanges, std::size(kDecimalRanges), c);
}
bool is_digit(char32_t c) {
  if (c < 0x80) return is_ascii_digit(c);
  return in_ranges(kDigitRanges, std::size(kDigitRanges), c);
}
bool is_alpha(char32_t c) {
  if (c < 0x80) return is_ascii_alpha(c);
  return in_ranges(kAlphaRanges, std::size(kAlphaRanges), c);
}
bool is_alnum(char32_t c) {
  if (c < 0x80) return is_ascii_alpha(c) || is_ascii_digit(c);
  return in_ranges(kAlnumRanges, std::size(kAlnumRanges), c);
}

const char* ascii_fold(char32_t c) {
  const AsciiFold* end = kAsciiFolds + std::size(kAsciiFolds);
  const AsciiFold* it =
      std::lower_bound(kAsciiFolds, end, c, [](const AsciiFold& f, char32_t v) { return f.code < v; });
  return (it != end && it->code == c) ? it->ascii : nullptr;
}

std::u32string strip(std::u32string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::u32string(s.substr(b, e - b));
}

}  // namespace uni
}  // namespace gsv::text
