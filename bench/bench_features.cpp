// Feature-extractor speed on full-size random weights (tools/golden/hubert_roberta_fullsize.py):
// chinese-hubert-base on N seconds of 16 kHz audio and chinese-roberta-wwm-ext-large on a text of M
// characters (hidden_states[-3] and the word2ph expansion, as get_bert_feature). The HuBERT positional
// conv (768 ch, k 128, 16 groups) is timed on its own through both grouped-conv routes of core/conv.h:
// MLX's native kernel and conv1d_grouped_rewrite (im2col + one batched matmul).
// Compare with tools/bench/features_upstream.py on the same machine (docs/benchmarks.md §6).
//
//   build/bench/bench_features [--dir PATH] [--seconds 10] [--chars 50] [--reps 3]
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

#include "bench_common.h"
#include "core/blas_info.h"
#include "core/conv.h"
#include "core/error.h"
#include "models/cnhubert.h"
#include "models/roberta.h"

namespace mx = mlx::core;
using namespace gsv::models;

using namespace gsv::bench;

namespace {

struct Args {
  std::string dir;
  double seconds = 10;
  int chars = 50, reps = 3;
};

Args parse(int argc, char** argv) {
  Args a;
  a.dir = large_fixture("features");
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) gsv::bad_input(argv[i], " needs a value");
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--dir")) a.dir = next();
    else if (!std::strcmp(argv[i], "--seconds")) a.seconds = std::stod(next());
    else if (!std::strcmp(argv[i], "--chars")) a.chars = std::stoi(next());
    else if (!std::strcmp(argv[i], "--reps")) a.reps = std::stoi(next());
    else gsv::bad_input("unknown argument ", argv[i]);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    std::cout << "# impl=mlx-cpp mlx=" << mx::version() << " cblas_sgemm=" << gsv::blas_sgemm_library()
              << " openblas_core=" << openblas_core() << " OPENBLAS_CORETYPE=" << env_or("OPENBLAS_CORETYPE", "(unset)")
              << " OPENBLAS_NUM_THREADS=" << env_or("OPENBLAS_NUM_THREADS", "(unset)") << "\n";

    // ---------------------------------------------------------------- HuBERT
    auto t0 = std::chrono::steady_clock::now();
    const CnHubert hubert = load_cnhubert_dir(a.dir + "/chinese-hubert-base");
    const double hubert_load = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "hubert_load s=" << hubert_load << "\n";
    const int samples = static_cast<int>(a.seconds * 16000) + 1;
    auto wav = mx::multiply(mx::random::normal({1, samples}, mx::float32, 0, 1, mx::random::key(1)), mx::array(0.1f));
    mx::eval(wav);
    const std::string hub_extra = "audio_s=" + std::to_string(a.seconds) +
                                  " frames=" + std::to_string(cnhubert_frames(hubert.config, samples));

    auto projected = cnhubert_projection(hubert, cnhubert_features(hubert, wav));
    mx::eval(projected);
    for (auto route : {gsv::ConvRoute::Native, gsv::ConvRoute::Rewrite}) {
      gsv::set_conv_route(route);
      const std::string name = route == gsv::ConvRoute::Native ? "native" : "rewrite";
      report("hubert_pos_conv", hub_extra + " route=" + name, a.reps,
             time_it(a.reps, [&] { mx::eval(cnhubert_pos_conv(hubert, projected)); }));
    }
    gsv::set_conv_route(gsv::ConvRoute::Auto);
    report("hubert_feature_encoder", hub_extra, a.reps,
           time_it(a.reps, [&] { mx::eval(cnhubert_features(hubert, wav)); }));
    report("hubert_forward", hub_extra + " route=auto", a.reps,
           time_it(a.reps, [&] { mx::eval(cnhubert_forward(hubert, wav)); }));

    // ---------------------------------------------------------------- RoBERTa
    t0 = std::chrono::steady_clock::now();
    const Roberta roberta = load_roberta_dir(a.dir + "/chinese-roberta-wwm-ext-large");
    const double roberta_load = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "roberta_load s=" << roberta_load << " layers_kept=" << roberta.layers.size() << "\n";
    // [CLS] + chars ids + [SEP]; the synthetic vocab's CJK ideographs start after the ASCII block.
    std::vector<int> ids = {101};
    for (int i = 0; i < a.chars; ++i) ids.push_back(700 + (i * 37) % 20000);
    ids.push_back(102);
    std::vector<int> word2ph(a.chars, 2);
    const std::string rob_extra = "chars=" + std::to_string(a.chars);
    report("roberta_bert_feature", rob_extra, a.reps, time_it(a.reps, [&] {
             mx::eval(bert_phone_features(roberta_char_features(roberta, ids), word2ph));
           }));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_features: " << e.what() << "\n";
    return 2;
  }
}
