// chinese-roberta-wwm-ext-large (a BERT-large encoder) as upstream's get_bert_feature uses it:
//
//   ids ([CLS] chars [SEP], from text/wordpiece.h) -> word + position + token-type(0) embeddings
//   -> LayerNorm (eps 1e-12) -> post-LN BERT layers (exact GELU)
//   -> hidden_states[-3] (the output of layer n_layers-3, i.e. layer 21 of 24; the last two layers and
//      the MLM head are never computed, and not kept in memory) -> [1:-1] strips [CLS]/[SEP]
//   -> [n_chars, 1024]; bert_phone_features repeats row i word2ph[i] times -> [n_phones, 1024]
//      (upstream returns the transpose, [1024, n_phones]).
//
// Upstream asserts len(word2ph) == len(norm_text) and then indexes the token rows by character, so it
// relies on one BERT token per character. zh-normalised text (CJK ideographs and !?…,.-) satisfies
// that when every character is in the vocab. When it does not hold (latin words, digit runs, symbols
// that split or merge), upstream either raises IndexError (fewer tokens than characters) or silently
// pairs characters with the wrong rows (more tokens); bert_phone_features refuses both with a
// BadInput error instead.
#pragma once

#include <mlx/mlx.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <vector>

#include "core/layers.h"
#include "core/weights.h"

namespace gsv::models {

namespace mx = mlx::core;

struct RobertaConfig {
  int vocab = 21128, hidden = 1024, layers = 24, heads = 16, ffn = 4096;
  int max_positions = 512, type_vocab = 2;
  float layer_norm_eps = 1e-12f;
};

// Reads an HF BertConfig (config.json); HF defaults for absent keys. Throws Unsupported for
// non-absolute position embeddings or non-GELU activations, and for fewer than 2 layers (upstream's
// hidden_states[-3:-2] would be empty).
RobertaConfig roberta_config_from_json(const nlohmann::json& config);

struct RobertaLayer {
  Linear query, key, value, attn_out;
  LayerNorm attn_norm;
  Linear intermediate, output;
  LayerNorm output_norm;
};

struct Roberta {
  RobertaConfig config;
  Embedding word, position, token_type;
  LayerNorm embed_norm;
  std::vector<RobertaLayer> layers;  // only the first config.layers - 2: the ones hidden_states[-3] needs
};

// Takes BertModel names ("embeddings.*", "encoder.layer.N.*") or BertForMaskedLM/BertForPreTraining
// names ("bert." prefixed); LayerNorm parameters as weight/bias or gamma/beta (TF conversions). Ignores
// cls.* (MLM/NSP heads), pooler.*, the position_ids/token_type_ids buffers and the last two layers.
// Fails naming any missing or misshapen key, and on unexpected keys.
Roberta load_roberta(WeightMap& weights, const RobertaConfig& config);

// An HF folder: config.json plus pytorch_model.bin (or model.safetensors). The tokenizer files of the
// same folder are read by text/wordpiece.h (load_wordpiece_dir).
Roberta load_roberta_dir(const std::filesystem::path& dir);
WeightMap read_roberta_weights(const std::filesystem::path& dir);

// hidden_states[-3] for one sequence of ids (with [CLS]/[SEP]) -> [n_tokens, hidden].
mx::array roberta_hidden(const Roberta& model, const std::vector<int>& ids);
// The same with [CLS] and [SEP] stripped: one row per character -> [n_tokens - 2, hidden].
mx::array roberta_char_features(const Roberta& model, const std::vector<int>& ids);
// The embedding output (hidden_states[0]) -> [n_tokens, hidden]; for tests.
mx::array roberta_embeddings(const Roberta& model, const std::vector<int>& ids);

// Row i of `char_features` [n_chars, H] repeated word2ph[i] times -> [sum(word2ph), H].
// Throws BadInput when word2ph.size() != n_chars (upstream's assertion, see above) or an entry is < 0.
mx::array bert_phone_features(const mx::array& char_features, const std::vector<int>& word2ph);

}  // namespace gsv::models
