// Evaluates designs of a multi-core accelerator on one workload: the workload graph flattened
// once with its unique layer shapes (workload::shape_key), the cost tables of every core
// configuration memoised through the one cost cache (cost::CostCache), and the schedule of the
// workload on a design (schedule::schedule_layers). Herald's partition search evaluates every
// design point with it; the coming searches over multi-core designs (H3M's CMA-ES, Stream) are
// meant to share it. Thread-safe after prepare(): evaluate() may run in parallel.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/Accelerator.h"
#include "arch/Technology.h"
#include "common/Objective.h"
#include "cost/CoreCost.h"
#include "mapper/CostAnalysis.h"
#include "schedule/Schedule.h"
#include "workload/Workload.h"

namespace mosaic::search {

struct DesignEvaluation {
  double latency_cycles = 0;
  double energy_pj = 0;
};

class DesignEvaluator {
 public:
  // Throws UserError when the workload has no layer.
  DesignEvaluator(const workload::Workload& workload, const arch::ExecutionParams& params,
                  const arch::Technology& technology, Objective objective,
                  const schedule::Options& scheduler, bool maestro_compat = false,
                  bool compat_search_tiles = false,
                  mapper::CostAnalysis analysis = mapper::CostAnalysis::Directive);

  const workload::WorkloadGraph& graph() const { return graph_; }
  std::int64_t unique_shapes() const { return static_cast<std::int64_t>(shapes_.size()); }
  std::int64_t configs() const { return static_cast<std::int64_t>(table_.size()); }
  double cost_seconds() const { return cost_seconds_; }

  // Computes the cost tables of every core configuration the accelerators need (not thread-safe:
  // call before evaluating them). The directive analysis runs once per (dataflow, PEs, layer
  // shape); each NoC bandwidth and DRAM share only re-times the top level's cases. The loop-nest
  // analysis maps each layer shape once per loop-nest view (the same hardware and mapping files,
  // by the objective), one shape after the other.
  void prepare(const std::vector<arch::Accelerator>& accelerators);

  // The scheduling problem of the workload on a prepared accelerator.
  schedule::Problem problem(const arch::Accelerator& acc) const;

  // Schedules the workload on a prepared accelerator; keeps the schedule and its problem when
  // asked.
  DesignEvaluation evaluate(const arch::Accelerator& acc, schedule::Schedule* keep = nullptr,
                            schedule::Problem* keep_problem = nullptr) const;

 private:
  struct ConfigKey {
    std::string dataflow;
    std::int64_t pes, noc_bw, offchip_bw;
    double buffer_per_pe = 0, local_bw_per_pe = 0;  // a core's own sub-accelerator values
    std::string view;  // the loop-nest analysis: the core's view (its files); else empty
    bool operator<(const ConfigKey& o) const;
  };
  // The table a core running `dataflow` reads.
  ConfigKey key_of(const arch::Core& core, const std::string& dataflow) const;
  void prepare_loop_nest(const std::vector<arch::Accelerator>& accelerators);
  // A core of Herald's execution model: one NoC hop at the configured latency, the configured
  // vector width and precision.
  arch::Core core_of(const std::string& dataflow, std::int64_t pes, std::int64_t noc_bw,
                     std::int64_t offchip_bw) const;
  std::vector<ConfigKey> configs_of(const arch::Accelerator& acc) const;

  arch::ExecutionParams params_;
  arch::Technology technology_;
  Objective objective_;
  schedule::Options scheduler_;
  workload::WorkloadGraph graph_;
  std::vector<const workload::Layer*> shapes_;
  std::vector<std::int32_t> shape_of_;
  bool maestro_compat_ = false;  // costs from MAESTRO's analysis; else the sub-accelerator model
  mapper::CostAnalysisOptions analysis_;  // which analysis; the loop-nest mapper's options
  cost::CostCache cache_;
  // Per core configuration, the cost of every layer shape (shapes_ order): the scheduler's
  // tables, filled from the cache.
  std::map<ConfigKey, std::vector<cost::CoreLayerCost>> table_;
  double cost_seconds_ = 0;
};

}  // namespace mosaic::search
