#include "pipeline/features.h"

#include <cmath>
#include <fstream>

#include "audio/audio_io.h"
#include "audio/resample.h"
#include "audio/spectrogram.h"
#include "core/error.h"
#include "core/fs.h"
#include "pipeline/speaker.h"
#include "text/cut.h"

namespace gsv::pipeline {

namespace fs = std::filesystem;

void Dump::save(const std::string& name, const mx::array& a) const {
  mx::eval(a);
  write_atomically(dir / (name + ".npy"), [&](const fs::path& tmp) {
    fs::path named = tmp;
    named += ".npy";  // mx::save appends .npy to names without it
    mx::save(named.string(), a);
    fs::rename(named, tmp);
  });
}
void Dump::save_ints(const std::string& name, const std::vector<int>& v) const {
  save(name, mx::array(v.begin(), {int(v.size())}, mx::int32));
}
void Dump::save_floats(const std::string& name, const std::vector<float>& v) const {
  save(name, mx::array(v.data(), {int(v.size())}, mx::float32));
}
void Dump::save_text(const std::string& name, const std::string& text) const {
  write_file_atomic(dir / (name + ".txt"), text + "\n");
}

TextFeatures text_features(const Engine& engine, const text::Segment& segment) {
  TextFeatures out;
  std::vector<mx::array> parts;
  const int dim = engine.bert.config.hidden;
  for (const auto& chunk : segment.chunks) {
    out.phone_ids.insert(out.phone_ids.end(), chunk.phone_ids.begin(), chunk.phone_ids.end());
    out.norm_text += chunk.norm_text;
    const int n = int(chunk.phone_ids.size());
    if (chunk.needs_bert()) {
      // get_bert_feature: tokenize the chunk's normalised text, take hidden_states[-3] without
      // [CLS]/[SEP], repeat each character's row word2ph[i] times.
      auto ids = text::wordpiece_encode(engine.tokenizer, chunk.norm_text);
      auto chars = models::roberta_char_features(engine.bert, ids);
      parts.push_back(models::bert_phone_features(chars, chunk.word2ph));
    } else {
      parts.push_back(mx::zeros({n, dim}, mx::float32));
    }
  }
  if (out.phone_ids.empty()) bad_input("the text \"", segment.text, "\" has nothing to speak");
  out.bert = parts.size() == 1 ? parts[0] : mx::concatenate(parts, 0);
  return out;
}

namespace {

struct LoadedClip {
  std::vector<float> wav16k;     // librosa.load(sr=16000): soxr HQ
  std::vector<float> wav32k;     // torchaudio resample to 32 kHz, peak-guarded
};

LoadedClip load_clip(const fs::path& path) {
  audio::Audio a = audio::load_audio(path);
  audio::require_not_silent(a, "the reference clip " + path.string());
  LoadedClip c;
  c.wav16k = audio::resample_soxr_hq(a.samples, a.sample_rate, 16000);
  c.wav32k = audio::resample_sinc_hann(a.samples, a.sample_rate, 32000);
  // TTS._get_ref_spec: if max|x| > 1, x /= min(2, max|x|).
  float peak = 0;
  for (float s : c.wav32k) peak = std::max(peak, std::fabs(s));
  if (peak > 1.0f)
    for (float& s : c.wav32k) s /= std::min(2.0f, peak);
  return c;
}

void check_length(const std::vector<float>& wav16k, const fs::path& path) {
  const double secs = wav16k.size() / 16000.0;
  if (wav16k.size() > 160000 || wav16k.size() < 48000)
    bad_input("the reference clip ", path.string(), " is ", std::round(secs * 100) / 100,
              " s long; it must be 3 to 10 s (cut it, or pick another clip)");
}

mx::array reference_spectrogram(const std::vector<float>& wav32k) {
  // spectrogram_torch(audio, 2048, 32000, 640, 2048, center=False): SoVITS's ref_enc input.
  auto y = mx::array(wav32k.data(), {1, int(wav32k.size())}, mx::float32);
  return audio::linear_spectrogram(y, {2048, 640, 2048});
}

}  // namespace

double check_reference_clip(const fs::path& path) {
  LoadedClip c = load_clip(path);
  check_length(c.wav16k, path);
  return c.wav16k.size() / 16000.0;
}

Reference prepare_reference(const Engine& engine, const ReferenceInput& input, const Dump* dump) {
  Reference ref;
  LoadedClip main = load_clip(input.audio);
  check_length(main.wav16k, input.audio);
  ref.seconds = main.wav16k.size() / 16000.0;

  // Prompt codes: HuBERT on the 16 kHz clip plus int(32000 * 0.3) = 9600 zeros (upstream counts
  // the padding at 32 kHz and appends it at 16 kHz: 0.6 s, not 0.3), then extract_latent.
  std::vector<float> padded = main.wav16k;
  padded.resize(padded.size() + 9600, 0.0f);
  auto wav = mx::array(padded.data(), {1, int(padded.size())}, mx::float32);
  auto ssl = models::cnhubert_forward(engine.hubert, wav);
  auto codes = extract_latent(engine.sovits.model, ssl);
  auto c = mx::astype(mx::reshape(codes, {-1}), mx::int32);
  mx::eval(c);
  ref.codes.assign(c.data<int32_t>(), c.data<int32_t>() + c.size());

  // Each clip gives a spectrogram for ref_enc and, for v2Pro, a speaker embedding of the same
  // peak-guarded 32 kHz audio resampled to 16 kHz with torchaudio's kernel (TTS._get_ref_spec).
  auto add_clip = [&](const LoadedClip& clip) {
    ref.refer_specs.push_back(reference_spectrogram(clip.wav32k));
    if (engine.sv) {
      auto wav16 = audio::resample_sinc_hann(clip.wav32k, 32000, 16000);
      ref.sv_embs.push_back(compute_sv_embedding(*engine.sv, mx::array(wav16.data(), {int(wav16.size())}, mx::float32)));
    }
  };
  add_clip(main);
  for (const auto& aux : input.aux_audio) add_clip(load_clip(aux));  // TTS.run does not check their length

  if (!input.text.empty()) {
    std::string prompt = text::finish_prompt_text(input.text, input.lang);
    auto seg = text::phones_for_line(prompt, input.lang);
    ref.text = text_features(engine, seg);
  }
  // Everything the reference holds is computed here, not lazily inside the first T2S prefill or
  // SoVITS decode: its cost belongs to (and is timed as) the reference stage, and a voice reused for
  // many requests computes it once.
  {
    std::vector<mx::array> pending(ref.refer_specs.begin(), ref.refer_specs.end());
    pending.insert(pending.end(), ref.sv_embs.begin(), ref.sv_embs.end());
    if (ref.text) pending.push_back(ref.text->bert);
    mx::eval(pending);
  }
  if (dump) {
    dump->save_floats("ref_wav16k", main.wav16k);
    dump->save("ref_hubert", ssl);
    dump->save_ints("prompt_codes", std::vector<int>(ref.codes.begin(), ref.codes.end()));
    for (size_t i = 0; i < ref.refer_specs.size(); ++i) dump->save("ref_spec" + std::to_string(i), ref.refer_specs[i]);
    for (size_t i = 0; i < ref.sv_embs.size(); ++i) dump->save("sv_emb" + std::to_string(i), ref.sv_embs[i]);
    if (ref.text) {
      dump->save_ints("prompt_phones", ref.text->phone_ids);
      dump->save("prompt_bert", ref.text->bert);
      dump->save_text("prompt_norm_text", ref.text->norm_text);
    }
  }
  return ref;
}

}  // namespace gsv::pipeline
