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


// TTS.sola_algorithm for two fragments: find where `next` best continues `prev` within
// `search` samples (normalised cross-correlation against prev's last `overlap` samples), cross-fade
// that stretch with a periodic Hann window, and return prev minus its overlap followed by the
// aligned `next`.
std::vector<float> sola(const std::vector<float>& prev, const std::vector<float>& next, int overlap, int search = 320) {
  const int n1 = int(prev.size()), n2 = int(next.size());
  if (overlap <= 0 || n1 < overlap || n2 < overlap) {
    std::vector<float> out = prev;
    out.insert(out.end(), next.begin(), next.end());
    return out;
  }
  const float* w1 = prev.data() + n1 - overlap;
  const int w2_len = std::min(n2, overlap + search);
  int best = 0;
  double best_score = -1e300;
  for (int k = 0; k + overlap <= w2_len; ++k) {
    double corr = 0, energy = 0;
    for (int j = 0; j < overlap; ++j) {
      corr += double(next[k + j]) * w1[j];
      energy += double(next[k + j]) * next[k + j];
    }
    const double score = corr / std::sqrt(energy + 1e-8);
    if (score > best_score) best_score = score, best = k;  // first maximum, as torch.argmax
  }
  std::vector<float> out(prev.begin(), prev.end() - overlap);
  std::vector<float> tail(next.begin() + best, next.end());
  for (int j = 0; j < overlap && j < int(tail.size()); ++j) {
    // torch.hann_window(2 * overlap), periodic: rising half on the new audio, falling on the old.
    const double rise = 0.5 - 0.5 * std::cos(2.0 * M_PI * j / (2.0 * overlap));
    const double fall = 0.5 - 0.5 * std::cos(2.0 * M_PI * (j + overlap) / (2.0 * overlap));
    tail[j] = float(rise * tail[j] + fall * w1[j]);
  }
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

// The cosine similarity of every semantic-token embedding with the "mute" token 486
// (TTS.init_t2s_weights: mute_emb_sim_matrix), used to cut streaming chunks at pauses.
std::vector<float> mute_similarity(const T2SWeights& gpt) {
  auto table = mx::astype(gpt.audio_embedding.table, mx::float32);
  const int mute = std::min(486, table.shape(0) - 1);
  auto row = mx::slice(table, {mute, 0}, {mute + 1, table.shape(1)});
  auto dot = mx::sum(mx::multiply(table, row), 1);
  auto norms = mx::multiply(mx::sqrt(mx::sum(mx::square(table), 1)), mx::sqrt(mx::sum(mx::square(row), 1)));
  // F.cosine_similarity clamps each norm at eps 1e-8.
  auto sim = mx::divide(dot, mx::maximum(norms, mx::array(1e-8f)));
  return to_vector(sim);
}

// TTS.run's streaming modes 2 and 3 for one text segment: T2S runs as a generator that hands out
// token chunks (mode 2 cuts after mute-like tokens, mode 3 every min_chunk_length tokens); each
// chunk is decoded with decode_streaming over all tokens so far, its latent cross-faded with the
// previous chunk's, and the audio stitched with SOLA, holding back `overlap_size` samples each time.
struct StreamState {
  const Engine& engine;
  const Reference& reference;
  const TextFeatures& seg;
  const SynthesisOptions& o;
  const std::vector<float>* mute_sim;  // mode 2; null in mode 3
  const std::function<void(std::vector<float>)>& emit;
  size_t curr_ptr = 0;
  bool first_chunk = true;
  std::vector<int32_t> previous_tokens;  // every chunk handed out, concatenated (duplicates included)
  std::vector<float> last_audio;
  std::optional<mx::array> last_latent;
  bool done = false;

  double upsample_rate() const { return engine.sovits.model.cfg.samples_per_frame() * 2.0 / o.speed; }
  int overlap_size() const { return int(std::ceil(o.overlap_length * upsample_rate())); }

  // infer_panel_naive(streaming_mode=True)'s chunking, run after every T2S step.
  void on_step(const std::vector<int32_t>& y, bool stop) {
    if (done) return;
    const int counter = int(y.size()) - int(curr_ptr);  // upstream's token_counter, by invariant
    if (stop) {
      if (curr_ptr < y.size()) chunk(std::vector<int32_t>(y.begin() + curr_ptr, y.end()), true);
      else if (!last_audio.empty()) {  // nothing left: the held-back tail is the last audio
        emit(std::vector<float>(last_audio.end() - std::min<size_t>(overlap_size(), last_audio.size()), last_audio.end()));
      }
      done = true;
      return;
    }
    const int chunk_length = o.min_chunk_length;
    if (mute_sim) {
      if (counter < chunk_length + 2) return;  // check_token_num = 2
      std::vector<float> score(counter);
      for (int i = 0; i < counter; ++i) {
        const int tok = y[curr_ptr + i];
        float v = tok >= 0 && tok < int(mute_sim->size()) ? (*mute_sim)[tok] - 0.0f : -1.0f;  // threshold 0.0
        score[i] = v < 0 ? -1.0f : v;
      }
      for (int i = 0; i + 1 < counter; ++i) score[i] += score[i + 1];  // torch evaluates the sum first
      const int a = int(std::max_element(score.begin(), score.end()) - score.begin());
      if (score[a] >= 0 && a + 1 >= chunk_length) {
        // Quirk kept: the chunk runs to the end of y but the pointer only moves a+1 tokens, so the
        // tokens after the cut are handed out again with the next chunk.
        chunk(std::vector<int32_t>(y.begin() + curr_ptr, y.end()), false);
        curr_ptr += a + 1;
      }
    } else if (counter >= chunk_length) {
      chunk(std::vector<int32_t>(y.end() - counter, y.end()), false);
      curr_ptr = y.size();
    }
  }

  void chunk(const std::vector<int32_t>& tokens, bool final) {
    previous_tokens.insert(previous_tokens.end(), tokens.begin(), tokens.end());
    const int n = int(tokens.size());
    const int overlap_len = (!first_chunk && n < 10) ? o.overlap_length + (10 - n) : o.overlap_length;
    SovitsStreamOptions stream;
    if (!first_chunk) stream.result_length = n + overlap_len;
    if (last_latent) {
      const int frames = last_latent->shape(1), keep = std::min(frames, overlap_len * 2);
      stream.overlap_frames = mx::slice(*last_latent, {0, frames - keep, 0}, {1, frames, last_latent->shape(2)});
    }
    stream.padding_length = 0;
    SovitsDecodeOptions dec;
    dec.noise_scale = o.noise_scale;
    dec.speed = o.speed;
    dec.sv_embs = reference.sv_embs;
    dec.seed = uint64_t(o.seed) + previous_tokens.size();
    auto codes = mx::array(previous_tokens.begin(), {1, int(previous_tokens.size())}, mx::int32);
    auto phones = mx::array(seg.phone_ids.begin(), {1, int(seg.phone_ids.size())}, mx::int32);
    auto r = decode_streaming(engine.sovits.model, codes, phones, reference.refer_specs, stream, dec);
    std::vector<float> audio = to_vector(r.audio);
    if (overlap_len > o.overlap_length) {
      const size_t keep = size_t((o.overlap_length + n) * upsample_rate());
      if (keep < audio.size()) audio.erase(audio.begin(), audio.end() - keep);
    }
    const size_t hold = size_t(overlap_size());
    std::vector<float> out;
    if (first_chunk) {
      out = final ? audio : std::vector<float>(audio.begin(), audio.end() - std::min(hold, audio.size()));
      first_chunk = false;
    } else if (!final) {
      auto joined = sola(last_audio, audio, int(hold));
      const size_t from = last_audio.size() >= hold ? last_audio.size() - hold : 0;
      out.assign(joined.begin() + std::min(from, joined.size()), joined.end() - std::min(hold, joined.size() - std::min(from, joined.size())));
    } else {
      out = audio;  // upstream emits the final chunk whole, without SOLA
    }
    last_latent = r.latent;
    last_audio = std::move(audio);
    emit(std::move(out));
  }
};
}  // namespace

