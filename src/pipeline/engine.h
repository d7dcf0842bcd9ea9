// Everything `speak` needs, loaded once: the GPT (s1) and SoVITS (s2) weights of a voice, and the
// shared pretrained models (chinese-hubert-base, chinese-roberta-wwm-ext-large and, for v2Pro, the
// ERes2NetV2 speaker-verification model) from the models folder.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "models/cnhubert.h"
#include "models/eres2netv2.h"
#include "models/roberta.h"
#include "models/sovits.h"
#include "models/t2s.h"
#include "text/wordpiece.h"

namespace gsv::pipeline {

// Where the pretrained folders are: the --models flag, else $GPT_SOVITS_MODELS, else
// $GPT_SOVITS_HOME/pretrained. Inside it, upstream's own names:
//   chinese-roberta-wwm-ext-large/   (config.json, pytorch_model.bin, vocab.txt or tokenizer.json)
//   chinese-hubert-base/             (config.json, pytorch_model.bin)
//   sv/pretrained_eres2netv2w24s4ep4.ckpt   (v2Pro / v2ProPlus only)
struct ModelsDir {
  std::filesystem::path root;
  std::filesystem::path bert() const { return root / "chinese-roberta-wwm-ext-large"; }
  std::filesystem::path hubert() const { return root / "chinese-hubert-base"; }
  std::filesystem::path sv() const { return root / "sv" / "pretrained_eres2netv2w24s4ep4.ckpt"; }
};
ModelsDir resolve_models_dir(const std::string& flag_value);

// Throws MissingFile naming each missing upstream file and where to get it.
void require_pretrained(const ModelsDir& dir, bool need_sv);

struct EngineFiles {
  std::filesystem::path gpt;     // s1 .ckpt
  std::filesystem::path sovits;  // s2 .pth
  ModelsDir models;
};

struct EngineOptions {
  T2SPrecision t2s_precision = T2SPrecision::Float32;
};

struct Engine {
  EngineFiles files;
  T2SModelFile gpt;
  LoadedSovits sovits;
  models::CnHubert hubert;
  models::Roberta bert;
  text::WordPieceTokenizer tokenizer;
  std::optional<models::ERes2NetV2> sv;  // v2Pro / v2ProPlus: the speaker-verification model
  std::string version;  // v2, v2Pro, v2ProPlus (from the SoVITS file)
};

// Loads and cross-checks the files: an s2 given as s1 (or the reverse) and an s1/s2 pair of
// different versions are BadInput errors that say what was expected. `on_step` names each model as
// it is loaded (for a progress line).
std::unique_ptr<Engine> load_engine(const EngineFiles& files, const EngineOptions& options = {},
                                    const std::function<void(const std::string&)>& on_step = {});

}  // namespace gsv::pipeline
