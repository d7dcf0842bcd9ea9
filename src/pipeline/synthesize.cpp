#include "pipeline/synthesize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"
#include "text/cut.h"

namespace gsv::pipeline {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void validate(const SynthesisOptions& o) {
  validate_sampling({o.top_k, o.top_p, o.temperature, o.repetition_penalty});
  if (!(o.speed > 0) || o.speed > 10) bad_input("speed must be in (0, 10], got ", o.speed);
  if (!(o.fragment_interval >= 0) || o.fragment_interval > 60)
    bad_input("fragment_interval must be 0-60 seconds, got ", o.fragment_interval);
  if (o.batch_size < 1 || o.batch_size > 200) bad_input("batch_size must be 1-200, got ", o.batch_size);
  if (o.streaming_mode < 0 || o.streaming_mode > 3) bad_input("streaming_mode must be 0, 1, 2 or 3, got ", o.streaming_mode);
  if (o.max_tokens < 1 || o.max_tokens > 100000) bad_input("max_tokens must be 1-100000, got ", o.max_tokens);
  if (!(o.noise_scale >= 0) || o.noise_scale > 10) bad_input("noise_scale must be 0-10, got ", o.noise_scale);
  if (!text::is_cut_method(o.cut_method)) bad_input("unknown cut method '", o.cut_method, "'; use cut0 to cut5");
}

// TTS.to_batch's grouping: with split_bucket, segments sorted by normalised-text length are cut
// into batches of at most batch_size whose middle element is at least `threshold` of their mean
// length (shrinking the batch until it is); otherwise consecutive groups of batch_size.
std::vector<std::vector<int>> make_batches(const std::vector<TextFeatures>& segs, int batch_size, float threshold,
                                           bool split_bucket) {
  std::vector<std::vector<int>> batches;
  const int n = int(segs.size());
  if (!split_bucket) {
    for (int i = 0; i < n; ++i) {
      if (i % batch_size == 0) batches.emplace_back();
      batches.back().push_back(i);
    }
    return batches;
  }
  std::vector<std::pair<int, int>> order;  // (index, length in characters)
  for (int i = 0; i < n; ++i) {
    int chars = 0;
    for (unsigned char c : segs[i].norm_text) chars += (c & 0xC0) != 0x80;
    order.emplace_back(i, chars);
  }
  std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.second < b.second; });
  int pos = 0;
  while (pos < n) {
    int end = std::min(pos + batch_size, n);
    while (pos < end) {
      float mean = 0;
      for (int i = pos; i < end; ++i) mean += float(order[i].second);
      mean /= float(end - pos);
      const float score = float(order[pos + (end - pos) / 2].second) / (mean + 1e-8f);
      if (score >= threshold || end - pos == 1) {
        batches.emplace_back();
        for (int i = pos; i < end; ++i) batches.back().push_back(order[i].first);
        pos = end;
        break;
      }
      --end;
    }
  }
  return batches;
}

// audio_postprocess per fragment: divide by the peak when it exceeds 1, then the silence.
void finish_fragment(std::vector<float>& audio, int silence_samples) {
  float peak = 0;
  for (float s : audio) peak = std::max(peak, std::fabs(s));
  if (peak > 1.0f)
    for (float& s : audio) s /= peak;
  audio.resize(audio.size() + silence_samples, 0.0f);
}

std::vector<float> to_vector(const mx::array& a) {
  auto f = mx::astype(mx::reshape(a, {-1}), mx::float32);
  mx::eval(f);
  return std::vector<float>(f.data<float>(), f.data<float>() + f.size());
}

}  // namespace

