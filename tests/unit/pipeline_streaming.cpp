// Streaming: audio reaches the caller before the whole text is synthesised (per segment in mode 1,
// per token chunk in modes 2/3), and the chunks add up to a sensible utterance.
#include <gtest/gtest.h>

#include <chrono>

#include "pipeline/synthesize.h"
#include "support/golden.h"

using namespace gsv::pipeline;
using gsv::test::fixture;

namespace {

struct Loaded {
  std::unique_ptr<Engine> engine;
  Reference ref;
};

Loaded& tiny() {
  static Loaded l = [] {
    EngineFiles files{fixture("e2e/models/s1.ckpt"), fixture("e2e/models/s2.pth"), {fixture("e2e/models")}};
    Loaded x;
    x.engine = load_engine(files);
    x.ref = prepare_reference(*x.engine, {fixture("e2e/reference/ref.wav"), {}, "大家好，欢迎收听。", "zh"});
    return x;
  }();
  return l;
}

const char* kText = "今天天气很好，我们去公园。明天也不错，一起出去玩吧！后天下雨，我们在家看书。";

struct Event {
  char kind;  // 'p' progress, 'c' chunk
  int value;  // segments done / chunk's segment
  double t;   // seconds since the start
  size_t samples;
};

std::vector<Event> run(int mode, SynthesisStats* stats, int min_chunk = 4) {
  SynthesisOptions o;
  o.top_k = 1;
  o.noise_scale = 0;
  o.seed = 0;
  o.streaming_mode = mode;
  o.min_chunk_length = min_chunk;
  std::vector<Event> ev;
  const auto t0 = std::chrono::steady_clock::now();
  auto now = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  *stats = synthesize(
      *tiny().engine, tiny().ref, kText, o,
      [&](const AudioChunk& c) { ev.push_back({'c', c.segment, now(), c.samples.size()}); },
      [&](int done, int) { ev.push_back({'p', done, now(), 0}); });
  return ev;
}

void print(const std::vector<Event>& ev, const SynthesisStats& s) {
  for (const auto& e : ev)
    std::cout << "    " << (e.kind == 'c' ? "chunk    segment " : "progress done    ") << e.value << " at " << e.t * 1000
              << " ms" << (e.kind == 'c' ? ", " + std::to_string(e.samples) + " samples" : "") << "\n";
  std::cout << "  first chunk " << s.first_chunk_s * 1000 << " ms, total audio " << s.audio_s << " s\n";
}

}  // namespace

TEST(Streaming, PerSegmentChunksComeBeforeLaterSegmentsAreDone) {
  SynthesisStats s;
  auto ev = run(1, &s);
  print(ev, s);
  ASSERT_EQ(s.segments, 6);  // cut5: one segment per clause
  // The first segment's audio is handed out before the second segment is synthesised.
  size_t first_chunk = 0, second_done = 0;
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].kind == 'c' && !first_chunk) first_chunk = i + 1;
    if (ev[i].kind == 'p' && ev[i].value == 2) second_done = i + 1;
  }
  ASSERT_GT(first_chunk, 0u);
  EXPECT_LT(first_chunk, second_done);
  EXPECT_EQ(std::count_if(ev.begin(), ev.end(), [](const Event& e) { return e.kind == 'c'; }), 6);
}

TEST(Streaming, WholeModeGivesTheSameAudioInOneChunk) {
  SynthesisStats s0, s1;
  auto whole = run(0, &s0);
  auto pieces = run(1, &s1);
  EXPECT_EQ(std::count_if(whole.begin(), whole.end(), [](const Event& e) { return e.kind == 'c'; }), 1);
  size_t total = 0;
  for (const auto& e : pieces) total += e.kind == 'c' ? e.samples : 0;
  EXPECT_EQ(total, whole.back().samples);
}

TEST(Streaming, TokenChunksArriveWhileTheSegmentIsGenerated) {
  for (int mode : {2, 3}) {
    SynthesisStats s;
    auto ev = run(mode, &s);
    std::cout << "  mode " << mode << ":\n";
    print(ev, s);
    // More chunks than segments: audio flows within a segment, before its T2S run has finished.
    int chunks_seg0 = 0;
    for (const auto& e : ev) chunks_seg0 += e.kind == 'c' && e.value == 0 && e.samples > 0;
    EXPECT_GE(chunks_seg0, 2) << "mode " << mode;
    EXPECT_GT(s.audio_s, 1.0);
  }
}
