#!/usr/bin/env python3
"""Runs (or loads) a Herald sweep and plots its latency-energy Pareto front.

  PYTHONPATH=build/release/python /usr/bin/python3 examples/python/herald_pareto.py \
      --workload arvr-a --granularity 8 --out /tmp/herald-arvr-a
  ... --load /tmp/herald-arvr-a        # plot an existing sweep (its pareto.csv)

Plots with matplotlib (Debian's python3-matplotlib) into pareto.png beside the sweep; without
matplotlib it prints the front instead.
"""
import argparse
import csv
import pathlib
import sys


def load_points(directory):
    with open(pathlib.Path(directory) / "pareto.csv", newline="") as f:
        return [dict(r, latency_s=float(r["latency_s"]), energy_j=float(r["energy_j"]),
                     pareto=r["pareto"] == "1") for r in csv.DictReader(f)]


def front(points):
    """The points no other point beats in both latency and energy (both minimised)."""
    best = []
    for p in sorted(points, key=lambda p: (p["latency_s"], p["energy_j"])):
        if not best or p["energy_j"] < best[-1]["energy_j"]:
            best.append(p)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--load", help="an existing `mosaic herald --out` directory")
    ap.add_argument("--workload", default="arvr-a")
    ap.add_argument("--class", dest="cls", default="edge")
    ap.add_argument("--granularity", type=int, default=8)
    ap.add_argument("--out", default="mosaic-out/herald-python")
    args = ap.parse_args()
    directory = args.load
    if directory is None:
        import mosaic
        summary = mosaic.herald(workload=args.workload, class_=args.cls,
                                granularity=args.granularity, out=args.out, quiet=True)
        b = summary["best"]
        print(f"best {b['styles']}: latency {b['latency_s']:.4g} s, energy {b['energy_j']:.4g} J")
        directory = args.out
    points = load_points(directory)
    pf = front(points)
    print(f"{len(points)} design points, {len(pf)} on the latency-energy front")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed (apt install python3-matplotlib): the front as text")
        for p in pf:
            print(f"  {p['style']:<28} pes {p['pes']:<12} bw {p['bw_gbps']:<10} "
                  f"{p['latency_s']:.4g} s  {p['energy_j']:.4g} J")
        return 0
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter([p["latency_s"] for p in points], [p["energy_j"] for p in points], s=6,
               c="lightgray", label="design points")
    ax.plot([p["latency_s"] for p in pf], [p["energy_j"] for p in pf], "o-", c="tab:red",
            ms=4, label="Pareto front")
    ax.set_xlabel("latency (s)")
    ax.set_ylabel("energy (J)")
    ax.legend()
    path = pathlib.Path(directory) / "pareto.png"
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
