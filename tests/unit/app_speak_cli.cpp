// `gpt-sovits speak` and the voice registry through the binary, on the tiny upstream-format models
// of tests/fixtures/e2e (and e2e_pro for v2Pro / v2ProPlus voices): bad input gets a clear message
// and exit code 2 and leaves no output file; the registry verbs work end to end; streaming hands out
// audio before the text is done.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "audio/audio_io.h"
#include "core/fs.h"
#include "support/golden.h"

namespace fs = std::filesystem;
using gsv::test::fixture;

namespace {

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr together
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class SpeakCli : public ::testing::Test {
 protected:
  fs::path tmp;
  void SetUp() override {
    tmp = fs::temp_directory_path() / ("gsv_cli_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tmp);
    fs::create_directories(tmp);
  }
  void TearDown() override { fs::remove_all(tmp); }

  CliRun run(const std::string& args, const std::string& stdin_text = "") {
    std::string cmd = "cd " + quote(tmp.string()) + " && GPT_SOVITS_HOME=" + quote((tmp / "home").string()) + " ";
    if (!stdin_text.empty()) cmd += "printf '%s' " + quote(stdin_text) + " | ";
    cmd += quote(gsv::test::binary_path()) + " " + args + " 2>&1";
    CliRun r;
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
  }

  std::string models() { return quote(fixture("e2e/models").string()); }
  std::string gpt() { return quote(fixture("e2e/models/s1.ckpt").string()); }
  std::string sovits() { return quote(fixture("e2e/models/s2.pth").string()); }
  std::string ref() { return quote(fixture("e2e/reference/ref.wav").string()); }
  std::string base() {
    return "speak --models " + models() + " --gpt " + gpt() + " --sovits " + sovits() + " --ref " + ref() +
           " --ref-text '大家好，欢迎收听。' --ref-lang zh --top-k 1 --noise-scale 0 --seed 0";
  }
  void write_audio(const std::string& name, double seconds, float amplitude) {
    std::vector<float> x(size_t(seconds * 16000));
    for (size_t i = 0; i < x.size(); ++i) x[i] = amplitude * float(std::sin(0.05 * i) * std::sin(0.0007 * i));
    gsv::audio::save_wav(tmp / name, x, 16000);
  }
  void expect_bad_input(const CliRun& r, const std::string& needle, const std::string& what) {
    std::cout << "  " << what << ": exit " << r.code << ": " << r.out.substr(0, 300) << "\n";
    EXPECT_EQ(r.code, 2) << what << "\n" << r.out;
    EXPECT_NE(r.out.find(needle), std::string::npos) << what << ": expected '" << needle << "' in:\n" << r.out;
    EXPECT_FALSE(fs::exists(tmp / "out.wav")) << what << " left an output file";
    for (auto& e : fs::directory_iterator(tmp))
      EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "temp file left: " << e.path();
  }
};

}  // namespace

TEST_F(SpeakCli, WritesAWav) {
  auto r = run(base() + " --text '今天天气很好。' -o out.wav");
  ASSERT_EQ(r.code, 0) << r.out;
  auto a = gsv::audio::load_audio(tmp / "out.wav");
  EXPECT_EQ(a.sample_rate, 32000);
  EXPECT_GT(a.samples.size(), 9600u);  // at least the 0.3 s fragment silence plus speech
}

TEST_F(SpeakCli, TextFromStdinAndFile) {
  auto r = run(base() + " --text - -o out.wav", "Hello there.");
  EXPECT_EQ(r.code, 0) << r.out;
  gsv::write_file_atomic(tmp / "t.txt", "今天天气很好，我们去公园。明天也不错，一起出去玩吧！");
  r = run(base() + " --text-file t.txt -o out2.wav");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("4 segments"), std::string::npos) << r.out;  // cut5: one per clause
}

TEST_F(SpeakCli, BadCheckpoints) {
  std::string common = " --models " + models() + " --ref " + ref() + " --text 你好。 -o out.wav";
  expect_bad_input(run("speak --gpt missing.ckpt --sovits " + sovits() + common), "missing.ckpt", "missing gpt");
  gsv::write_file_atomic(tmp / "corrupt.pth", "PK\x03\x04 this is not really a zip");
  expect_bad_input(run("speak --gpt " + gpt() + " --sovits corrupt.pth" + common), "corrupt.pth", "corrupt sovits");
  // An s1 given as s2 and the reverse: the error says what was expected.
  expect_bad_input(run("speak --gpt " + sovits() + " --sovits " + gpt() + common), "not a SoVITS", "swapped files");
  // A v1-generation GPT (512 phone symbols) with a v2 SoVITS: not a pair.
  expect_bad_input(run("speak --gpt " + quote(fixture("checkpoints/s1_v1_tiny.ckpt").string()) + " --sovits " + sovits() + common),
                   "v1", "v1 gpt with v2 sovits");
}

