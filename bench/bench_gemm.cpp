// fp32 GEMM throughput through mx::matmul, i.e. through whichever cblas_sgemm the process bound.
// Run it as built (OpenBLAS interposed) and with the wheel's bundled reference BLAS preloaded:
//   build/bench/bench_gemm
//   LD_PRELOAD=$(ls .deps/py/mlx_cpu.libs/libblas-*.so*) build/bench/bench_gemm
// tools/bench/gemm.sh does both at 1 and 2 OpenBLAS threads.
#include <benchmark/benchmark.h>
#include <mlx/mlx.h>

#include <cstdlib>
#include <iostream>

#include "core/blas_info.h"

namespace mx = mlx::core;

static void BM_Sgemm(benchmark::State& state) {
  const int n = int(state.range(0));
  auto a = mx::random::normal({n, n}, mx::float32, 0, 1, mx::random::key(1));
  auto b = mx::random::normal({n, n}, mx::float32, 0, 1, mx::random::key(2));
  mx::eval({a, b});
  for (auto _ : state) {
    auto c = mx::matmul(a, b);
    mx::eval(c);
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Sgemm)->Arg(256)->Arg(512)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);

int main(int argc, char** argv) {
  const char* threads = std::getenv("OPENBLAS_NUM_THREADS");
  const char* core = std::getenv("OPENBLAS_CORETYPE");
  benchmark::AddCustomContext("sgemm_library", gsv::blas_sgemm_library());
  benchmark::AddCustomContext("OPENBLAS_NUM_THREADS", threads ? threads : "(unset)");
  benchmark::AddCustomContext("OPENBLAS_CORETYPE", core ? core : "(unset)");
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
