#!/usr/bin/env python3
"""A GAMMA-like genetic search over a layer's mapping sizes, costing each candidate in process.

GAMMA (Kao & Krishna, ICCAD 2020) searches MAESTRO mappings with a genetic algorithm and calls
MAESTRO once per evaluation. Here every candidate is a MAESTRO directive list built from a genome
(the K tile mapped across clusters, the C and Y tiles held per step, the cluster size), costed
with mosaic.cost() in the same process. Illegal candidates (mosaic.Error) get an infinite fitness.

  PYTHONPATH=build/release/python /usr/bin/python3 examples/python/gamma_search.py
"""
import argparse
import math
import random
import time

import mosaic

# The layer: VGG-16 conv3_1 (56x56 output, 3x3 filters; padding folded into Y/X).
LAYER = dict(type="CONV", K=256, C=128, R=3, S=3, Y=58, X=58)
CHOICES = {
    "k": [1, 2, 4, 8, 16],                 # output channels per cluster step (spatial over clusters)
    "c": [4, 8, 16, 32, 64, 128],          # input channels per step
    "y": [1, 2, 4, 8, 14, 28, 56],         # output rows per step
    "cluster": [8, 16, 32, 64, 128],       # PEs per cluster (spatial over C inside)
}


def directives(g):
    """The mapping of a genome, a weight-stationary family in the style of kcp_ws."""
    r = LAYER["R"]
    return (f"SpatialMap({g['k']},{g['k']}) K; TemporalMap({g['c']},{g['c']}) C; "
            "TemporalMap(Sz(R),Sz(R)) R; TemporalMap(Sz(S),Sz(S)) S; "
            f"TemporalMap({g['y'] + r - 1},{g['y']}) Y; TemporalMap(Sz(S),1) X; "
            f"Cluster({g['cluster']}, P); SpatialMap(1,1) C; TemporalMap(Sz(R),1) Y; "
            "TemporalMap(Sz(S),1) X; TemporalMap(Sz(R),Sz(R)) R; TemporalMap(Sz(S),Sz(S)) S;")


def fitness(g, layer, core, stats):
    stats["evaluations"] += 1
    try:
        c = mosaic.cost(layer, mosaic.Dataflow(directives(g)), core)
    except mosaic.Error:
        stats["illegal"] += 1
        return math.inf, None
    if c.l1_required_elements > core.l1_bytes or c.l2_required_elements > core.l2_bytes:
        stats["illegal"] += 1
        return math.inf, c
    return c.edp, c


def mutate(g, rng, rate):
    return {k: (rng.choice(CHOICES[k]) if rng.random() < rate else v) for k, v in g.items()}


def crossover(a, b, rng):
    return {k: (a[k] if rng.random() < 0.5 else b[k]) for k in a}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--population", type=int, default=40)
    ap.add_argument("--generations", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    layer = mosaic.Layer(**LAYER)
    core = mosaic.Core(pes=256, l1_bytes=512, l2_bytes=108000, noc_bw=64, offchip_bw=16)
    stats = {"evaluations": 0, "illegal": 0}
    pop = [{k: rng.choice(v) for k, v in CHOICES.items()} for _ in range(args.population)]
    start = time.perf_counter()
    scored = sorted(((fitness(g, layer, core, stats)[0], i, g) for i, g in enumerate(pop)),
                    key=lambda t: (t[0], t[1]))
    for gen in range(args.generations):
        elite = [g for _, _, g in scored[: max(2, args.population // 4)]]
        children = list(elite)
        while len(children) < args.population:
            a, b = rng.sample(elite, 2)
            children.append(mutate(crossover(a, b, rng), rng, 0.2))
        scored = sorted(((fitness(g, layer, core, stats)[0], i, g)
                         for i, g in enumerate(children)), key=lambda t: (t[0], t[1]))
        print(f"generation {gen + 1:3d}: best EDP {scored[0][0]:.4g} pJ*cycles")
    seconds = time.perf_counter() - start
    best_edp, _, best = scored[0]
    _, c = fitness(best, layer, core, stats)
    ref = mosaic.cost(layer, "kcp_ws", core)
    print(f"\nbest genome {best}")
    print(f"  latency {c.latency_cycles:.0f} cycles, energy {c.energy_pj:.4g} pJ, "
          f"EDP {best_edp:.4g} (library kcp_ws: EDP {ref.edp:.4g})")
    print(f"{stats['evaluations']} evaluations ({stats['illegal']} illegal) in {seconds:.2f} s: "
          f"{seconds / stats['evaluations'] * 1e6:.1f} us per evaluation")


if __name__ == "__main__":
    main()
