// Atomic writes: the target is either the old file or the new one, and no temp file is left behind.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "core/fs.h"

namespace fs = std::filesystem;
namespace mx = mlx::core;

namespace {
fs::path fresh_dir(const char* name) {
  auto d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
size_t count_files(const fs::path& d) { return std::distance(fs::directory_iterator(d), fs::directory_iterator()); }
}  // namespace

TEST(AtomicWrite, ReplacesWholeFile) {
  auto d = fresh_dir("gsv_fs_replace");
  gsv::write_file_atomic(d / "a.txt", "first");
  gsv::write_file_atomic(d / "a.txt", "second");
  EXPECT_EQ(gsv::read_file(d / "a.txt"), "second");
  EXPECT_EQ(count_files(d), 1u);
}

TEST(AtomicWrite, FailureLeavesOldFileAndNoTemp) {
  auto d = fresh_dir("gsv_fs_fail");
  gsv::write_file_atomic(d / "a.txt", "old");
  EXPECT_THROW(gsv::write_atomically(d / "a.txt",
                                     [](const fs::path& tmp) {
                                       gsv::write_file_atomic(tmp, "half");  // something was written...
                                       throw std::runtime_error("killed midway");  // ...then the writer died
                                     }),
               std::runtime_error);
  EXPECT_EQ(gsv::read_file(d / "a.txt"), "old");
  EXPECT_EQ(count_files(d), 1u);
}

TEST(AtomicWrite, UnwritablePlacesAreBadInput) {
  auto d = fresh_dir("gsv_fs_bad");
  try {
    gsv::write_file_atomic(d / "missing-folder" / "a.txt", "x");
    ADD_FAILURE();
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
  }
  EXPECT_THROW(gsv::write_file_atomic(d, "x"), gsv::Error);  // a folder
}

TEST(AtomicWrite, SafetensorsRoundTrip) {
  auto d = fresh_dir("gsv_fs_st");
  auto a = mx::arange(6, mx::float32);
  gsv::save_safetensors_atomic(d / "w.safetensors", {{"a", a}}, {{"format", "gsv"}});
  auto [arrays, meta] = mx::load_safetensors((d / "w.safetensors").string());
  EXPECT_TRUE(mx::array_equal(arrays.at("a"), a).item<bool>());
  EXPECT_EQ(meta.at("format"), "gsv");
  EXPECT_EQ(count_files(d), 1u);
}

TEST(Json, ReadErrorsAreClear) {
  auto d = fresh_dir("gsv_fs_json");
  gsv::write_file_atomic(d / "bad.json", "{not json");
  EXPECT_THROW(gsv::read_json(d / "bad.json"), gsv::Error);
  gsv::write_json_atomic(d / "ok.json", {{"k", 1}});
  EXPECT_EQ(gsv::read_json(d / "ok.json")["k"], 1);
}
