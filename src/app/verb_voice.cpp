// `gpt-sovits voice add|rm|show` and `gpt-sovits list`: the voice registry.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "core/error.h"
#include "models/sovits.h"
#include "models/t2s.h"
#include "pipeline/features.h"
#include "pipeline/voices.h"

namespace gsv::app {

namespace {

struct AddArgs {
  std::string name, gpt, sovits, ref, ref_text, ref_lang = "auto";
  std::vector<std::string> aux;
  std::vector<std::string> languages{"zh", "en"};
  bool link = false, force = false;
};

nlohmann::json to_json(const pipeline::Voice& v) {
  nlohmann::json aux = nlohmann::json::array();
  for (const auto& p : v.aux_refs) aux.push_back(p.string());
  return {{"name", v.name},           {"version", v.version},     {"gpt", v.gpt.string()},
          {"sovits", v.sovits.string()}, {"ref_audio", v.ref_audio.string()}, {"aux_refs", aux},
          {"ref_text", v.ref_text},   {"ref_lang", v.ref_lang},   {"languages", v.languages},
          {"ref_seconds", v.ref_seconds}, {"created", v.created},  {"dir", v.dir.string()}};
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

int run_add(const AddArgs& a) {
  pipeline::validate_voice_name(a.name);
  // Validate everything a voice needs before anything is written: the files load as what they
  // claim to be, belong together, and the clip is a usable reference.
  auto sovits = load_sovits_file(a.sovits);
  auto gpt = load_t2s_file(a.gpt);
  if (gpt.weights.config.phoneme_vocab_size != sovits.model.cfg.n_symbols)
    bad_input("the GPT (", gpt.weights.config.phoneme_vocab_size, " phone symbols) and SoVITS (",
              sovits.model.cfg.n_symbols, ") weights are of different versions; use a matching pair");
  pipeline::NewVoice nv;
  nv.name = a.name;
  nv.gpt = a.gpt;
  nv.sovits = a.sovits;
  nv.ref_audio = a.ref;
  nv.ref_seconds = pipeline::check_reference_clip(a.ref);
  for (const auto& x : a.aux) {
    pipeline::check_reference_clip(x);
    nv.aux_refs.push_back(x);
  }
  nv.ref_text = a.ref_text;
  nv.ref_lang = a.ref_lang;
  nv.version = sovits.file.version;
  nv.languages = a.languages;
  nv.link = a.link;
  nv.replace = a.force;
  auto v = pipeline::add_voice(nv);
  std::printf("added voice '%s' (%s, %.1f s reference%s) in %s\n", v.name.c_str(), v.version.c_str(), v.ref_seconds,
              v.ref_text.empty() ? ", reference-free" : "", v.dir.c_str());
  return kExitOk;
}

}  // namespace

void add_voice_verbs(CLI::App& app) {
  auto* voice = app.add_subcommand("voice", "Manage saved voices (add, rm, show). `gpt-sovits list` lists them.");
  voice->require_subcommand(1);

  static AddArgs a;
  auto* add = voice->add_subcommand("add", "Save a voice: its GPT and SoVITS weights, a reference clip and its text.");
  add->footer(
      "Example:\n"
      "  gpt-sovits voice add alice --gpt alice-e15.ckpt --sovits alice_e8_s96.pth \\\n"
      "      --ref alice_ref.wav --ref-text \"参考音频说的话。\" --ref-lang zh\n"
      "Files are copied into $GPT_SOVITS_HOME/voices/alice/ (--link hard-links them instead).\n"
      "The version (v2, v2Pro, v2ProPlus) is read from the SoVITS file.");
  add->add_option("name", a.name, "Voice name (letters, digits, - _ .)")->required();
  add->add_option("--gpt", a.gpt, "GPT (s1) weights, .ckpt")->required()->check(CLI::ExistingFile);
  add->add_option("--sovits", a.sovits, "SoVITS (s2) weights, .pth")->required()->check(CLI::ExistingFile);
  add->add_option("--ref", a.ref, "Reference clip, 3-10 s")->required()->check(CLI::ExistingFile);
  add->add_option("--ref-text", a.ref_text, "What the reference clip says (omit for reference-free use)");
  add->add_option("--ref-lang,--lang", a.ref_lang, "Language of --ref-text: zh, en, auto, all_zh, all_en")->capture_default_str();
  add->add_option("--aux-ref", a.aux, "Extra reference clips for timbre")->check(CLI::ExistingFile);
  add->add_option("--languages", a.languages, "Languages the voice speaks (shown by `list`)")->capture_default_str();
  add->add_flag("--link", a.link, "Hard-link (or symlink) the files instead of copying them");
  add->add_flag("--force", a.force, "Replace an existing voice of the same name");
  set_action(add, [] { return run_add(a); });

  static std::string rm_name;
  auto* rm = voice->add_subcommand("rm", "Delete a saved voice.\nExample: gpt-sovits voice rm alice");
  rm->add_option("name", rm_name, "Voice name")->required();
  set_action(rm, [] {
    pipeline::remove_voice(rm_name);
    std::printf("removed voice '%s'\n", rm_name.c_str());
    return kExitOk;
  });

  static std::string show_name;
  static bool show_json = false;
  auto* show = voice->add_subcommand("show", "Show a saved voice.\nExample: gpt-sovits voice show alice --json");
  show->add_option("name", show_name, "Voice name")->required();
  show->add_flag("--json", show_json, "Print JSON");
  set_action(show, [] {
    auto v = pipeline::find_voice(show_name);
    if (show_json) {
      std::cout << to_json(v).dump(2) << "\n";
      return kExitOk;
    }
    std::printf("name       %s\nversion    %s\nlanguages  %s\nreference  %s (%.1f s)\nref text   %s\nref lang   %s\n"
                "gpt        %s\nsovits     %s\ncreated    %s\n",
                v.name.c_str(), v.version.c_str(), join(v.languages, ", ").c_str(), v.ref_audio.c_str(),
                v.ref_seconds, v.ref_text.empty() ? "(none: reference-free)" : v.ref_text.c_str(), v.ref_lang.c_str(),
                v.gpt.c_str(), v.sovits.c_str(), v.created.c_str());
    for (const auto& x : v.aux_refs) std::printf("aux ref    %s\n", x.c_str());
    return kExitOk;
  });

  static bool list_json = false;
  auto* list = app.add_subcommand("list", "List the saved voices.\nExample: gpt-sovits list");
  list->add_flag("--json", list_json, "Print JSON");
  set_action(list, [] {
    std::vector<std::string> warnings;
    auto voices = pipeline::list_voices(&warnings);
    for (const auto& w : warnings) std::cerr << "warning: skipping a broken voice: " << w << "\n";
    if (list_json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& v : voices) arr.push_back(to_json(v));
      std::cout << arr.dump(2) << "\n";
      return kExitOk;
    }
    if (voices.empty()) {
      std::printf("no voices yet; add one with `gpt-sovits voice add NAME --gpt ... --sovits ... --ref ...`\n");
      return kExitOk;
    }
    std::printf("%-20s %-10s %-10s %7s  %s\n", "NAME", "VERSION", "LANGUAGES", "REF", "CREATED");
    for (const auto& v : voices)
      std::printf("%-20s %-10s %-10s %6.1fs  %s\n", v.name.c_str(), v.version.c_str(), join(v.languages, ",").c_str(),
                  v.ref_seconds, v.created.c_str());
    return kExitOk;
  });
}

}  // namespace gsv::app
