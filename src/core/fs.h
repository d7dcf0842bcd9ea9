// Files we write are never seen half-written: write to a temp file in the same folder, fsync,
// then rename over the target (atomic on POSIX). A crash leaves either the old file or the new one.
#pragma once

#include <mlx/mlx.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gsv {

namespace mx = mlx::core;

// Calls `write(tmp_path)` to produce the file under a temp name next to `path`, then renames it
// into place. On any exception the temp file is removed and `path` is untouched.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path& tmp)>& write);

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);
void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& value);

std::string read_file(const std::filesystem::path& path);
// A missing file is MissingFile; unreadable or invalid JSON is BadInput. `remedy`, when given, is
// appended to the invalid-JSON message (e.g. "re-download chinese-hubert-base").
nlohmann::json read_json(const std::filesystem::path& path, std::string_view remedy = {});

// Our own weight format: safetensors (through MLX) with string metadata, written atomically.
void save_safetensors_atomic(const std::filesystem::path& path,
                             const std::unordered_map<std::string, mx::array>& arrays,
                             const std::unordered_map<std::string, std::string>& metadata = {});

}  // namespace gsv
