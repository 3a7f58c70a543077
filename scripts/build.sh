#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release); further arguments name the targets
# to build (default: all of them).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
jobs="${MOSAIC_JOBS:-$(nproc)}"
# Rebuilds on the same machine reuse compiled objects when ccache is installed.
if command -v ccache >/dev/null 2>&1 && [ -z "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ]; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" "${targets[@]}"
