// Decoding, encoding and checking audio files. Everything in memory is mono float32 in [-1, 1].
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gsv::audio {

struct Audio {
  std::vector<float> samples;  // mono
  int sample_rate = 0;
  double seconds() const { return sample_rate ? double(samples.size()) / sample_rate : 0.0; }
};

// Loads wav/flac/ogg (libsndfile) or mp3 (libsndfile where it has mp3, else mpg123), mixing all
// channels down to mono by their mean (as librosa and torchaudio-then-mean do). Integer PCM
// becomes x / 32768. Throws BadInput for an unknown format, a truncated or empty file, or NaN/Inf
// samples; MissingFile when the file is not there.
Audio load_audio(const std::filesystem::path& path);

// Throws BadInput when the audio is silent (peak below `threshold`), naming `what`.
void require_not_silent(const Audio& audio, const std::string& what, float threshold = 1e-4f);

enum class WavFormat { Pcm16, Float32 };

// Writes a mono WAV atomically (temp file + rename). Pcm16 clamps to [-1, 1] and scales by 32767.
void save_wav(const std::filesystem::path& path, const std::vector<float>& samples, int sample_rate,
              WavFormat format = WavFormat::Pcm16);

// Encodes a mono WAV into memory (for streaming over HTTP or stdout).
std::string encode_wav(const std::vector<float>& samples, int sample_rate, WavFormat format = WavFormat::Pcm16);

}  // namespace gsv::audio
