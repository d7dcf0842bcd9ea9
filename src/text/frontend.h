// The text frontend's top level: upstream TTS_infer_pack/TextPreprocessor.preprocess(text, lang,
// cut_method) for v2, minus the BERT model (which runs later, in models/roberta, on each zh chunk's
// norm_text and word2ph; every other chunk gets zero features).
//
//   1. collapse repeated punctuation; 2. pre_seg_text (prepend 。/. to a short first clause, cut,
//   merge lines under 5 characters, drop symbol-only lines, end lines with 。/., split lines over
//   510 characters); 3. per line, get_phones_and_bert: language chunks (LangSegmenter) ->
//   clean_text per chunk -> symbol ids, redone once with "." + text when under 6 phones.
//
// Languages: "auto", "zh" (Chinese-English mixed), "en", "all_zh" (Chinese, English words kept),
// and "all_en" as an alias of "en" (upstream's v2 has no all_en; its "English" is en). Japanese,
// Korean and Cantonese (ja/ko/yue/auto_yue/all_*) are not ported: asking for them is an
// Unsupported error, and ja/ko chunks that "auto" finds are dropped with a warning.
#pragma once

#include <string>
#include <vector>

#include "text/g2p_result.h"

namespace gsv::text {

struct LangChunk {
  std::string lang;                  // "zh" or "en" (or "x"... see clean_text: unknown -> en of " ")
  std::string text;                  // the chunk as the splitter cut it
  std::string norm_text;             // what the phones were made from
  std::vector<std::string> phones;   // v2 symbols
  std::vector<int> phone_ids;        // symbols2.py ids
  std::vector<int> word2ph;          // zh: phones per character of norm_text (BERT expansion); else empty
  bool needs_bert() const { return lang == "zh"; }
};

struct Segment {
  std::string text;                // the line as cut (after the "." retry prefix, if it ran)
  std::vector<LangChunk> chunks;
  std::vector<int> phone_ids() const;  // all chunks, concatenated
  std::string norm_text() const;       // all chunks, concatenated
};

struct PreprocessResult {
  std::vector<Segment> segments;
  std::vector<std::string> warnings;  // e.g. text in scripts that are dropped
};

const std::vector<std::string>& frontend_languages();  // auto zh en all_zh all_en

// TextPreprocessor.preprocess. Throws gsv::Error: BadInput (invalid UTF-8, unknown language or cut
// method, text with nothing to say), Unsupported (ja/ko/yue modes), MissingFile (set-up not run).
PreprocessResult preprocess(const std::string& text, const std::string& lang, const std::string& cut_method = "cut5");

// One line through get_phones_and_bert (language split + clean_text per chunk + the "." retry).
Segment phones_for_line(const std::string& line, const std::string& lang, std::vector<std::string>* warnings = nullptr);

// upstream cleaner.clean_text(text, language, "v2") for zh and en: normalise, g2p, the zh pause
// markers (￥ -> SP2, ^ -> SP3), "," prepended to English under 4 phones, unknown phones -> UNK.
// A language other than zh/en behaves as upstream's fallback: English of " ".
G2PResult clean_text(const std::string& text, const std::string& language);

}  // namespace gsv::text
