// jieba word segmentation as upstream runs it (jieba_fast 0.53 with jieba's default dictionary):
//
//  * posseg_cut: jieba_fast.posseg.lcut(text) — dictionary DAG, max-probability route, and for runs
//    of unknown single characters posseg's own (BMES, tag) HMM. Its DAG/route are jieba's pure
//    Python ones (a tie in the route goes to the longer word).
//  * cut / cut_for_search: jieba_fast.cut / cut_for_search (tone_sandhi._split_word uses the
//    latter). These go through jieba_fast's C helpers, which differ from jieba's Python in three
//    ways that we reproduce: at most 12 DAG ends per position, a route tie goes to the shorter
//    word, and finalseg's Viterbi adds (emit + prev) + trans with strict ">" tie-breaks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gsv::text::zh {

struct TaggedWord {
  std::u32string word;
  std::string tag;
};

std::vector<TaggedWord> posseg_cut(std::u32string_view text);
std::vector<std::u32string> jieba_cut(std::u32string_view text);
std::vector<std::u32string> jieba_cut_for_search(std::u32string_view text);

}  // namespace gsv::text::zh
