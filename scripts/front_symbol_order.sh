#!/usr/bin/env bash
# Regenerates cmake/front-symbols.txt: the functions and data the static `mosaic` front touches on
# its start-up paths (`--version`, the maestro drop-in on example mappings, console and CSV, and a
# command line it hands to mosaic-full), in the order they are first touched. With lld, the front
# is linked with these symbols' sections first and together (code in .text, written data in
# .data/.bss, constants in .rodata), so that a short run touches fewer pages: each read fault on
# the file maps 64 KiB around it, each written page faults by itself (bench/README.md,
# "Whole-process start-up"). The addresses come from valgrind's lackey (every instruction fetch,
# load and store) and are named with the binary's own symbol table, so static functions of libc
# and libstdc++ are named as the linker knows them. A stale list only costs faults, never
# correctness: names no longer present are ignored.
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
cp "$root/examples/networks/vgg16.m" "$tmp/vgg.m"
nm -n -S --defined-only "$mosaic" >"$tmp/syms"
trace() {
  valgrind --tool=lackey --trace-mem=yes --log-fd=3 "$mosaic" "$@" 3>&1 >/dev/null 2>&1 |
    awk '{ split($2, a, ","); print a[1] }'
}
cat >"$tmp/order.py" <<'PY'
import bisect, sys
syms = []  # (address, end, name) of the sized symbols of the image
kind = {}  # name -> (size, nm type)
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 4 and f[2] in "TtWwDdBbRrVvuGgSs":
        a, n = int(f[0], 16), int(f[1], 16)
        if n > 0:
            syms.append((a, a + n, f[3]))
            kind[f[3]] = (n, f[2])
syms.sort()
starts = [s[0] for s in syms]
seen, out, done = set(), [], set()
for line in sys.stdin:
    try:
        addr = int(line, 16)
    except ValueError:
        continue
    if addr in seen or addr > 0x7fffffff:
        continue
    seen.add(addr)
    i = bisect.bisect_right(starts, addr) - 1
    if i >= 0 and addr < syms[i][1] and syms[i][2] not in done:
        done.add(syms[i][2])
        out.append(syms[i][2])
# What runs natively but not under valgrind: the string functions of the ifunc choice of the CPU
# (valgrind has no AVX-512, so it runs the AVX2 variants: every variant of a function it ran is
# added), the set-up of the kernel's vDSO (valgrind gives the process none) and the x87 long
# double printing of "%Lg" (valgrind computes long double in double precision, so the exact-double
# path of the CSV always applied under it).
names = {s[2] for s in syms}
extra = []
for n in out:
    for v in ("_avx512", "_evex", "_avx2", "_avx", "_sse4", "_sse42", "_ssse3", "_sse2", "_erms"):
        if n.startswith("__") and v in n:
            base = n[: n.index(v)] + "_"
            extra += sorted(m for m in names if m.startswith(base))
            break
extra += """_dl_new_object _dl_add_to_namespace_list _dl_setup_hash _dl_lookup_symbol_x do_lookup_x
    check_match _dl_name_match_p __snprintf __vsnprintf_internal __vfprintf_internal
    __printf_fp_l __printf_fp hack_digit __mpn_extract_long_double __mpn_lshift __mpn_rshift
    __mpn_mul __mpn_mul_1 __mpn_divrem __mpn_cmp __mpn_add_n __mpn_sub_n __mpn_addmul_1
    __mpn_submul_1 _IO_str_init_static_internal _IO_no_init _IO_str_overflow
    _IO_default_xsputn __strchrnul_evex __strchrnul_avx2""".split()
for n in extra:
    if n in names and n not in done:
        done.add(n)
        out.append(n)
# Zero-initialised data of a page or more (the front's early heap buffer) goes last: only the
# pages a run touches of it fault, and in the middle it would push the small written objects
# around it onto more pages.
big = [n for n in out if kind[n][0] >= 4096 and kind[n][1] in "bB"]
out = [n for n in out if n not in big] + big
print("\n".join(out))
PY
(
  cd "$tmp"
  trace --version
  trace maestro --HW_file=hw.m --Mapping_file=net.m --print_res=true
  trace maestro --HW_file=hw.m --Mapping_file=vgg.m --print_res=false
  trace workload show resnet50 --summary || true
) | python3 "$tmp/order.py" "$tmp/syms" >"$root/cmake/front-symbols.txt"
wc -l "$root/cmake/front-symbols.txt"
