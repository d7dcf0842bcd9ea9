// The GPT stage of GPT-SoVITS: upstream's Text2SemanticDecoder (GPT_SoVITS/AR/models/t2s_model.py,
// inference path T2SBlock / T2STransformer / infer_panel_naive), loaded from an s1 `.ckpt`.
//
// A 24-layer post-LN decoder-only transformer over [phones | semantic tokens]:
//   text  = E_text[phones] + bert_proj(BERT^T) + alpha_text * PE[0..X)
//   audio = E_audio[tokens] + alpha_audio * PE[0..Y)          (audio positions restart at 0)
// The prefill attends text<->text bidirectionally, audio->text fully and audio->audio causally (text
// never sees audio); decoding then appends one token at a time with a KV cache and samples with
// upstream's sampler (t2s_sampling.h). See gpt-sovits-inference.md §2. Not implemented: the
// streaming variant of infer_panel_naive (§2.8, chunked yields by mute-token similarity).
#pragma once

#include <mlx/mlx.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/layers.h"
#include "core/weights.h"
#include "models/t2s_kernels.h"
#include "models/t2s_sampling.h"

namespace gsv {

namespace mx = mlx::core;

// The checkpoint's config["model"] (plus config["data"]["max_sec"]). Sizes always come from the file;
// the defaults are those of the shipped v2 / v2Pro GPT (s1longer-v2.yaml).
struct T2SConfig {
  int vocab_size = 1025;          // semantic codes + EOS
  int phoneme_vocab_size = 732;   // text/symbols2.py
  int hidden_dim = 512;           // = embedding_dim (upstream cannot run otherwise)
  int num_heads = 16;
  int num_layers = 24;
  int eos = 1024;                 // upstream asserts EOS == vocab_size - 1
  int bert_dim = 1024;            // bert_proj is nn.Linear(1024, embedding_dim), hard-coded upstream
  int max_sec = 54;               // config["data"]["max_sec"]; TTS.py passes early_stop_num = 50 * max_sec
  // linear_units is ignored upstream: the FFN is hard-coded to 4 * hidden_dim.
  int ffn_dim() const { return 4 * hidden_dim; }
  int head_dim() const { return hidden_dim / num_heads; }
};

// Reads and checks the whole `config` dict of an s1 file (`config["model"]` and `config["data"]`).
// `source` names the file in errors.
T2SConfig t2s_config_from_json(const nlohmann::json& config, const std::string& source);

// How the linear layers of the blocks and the logits head are stored. Compute is float32 on the CPU
// whatever the storage: the decode kernels read the stored format directly (so a smaller format
// reads fewer bytes per token) and prefill upcasts to float32 GEMM (t2s_kernels.h). Float16 is
// lossless for upstream's files, whose weights are fp16; BFloat16 rounds them; Int8/Int4 use MLX's
// affine `quantize` (group size 64, or 32 where a width needs it). Embeddings, norms and biases stay
// float32. On a GPU device MLX's own kernels run in the stored format.
enum class T2SPrecision { Float32, Float16, BFloat16, Int8, Int4 };
const char* to_string(T2SPrecision p);
// "fp32", "fp16", "bf16", "q8", "q4" (throws BadInput listing them otherwise).
T2SPrecision parse_t2s_precision(const std::string& name);

struct T2SLoadOptions {
  T2SPrecision precision = T2SPrecision::Float32;
};

struct T2SLayer {
  T2SLinear qkv;  // self_attn.in_proj: rows Q | K | V, each hidden_dim
  T2SLinear out;  // self_attn.out_proj
  T2SLinear ff1;  // linear1, hidden -> 4 hidden, ReLU
  T2SLinear ff2;  // linear2
  LayerNorm norm1, norm2;  // post-LN, eps 1e-5
};

struct T2SWeights {
  T2SConfig config;
  T2SPrecision precision = T2SPrecision::Float32;
  T2SLinear bert_proj;            // float32 in every mode (it runs once per prefill)
  Embedding text_embedding{mx::array(0.0f)};   // [phoneme_vocab_size, hidden]
  Embedding audio_embedding{mx::array(0.0f)};  // [vocab_size, hidden]; row EOS exists but is never fed
  mx::array text_alpha{0.0f};   // [1] learned scale of the text PE
  mx::array audio_alpha{0.0f};  // [1] learned scale of the audio PE
  std::vector<T2SLayer> layers;
  T2SLinear predict;            // ar_predict_layer, no bias
  mx::array sine_table{0.0f};   // [positions, hidden] float32, upstream's pe (extended on demand)
};

// Takes every key of a Text2SemanticDecoder state dict (without the Lightning "model." prefix)
// with its expected shape, then fails on anything left over.
T2SWeights load_t2s(WeightMap& w, const T2SConfig& config, const T2SLoadOptions& options = {});

// Opens an upstream s1 weights file (`{"weight": {"model.*": fp16}, "config": {...}, "info": ...}`),
// checks that it is one (an s2 `.pth` or another torch file gets an error saying what was expected),
// reads the config and loads the weights.
struct T2SModelFile {
  T2SWeights weights;
  nlohmann::json config;  // the whole config dict
  std::string info;       // "GPT-e<epoch>"
};
T2SModelFile load_t2s_file(const std::filesystem::path& path, const T2SLoadOptions& options = {});

// upstream SinePositionalEmbedding.pe rows [begin, begin + count): PE[p, 2i] = sin(p w_i),
// PE[p, 2i+1] = cos(p w_i), w_i = exp(2i * -(ln 10000 / dim)), computed in float32 like torch.
mx::array t2s_sine_rows(int begin, int count, int dim);

// ------------------------------------------------------------------ forward
// Per-layer keys and values in heads layout [B, heads, capacity, head_dim], valid up to `length`.
// The capacity grows in chunks of kT2SCacheChunk positions; each step writes one position in place.
struct T2SKVCache {
  std::vector<mx::array> k, v;
  int length = 0;
  int capacity = 0;
};
inline constexpr int kT2SCacheChunk = 256;

// Checks ids and shapes (throws BadInput naming the problem) and returns nothing.
//   phones [B, X] integer ids < phoneme_vocab_size, X >= 1;
//   bert   [B, 1024, X] float (upstream's layout: features x phones);
//   prompt [B, Yp] integer ids < EOS, or nullopt for reference-free synthesis.
void t2s_check_inputs(const T2SWeights& m, const mx::array& phones, const mx::array& bert,
                      const std::optional<mx::array>& prompt);

// The prefill step: embeds [phones | prompt], runs every block with upstream's mask, (re)fills
// `cache`, and returns the float32 logits [B, vocab_size] of the last position.
mx::array t2s_prefill(const T2SWeights& m, const mx::array& phones, const mx::array& bert,
                      const std::optional<mx::array>& prompt, T2SKVCache& cache);

// One decode step: feeds `tokens` [B] at audio position `audio_position` (prompt length + step - 1),
// appends to `cache`, returns float32 logits [B, vocab_size]. Not wrapped in mx::compile: measured
// on the block tail it gained nothing (the step is bound by streaming the weights), see
// docs/benchmarks.md §4.
mx::array t2s_decode_step(const T2SWeights& m, const mx::array& tokens, int audio_position, T2SKVCache& cache);

// ------------------------------------------------------------------ generation (infer_panel_naive)
struct T2SGenerateOptions {
  T2SSampling sampling;
  int max_steps = 1500;      // upstream's hard-coded loop bound
  int early_stop_num = -1;   // -1 = off; TTS.py passes 50 * max_sec (2700), which never binds
  uint64_t seed = 0;         // MLX key for the exponential draws (same seed -> same tokens)
  // infer_panel_batch_infer (TTS.run's loop when parallel_infer is on and not streaming, with a prompt)
  // stores y[:-1] when the early stop or the step cap ends the loop: the last token sampled is dropped
  // and TTS.py's [-idx:] then keeps the first idx. infer_panel_naive (false) keeps y whole, so [-idx:]
  // drops the first. Same count either way; which tokens differ.
  bool drop_last_on_cap = false;
  // Parity tests: replaces the exponential draw of step `step` (q with the given shape: [1, V-1]
  // for steps 0..10, when EOS is banned, then [1, V]).
  std::function<mx::array(int step, const mx::Shape& shape)> exponential_noise;
  // Streaming (TTS.py's streaming modes 2/3 drive infer_panel_naive as a generator): called after
  // every step's stop checks with upstream's y so far (prompt + tokens kept, the EOS drop applied)
  // and whether the loop ends at this step.
  std::function<void(const std::vector<int32_t>& y, bool stop)> on_step;
};

enum class T2SStop { Eos, MaxSteps, EarlyStop };
const char* to_string(T2SStop s);

struct T2SResult {
  std::vector<int32_t> y;         // upstream's y: prompt tokens + the generated tokens it kept
  int idx = 0;                    // upstream's idx (0 in reference-free mode)
  std::vector<int32_t> semantic;  // y[-idx:] as TTS.py slices it: the tokens SoVITS decodes
  T2SStop stop = T2SStop::Eos;
  int steps = 0;                  // decode steps run, prefill included
};

// infer_panel_naive for each batch row in turn (upstream's default infer_panel_naive_batched):
// phones [B, X], bert [B, 1024, X], prompt [B, Yp] or nullopt. Reproduces the loop exactly: EOS is
// banned for the first 11 steps (logits[:, :-1]); after each sample the stop checks run in order
// (early_stop_num; argmax of the *penalised* logits == EOS or sample == EOS -> stop and drop the
// last token; step == max_steps - 1 -> stop, keeping it); an empty result becomes [0].
std::vector<T2SResult> t2s_generate(const T2SWeights& m, const mx::array& phones, const mx::array& bert,
                                    const std::optional<mx::array>& prompt, const T2SGenerateOptions& options);

}  // namespace gsv
