#!/usr/bin/env bash
# The conv rewrites of core/conv.h against MLX's native CPU route, as a markdown table.
# Usage: tools/bench/conv.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-(unset)}"
"$B/bench/bench_conv" --benchmark_format=csv 2>/dev/null | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
by = {}
for r in rows:
    name = r["name"].split("/min_time")[0]
    parts = name.split("/")
    route = "rewrite" if parts[-1] == "1" else "native"
    key = "/".join(parts[:-1])
    by.setdefault(key, {})[route] = (float(r["real_time"]), float(r["GFLOP/s"]))
print("| case | native ms | rewrite ms | speed-up | rewrite GFLOP/s |")
print("|---|---|---|---|---|")
for k, v in by.items():
    n, rw = v["native"], v["rewrite"]
    print(f"| {k} | {n[0]:.1f} | {rw[0]:.1f} | {n[0]/rw[0]:.1f}x | {rw[1]:.1f} |")
'
