// The directive analysis: MAESTRO's data-centric cost model (MICRO 2019, section 4) for one layer,
// one dataflow and one hardware configuration.
//
// The dataflow is split into cluster levels at each Cluster directive. Per level, every
// directive has iteration states (Init / Steady / Edge, with occurrence counts); a case is one
// state per directive. For every case the analysis counts the data that enters (ingress) and
// leaves (egress) the level over the NoC, taking spatial reuse (multicast) and temporal reuse
// (stationary data) into account, and the partial sums computed; the case's delay is
//   init case:   ingress + compute
//   otherwise:   max(ingress, compute, egress)        (double buffering)
// where compute is the slowest sub-cluster (recursively) or, at the innermost level,
// ceil(partial sums / vector width). At the top level off-chip transfers of the L2 tiles are
// overlapped the same way. Runtime = sum over cases of occurrences x delay.
//
// Two modes, one engine:
//  - maestro_compat = true reproduces the public MAESTRO tool (commit 4eb08d17) number for number,
//    including its quirks (see docs/maestro-differences.md).
//  - maestro_compat = false (the default of mosaic) fixes what MAESTRO gets wrong; every
//    difference is listed in docs/maestro-differences.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/Dataflow.h"

namespace mosaic::cost {

// The hardware parameters the directive analysis depends on.
struct DirectiveHardware {
  std::int64_t num_pes = 256;
  std::int64_t vector_width = 1;  // ALUs per PE (MAESTRO: SIMD lanes)
  std::int64_t noc_bw = 1000;     // elements per cycle, the top cluster level (global NoC)
  std::int64_t noc_bw_inner = 0;  // elements per cycle below the top level (the local networks
                                  // inside a cluster); 0 = noc_bw, as in MAESTRO
  std::int64_t noc_latency = 1;   // head latency per transfer, cycles (hops x hop latency)
  std::int64_t offchip_bw = 50;   // elements per cycle between DRAM and L2
};

struct DirectiveOptions {
  bool maestro_compat = false;
  bool keep_levels = false;     // fill DirectiveResult::levels (allocates; for `explain`)
  bool keep_top_cases = false;  // fill DirectiveResult::top_cases (allocates)
};

// One iteration case of the top cluster level: what its delay is made of. Only the top level
// uses the global NoC bandwidth, so the runtime for another top-level bandwidth follows from
// these without analysing again (runtime_at_bandwidth).
struct TopCase {
  std::int64_t occurrences = 0;
  std::int64_t ingress = 0;  // elements into the level
  std::int64_t egress = 0;   // elements out of it
  std::int64_t compute = 0;  // cycles of the slowest sub-cluster
  bool all_init = false;
};

// One cluster level's figures (MAESTRO's per-level results). Counts are elements.
struct LevelFigures {
  std::int64_t runtime = 0;                   // cycles
  std::int64_t num_computations = 0;          // partial sums over the level's sub-clusters
  std::array<std::int64_t, 3> l2_read{};      // upstream buffer reads  [input, weight, output]
  std::array<std::int64_t, 3> l2_write{};     // upstream buffer writes
  std::array<std::int64_t, 3> l1_read{};      // downstream buffer reads
  std::array<std::int64_t, 3> l1_write{};     // downstream buffer writes
  std::array<std::int64_t, 3> l2_size_req{};  // upstream size requirement (double-buffered)
  std::array<std::int64_t, 3> l1_size_req{};  // downstream size requirement (double-buffered)
  // [ingress, egress, compute] x [min, max, avg], in cycles
  std::array<std::array<std::int64_t, 3>, 3> delay{};
  std::int64_t peak_bw_req = 0;  // elements per cycle
  double avg_bw_req = 0;
  std::int64_t offchip_bw_req = 0;
  std::int64_t num_sub_clusters = 0;
  double avg_active_clusters = 0;         // average utilised unit clusters (PEs)
  double arithmetic_intensity = 0;        // partial sums per ingress element (last case)
  std::int64_t cases_evaluated = 0;       // non-skipped iteration cases
  std::int64_t compute_cycles = 0;        // sum of occurrences x compute delay (no NoC)
  std::array<std::int64_t, 2> l1_fill{};  // elements written into all PE L1s [input, weight]
                                          // (every PE's own copy, multicast counted per PE)
};

struct DirectiveResult {
  LevelFigures top;          // the top cluster level (next to L2): runtime, L2 figures, ...
  LevelFigures first;        // the first sub-level result computed (MAESTRO's "innermost" result,
                             // which its CSV and console use for the L1 requirement); == top for a
                             // single-level dataflow
  bool first_is_top = true;  // no sub-level was analysed (MAESTRO then reports one result)
  int num_levels = 0;
  std::int64_t macs = 0;               // useful MACs of the layer (the real work)
  std::int64_t problem_macs = 0;       // MACs of the analysed problem (differs from `macs` for a
                                       // transposed convolution, analysed as the dense direct one)
  std::int64_t active_pes = 0;         // PEs the cluster structure can use
  bool zero_compute_sub_case = false;  // a case whose sub-clusters computed nothing (MAESTRO
                                       // divides by zero there; see the differences doc)
  // With DirectiveOptions::keep_levels: the cluster levels as analysed (after inheritance,
  // implicit unrolling and stride adjustment), outermost first.
  std::vector<std::vector<dataflow::BoundDirective>> levels;
  std::vector<std::int64_t> level_sub_clusters;
  // With DirectiveOptions::keep_top_cases: the top level's cases, in order.
  std::vector<TopCase> top_cases;
};

// The top-level runtime for a global NoC bandwidth and latency, from the recorded cases, with
// off-chip transfers not limiting (the multi-core execution model). Equals the analysis'
// runtime when that was run with the same bandwidth and an unbounded off-chip bandwidth.
std::int64_t runtime_at_bandwidth(const std::vector<TopCase>& cases, std::int64_t noc_bw,
                                  std::int64_t noc_latency);

// Analyses one layer. Throws UserError for an illegal dataflow (no spatial map in a level, more
// than two, a dimension the layer lacks, clusters needing more PEs than there are, ...).
DirectiveResult analyze_directives(const dataflow::Problem& problem,
                                   const std::vector<dataflow::BoundDirective>& dataflow,
                                   const DirectiveHardware& hw, const DirectiveOptions& options);

// MAESTRO's MAC count: the product of every dimension of the problem's output and reduction
// (the real work, independent of the dataflow).
std::int64_t problem_macs(const dataflow::Problem& problem);

}  // namespace mosaic::cost
