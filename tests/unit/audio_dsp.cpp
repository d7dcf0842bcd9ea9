// Decoding, resampling and spectrograms against librosa / torchaudio / upstream mel_processing
// (tools/golden/audio.py).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "audio/audio_io.h"
#include "audio/resample.h"
#include "audio/spectrogram.h"
#include "core/error.h"
#include "support/golden.h"

namespace fs = std::filesystem;
namespace mx = mlx::core;
using gsv::test::close;
using gsv::test::fixture;
using namespace gsv::audio;

namespace {
const std::unordered_map<std::string, mx::array>& ref() {
  static auto r = gsv::test::load_fixture("audio/expected.safetensors");
  return r;
}
mx::array vec(const std::vector<float>& v) { return mx::array(v.data(), {int(v.size())}, mx::float32); }
Audio voice() { return load_audio(fixture("audio/voice_44k_stereo.wav")); }
mx::array audio32k() { return mx::reshape(ref().at("torchaudio_32k"), {1, -1}); }

std::string error_of(const fs::path& p) {
  try {
    load_audio(p);
    return "";
  } catch (const gsv::Error& e) {
    return e.what();
  }
}
}  // namespace

TEST(AudioIO, WavMixesDownLikeLibrosa) {
  Audio a = voice();
  EXPECT_EQ(a.sample_rate, 44100);
  EXPECT_TRUE(close("mono_44k", vec(a.samples), ref().at("mono_44k"), 1e-7f));
}

TEST(AudioIO, FlacOggMp3Decode) {
  Audio wav = voice();
  Audio flac = load_audio(fixture("audio/voice_44k_stereo.flac"));
  // Lossless, but soundfile's float->PCM16 rounding differs by format: allow one LSB.
  EXPECT_TRUE(close("flac", vec(flac.samples), vec(wav.samples), 1.0f / 32768 + 1e-7f));
  for (const char* lossy : {"audio/voice_44k_stereo.ogg", "audio/voice_44k_stereo.mp3"}) {
    if (!fs::exists(fixture(lossy))) continue;
    Audio a = load_audio(fixture(lossy));
    EXPECT_EQ(a.sample_rate, 44100) << lossy;
    // Lossy codecs: same length within a frame of codec delay, and a similar level.
    EXPECT_NEAR(double(a.samples.size()), double(wav.samples.size()), 2400.0) << lossy;
    double e1 = 0, e2 = 0;
    for (float s : a.samples) e1 += s * s;
    for (float s : wav.samples) e2 += s * s;
    EXPECT_NEAR(e1 / e2, 1.0, 0.2) << lossy;
  }
}

