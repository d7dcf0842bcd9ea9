// `gpt-sovits interactive`: a REPL that speaks each line typed, with the models loaded once.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#if defined(GSV_HAVE_READLINE)
#include <readline/history.h>
#include <readline/readline.h>
#endif

#include "app/cli.h"
#include "app/synthesis_flags.h"
#include "audio/audio_io.h"
#include "core/error.h"
#include "pipeline/voices.h"

namespace gsv::app {

namespace fs = std::filesystem;

namespace {

struct InteractiveArgs {
  std::string voice, models, out_dir = ".", play = "auto";
  SynthesisFlags flags;
};

// A command-line audio player, if one is installed and there is a sound device to play on.
std::string find_player(const std::string& mode) {
  if (mode == "never") return "";
  const char* candidates[] = {"afplay", "paplay", "aplay", "ffplay"};
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  std::vector<std::string> dirs_v;
  while (std::getline(dirs, dir, ':')) dirs_v.push_back(dir);
  for (const char* c : candidates)
    for (const auto& d : dirs_v)
      if (!d.empty() && ::access((fs::path(d) / c).c_str(), X_OK) == 0) {
        bool device = mode == "always";
#if defined(__APPLE__)
        device = true;
#else
        device = device || fs::exists("/dev/snd") || std::getenv("PULSE_SERVER");
#endif
        if (!device) return "";
        return std::string(c) == "ffplay" ? "ffplay -nodisp -autoexit -loglevel quiet" : c;
      }
  return "";
}

bool read_line(const std::string& prompt, std::string& line) {
#if defined(GSV_HAVE_READLINE)
  if (::isatty(STDIN_FILENO)) {
    char* l = readline(prompt.c_str());
    if (!l) return false;
    line = l;
    if (*l) add_history(l);
    std::free(l);
    return true;
  }
#endif
  std::cout << prompt << std::flush;
  return static_cast<bool>(std::getline(std::cin, line));
}

struct Session {
  std::unique_ptr<pipeline::Engine> engine;
  pipeline::Reference reference;
  std::string voice;
};

void load_voice(Session& s, const std::string& name, const std::string& models) {
  auto v = pipeline::find_voice(name);
  pipeline::EngineFiles files{v.gpt, v.sovits, pipeline::resolve_models_dir(models)};
  std::cerr << "loading voice '" << name << "' (" << v.version << ")...\n";
  auto engine = pipeline::load_engine(files);
  pipeline::ReferenceInput ref{v.ref_audio, v.aux_refs, v.ref_text, v.ref_lang};
  s.reference = pipeline::prepare_reference(*engine, ref);
  s.engine = std::move(engine);
  s.voice = name;
}

const char* kHelp =
    "Type a line of text to hear it. Commands:\n"
    "  :voice NAME   switch voice        :speed X   speaking rate (now %.2f)\n"
    "  :seed N       fix the seed (-1 random, now %lld)\n"
    "  :lang L       text language (auto, zh, en, all_zh; now %s)\n"
    "  :help         this text           :quit      leave (or Ctrl-D)\n";

int run_interactive(InteractiveArgs& a) {
  if (!fs::is_directory(a.out_dir)) bad_input("--output-dir ", a.out_dir, " is not a folder");
  Session s;
  load_voice(s, a.voice, a.models);
  const std::string player = find_player(a.play);
  std::cerr << (player.empty() ? "no audio player/device: each line is written to " + a.out_dir + "/NNN.wav\n"
                               : "playing with " + player + "\n");
  auto& o = a.flags.options;
  std::fprintf(stderr, kHelp, o.speed, static_cast<long long>(o.seed), o.text_lang.c_str());
  int n = 0;
  std::string line;
  while (read_line(s.voice + "> ", line)) {
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      if (line[0] == ':') {
        std::istringstream cmd(line.substr(1));
        std::string verb, arg;
        cmd >> verb >> arg;
        if (verb == "quit" || verb == "q" || verb == "exit") break;
        if (verb == "help") std::fprintf(stderr, kHelp, o.speed, static_cast<long long>(o.seed), o.text_lang.c_str());
        else if (verb == "voice" && !arg.empty()) load_voice(s, arg, a.models);
        else if (verb == "speed" && !arg.empty()) o.speed = std::stod(arg);
        else if (verb == "seed" && !arg.empty()) o.seed = std::stoll(arg);
        else if (verb == "lang" && !arg.empty()) o.text_lang = arg;
        else std::cerr << "unknown command; :help lists them\n";
        if (verb == "speed" || verb == "seed" || verb == "lang") std::cerr << verb << " = " << arg << "\n";
        continue;
      }
      std::vector<float> audio;
      auto stats = pipeline::synthesize(*s.engine, s.reference, line, o,
                                        [&](const pipeline::AudioChunk& c) {
                                          audio.insert(audio.end(), c.samples.begin(), c.samples.end());
                                        });
      char name[32];
      std::snprintf(name, sizeof name, "%03d.wav", ++n);
      fs::path out = player.empty() ? fs::path(a.out_dir) / name : fs::temp_directory_path() / ("gsv-" + std::string(name));
      audio::save_wav(out, audio, 32000);
      if (player.empty()) {
        std::printf("%s (%.2f s, seed %lld)\n", out.c_str(), stats.audio_s, static_cast<long long>(stats.seed));
        std::fflush(stdout);
      } else {
        std::string cmdline = player + " '" + out.string() + "' >/dev/null 2>&1";
        if (std::system(cmdline.c_str()) != 0) std::cerr << "playback failed; the audio is in " << out << "\n";
        else fs::remove(out);
      }
    } catch (const Error& e) {
      // A bad line is reported and the session goes on; an internal error ends it.
      if (e.kind() == ErrorKind::Internal) throw;
      std::cerr << "error: " << e.what() << "\n";
    } catch (const std::invalid_argument&) {
      std::cerr << "error: that command needs a number\n";
    }
  }
  return kExitOk;
}

}  // namespace

void add_interactive_verb(CLI::App& app) {
  static InteractiveArgs a;
  auto* sub = app.add_subcommand("interactive", "Type lines and hear them in a voice (a REPL).");
  sub->footer(
      "Example:\n"
      "  gpt-sovits interactive --voice alice\n"
      "  alice> 你好，很高兴见到你。\n"
      "  alice> :speed 1.2\n"
      "Without an audio device each line is written to --output-dir as 001.wav, 002.wav, ...");
  sub->add_option("--voice", a.voice, "A saved voice (see `gpt-sovits list`)")->required();
  sub->add_option("--models", a.models, "Folder with the pretrained BERT/HuBERT models");
  sub->add_option("--output-dir", a.out_dir, "Where numbered WAVs go when nothing plays them")->capture_default_str();
  sub->add_option("--play", a.play, "auto, never or always")->check(CLI::IsMember({"auto", "never", "always"}))->capture_default_str();
  add_synthesis_flags(sub, a.flags);
  set_action(sub, [] { return run_interactive(a); });
}

}  // namespace gsv::app
