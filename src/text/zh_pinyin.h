// pypinyin 0.55 as upstream calls it: lazy_pinyin(word, style, neutral_tone_with_five=True) with
// strict=True, plus the tone-string helpers to_initials / to_finals_tone3 used by the g2pW path.
//
// lazy_pinyin first splits the text into han / non-han runs (RE_HANS), cuts each han run with
// pypinyin's own forward maximum matching over its phrase dictionary (mmseg, no_non_phrases=True),
// reads each phrase from the phrase dictionary or each character from the single-character one
// (first reading), and converts every reading to the style. A non-han run comes back as one item,
// unchanged. Characters without a reading come back as themselves before the style conversion.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gsv::text::zh {

enum class PinyinStyle { Initials, FinalsTone3, Tone3 };

std::vector<std::string> lazy_pinyin(std::u32string_view text, PinyinStyle style);

// pypinyin's phrase segmentation alone (simple_seg + mmseg), for tests.
std::vector<std::u32string> pinyin_segment(std::u32string_view text);

// Style conversion of one reading (tone marks or tone digits), strict, neutral tone as 5.
std::string pinyin_to_initials(std::string_view pinyin);      // contrib.tone_convert.to_initials
std::string pinyin_to_finals_tone3(std::string_view pinyin);  // to_finals_tone3(neutral_tone_with_five=True)
std::string pinyin_to_tone3(std::string_view pinyin);         // Style.TONE3 + NeutralToneWith5Mixin

}  // namespace gsv::text::zh