TEST_F(SpeakCli, BadReferenceClips) {
  std::string head = "speak --models " + models() + " --gpt " + gpt() + " --sovits " + sovits() + " --text 你好。 -o out.wav --ref ";
  write_audio("short.wav", 1.5, 0.3f);
  expect_bad_input(run(head + "short.wav"), "3 to 10 s", "too short");
  write_audio("long.wav", 11.0, 0.3f);
  expect_bad_input(run(head + "long.wav"), "3 to 10 s", "too long");
  write_audio("silent.wav", 4.0, 0.0f);
  expect_bad_input(run(head + "silent.wav"), "silent", "silent");
  gsv::write_file_atomic(tmp / "corrupt.wav", "RIFF....WAVEfmt garbage");
  expect_bad_input(run(head + "corrupt.wav"), "corrupt.wav", "corrupt clip");
  expect_bad_input(run(head + "nope.wav"), "nope.wav", "missing clip");
}

TEST_F(SpeakCli, BadText) {
  expect_bad_input(run(base() + " --text '' -o out.wav"), "empty", "empty text");
  expect_bad_input(run(base() + " --text '   ' -o out.wav"), "empty", "blank text");
  expect_bad_input(run(base() + " --text '…… ！！' -o out.wav"), "", "nothing speakable");
  expect_bad_input(run(base() + " --text 你好 --lang klingon -o out.wav"), "klingon", "unknown language");
  expect_bad_input(run(base() + " --text 你好 --cut cut9 -o out.wav"), "cut9", "unknown cut method");
}

TEST_F(SpeakCli, BadOutputAndFlags) {
  expect_bad_input(run(base() + " --text 你好。 -o no/such/dir/out.wav"), "does not exist", "unwritable output");
  expect_bad_input(run(base() + " --text 你好。"), "--output", "no output");
  expect_bad_input(run("speak --voice nobody --text 你好。 -o out.wav"), "unknown voice", "unknown voice");
  expect_bad_input(run("speak --voice x --gpt " + gpt() + " --text 你好。 -o out.wav"), "excludes", "conflicting flags");
  expect_bad_input(run(base() + " --text 你好。 --text-file t.txt -o out.wav"), "excludes", "text and text-file");
  expect_bad_input(run(base() + " --text 你好。 --speed 0 -o out.wav"), "speed", "zero speed");
  expect_bad_input(run(base() + " --text 你好。 --top-p 0 -o out.wav"), "top_p", "top-p 0");
}

TEST_F(SpeakCli, VoiceRegistryThroughTheBinary) {
  auto r = run("voice add alice --gpt " + gpt() + " --sovits " + sovits() + " --ref " + ref() +
               " --ref-text '大家好，欢迎收听。' --ref-lang zh");
  ASSERT_EQ(r.code, 0) << r.out;
  r = run("list");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("alice"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("v2"), std::string::npos) << r.out;
  r = run("voice show alice --json");
  EXPECT_NE(r.out.find("\"ref_text\""), std::string::npos) << r.out;
  r = run("speak --voice alice --models " + models() + " --text '今天天气很好。' --top-k 1 -o out.wav");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(fs::exists(tmp / "out.wav"));
  fs::remove(tmp / "out.wav");
  expect_bad_input(run("voice add alice --gpt " + gpt() + " --sovits " + sovits() + " --ref " + ref()), "already exists",
                   "duplicate voice");
  // A bad reference is refused before anything is stored.
  write_audio("short.wav", 1.0, 0.3f);
  expect_bad_input(run("voice add bob --gpt " + gpt() + " --sovits " + sovits() + " --ref short.wav"), "3 to 10 s",
                   "voice with a short clip");
  expect_bad_input(run("voice add carol --gpt " + sovits() + " --sovits " + gpt() + " --ref " + ref()), "", "swapped files");
  r = run("voice rm alice");
  EXPECT_EQ(r.code, 0) << r.out;
  r = run("list");
  EXPECT_NE(r.out.find("no voices"), std::string::npos) << r.out;
}

TEST_F(SpeakCli, StreamsWavToStdoutAndDumps) {
  auto r = run(base() + " --text '今天天气很好。明天也不错！' --stream 1 -q -o - > s.wav; echo done");
  auto bytes = gsv::read_file(tmp / "s.wav");
  ASSERT_GT(bytes.size(), 44u);
  EXPECT_EQ(bytes.substr(0, 4), "RIFF");
  r = run(base() + " --text '今天天气很好。' --dump d -o out.wav");
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* f : {"ref_hubert.npy", "prompt_codes.npy", "ref_spec0.npy", "prompt_phones.npy", "prompt_bert.npy",
                        "seg0_phones.npy", "seg0_bert.npy", "seg0_tokens.npy", "seg0_audio.npy", "audio.npy"})
    EXPECT_TRUE(fs::exists(tmp / "d" / f)) << f;
}

