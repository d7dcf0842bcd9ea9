#include "text/zh_unicode.h"

#include "core/error.h"

namespace gsv::text::zh {

std::u32string utf8_to_u32(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char b = p[i];
    char32_t c;
    size_t len;
    if (b < 0x80) {
      c = b;
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      c = b & 0x1F;
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      c = b & 0x0F;
      len = 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      c = b & 0x07;
      len = 4;
    } else {
      bad_input("text is not valid UTF-8 (byte 0x", std::hex, int(b), std::dec, " at offset ", i,
                "); re-save it as UTF-8");
    }
    if (i + len > n) bad_input("text is not valid UTF-8 (truncated sequence at offset ", i, "); re-save it as UTF-8");
    for (size_t k = 1; k < len; ++k) {
      unsigned char cb = p[i + k];
      if ((cb & 0xC0) != 0x80) bad_input("text is not valid UTF-8 (bad continuation byte at offset ", i + k, "); re-save it as UTF-8");
      c = (c << 6) | (cb & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
      bad_input("text is not valid UTF-8 (invalid code point at offset ", i, "); re-save it as UTF-8");
    out.push_back(c);
    i += len;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(char(c));
  } else if (c < 0x800) {
    out.push_back(char(0xC0 | (c >> 6)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(char(0xE0 | (c >> 12)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (c >> 18)));
    out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  }
}

std::string u32_to_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

static size_t last_start(std::string_view s) {
  size_t i = s.size();
  while (i > 0) {
    --i;
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return i;
  }
  return 0;
}

char32_t last_codepoint(std::string_view s) {
  if (s.empty()) return 0;
  std::u32string u = utf8_to_u32(s.substr(last_start(s)));
  return u.empty() ? 0 : u.back();
}

std::string drop_last_codepoint(std::string_view s) { return std::string(s.substr(0, s.empty() ? 0 : last_start(s))); }

bool py_isspace(char32_t c) {
  // CPython's _PyUnicode_IsWhitespace: bidirectional class WS/B/S or category Zs.
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
    case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x20:
    case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::u32string_view py_strip(std::u32string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && py_isspace(s[b])) ++b;
  while (e > b && py_isspace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

}  // namespace gsv::text::zh
