#!/usr/bin/env bash
# fp32 GEMM through MLX with the interposed OpenBLAS vs the reference BLAS bundled in the mlx-cpu
# wheel (preloaded to take the binding back), at 1 and 2 OpenBLAS threads.
# Usage: tools/bench/gemm.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
REF=$(ls .deps/py/mlx_cpu.libs/libblas-*.so* | head -1)
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)}  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
run() { "$@" --benchmark_format=csv 2>/dev/null | awk -F, '/BM_Sgemm/ {gsub(/"/,"",$1); split($1,a,"/"); printf "%s %s\n", a[2], $NF}' ; }
for t in 1 2; do
  echo "== OpenBLAS, OPENBLAS_NUM_THREADS=$t"; OPENBLAS_NUM_THREADS=$t run "$B/bench/bench_gemm"
done
echo "== bundled reference BLAS ($REF)"; LD_PRELOAD=$REF run "$B/bench/bench_gemm"
