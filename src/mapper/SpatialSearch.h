// Spatial mapping (dataflow) search over Interstellar's U|V space: one loop per array dimension,
// optionally a second loop on the same dimension (replication), factors chosen to fill each array
// dimension as much as the loop sizes allow (divisors only, so no PE idles on padding), candidates
// below a utilization threshold dropped (Interstellar uses 75%). Each candidate's temporal mapping
// is searched with the fast engine; across candidates the incumbent bounds every new search.
#pragma once

#include <string>
#include <vector>

#include "arch/MemoryHierarchy.h"
#include "dataflow/LoopNestMapping.h"
#include "mapper/FastSearch.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::mapper {

struct DataflowCandidate {
  std::vector<std::vector<std::string>> loops;  // per array dimension, the one closest first
  std::vector<dataflow::ArrayDimUnrolling> spatial;
  double utilization = 0;  // product of factors / PEs
  bool replicated = false;
  std::string notation() const;  // "C|K", "C,FX|K"
};

struct DataflowSpaceOptions {
  int max_loops_per_dim = 2;   // 1: no replication
  double min_utilization = 0;  // e.g. 0.75
  bool ordered = false;        // also V|U for every U|V (different on non-square arrays)
};

// The factors of `loops` that fill the array dimensions best (largest product, then largest
// factor for the loop listed first); loops missing from the layer get factor 1.
DataflowCandidate fixed_dataflow(const workload::EinsumLayer& layer,
                                 const arch::LoopNestHardware& hw,
                                 const std::vector<std::vector<std::string>>& loops);

// Every U|V dataflow (with replications) of the layer, deterministic order, threshold applied.
std::vector<DataflowCandidate> enumerate_dataflows(const workload::EinsumLayer& layer,
                                                   const arch::LoopNestHardware& hw,
                                                   const DataflowSpaceOptions& options);

struct DataflowResult {
  DataflowCandidate dataflow;
  cost::LoopNestProblem problem;
  TemporalSearchResult temporal;
};

// The best temporal mapping for one spatial mapping (fast engine).
DataflowResult map_with_dataflow(
    const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
    const DataflowCandidate& df, const LomaOptions& options,
    const std::vector<dataflow::OperandLink>& links = dataflow::default_links());

// The loop orders map_with_dataflow's temporal search visits for this spatial mapping
// (Loma.h loop_order_count).
double dataflow_loop_orders(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                            const DataflowCandidate& df, int lpf_limit);

// The loop orders search_spatial visits: every candidate's with keep_all or an energy or EDP
// objective; with the latency objective and !keep_all only the first candidate's (the others
// may all be skipped by its bound), so a lower bound.
double spatial_search_loop_orders(const workload::EinsumLayer& layer,
                                  const arch::LoopNestHardware& hw,
                                  const DataflowSpaceOptions& space, const LomaOptions& options,
                                  bool keep_all = false);

struct SpatialSearchResult {
  bool found = false;
  DataflowResult best;
  std::vector<DataflowResult> all;  // every candidate with its own best (when keep_all)
  std::int64_t candidates = 0;
  std::int64_t skipped_by_bound = 0;  // latency objective: ideal cycles above the incumbent
};

// Best spatial + temporal mapping. keep_all: evaluate every candidate on its own (no cross-
// candidate bound), for design-space studies.
SpatialSearchResult search_spatial(const workload::EinsumLayer& layer,
                                   const arch::LoopNestHardware& hw,
                                   const DataflowSpaceOptions& space, const LomaOptions& options,
                                   bool keep_all = false);

}  // namespace mosaic::mapper
