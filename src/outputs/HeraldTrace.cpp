#include "outputs/HeraldTrace.h"

#include <array>
#include <string>

#include <fmt/format.h>

#include "schedule/Schedule.h"

namespace mosaic::outputs {

namespace {

using nlohmann::json;

// Colour names the Chrome trace viewer reserves (Perfetto colours by name instead).
constexpr std::array<const char*, 12> kInstanceColours = {
    "thread_state_running", "rail_response",   "rail_animation", "rail_load",
    "cq_build_running",     "cq_build_passed", "good",           "terrible",
    "thread_state_iowait",  "rail_idle",       "yellow",         "olive"};

std::string core_name(const search::HeraldResult& r, int core) {
  if (r.best < 0) return fmt::format("core {}", core);
  const auto& p = r.points[static_cast<std::size_t>(r.best)];
  const auto& st = r.styles[static_cast<std::size_t>(p.style)];
  const auto c = static_cast<std::size_t>(core);
  std::string name = fmt::format("core {}", core);
  if (!st.dataflows.empty()) name += ": " + st.dataflows[c < st.dataflows.size() ? c : 0];
  if (c < p.partition.pes.size()) name += fmt::format(", {} PEs", p.partition.pes[c]);
  if (c < p.partition.bw_gbps.size()) name += fmt::format(", {:g} GB/s", p.partition.bw_gbps[c]);
  return name;
}

}  // namespace

json herald_trace_json(const search::HeraldResult& r, const workload::Workload& w,
                       const workload::WorkloadGraph& g, double clock_ghz) {
  const double us_per_cycle = 1.0 / (clock_ghz * 1000.0);
  const auto& s = r.best_schedule;
  json ev = json::array();
  const std::string accel =
      r.best >= 0
          ? r.styles[static_cast<std::size_t>(r.points[static_cast<std::size_t>(r.best)].style)]
                .label()
          : std::string("accelerator");
  ev.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", 0}, {"args", {{"name", accel}}}});
  for (int c = 0; c < r.best_problem.num_cores; ++c) {
    ev.push_back({{"ph", "M"},
                  {"name", "thread_name"},
                  {"pid", 0},
                  {"tid", c},
                  {"args", {{"name", core_name(r, c)}}}});
    ev.push_back({{"ph", "M"},
                  {"name", "thread_sort_index"},
                  {"pid", 0},
                  {"tid", c},
                  {"args", {{"sort_index", c}}}});
  }
  // Instances numbered in graph order (spans are per (model, instance)) for the colours.
  for (std::size_t i = 0; i < s.placed.size() && i < g.nodes.size(); ++i) {
    const auto& pl = s.placed[i];
    const auto& n = g.nodes[i];
    std::size_t span = 0;
    for (std::size_t k = 0; k < g.spans.size(); ++k)
      if (static_cast<std::int32_t>(i) >= g.spans[k].first) span = k;
    const std::string& model = w.models.at(static_cast<std::size_t>(n.model)).name;
    const std::string instance = fmt::format("{}#{}", model, n.instance);
    ev.push_back({{"ph", "X"},
                  {"name", instance + "/" + n.layer.name},
                  {"cat", instance},
                  {"cname", kInstanceColours[span % kInstanceColours.size()]},
                  {"pid", 0},
                  {"tid", pl.core},
                  {"ts", pl.start * us_per_cycle},
                  {"dur", (pl.end - pl.start) * us_per_cycle},
                  {"args",
                   {{"model", model},
                    {"instance", n.instance},
                    {"layer", n.layer.name},
                    {"start_cycle", pl.start},
                    {"end_cycle", pl.end},
                    {"energy_pj", pl.energy_pj},
                    {"output_in_dram", pl.output_in_dram}}}});
  }
  std::vector<schedule::MemoryPoint> timeline;
  if (!s.placed.empty()) schedule::validate_schedule(r.best_problem, s, &timeline);
  for (const auto& m : timeline)
    ev.push_back({{"ph", "C"},
                  {"name", "global buffer bytes"},
                  {"pid", 0},
                  {"ts", m.time * us_per_cycle},
                  {"args", {{"bytes", m.bytes}}}});
  return {{"traceEvents", ev},
          {"displayTimeUnit", "ns"},
          {"otherData",
           {{"time_unit", fmt::format("microseconds at {:g} GHz", clock_ghz)},
            {"latency_cycles", s.latency_cycles},
            {"energy_pj", s.energy_pj}}}};
}

}  // namespace mosaic::outputs
