// The text frontend on ~100-character sentences (zh, en, mixed): warm time per sentence through
// preprocess() (cut, language split, normalisation, g2p, ids), median of 5 repetitions; before the
// benchmarks it prints the cold first-call time (dictionary and model loading).
//   build/bench/bench_frontend --benchmark_counters_tabular=true
// Upstream's Python frontend on the same sentences: tools/bench/frontend_upstream.py.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "text/frontend.h"

namespace {

// The same sentences as tools/bench/frontend_upstream.py (about 100 characters each).
const char* const kZh =
    "今天上午十点，市政府召开新闻发布会，介绍了2024年城市建设的主要成果。据统计，全年新建道路120公里，"
    "改造老旧小区356个，惠及居民约8.5万户。下一步，还将加快地铁三号线建设，力争明年底前正式通车运营。";
const char* const kEn =
    "The committee met on Tuesday to review the budget; members agreed to read the report again before the vote.";
const char* const kMixed =
    "我们今天用Python和PyTorch训练了一个model，loss降到了0.35，效果还不错。"
    "明天打算换成更大的dataset再跑一遍，看看accuracy能不能超过百分之九十。";

void run(benchmark::State& state, const char* text, const char* lang) {
  gsv::text::preprocess(text, lang, "cut0");  // warm
  for (auto _ : state) benchmark::DoNotOptimize(gsv::text::preprocess(text, lang, "cut0"));
  int chars = 0;  // code points
  for (const char* p = text; *p; ++p) chars += (static_cast<unsigned char>(*p) & 0xC0) != 0x80;
  state.counters["chars"] = chars;
}

void BM_FrontendZh(benchmark::State& state) { run(state, kZh, "zh"); }
void BM_FrontendEn(benchmark::State& state) { run(state, kEn, "en"); }
void BM_FrontendMixedAuto(benchmark::State& state) { run(state, kMixed, "auto"); }

BENCHMARK(BM_FrontendZh)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_FrontendEn)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_FrontendMixedAuto)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

double seconds_of(const char* text, const char* lang) {
  auto t0 = std::chrono::steady_clock::now();
  gsv::text::preprocess(text, lang, "cut0");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  // Cold start: the first call of each language loads its dictionaries and models.
  const double zh = seconds_of(kZh, "zh");
  const double en = seconds_of(kEn, "en");
  const double mixed = seconds_of(kMixed, "auto");
  std::printf("cold_first_call_s zh=%.3f en=%.3f mixed_auto=%.3f\n", zh, en, mixed);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
