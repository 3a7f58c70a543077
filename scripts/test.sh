#!/usr/bin/env bash
# Quick start 2: install what is missing, build the Release and the ASan+UBSan configurations,
# and run every test in both.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --tests
jobs="${MOSAIC_JOBS:-$(nproc)}"
for preset in release asan; do
  echo "== $preset"
  ./scripts/build.sh "$preset"
  ctest --preset "$preset" -j "$jobs" --no-tests=error
done
