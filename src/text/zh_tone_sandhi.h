// upstream text/tone_sandhi.py (PaddleSpeech's ToneSandhi): the word merges run on jieba's output
// before the pinyin lookup, and the per-word tone changes (不, 一, neutral tone, third tone).
//
// Finals are pypinyin FINALS_TONE3 strings ("ao3", "i5"; a punctuation "final" is the character
// itself). Python raises IndexError on some malformed inputs (an empty final, a word whose pinyin
// list is shorter than the word); the merge steps that upstream wraps in try/except then leave the
// words unchanged, as here, and everywhere else we throw gsv::Error (upstream's g2p would crash).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gsv::text::zh {

struct SegWord {
  std::u32string word;
  std::string pos;  // jieba POS tag
};

// ToneSandhi.pre_merge_for_modify: _merge_bu, _merge_yi, _merge_reduplication,
// _merge_continuous_three_tones, _merge_continuous_three_tones_2, _merge_er.
std::vector<SegWord> tone_sandhi_pre_merge(std::vector<SegWord> seg);

// ToneSandhi.modified_tone: _bu_sandhi, _yi_sandhi, _neural_sandhi, _three_sandhi.
std::vector<std::string> tone_sandhi_modify(std::u32string_view word, const std::string& pos,
                                            std::vector<std::string> finals);

// ToneSandhi._split_word (shortest jieba cut_for_search piece as prefix or suffix), for tests.
std::pair<std::u32string, std::u32string> tone_sandhi_split_word(std::u32string_view word);

}  // namespace gsv::text::zh
