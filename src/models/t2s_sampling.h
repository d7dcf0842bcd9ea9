// The token sampler of the GPT stage, upstream's AR/models/utils.py (logits_to_probs, sample,
// multinomial_sample_one_no_sync), in upstream's exact order:
//
//   repetition penalty (in place, over prompt + generated tokens, duplicates penalised once)
//   -> top-p on the *untempered* logits (strict '>', the most likely token always kept)
//   -> temperature (clamped at 1e-5) -> top-k (ties at the pivot survive) -> softmax
//   -> exponential race: argmax(probs / q) with q ~ Exp(1) per entry.
//
// Everything works on a batch: logits [B, V], previous tokens [B, N].
//
// Known difference: probabilities below float32's normal range (< 1.2e-38) come out as 0 here and as
// denormals in torch; such a token could only win the race with q < 1e-35.
#pragma once

#include <mlx/mlx.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace gsv {

namespace mx = mlx::core;

struct T2SSampling {
  int top_k = 15;                   // api_v2 / TTS.py defaults
  float top_p = 1.0f;
  float temperature = 1.0f;
  float repetition_penalty = 1.35f;
};

// Throws BadInput naming the parameter when a value is one upstream cannot run with (top_k < 1
// makes upstream's topk fail; top_p <= 0 or a negative penalty make no sense).
void validate_sampling(const T2SSampling& s);

// Upstream's repetition penalty: logits at every index in `previous_tokens` ([B, N] integer ids,
// N may be 0) are divided by `penalty` when >= 0 and multiplied by it when < 0, each index once.
// Returns the penalised logits. Upstream does this *in place*, so the EOS test of the decode loop
// sees the penalised values; callers reproduce that by keeping the returned array.
mx::array apply_repetition_penalty(const mx::array& logits, const mx::array& previous_tokens, float penalty);

// The rest of logits_to_probs on already penalised logits: top-p, temperature, top-k, softmax.
mx::array filtered_probs(const mx::array& penalised_logits, const T2SSampling& s);

// Exp(1) noise of `shape` from an explicit MLX key (same key -> same noise).
mx::array exponential_noise(const mx::Shape& shape, const mx::array& key);

// multinomial_sample_one_no_sync: argmax(probs / q) along the last axis -> [B] int32.
mx::array exponential_race(const mx::array& probs, const mx::array& q);

struct SampleStep {
  mx::array tokens;     // [B] int32
  mx::array penalised;  // [B, V] the logits after the in-place penalty (what upstream's EOS check reads)
};

// One call of upstream's sample(). `noise` is q (shape of logits) when given (parity tests);
// otherwise it is drawn from `key`. With top_k == 1 and no injected noise the token is the argmax
// of the penalised logits without any draw: upstream's race then has a single candidate (or picks
// among exact ties at random, where we take the first), so greedy decoding needs no key.
SampleStep sample_tokens(const mx::array& logits, const mx::array& previous_tokens, const T2SSampling& s,
                         const std::optional<mx::array>& noise, const std::optional<mx::array>& key);

}  // namespace gsv
