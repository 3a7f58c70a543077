#!/usr/bin/env bash
# Quick start 1: install what is missing, build, and run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release mosaic   # only what the main job needs
./build/release/mosaic herald
