#!/usr/bin/env bash
# Builds if needed, then runs the default test suite (label `unit`).
#   ./test.sh            the default suite (what CI runs)
#   ./test.sh slow       the slow label (full-size shapes, long runs)
#   ./test.sh fuzz       the bounded fuzz runs (needs a build with -DGSV_BUILD_FUZZ=ON and clang)
#   ./test.sh all        everything
set -euo pipefail
cd "$(dirname "$0")"
BUILD_DIR=${GSV_BUILD_DIR:-$PWD/build}
JOBS=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
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
