#include "pipeline/engine.h"

#include <cstdlib>

#include "core/error.h"
#include "core/paths.h"

namespace gsv::pipeline {

namespace fs = std::filesystem;

ModelsDir resolve_models_dir(const std::string& flag_value) {
  if (!flag_value.empty()) return {fs::path(flag_value)};
  if (const char* env = std::getenv("GPT_SOVITS_MODELS"); env && *env) return {fs::path(env)};
  return {home_dir() / "pretrained"};
}

void require_pretrained(const ModelsDir& dir, bool need_sv) {
  std::string missing;
  auto need = [&](const fs::path& p, const char* what) {
    if (!fs::exists(p)) missing += "\n  " + p.string() + "  (" + what + ")";
  };
  need(dir.bert() / "config.json", "chinese-roberta-wwm-ext-large config");
  if (!fs::exists(dir.bert() / "pytorch_model.bin") && !fs::exists(dir.bert() / "model.safetensors"))
    missing += "\n  " + (dir.bert() / "pytorch_model.bin").string() + "  (chinese-roberta-wwm-ext-large weights)";
  if (!fs::exists(dir.bert() / "vocab.txt") && !fs::exists(dir.bert() / "tokenizer.json"))
    missing += "\n  " + (dir.bert() / "tokenizer.json").string() + "  (or vocab.txt: the BERT tokenizer)";
  need(dir.hubert() / "config.json", "chinese-hubert-base config");
  if (!fs::exists(dir.hubert() / "pytorch_model.bin") && !fs::exists(dir.hubert() / "model.safetensors"))
    missing += "\n  " + (dir.hubert() / "pytorch_model.bin").string() + "  (chinese-hubert-base weights)";
  if (need_sv) need(dir.sv(), "ERes2NetV2 speaker-verification model, for v2Pro/v2ProPlus voices");
  if (missing.empty()) return;
  fail(ErrorKind::MissingFile, "the pretrained models are missing from ", dir.root.string(), ":", missing,
       "\nThey are upstream GPT-SoVITS's GPT_SoVITS/pretrained_models/ folders (from "
       "https://huggingface.co/lj1995/GPT-SoVITS): copy chinese-roberta-wwm-ext-large/, chinese-hubert-base/ "
       "and sv/ into that folder, or point --models DIR (or $GPT_SOVITS_MODELS) at the folder that holds them.");
}

std::unique_ptr<Engine> load_engine(const EngineFiles& files, const EngineOptions& options,
                                    const std::function<void(const std::string&)>& on_step) {
  auto step = [&](const std::string& s) {
    if (on_step) on_step(s);
  };
  auto e = std::make_unique<Engine>(Engine{files, {}, {}, {}, {}, {}, std::nullopt, ""});
  step("SoVITS weights");
  // Files first, so a wrong path fails before anything slow is read.
  for (const auto& [p, what] : {std::pair{files.gpt, "--gpt"}, std::pair{files.sovits, "--sovits"}})
    if (!fs::is_regular_file(p)) fail(ErrorKind::MissingFile, what, " ", p.string(), ": no such file");
  e->sovits = load_sovits_file(files.sovits);
  e->version = e->sovits.file.version;
  require_pretrained(files.models, e->sovits.model.cfg.is_pro());
  step("GPT weights");
  e->gpt = load_t2s_file(files.gpt, {options.t2s_precision});
  // An s1 and s2 of different generations: v1 GPTs have 512 phone symbols, v1 SoVITS 322; the
  // v2 family shares the 732-symbol table (symbols2.py).
  const int gpt_symbols = e->gpt.weights.config.phoneme_vocab_size;
  const int sovits_symbols = e->sovits.model.cfg.n_symbols;
  if (gpt_symbols != 732 || sovits_symbols != 732)
    bad_input("the GPT (", files.gpt.string(), ", ", gpt_symbols, " phone symbols) and SoVITS (",
              files.sovits.string(), ", ", sovits_symbols,
              " phone symbols) are not a v2-family pair; v1 models are not supported: use v2, v2Pro or "
              "v2ProPlus weights for both");
  step("chinese-hubert-base");
  e->hubert = models::load_cnhubert_dir(files.models.hubert());
  if (e->hubert.config.hidden != e->sovits.model.cfg.ssl_dim)
    bad_input("chinese-hubert-base gives ", e->hubert.config.hidden, "-dim features but the SoVITS model expects ",
              e->sovits.model.cfg.ssl_dim, "; the models folder holds a different HuBERT");
  step("chinese-roberta-wwm-ext-large");
  e->bert = models::load_roberta_dir(files.models.bert());
  e->tokenizer = text::load_wordpiece_dir(files.models.bert());
  if (e->sovits.model.cfg.is_pro()) {
    step("ERes2NetV2 speaker model");
    e->sv = models::load_eres2netv2_file(files.models.sv());
    // forward3 flattens layer4's 8*m_channels*expansion/... channels times 80/8 frequency rows:
    // fuse34's output channels x 10 (20480 for the real model).
    const int sv_dim = int(e->sv->fuse34.expand.weight.shape(0)) * 10;
    if (sv_dim != e->sovits.model.cfg.sv_dim)
      bad_input("the speaker model gives ", sv_dim, "-dim embeddings but the ", e->version, " SoVITS expects ",
                e->sovits.model.cfg.sv_dim, "; the models folder holds a different ERes2NetV2");
  }
  if (e->bert.config.hidden != e->gpt.weights.config.bert_dim)
    bad_input("chinese-roberta-wwm-ext-large gives ", e->bert.config.hidden, "-dim features but the GPT expects ",
              e->gpt.weights.config.bert_dim, "; the models folder holds a different BERT");
  return e;
}

}  // namespace gsv::pipeline
