#include "core/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "core/error.h"

namespace gsv {

namespace fs = std::filesystem;

namespace {
void fsync_path(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

fs::path temp_name(const fs::path& path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream os;
  os << "." << path.filename().string() << ".tmp-" << ::getpid() << "-" << std::hex << rng();
  return path.parent_path() / os.str();
}
}  // namespace

void write_atomically(const fs::path& path, const std::function<void(const fs::path&)>& write) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    bad_input("cannot write ", path.string(), ": the folder ", dir.string(), " does not exist");
  if (fs::is_directory(path, ec)) bad_input("cannot write ", path.string(), ": it is a folder");
  fs::path tmp = temp_name(dir / path.filename());
  try {
    write(tmp);
    fsync_path(tmp);
    fs::rename(tmp, path);
  } catch (const fs::filesystem_error& e) {
    fs::remove(tmp, ec);
    bad_input("cannot write ", path.string(), ": ", e.code().message());
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fsync_path(dir);
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  write_atomically(path, [&](const fs::path& tmp) {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) bad_input("cannot write ", path.string(), ": permission denied or read-only folder");
    f.write(bytes.data(), std::streamsize(bytes.size()));
    f.flush();
    if (!f) bad_input("cannot write ", path.string(), ": write failed (disk full?)");
  });
}

void write_json_atomic(const fs::path& path, const nlohmann::json& value) {
  write_file_atomic(path, value.dump(2) + "\n");
}

std::string read_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(ErrorKind::MissingFile, "no such file: ", path.string());
  std::ifstream f(path, std::ios::binary);
  if (!f) bad_input("cannot read ", path.string());
  std::ostringstream os;
  os << f.rdbuf();
  return os.str();
}

nlohmann::json read_json(const fs::path& path, std::string_view remedy) {
  std::string text = read_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    bad_input(path.string(), " is not valid JSON: ", e.what(), remedy.empty() ? "" : "; ", remedy);
  }
}

void save_safetensors_atomic(const fs::path& path, const std::unordered_map<std::string, mx::array>& arrays,
                             const std::unordered_map<std::string, std::string>& metadata) {
  write_atomically(path, [&](const fs::path& tmp) {
    // MLX appends ".safetensors" to names without that extension.
    fs::path named = tmp;
    named += ".safetensors";
    mx::save_safetensors(named.string(), arrays, metadata);
    fs::rename(named, tmp);
  });
}

}  // namespace gsv
