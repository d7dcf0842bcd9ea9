// The Chinese (Mandarin) text frontend: upstream GPT_SoVITS/text/chinese2.py.
//
//   zh_normalize(text)  = chinese2.text_normalize: TextNormalizer (zh_normalization/: traditional ->
//                         simplified, numbers, dates, times, money, percentages, phone numbers,
//                         units, maths) + replace_punctuation + collapsing repeated punctuation.
//   zh_g2p(norm_text)   = chinese2.g2p with is_g2pw = False: jieba posseg, ToneSandhi merges and
//                         tone changes, pypinyin readings, erhua, opencpop-strict.txt phones.
//
// Dictionaries are loaded once from gsv::data_dir()/"zh" (built by ./setup.sh); a missing folder is
// a MissingFile error. Text that is not valid UTF-8 is a BadInput error.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "text/g2p_result.h"

namespace gsv::text {

std::string zh_normalize(const std::string& text);

G2PResult zh_g2p(const std::string& norm_text);

// Polyphone disambiguation (upstream's is_g2pw = True path), NOT IMPLEMENTED YET: the next step is
// a port of g2pW (G2PWOnnxConverter: a BERT-base classifier over chinese-roberta tokens). The hook
// receives the segments of one call (letters removed, empty ones dropped, as G2PWPinyin._g2pw gets
// them) and returns, per segment, one TONE3 reading per character ("ni3", "lv4", "de5"; a
// punctuation character as itself). zh_g2p then follows upstream's g2pW branch: per jieba word,
// correct_pronunciation() with g2pw/polyphonic.rep, to_initials / to_finals_tone3, tone sandhi,
// erhua and the phone map.
using ZhPolyphoneModel = std::function<std::vector<std::vector<std::string>>(const std::vector<std::string>& segments)>;

G2PResult zh_g2p(const std::string& norm_text, const ZhPolyphoneModel& polyphones);

}  // namespace gsv::text
