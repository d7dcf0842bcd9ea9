// SoVITS decode speed on full-size random weights (tools/golden/sovits_fullsize.py), reported as
// seconds of compute per second of 32 kHz audio, for the whole decode and for the HiFi-GAN generator
// alone, with the conv routes Auto (GEMM rewrites on CPU) and Native (MLX's own conv kernels).
// Compare with tools/bench/sovits_upstream.py on the same machine (docs/benchmarks.md §5).
//
//   build/bench/bench_sovits [--model PATH] [--tokens 50] [--phones 40] [--ref-frames 150] [--reps 3]
//                            [--native-reps 1] [--skip-native]
// Prints one `key=value` line per measurement.
#include <mlx/mlx.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "bench_common.h"
#include "core/blas_info.h"
#include "core/conv.h"
#include "core/error.h"
#include "models/sovits.h"

namespace mx = mlx::core;

// OpenBLAS is linked into every executable (CMakeLists.txt: gsv_link_runtime), so its own
// introspection functions are available: which kernel set DYNAMIC_ARCH picked, and its thread count.
extern "C" char* openblas_get_config();
extern "C" int openblas_get_num_threads();

namespace {

struct Args {
  std::string model;
  int tokens = 50, phones = 40, ref_frames = 150, reps = 3, native_reps = 1;
  bool skip_native = false;
};

Args parse(int argc, char** argv) {
  Args a;
  a.model = gsv::bench::large_fixture("sovits/s2_v2_fullsize.pth");
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) gsv::bad_input(argv[i], " needs a value");
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--model")) a.model = next();
    else if (!std::strcmp(argv[i], "--tokens")) a.tokens = std::stoi(next());
    else if (!std::strcmp(argv[i], "--phones")) a.phones = std::stoi(next());
    else if (!std::strcmp(argv[i], "--ref-frames")) a.ref_frames = std::stoi(next());
    else if (!std::strcmp(argv[i], "--reps")) a.reps = std::stoi(next());
    else if (!std::strcmp(argv[i], "--native-reps")) a.native_reps = std::stoi(next());
    else if (!std::strcmp(argv[i], "--skip-native")) a.skip_native = true;
    else gsv::bad_input("unknown argument ", argv[i]);
  }
  return a;
}

using gsv::bench::cpu_seconds;
using gsv::bench::env_or;

struct Timing {
  double best_wall = 1e30, mean_wall = 0, best_cpu = 1e30;
};

// Runs `f` once to warm up, then `reps` times.
Timing time_it(int reps, const std::function<void()>& f) {
  f();
  Timing t;
  for (int i = 0; i < reps; ++i) {
    const double c0 = cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    f();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t.best_wall = std::min(t.best_wall, wall);
    t.best_cpu = std::min(t.best_cpu, cpu_seconds() - c0);
    t.mean_wall += wall / reps;
  }
  return t;
}

void report(const char* what, const char* route, const Args& a, double audio_s, const Timing& t, int reps) {
  std::cout << what << " route=" << route << " tokens=" << a.tokens << " audio_s=" << audio_s << " reps=" << reps
            << " best_wall_s=" << t.best_wall << " mean_wall_s=" << t.mean_wall << " best_cpu_s=" << t.best_cpu
            << " wall_per_audio_s=" << t.best_wall / audio_s << " cpu_per_audio_s=" << t.best_cpu / audio_s << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    std::cout << "# cblas_sgemm=" << gsv::blas_sgemm_library() << " OPENBLAS_CORETYPE="
              << env_or("OPENBLAS_CORETYPE", "(unset)") << " OPENBLAS_NUM_THREADS="
              << env_or("OPENBLAS_NUM_THREADS", "(unset)") << "\n# openblas_config=\"" << openblas_get_config()
              << "\" openblas_threads=" << openblas_get_num_threads() << "\n";
    auto loaded = gsv::load_sovits_file(a.model);
    const auto& m = loaded.model;
    std::cout << "# model=" << a.model << " version=" << m.cfg.version << "\n";

    auto key = mx::random::key(1);
    auto codes = mx::random::randint(0, m.cfg.codebook_size, {1, a.tokens}, mx::int32, key);
    auto phones = mx::random::randint(0, m.cfg.n_symbols, {1, a.phones}, mx::int32, mx::random::key(2));
    auto spec = mx::random::uniform(0.0f, 2.0f, {1, a.ref_frames, 1025}, mx::float32, mx::random::key(3));
    std::vector<mx::array> sv;
    if (m.cfg.is_pro()) sv.push_back(mx::random::normal({1, m.cfg.sv_dim}, mx::float32, 0, 1, mx::random::key(4)));
    const int frames = 2 * a.tokens;
    auto z = mx::random::normal({1, frames, m.cfg.inter_channels}, mx::float32, 0, 1, mx::random::key(5));
    auto ge = mx::random::normal({1, 1, m.cfg.gin_channels}, mx::float32, 0, 1, mx::random::key(6));
    mx::eval({codes, phones, spec, z, ge});
    const double audio_s = double(frames * m.cfg.samples_per_frame()) / m.cfg.sampling_rate;

    auto run_decode = [&] {
      gsv::SovitsDecodeOptions o;
      o.seed = 7;
      o.sv_embs = sv;
      mx::eval(gsv::decode(m, codes, phones, {spec}, o));
    };
    auto run_generator = [&] { mx::eval(gsv::sovits::generator(z, ge, m.dec)); };

    for (auto route : {gsv::ConvRoute::Auto, gsv::ConvRoute::Native}) {
      const bool native = route == gsv::ConvRoute::Native;
      if (native && a.skip_native) continue;
      gsv::set_conv_route(route);
      const int reps = native ? a.native_reps : a.reps;
      const char* name = native ? "native" : "auto";
      report("sovits_generator", name, a, audio_s, time_it(reps, run_generator), reps);
      report("sovits_decode", name, a, audio_s, time_it(reps, run_decode), reps);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_sovits: " << e.what() << "\n";
    return 2;
  }
}