TEST(AudioIO, BadFilesGetClearErrors) {
  fs::path dir = fs::temp_directory_path() / "gsv_audio_test";
  fs::create_directories(dir);
  std::ofstream(dir / "empty.wav").close();
  EXPECT_NE(error_of(dir / "empty.wav").find("empty"), std::string::npos);
  std::ofstream(dir / "noise.wav", std::ios::binary) << "this is not audio at all, just text pretending";
  EXPECT_NE(error_of(dir / "noise.wav").find("not a readable audio file"), std::string::npos);
  // Truncated: the header promises more frames than the file holds.
  std::ifstream in(fixture("audio/voice_44k_stereo.wav"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(dir / "truncated.wav", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  std::string err = error_of(dir / "truncated.wav");
  std::cout << "  truncated: " << err << "\n";
  EXPECT_NE(err.find("truncated"), std::string::npos) << err;
  std::ofstream(dir / "header_only.wav", std::ios::binary) << bytes.substr(0, 30);
  EXPECT_NE(error_of(dir / "header_only.wav"), "");
  std::ifstream fin(fixture("audio/voice_44k_stereo.flac"), std::ios::binary);
  std::string flac((std::istreambuf_iterator<char>(fin)), {});
  std::ofstream(dir / "truncated.flac", std::ios::binary) << flac.substr(0, flac.size() / 3);
  EXPECT_NE(error_of(dir / "truncated.flac"), "");
  // NaN samples (a float WAV can hold them).
  std::vector<float> nan_audio(1000, 0.1f);
  nan_audio[500] = std::nanf("");
  save_wav(dir / "nan.wav", nan_audio, 16000, WavFormat::Float32);
  EXPECT_NE(error_of(dir / "nan.wav").find("NaN"), std::string::npos);
  EXPECT_EQ(error_of(dir / "missing.wav").find("no such"), 0u);
  // Silence is refused where a voice is needed.
  Audio silent{std::vector<float>(16000, 0.0f), 16000};
  EXPECT_THROW(require_not_silent(silent, "the reference clip"), gsv::Error);
  EXPECT_NO_THROW(require_not_silent(voice(), "the reference clip"));
  fs::remove_all(dir);
}

TEST(AudioIO, SaveAndReloadWav) {
  fs::path dir = fs::temp_directory_path() / "gsv_audio_save";
  fs::create_directories(dir);
  std::vector<float> x = {0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 1.5f};
  save_wav(dir / "a.wav", x, 32000);
  Audio pcm = load_audio(dir / "a.wav");
  ASSERT_EQ(pcm.samples.size(), x.size());
  EXPECT_EQ(pcm.sample_rate, 32000);
  EXPECT_NEAR(pcm.samples[1], 0.5f, 1e-4);
  EXPECT_NEAR(pcm.samples[3], 32767.0f / 32768.0f, 1e-6);  // +1.0 must not wrap to -1
  EXPECT_NEAR(pcm.samples[5], 32767.0f / 32768.0f, 1e-6);  // clamped
  save_wav(dir / "f.wav", x, 32000, WavFormat::Float32);
  EXPECT_EQ(load_audio(dir / "f.wav").samples[5], 1.5f);
  EXPECT_THROW(save_wav(dir / "no-such-dir" / "x.wav", x, 32000), gsv::Error);
  for (auto& e : fs::directory_iterator(dir)) EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Resample, SoxrHqMatchesLibrosa) {
  Audio a = voice();
  auto y = resample_soxr_hq(a.samples, 44100, 16000);
  EXPECT_TRUE(close("librosa_16k", vec(y), ref().at("librosa_16k"), 1e-5f));
}

TEST(Resample, SincHannMatchesTorchaudio) {
  Audio a = voice();
  EXPECT_TRUE(close("torchaudio_32k", vec(resample_sinc_hann(a.samples, 44100, 32000)), ref().at("torchaudio_32k"), 1e-5f));
  auto a32 = ref().at("torchaudio_32k");
  mx::eval(a32);
  std::vector<float> x(a32.data<float>(), a32.data<float>() + a32.size());
  EXPECT_TRUE(close("torchaudio_16k", vec(resample_sinc_hann(x, 32000, 16000)), ref().at("torchaudio_16k_from_32k"), 1e-5f));
}

TEST(Spectrogram, LinearMatchesSpectrogramTorch) {
  EXPECT_TRUE(close("spec_2048_640", mx::squeeze(linear_spectrogram(audio32k(), {2048, 640, 2048}), 0),
                    ref().at("spec_2048_640"), 1e-5f, 1e-5f));
  EXPECT_TRUE(close("spec_1280_320", mx::squeeze(linear_spectrogram(audio32k(), {1280, 320, 1280}), 0),
                    ref().at("spec_1280_320"), 1e-5f, 1e-5f));
  EXPECT_TRUE(close("spec_1024_256_win800", mx::squeeze(linear_spectrogram(audio32k(), {1024, 256, 800}), 0),
                    ref().at("spec_1024_256_win800"), 1e-5f, 1e-5f));
}

TEST(Spectrogram, MelMatchesUpstream) {
  auto basis = mel_filterbank(32000, 2048, 128, 0, 0);
  auto every8 = mx::take(basis, mx::arange(0, 128, 8), 0);
  EXPECT_TRUE(close("mel_basis", every8, ref().at("mel_basis_32k_2048_128_every8"), 1e-7f));
  auto mel = mx::squeeze(mel_spectrogram(audio32k(), {2048, 640, 2048}, 32000, 128, 0, 0), 0);
  EXPECT_TRUE(close("mel_2048_640_128", mel, ref().at("mel_2048_640_128"), 1e-5f, 1e-5f));
}

TEST(Spectrogram, TooShortAudioIsAnError) {
  EXPECT_THROW(linear_spectrogram(mx::zeros({1, 100}), {2048, 640, 2048}), gsv::Error);
}
