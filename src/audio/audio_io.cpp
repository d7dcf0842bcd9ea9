#include "audio/audio_io.h"

#include <mpg123.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>

#include "core/error.h"
#include "core/fs.h"

namespace gsv::audio {

namespace fs = std::filesystem;

namespace {

bool has_extension(const fs::path& p, const char* ext) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  return e == ext;
}

Audio downmix(const std::vector<float>& interleaved, int channels, int sample_rate) {
  Audio a;
  a.sample_rate = sample_rate;
  const size_t frames = interleaved.size() / std::max(channels, 1);
  a.samples.resize(frames);
  for (size_t i = 0; i < frames; ++i) {
    float s = 0;
    for (int c = 0; c < channels; ++c) s += interleaved[i * channels + c];
    a.samples[i] = channels == 1 ? s : s / float(channels);
  }
  return a;
}

Audio load_with_sndfile(const fs::path& path, bool* unsupported) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (!f) {
    *unsupported = true;
    return {};
  }
  std::unique_ptr<SNDFILE, int (*)(SNDFILE*)> guard(f, sf_close);
  if (info.channels <= 0 || info.samplerate <= 0)
    bad_input(path.string(), ": the audio header is invalid (", info.channels, " channels, ", info.samplerate, " Hz)");
  // A WAV whose data chunk is cut short still opens: libsndfile trims the frame count and notes
  // "data : N (should be M)" in its log. Treat that as the truncated file it is.
  char log[4096] = {0};
  sf_command(f, SFC_GET_LOG_INFO, log, sizeof(log) - 1);
  for (const char* line = log; line && *line;) {
    const char* end = std::strchr(line, '\n');
    std::string l(line, end ? end : line + std::strlen(line));
    if (l.rfind("data", 0) == 0 && l.find("should be") != std::string::npos)
      bad_input(path.string(), ": the file is truncated (", l, ")");
    line = end ? end + 1 : nullptr;
  }
  // Read in blocks: some formats (Ogg) may not know their length up front.
  const sf_count_t max_frames = sf_count_t(24) * 3600 * info.samplerate;
  std::vector<float> buf;
  std::vector<float> block(size_t(65536) * info.channels);
  sf_count_t total = 0;
  while (true) {
    sf_count_t got = sf_readf_float(f, block.data(), 65536);
    if (got <= 0) break;
    buf.insert(buf.end(), block.begin(), block.begin() + got * info.channels);
    total += got;
    if (total > max_frames) bad_input(path.string(), ": more than a day of audio; refusing to load it");
  }
  if (sf_error(f) != SF_ERR_NO_ERROR) bad_input(path.string(), ": the audio data cannot be decoded (", sf_strerror(f), ")");
  if (total == 0) bad_input(path.string(), ": the audio file holds no samples");
  if (info.frames > 0 && info.frames < max_frames && total < info.frames)
    bad_input(path.string(), ": the file is truncated (its header promises ", info.frames, " frames, only ", total,
              " could be read)");
  return downmix(buf, info.channels, info.samplerate);
}

Audio load_with_mpg123(const fs::path& path) {
  int err = MPG123_OK;
  mpg123_handle* h = mpg123_new(nullptr, &err);
  if (!h) fail(ErrorKind::Internal, "mpg123_new failed: ", mpg123_plain_strerror(err));
  std::unique_ptr<mpg123_handle, void (*)(mpg123_handle*)> guard(h, [](mpg123_handle* x) {
    mpg123_close(x);
    mpg123_delete(x);
  });
  mpg123_param(h, MPG123_FLAGS, MPG123_FORCE_FLOAT | MPG123_QUIET, 0.0);
  if (mpg123_open(h, path.c_str()) != MPG123_OK) bad_input(path.string(), ": cannot decode as MP3: ", mpg123_strerror(h));
  long rate = 0;
  int channels = 0, encoding = 0;
  if (mpg123_getformat(h, &rate, &channels, &encoding) != MPG123_OK)
    bad_input(path.string(), ": not a decodable MP3 (", mpg123_strerror(h), ")");
  mpg123_format_none(h);
  mpg123_format(h, rate, channels, MPG123_ENC_FLOAT_32);
  std::vector<float> pcm;
  std::vector<unsigned char> chunk(1 << 16);
  while (true) {
    size_t done = 0;
    int r = mpg123_read(h, chunk.data(), chunk.size(), &done);
    size_t n = done / sizeof(float);
    size_t old = pcm.size();
    pcm.resize(old + n);
    std::memcpy(pcm.data() + old, chunk.data(), n * sizeof(float));
    if (r == MPG123_DONE) break;
    if (r == MPG123_NEW_FORMAT) continue;
    if (r != MPG123_OK) bad_input(path.string(), ": MP3 decoding failed: ", mpg123_strerror(h));
  }
  if (pcm.empty()) bad_input(path.string(), ": the MP3 file holds no audio");
  return downmix(pcm, channels, int(rate));
}

