#include "pipeline/voices.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "core/error.h"
#include "core/fs.h"
#include "core/paths.h"

namespace gsv::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kManifest = "voice.json";
constexpr int kManifestFormat = 1;

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::string now_iso8601() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Copies `src` into `dir` as `name`, or links it when asked (hard link, else an absolute symlink).
fs::path place_file(const fs::path& src, const fs::path& dir, const std::string& name, bool link) {
  std::error_code ec;
  if (!fs::is_regular_file(src, ec)) fail(ErrorKind::MissingFile, "no such file: ", src.string());
  fs::path dst = dir / name;
  if (link) {
    fs::create_hard_link(src, dst, ec);
    if (ec) {
      ec.clear();
      fs::create_symlink(fs::absolute(src), dst, ec);
    }
    if (!ec) return dst;
  }
  fs::copy_file(src, dst, fs::copy_options::overwrite_existing, ec);
  if (ec) bad_input("cannot copy ", src.string(), " into the voice folder: ", ec.message());
  return dst;
}

Voice from_manifest(const fs::path& dir) {
  json j = read_json(dir / kManifest);
  auto str = [&](const char* k) {
    if (!j.contains(k) || !j[k].is_string()) bad_input(dir.string(), "/voice.json: missing or invalid '", k, "'");
    return j[k].get<std::string>();
  };
  Voice v;
  v.name = str("name");
  v.dir = dir;
  v.version = str("version");
  v.gpt = dir / str("gpt");
  v.sovits = dir / str("sovits");
  v.ref_audio = dir / str("ref_audio");
  for (const auto& a : j.value("aux_refs", json::array())) v.aux_refs.push_back(dir / a.get<std::string>());
  v.ref_text = j.value("ref_text", "");
  v.ref_lang = str("ref_lang");
  v.languages = j.value("languages", std::vector<std::string>{});
  v.ref_seconds = j.value("ref_seconds", 0.0);
  v.created = j.value("created", "");
  if (v.name != dir.filename().string())
    bad_input(dir.string(), "/voice.json names the voice '", v.name, "' but its folder is '", dir.filename().string(), "'");
  return v;
}

}  // namespace

fs::path voices_dir() { return home_dir() / "voices"; }

void validate_voice_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] != '.';
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  if (!ok)
    bad_input("invalid voice name '", name, "': use 1-64 letters, digits, '-', '_' or '.', not starting with '.'");
}

Voice add_voice(const NewVoice& nv) {
  validate_voice_name(nv.name);
  if (nv.version.empty()) fail(ErrorKind::Internal, "add_voice: version not set");
  fs::path root = voices_dir();
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) bad_input("cannot create the voice registry at ", root.string(), ": ", ec.message());
  // Leftovers of killed runs (hidden .tmp-/.trash- folders) older than a day are swept here.
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string n = e.path().filename().string();
    if ((n.rfind(".tmp-", 0) == 0 || n.rfind(".trash-", 0) == 0) &&
        fs::last_write_time(e.path(), ec) < fs::file_time_type::clock::now() - std::chrono::hours(24))
      fs::remove_all(e.path(), ec);
  }
  fs::path final_dir = root / nv.name;
  if (fs::exists(final_dir) && !nv.replace)
    bad_input("a voice named '", nv.name, "' already exists; pick another name, or pass --force to replace it");

  // Build the whole voice in a hidden folder; only a complete voice is ever renamed into place.
  fs::path tmp = root / (".tmp-" + nv.name + "-" + random_suffix());
  fs::create_directories(tmp);
  try {
    json j;
    j["format"] = kManifestFormat;
    j["name"] = nv.name;
    j["version"] = nv.version;
    j["gpt"] = place_file(nv.gpt, tmp, "gpt" + nv.gpt.extension().string(), nv.link).filename().string();
    j["sovits"] = place_file(nv.sovits, tmp, "sovits" + nv.sovits.extension().string(), nv.link).filename().string();
    j["ref_audio"] = place_file(nv.ref_audio, tmp, "ref" + nv.ref_audio.extension().string(), nv.link).filename().string();
    json aux = json::array();
    for (size_t i = 0; i < nv.aux_refs.size(); ++i)
      aux.push_back(place_file(nv.aux_refs[i], tmp, "aux" + std::to_string(i) + nv.aux_refs[i].extension().string(), nv.link)
                        .filename()
                        .string());
    j["aux_refs"] = aux;
    j["ref_text"] = nv.ref_text;
    j["ref_lang"] = nv.ref_lang;
    j["languages"] = nv.languages;
    j["ref_seconds"] = nv.ref_seconds;
    j["created"] = now_iso8601();
    write_json_atomic(tmp / kManifest, j);
    if (fs::exists(final_dir)) {  // --force: move the old voice aside, put the new one in, then delete
      fs::path trash = root / (".trash-" + nv.name + "-" + random_suffix());
      fs::rename(final_dir, trash);
      fs::rename(tmp, final_dir);
      fs::remove_all(trash, ec);
    } else {
      fs::rename(tmp, final_dir);
    }
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  return from_manifest(final_dir);
}

std::vector<Voice> list_voices(std::vector<std::string>* warnings) {
  std::vector<Voice> out;
  fs::path root = voices_dir();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string n = e.path().filename().string();
    if (n.empty() || n[0] == '.' || !e.is_directory()) continue;  // temp and trash folders
    try {
      out.push_back(from_manifest(e.path()));
    } catch (const Error& err) {
      if (warnings) warnings->push_back(err.what());
    }
  }
  std::sort(out.begin(), out.end(), [](const Voice& a, const Voice& b) { return a.name < b.name; });
  return out;
}

Voice find_voice(const std::string& name) {
  validate_voice_name(name);
  fs::path dir = voices_dir() / name;
  if (!fs::exists(dir / kManifest))
    bad_input("unknown voice '", name, "'; `gpt-sovits list` shows the voices, `gpt-sovits voice add` makes one");
  return from_manifest(dir);
}

void remove_voice(const std::string& name) {
  validate_voice_name(name);
  fs::path dir = voices_dir() / name;
  if (!fs::exists(dir)) bad_input("unknown voice '", name, "'; `gpt-sovits list` shows the voices");
  fs::path trash = voices_dir() / (".trash-" + name + "-" + random_suffix());
  fs::rename(dir, trash);  // atomic: the voice disappears from the list at once
  std::error_code ec;
  fs::remove_all(trash, ec);
}

}  // namespace gsv::pipeline
