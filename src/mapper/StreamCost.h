// Per (unique computation node, core) cost for Stream's scheduler, as Stream's
// ZigZagCoreMappingEstimationStage computes it with ZigZag 3.8.2:
//   * a node alone in its layer stack, or whose operands do not fit the core's top memories
//     (greedy smallest-first packing), gets the off-chip DRAM as an extra top level for the "too
//     large" memory operands (DRAM blocking);
//   * the spatial mapping comes from the core's `dataflows` or ZigZag's SpatialMappingGenerator
//     (one layer dimension per array dimension, largest divisors first, the 3 candidates with the
//     best performance indicator), each temporal mapping from LOMA;
//   * every (spatial, temporal) candidate is ranked by Stream's MinimalBandwidthLatency objective
//     int(latency) x ceil(parallel x DRAM bandwidth used / DRAM bandwidth) (first minimum kept).
// Results are memoised by (tile shape, core, stack alone) in a table.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/StreamAccelerator.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::mapper {

struct StreamCnCost {
  bool valid = false;
  double runtime_cycles = 0;  // ZigZag latency_total2
  double energy_pj = 0;       // ZigZag energy_total
  double onchip_energy_pj = 0;
  double offchip_energy_pj = 0;  // the DRAM level's energy of the too-large operands
  double ideal_temporal_cycles = 0;
  std::vector<std::string> too_large;  // memory operands served from DRAM during the node
  // Instantaneous DRAM bandwidth (bits/cycle) per too-large memory operand, scaled by
  // ideal / runtime (SetFixedAllocationPerformanceStage).
  std::map<std::string, double> offchip_bw_bits;
  std::string spatial;  // the chosen spatial mapping, "D1: K 32 | D2: C 32"
  std::int64_t evaluations = 0;
};

struct StreamCostOptions {
  int lpf_limit = 6;
  int spatial_candidates = 3;  // ZigZag's nb_mappings_generated
};

// Cost of `tile` on core `core_id`. `alone_in_stack`: the node's stack has one layer.
// `parallel_nodes`: the product of the layer's inter-core splits.
StreamCnCost cost_stream_cn(const workload::EinsumLayer& tile, const arch::StreamAccelerator& acc,
                            int core_id, bool alone_in_stack, int parallel_nodes,
                            const StreamCostOptions& options = {});

// The memo: one entry per distinct (tile shape, core, alone, parallel) key. Not thread-safe;
// fill it before parallel searches read it.
class StreamCostTable {
 public:
  StreamCostTable(const arch::StreamAccelerator& acc, StreamCostOptions options)
      : acc_(acc), options_(options) {}
  const StreamCnCost& get(const workload::EinsumLayer& tile, int core_id, bool alone,
                          int parallel_nodes);
  std::size_t size() const { return table_.size(); }
  std::int64_t misses() const { return misses_; }

 private:
  const arch::StreamAccelerator& acc_;
  StreamCostOptions options_;
  std::map<std::string, StreamCnCost> table_;
  std::int64_t misses_ = 0;
};

// The key of a tile's shape (dims, sizes, relations, precisions, op type).
std::string tile_shape_key(const workload::EinsumLayer& tile);

}  // namespace mosaic::mapper
