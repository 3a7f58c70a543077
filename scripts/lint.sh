#!/usr/bin/env bash
# Style and static checks: clang-format on every C++ file, clang-tidy (.clang-tidy) on src/, and
# the One Definition Rule: an LTO build of the binary (preset lto, file by file) whose link must
# report no -Wodr warning (two different definitions of one type in one program are undefined
# behaviour, and only the link-time optimiser sees both).
# LINT_SKIP_LTO=1 skips the LTO build. clang-tidy reads the file-by-file compile commands of the
# tidy preset (configured only: the other presets compile unity translation units).
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror
cmake --preset tidy >/dev/null
# The compile commands carry g++-only warning flags; clang-tidy's clang front end is told to
# ignore the ones it does not know.
git ls-files 'src/*.cpp' | xargs -P "$(nproc)" -n 4 \
  clang-tidy -p build/tidy --quiet --extra-arg=-Wno-unknown-warning-option
if [ "${LINT_SKIP_LTO:-0}" != 1 ]; then
  cmake --preset lto >/dev/null
  log=build/lto/odr.log
  rm -f build/lto/mosaic build/lto/mosaic-full  # relink every time: the ODR warnings come from the link
  cmake --build build/lto -j2 --target mosaic >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  if grep -E 'Wodr|One Definition Rule' "$log" >&2; then
    echo "lint: the LTO link reports One Definition Rule violations (see above)" >&2
    exit 1
  fi
fi
echo "lint: clean"
