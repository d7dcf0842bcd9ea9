// The two feature sides of synthesis that depend only on their inputs:
//  - text_features: a frontend segment -> phone ids and BERT features per phone (RoBERTa on zh
//    chunks, zeros elsewhere), as TextPreprocessor.get_phones_and_bert builds them;
//  - prepare_reference: the reference clip (and its transcript) -> prompt codes, reference
//    spectrograms and prompt text features, as TTS.set_ref_audio / run prepare them.
#pragma once

#include <mlx/mlx.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/engine.h"
#include "text/frontend.h"

namespace gsv::pipeline {

namespace mx = mlx::core;

// Writes intermediates as .npy files for step-by-step comparison with upstream (--dump DIR).
struct Dump {
  std::filesystem::path dir;
  void save(const std::string& name, const mx::array& a) const;
  void save_ints(const std::string& name, const std::vector<int>& v) const;
  void save_floats(const std::string& name, const std::vector<float>& v) const;
  void save_text(const std::string& name, const std::string& text) const;
};

struct TextFeatures {
  std::vector<int> phone_ids;
  mx::array bert{0.0f};  // [X, 1024] float32: RoBERTa features per phone, zeros for non-zh chunks
  std::string norm_text;
};

TextFeatures text_features(const Engine& engine, const text::Segment& segment);

struct ReferenceInput {
  std::filesystem::path audio;
  std::vector<std::filesystem::path> aux_audio;  // extra timbre references (ge is averaged)
  std::string text;                              // empty: reference-free synthesis
  std::string lang = "auto";
};

struct Reference {
  std::vector<int32_t> codes;          // prompt semantic tokens (from the main clip)
  std::vector<mx::array> refer_specs;  // [1, T_r, 1025] per clip, main first
  std::vector<mx::array> sv_embs;      // v2Pro: [1, 20480] per clip
  std::optional<TextFeatures> text;    // prompt phones + BERT (absent in reference-free mode)
  double seconds = 0;                  // main clip length
};

// The 3-10 s rule is upstream's, checked on the 16 kHz signal (48,000 to 160,000 samples).
Reference prepare_reference(const Engine& engine, const ReferenceInput& input, const Dump* dump = nullptr);

// Seconds of audio a reference file holds (for `voice add`), checked like prepare_reference does:
// a missing, corrupt, silent, too short or too long clip is a BadInput error.
double check_reference_clip(const std::filesystem::path& audio);

}  // namespace gsv::pipeline
