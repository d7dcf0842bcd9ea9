// Text in a voice: what upstream TTS.run does for v2 (TTS_infer_pack/TTS.py), with its defaults.
//
//   preprocess (cut + g2p) -> per segment: [prompt phones | segment phones] and BERT features
//   -> T2S (prefill + KV-cache decode, upstream sampling) -> semantic tokens
//   -> SoVITS decode(tokens, segment phones, reference spectrograms) -> 32 kHz audio
//   -> per fragment: peak guard, then fragment_interval seconds of silence
//
// Audio reaches the caller through `on_chunk` as soon as it exists: the whole utterance at once
// (streaming_mode 0), one chunk per text segment (1), or token chunks stitched with
// decode_streaming's latent cross-fade and SOLA (2, 3).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/engine.h"
#include "pipeline/features.h"

namespace gsv::pipeline {

struct SynthesisOptions {
  std::string text_lang = "auto";
  std::string cut_method = "cut5";   // api_v2's default (TTS.run's own default is cut1)
  int top_k = 15;
  float top_p = 1.0f;
  float temperature = 1.0f;
  float repetition_penalty = 1.35f;
  double speed = 1.0;                // speed_factor: SoVITS latent interpolation
  float fragment_interval = 0.3f;    // seconds of silence after each segment
  int64_t seed = -1;                 // -1: a random seed (reported in the stats)
  float noise_scale = 0.5f;          // SoVITS prior noise (upstream hard-codes 0.5)
  int batch_size = 1;
  float batch_threshold = 0.75f;
  bool split_bucket = true;          // sort segments into length buckets (only when batch_size > 1)
  int max_tokens = 1500;             // T2S step cap per segment
  int streaming_mode = 0;            // 0 whole, 1 per segment, 2 token chunks at mute-like tokens, 3 fixed-length chunks
  int overlap_length = 2;            // modes 2/3: tokens of overlap
  int min_chunk_length = 16;         // modes 2/3: tokens per chunk, at least
  const Dump* dump = nullptr;
};

struct AudioChunk {
  std::vector<float> samples;  // 32 kHz mono float in [-1, 1]
  int sample_rate = 32000;
  int segment = 0;             // which text segment it belongs to
  bool last = false;           // the final chunk of the utterance
};

struct SynthesisStats {
  double frontend_s = 0, t2s_s = 0, sovits_s = 0;
  double first_chunk_s = -1;   // from the call to the first on_chunk
  int segments = 0, tokens = 0;
  double audio_s = 0;
  int64_t seed = 0;            // the seed actually used
  std::vector<std::string> warnings;
};

// Reports (segments done, segments total) as synthesis goes.
using ProgressFn = std::function<void(int done, int total)>;

// Throws BadInput for empty text or text with nothing to speak, an unknown language or cut method,
// and options upstream cannot run with.
SynthesisStats synthesize(const Engine& engine, const Reference& reference, const std::string& text,
                          const SynthesisOptions& options, const std::function<void(const AudioChunk&)>& on_chunk,
                          const ProgressFn& progress = {});

}  // namespace gsv::pipeline
