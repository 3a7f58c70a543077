// Herald's co-optimisation (section IV-C): the PE and bandwidth partitions of Definition 1
// searched exhaustively at a granularity, by binary sampling or randomly; every design point
// scheduled with Herald's scheduler; the Pareto front over latency and energy; the best design
// per objective; and the FDA, SM-FDA and RDA baselines of Table III.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/Accelerator.h"
#include "arch/Technology.h"
#include "mapper/CostAnalysis.h"
#include "schedule/Schedule.h"
#include "workload/Workload.h"

namespace mosaic::search {

class ResultStore;
class ChunkTransport;

enum class SearchMode { Exhaustive, Binary, Random };
SearchMode parse_search_mode(const std::string& s);
std::string_view search_mode_name(SearchMode m);

struct HeraldConfig {
  workload::Workload workload;
  arch::AcceleratorClass cls;
  std::vector<arch::AcceleratorStyle> styles;  // searched (HDAs; other kinds are run as given)
  int granularity = 16;  // PE and bandwidth shares in units of 1/granularity of the class
  SearchMode mode = SearchMode::Exhaustive;
  int random_samples = 256;
  std::uint64_t seed = 1;
  schedule::Metric objective = schedule::Metric::EDP;
  schedule::Options scheduler;  // its metric is the objective unless set otherwise
  arch::ExecutionParams params;
  arch::Technology technology = arch::default_technology();
  // When set (an accelerator file): the one style of `styles` is evaluated at this partition only,
  // no search; the baselines still use `cls`.
  std::optional<arch::Partition> fixed_partition;
  // Each core's layer cost: false = the sub-accelerator model with per-layer tile search
  // (mapper/SubAcceleratorCost.h); true = the MAESTRO tool's number (`--compat maestro`).
  bool maestro_compat = false;
  // With maestro_compat: each core's layer runs the style's best tiles and array shape by the
  // objective, found by MAESTRO's own analysis (`--compat maestro --search-tiles`); without, the
  // style's library mapping. (The default model always searches the tiles.)
  bool compat_search_tiles = false;
  // Which analysis costs each (layer, core) (`--cost directive|loopnest`). The loop-nest one
  // applies only to cores with a loop-nest view: a fixed design whose partition gives every core
  // one (an accelerator file's `hw`); classes and styles build cores without, and so do the
  // baselines (run_herald refuses a loop-nest search and loop-nest baselines).
  mapper::CostAnalysis cost_analysis = mapper::CostAnalysis::Directive;
  bool baselines = true;  // also evaluate the FDAs, SM-FDAs and the RDA
  int threads = 0;        // 0 = every core of the machine
  bool progress = false;
  // Run a sweep even when its estimate (search/SweepBudget.h) exceeds the machine's memory or the
  // time limit (`--allow-large`); otherwise such a sweep is refused before it starts.
  bool allow_large = false;
  // The non-adaptive design points (every one of an exhaustive or random search, the baselines)
  // are cut into chunks of kHeraldChunkPoints in job order. With a store, finished chunks are
  // committed and a rerun of the same configuration reads them back; with a transport that has
  // workers (mosaic-mpi's rank 0), the chunks are computed by the other ranks. The results are
  // the same either way. The binary search's adaptive steps always run here, unstored.
  ResultStore* store = nullptr;
  ChunkTransport* transport = nullptr;
  // > 0: once this many chunks were computed and committed, stop as Ctrl-C would (SIGINT is
  // raised): a deterministic interruption for tests of resumption (--stop-after-chunks).
  std::int64_t stop_after_chunks = 0;
};

inline constexpr std::size_t kHeraldChunkPoints = 8;

struct DesignPoint {
  int style = 0;  // index into HeraldResult::styles
  arch::Partition partition;
  double latency_cycles = 0;
  double energy_pj = 0;
  bool pareto = false;
  double edp() const { return latency_cycles * energy_pj; }
};

struct HeraldResult {
  std::vector<arch::AcceleratorStyle> styles;  // searched styles, then baselines
  std::vector<int> searched;                   // indices of styles that were searched
  std::vector<DesignPoint> points;             // every evaluated design point
  int best = -1;                               // best searched point (by the objective)
  int best_fda = -1, best_smfda = -1, rda = -1;
  // The best point's schedule, and the problem it solves (for reports).
  schedule::Problem best_problem;
  schedule::Schedule best_schedule;
  std::vector<std::string> node_names;
  std::int64_t design_points = 0;
  std::int64_t layers = 0;  // schedulable layers in the workload graph
  double wall_seconds = 0;
  double cost_seconds = 0;      // building the per-core cost tables
  double schedule_seconds = 0;  // scheduling every design point
  int threads = 1;
  bool interrupted = false;
  std::int64_t unique_layer_shapes = 0;
  std::int64_t core_configs = 0;
  // Chunks of the non-adaptive design points (0 without a store or transport): read back from
  // the store, computed now, and of those computed the ones the previous run had under way.
  std::int64_t chunks_total = 0, chunks_reused = 0, chunks_computed = 0, chunks_recomputed = 0;
  std::int64_t stale_runs = 0;  // store runs of another format (never read; see ResultStore.h)
  std::string run_hash;         // the store's run
};

double objective_value(schedule::Metric m, const DesignPoint& p);

// The sweep's size estimate (search/SweepBudget.h) checked before anything is created: throws
// the refusal run_herald would, so a caller can check before it makes or locks an output
// directory. Cheap (flattens the workload; evaluates nothing).
void check_herald_sweep(const HeraldConfig& config);

// Runs the search; Ctrl-C stops it and returns what is finished (interrupted = true).
HeraldResult run_herald(const HeraldConfig& config);

// A worker of a distributed search (mosaic-mpi): computes the chunks of design points the
// transport's leader sends (the leader runs run_herald with the same configuration).
void serve_herald(const HeraldConfig& config, ChunkTransport& transport);

// The text identifying a search in the result store: the workload graph (names, shapes, edges),
// the class, execution parameters, technology, objective, scheduler options and every design
// point of the chunked part.
inline constexpr const char* kHeraldStoreFormat = "mosaic-herald-2";  // 2: whole technology
std::string herald_run_config(const HeraldConfig& config, const workload::WorkloadGraph& graph,
                              const std::vector<std::pair<int, arch::Partition>>& points,
                              const std::vector<arch::AcceleratorStyle>& styles);

// The partitions of `cores` cores at a granularity (every core at least one unit), PEs and
// bandwidth; exhaustive: all pairs of compositions.
std::vector<arch::Partition> exhaustive_partitions(const arch::AcceleratorClass& cls, int cores,
                                                   int granularity);

// Pareto flags (minimise latency and energy) over `points`.
void mark_pareto(std::vector<DesignPoint>& points);

}  // namespace mosaic::search
