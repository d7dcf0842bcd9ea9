// Numbers in English words, as the `inflect` engine (7.6) that upstream's en_normalization/expend.py
// calls spells them. Only the calls expend.py makes are covered: integers given as ASCII digit
// strings (optionally with an ordinal suffix st/nd/rd/th), grouping 0 (plain) or 2 (years).
#pragma once

#include <string>
#include <string_view>

namespace gsv::text::en {

struct NumberWordsOptions {
  std::string andword = "and";  // inflect's "one hundred and one"; expend.py passes "" for cardinals
  std::string zero = "zero";    // "oh" for years
  int group = 0;                // 0 or 2
};

// inflect.engine().number_to_words(digits, ...). `digits` is [0-9]+ with an optional trailing
// st/nd/rd/th (then the last word becomes an ordinal). Throws gsv::Error (BadInput) for numbers past
// inflect's largest unit (decillion, 36 digits), where upstream raises NumOutOfRangeError.
std::string number_to_words(std::string_view digits, const NumberWordsOptions& opt = {});

// inflect.engine().ordinal("21") -> "21st" (the digits are kept as given).
std::string ordinal_of_digits(std::string_view digits);

// inflect.engine().ordinal("twenty-one") -> "twenty-first".
std::string ordinal_of_words(std::string_view words);

}  // namespace gsv::text::en
