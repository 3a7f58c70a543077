#!/bin/sh
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan, UBSan) and runs each for a stated
# time from seeds in the repository and, when present, ../shared/reference. docs/fuzzing.md lists
# the targets and the recorded runs.
#   scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]      (default 60 s, every reader target)
# The default list is the reader targets (they need the stages up to arch only); name `maestro`
# or `onnximport` to build and run those too (they build the whole library with clang).
# Corpora grow in build/fuzz/corpus/<target>; findings (crash-*, leak-*, timeout-*) land in
# build/fuzz/findings/<target>; a summary line per target goes to build/fuzz/fuzz-runs.txt.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-"maestro_hardware maestro_dataflow core_yaml herald_class
  herald_accelerator technology energy_table h3m_platform zigzag_hardware zigzag_mapping
  zigzag_workload stream_accelerator stream_core stream_mapping stream_workload workload dse_spec
  dse_store_chunk"}
ref=../shared/reference
cmake --preset fuzz >/dev/null
tlist=""
for t in $targets; do tlist="$tlist fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build build/fuzz -j2 --target $tlist

seeds() {  # the seed files of a target, one per line (missing ones are skipped)
  case $1 in
    maestro) ls examples/networks/*.m $ref/maestro/inputs/mapping/*.m ;;
    onnximport) ls tests/data/onnx/*.onnx ;;
    maestro_hardware) ls examples/hw/*.m $ref/maestro/inputs/hw/*.m ;;
    maestro_dataflow) ls examples/dataflows/*.m ;;
    core_yaml) ls examples/hw/edge_nvdla.yaml fuzz/seeds/core_yaml/* ;;
    herald_accelerator) ls examples/accelerators/*.yaml ;;
    technology) ls examples/hw/example_technology.yaml ;;
    energy_table) ls examples/hw/interstellar_repo_technology.yaml fuzz/seeds/energy_table/* ;;
    zigzag_hardware) ls tests/data/zigzag_small_hw.yaml examples/stream/core.yaml $ref/zigzag/inputs/hardware/* ;;
    zigzag_mapping) ls tests/data/zigzag_small_mapping.yaml $ref/zigzag/inputs/mapping/* ;;
    zigzag_workload) ls tests/data/zigzag_small_workload.yaml $ref/zigzag/inputs/workload/*.yaml ;;
    stream_accelerator) ls examples/stream/accelerator.yaml examples/validation/depfin/depfin.yaml \
      $ref/stream/examples/hardware/*.yaml $ref/stream/tutorial/lab*/inputs/hardware/*.yaml ;;
    stream_core) ls examples/stream/core.yaml examples/stream/offchip.yaml \
      examples/validation/depfin/cores/* $ref/stream/examples/hardware/cores/* ;;
    stream_mapping) ls examples/stream/mapping.yaml examples/validation/depfin/mapping.yaml \
      $ref/stream/examples/mapping/* $ref/stream/tutorial/lab*/inputs/mapping/* ;;
    stream_workload) ls examples/stream/workload.yaml examples/validation/depfin/fsrcnn.yaml \
      $ref/stream/examples/workload/*.yaml ;;
    *) ls fuzz/seeds/"$1"/* ;;
  esac 2>/dev/null || true
}

mkdir -p build/fuzz/findings
for t in $targets; do
  corpus=build/fuzz/corpus/$t
  mkdir -p "$corpus" "build/fuzz/seeds/$t" "build/fuzz/findings/$t"
  for f in $(seeds "$t"); do cp "$f" "build/fuzz/seeds/$t/" 2>/dev/null || true; done
  log=build/fuzz/findings/$t/run.log
  status=0
  build/fuzz/fuzz/fuzz_"$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 \
    -artifact_prefix="build/fuzz/findings/$t/" "$corpus" "build/fuzz/seeds/$t" >"$log" 2>&1 ||
    status=$?
  runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || echo "?")
  echo "$t: ${secs} s, ${runs} inputs, exit ${status}, corpus $(ls "$corpus" | wc -l)" |
    tee -a build/fuzz/fuzz-runs.txt
done
