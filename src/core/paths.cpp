#include "core/paths.h"

#include <cstdlib>

#ifndef GSV_DATA_DIR
#define GSV_DATA_DIR ""
#endif
#ifndef GSV_VERSION
#define GSV_VERSION "0.0.0"
#endif

namespace gsv {

namespace {
std::filesystem::path env_path(const char* name) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::filesystem::path(v) : std::filesystem::path();
}
}  // namespace

std::filesystem::path data_dir() {
  if (auto p = env_path("GPT_SOVITS_DATA"); !p.empty()) return p;
  return std::filesystem::path(GSV_DATA_DIR);
}

std::filesystem::path home_dir() {
  if (auto p = env_path("GPT_SOVITS_HOME"); !p.empty()) return p;
  if (auto p = env_path("XDG_DATA_HOME"); !p.empty()) return p / "gpt-sovits";
  if (auto p = env_path("HOME"); !p.empty()) return p / ".local" / "share" / "gpt-sovits";
  return std::filesystem::current_path() / ".gpt-sovits";
}

const char* version_string() { return GSV_VERSION; }

}  // namespace gsv
