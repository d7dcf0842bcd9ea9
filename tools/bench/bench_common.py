"""Helpers shared by the upstream (PyTorch) side of the benchmarks; bench/bench_common.h is the C++ twin.
Output lines match the C++ programs' (`key=value`), so both sides read the same way."""
import os
import time


def print_torch_header(torch):
    """The environment line every report starts with."""
    coretype = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    # torch's CPU wheel does its GEMMs and convs with MKL/oneDNN, not OpenBLAS: OPENBLAS_CORETYPE is
    # printed to show both sides ran under the same environment, but it only steers the C++ side.
    print(f"# impl=torch torch={torch.__version__} threads={torch.get_num_threads()} OPENBLAS_CORETYPE={coretype} "
          f"mkl={torch.backends.mkl.is_available()} mkldnn={torch.backends.mkldnn.is_available()}")


def time_it(f, reps):
    """Runs f once to warm up, then reps times: best and mean wall time, and mean process CPU time
    (all threads) per run."""
    f()
    t = []
    cpu0 = time.process_time()
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    return min(t), sum(t) / len(t), (time.process_time() - cpu0) / reps


def report(what, extra, t, reps):
    print(f"{what} {extra} reps={reps} best_s={t[0]:.6g} mean_s={t[1]:.6g} cpu_s={t[2]:.6g}", flush=True)
