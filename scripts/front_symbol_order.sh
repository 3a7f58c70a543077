#!/usr/bin/env bash
# Regenerates cmake/front-symbols.txt: the functions the static `mosaic` front runs on its start-up
# paths (the maestro drop-in on an example mapping, and a command line it hands to mosaic-full),
# as recorded by callgrind. With lld, the front is linked with these functions' sections first,
# so that the code a short run touches sits together and costs fewer page faults (each fault
# maps 64 KiB around it; bench/README.md, "Whole-process start-up"). A stale list only costs
# faults, never correctness: names no longer present are ignored.
# Usage: scripts/front_symbol_order.sh [build/release]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build/release}" && pwd)
mosaic=$build/mosaic
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$root/examples/hw/accelerator_256.m" "$tmp/hw.m"
cp "$root/examples/networks/tiny_mapping.m" "$tmp/net.m"
(
  cd "$tmp"
  valgrind --tool=callgrind --demangle=no --callgrind-out-file=cg.1 "$mosaic" maestro \
    --HW_file=hw.m --Mapping_file=net.m --print_res=true >/dev/null 2>&1
  valgrind --tool=callgrind --demangle=no --callgrind-out-file=cg.2 "$mosaic" workload show \
    resnet50 --summary >/dev/null 2>&1 || true
)
# Every function named in the profiles (fn= and cfn= lines name a function at first mention).
grep -ohE "^c?fn=\([0-9]+\) .*" "$tmp"/cg.* | sed -E "s/^c?fn=\([0-9]+\) //; s/'[0-9]+$//" |
  grep -vE "^(0x|\(below main\))" | sort -u >"$root/cmake/front-symbols.txt"
wc -l "$root/cmake/front-symbols.txt"
