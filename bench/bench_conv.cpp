// The GEMM rewrites of core/conv.h against MLX's native conv route (a naive single-thread loop on
// CPU for these cases), on the shapes GPT-SoVITS runs. Prints ms per call for each route.
//   build/bench/bench_conv --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <mlx/mlx.h>

#include <cstdlib>

#include "core/blas_info.h"
#include "core/conv.h"

namespace mx = mlx::core;

namespace {
mx::array randn(mx::Shape s, uint64_t seed) { return mx::random::normal(s, mx::float32, 0, 1, mx::random::key(seed)); }

void set_flops(benchmark::State& state, double flops) {
  state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}
}  // namespace

// HiFi-GAN ResBlock1 convs1: dilation 3 and 5 (args: T, C, K, d, route 0 native / 1 rewrite).
static void BM_DilatedConv(benchmark::State& state) {
  const int T = state.range(0), C = state.range(1), K = state.range(2), d = state.range(3);
  gsv::set_conv_route(state.range(4) ? gsv::ConvRoute::Rewrite : gsv::ConvRoute::Native);
  auto x = randn({1, T, C}, 1), w = randn({C, K, C}, 2);
  mx::eval({x, w});
  const int pad = d * (K - 1) / 2;
  for (auto _ : state) mx::eval(gsv::conv1d_any(x, w, 1, pad, pad, d, 1));
  set_flops(state, 2.0 * T * C * C * K);
  state.SetLabel(state.range(4) ? "rewrite" : "native");
}
BENCHMARK(BM_DilatedConv)
    ->ArgsProduct({{4000}, {256}, {3}, {3, 5}, {0, 1}})
    ->ArgsProduct({{8000}, {128}, {7}, {3}, {0, 1}})
    ->ArgsProduct({{16000}, {64}, {11}, {5}, {0, 1}})
    ->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(0.3);

// Generator upsamplers: ConvTranspose1d (args: T, I, O, K, s, route).
static void BM_TransposedConv(benchmark::State& state) {
  const int T = state.range(0), I = state.range(1), O = state.range(2), K = state.range(3), s = state.range(4);
  auto x = randn({1, T, I}, 3), w = randn({O, K, I}, 4);
  mx::eval({x, w});
  gsv::set_conv_route(state.range(5) ? gsv::ConvRoute::Rewrite : gsv::ConvRoute::Native);
  for (auto _ : state) mx::eval(gsv::conv_transpose1d_any(x, w, s, (K - s) / 2, 0));
  set_flops(state, 2.0 * T * I * O * K);
  state.SetLabel(state.range(5) ? "rewrite" : "native");
}
BENCHMARK(BM_TransposedConv)
    ->Args({200, 512, 256, 16, 10, 0})->Args({200, 512, 256, 16, 10, 1})
    ->Args({2000, 256, 128, 16, 8, 0})->Args({2000, 256, 128, 16, 8, 1})
    ->Args({16000, 128, 64, 8, 2, 0})->Args({16000, 128, 64, 8, 2, 1})
    ->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(0.3);

// Grouped convs: HuBERT pos_conv (k128, g16) and DiscriminatorS (k41, s4) (args: T, C, O, K, s, g, route).
static void BM_GroupedConv(benchmark::State& state) {
  const int T = state.range(0), C = state.range(1), O = state.range(2), K = state.range(3), s = state.range(4),
            g = state.range(5);
  auto x = randn({1, T, C}, 5), w = randn({O, K, C / g}, 6);
  mx::eval({x, w});
  const int pad = K / 2;
  for (auto _ : state) {
    if (state.range(6)) mx::eval(gsv::conv1d_grouped_rewrite(x, w, s, pad, pad, 1, g));
    else mx::eval(mx::conv_general(x, w, std::vector<int>{s}, std::vector<int>{pad}, std::vector<int>{pad},
                                   std::vector<int>{1}, std::vector<int>{1}, g));
  }
  set_flops(state, 2.0 * (T / s) * (C / g) * O * K);
  state.SetLabel(state.range(6) ? "rewrite" : "native");
}
BENCHMARK(BM_GroupedConv)
    ->Args({500, 768, 768, 128, 1, 16, 0})->Args({500, 768, 768, 128, 1, 16, 1})
    ->Args({20480, 16, 64, 41, 4, 4, 0})->Args({20480, 16, 64, 41, 4, 4, 1})
    ->Args({5120, 64, 256, 41, 4, 16, 0})->Args({5120, 64, 256, 41, 4, 16, 1})
    ->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(0.3);

// Forward + backward (dL/dx and dL/dw) of the grouped convs, as training runs them: here MLX's
// native route is naive in both gradients (input dilation with flip; kernel dilation = stride), while
// the im2col rewrite differentiates through a matmul (args as above).
static void BM_GroupedConvGrad(benchmark::State& state) {
  const int T = state.range(0), C = state.range(1), O = state.range(2), K = state.range(3), s = state.range(4),
            g = state.range(5);
  auto x = randn({1, T, C}, 5), w = randn({O, K, C / g}, 6);
  mx::eval({x, w});
  const int pad = K / 2;
  const bool rewrite = state.range(6);
  auto loss = [&](const std::vector<mx::array>& in) {
    auto y = rewrite ? gsv::conv1d_grouped_rewrite(in[0], in[1], s, pad, pad, 1, g)
                     : mx::conv_general(in[0], in[1], std::vector<int>{s}, std::vector<int>{pad}, std::vector<int>{pad},
                                        std::vector<int>{1}, std::vector<int>{1}, g);
    return std::vector<mx::array>{mx::sum(mx::square(y))};
  };
  for (auto _ : state) {
    auto [out, grads] = mx::vjp(loss, {x, w}, {mx::array(1.0f)});
    mx::eval(grads);
  }
  set_flops(state, 3 * 2.0 * (T / s) * (C / g) * O * K);
  state.SetLabel(rewrite ? "rewrite" : "native");
}
BENCHMARK(BM_GroupedConvGrad)
    ->Args({20480, 16, 64, 41, 4, 4, 0})->Args({20480, 16, 64, 41, 4, 4, 1})
    ->Args({5120, 64, 256, 41, 4, 16, 0})->Args({5120, 64, 256, 41, 4, 16, 1})
    ->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(0.3);

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
