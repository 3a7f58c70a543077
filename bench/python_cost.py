#!/usr/bin/env python3
"""Speed of the Python module (recorded in bench/README.md).

1. mosaic.cost_grid: hardware points per second for a VGG-16 layer (conv3_1) on two grids:
   (a) 16 PE counts x 256 NoC bandwidths x 16 L1 x 16 L2 sizes (1,048,576 points), and
   (b) 1,024 PE counts x 1,024 NoC bandwidths (1,048,576 points), and
   (c) 1,024 PE counts (1..1024) x 64 NoC bandwidths x 4 L1 x 4 L2 sizes (1,048,576 points).
2. One evaluation per call, side by side: a loop of mosaic.cost() calls (MAESTRO-compatible mode,
   the mapping given as directive text as a GAMMA-style search would) against running
   `mosaic maestro` as a subprocess per evaluation (write the mapping file, run, read the CSV),
   the way MAESTRO-based search tools drive MAESTRO.

  PYTHONPATH=build/release/python /usr/bin/python3 bench/python_cost.py [--binary build/release/mosaic]
"""
import argparse
import csv
import os
import pathlib
import subprocess
import tempfile
import time

import numpy as np

import mosaic

LAYER = dict(type="CONV", K=256, C=128, R=3, S=3, Y=58, X=58)
DATAFLOW = ("SpatialMap(1,1) K; TemporalMap({c},{c}) C; TemporalMap(Sz(R),Sz(R)) R; "
            "TemporalMap(Sz(S),Sz(S)) S; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; "
            "Cluster(64, P); SpatialMap(1,1) C; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; "
            "TemporalMap(Sz(R),Sz(R)) R; TemporalMap(Sz(S),Sz(S)) S;")
HW = "num_pes: 256\nl1_size_cstr: 512\nl2_size_cstr: 108000\nnoc_bw_cstr: 64\noffchip_bw_cstr: 16\n"


def best_of(f, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def grid_bench(threads):
    layer = mosaic.Layer(**LAYER)
    pes = np.arange(64, 1025, 64).reshape(-1, 1, 1, 1)
    bw = np.arange(1, 257).reshape(1, -1, 1, 1)
    l1 = (2 ** np.arange(4, 20)).reshape(1, 1, -1, 1)
    l2 = (2 ** np.arange(10, 26)).reshape(1, 1, 1, -1)
    t, g = best_of(lambda: mosaic.cost_grid(layer, "kcp_ws", pes=pes, noc_bw=bw, l1_bytes=l1,
                                            l2_bytes=l2, offchip_bw=16, threads=threads))
    n = g["latency_cycles"].size
    print(f"grid (a) 16 PEs x 256 bw x 16 L1 x 16 L2: {n} points in {t:.3f} s = "
          f"{n / t / 1e6:.2f} M points/s ({threads} threads)")
    pes = np.arange(64, 64 + 1024).reshape(-1, 1)
    bw = np.arange(1, 1025).reshape(1, -1)
    t, g = best_of(lambda: mosaic.cost_grid(layer, "kcp_ws", pes=pes, noc_bw=bw, offchip_bw=16,
                                            threads=threads))
    n = g["latency_cycles"].size
    print(f"grid (b) 1024 PEs x 1024 bw: {n} points in {t:.3f} s = "
          f"{n / t / 1e6:.2f} M points/s ({threads} threads)")
    pes = np.arange(1, 1025).reshape(-1, 1, 1, 1)
    bw = np.arange(4, 257, 4).reshape(1, -1, 1, 1)
    l1 = (2 ** np.arange(8, 12)).reshape(1, 1, -1, 1)
    l2 = (2 ** np.arange(16, 20)).reshape(1, 1, 1, -1)
    t, g = best_of(lambda: mosaic.cost_grid(layer, "kcp_ws", pes=pes, noc_bw=bw, l1_bytes=l1,
                                            l2_bytes=l2, offchip_bw=16, threads=threads))
    n = g["latency_cycles"].size
    print(f"grid (c) 1024 PEs (1..1024) x 64 bw x 4 L1 x 4 L2: {n} points in {t:.3f} s = "
          f"{n / t / 1e6:.2f} M points/s ({threads} threads; "
          f"{int(g['feasible'].sum())} feasible)")


def single_bench(binary, n_calls, n_proc):
    layer = mosaic.Layer(**LAYER)
    core = mosaic.Core(pes=256, l1_bytes=512, l2_bytes=108000, noc_bw=64, offchip_bw=16)
    tiles = [8, 16, 32, 64, 128]
    t = time.perf_counter()
    for i in range(n_calls):
        c = mosaic.cost(layer, DATAFLOW.format(c=tiles[i % 5]), core, compat="maestro")
    per_call = (time.perf_counter() - t) / n_calls
    print(f"mosaic.cost loop (directive text, compat=maestro): {per_call * 1e6:.1f} us per "
          f"evaluation ({n_calls} calls)")
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        (d / "hw.m").write_text(HW)
        runtimes = []
        t = time.perf_counter()
        for i in range(n_proc):
            c_tile = tiles[i % 5]
            body = "\n".join("    " + s.strip() + ";" for s in DATAFLOW.format(c=c_tile).split(";")
                             if s.strip())
            (d / "map.m").write_text(
                "Network bench {\n  Layer L {\n    Type: CONV\n    Dimensions { K: 256, C: 128, "
                "R: 3, S: 3, Y: 58, X: 58 }\n    Dataflow {\n" + body + "\n    }\n  }\n}\n")
            csv_path = d / "map.csv"
            if csv_path.exists():
                csv_path.unlink()
            subprocess.run([binary, "maestro", "--HW_file=hw.m", "--Mapping_file=map.m",
                            "--print_res=false"], cwd=d, check=True, capture_output=True)
            with open(csv_path, newline="") as f:
                row = next(csv.DictReader(f, skipinitialspace=True))
            runtimes.append(float(row[next(k for k in row if k.strip().startswith("Runtime"))]))
        per_proc = (time.perf_counter() - t) / n_proc
    check = mosaic.cost(layer, DATAFLOW.format(c=tiles[(n_proc - 1) % 5]), core, compat="maestro")
    assert runtimes[-1] == check.latency_cycles, (runtimes[-1], check.latency_cycles)
    print(f"mosaic maestro subprocess per evaluation: {per_proc * 1e3:.2f} ms per evaluation "
          f"({n_proc} runs; same runtime as mosaic.cost: {runtimes[-1]:.0f} cycles)")
    print(f"speed-up of the in-process call: {per_proc / per_call:.0f}x")


def main():
    ap = argparse.ArgumentParser()
    root = pathlib.Path(__file__).resolve().parents[1]
    ap.add_argument("--binary", default=str(root / "build/release/mosaic"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--processes", type=int, default=50)
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; numpy {np.__version__}")
    grid_bench(args.threads)
    single_bench(args.binary, args.calls, args.processes)


if __name__ == "__main__":
    main()
