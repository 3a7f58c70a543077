#!/usr/bin/env bash
# Installs what mosaic needs on Debian 12 (as root, or with sudo), skipping what is present:
# what the main job needs, and with --tests what the tests and checks need as well.
set -euo pipefail

# What the main job (scripts/run.sh: build `mosaic`, run it) needs.
packages=(
  build-essential cmake ninja-build ccache g++ pkg-config
  libfmt-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libtbb-dev libeigen3-dev libsqlite3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  coinor-libcbc-dev  # MILP allocation of mosaic stream
)
# What the tests, benchmarks and checks add (scripts/test.sh: setup.sh --tests).
if [ "${1:-}" = "--tests" ]; then
  packages+=(
    python3 clang clang-format clang-tidy
    # lld lays the static front's start-up code out together (CMakeLists.txt; 40 page faults for
    # a maestro run instead of 53; bench/README.md). Not in the main set: its LLVM library is
    # 60 s of apt on a fresh machine (bench/README.md).
    lld
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

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The chart libraries inlined into HTML reports (the browser builds of Vega, Vega-Lite and
# vega-embed, versions and SHA-512 pinned by third_party/js/package-lock.json), from the npm
# registry (cmake/FetchChartBundles.cmake; no Node.js needed). CMake compiles them into mosaic, so
# this runs before the build; without them reports still work, without charts.
root="$(cd "$(dirname "$0")/.." && pwd)"
cmake -DJS_DIR="$root/third_party/js" -P "$root/cmake/FetchChartBundles.cmake" ||
  echo "setup: warning: the chart libraries were not installed; HTML reports will have no charts" >&2
