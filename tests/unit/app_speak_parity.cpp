// End-to-end parity of `gpt-sovits speak` with upstream's TTS.run (issues 5 and 6).
//
// For each case folder of tests/fixtures/e2e/ (v2, written by tools/golden/e2e.py from upstream's own
// pipeline on small random-init models) and tests/fixtures/e2e_pro/ (v2Pro and v2ProPlus, with the
// speaker-verification model, tools/golden/e2e_pro.py), runs the gpt-sovits binary with the case's
// flags and `--dump`, then compares every intermediate with what upstream computed:
//   identical phones, normalised texts, prompt codes and semantic tokens (the first divergent step is
//   printed when they differ); BERT features, HuBERT features, the 16 kHz clip, the reference
//   spectrogram and (Pro) the speaker embedding within 1e-4 (relative above 1); the audio of each
//   segment and the whole waveform with an SNR of at least 40 dB. The version is never passed: the
//   binary reads it from the SoVITS file, as upstream does.
// To fit the fixture budget, the tiny set stores its large arrays (BERT features, spectrogram, seg
// audio) in float16: their storage rounding (half an ulp, ~4.9e-4 relative) is added to the
// tolerance, so there the check is looser than 1e-4; the full-size set stores float32.
//
// tests/slow/app_speak_parity_fullsize.cpp includes this file with GSV_SPEAK_PARITY_NO_TESTS defined
// and runs the same checks on the full-size set.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <mlx/mlx.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "support/golden.h"

extern char** environ;

