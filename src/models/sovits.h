// SoVITS v2-family synthesizer (upstream `module/models.py: SynthesizerTrn`), inference only:
// `extract_latent` (HuBERT features -> prompt codes) and `decode` (semantic codes + phones + reference
// spectrograms -> 32 kHz audio), plus `decode_streaming`'s tail/cross-fade variant.
//
// Layouts are channels-last everywhere:
//   ssl features   [B, T50, ssl_dim]            (HuBERT last_hidden_state as it comes, 50 Hz)
//   codes          [B, Y] int                   (25 Hz semantic tokens; upstream's n_q = 1 axis dropped)
//   phones         [B, X] int
//   refer spec     [1, T_r, F] float, F >= 704  (linear |STFT| frames; only the first 704 bins are used)
//   latents        [B, T, C]
//   audio          [B, samples] float32 in [-1, 1]
// The weights are held in float32; compute is float32.
#pragma once

#include <mlx/mlx.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/layers.h"
#include "core/weights.h"
#include "models/sovits_modules.h"

namespace gsv {

namespace mx = mlx::core;

// Hyperparameters: the checkpoint's `config` (hps.model / hps.data) plus the widths upstream hard-codes in
// its constructors, which the loader reads from the tensor shapes (a small test model uses other values).
struct SovitsConfig {
  std::string version = "v2";  // "v2", "v2Pro" or "v2ProPlus", detected from the weights
  // from config
  int inter_channels = 192;
  int hidden_channels = 192;
  int filter_channels = 768;
  int n_heads = 2;
  int n_layers = 6;  // encoder_text has n_layers, encoder_ssl and encoder2 n_layers / 2
  int kernel_size = 3;
  std::vector<int> resblock_kernel_sizes{3, 7, 11};
  std::vector<std::vector<int>> resblock_dilation_sizes{{1, 3, 5}, {1, 3, 5}, {1, 3, 5}};
  std::vector<int> upsample_rates{10, 8, 2, 2, 2};
  int upsample_initial_channel = 512;
  std::vector<int> upsample_kernel_sizes{16, 16, 8, 2, 2};
  int gin_channels = 512;
  int sampling_rate = 32000;
  int hop_length = 640;
  // upstream constants (not in the config)
  int window_size = 4;        // attentions.Encoder default
  int mrte_heads = 4;         // MRTE() default
  int ref_enc_heads = 2;      // MelStyleEncoder style_head
  int ref_enc_kernel = 5;     // MelStyleEncoder style_kernel_size
  int flow_kernel = 5, flow_layers = 4, n_flows = 4;  // ResidualCouplingBlock(..., 5, 1, 4)
  // hard-coded widths, read from the tensor shapes by sovits_config_from_checkpoint
  int ssl_dim = 768;          // ssl_proj.weight [ssl_dim, ssl_dim, 2]
  int codebook_size = 1024;   // quantizer...embed [codebook_size, ssl_dim]
  int n_symbols = 732;        // enc_p.text_embedding.weight [n_symbols, hidden]
  int mrte_hidden = 512;      // enc_p.mrte.c_pre.weight [mrte_hidden, hidden, 1]
  int ref_enc_in = 704;       // ref_enc.spectral.0.fc.weight [style_hidden, ref_enc_in]
  int ref_enc_hidden = 128;
  int sv_dim = 20480;         // v2Pro: sv_emb.weight [gin, sv_dim]

