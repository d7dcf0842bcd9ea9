// Compound splitting as the `wordsegment` package (1.3.1) does it: Norvig's unigram/bigram
// Viterbi search over Google n-gram counts. upstream's English g2p splits an out-of-vocabulary word
// with it before falling back to the neural predictor.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace gsv::text::en {

struct WordSegmenter {
  std::unordered_map<std::string, double> unigrams;
  std::unordered_map<std::string, double> bigrams;  // "previous word"
};

WordSegmenter load_wordsegmenter(const std::filesystem::path& unigrams, const std::filesystem::path& bigrams);

// wordsegment.segment(text): lower-cases, keeps [a-z0-9], and returns the best split.
std::vector<std::string> segment(const WordSegmenter& ws, const std::string& text);

}  // namespace gsv::text::en
