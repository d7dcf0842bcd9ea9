// Part-of-speech tagging as NLTK's pos_tag() (PerceptronTagger, Honnibal's greedy averaged
// perceptron) does it; g2p_en needs the tags to choose between homograph pronunciations.
//
// The model file is tagger.tsv, written at set-up from textblob-aptagger's pickle (see
// tools/setup/data_en.py): NLTK's own averaged_perceptron_tagger data is downloaded by NLTK at run
// time and is on no package registry, so its weights may differ (docs/frontend.md).
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gsv::text::en {

struct PerceptronTagger {
  std::vector<std::string> classes;                      // tag names
  std::unordered_map<std::string, int> tagdict;          // unambiguous words -> class index
  // feature -> (class index, weight) in the model's order
  std::unordered_map<std::string, std::vector<std::pair<int, double>>> weights;
};

PerceptronTagger load_tagger(const std::filesystem::path& tsv);

// NLTK PerceptronTagger.tag(tokens): one tag per token.
std::vector<std::string> pos_tag(const PerceptronTagger& tagger, const std::vector<std::string>& tokens);

}  // namespace gsv::text::en
