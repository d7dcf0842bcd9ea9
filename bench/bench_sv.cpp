// Speed of the v2Pro speaker embedding on full-size random weights (tools/golden/eres2netv2_fullsize.py):
// Kaldi fbank and ERes2NetV2 forward3 on N seconds of 16 kHz audio, alone and together
// (compute_sv_embedding, what the pipeline calls once per reference); forward3 through both 3x3 conv
// routes (the default tap-sum GEMMs for narrow convs, and MLX's conv2d for all). Compare with
// tools/bench/sv_upstream.py on the same machine (docs/benchmarks.md §7).
//
//   build/bench/bench_sv [--ckpt PATH] [--seconds 10] [--reps 3]
// Prints one `key=value` line per measurement.
#include <dlfcn.h>
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

#include "audio/fbank.h"
#include "bench_common.h"
#include "core/blas_info.h"
#include "core/conv.h"
#include "core/error.h"
#include "models/eres2netv2.h"
#include "pipeline/speaker.h"

namespace mx = mlx::core;
using namespace gsv::models;

using namespace gsv::bench;

namespace {

struct Args {
  std::string ckpt;
  double seconds = 10;
  int reps = 3;
};

Args parse(int argc, char** argv) {
  Args a;
  a.ckpt = large_fixture("sv/pretrained_eres2netv2w24s4ep4.ckpt");
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) gsv::bad_input(argv[i], " needs a value");
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--ckpt")) a.ckpt = next();
    else if (!std::strcmp(argv[i], "--seconds")) a.seconds = std::stod(next());
    else if (!std::strcmp(argv[i], "--reps")) a.reps = std::stoi(next());
    else gsv::bad_input("unknown argument ", argv[i]);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    std::cout << "# impl=mlx-cpp mlx=" << mx::version()
              << " device=" << (mx::default_device() == mx::Device::cpu ? "cpu" : "gpu")
              << " cblas_sgemm=" << gsv::blas_sgemm_library() << " openblas_core=" << openblas_core()
              << " OPENBLAS_CORETYPE=" << env_or("OPENBLAS_CORETYPE", "(unset)")
              << " OPENBLAS_NUM_THREADS=" << env_or("OPENBLAS_NUM_THREADS", "(unset)") << std::endl;

    auto t0 = std::chrono::steady_clock::now();
    const ERes2NetV2 model = load_eres2netv2_file(a.ckpt);
    std::cout << "sv_load s=" << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
              << std::endl;

    const int samples = static_cast<int>(a.seconds * 16000);
    auto wav = mx::clip(mx::multiply(mx::random::normal({1, samples}, mx::float32, 0, 1, mx::random::key(1)),
                                     mx::array(0.1f)),
                        mx::array(-1.0f), mx::array(1.0f));
    mx::eval(wav);
    auto feats = gsv::audio::kaldi_fbank(wav);
    mx::eval(feats);
    const std::string extra =
        "audio_s=" + std::to_string(a.seconds) + " frames=" + std::to_string(gsv::audio::kaldi_fbank_frames(samples));
    report("sv_fbank", extra, a.reps, time_it(a.reps, [&] { mx::eval(gsv::audio::kaldi_fbank(wav)); }));
    // The conv routes: auto (narrow stride-1 3x3 convs as tap-sum GEMMs, the default) and native (MLX's
    // im2col conv2d for every 3x3).
    for (auto route : {gsv::ConvRoute::Auto, gsv::ConvRoute::Native}) {
      gsv::set_conv_route(route);
      const std::string name = route == gsv::ConvRoute::Auto ? "auto" : "native";
      report("sv_forward3", extra + " route=" + name, a.reps,
             time_it(a.reps, [&] { mx::eval(eres2netv2_forward3(model, feats)); }));
    }
    gsv::set_conv_route(gsv::ConvRoute::Auto);
    report("sv_embedding", extra, a.reps, time_it(a.reps, [&] { mx::eval(gsv::pipeline::compute_sv_embedding(model, wav)); }));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_sv: " << e.what() << "\n";
    return 2;
  }
}
