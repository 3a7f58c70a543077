// Layer-granularity schedules of a multi-DNN workload on a multi-core accelerator (Herald,
// section IV-A and IV-D): the problem (layers, dependences, per-core costs, global-buffer
// capacity), the schedulers (Herald's Fig. 8 assignment and ordering with load balancing and the
// Fig. 9 post-processing, and the plain greedy baseline) and an independent validator.
//
// Memory model of the global buffer: while a layer runs, its double-buffered tiles occupy
// `l2_bytes[layer][core]`; its output activation is allocated when it starts and stays until
// the last consumer finishes (model outputs until the layer ends). An output that does not fit is
// written to DRAM (`output_in_dram`) and read back by its consumers; when the buffer is full of
// outputs waiting for consumers, the largest ones are evicted to DRAM. DRAM traffic costs
// `dram_pj_per_byte`; weights and model inputs always come from DRAM.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/Objective.h"

namespace mosaic::schedule {

// "Not yet" / "no bound" for the schedulers' times and costs.
inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The objective of the schedule (EDP, Latency or Energy): the one objective enum.
using Metric = mosaic::Objective;
enum class Ordering { DepthFirst, BreadthFirst };

struct Node {
  std::string name;
  std::int32_t group = 0;           // model instance
  std::vector<std::int32_t> preds;  // node indices (same group), each smaller than this node
  double weight_bytes = 0;
  double input_bytes = 0;  // read from DRAM when the node has no predecessor
  double output_bytes = 0;
};

struct Problem {
  std::vector<Node> nodes;  // groups contiguous, topological within a group
  int num_cores = 1;
  // Per node and core, row-major [node * num_cores + core].
  std::vector<double> cycles;
  std::vector<double> energy_pj;  // on-chip
  std::vector<double> l2_bytes;
  std::vector<std::uint8_t> feasible;
  std::vector<std::int32_t> variant;  // dataflow used (for reconfiguration / rearrangement)
  double capacity_bytes = 0;
  double dram_pj_per_byte = 0;
  // Penalties: a layer whose predecessor ran with another dataflow (layout rearrangement), and
  // a core whose dataflow changes between consecutive layers (RDA reconfiguration).
  double rearrange_cycles_per_byte = 0;
  double rearrange_pj_per_byte = 0;
  double reconfig_cycles = 0;
  double reconfig_pj = 0;

  std::size_t at(std::size_t node, int core) const {
    return node * static_cast<std::size_t>(num_cores) + static_cast<std::size_t>(core);
  }
  int num_groups() const;
};

struct Options {
  Metric metric = Metric::EDP;
  Ordering ordering = Ordering::BreadthFirst;
  // A core other than the best-fit one is used when the best one would finish the layer more
  // than `load_balance_factor` times later than the quickest core (Fig. 8's load balancing).
  double load_balance_factor = 2.0;
  int lookahead = 4;  // Fig. 9's look-ahead depth
  bool post_process = true;
  bool greedy = false;  // the baseline: best fit always, no post-processing
};

struct Placed {
  std::int32_t node = -1;
  int core = -1;
  double start = 0, end = 0;
  double energy_pj = 0;         // on-chip + DRAM + penalties of this layer
  bool output_in_dram = false;  // the output was written to DRAM (did not fit)
  double evicted_at = -1;       // >= 0: the output was moved to DRAM at that time
};

struct MemoryPoint {
  double time = 0;
  double bytes = 0;  // occupancy from this time on
};

struct Schedule {
  std::vector<Placed> placed;  // indexed by node
  std::vector<std::vector<std::int32_t>> core_order;
  double latency_cycles = 0;
  double energy_pj = 0;
  double dram_bytes = 0;
  std::vector<double> core_busy_cycles;
  double edp() const { return latency_cycles * energy_pj; }
};

// Schedules with Herald's algorithm (or the greedy baseline when options.greedy). Throws
// UserError when a layer fits no core or cannot fit the global buffer even alone.
Schedule schedule_layers(const Problem& p, const Options& options);

// Checks a schedule independently of the scheduler: every node placed exactly once on a core
// that can run it, no overlap on a core, every node after its predecessors, durations equal to
// the costs (plus penalties), the global buffer never above capacity. Returns the violations
// (empty when valid); `memory` receives the occupancy timeline it computed.
std::vector<std::string> validate_schedule(const Problem& p, const Schedule& s,
                                           std::vector<MemoryPoint>* memory = nullptr);

}  // namespace mosaic::schedule