namespace gsv::test::speak_parity {

namespace fs = std::filesystem;
namespace mx = mlx::core;
using nlohmann::json;

inline std::string read_text_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string strip_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// A fresh temporary folder, removed when the object goes.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "gsv-speak-parity-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// The gpt-sovits binary of this build. GSV_BIN_PATH is defined for each test executable;
// golden.h's binary_path() is compiled into gsv_test_support, which does not see it.
inline std::string speak_binary() {
#ifdef GSV_BIN_PATH
  return GSV_BIN_PATH;
#else
  return binary_path();
#endif
}

// Runs the binary with `args`, stdout and stderr into `log`; returns the exit status (-1 when it
// did not exit normally, -2 when it could not be started).
inline int run_binary(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  std::string bin = speak_binary();
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    std::ofstream(log) << "cannot start " << bin << ": " << std::strerror(rc) << "\n";
    return -2;
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::vector<int> to_ints(const mx::array& a) {
  auto b = mx::astype(mx::flatten(a), mx::int32);
  mx::eval(b);
  return std::vector<int>(b.data<int>(), b.data<int>() + b.size());
}

inline std::string ints_around(const std::vector<int>& v, size_t at) {
  std::ostringstream os;
  size_t lo = at >= 3 ? at - 3 : 0, hi = std::min(v.size(), at + 4);
  for (size_t i = lo; i < hi; ++i) os << (i == lo ? "" : " ") << (i == at ? "[" : "") << v[i] << (i == at ? "]" : "");
  return os.str();
}

// Exact comparison of id sequences; prints the first divergent position.
inline ::testing::AssertionResult same_ids(const std::string& name, const mx::array& ours, const mx::array& ref) {
  auto a = to_ints(ours), b = to_ints(ref);
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i < n && a[i] == b[i]) ++i;
  std::cout << "  " << name << ": " << a.size() << " ours, " << b.size() << " upstream";
  if (i == a.size() && i == b.size()) {
    std::cout << ", identical\n";
    return ::testing::AssertionSuccess();
  }
  std::cout << ", first difference at step " << i << "\n";
  auto f = ::testing::AssertionFailure();
  f << name << " differ from upstream at step " << i << " (lengths " << a.size() << " vs " << b.size() << ")";
  if (i < a.size()) f << "; ours ... " << ints_around(a, i);
  if (i < b.size()) f << "; upstream ... " << ints_around(b, i);
  return f;
}

// |ours - ref| <= rel * max(1, |ref|) elementwise, plus the float16 rounding of `ref` when it was
// stored in float16 (half an ulp: 2^-11 |ref|, or 2^-25 below the normal range).
inline ::testing::AssertionResult within(const std::string& name, const mx::array& ours, const mx::array& ref,
                                         float rel = 1e-4f) {
  auto shown = close(name, ours, ref, std::numeric_limits<float>::infinity());  // prints the statistics
  if (!shown) return shown;  // shape mismatch
  auto a = mx::astype(ours, mx::float32), b = mx::astype(ref, mx::float32);
  auto absb = mx::abs(b);
  auto tol = mx::multiply(mx::maximum(absb, mx::array(1.0f)), mx::array(rel));
  if (ref.dtype() == mx::float16)
    tol = mx::add(tol, mx::maximum(mx::multiply(absb, mx::array(std::ldexp(1.0f, -11))), mx::array(std::ldexp(1.0f, -25))));
  auto ratio = mx::divide(mx::abs(mx::subtract(a, b)), tol);
  auto worst = mx::max(ratio);
  auto at = mx::argmax(mx::flatten(ratio));
  mx::eval(worst, at);
  float w = worst.item<float>();
  std::cout << "    worst error / tolerance: " << w << " (tolerance " << rel << " x max(1, |ref|)"
            << (ref.dtype() == mx::float16 ? " + float16 storage rounding" : "") << ")\n";
  if (std::isfinite(w) && w <= 1.0f) return ::testing::AssertionSuccess();
  int idx = at.item<int>();
  auto fa = mx::flatten(a), fb = mx::flatten(b);
  mx::eval(fa, fb);
  return ::testing::AssertionFailure() << name << ": error " << w << "x the tolerance at flat index " << idx
                                       << " (ours " << fa.data<float>()[idx] << ", upstream " << fb.data<float>()[idx]
                                       << ", rel " << rel << (ref.dtype() == mx::float16 ? " + fp16 rounding" : "") << ")";
}

inline ::testing::AssertionResult snr_at_least(const std::string& name, const mx::array& ours, const mx::array& ref,
                                               double min_db) {
  auto a = mx::flatten(ours), b = mx::flatten(mx::astype(ref, mx::float32));
  if (a.size() != b.size())
    return ::testing::AssertionFailure() << name << ": " << a.size() << " samples, upstream has " << b.size();
  Diff d = diff(a, b);
  std::cout << "  " << name << " [" << a.size() << "]: SNR " << d.snr_db << " dB, max_abs " << d.max_abs
            << " (|ref| max " << d.ref_max << ")\n";
  if (d.snr_db >= min_db) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << name << ": SNR " << d.snr_db << " dB < " << min_db << " dB";
}

// A fixture set: root/models, root/reference, root/<case>/{case.json, expected/}. A case.json may
// name other files, relative to root: "gpt" (default models/s1.ckpt), "sovits" (models/s2.pth) and
// "reference" (the folder with ref.wav and the clip-side expected arrays, default reference).
struct CaseSet {
  fs::path root;
  std::vector<std::string> cases() const {
    std::vector<std::string> out;
    if (!fs::is_directory(root)) return out;
    for (const auto& e : fs::directory_iterator(root))
      if (fs::exists(e.path() / "case.json")) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

inline std::string number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

inline fs::path case_path(const fs::path& root, const json& c, const char* key, const char* fallback) {
  return root / (c.contains(key) ? c[key].get<std::string>() : std::string(fallback));
}
inline fs::path reference_dir(const fs::path& root, const json& c) { return case_path(root, c, "reference", "reference"); }

// The speak flags of a case (the TTS.run inputs in case.json).
inline std::vector<std::string> speak_args(const fs::path& root, const json& c, const fs::path& out_dir) {
  const fs::path models = root / "models";
  std::vector<std::string> a = {"speak",
                                "--gpt", case_path(root, c, "gpt", "models/s1.ckpt").string(),
                                "--sovits", case_path(root, c, "sovits", "models/s2.pth").string(),
                                "--models", models.string(),
                                "--ref", (reference_dir(root, c) / "ref.wav").string(),
                                "--text", c.at("text").get<std::string>(),
                                "--lang", c.at("text_lang").get<std::string>(),
                                "--cut", c.at("text_split_method").get<std::string>(),
                                "--speed", number(c.at("speed_factor").get<double>()),
                                "--fragment-interval", number(c.at("fragment_interval").get<double>()),
                                "--top-k", std::to_string(c.at("top_k").get<int>()),
                                "--top-p", number(c.at("top_p").get<double>()),
                                "--temperature", number(c.at("temperature").get<double>()),
                                "--repetition-penalty", number(c.at("repetition_penalty").get<double>()),
                                "--batch-size", std::to_string(c.at("batch_size").get<int>()),
                                "--noise-scale", number(c.at("noise_scale").get<double>()),
                                "--seed", std::to_string(c.at("seed").get<int>()),
                                "-o", (out_dir / "out.wav").string(),
                                "--dump", (out_dir / "dump").string(),
                                "-q"};
  if (!c.at("prompt_text").is_null()) {
    a.insert(a.end(), {"--ref-text", c.at("prompt_text").get<std::string>(), "--ref-lang",
                       c.at("prompt_lang").get<std::string>()});
  }
  return a;
}

// Where upstream's array `name` of a case is: its own expected/ folder, or the case that holds the
// identical file ("shared" in case.json), or, for the clip-side arrays that the case does not hold
// (prompt codes are per SoVITS file in e2e_pro), the reference folder's expected/.
inline fs::path expected_file(const fs::path& root, const std::string& name, const json& c, const std::string& ext) {
  const bool shared = c.contains("shared") && c["shared"].contains(name);
  const std::string owner = shared ? c["shared"][name].get<std::string>() : c.at("name").get<std::string>();
  const fs::path in_case = root / owner / "expected" / (name + ext);
  if ((name.rfind("ref_", 0) == 0 || name == "prompt_codes") && !shared && !fs::exists(in_case))
    return reference_dir(root, c) / "expected" / (name + ext);
  return in_case;
}

inline mx::array load_npy(const fs::path& p) {
  if (!fs::exists(p)) throw std::runtime_error("missing " + p.string());
  return mx::load(p.string());
}

// Runs one case and checks everything. GTest assertions inside.
inline void check_case(const fs::path& root, const std::string& name) {
  const fs::path case_dir = root / name;
  json c = json::parse(read_text_file(case_dir / "case.json"));
  c["name"] = name;
  TempDir tmp;
  // A private home: nothing from the user's registry or cache takes part.
  ::setenv("GPT_SOVITS_HOME", (tmp.path / "home").c_str(), 1);
  ::unsetenv("GPT_SOVITS_MODELS");
  const auto args = speak_args(root, c, tmp.path);
  std::cout << "case " << name << (c.contains("version") ? " [" + c["version"].get<std::string>() + "]" : "") << ": "
            << c.at("text").get<std::string>() << " (" << c.at("text_lang").get<std::string>()
            << ", " << c.at("text_split_method").get<std::string>() << ", speed " << c.at("speed_factor") << ", "
            << (c.at("prompt_text").is_null() ? "reference-free" : "prompt " + c.at("prompt_text").get<std::string>())
            << ")\n";
  const fs::path log = tmp.path / "speak.log";
  const int rc = run_binary(args, log);
  ASSERT_EQ(rc, 0) << "gpt-sovits speak failed:\n" << read_text_file(log);
  const fs::path dump = tmp.path / "dump";
  auto ours = [&](const std::string& n) { return load_npy(dump / (n + ".npy")); };
  auto ours_text = [&](const std::string& n) { return strip_newline(read_text_file(dump / (n + ".txt"))); };
  auto ref = [&](const std::string& n) { return load_npy(expected_file(root, n, c, ".npy")); };
  auto ref_text = [&](const std::string& n) { return strip_newline(read_text_file(expected_file(root, n, c, ".txt"))); };
  const auto zero_bert = c.value("zero_bert", json::array());
  auto is_zero_bert = [&](const std::string& n) {
    return std::find(zero_bert.begin(), zero_bert.end(), n) != zero_bert.end();
  };
  // BERT rows: upstream's zeros for non-zh text are recorded in case.json instead of stored.
  auto check_bert = [&](const std::string& n, int phones) {
    auto a = ours(n);
    if (is_zero_bert(n)) {
      EXPECT_TRUE(within(n + " (upstream: zeros)", a, mx::zeros({phones, 1024}, mx::float32)));
    } else {
      EXPECT_TRUE(within(n, a, ref(n)));
    }
  };

  // ------------------------------------------------ reference side
  // The tiny set stores only the length of the 16 kHz clip (its values reach HuBERT, compared next).
  if (fs::exists(expected_file(root, "ref_wav16k", c, ".npy"))) {
    EXPECT_TRUE(within("ref_wav16k", ours("ref_wav16k"), ref("ref_wav16k")));
  } else {
    const json r = json::parse(read_text_file(reference_dir(root, c) / "reference.json"));
    EXPECT_EQ(int(ours("ref_wav16k").size()), r.at("wav16k_samples").get<int>()) << "ref_wav16k length";
  }
  EXPECT_TRUE(within("ref_hubert", ours("ref_hubert"), ref("ref_hubert")));
  EXPECT_TRUE(same_ids("prompt_codes", ours("prompt_codes"), ref("prompt_codes")));
  EXPECT_TRUE(within("ref_spec0", ours("ref_spec0"), ref("ref_spec0")));
  // v2Pro / v2ProPlus: the speaker embedding of the clip (ERes2NetV2 forward3 on its fbank), stored in
  // float32. A v2 model must not compute one.
  if (fs::exists(expected_file(root, "sv_emb0", c, ".npy"))) {
    EXPECT_TRUE(within("sv_emb0", ours("sv_emb0"), ref("sv_emb0")));
  } else {
    EXPECT_FALSE(fs::exists(dump / "sv_emb0.npy")) << "a speaker embedding was computed for a v2 model";
  }
  if (!c.at("prompt_text").is_null()) {
    EXPECT_EQ(ours_text("prompt_norm_text"), ref_text("prompt_norm_text"));
    auto phones = ours("prompt_phones");
    EXPECT_TRUE(same_ids("prompt_phones", phones, ref("prompt_phones")));
    check_bert("prompt_bert", int(phones.size()));
  } else {
    EXPECT_FALSE(fs::exists(dump / "prompt_phones.npy")) << "reference-free, yet a prompt was used";
  }

  // ------------------------------------------------ segments
  const int segments = c.at("segments").get<int>();
  EXPECT_FALSE(fs::exists(dump / ("seg" + std::to_string(segments) + "_phones.npy")))
      << "more segments than upstream's " << segments;
  const int silence = int(32000 * c.at("fragment_interval").get<double>());
  std::vector<mx::array> expected_audio;
  bool tokens_match = true;
  for (int i = 0; i < segments; ++i) {
    const std::string p = "seg" + std::to_string(i) + "_";
    ASSERT_TRUE(fs::exists(dump / (p + "phones.npy"))) << "segment " << i << " of " << segments << " is missing";
    EXPECT_EQ(ours_text(p + "norm_text"), ref_text(p + "norm_text"));
    auto phones = ours(p + "phones");
    EXPECT_TRUE(same_ids(p + "phones", phones, ref(p + "phones")));
    check_bert(p + "bert", int(phones.size()));
    auto tok = same_ids(p + "tokens", ours(p + "tokens"), ref(p + "tokens"));
    EXPECT_TRUE(tok);
    auto seg_ref = ref(p + "audio");
    if (tok) {
      EXPECT_TRUE(snr_at_least(p + "audio", ours(p + "audio"), seg_ref, 40.0));
    } else {
      tokens_match = false;
      std::cout << "  " << p << "audio: not compared (the tokens differ)\n";
    }
    expected_audio.push_back(mx::astype(seg_ref, mx::float32));
    expected_audio.push_back(mx::zeros({silence}, mx::float32));
  }
  // The whole waveform: upstream's audio_postprocess concatenation (see the fixture README).
  auto whole = mx::concatenate(expected_audio, 0);
  auto audio = ours("audio");
  EXPECT_EQ(int(audio.size()), c.at("audio_samples").get<int>());
  if (tokens_match) {
    EXPECT_TRUE(snr_at_least("audio", audio, whole, 40.0));
  }
  // The WAV holds the same samples as PCM16.
  EXPECT_EQ(fs::file_size(tmp.path / "out.wav"), 44 + 2 * audio.size());
}

}  // namespace gsv::test::speak_parity

#ifndef GSV_SPEAK_PARITY_NO_TESTS
namespace {

using namespace gsv::test::speak_parity;

fs::path tiny_root() { return gsv::test::fixture("e2e"); }
fs::path pro_root() { return gsv::test::fixture("e2e_pro"); }

class SpeakParity : public ::testing::TestWithParam<std::string> {};
class SpeakParityPro : public ::testing::TestWithParam<std::string> {};

TEST_P(SpeakParity, MatchesUpstreamTTSRun) { check_case(tiny_root(), GetParam()); }
TEST_P(SpeakParityPro, MatchesUpstreamTTSRun) { check_case(pro_root(), GetParam()); }

INSTANTIATE_TEST_SUITE_P(E2E, SpeakParity, ::testing::ValuesIn(CaseSet{tiny_root()}.cases()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(E2EPro, SpeakParityPro, ::testing::ValuesIn(CaseSet{pro_root()}.cases()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(SpeakParityFixtures, AllCasesPresent) {
  // The suite must not pass by finding nothing.
  auto cases = CaseSet{tiny_root()}.cases();
  EXPECT_GE(cases.size(), 5u) << "tests/fixtures/e2e has " << cases.size()
                              << " cases; regenerate with tools/golden/e2e.py";
  auto pro = CaseSet{pro_root()}.cases();
  EXPECT_GE(pro.size(), 3u) << "tests/fixtures/e2e_pro has " << pro.size()
                            << " cases; regenerate with tools/golden/e2e_pro.py";
  for (const char* version : {"v2Pro", "v2ProPlus"}) {
    bool found = false;
    for (const auto& name : pro)
      found = found || json::parse(read_text_file(pro_root() / name / "case.json")).value("version", "") == version;
    EXPECT_TRUE(found) << "tests/fixtures/e2e_pro has no " << version << " case";
  }
}

}  // namespace
#endif
