// The voice registry: $GPT_SOVITS_HOME/voices/<name>/voice.json plus copies (or links) of the
// voice's checkpoints and reference clips. A voice is added by building it in a hidden temp folder
// and renaming that into place, and removed by renaming it away first, so a killed process never
// leaves a half-made voice in the list.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gsv::pipeline {

struct Voice {
  std::string name;
  std::filesystem::path dir;
  std::string version;                     // "v2", "v2Pro", "v2ProPlus" (from the SoVITS file)
  std::filesystem::path gpt, sovits;       // absolute paths (inside dir, or link targets)
  std::filesystem::path ref_audio;
  std::vector<std::filesystem::path> aux_refs;
  std::string ref_text;                    // empty = reference-free mode
  std::string ref_lang;                    // zh, en, auto, ...
  std::vector<std::string> languages;      // what the voice can be asked to speak
  double ref_seconds = 0;
  std::string created;                     // ISO 8601, UTC
};

struct NewVoice {
  std::string name;
  std::filesystem::path gpt, sovits, ref_audio;
  std::vector<std::filesystem::path> aux_refs;
  std::string ref_text, ref_lang;
  std::string version;
  std::vector<std::string> languages{"zh", "en"};
  double ref_seconds = 0;
  bool link = false;     // hard-link (or, across filesystems, symlink) the files instead of copying
  bool replace = false;  // replace an existing voice of that name
};

std::filesystem::path voices_dir();  // home_dir() / "voices"

// Names are 1-64 characters of letters, digits, '-', '_' and '.', not starting with '.'.
void validate_voice_name(const std::string& name);

Voice add_voice(const NewVoice& voice);
// Every valid voice, sorted by name. Unreadable manifests are skipped and described in `warnings`.
std::vector<Voice> list_voices(std::vector<std::string>* warnings = nullptr);
// BadInput naming the voice and how to list them, when there is none of that name.
Voice find_voice(const std::string& name);
void remove_voice(const std::string& name);

}  // namespace gsv::pipeline
