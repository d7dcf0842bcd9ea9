#include "models/t2s_sampling.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/layers.h"
#include "core/weights.h"

namespace gsv {

void validate_sampling(const T2SSampling& s) {
  if (s.top_k < 1) bad_input("top_k must be at least 1 (got ", s.top_k, "); use 1 for greedy decoding");
  if (!(s.top_p > 0.0f) || !std::isfinite(s.top_p))
    bad_input("top_p must be in (0, 1] (got ", s.top_p, "); 1 disables nucleus filtering");
  if (!std::isfinite(s.temperature) || s.temperature < 0.0f)
    bad_input("temperature must be a finite number >= 0 (got ", s.temperature, ")");
  if (!(s.repetition_penalty > 0.0f) || !std::isfinite(s.repetition_penalty))
    bad_input("repetition_penalty must be > 0 (got ", s.repetition_penalty, "); 1 disables it");
}

mx::array apply_repetition_penalty(const mx::array& logits, const mx::array& previous_tokens, float penalty) {
  if (penalty == 1.0f || previous_tokens.size() == 0) return logits;
  auto index = mx::astype(previous_tokens, mx::int32);
  auto score = mx::take_along_axis(logits, index, 1);
  score = mx::where(mx::less(score, scalar_like(0.0f, score)), mx::multiply(score, scalar_like(penalty, score)),
                    mx::divide(score, scalar_like(penalty, score)));
  // A token repeated in the history is scattered several times with the same value: penalised once.
  return mx::put_along_axis(logits, index, score, 1);
}

mx::array filtered_probs(const mx::array& penalised_logits, const T2SSampling& s) {
  auto logits = penalised_logits;
  const int vocab = logits.shape(-1);
  const auto neg_inf = scalar_like(-std::numeric_limits<float>::infinity(), logits);
  if (s.top_p < 1.0f) {
    auto order = mx::argsort(mx::negative(logits), 1);  // descending
    auto sorted = mx::take_along_axis(logits, order, 1);
    // torch's CPU cumsum accumulates float32 in double and rounds each prefix back to float32.
    auto cum = mx::astype(mx::cumsum(mx::astype(mx::softmax(sorted, 1, /*precise=*/true), mx::float64), 1),
                          logits.dtype());
    auto remove_sorted = mx::greater(cum, mx::array(s.top_p, cum.dtype()));  // strict '>'
    // The most likely token always stays (upstream sets column 0 to False; unlike HF it does not
    // also keep the token that crosses the threshold).
    auto keep_first = mx::expand_dims(mx::not_equal(mx::arange(vocab), mx::array(0)), 0);
    remove_sorted = mx::logical_and(remove_sorted, keep_first);
    auto remove = mx::put_along_axis(mx::zeros(logits.shape(), mx::bool_), order, remove_sorted, 1);
    logits = mx::where(remove, neg_inf, logits);
  }
  logits = mx::divide(logits, scalar_like(std::max(s.temperature, 1e-5f), logits));
  const int k = std::min(s.top_k, vocab);
  if (k < vocab) {
    auto pivot = mx::min(mx::topk(logits, k, 1), 1, /*keepdims=*/true);  // the k-th largest
    logits = mx::where(mx::less(logits, pivot), neg_inf, logits);      // ties at the pivot survive
  }
  return mx::softmax(logits, 1, /*precise=*/true);
}

mx::array exponential_noise(const mx::Shape& shape, const mx::array& key) {
  // -log(u), u in [tiny, 1): q > 0 everywhere, so probs / q never divides by zero.
  auto u = mx::random::uniform(mx::array(std::numeric_limits<float>::min()), mx::array(1.0f), shape,
                               mx::float32, key);
  return mx::negative(mx::log(u));
}

mx::array exponential_race(const mx::array& probs, const mx::array& q) {
  return mx::astype(mx::argmax(mx::divide(probs, mx::astype(q, probs.dtype())), -1), mx::int32);
}

SampleStep sample_tokens(const mx::array& logits, const mx::array& previous_tokens, const T2SSampling& s,
                         const std::optional<mx::array>& noise, const std::optional<mx::array>& key) {
  GSV_CHECK(logits.ndim() == 2);
  auto penalised = apply_repetition_penalty(logits, previous_tokens, s.repetition_penalty);
  if (s.top_k == 1 && !noise) return {mx::astype(mx::argmax(penalised, -1), mx::int32), penalised};
  auto probs = filtered_probs(penalised, s);
  mx::array q = noise ? *noise : exponential_noise(probs.shape(), key.value_or(mx::random::key(0)));
  if (q.shape() != probs.shape())
    bad_input("injected sampling noise has shape ", shape_string(q.shape()), " but the logits have shape ",
              shape_string(probs.shape()));
  return {exponential_race(probs, q), penalised};
}

}  // namespace gsv