  bool is_pro() const { return version == "v2Pro" || version == "v2ProPlus"; }
  // Output samples per SoVITS frame (the product of upsample_rates; 640 for every v2-family model).
  int samples_per_frame() const;
};

// The config of an s2 file: `config_json` is gsv::to_json(root["config"]) (HParams or dict, with
// "model" and "data" sections); the hard-coded widths and the version come from `weights`. Throws
// BadInput when the config disagrees with the tensor shapes (e.g. gin vs ref_enc.fc.fc.weight).
SovitsConfig sovits_config_from_checkpoint(const nlohmann::json& config_json, const WeightMap& weights);

struct SovitsModel {
  SovitsConfig cfg;
  Conv1d ssl_proj;            // k2 s2: 50 Hz HuBERT -> 25 Hz
  mx::array codebook;         // [codebook_size, ssl_dim]
  mx::array codebook_sq_norm; // [codebook_size], ||e||^2 precomputed for the nearest-code search
  sovits::TextEncoder enc_p;
  sovits::MelStyleEncoder ref_enc;
  sovits::Flow flow;
  sovits::Generator dec;
  // v2Pro / v2ProPlus speaker conditioning (absent in v2)
  std::optional<Linear> sv_emb;    // sv_dim -> gin
  std::optional<mx::array> prelu;  // [gin], per-channel slopes
  std::optional<Linear> ge_to512;  // gin -> mrte_hidden (512), for MRTE only
};

// Takes every inference key with its expected shape, fuses weight norm, and fails on anything left
// over (enc_q.* and the quantizer's training buffers are ignored).
SovitsModel load_sovits(WeightMap& weights, const SovitsConfig& cfg);

struct SovitsFileInfo {
  std::string version;  // from the keys: v2, v2Pro, v2ProPlus
  std::string magic;    // first two bytes: "PK", or "05"/"06" for v2Pro/v2ProPlus saves
  std::string info;     // the file's "info" string (e.g. "8epoch_1234iteration"), if any
};

struct LoadedSovits {
  SovitsModel model;
  SovitsFileInfo file;
};

// Opens an s2 `.pth` (SoVITS_weights*/…, or a pretrained s2G*.pth) without executing anything.
// `expected_version`, when given, must match the version detected from the keys.
LoadedSovits load_sovits_file(const std::filesystem::path& path,
                              const std::optional<std::string>& expected_version = std::nullopt);

// HuBERT features [B, T50, ssl_dim] -> codes [B, floor(T50 / 2)] int32: ssl_proj, then the nearest
// codeword by the fp32 squared distance ||x||^2 - 2 x.e + ||e||^2 (first index on ties, as torch).
mx::array extract_latent(const SovitsModel& model, const mx::array& ssl);

// Intermediates of one decode, for parity tests and debugging (all channels-last).
struct SovitsTrace {
  std::optional<mx::array> ge;       // [1, gin]: the (averaged) speaker vector given to flow and decoder
  std::optional<mx::array> ge_text;  // [1, mrte_hidden]: what MRTE adds (ge, or ge_to512(ge) for Pro)
  std::optional<mx::array> latent;   // [B, T, hidden]: enc_p after encoder2 (and the streaming slice/fade)
  std::optional<mx::array> m, logs;  // [B, T', inter]: the prior (after the speed interpolation)
  std::optional<mx::array> z;        // [B, T', inter]: after the reverse flow
};

struct SovitsDecodeOptions {
  float noise_scale = 0.5f;  // upstream decode()'s default
  // > 0; != 1 resamples the latent to int(2Y / speed) + 1 frames. A double, as in Python: the frame
  // count depends on it (16 / 0.8 is 20 in double precision, 19.99… with a float 0.8).
  double speed = 1.0;
  // v2Pro: one [1, sv_dim] (or [sv_dim]) speaker embedding per reference spectrogram.
  std::vector<mx::array> sv_embs;
  // ε of z_p = m + ε·exp(logs)·noise_scale, [B, T', inter]; drawn from N(0, 1) when absent
  // (with `seed` when given). Tests inject upstream's ε here.
  std::optional<mx::array> noise;
  std::optional<uint64_t> seed;
  SovitsTrace* trace = nullptr;
};

// Upstream SynthesizerTrn.decode: codes [B, Y], phones [B, X], one or more reference spectrograms
// [1, T_r, F] (several are averaged, as upstream does for a list). Returns [B, samples] float32:
// 2·Y·640 samples at speed 1, (int(2Y / speed) + 1)·640 otherwise.
mx::array decode(const SovitsModel& model, const mx::array& codes, const mx::array& phones,
                 const std::vector<mx::array>& refer_specs, const SovitsDecodeOptions& options = {});

// Upstream SynthesizerTrn.decode_streaming (TTS.py streaming modes 2/3): decodes all codes so far but
// runs the flow and decoder only on the tail. Lengths are in tokens (each token is 2 frames):
//   padding_length: look-ahead tokens removed before encoder2;
//   result_length:  tokens kept (from the end) after encoder2;
//   overlap_frames: the previous call's `latent` tail [B, n, hidden], cross-faded into the first n
//                   frames with sin/cos windows.
struct SovitsStreamOptions {
  std::optional<int> result_length;
  std::optional<int> padding_length;
  std::optional<mx::array> overlap_frames;
};
struct SovitsStreamResult {
  mx::array audio;   // [B, samples]
  mx::array latent;  // [B, T, hidden]: upstream's y_ (pass its tail as the next overlap_frames)
};
SovitsStreamResult decode_streaming(const SovitsModel& model, const mx::array& codes, const mx::array& phones,
                                    const std::vector<mx::array>& refer_specs, const SovitsStreamOptions& stream,
                                    const SovitsDecodeOptions& options = {});

// Number of output samples decode() produces for `n_codes` tokens at `speed`.
int sovits_output_samples(const SovitsConfig& cfg, int n_codes, double speed);

}  // namespace gsv
