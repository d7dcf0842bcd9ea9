// English text normalisation: upstream text/english.py text_normalize(), which runs
// en_normalization/expend.py normalize() (numbers, ordinals, times, units, currencies, decimals,
// fractions, accents, abbreviations, capital-letter splitting) and then collapses punctuation runs.
// The output keeps only [ A-Za-z'.,?!-].
#pragma once

#include <string>

namespace gsv::text {

// UTF-8 in, UTF-8 (ASCII) out. Throws gsv::Error (BadInput) for invalid UTF-8 and for inputs that
// make upstream raise (a number past 36 digits, a currency amount such as "$,5").
std::string en_normalize(const std::string& text);

namespace en {
// expend.py normalize() alone (without english.py's punctuation mapping and final collapsing).
std::u32string expand(std::u32string text);
}  // namespace en

}  // namespace gsv::text
