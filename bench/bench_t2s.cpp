// T2S (GPT stage) speed and reduced-precision drift on the full-size model.
//
// Uses the random-init full-size s1 checkpoint from tools/golden/t2s_fullsize.py (same weights that
// tools/bench/t2s_upstream.py times through upstream PyTorch). For each precision:
//   load time; prefill time (X phones + Yp prompt tokens, one step incl. its sample);
//   T(N) = wall time to produce N tokens (prefill + N - 1 decode steps, default sampling
//   top_k 15 / rp 1.35, no EOS stop) for each N in --tokens; decode ms/token = (T(N) - T(1)) / (N - 1);
//   bytes read per decode token (weights of the blocks and the head + the KV cache at the mean
//   length) and, with --bandwidth-gbps, the fraction of the bandwidth bound that reaches;
//   drift: greedy tokens (top_k 1, rp 1.35) over --agree steps compared with fp32.
// Output lines are "t2s key=value ..." (machine-readable); "#" lines are comments.
//
// Usage: bench_t2s --ckpt /work/fixtures-large/t2s/s1_fullsize.ckpt [--precisions fp32,fp16,bf16,q8,q4]
//                  [--tokens 50,200,500] [--phones 60] [--prompt 150] [--reps 3] [--agree 200]
//                  [--bandwidth-gbps G] [--seed 1]
#include <mlx/mlx.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench_common.h"
#include "core/blas_info.h"
#include "core/error.h"
#include "models/t2s.h"

