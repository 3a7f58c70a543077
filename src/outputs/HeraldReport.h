// Outputs of `mosaic herald`: summary.json, pareto.csv, schedule.json (and report.html).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/Herald.h"

namespace mosaic::outputs {

struct HeraldRunInfo {
  std::string workload;
  std::string accelerator_class;
  std::string search;
  int granularity = 0;
  std::string objective;
  std::string scheduler;
  std::uint64_t seed = 0;
  double clock_ghz = 1.0;
};

// The scatter of the report plots at most this many design points.
inline constexpr std::size_t kHeraldMaxPlottedPoints = 5000;

// The indices (ascending) of the design points the report plots: the best searched design, the
// best FDA and SM-FDA and the RDA, every Pareto-optimal point, then an even sample of the others
// up to `max_points` in all (the protected ones are kept even beyond it).
std::vector<std::size_t> herald_plotted_points(const search::HeraldResult& r,
                                               std::size_t max_points);

nlohmann::json herald_summary_json(const search::HeraldResult& r, const search::HeraldConfig& c,
                                   const HeraldRunInfo& info);
std::string herald_pareto_csv(const search::HeraldResult& r, double clock_ghz);
nlohmann::json herald_schedule_json(const search::HeraldResult& r, const workload::Workload& w,
                                    const workload::WorkloadGraph& g);

// The self-contained report: the latency-energy scatter of all design points with FDA / SM-FDA /
// RDA / HDA labelled (Fig. 11 style), the best design's schedule as a Gantt chart per core,
// per-core utilisation, the energy breakdown and the global-buffer occupancy over time.
// Huge sweeps are thinned: at most `max_plotted_points` points are plotted (herald_plotted_points);
// pareto.csv keeps every one.
std::string herald_report_html(const search::HeraldResult& r, const search::HeraldConfig& c,
                               const HeraldRunInfo& info,
                               std::size_t max_plotted_points = kHeraldMaxPlottedPoints);

// Writes summary.json, pareto.csv, schedule.json and report.html into `dir` (created); returns
// the files written.
std::vector<std::filesystem::path> write_herald_outputs(const std::filesystem::path& dir,
                                                        const search::HeraldResult& r,
                                                        const search::HeraldConfig& c,
                                                        const HeraldRunInfo& info);

}  // namespace mosaic::outputs
