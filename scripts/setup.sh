#!/usr/bin/env bash
# Installs what mosaic needs on Debian 12 (as root, or with sudo), skipping what is present:
# what the main job needs, and with --tests what the tests and checks need as well.
set -euo pipefail

# What the main job (scripts/run.sh: build `mosaic`, run it) needs.
packages=(
  build-essential cmake ninja-build ccache g++ pkg-config
  lld  # links the static mosaic front with its start-up code together (optional)
  libfmt-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libtbb-dev libeigen3-dev libsqlite3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  coinor-libcbc-dev  # MILP allocation of mosaic stream
)
# What the tests, benchmarks and checks add (scripts/test.sh: setup.sh --tests).
if [ "${1:-}" = "--tests" ]; then
  packages+=(
    python3 clang clang-format clang-tidy
    libgtest-dev libgmock-dev libbenchmark-dev
    openmpi-bin libopenmpi-dev  # mosaic-mpi (docs/scale-out.md; skipped by CMake when absent)
    python3-cmaes  # the CMA-ES cross-check test (skipped when absent)
    pybind11-dev python3-dev python3-pytest python3-numpy  # the Python module and its tests
    chromium  # headless browser for the HTML report tests (skipped when absent)
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm installs the chart libraries of the HTML reports (any Node.js with npm will do).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The chart libraries inlined into HTML reports (Vega, Vega-Lite, vega-embed; versions pinned by
# third_party/js/package-lock.json), from the npm registry. CMake compiles them into mosaic, so
# this runs before the build; without them reports still work, without charts.
js_dir="$(cd "$(dirname "$0")/.." && pwd)/third_party/js"
if [ ! -f "$js_dir/node_modules/vega-embed/build/vega-embed.min.js" ] ||
   [ "$js_dir/package-lock.json" -nt "$js_dir/node_modules/.package-lock.json" ]; then
  echo "setup: installing the chart libraries (npm ci in third_party/js)"
  (cd "$js_dir" && npm ci --no-audit --no-fund --loglevel=error) ||
    echo "setup: warning: npm ci failed; HTML reports will have no charts" >&2
fi
