#include "outputs/StreamOutputs.h"

#include <fmt/format.h>

#include "outputs/HtmlReport.h"

namespace mosaic::outputs {

using nlohmann::json;
using schedule::TransferCause;

json stream_summary(const search::StreamRun& run, double wall_seconds) {
  const auto& s = run.schedule;
  json j;
  j["latency_cycles"] = s.latency_cycles;
  j["energy_pj"] = s.energy_pj;
  json eb;
  eb["cn_onchip"] = s.cn_onchip_pj;
  for (int c = 0; c < 4; ++c) {
    const auto cause = static_cast<TransferCause>(c);
    eb[std::string(schedule::cause_name(cause)) + "_link"] = s.link_pj[static_cast<std::size_t>(c)];
    eb[std::string(schedule::cause_name(cause)) + "_memory"] =
        s.memory_pj[static_cast<std::size_t>(c)];
  }
  j["energy_breakdown"] = eb;
  j["cns"] = run.graph.cns.size();
  j["edges"] = run.graph.edges.size();
  json peak = json::object();
  for (const auto& m : s.memories) {
    if (m.core == run.acc.offchip_core_id()) continue;
    const std::string k = std::to_string(m.core);
    const double bytes = m.peak_bits / 8;
    peak[k] = peak.contains(k) ? peak[k].get<double>() + bytes : bytes;
  }
  j["peak_memory_bytes"] = peak;
  json alloc = json::array();
  for (std::size_t l = 0; l < run.workload.layers.size(); ++l) {
    json cores = json::array();
    for (std::size_t i = 0; i < run.graph.cns.size(); ++i)
      if (run.graph.cns[i].layer == static_cast<int>(l)) {
        const int c = run.core_of_cn[i];
        if (std::find(cores.begin(), cores.end(), c) == cores.end()) cores.push_back(c);
      }
    alloc.push_back({{"layer", run.workload.layers[l].name},
                     {"id", run.workload.layers[l].id},
                     {"cores", cores}});
  }
  j["allocation"] = alloc;
  json search;
  search["method"] = run.allocation;
  search["schedules_evaluated"] = run.evaluations;
  search["cost_table_entries"] = run.cost_table_entries;
  search["stopped_early"] = run.stopped_early;
  if (run.allocation == "exhaustive")
    search["allocations"] = {{"total", run.allocations_total},
                             {"scheduled", run.allocations_scheduled}};
  if (run.allocation == "ga")
    search["polish"] = {{"moves", run.polish_moves}, {"schedules", run.polish_schedules}};
  if (run.allocation == "milp")
    search["milp"] = {{"objective_cycles", run.milp_objective},
                      {"bound_cycles", run.milp_bound},
                      {"gap", run.milp_gap},
                      {"optimal", run.milp_optimal},
                      {"nodes", run.milp_nodes},
                      {"from_cbc", run.milp_from_cbc}};
  json front = json::array();
  for (const auto& g : run.pareto)
    front.push_back(
        {{"latency_cycles", g.latency_cycles}, {"energy_pj", g.energy_pj}, {"cores", g.core}});
  search["pareto"] = front;
  j["search"] = search;
  json stacks = json::array();
  for (const auto& st : run.graph.stacks) {
    json ids = json::array();
    for (int l : st) ids.push_back(run.workload.layers[static_cast<std::size_t>(l)].id);
    stacks.push_back(ids);
  }
  j["layer_stacks"] = stacks;
  j["wall_seconds"] = wall_seconds;
  // Ctrl-C: the best of what was searched (search/StreamPipeline.h stream_partial_note).
  j["partial"] = run.stopped_early;
  if (run.stopped_early) j["partial_note"] = search::stream_partial_note(run);
  return j;
}

json stream_schedule(const search::StreamRun& run) {
  const auto& s = run.schedule;
  json cns = json::array();
  for (std::size_t i = 0; i < run.graph.cns.size(); ++i) {
    const auto& c = run.graph.cns[i];
    const auto& l = run.workload.layers[static_cast<std::size_t>(c.layer)];
    json ranges = json::object();
    for (std::size_t d = 0; d < l.dims.size() && d < c.ranges.size(); ++d)
      ranges[l.dims[d]] = {c.ranges[d].first, c.ranges[d].second};
    const auto& cost = run.cn_cost[i];
    cns.push_back({{"id", i},
                   {"layer", l.name},
                   {"layer_id", l.id},
                   {"tile", c.sub_id},
                   {"core", s.cns[i].core},
                   {"start", s.cns[i].start},
                   {"end", s.cns[i].end},
                   {"ranges", ranges},
                   {"onchip_energy_pj", cost.onchip_energy_pj},
                   {"offchip_energy_pj", cost.offchip_energy_pj},
                   {"dram_operands", cost.too_large},
                   {"spatial_mapping", cost.spatial}});
  }
  json tr = json::array();
  for (const auto& t : s.transfers) {
    json links = json::array();
    for (int l : t.links) links.push_back(run.acc.link_name(l));
    tr.push_back({{"kind", t.block ? "block" : "transfer"},
                  {"from_core", t.from_core},
                  {"to_core", t.to_core},
                  {"links", links},
                  {"start", t.start},
                  {"end", t.end},
                  {"bits", t.bits},
                  {"cause", schedule::cause_name(t.cause)},
                  {"cn", t.cn}});
  }
  json mem = json::array();
  for (const auto& m : s.memories) {
    json use = json::array();
    for (const auto& [t, b] : m.usage) use.push_back({t, b});
    mem.push_back({{"core", m.core},
                   {"memory", m.memory},
                   {"capacity_bits", m.capacity_bits},
                   {"peak_bits", m.peak_bits},
                   {"usage", use}});
  }
  json edges = json::array();
  for (const auto& e : run.graph.edges) edges.push_back({e.src, e.dst});
  return {{"cns", cns}, {"transfers", tr}, {"memories", mem}, {"edges", edges}};
}

json stream_trace(const search::StreamRun& run) {
  const auto& s = run.schedule;
  json ev = json::array();
  const int link_pid0 = 1000;
  for (int c = 0; c < run.acc.num_cores(); ++c)
    ev.push_back({{"ph", "M"},
                  {"name", "process_name"},
                  {"pid", c},
                  {"args", {{"name", fmt::format("Core {} ({})", c, run.acc.hw(c).name)}}}});
  for (int l = 0; l < static_cast<int>(run.acc.links.size()); ++l)
    ev.push_back({{"ph", "M"},
                  {"name", "process_name"},
                  {"pid", link_pid0 + l},
                  {"args", {{"name", run.acc.link_name(l)}}}});
  for (std::size_t i = 0; i < run.graph.cns.size(); ++i) {
    const auto& c = run.graph.cns[i];
    const auto& l = run.workload.layers[static_cast<std::size_t>(c.layer)];
    ev.push_back({{"ph", "X"},
                  {"name", fmt::format("{} tile {}", l.name, c.sub_id)},
                  {"cat", "cn"},
                  {"pid", s.cns[i].core},
                  {"tid", 0},
                  {"ts", s.cns[i].start},
                  {"dur", s.cns[i].end - s.cns[i].start},
                  {"args", {{"layer_id", l.id}, {"tile", c.sub_id}}}});
  }
  for (const auto& t : s.transfers)
    for (int l : t.links)
      ev.push_back({{"ph", "X"},
                    {"name", fmt::format("{} {}->{}", t.block ? "block" : "transfer", t.from_core,
                                         t.to_core)},
                    {"cat", schedule::cause_name(t.cause)},
                    {"pid", link_pid0 + l},
                    {"tid", 0},
                    {"ts", t.start},
                    {"dur", t.end - t.start},
                    {"args", {{"bits", t.bits}}}});
  return {{"traceEvents", ev},
          {"displayTimeUnit", "ns"},
          {"otherData", {{"time_unit", "1 us in the viewer = 1 cycle"}}}};
}

namespace {

json gantt_rows(const search::StreamRun& run) {
  const auto& s = run.schedule;
  json rows = json::array();
  for (std::size_t i = 0; i < run.graph.cns.size(); ++i) {
    const auto& c = run.graph.cns[i];
    rows.push_back({{"track", fmt::format("Core {}", s.cns[i].core)},
                    {"start", s.cns[i].start},
                    {"end", s.cns[i].end},
                    {"what", run.workload.layers[static_cast<std::size_t>(c.layer)].name},
                    {"tile", c.sub_id}});
  }
  for (const auto& t : s.transfers)
    for (int l : t.links)
      rows.push_back(
          {{"track", run.acc.link_name(l)},
           {"start", t.start},
           {"end", t.end},
           {"what", std::string(t.block ? "block " : "") + schedule::cause_name(t.cause)},
           {"tile", -1}});
  return rows;
}

json memory_rows(const search::StreamRun& run, json& caps) {
  json rows = json::array();
  caps = json::array();
  const double end = run.schedule.latency_cycles;
  for (const auto& m : run.schedule.memories) {
    if (m.core == run.acc.offchip_core_id()) continue;
    const std::string name = fmt::format("core {} {}", m.core, m.memory);
    for (const auto& [t, bits] : m.usage)
      rows.push_back({{"memory", name}, {"cycle", t}, {"bits", bits}});
    if (!m.usage.empty())
      rows.push_back({{"memory", name}, {"cycle", end}, {"bits", m.usage.back().second}});
    caps.push_back({{"memory", name}, {"capacity_bits", m.capacity_bits}});
  }
  return rows;
}

}  // namespace

std::string stream_report(const search::StreamRun& run) {
  const auto& s = run.schedule;
  HtmlReport r("mosaic stream: " + run.acc.arch.name);
  r.add_paragraph(fmt::format(
      "{} computation nodes, {} edges; latency {} cycles, energy {} pJ; "
      "allocation {}.",
      run.graph.cns.size(), run.graph.edges.size(), s.latency_cycles, s.energy_pj, run.allocation));
  if (run.stopped_early)
    r.add_paragraph("Partial result (Ctrl-C): " + search::stream_partial_note(run) + ".");
  r.add_dataset("gantt", gantt_rows(run));
  json caps;
  r.add_dataset("memory", memory_rows(run, caps));
  r.add_dataset("capacity", caps);
  json energy = json::array();
  energy.push_back({{"cause", "CN on-chip"}, {"pj", s.cn_onchip_pj}});
  for (int c = 0; c < 4; ++c) {
    const auto cause = static_cast<TransferCause>(c);
    energy.push_back({{"cause", std::string(schedule::cause_name(cause)) + " memory"},
                      {"pj", s.memory_pj[static_cast<std::size_t>(c)]}});
    energy.push_back({{"cause", std::string(schedule::cause_name(cause)) + " link"},
                      {"pj", s.link_pj[static_cast<std::size_t>(c)]}});
  }
  r.add_dataset("energy", energy);
  r.add_heading("Schedule: cores and links");
  r.add_gantt({.title = "wheel: zoom, drag: pan, double click: reset",
               .dataset = "gantt",
               .time_title = "cycle",
               .color = "what",
               .color_title = "layer / transfer",
               .tooltip = {"what", "tile", "start", "end"},
               .width = 900,
               .tracks = run.acc.num_cores() + static_cast<int>(run.acc.links.size())});
  r.add_heading("Memory use over time (top memories, with capacity)");
  r.add_chart(
      {{"width", 900},
       {"layer", json::array({{{"data", {{"name", "memory"}}},
                               {"mark", {{"type", "line"}, {"interpolate", "step-after"}}},
                               {"encoding",
                                {{"x", {{"field", "cycle"}, {"type", "quantitative"}}},
                                 {"y", {{"field", "bits"}, {"type", "quantitative"}}},
                                 {"color", {{"field", "memory"}, {"type", "nominal"}}}}}},
                              {{"data", {{"name", "capacity"}}},
                               {"mark", {{"type", "rule"}, {"strokeDash", {4, 4}}}},
                               {"encoding",
                                {{"y", {{"field", "capacity_bits"}, {"type", "quantitative"}}},
                                 {"color", {{"field", "memory"}, {"type", "nominal"}}}}}}})}});
  r.add_heading("Energy by cause");
  r.add_chart({{"data", {{"name", "energy"}}},
               {"mark", "bar"},
               {"encoding",
                {{"y", {{"field", "cause"}, {"type", "nominal"}, {"sort", nullptr}}},
                 {"x", {{"field", "pj"}, {"type", "quantitative"}, {"title", "pJ"}}}}}});
  return r.render();
}

}  // namespace mosaic::outputs