namespace mx = mlx::core;

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string ckpt = "/work/fixtures-large/t2s/s1_fullsize.ckpt";
  std::vector<std::string> precisions{"fp32", "fp16", "bf16", "q8", "q4"};
  std::vector<int> tokens{50, 200, 500};
  int phones = 60;
  int prompt = 150;
  int reps = 3;
  int agree = 200;
  double bandwidth_gbps = 0;
  uint64_t seed = 1;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--ckpt") a.ckpt = v;
    else if (k == "--precisions") a.precisions = split(v);
    else if (k == "--tokens") {
      a.tokens.clear();
      for (auto& t : split(v)) a.tokens.push_back(std::stoi(t));
    } else if (k == "--phones") a.phones = std::stoi(v);
    else if (k == "--prompt") a.prompt = std::stoi(v);
    else if (k == "--reps") a.reps = std::stoi(v);
    else if (k == "--agree") a.agree = std::stoi(v);
    else if (k == "--bandwidth-gbps") a.bandwidth_gbps = std::stod(v);
    else if (k == "--seed") a.seed = std::stoull(v);
    else {
      std::fprintf(stderr, "unknown option %s (see the comment at the top of bench/bench_t2s.cpp)\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

using gsv::bench::cpu_seconds;

// Wall and CPU time of fn().
template <typename F>
std::pair<double, double> timed(F&& fn) {
  const double c0 = cpu_seconds();
  const auto t0 = Clock::now();
  fn();
  return {seconds_since(t0), cpu_seconds() - c0};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Input {
  mx::array phones, bert, prompt;
};

Input make_input(const gsv::T2SConfig& c, const Args& a) {
  auto key = mx::random::key(42);
  auto keys = mx::random::split(key, 3);
  auto k = [&](int i) { return mx::squeeze(mx::slice(keys, {i, 0}, {i + 1, 2}), 0); };
  Input in{mx::random::randint(0, c.phoneme_vocab_size, {1, a.phones}, mx::int32, k(0)),
           mx::multiply(mx::random::normal({1, c.bert_dim, a.phones}, mx::float32, k(1)), mx::array(0.3f)),
           mx::random::randint(0, c.eos, {1, a.prompt}, mx::int32, k(2))};
  mx::eval(in.phones, in.bert, in.prompt);
  return in;
}

// Produces `n` tokens without any stop check (what a run of n tokens costs), returns them.
std::vector<int32_t> run_tokens(const gsv::T2SWeights& m, const Input& in, int n, const gsv::T2SSampling& s,
                                uint64_t seed) {
  gsv::T2SKVCache cache;
  std::vector<int32_t> y(in.prompt.data<int32_t>(), in.prompt.data<int32_t>() + in.prompt.size());
  const int prefix = int(y.size());
  auto key = mx::random::key(seed);
  auto logits = gsv::t2s_prefill(m, in.phones, in.bert, in.prompt, cache);
  for (int idx = 0; idx < n; ++idx) {
    if (idx > 0) logits = gsv::t2s_decode_step(m, mx::array({y.back()}, {1}), prefix + idx - 1, cache);
    if (idx < 11) logits = mx::slice(logits, {0, 0}, {1, m.config.vocab_size - 1});
    std::optional<mx::array> step_key;
    if (s.top_k != 1) {
      auto [next, sub] = mx::random::split(key);
      key = next;
      step_key = sub;
    }
    auto step = gsv::sample_tokens(logits, mx::array(y.data(), {1, int(y.size())}), s, std::nullopt, step_key);
    y.push_back(step.tokens.item<int32_t>());
  }
  return std::vector<int32_t>(y.begin() + prefix, y.end());
}

double bytes_of(const gsv::T2SLinear& l) {
  double b = double(l.weight.nbytes());
  if (l.scales) b += double(l.scales->nbytes());
  if (l.zero_points) b += double(l.zero_points->nbytes());
  if (l.bias) b += double(l.bias->nbytes());
  return b;
}

// Bytes a decode step must read: every block's weights, the head, and the KV cache at `kv_len`.
double decode_bytes(const gsv::T2SWeights& m, double kv_len) {
  double b = bytes_of(m.predict);
  for (const auto& l : m.layers) {
    b += bytes_of(l.qkv) + bytes_of(l.out) + bytes_of(l.ff1) + bytes_of(l.ff2);
    b += double(l.norm1.weight.nbytes() + l.norm1.bias.nbytes() + l.norm2.weight.nbytes() + l.norm2.bias.nbytes());
  }
  const double kv = 2.0 * m.config.num_layers * kv_len * m.config.hidden_dim * 4.0;  // float32 cache
  return b + kv;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  const char* threads = std::getenv("OPENBLAS_NUM_THREADS");
  std::printf("# bench_t2s: ckpt %s, phones %d, prompt %d, reps %d\n", a.ckpt.c_str(), a.phones, a.prompt, a.reps);
  std::printf("# OPENBLAS_CORETYPE=%s OPENBLAS_NUM_THREADS=%s sgemm from %s\n", coretype ? coretype : "(unset)",
              threads ? threads : "(unset)", gsv::blas_sgemm_library().c_str());
  const gsv::T2SSampling defaults{15, 1.0f, 1.0f, 1.35f};
  const gsv::T2SSampling greedy{1, 1.0f, 1.0f, 1.35f};
  std::vector<int32_t> reference;
  std::optional<mx::array> reference_logits;
  try {
    for (const auto& name : a.precisions) {
      const auto precision = gsv::parse_t2s_precision(name);
      mx::clear_cache();
      const size_t before = mx::get_active_memory();
      auto t0 = Clock::now();
      auto model = gsv::load_t2s_file(a.ckpt, {precision});
      const double load_s = seconds_since(t0);
      mx::clear_cache();
      const double model_mb = double(mx::get_active_memory() - before) / 1e6;
      const auto& m = model.weights;
      const Input in = make_input(m.config, a);
      run_tokens(m, in, 3, defaults, a.seed);  // warm-up (allocator, first-touch)

      std::vector<double> t1, c1;
      for (int r = 0; r < std::max(a.reps, 1); ++r) {
        auto [wall, cpu] = timed([&] { run_tokens(m, in, 1, defaults, a.seed); });
        t1.push_back(wall);
        c1.push_back(cpu);
      }
      const double prefill = median(t1), prefill_cpu = median(c1);
      std::printf("t2s precision=%s load_s=%.2f model_mb=%.1f prefill_ms=%.1f prefill_cpu_ms=%.1f phones=%d prompt=%d\n",
                  name.c_str(), load_s, model_mb, prefill * 1e3, prefill_cpu * 1e3, a.phones, a.prompt);
      std::fflush(stdout);
      for (int n : a.tokens) {
        if (n < 2) continue;
        std::vector<double> tn, cn;
        const int reps = n >= 400 ? 1 : a.reps;
        for (int r = 0; r < reps; ++r) {
          auto [wall, cpu] = timed([&] { run_tokens(m, in, n, defaults, a.seed); });
          tn.push_back(wall);
          cn.push_back(cpu);
        }
        const double per_token = (median(tn) - prefill) / (n - 1);
        const double per_token_cpu = (median(cn) - prefill_cpu) / (n - 1);
        const double bytes = decode_bytes(m, a.phones + a.prompt + n / 2.0);
        std::printf("t2s precision=%s tokens=%d total_s=%.2f decode_ms_per_token=%.2f decode_cpu_ms_per_token=%.2f "
                    "tokens_per_s=%.1f bytes_per_token_mb=%.1f",
                    name.c_str(), n, median(tn), per_token * 1e3, per_token_cpu * 1e3, 1.0 / per_token, bytes / 1e6);
        if (a.bandwidth_gbps > 0)
          std::printf(" bound_ms=%.2f of_bound=%.2f of_bound_cpu=%.2f", bytes / (a.bandwidth_gbps * 1e9) * 1e3,
                      bytes / (a.bandwidth_gbps * 1e9) / per_token, bytes / (a.bandwidth_gbps * 1e9) / per_token_cpu);
        std::printf("\n");
        std::fflush(stdout);
      }
      if (a.agree > 0) {
        auto tokens = run_tokens(m, in, a.agree, greedy, a.seed);
        gsv::T2SKVCache cache;
        auto logits = gsv::t2s_prefill(m, in.phones, in.bert, in.prompt, cache);
        if (precision == gsv::T2SPrecision::Float32) {
          reference = tokens;
          reference_logits = logits;
        }
        if (!reference.empty()) {
          int first = 0, same = 0;
          while (first < a.agree && tokens[first] == reference[first]) ++first;
          for (int i = 0; i < a.agree; ++i) same += tokens[i] == reference[i];
          // Logit error of the prefill against fp32, also relative to the spread of the logits.
          const float err = mx::max(mx::abs(mx::subtract(logits, *reference_logits))).item<float>();
          const float spread = mx::std(*reference_logits).item<float>();
          std::printf("t2s precision=%s drift_tokens=%d first_divergence=%d agree_frac=%.3f prefill_logits_max_abs=%.2e "
                      "fp32_logits_std=%.3f\n",
                      name.c_str(), a.agree, first, double(same) / a.agree, err, spread);
        }
      }
    }
  } catch (const gsv::Error& e) {
    std::fprintf(stderr, "bench_t2s: %s\n", e.what());
    return 2;
  }
  return 0;
}