void check_finite(const Audio& a, const fs::path& path) {
  for (float s : a.samples)
    if (!std::isfinite(s)) bad_input(path.string(), ": the audio contains NaN or infinite samples");
}

}  // namespace

Audio load_audio(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(ErrorKind::MissingFile, "no such audio file: ", path.string());
  if (fs::is_directory(path, ec)) bad_input(path.string(), " is a folder, not an audio file");
  if (fs::file_size(path, ec) == 0) bad_input(path.string(), ": the audio file is empty (0 bytes)");
  bool unsupported = false;
  Audio a = load_with_sndfile(path, &unsupported);
  if (unsupported) {
    if (has_extension(path, ".mp3")) {
      a = load_with_mpg123(path);
    } else {
      bad_input(path.string(), ": not a readable audio file (", sf_strerror(nullptr),
                "); use WAV, FLAC, OGG or MP3");
    }
  }
  check_finite(a, path);
  return a;
}

void require_not_silent(const Audio& audio, const std::string& what, float threshold) {
  float peak = 0;
  for (float s : audio.samples) peak = std::max(peak, std::fabs(s));
  if (peak < threshold) bad_input(what, " is silent (peak amplitude ", peak, "); record or choose a clip with speech");
}

namespace {

// libsndfile virtual I/O over a growing std::string, so encoding to memory uses the same encoder
// as writing files.
struct MemoryFile {
  std::string data;
  sf_count_t pos = 0;
};

SF_VIRTUAL_IO memory_io() {
  SF_VIRTUAL_IO io{};
  io.get_filelen = [](void* u) -> sf_count_t { return sf_count_t(static_cast<MemoryFile*>(u)->data.size()); };
  io.seek = [](sf_count_t off, int whence, void* u) -> sf_count_t {
    auto* m = static_cast<MemoryFile*>(u);
    sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : sf_count_t(m->data.size());
    m->pos = std::max<sf_count_t>(0, base + off);
    return m->pos;
  };
  io.read = [](void* ptr, sf_count_t n, void* u) -> sf_count_t {
    auto* m = static_cast<MemoryFile*>(u);
    sf_count_t avail = std::max<sf_count_t>(0, sf_count_t(m->data.size()) - m->pos);
    n = std::min(n, avail);
    std::memcpy(ptr, m->data.data() + m->pos, size_t(n));
    m->pos += n;
    return n;
  };
  io.write = [](const void* ptr, sf_count_t n, void* u) -> sf_count_t {
    auto* m = static_cast<MemoryFile*>(u);
    if (size_t(m->pos + n) > m->data.size()) m->data.resize(size_t(m->pos + n));
    std::memcpy(m->data.data() + m->pos, ptr, size_t(n));
    m->pos += n;
    return n;
  };
  io.tell = [](void* u) -> sf_count_t { return static_cast<MemoryFile*>(u)->pos; };
  return io;
}

std::vector<float> clamped(const std::vector<float>& samples) {
  // Clamp before PCM16: upstream's x*32768 cast wraps +1.0 to -32768 (inference.md §8 item 16).
  std::vector<float> out(samples.size());
  for (size_t i = 0; i < samples.size(); ++i)
    out[i] = std::isfinite(samples[i]) ? std::clamp(samples[i], -1.0f, 1.0f) : 0.0f;
  return out;
}

}  // namespace

std::string encode_wav(const std::vector<float>& samples, int sample_rate, WavFormat format) {
  if (sample_rate <= 0) bad_input("cannot encode audio: invalid sample rate ", sample_rate);
  MemoryFile mem;
  SF_VIRTUAL_IO io = memory_io();
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | (format == WavFormat::Pcm16 ? SF_FORMAT_PCM_16 : SF_FORMAT_FLOAT);
  SNDFILE* f = sf_open_virtual(&io, SFM_WRITE, &info, &mem);
  if (!f) fail(ErrorKind::Internal, "cannot start a WAV encoder: ", sf_strerror(nullptr));
  auto data = format == WavFormat::Pcm16 ? clamped(samples) : samples;
  sf_count_t wrote = sf_writef_float(f, data.data(), sf_count_t(data.size()));
  sf_close(f);
  if (wrote != sf_count_t(data.size())) fail(ErrorKind::Internal, "WAV encoding wrote ", wrote, " of ", data.size(), " frames");
  return mem.data;
}

void save_wav(const fs::path& path, const std::vector<float>& samples, int sample_rate, WavFormat format) {
  if (sample_rate <= 0) bad_input("cannot write ", path.string(), ": invalid sample rate ", sample_rate);
  write_file_atomic(path, encode_wav(samples, sample_rate, format));
}

}  // namespace gsv::audio
