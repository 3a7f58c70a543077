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
# Unity builds need every file-local name unique within its target (docs/architecture.md): one
# translation unit per target, compiled for syntax only, lists every clash that batches of 8 keep
# apart for now.
# (The compiler check of a first configure must link: the flag comes with a second one.)
cmake -S . -B build/unity-check -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_UNITY_BUILD_BATCH_SIZE=0 \
  -DMOSAIC_PYTHON_MODULE=OFF >/dev/null
# Archiving and linking are no-ops there (there are no objects).
cmake -S . -B build/unity-check -DCMAKE_CXX_FLAGS=-fsyntax-only -DCMAKE_CXX_ARCHIVE_CREATE=true \
  -DCMAKE_CXX_ARCHIVE_APPEND=true -DCMAKE_CXX_ARCHIVE_FINISH=true -DCMAKE_CXX_LINK_EXECUTABLE=true \
  -DCMAKE_CXX_CREATE_SHARED_MODULE=true -DCMAKE_CXX_CREATE_SHARED_LIBRARY=true >/dev/null
ninja -C build/unity-check >/dev/null ||
  { echo "lint: a file-local name is defined twice in one target (see above)" >&2; exit 1; }
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
