// The experiments of the Herald paper (section V), run end to end: the design space of every
// Table III style on the three workloads and classes (Fig. 11), Maelstrom's partitions (Table V),
// Maelstrom against the baselines, the batch-size study (Table VI), the single-DNN case
// (Fig. 12), the workload-change study (Fig. 13), Herald's scheduler against the greedy baseline,
// and the scheduling time (Table VII). The figures only: outputs/HeraldExperimentsReport writes
// them as Markdown beside the paper's values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "search/Herald.h"

namespace mosaic::search {

struct ExperimentOptions {
  int granularity_2way = 16;
  int granularity_3way = 8;
  int threads = 0;
  bool progress = false;
  bool maestro_compat = false;       // each core's layer cost from the MAESTRO tool's analysis
  bool compat_search_tiles = false;  // with it: the styles' best tiles (HeraldConfig)
};

// The best point (by EDP) of one style in one scenario, and whether the style has a point on
// the scenario's latency-energy Pareto front.
struct StyleBest {
  std::string label;
  DesignPoint point;
  bool on_front = false;
};

// One (workload, class) run with every style: its best points, and Maelstrom (HDA NVDLA+Shi)
// against the best FDA, SM-FDA and the RDA by EDP (absent when a style has no point).
struct Scenario {
  std::string workload, cls;
  std::int64_t layers = 0;
  std::vector<StyleBest> styles;  // Table III order
  std::optional<DesignPoint> maelstrom, fda, smfda, rda;
};

// The scenarios in (workload, class) name order, as the report lists them.
std::vector<const Scenario*> scenarios_by_name(const std::vector<Scenario>& scenarios);

struct BatchRow {  // Table VI
  std::string cls;
  int batch = 1;
  DesignPoint maelstrom, fda, rda;
};

struct SingleDnnRow {  // Fig. 12
  std::string model;
  DesignPoint maelstrom, best_monolithic, rda;
};

struct WorkloadChangeCell {  // Fig. 13: `runs` scheduled on the design made for another workload
  std::string runs;
  double latency_cycles = 0, energy_pj = 0;              // on the other workload's design
  double tuned_latency_cycles = 0, tuned_energy_pj = 0;  // on its own best design
};
struct WorkloadChangeRow {
  std::string designed_for;
  std::vector<WorkloadChangeCell> cells;
};

struct GreedyRow {  // Herald's scheduler against the greedy one, Maelstrom's best partitions
  std::string workload, cls;
  DesignPoint herald, greedy;
};

struct SchedulingTimeRow {  // Table VII
  std::string workload;
  std::int64_t layers = 0;
  int cores = 0;
  double seconds_per_schedule = 0;
};

struct HeraldExperiments {
  std::vector<Scenario> scenarios;  // (workload, class) in name order
  std::vector<BatchRow> batch;
  std::vector<SingleDnnRow> single_dnn;
  std::vector<WorkloadChangeRow> workload_change;
  std::vector<GreedyRow> greedy;
  std::vector<SchedulingTimeRow> scheduling_time;
  bool interrupted = false;  // Ctrl-C: the vectors hold the experiments finished before it
};

// Runs everything (minutes of CPU at the default granularities).
HeraldExperiments run_herald_experiments(const ExperimentOptions& options);

}  // namespace mosaic::search
