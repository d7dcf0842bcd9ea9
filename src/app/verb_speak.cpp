// `gpt-sovits speak`: text in a voice, to a WAV file or streamed to stdout.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <chrono>
#include <iterator>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/progress.h"
#include "app/synthesis_flags.h"
#include "audio/audio_io.h"
#include "core/error.h"
#include "core/fs.h"
#include "pipeline/voices.h"

namespace gsv::app {

namespace fs = std::filesystem;

namespace {

struct SpeakArgs {
  std::string voice;
  std::string gpt, sovits, ref, ref_text, ref_lang = "auto", models;
  std::vector<std::string> aux_refs;
  std::string text, text_file, output;
  std::string dump;
  bool quiet = false;
  bool stats_json = false;
  SynthesisFlags flags;
};

std::string read_text(const SpeakArgs& a) {
  if (!a.text_file.empty()) {
    if (a.text_file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
    return read_file(a.text_file);
  }
  if (a.text == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  return a.text;
}

// Writes a WAV header with an unknown length and then raw PCM16 as chunks arrive, as api_v2 does
// for streamed wav.
struct StdoutWavStream {
  bool header_written = false;
  void write(const std::vector<float>& samples) {
    std::string wav = audio::encode_wav(samples, 32000);
    if (!header_written) {
      // The streamed header claims the largest size: players read until the stream ends.
      for (int i = 4; i < 8; ++i) wav[i] = char(0xFF);
      for (int i = 40; i < 44; ++i) wav[i] = char(0xFF);
      std::fwrite(wav.data(), 1, 44, stdout);
      header_written = true;
    }
    std::fwrite(wav.data() + 44, 1, wav.size() - 44, stdout);
    std::fflush(stdout);
  }
};

int run_speak(SpeakArgs& a, const CLI::App* sub) {
  warn_ignored_flags(sub, a.flags);
  // Everything that can be checked before loading models is checked first.
  std::string text = read_text(a);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) bad_input("the text is empty; pass --text, --text-file or pipe it in");
  if (a.output.empty()) bad_input("say where the audio goes: -o out.wav (or -o - for a WAV stream on stdout)");
  const bool to_stdout = a.output == "-";
  if (!to_stdout) {
    fs::path dir = fs::path(a.output).parent_path();
    if (!dir.empty() && !fs::is_directory(dir)) bad_input("cannot write ", a.output, ": the folder ", dir.string(), " does not exist");
    if (fs::is_directory(a.output)) bad_input("cannot write ", a.output, ": it is a folder");
    if (::access(dir.empty() ? "." : dir.c_str(), W_OK) != 0) bad_input("cannot write ", a.output, ": the folder is not writable");
  }

  pipeline::EngineFiles files;
  pipeline::ReferenceInput ref;
  if (!a.voice.empty()) {
    auto v = pipeline::find_voice(a.voice);
    files.gpt = v.gpt;
    files.sovits = v.sovits;
    ref.audio = v.ref_audio;
    ref.aux_audio = v.aux_refs;
    ref.text = v.ref_text;
    ref.lang = v.ref_lang;
  } else {
    if (a.gpt.empty() || a.sovits.empty() || a.ref.empty())
      bad_input("name a voice (--voice NAME) or give --gpt, --sovits and --ref");
    files.gpt = a.gpt;
    files.sovits = a.sovits;
    ref.audio = a.ref;
    for (auto& x : a.aux_refs) ref.aux_audio.push_back(x);
    ref.text = a.ref_text;
    ref.lang = a.ref_lang;
  }
  files.models = pipeline::resolve_models_dir(a.models);
  pipeline::EngineOptions eo;
  eo.t2s_precision = parse_t2s_precision(a.flags.precision);

  std::optional<pipeline::Dump> dump;
  if (!a.dump.empty()) {
    fs::create_directories(a.dump);
    dump = pipeline::Dump{a.dump};
    a.flags.options.dump = &*dump;
  }

  using Clock = std::chrono::steady_clock;
  auto secs = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  const auto t_start = Clock::now();
  std::unique_ptr<pipeline::Engine> engine;
  {
    ProgressBar bar("loading", 4);
    int step = 0;
    engine = pipeline::load_engine(files, eo, [&](const std::string& what) { bar.update(step++, what); });
    bar.finish("models loaded");
  }
  const double load_s = secs(t_start);
  const auto t_ref = Clock::now();
  auto reference = pipeline::prepare_reference(*engine, ref, dump ? &*dump : nullptr);
  const double reference_s = secs(t_ref);
  const auto t_synth = Clock::now();

  std::vector<float> all;
  StdoutWavStream stream;
  ProgressBar bar("speaking", 1, "segments");
  auto stats = pipeline::synthesize(
      *engine, reference, text, a.flags.options,
      [&](const pipeline::AudioChunk& c) {
        if (to_stdout) stream.write(c.samples);
        else all.insert(all.end(), c.samples.begin(), c.samples.end());
      },
      [&](int done, int total) {
        bar.set_total(total);
        bar.update(done, std::to_string(done) + "/" + std::to_string(total) + " segments");
      });
  bar.finish();
  const double synth_s = secs(t_synth);
  if (!to_stdout) audio::save_wav(a.output, all, 32000);
  if (a.stats_json) {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    nlohmann::json j = {{"load_s", load_s},
                        {"reference_s", reference_s},
                        {"frontend_s", stats.frontend_s},
                        {"t2s_s", stats.t2s_s},
                        {"sovits_s", stats.sovits_s},
                        {"synthesis_s", synth_s},
                        {"first_chunk_s", stats.first_chunk_s},
                        {"wall_s", secs(t_start)},
                        {"audio_s", stats.audio_s},
                        {"rtf", stats.audio_s > 0 ? (reference_s + synth_s) / stats.audio_s : 0.0},
                        {"segments", stats.segments},
                        {"tokens", stats.tokens},
                        {"seed", stats.seed},
                        {"peak_rss_mb", ru.ru_maxrss / 1024.0}};
    std::cerr << "stats " << j.dump() << "\n";
  }
  for (const auto& w : stats.warnings) std::cerr << "warning: " << w << "\n";
  if (!a.quiet)
    std::fprintf(stderr, "%s: %.2f s of audio, %d segments, %d tokens, seed %lld (frontend %.2fs, T2S %.2fs, SoVITS %.2fs)\n",
                 to_stdout ? "stdout" : a.output.c_str(), stats.audio_s, stats.segments, stats.tokens,
                 static_cast<long long>(stats.seed), stats.frontend_s, stats.t2s_s, stats.sovits_s);
  return kExitOk;
}

}  // namespace

void add_speak_verb(CLI::App& app) {
  static SpeakArgs a;
  auto* sub = app.add_subcommand("speak", "Speak text in a cloned voice and write a 32 kHz WAV.");
  sub->footer(
      "Examples:\n"
      "  gpt-sovits speak --voice alice --text \"今天天气很好。\" -o out.wav\n"
      "  gpt-sovits speak --gpt s1.ckpt --sovits s2.pth --ref ref.wav --ref-text \"参考音频的文字。\" \\\n"
      "                   --ref-lang zh --text \"Hello, 世界。\" --lang auto -o out.wav\n"
      "  echo \"Read from stdin.\" | gpt-sovits speak --voice alice --text - -o - > out.wav\n"
      "The reference clip must be 3-10 s. Without --ref-text the voice is used reference-free.\n"
      "The pretrained BERT/HuBERT folders are found in --models, $GPT_SOVITS_MODELS or\n"
      "$GPT_SOVITS_HOME/pretrained. Exit codes: 0 ok, 2 bad input, 1 internal error.");
  auto* voice = sub->add_option("--voice", a.voice, "A voice from the registry (see `gpt-sovits list`)");
  auto* gpt = sub->add_option("--gpt", a.gpt, "GPT (s1) weights, .ckpt");
  auto* sovits = sub->add_option("--sovits", a.sovits, "SoVITS (s2) weights, .pth");
  auto* refo = sub->add_option("--ref", a.ref, "Reference clip of the voice (3-10 s; wav/flac/ogg/mp3)");
  auto* ref_text = sub->add_option("--ref-text", a.ref_text, "Transcript of the reference clip (omit for reference-free)");
  auto* ref_lang = sub->add_option("--ref-lang", a.ref_lang, "Language of --ref-text")->capture_default_str();
  auto* aux = sub->add_option("--aux-ref", a.aux_refs, "Extra reference clips whose timbre is averaged in");
  for (auto* o : {gpt, sovits, refo, ref_text, ref_lang, aux}) voice->excludes(o);
  auto* text = sub->add_option("--text", a.text, "The text to speak (- reads stdin)");
  auto* text_file = sub->add_option("--text-file", a.text_file, "Read the text from a file (- for stdin)");
  text->excludes(text_file);
  sub->add_option("-o,--output", a.output, "Output WAV path, or - to stream WAV to stdout")->required();
  sub->add_option("--models", a.models, "Folder with chinese-roberta-wwm-ext-large/ and chinese-hubert-base/");
  sub->add_option("--dump", a.dump, "Write every intermediate as .npy into this folder");
  sub->add_flag("-q,--quiet", a.quiet, "No summary line");
  sub->add_flag("--stats", a.stats_json,
                "Print timings (load, reference, frontend, T2S, SoVITS, first chunk), RTF and peak RSS as a JSON line "
                "on stderr");
  add_synthesis_flags(sub, a.flags);
  set_action(sub, [sub] { return run_speak(a, sub); });
}

}  // namespace gsv::app