SynthesisStats synthesize(const Engine& engine, const Reference& reference, const std::string& text,
                          const SynthesisOptions& options, const std::function<void(const AudioChunk&)>& on_chunk,
                          const ProgressFn& progress) {
  validate(options);
  if (options.streaming_mode >= 2)
    fail(ErrorKind::Unsupported, "token-chunk streaming (streaming_mode ", options.streaming_mode,
         ") is not implemented yet; use streaming_mode 1 (one chunk per segment)");
  const auto t_start = Clock::now();
  SynthesisStats stats;
  stats.seed = options.seed >= 0 ? options.seed : int64_t(std::random_device{}() & 0x7fffffff);

  // ---------------------------------------------------------------- text
  auto t0 = Clock::now();
  auto pre = text::preprocess(text, options.text_lang, options.cut_method);
  stats.warnings = pre.warnings;
  std::vector<TextFeatures> segs;
  for (const auto& seg : pre.segments) segs.push_back(text_features(engine, seg));
  if (segs.empty()) bad_input("the text has nothing to speak (no words left after normalisation)");
  stats.segments = int(segs.size());
  stats.frontend_s = since(t0);
  if (options.dump) {
    for (size_t i = 0; i < segs.size(); ++i) {
      const std::string p = "seg" + std::to_string(i) + "_";
      options.dump->save_ints(p + "phones", segs[i].phone_ids);
      options.dump->save(p + "bert", segs[i].bert);
      options.dump->save_text(p + "norm_text", segs[i].norm_text);
    }
  }

  // TTS.run's rules: streaming per segment turns bucketing off, and so does a speed other than 1.
  const bool bucket = options.split_bucket && options.batch_size > 1 && options.streaming_mode == 0 && options.speed == 1.0;
  auto batches = make_batches(segs, options.batch_size, options.batch_threshold, bucket);
  const int silence = int(32000 * options.fragment_interval);
  std::vector<std::vector<float>> fragments(segs.size());
  int done = 0;
  if (progress) progress(0, int(segs.size()));

  T2SGenerateOptions gen;
  gen.sampling = {options.top_k, options.top_p, options.temperature, options.repetition_penalty};
  gen.max_steps = options.max_tokens;
  // TTS.py passes early_stop_num = hz * max_sec = 50 * 54, above the step cap: it never binds.
  gen.early_stop_num = 50 * engine.gpt.weights.config.max_sec;

  for (size_t b = 0; b < batches.size(); ++b) {
    const auto& batch = batches[b];
    // ---------------------------------------------------------------- T2S, one row at a time
    auto t1 = Clock::now();
    std::vector<std::vector<int32_t>> tokens(batch.size());
    for (size_t r = 0; r < batch.size(); ++r) {
      const TextFeatures& seg = segs[batch[r]];
      std::vector<int> all_ids;
      mx::array bert = seg.bert;
      if (reference.text) {
        all_ids = reference.text->phone_ids;
        bert = mx::concatenate({reference.text->bert, seg.bert}, 0);
      }
      all_ids.insert(all_ids.end(), seg.phone_ids.begin(), seg.phone_ids.end());
      const int x = int(all_ids.size());
      auto phones = mx::array(all_ids.begin(), {1, x}, mx::int32);
      auto bert_t = mx::expand_dims(mx::transpose(bert), 0);  // upstream layout [1, 1024, X]
      std::optional<mx::array> prompt;
      if (reference.text)  // reference-free mode: T2S sees no semantic prefix
        prompt = mx::array(reference.codes.begin(), {1, int(reference.codes.size())}, mx::int32);
      gen.seed = uint64_t(stats.seed) + uint64_t(batch[r]);
      auto result = t2s_generate(engine.gpt.weights, phones, bert_t, prompt, gen);
      tokens[r] = result.at(0).semantic;
      stats.tokens += int(tokens[r].size());
      if (options.dump)
        options.dump->save_ints("seg" + std::to_string(batch[r]) + "_tokens",
                                std::vector<int>(tokens[r].begin(), tokens[r].end()));
    }
    stats.t2s_s += since(t1);

    // ---------------------------------------------------------------- SoVITS
    auto t2 = Clock::now();
    SovitsDecodeOptions dec;
    dec.noise_scale = options.noise_scale;
    dec.speed = options.speed;
    dec.sv_embs = reference.sv_embs;
    if (options.speed == 1.0) {
      // TTS.run decodes a whole batch in one call at speed 1 (tokens and phones concatenated) and
      // cuts the audio at 1280 samples per token. With batch_size 1 this is per-segment decoding.
      std::vector<int32_t> all_tokens;
      std::vector<int> all_phones;
      for (size_t r = 0; r < batch.size(); ++r) {
        all_tokens.insert(all_tokens.end(), tokens[r].begin(), tokens[r].end());
        all_phones.insert(all_phones.end(), segs[batch[r]].phone_ids.begin(), segs[batch[r]].phone_ids.end());
      }
      dec.seed = uint64_t(stats.seed) + 1000003u + b;
      auto codes = mx::array(all_tokens.begin(), {1, int(all_tokens.size())}, mx::int32);
      auto phones = mx::array(all_phones.begin(), {1, int(all_phones.size())}, mx::int32);
      auto wav = to_vector(decode(engine.sovits.model, codes, phones, reference.refer_specs, dec));
      const size_t per_token = size_t(2 * engine.sovits.model.cfg.samples_per_frame());
      size_t at = 0;
      for (size_t r = 0; r < batch.size(); ++r) {
        size_t len = tokens[r].size() * per_token;
        fragments[batch[r]].assign(wav.begin() + std::min(at, wav.size()), wav.begin() + std::min(at + len, wav.size()));
        at += len;
      }
    } else {
      for (size_t r = 0; r < batch.size(); ++r) {
        dec.seed = uint64_t(stats.seed) + 1000003u + batch[r];
        const auto& seg = segs[batch[r]];
        auto codes = mx::array(tokens[r].begin(), {1, int(tokens[r].size())}, mx::int32);
        auto phones = mx::array(seg.phone_ids.begin(), {1, int(seg.phone_ids.size())}, mx::int32);
        fragments[batch[r]] = to_vector(decode(engine.sovits.model, codes, phones, reference.refer_specs, dec));
      }
    }
    stats.sovits_s += since(t2);
    for (int i : batch) {
      if (options.dump) options.dump->save_floats("seg" + std::to_string(i) + "_audio", fragments[i]);
      finish_fragment(fragments[i], silence);
    }
    done += int(batch.size());
    if (progress) progress(done, int(segs.size()));

    if (options.streaming_mode == 1) {
      // return_fragment: one chunk per batch, as soon as it is decoded.
      AudioChunk chunk;
      chunk.segment = batch.front();
      for (int i : batch) chunk.samples.insert(chunk.samples.end(), fragments[i].begin(), fragments[i].end());
      chunk.last = b + 1 == batches.size();
      stats.audio_s += chunk.samples.size() / 32000.0;
      if (stats.first_chunk_s < 0) stats.first_chunk_s = since(t_start);
      on_chunk(chunk);
    }
  }

  if (options.streaming_mode == 0) {
    AudioChunk all;
    all.last = true;
    for (auto& f : fragments) all.samples.insert(all.samples.end(), f.begin(), f.end());
    stats.audio_s = all.samples.size() / 32000.0;
    stats.first_chunk_s = since(t_start);
    if (options.dump) options.dump->save_floats("audio", all.samples);
    on_chunk(all);
  }
  // Give MLX's buffer cache back between requests: a long-running process (server, REPL) would
  // otherwise keep the peak of its largest request resident.
  mx::clear_cache();
  return stats;
}

}  // namespace gsv::pipeline
