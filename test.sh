#!/usr/bin/env bash
# Builds if needed, then runs the default test suite (label `unit`).
#   ./test.sh            the default suite (what CI runs)
#   ./test.sh slow       the slow label (full-size shapes, long runs)
#   ./test.sh fuzz       the bounded libFuzzer runs (configures build-fuzz/ with clang; GSV_FUZZ_SECONDS=60 each)
#   ./test.sh all        everything
set -euo pipefail
cd "$(dirname "$0")"
BUILD_DIR=${GSV_BUILD_DIR:-$PWD/build}
JOBS=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
if [ "${1:-}" = fuzz ]; then
  FUZZ_DIR=${GSV_FUZZ_BUILD_DIR:-$PWD/build-fuzz}
  cmake -S . -B "$FUZZ_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
        -DMLX_DIR="$PWD/.deps/py/mlx/share/cmake/MLX" -DGSV_BUILD_FUZZ=ON -DGSV_BUILD_TESTS=OFF -DGSV_BUILD_BENCH=OFF \
        -DGSV_FUZZ_SECONDS="${GSV_FUZZ_SECONDS:-60}" >/dev/null
  cmake --build "$FUZZ_DIR" -j "$JOBS" --target fuzz_checkpoint fuzz_pickle fuzz_frontend
  exec ctest --test-dir "$FUZZ_DIR" --output-on-failure -L '^fuzz$'
fi
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  echo "No build in $BUILD_DIR: run ./setup.sh first." >&2
  exit 1
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
case "${1:-unit}" in
  unit) LABEL=(-L '^unit$') ;;
  slow) LABEL=(-L '^slow$') ;;
  fuzz) LABEL=(-L '^fuzz$') ;;
  all)  LABEL=() ;;
  *) echo "usage: ./test.sh [unit|slow|fuzz|all]" >&2; exit 2 ;;
esac
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "${LABEL[@]}"
