// `mosaic stream` as a library call: Stream's pipeline (accelerator, workload, mapping ->
// layer stacks -> tiles and their graph -> per (unique tile, core) cost -> allocation -> COALA
// schedule). Allocation: fixed (one core per entry or per inter-core split), a seeded NSGA-II
// genetic algorithm over the free layers (Stream's GeneticAlgorithmAllocationStage, plus
// informed initial individuals and a one-gene-move polish: search/StreamGa.h), a
// core-load MILP on CBC (search/StreamMilp.h), or exhaustive enumeration for small cases.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arch/StreamAccelerator.h"
#include "mapper/StreamCost.h"
#include "schedule/StreamScheduler.h"
#include "search/SweepBudget.h"
#include "workload/StreamWorkload.h"

namespace mosaic::search {

class ChunkTransport;

enum class StreamAllocation { Fixed, Ga, Exhaustive, Milp };

struct StreamOptions {
  workload::StackMode mode = workload::StackMode::LayerByLayer;
  std::string layer_stacks;
  StreamAllocation allocation = StreamAllocation::Fixed;
  int generations = 4;
  int population = 4;
  std::uint64_t seed = 1;
  // GA additions to Stream's operators (search/StreamGa.h, docs/stream.md "GA"): informed
  // initial individuals and the one-gene-move polish of the lowest-latency point, with its
  // schedule budget (0: none; informed off and polish 0 is Stream's GA exactly). Defaults from
  // the measured quality-vs-budget curve on ResNet-18 and lab3, seeds 1 to 8.
  bool informed_individuals = true;
  int polish_schedules = 100;
  int threads = 1;
  int lpf_limit = 6;
  std::int64_t exhaustive_limit = 100000;
  // Exhaustive: allocations scheduled per batch (0: adaptive, search/StreamExhaustive.h); the
  // result does not depend on it.
  std::int64_t exhaustive_batch = 0;
  // Run an allocation search whose estimate (stream_estimate) exceeds the machine's memory or the
  // time limit (`--allow-large`); otherwise it is refused before it starts.
  bool allow_large = false;
  std::function<void(const std::string&)> progress;  // stderr lines
  std::function<bool()> interrupted;                 // Ctrl-C: stop the search, keep the best
  // mosaic-mpi: rank 0 sends each batch of allocations to schedule (a GA generation, the
  // exhaustive list) to the workers; a worker rank's run_stream builds the same tiles and cost
  // table, then schedules the allocations rank 0 sends until it ends the run (its StreamRun is
  // then incomplete). Null in the plain executable.
  ChunkTransport* transport = nullptr;
};

struct StreamGenome {
  std::vector<int> core;  // per free (layer, group) gene
  double latency_cycles = 0;
  double energy_pj = 0;
};

struct StreamRun {
  arch::StreamAccelerator acc;
  workload::StreamWorkload workload;
  workload::TileGraph graph;
  std::vector<int> core_of_cn;
  std::vector<mapper::StreamCnCost> cn_cost;  // per CN (copied from the table)
  schedule::StreamScheduleResult schedule;
  std::string allocation;  // fixed | ga | exhaustive
  // Search statistics.
  std::int64_t evaluations = 0;
  std::int64_t cost_table_entries = 0;
  std::vector<StreamGenome> pareto;        // GA / exhaustive: the (energy, latency) front
  std::vector<std::pair<int, int>> genes;  // (layer, group) of each gene
  std::vector<std::vector<int>> gene_choices;
  // Ctrl-C stopped the search: the result is the best of what was searched (partial).
  bool stopped_early = false;
  std::int64_t allocations_total = 0;      // exhaustive: allocations in the space
  std::int64_t allocations_scheduled = 0;  // exhaustive: of which scheduled (all unless stopped)
  std::int64_t polish_moves = 0;           // GA: improving one-gene moves of the polish
  std::int64_t polish_schedules = 0;       // GA: allocations the polish asked for
  // MILP allocation: the largest core load it minimised, CBC's bound and the relative gap.
  double milp_objective = 0, milp_bound = 0, milp_gap = 0;
  bool milp_optimal = false;
  bool milp_from_cbc = true;  // false: stopped before CBC had an incumbent (greedy balance)
  std::int64_t milp_nodes = 0;
};

// After Ctrl-C (stopped_early), what the partial result is, in one line ("interrupted after 40
// of 81 allocations scheduled; the best of those"); "" otherwise.
std::string stream_partial_note(const StreamRun& run);

// COALA schedules a second on one thread, per computation node of the graph, that the time
// bound of stream_estimate assumes: above the fastest rate measured (docs/resources.md).
inline constexpr double kStreamCnSchedulesPerSecond = 1.0e6;

// The size of an allocation search before it starts: exhaustive, every allocation (the product
// of the genes' core choices), all held; ga, max(2, population) x (generations + 1) genomes plus
// the polish's schedules (memo hits included). The time bound counts the schedules, at most one
// per distinct allocation (repeats are memo hits), each of `cns` computation nodes at
// kStreamCnSchedulesPerSecond per thread. Fixed and milp: nothing searched (0 points).
SweepEstimate stream_estimate(StreamAllocation allocation,
                              const std::vector<std::vector<int>>& gene_choices, int population,
                              int generations, int polish_schedules, std::int64_t cns, int threads);

StreamRun run_stream(const std::string& accelerator_path, const std::string& workload_path,
                     const std::string& mapping_path, const StreamOptions& options);

}  // namespace mosaic::search
