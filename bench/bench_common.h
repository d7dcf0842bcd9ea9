// Helpers shared by the model benchmarks: the BLAS / environment facts every report starts with, and
// best-of-N wall plus process-CPU timing (on a machine shared with other jobs the CPU time says how
// much work was done, where wall time also counts the waiting).
#pragma once

#include <dlfcn.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace gsv::bench {

inline const char* env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// A file the tools/golden/*_fullsize.py scripts wrote: $GSV_LARGE_FIXTURES (default
// /work/fixtures-large), then `relative` below it.
inline std::string large_fixture(const std::string& relative) {
  return std::string(env_or("GSV_LARGE_FIXTURES", "/work/fixtures-large")) + "/" + relative;
}

// The kernel set OpenBLAS picked (what OPENBLAS_CORETYPE overrides), when OpenBLAS is the BLAS.
inline std::string openblas_core() {
  using Fn = char* (*)();
  auto fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  return fn ? fn() : "(not OpenBLAS)";
}

// Process CPU time (user + system, all threads): on a shared machine it says how much work was done,
// where wall time also counts the waiting.
inline double cpu_seconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_utime.tv_usec * 1e-6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec * 1e-6;
}

struct Timing {
  double best_s, mean_s, cpu_s;  // best and mean wall time, mean CPU time per run
};

// Runs `f` once to warm up, then `reps` times.
inline Timing time_it(int reps, const std::function<void()>& f) {
  f();
  std::vector<double> t;
  const double cpu0 = cpu_seconds();
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  const double cpu = (cpu_seconds() - cpu0) / reps;
  double sum = 0;
  for (double v : t) sum += v;
  return {*std::min_element(t.begin(), t.end()), sum / t.size(), cpu};
}

inline void report(const std::string& what, const std::string& extra, int reps, Timing t) {
  std::cout << what << " " << extra << " reps=" << reps << " best_s=" << t.best_s << " mean_s=" << t.mean_s
            << " cpu_s=" << t.cpu_s << "\n";
}

}  // namespace gsv::bench