SynthesisStats synthesize(const Engine& engine, const Reference& reference, const std::string& text,
                          const SynthesisOptions& options, const std::function<void(const AudioChunk&)>& on_chunk,
                          const ProgressFn& progress) {
  validate(options);
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
  // The BERT features are a lazy graph until this runs, just before the segment's T2S: evaluated
  // inside the T2S prefill they would be timed as T2S (~0.7 s per segment), and evaluated all up front
  // they would delay the first streamed chunk of a long text by every later segment's BERT. Their
  // cost counts in frontend_s, as upstream's preprocess.
  auto ready_bert = [&](size_t i) {
    const auto tb = Clock::now();
    mx::eval(segs[i].bert);
    stats.frontend_s += since(tb);
  };
  if (options.dump) {
    for (size_t i = 0; i < segs.size(); ++i) {
      const std::string p = "seg" + std::to_string(i) + "_";
      options.dump->save_ints(p + "phones", segs[i].phone_ids);
      options.dump->save(p + "bert", segs[i].bert);
      options.dump->save_text(p + "norm_text", segs[i].norm_text);
    }
  }

  T2SGenerateOptions gen;
  gen.sampling = {options.top_k, options.top_p, options.temperature, options.repetition_penalty};
  gen.max_steps = options.max_tokens;
  // TTS.py passes early_stop_num = hz * max_sec = 50 * 54, above the step cap: it never binds.
  gen.early_stop_num = 50 * engine.gpt.weights.config.max_sec;
  const int silence = int(32000 * options.fragment_interval);

  if (options.streaming_mode >= 2) {
    // One segment at a time (upstream streams only the first text of each batch; we stream them all).
    std::vector<float> mute_sim;
    if (options.streaming_mode == 2) mute_sim = mute_similarity(engine.gpt.weights);
    if (progress) progress(0, int(segs.size()));
    for (size_t i = 0; i < segs.size(); ++i) {
      auto emit = [&](std::vector<float> samples) {
        // audio_postprocess per chunk: the peak guard, no silence.
        finish_fragment(samples, 0);
        AudioChunk c;
        c.samples = std::move(samples);
        c.segment = int(i);
        stats.audio_s += c.samples.size() / 32000.0;
        if (stats.first_chunk_s < 0) stats.first_chunk_s = since(t_start);
        on_chunk(c);
      };
      ready_bert(i);
      StreamState st{engine, reference, segs[i], options, options.streaming_mode == 2 ? &mute_sim : nullptr, emit};
      st.curr_ptr = reference.text ? reference.codes.size() : 0;
      std::vector<int> all_ids;
      mx::array bert = segs[i].bert;
      std::optional<mx::array> prompt;
      if (reference.text) {
        all_ids = reference.text->phone_ids;
        bert = mx::concatenate({reference.text->bert, segs[i].bert}, 0);
        prompt = mx::array(reference.codes.begin(), {1, int(reference.codes.size())}, mx::int32);
      }
      all_ids.insert(all_ids.end(), segs[i].phone_ids.begin(), segs[i].phone_ids.end());
      auto phones = mx::array(all_ids.begin(), {1, int(all_ids.size())}, mx::int32);
      auto t1 = Clock::now();
      gen.seed = uint64_t(stats.seed) + i;
      gen.on_step = [&](const std::vector<int32_t>& y, bool stop) { st.on_step(y, stop); };
      auto result = t2s_generate(engine.gpt.weights, phones, mx::expand_dims(mx::transpose(bert), 0), prompt, gen);
      stats.t2s_s += since(t1);  // includes the SoVITS work done inside the generator
      stats.tokens += int(result.at(0).semantic.size());
      AudioChunk gap;  // the fragment silence after each segment
      gap.samples.assign(silence, 0.0f);
      gap.segment = int(i);
      gap.last = i + 1 == segs.size();
      stats.audio_s += gap.samples.size() / 32000.0;
      on_chunk(gap);
      if (progress) progress(int(i) + 1, int(segs.size()));
    }
    mx::clear_cache();
    return stats;
  }

  // TTS.run's rules: streaming per segment turns bucketing off, and so does a speed other than 1.
  const bool bucket = options.split_bucket && options.batch_size > 1 && options.streaming_mode == 0 && options.speed == 1.0;
  auto batches = make_batches(segs, options.batch_size, options.batch_threshold, bucket);
  std::vector<std::vector<float>> fragments(segs.size());
  int done = 0;
  if (progress) progress(0, int(segs.size()));

  for (size_t b = 0; b < batches.size(); ++b) {
    const auto& batch = batches[b];
    // ---------------------------------------------------------------- T2S, one row at a time
    for (size_t r : batch) ready_bert(r);
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
      // TTS.run runs infer_panel_batch_infer here (parallel_infer: its default, and always ours), which
      // falls back to infer_panel_naive_batched without a prompt.
      gen.drop_last_on_cap = prompt.has_value();
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
