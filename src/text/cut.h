// Text cutting before synthesis: upstream TTS_infer_pack/text_segmentation_method.py (cut0-cut5,
// split_big_text) and the cutting half of TextPreprocessor (replace_consecutive_punctuation,
// pre_seg_text with its merging and filtering rules).
#pragma once

#include <string>
#include <vector>

namespace gsv::text {

// "cut0" (no split), "cut1" (every 4 clauses), "cut2" (~50 characters), "cut3" (at 。),
// "cut4" (at . not between digits), "cut5" (after every punctuation mark).
const std::vector<std::string>& cut_method_names();

// `splits` of text_segmentation_method.py: the marks that end a clause.
bool is_split_char(char32_t c);

// TTS.run's prompt_text handling: strip newlines at both ends, then end the text with 。 (. when
// the prompt language is "en") unless it already ends with a split mark.
std::string finish_prompt_text(const std::string& text, const std::string& lang);
bool is_cut_method(const std::string& name);

// One cut method; the pieces are joined with "\n" as upstream returns them. Throws gsv::Error
// (BadInput) for an unknown method name.
std::u32string cut_text(const std::u32string& text, const std::string& method);

// split_big_text(text, 510): pieces of at most max_len characters, cut at punctuation. Like
// upstream, the first piece is empty when the text starts with a run longer than max_len.
std::vector<std::u32string> split_big_text(const std::u32string& text, size_t max_len = 510);

// merge_short_text_in_array(texts, threshold): joins lines until each has threshold characters;
// a short tail is appended to the last line.
std::vector<std::u32string> merge_short_text_in_array(const std::vector<std::u32string>& texts, size_t threshold);

// TextPreprocessor.replace_consecutive_punctuation: runs of ! ? … , . - keep their first mark.
std::u32string collapse_repeated_punctuation(const std::u32string& text);

// TextPreprocessor.pre_seg_text(text, lang, cut): the lines that are synthesised one by one.
// `lang` only matters as "en" (then "." instead of "。" is prepended/appended). Throws gsv::Error
// (BadInput) where upstream raises "Please enter valid text" (nothing but blanks after cutting).
std::vector<std::u32string> pre_seg_text(const std::u32string& text, const std::string& lang, const std::string& cut);

}  // namespace gsv::text
