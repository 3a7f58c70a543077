// The experiments of the Herald paper (section V), run end to end and written as Markdown
// tables: the design space of every Table III style on the three workloads and classes
// (Fig. 11), Maelstrom's partitions (Table V), the batch-size study (Table VI), the single-DNN
// case (Fig. 12), the workload-change study (Fig. 13), Herald's scheduler against the greedy
// baseline, and the scheduling time (Table VII).
#pragma once

#include <string>

namespace mosaic::search {

struct ExperimentOptions {
  int granularity_2way = 16;
  int granularity_3way = 8;
  int threads = 0;
  bool progress = false;
  bool maestro_compat = false;  // each core's layer cost from the MAESTRO tool's analysis
};

// Runs everything and returns the Markdown report (tables and the raw figures).
std::string run_herald_experiments(const ExperimentOptions& options);

}  // namespace mosaic::search
