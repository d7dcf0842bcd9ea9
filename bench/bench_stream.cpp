// Memory bandwidth of this machine, STREAM style, to put the T2S decode speed in context: a decode
// step reads every weight once, so bytes-per-token / bandwidth is its lower bound
// (docs/benchmarks.md §4).
//
// Kernels over float32 arrays much larger than the last-level cache, 1..N threads (std::thread,
// each on its own slice): read (sum), copy (b = a), triad (a = b + s c). Bytes count what the
// kernel reads plus what it writes. Best of --reps runs. Output, one line per kernel and thread count:
//   stream kernel=read threads=1 mib=512 best_gbps=... median_gbps=...
//
// Usage: bench_stream [--mib 512] [--reps 7] [--threads 2]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  size_t mib = 512;
  int reps = 7;
  int threads = 2;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--mib") a.mib = std::strtoul(argv[i + 1], nullptr, 10);
    else if (k == "--reps") a.reps = std::atoi(argv[i + 1]);
    else if (k == "--threads") a.threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: bench_stream [--mib N] [--reps N] [--threads N]\n");
      std::exit(2);
    }
  }
  return a;
}

volatile float g_sink = 0;

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  const size_t n = args.mib * 1024 * 1024 / sizeof(float);
  std::vector<float> a(n, 1.0f), b(n, 2.0f), c(n, 0.5f);
  const float s = 3.0f;
  std::vector<float> partial(64, 0.0f);

  struct Kernel {
    const char* name;
    double bytes_per_elem;
    std::function<void(size_t, size_t, int)> fn;
  };
  std::vector<Kernel> kernels = {
      {"read", 4.0,
       [&](size_t lo, size_t hi, int t) {
         // 16 independent partial sums: the compiler keeps them in two vector registers.
         float acc[16] = {};
         size_t i = lo;
         for (; i + 16 <= hi; i += 16)
           for (int j = 0; j < 16; ++j) acc[j] += a[i + j];
         for (; i < hi; ++i) acc[0] += a[i];
         float sum = 0;
         for (float v : acc) sum += v;
         partial[t] = sum;
       }},
      {"copy", 8.0, [&](size_t lo, size_t hi, int) { std::memcpy(b.data() + lo, a.data() + lo, (hi - lo) * 4); }},
      {"triad", 12.0,
       [&](size_t lo, size_t hi, int) {
         for (size_t i = lo; i < hi; ++i) a[i] = b[i] + s * c[i];
       }},
  };

  std::printf("# stream: %zu MiB per array, %d reps, hardware_concurrency %u\n", args.mib, args.reps,
              std::thread::hardware_concurrency());
  for (int threads = 1; threads <= args.threads; ++threads) {
    for (auto& k : kernels) {
      std::vector<double> gbps, cpu_gbps;
      for (int r = 0; r < args.reps + 1; ++r) {
        std::vector<double> cpu(threads, 0.0);
        std::vector<std::thread> pool;
        auto t0 = Clock::now();
        for (int t = 0; t < threads; ++t) {
          size_t lo = n * t / threads, hi = n * (t + 1) / threads;
          pool.emplace_back([&, lo, hi, t] {
            timespec c0, c1;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
            k.fn(lo, hi, t);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
            cpu[t] = double(c1.tv_sec - c0.tv_sec) + 1e-9 * double(c1.tv_nsec - c0.tv_nsec);
          });
        }
        for (auto& th : pool) th.join();
        const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
        if (r == 0) continue;  // the first run touches the pages
        gbps.push_back(k.bytes_per_elem * double(n) / sec / 1e9);
        // Bandwidth while actually running (this machine is shared: wall time includes waiting).
        cpu_gbps.push_back(k.bytes_per_elem * double(n) / *std::max_element(cpu.begin(), cpu.end()) / 1e9);
      }
      std::sort(gbps.begin(), gbps.end());
      std::sort(cpu_gbps.begin(), cpu_gbps.end());
      std::printf("stream kernel=%s threads=%d mib=%zu best_gbps=%.2f median_gbps=%.2f cpu_time_gbps=%.2f\n", k.name,
                  threads, args.mib, gbps.back(), gbps[gbps.size() / 2], cpu_gbps[cpu_gbps.size() / 2]);
      std::fflush(stdout);
    }
  }
  for (float p : partial) g_sink = g_sink + p;
  return 0;
}
