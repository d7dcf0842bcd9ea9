// Code-point helpers for the Chinese frontend. Upstream is Python, which indexes strings by code
// point, so the zh modules work on std::u32string and convert at the API boundary.
#pragma once

#include <string>
#include <string_view>

namespace gsv::text::zh {

// Strict UTF-8 decoding; throws BadInput naming the byte offset of the first invalid sequence.
std::u32string utf8_to_u32(std::string_view text);
std::string u32_to_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t c);

// Python's str.isspace() (what `\s`, str.strip() and str.split() use).
bool py_isspace(char32_t c);
std::u32string_view py_strip(std::u32string_view s);

// Python's s[-1] and s[:-1] on a UTF-8 string (last code point; 0 when empty).
char32_t last_codepoint(std::string_view s);
std::string drop_last_codepoint(std::string_view s);

inline bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
inline bool is_ascii_alpha(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }

// U+4E00..U+9FA5: the range chinese2.replace_punctuation keeps.
inline bool is_cjk_basic(char32_t c) { return c >= 0x4E00 && c <= 0x9FA5; }
// U+4E00..U+9FD5: jieba's "han" range (re_han_default, re_han_internal, re_han_detail).
inline bool is_jieba_han(char32_t c) { return c >= 0x4E00 && c <= 0x9FD5; }

// upstream text/symbols.py punctuation: ! ? … , . -
inline bool is_zh_punct(char32_t c) {
  return c == U'!' || c == U'?' || c == U'…' || c == U',' || c == U'.' || c == U'-';
}

}  // namespace gsv::text::zh