// ---------------------------------------------------------------- v2Pro / v2ProPlus voices
// The tiny Pro SoVITS files of tests/fixtures/e2e_pro (genuine upstream containers with the "05" /
// "06" header; their models/ folder holds the BERT, HuBERT and the small ERes2NetV2 under sv/). No
// flag names the version anywhere: it comes from the SoVITS file.

namespace {
std::string pro_models() { return quote(fixture("e2e_pro/models").string()); }
std::string pro_sovits(const char* file) { return quote(fixture(std::string("e2e_pro/models/") + file).string()); }
}  // namespace

TEST_F(SpeakCli, ProVoiceSpeaksWithoutAVersionFlag) {
  auto r = run("voice add pro --gpt " + gpt() + " --sovits " + pro_sovits("s2_v2pro.pth") + " --ref " + ref() +
               " --ref-text '大家好，欢迎收听。' --lang zh");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("v2Pro"), std::string::npos) << r.out;
  r = run("voice add plus --gpt " + gpt() + " --sovits " + pro_sovits("s2_v2proplus.pth") + " --ref " + ref() +
          " --ref-text '大家好，欢迎收听。' --lang zh");
  ASSERT_EQ(r.code, 0) << r.out;
  r = run("list");
  ASSERT_EQ(r.code, 0) << r.out;
  std::cout << r.out;
  // One line per voice: name, version, ...
  auto line_of = [&](const std::string& name) {
    const size_t at = r.out.find(name + " ");
    return at == std::string::npos ? std::string() : r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_NE(line_of("pro").find(" v2Pro "), std::string::npos) << r.out;
  EXPECT_NE(line_of("plus").find(" v2ProPlus "), std::string::npos) << r.out;
  r = run("voice show pro --json");
  EXPECT_NE(r.out.find("\"version\": \"v2Pro\""), std::string::npos) << r.out;

  for (const char* voice : {"pro", "plus"}) {
    r = run(std::string("speak --voice ") + voice + " --models " + pro_models() +
            " --text '今天天气很好。' --top-k 1 -o out.wav");
    ASSERT_EQ(r.code, 0) << voice << ":\n" << r.out;
    auto a = gsv::audio::load_audio(tmp / "out.wav");
    EXPECT_EQ(a.sample_rate, 32000);
    EXPECT_GT(a.samples.size(), 9600u) << voice;  // the 0.3 s fragment silence plus speech
    fs::remove(tmp / "out.wav");
  }
}

TEST_F(SpeakCli, ProVoiceNeedsTheSpeakerModel) {
  // A models folder with BERT and HuBERT but no sv/: fine for v2, refused for v2Pro with the file named.
  fs::create_directories(tmp / "models");
  for (const char* dir : {"chinese-roberta-wwm-ext-large", "chinese-hubert-base"})
    fs::create_directory_symlink(fixture(std::string("e2e_pro/models/") + dir), tmp / "models" / dir);
  const std::string tail = " --models models --ref " + ref() + " --ref-text '大家好，欢迎收听。' --ref-lang zh" +
                           " --text '今天天气很好。' --top-k 1 -o out.wav";
  expect_bad_input(run("speak --gpt " + gpt() + " --sovits " + pro_sovits("s2_v2pro.pth") + tail),
                   "sv/pretrained_eres2netv2w24s4ep4.ckpt", "v2Pro without sv/");
  auto r = run("speak --gpt " + gpt() + " --sovits " + sovits() + tail);
  EXPECT_EQ(r.code, 0) << "v2 needs no speaker model:\n" << r.out;
}

TEST_F(SpeakCli, ProClipTooShortForTheSpeakerModel) {
  // The main reference must be 3-10 s, far above the 400 samples (25 ms at 16 kHz) of one fbank frame;
  // an extra reference (--aux-ref) is not length-checked (TTS.run does not check it either), so a
  // 790-sample (25 ms) clip at 32 kHz reaches the speaker model: long enough for the spectrogram
  // (more than the 704-sample reflect pad, one 2048-sample window once padded), 395 samples at 16 kHz.
  std::vector<float> x(790);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.3f * float(std::sin(0.05 * i));
  gsv::audio::save_wav(tmp / "tiny.wav", x, 32000);
  expect_bad_input(run("speak --gpt " + gpt() + " --sovits " + pro_sovits("s2_v2pro.pth") + " --models " +
                       pro_models() + " --ref " + ref() + " --aux-ref tiny.wav --text '今天天气很好。' -o out.wav"),
                   "fbank", "aux clip shorter than an fbank frame");
}

TEST_F(SpeakCli, HelpTeaches) {
  for (const char* verb : {"speak", "voice add", "list", "interactive", "g2p", "info"}) {
    auto r = run(std::string(verb) + " --help");
    EXPECT_EQ(r.code, 0) << verb;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << verb << " --help has no example:\n" << r.out;
  }
  auto r = run("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("gpt-sovits"), std::string::npos);
  r = run("no-such-verb");
  EXPECT_EQ(r.code, 2);
}
