// 1,000 syntheses in one process: resident memory must level off (the long-running rule).
// Bound: after 50 warm-up requests, RSS may grow by at most 64 MiB over the next 950.
#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

#include "pipeline/synthesize.h"
#include "support/golden.h"

using namespace gsv::pipeline;
using gsv::test::fixture;

namespace {
double rss_mib() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * double(::sysconf(_SC_PAGESIZE)) / (1 << 20);
}
}  // namespace

TEST(LongRunning, ThousandSynthesesKeepMemoryFlat) {
  EngineFiles files{fixture("e2e/models/s1.ckpt"), fixture("e2e/models/s2.pth"), {fixture("e2e/models")}};
  auto engine = load_engine(files);
  auto ref = prepare_reference(*engine, {fixture("e2e/reference/ref.wav"), {}, "大家好，欢迎收听。", "zh"});
  const char* texts[] = {"今天天气很好。", "Hello, how are you today?", "我们明天去公园散步，好不好？", "一二三四五。"};
  SynthesisOptions o;
  // Greedy and capped: the tiny random GPT ends on EOS after ~15 tokens when greedy; sampling could
  // run it to the cap, which would only make the loop slower, not the check stronger.
  o.top_k = 1;
  o.max_tokens = 60;
  double warm = 0;
  size_t samples = 0;
  for (int i = 0; i < 1000; ++i) {
    o.seed = i;
    synthesize(*engine, ref, texts[i % 4], o, [&](const AudioChunk& c) { samples += c.samples.size(); });
    if (i == 49) warm = rss_mib();
    if (i % 100 == 99) std::cout << "  after " << i + 1 << " syntheses: RSS " << rss_mib() << " MiB\n";
  }
  const double end = rss_mib();
  std::cout << "  RSS after warm-up " << warm << " MiB, after 1000 " << end << " MiB; " << samples / 32000.0
            << " s of audio\n";
  EXPECT_LT(end - warm, 64.0);
}
