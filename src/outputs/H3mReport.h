// Outputs of `mosaic h3m`: summary.json, convergence.csv, schedule.json and report.html.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/H3m.h"

namespace mosaic::outputs {

struct H3mRunInfo {
  std::string workload, platform, search;
  std::uint64_t seed = 1;
  std::vector<std::pair<std::string, double>> sla_seconds;  // model name -> limit
};

// The summary as JSON (the `best`, `baselines`, `ratios`, `search`, `sla` objects).
nlohmann::json h3m_summary_json(const search::H3mResult& r, const search::H3mConfig& c,
                                const H3mRunInfo& info);
// A design as JSON: sub_accelerators (dataflow, granularity, cores, gang, resources), latency_s,
// energy_j, edp.
nlohmann::json h3m_design_json(const search::H3mEvaluation& e, const search::H3mSpace& s,
                               const search::H3mConfig& c);
// The best design's sub-accelerators in one line, "<granularity> x<cores> <dataflow> <schedule>"
// each (the schedule in parentheses with `parenthesized`), joined by `separator`.
std::string h3m_subs_text(const search::H3mRun& run, const std::string& separator,
                          bool parenthesized);

// Writes the four files into `dir`; returns their paths.
std::vector<std::filesystem::path> write_h3m_outputs(const std::filesystem::path& dir,
                                                     const search::H3mResult& r,
                                                     const search::H3mConfig& c,
                                                     const H3mRunInfo& info);

}  // namespace mosaic::outputs
