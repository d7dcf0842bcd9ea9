// Golden-test helpers in the spirit of llm.c's test_gpt2.c: load what upstream PyTorch produced,
// compare one tensor at a time, print the first values and the max error, and fail loudly.
#pragma once

#include <gtest/gtest.h>
#include <mlx/mlx.h>

#include <filesystem>
#include <string>
#include <unordered_map>

namespace gsv::test {

namespace mx = mlx::core;

std::filesystem::path fixtures_dir();
std::filesystem::path fixture(const std::string& relative);
std::filesystem::path source_dir();
// The full-size files the tools/golden/*_fullsize.py scripts write outside the repo:
// $GSV_LARGE_FIXTURES (default /work/fixtures-large), then `relative` below it.
std::filesystem::path large_fixture(const std::string& relative);
std::string binary_path();

// All tensors of a safetensors fixture file, as stored.
std::unordered_map<std::string, mx::array> load_fixture(const std::string& relative);

// Skips the current test with a message when a fixture file is missing (only for fixtures that are
// documented as optional, e.g. the full-size files a tools script writes outside the repo).
#define GSV_REQUIRE_FIXTURE(path)                                                       \
  do {                                                                                  \
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture not present: " << path; \
  } while (0)

struct Diff {
  float max_abs = 0;    // max |a - b|
  float max_rel = 0;    // max |a - b| / max(|b|, 1e-6), over elements where |b| > 1e-3 * max|b|
  float ref_max = 0;    // max |b|
  double snr_db = 0;    // 10 log10(sum b^2 / sum (a-b)^2)
};

Diff diff(const mx::array& ours, const mx::array& reference);

// Prints "name: shape [..] max_abs .. max_rel .. first values ours/ref" and checks shape + tolerance.
::testing::AssertionResult close(const std::string& name, const mx::array& ours,
                                 const mx::array& reference, float atol, float rtol = 0);

}  // namespace gsv::test
