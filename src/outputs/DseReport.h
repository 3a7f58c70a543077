// The outputs of `mosaic dse`, written while the sweep runs (chunk by chunk, in design order):
//   summary.json   counts (explored, skipped, evaluated, valid, illegal), wall time, rates, the
//                  best design per objective (with its per-layer costs), the Pareto set's size
//   designs.csv    every evaluated design (designs.json with the json option)
//   pareto.csv / pareto.json   the Pareto set
//   report.html    MAESTRO Fig. 13's four plots (area, buffer, power and energy against
//                  throughput, colour = PEs, the throughput- and energy-optimal designs marked by
//                  a star and a cross), the best designs and the Pareto set, self-contained
// Files are written under temporary names and renamed by finish(), so an interrupted run leaves
// no half-written output; abandon() removes them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/DseEngine.h"
#include "search/DsePareto.h"
#include "search/DseSpec.h"
#include "search/DseWorkload.h"

namespace mosaic::outputs {

class HtmlReport;

struct DseOutputOptions {
  std::filesystem::path out_dir;
  bool designs_csv = true;
  bool designs_json = false;
  bool html = true;
  search::Objective primary = search::Objective::Throughput;
  std::vector<search::ParetoAxis> pareto_axes = {
      search::ParetoAxis::Latency, search::ParetoAxis::Energy, search::ParetoAxis::Area};
  int plot_bins_per_decade = 48;  // plot thinning: one point per log-spaced cell
};

// One design as JSON (dataflow names from `dataflows`; "mapping" when empty).
nlohmann::json design_json(const search::DesignRecord& d, const search::DseSpec& spec);

class DseOutputs {
 public:
  DseOutputs(const search::DseWorkload& w, const search::DseSpec& spec, DseOutputOptions opt);
  ~DseOutputs();
  DseOutputs(const DseOutputs&) = delete;
  DseOutputs& operator=(const DseOutputs&) = delete;

  // Every chunk, in order.
  void add(const search::ChunkResult& chunk);

  // The summary of a finished run (also written by finish()).
  nlohmann::json summary(const search::DseRunInfo& info) const;
  // Writes summary.json, pareto.*, report.html and renames the streamed files into place.
  void finish(const search::DseRunInfo& info);
  // Removes the temporary files (an interrupted run).
  void abandon();

  const search::DseCollector& collector() const { return collector_; }

 private:
  std::string dataflow_name(std::int32_t i) const;
  void write_html(const nlohmann::json& summary) const;
  // report.html's sections, in order.
  void add_html_overview(HtmlReport& r, const nlohmann::json& summary) const;
  void add_html_bests(HtmlReport& r) const;
  void add_html_fig13(HtmlReport& r) const;
  void add_html_pareto(HtmlReport& r, const nlohmann::json& summary) const;
  nlohmann::json plot_row(const search::DesignRecord& d) const;

  const search::DseWorkload& w_;
  const search::DseSpec& spec_;
  DseOutputOptions opt_;
  search::DseCollector collector_;
  std::ofstream csv_, json_;
  bool json_first_ = true;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> pending_;  // tmp -> final
  // Plot thinning: per chart, the first design of each log-spaced (throughput, y) cell.
  struct Sample {
    std::map<std::pair<int, int>, search::DesignRecord> cells;
  };
  std::array<Sample, 4> samples_;
};

}  // namespace mosaic::outputs
