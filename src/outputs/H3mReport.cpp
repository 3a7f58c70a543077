#include "outputs/H3mReport.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/OutputFile.h"
#include "outputs/HtmlReport.h"

namespace mosaic::outputs {

using nlohmann::json;

std::string h3m_subs_text(const search::H3mRun& run, const std::string& separator,
                          bool parenthesized) {
  std::string subs;
  for (const auto& sub : run.best.design.subs) {
    const std::string schedule =
        sub.fission ? std::string("dynamic fission") : fmt::format("gang {}", sub.gang);
    subs += fmt::format("{}{} x{} {} {}", subs.empty() ? "" : separator,
                        run.space.granularities[static_cast<std::size_t>(sub.granularity)].name,
                        sub.cores, run.space.dataflows[static_cast<std::size_t>(sub.dataflow)],
                        parenthesized ? "(" + schedule + ")" : schedule);
  }
  return subs;
}

json h3m_design_json(const search::H3mEvaluation& e, const search::H3mSpace& s,
                     const search::H3mConfig& c) {
  json subs = json::array();
  for (const auto& sub : e.design.subs) {
    const auto& g = s.granularities[static_cast<std::size_t>(sub.granularity)];
    const double n = static_cast<double>(sub.cores);
    json res = {{"dsp", n * g.dsp},
                {"bram36k", n * g.bram36k},
                {"lut", n * g.lut},
                {"macs", n * static_cast<double>(g.macs_per_cycle())}};
    subs.push_back({{"dataflow", s.dataflows[static_cast<std::size_t>(sub.dataflow)]},
                    {"granularity", g.name},
                    {"shape", fmt::format("{}x{}x{}", g.pp, g.icp, g.ocp)},
                    {"granularity_resources_published", g.published},
                    {"cores", sub.cores},
                    {"gang", sub.gang},
                    {"gangs", sub.gang_sizes},
                    {"resources", res}});
    if (sub.fission) subs.back()["dynamic_fission"] = true;
  }
  json j = {{"sub_accelerators", subs},
            {"feasible", e.feasible},
            {"latency_s", e.latency_s},
            {"energy_j", e.energy_j},
            {"edp", e.edp},
            {"latency_cycles", e.latency_cycles},
            {"clock_mhz", c.platform.clock_mhz}};
  if (!e.feasible) j["why"] = e.design.why.empty() ? "not evaluated" : e.design.why;
  const bool fission = std::any_of(e.design.subs.begin(), e.design.subs.end(),
                                   [](const search::H3mSub& x) { return x.fission; });
  if (fission) j["fission_reallocations"] = e.reallocations;
  if (fission && !e.task_sub.empty()) {  // per task: the fission sub-accelerator, -1 = static
    json tasks = json::array();
    for (int t : e.task_sub) tasks.push_back(t);
    j["task_sub_accelerator"] = tasks;
  }
  return j;
}

namespace {

json run_json(const search::H3mRun& r, const search::H3mConfig& c) {
  json j = h3m_design_json(r.best, r.space, c);
  j["search"] = {{"method", r.method},
                 {"evaluations", r.evaluations},
                 {"best_at_evaluation", r.best_at_evaluation},
                 {"wall_seconds", r.wall_seconds},
                 {"cpu_seconds", r.cpu_seconds}};
  if (r.space_size > 0) j["search"]["space_size"] = r.space_size;
  // The best design came from a baseline's search, evaluated as a member of this space.
  if (!r.best_from.empty()) j["search"]["best_from_baseline"] = r.best_from;
  return j;
}

std::string budget_text(const arch::Platform& p) {
  if (p.fpga)
    return fmt::format("{:g} LUT, {:g} BRAM36K, {:g} URAM, {:g} DSP, {:g} GB/s DRAM, {:g} MHz",
                       p.lut, p.bram36k, p.uram, p.dsp, p.dram_gbps, p.clock_mhz);
  return fmt::format("{} MACs, {:g} bytes core SRAM, {:g} GB/s DRAM, {:g} MHz", p.asic_macs,
                     p.asic_sram_bytes, p.dram_gbps, p.clock_mhz);
}

}  // namespace

json h3m_summary_json(const search::H3mResult& r, const search::H3mConfig& c,
                      const H3mRunInfo& info) {
  json j;
  j["workload"] = info.workload;
  j["platform"] = {{"name", c.platform.name},
                   {"budget", budget_text(c.platform)},
                   {"source", c.platform.source}};
  j["best"] = run_json(r.best, c);
  j["baselines"] = json::object();
  j["ratios"] = json::object();
  for (const auto& b : r.baselines) {
    j["baselines"][b.name] = run_json(b, c);
    if (r.best.best.feasible && b.best.feasible && r.best.best.edp > 0)
      j["ratios"]["edp_" + b.name + "_over_best"] = b.best.edp / r.best.best.edp;
  }
  const double wall = r.best.wall_seconds;
  const double cpu = r.best.cpu_seconds;
  const auto n = static_cast<double>(r.best.evaluations);
  j["search"] = {{"method", r.best.method},
                 {"evaluations", r.best.evaluations},
                 {"wall_seconds", wall},
                 {"cpu_seconds", cpu},
                 {"total_wall_seconds", r.wall_seconds},
                 {"evaluations_per_second", wall > 0 ? n / wall : 0.0},
                 {"evaluations_per_cpu_second", cpu > 0 ? n / cpu : 0.0},
                 {"cost_table_seconds", r.search_table_seconds},
                 {"evaluations_per_second_excluding_cost_tables",
                  wall > r.search_table_seconds ? n / (wall - r.search_table_seconds) : 0.0},
                 {"best_at_evaluation", r.best.best_at_evaluation},
                 {"best_found_by", r.best.best_from.empty() ? std::string("search")
                                                            : "baseline " + r.best.best_from},
                 {"seed", info.seed},
                 {"threads", r.threads},
                 {"interrupted", r.interrupted},
                 {"layers", r.layers},
                 {"unique_layer_shapes", r.unique_shapes},
                 {"cost_tables", r.cost_tables}};
  // Per task (model instance) with a limit: its finish time in the best design's schedule.
  json sla = json::array();
  bool all_met = true;
  for (const auto& [name, limit] : info.sla_seconds)
    for (std::size_t g = 0; g < r.group_names.size(); ++g) {
      if (r.group_names[g] != name && r.group_names[g].rfind(name + "#", 0) != 0) continue;
      const double finish = r.model_finish_s[g];
      const bool met = finish <= limit;
      all_met = all_met && met;
      sla.push_back({{"model", name},
                     {"task", r.group_names[g]},
                     {"limit_s", limit},
                     {"finish_s", finish},
                     {"met", met}});
    }
  j["sla"] = sla;
  if (!info.sla_seconds.empty()) {
    j["sla_all_met"] = r.best.best.feasible && all_met;
    j["sla_handling"] =
        "penalised: a design meeting every SLA beats one that does not; two that miss compare "
        "by the sum of their relative excesses, then by EDP (Deb's feasibility rules)";
    for (const auto& b : r.baselines)
      j["baselines"][b.name]["sla_all_met"] = b.best.feasible && b.best.sla_violation <= 0;
    j["best"]["sla_violation"] = r.best.best.sla_violation;
  }
  return j;
}

namespace {

std::string convergence_csv(const search::H3mResult& r) {
  std::string s = "run,evaluation,best_edp\n";
  auto add = [&](const search::H3mRun& run) {
    for (const auto& p : run.convergence)
      s += fmt::format("{},{},{:.9g}\n", run.name, p.evaluation, p.best_edp);
  };
  add(r.best);
  for (const auto& b : r.baselines) add(b);
  return s;
}

json schedule_json(const search::H3mResult& r, const search::H3mConfig& c) {
  json placed = json::array();
  const double hz = c.platform.clock_mhz * 1e6;
  for (std::size_t i = 0; i < r.schedule.placed.size(); ++i) {
    const auto& p = r.schedule.placed[i];
    placed.push_back({{"layer", r.problem.nodes[i].name},
                      {"group", r.problem.nodes[i].group},
                      {"gang", p.core >= 0 ? r.gang_names[static_cast<std::size_t>(p.core)] : ""},
                      {"start_s", p.start / hz},
                      {"end_s", p.end / hz},
                      {"energy_j", p.energy_pj * 1e-12}});
  }
  json models = json::array();
  for (std::size_t g = 0; g < r.group_names.size(); ++g)
    models.push_back({{"model", r.group_names[g]}, {"finish_s", r.model_finish_s[g]}});
  return {{"gangs", r.gang_names},
          {"latency_s", r.schedule.latency_cycles / hz},
          {"energy_j", r.schedule.energy_pj * 1e-12},
          {"models", models},
          {"layers", placed}};
}

std::string report_html(const search::H3mResult& r, const search::H3mConfig& c,
                        const H3mRunInfo& info) {
  HtmlReport h(fmt::format("H3M: {} on {}", info.workload, c.platform.name));
  h.add_paragraph(fmt::format(
      "{} search, {} evaluations, seed {}; budget {}. Source of the budget: {}", r.best.method,
      r.best.evaluations, info.seed, budget_text(c.platform), c.platform.source));
  Table t{"Designs", {"design", "sub-accelerators", "latency (s)", "energy (J)", "EDP (J s)"}, {}};
  auto row = [&](const std::string& name, const search::H3mRun& run) {
    t.rows.push_back(
        {name, h3m_subs_text(run, "; ", true), fmt::format("{:.4g}", run.best.latency_s),
         fmt::format("{:.4g}", run.best.energy_j), fmt::format("{:.4g}", run.best.edp)});
  };
  row("H3M (best)", r.best);
  for (const auto& b : r.baselines) row(b.name, b);
  h.add_table(t);
  json conv = json::array();
  auto add = [&](const search::H3mRun& run) {
    for (const auto& p : run.convergence)
      conv.push_back({{"run", run.name}, {"evaluation", p.evaluation}, {"best_edp", p.best_edp}});
  };
  add(r.best);
  for (const auto& b : r.baselines) add(b);
  h.add_dataset("convergence", conv);
  h.add_chart(
      {{"title", "Convergence (best EDP so far)"},
       {"data", {{"name", "convergence"}}},
       {"mark", "line"},
       {"width", 520},
       {"height", 280},
       {"encoding",
        {{"x", {{"field", "evaluation"}, {"type", "quantitative"}}},
         {"y", {{"field", "best_edp"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}}},
         {"color", {{"field", "run"}, {"type", "nominal"}}}}}});
  const json sched = schedule_json(r, c);
  json bars = json::array();
  for (const auto& l : sched["layers"]) {
    const auto group = l["group"].get<std::size_t>();
    bars.push_back({{"gang", l["gang"]},
                    {"start_s", l["start_s"]},
                    {"end_s", l["end_s"]},
                    {"layer", l["layer"]},
                    {"model", group < r.group_names.size() ? r.group_names[group] : ""}});
  }
  h.add_dataset("schedule", bars);
  h.add_gantt({.title = "Schedule of the best design (wheel: zoom, drag: pan, double click: reset)",
               .dataset = "schedule",
               .track = "gang",
               .start = "start_s",
               .end = "end_s",
               .time_title = "time (s)",
               .color = "model",
               .color_title = "model instance",
               .tooltip = {"layer", "model", "gang"},
               .width = 520,
               .tracks = static_cast<int>(r.gang_names.size())});
  return h.render();
}

}  // namespace

std::vector<std::filesystem::path> write_h3m_outputs(const std::filesystem::path& dir,
                                                     const search::H3mResult& r,
                                                     const search::H3mConfig& c,
                                                     const H3mRunInfo& info) {
  std::filesystem::create_directories(dir);
  std::vector<std::filesystem::path> out;
  auto put = [&](const char* name, const std::string& text) {
    const auto p = dir / name;
    write_file_atomically(p, text, "--out");
    out.push_back(p);
  };
  put("summary.json", h3m_summary_json(r, c, info).dump(2) + "\n");
  put("convergence.csv", convergence_csv(r));
  put("schedule.json", schedule_json(r, c).dump(1) + "\n");
  put("report.html", report_html(r, c, info));
  return out;
}

}  // namespace mosaic::outputs
