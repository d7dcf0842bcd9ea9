// Text as upstream's Python sees it: a sequence of code points (len() counts code points), and the
// character classes of Python 3.11's str methods and `re` (Unicode 14.0). The frontend works on
// std::u32string internally and speaks UTF-8 at its edges.
#pragma once

#include <string>
#include <string_view>

namespace gsv::text {

// Decodes UTF-8. Throws gsv::Error (BadInput) naming the byte offset of the first invalid sequence
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::u32string utf8_to_u32(std::string_view s);
std::string u32_to_utf8(std::u32string_view s);
std::string to_utf8(char32_t c);

namespace uni {

bool is_space(char32_t c);    // str.isspace(), re \s
bool is_decimal(char32_t c);  // str.isdecimal(), re \d (category Nd)
bool is_digit(char32_t c);    // str.isdigit() (Nd plus superscripts, circled digits, ...)
bool is_alpha(char32_t c);    // str.isalpha()
bool is_alnum(char32_t c);    // str.isalnum()
inline bool is_word(char32_t c) { return c == U'_' || is_alnum(c); }  // re \w
inline bool is_ascii_alpha(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
inline bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

// unicodedata.normalize("NFD", c) with the combining marks (category Mn) removed, restricted to
// the ASCII characters English normalisation keeps afterwards ([ A-Za-z'.,?!-] and %); nullptr
// when nothing of it survives. Only meaningful for c >= 0x80.
const char* ascii_fold(char32_t c);

// Python str.strip() with no argument (whitespace as is_space).
std::u32string strip(std::u32string_view s);

}  // namespace uni
}  // namespace gsv::text
