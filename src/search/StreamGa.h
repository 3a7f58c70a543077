// Stream's genetic allocation (GeneticAlgorithmAllocationStage) as a search over genomes, apart
// from the scheduler: a genome holds one core per free (layer, group) gene; a batch evaluator
// (COALA schedules, memoised, parallel or on MPI ranks) gives each its (latency, energy).
//
// What mosaic adds to Stream's NSGA-II (docs/stream.md, "GA"):
//  - informed initial individuals beside the random ones: every gene on its fastest core, and a
//    per-stack load balance (genes in topological order onto the core whose summed CN runtime in
//    that stack is lowest), both from the per-(CN, core) cost table;
//  - a polish after the generations: a deterministic one-gene-move hill climb from the
//    lowest-latency point (its single-gene moves scheduled in batches of a fixed size, starting
//    after the last moved gene; the best of a batch taken when its latency is strictly lower),
//    until no move of the current point improves or the schedule budget is spent.
// Both are deterministic for a seed whatever the number of threads or MPI ranks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "search/StreamPipeline.h"

namespace mosaic::search {

// What the informed individuals need to know of the problem.
struct GaSpace {
  std::vector<std::vector<int>> choices;            // per gene: its allowed cores
  std::vector<std::vector<double>> runtime_cycles;  // per gene, per choice: summed CN runtime
  std::vector<int> stack;                           // per gene: its layer stack (genes in
                                                    // topological order within a stack)
  // per stack, per core id: the summed runtime of the CNs whose core is fixed
  std::vector<std::vector<double>> fixed_cycles;
};

struct GaSettings {
  int generations = 4;
  int population = 4;
  std::uint64_t seed = 1;
  bool informed = true;        // informed initial individuals
  int polish_schedules = 100;  // budget of the one-gene-move polish (0: none)
  int polish_batch =
      8;  // moves scheduled per batch (0: all moves of a point at once); 8: docs/stream.md
  std::function<void(const std::string&)> progress;
  std::function<bool()> interrupted;
};

// Schedules every genome of the batch in place (latency, energy; +inf when interrupted before).
using GaEvaluate = std::function<void(std::vector<StreamGenome>&)>;

struct GaResult {
  std::vector<StreamGenome> pareto;  // (energy, latency) front of all evaluated, latency first
  bool stopped_early = false;
  std::int64_t polish_moves = 0;      // improving moves the polish took
  std::int64_t polish_schedules = 0;  // schedules the polish asked for (memo hits included)
};

// The informed individuals (fastest core, per-stack load balance), in that order.
std::vector<std::vector<int>> informed_genomes(const GaSpace& space);

GaResult run_stream_ga(const GaSpace& space, const GaSettings& settings,
                       const GaEvaluate& evaluate);

// Pareto front of (energy, latency), duplicates removed, sorted by latency then energy.
std::vector<StreamGenome> stream_pareto_front(const std::vector<StreamGenome>& all);

}  // namespace mosaic::search
