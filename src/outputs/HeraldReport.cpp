#include "outputs/HeraldReport.h"
#include "outputs/HeraldTrace.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/OutputFile.h"
#include "outputs/HtmlReport.h"

namespace mosaic::outputs {

using nlohmann::json;

namespace {

json design_json(const search::HeraldResult& r, int index, double clock_ghz) {
  if (index < 0) return nullptr;
  const auto& p = r.points[static_cast<std::size_t>(index)];
  const auto& style = r.styles[static_cast<std::size_t>(p.style)];
  json j;
  j["styles"] = style.label();
  j["kind"] = std::string(arch::style_kind_name(style.kind));
  j["dataflows"] = style.dataflows;
  json part = json::array();
  for (std::size_t k = 0; k < p.partition.pes.size(); ++k)
    part.push_back({{"dataflow", style.kind == arch::StyleKind::RDA ? std::string("reconfigurable")
                                                                    : style.dataflows[k]},
                    {"pes", p.partition.pes[k]},
                    {"bw_gbps", p.partition.bw_gbps[k]}});
  j["partition"] = part;
  j["latency_cycles"] = p.latency_cycles;
  j["latency_s"] = p.latency_cycles / (clock_ghz * 1e9);
  j["energy_j"] = p.energy_pj * 1e-12;
  j["edp"] = p.latency_cycles / (clock_ghz * 1e9) * p.energy_pj * 1e-12;
  j["edp_unit"] = "J*s";
  return j;
}

}  // namespace

json herald_summary_json(const search::HeraldResult& r, const search::HeraldConfig& c,
                         const HeraldRunInfo& info) {
  json j;
  j["best"] = design_json(r, r.best, info.clock_ghz);
  j["baselines"] = {{"fda", design_json(r, r.best_fda, info.clock_ghz)},
                    {"sm_fda", design_json(r, r.best_smfda, info.clock_ghz)},
                    {"rda", design_json(r, r.rda, info.clock_ghz)}};
  json styles = json::array();
  for (int i : r.searched) styles.push_back(r.styles[static_cast<std::size_t>(i)].label());
  j["settings"] = {
      {"workload", info.workload},
      {"class", info.accelerator_class},
      {"total_pes", c.cls.total_pes},
      {"noc_gbps", c.cls.noc_gbps},
      {"global_buffer_bytes", c.cls.global_buffer_bytes},
      {"dram_gbps", c.cls.dram_gbps},
      {"styles", styles},
      {"search", info.search},
      {"granularity", info.granularity},
      {"objective", info.objective},
      {"scheduler", info.scheduler},
      {"load_balance_factor", c.scheduler.load_balance_factor},
      {"ordering",
       c.scheduler.ordering == schedule::Ordering::DepthFirst ? "depth-first" : "breadth-first"},
      {"lookahead", c.scheduler.lookahead},
      {"seed", info.seed},
      {"clock_ghz", info.clock_ghz},
      {"bytes_per_element", c.params.bytes_per_element}};
  // How each core's layer cost was computed (the store key holds the same).
  j["cost_mode"] = {
      {"cost_model", c.maestro_compat ? "maestro" : "subaccelerator"},
      {"compat", c.maestro_compat ? "maestro" : "none"},
      {"search_tiles", !c.maestro_compat || c.compat_search_tiles},
      {"l1_bytes_per_pe", c.params.l1_bytes_per_pe},
      {"subacc_buffer_bytes_per_pe",
       c.maestro_compat ? json(nullptr) : json(c.params.subacc_buffer_bytes_per_pe)},
      {"local_elements_per_pe_cycle",
       c.maestro_compat ? json(nullptr) : json(c.params.local_elements_per_pe_cycle)}};
  if (c.cost_analysis == mapper::CostAnalysis::LoopNest) {
    // Present only with --cost loopnest (absent: the directive analysis above).
    json views = json::array();
    if (c.fixed_partition)
      for (std::size_t k = 0; k < c.fixed_partition->loop_nest.size(); ++k) {
        const auto& hw = c.fixed_partition->loop_nest[k];
        const auto& m = k < c.fixed_partition->loop_nest_mappings.size()
                            ? c.fixed_partition->loop_nest_mappings[k]
                            : std::optional<dataflow::LoopNestMappingSet>{};
        views.push_back({{"hw", hw ? json(hw->source_file) : json(nullptr)},
                         {"mapping", m ? json(m->source_file) : json(nullptr)}});
      }
    j["cost_mode"] = {{"analysis", "loopnest"},
                      {"cost_model", "loopnest"},
                      {"mapper", "loma"},
                      {"mapper_objective", info.objective},
                      {"cores", views},
                      {"baselines",
                       "not evaluated: their cores, built from the class, have no memory "
                       "hierarchy"}};
  }
  j["search"] = {
      {"design_points", r.design_points},
      {"wall_seconds", r.wall_seconds},
      {"cost_table_seconds", r.cost_seconds},
      {"schedule_seconds", r.schedule_seconds},
      {"threads", r.threads},
      {"layers", r.layers},
      {"unique_layer_shapes", r.unique_layer_shapes},
      {"core_configurations", r.core_configs},
      {"us_per_layer_per_design_point",
       r.design_points > 0 && r.layers > 0
           ? 1e6 * r.schedule_seconds * r.threads / static_cast<double>(r.design_points * r.layers)
           : 0.0},
      {"interrupted", r.interrupted}};
  return j;
}

std::string herald_pareto_csv(const search::HeraldResult& r, double clock_ghz) {
  std::string s = "style,kind,pes,bw_gbps,latency_cycles,latency_s,energy_j,edp_js,pareto\n";
  for (const auto& p : r.points) {
    const auto& st = r.styles[static_cast<std::size_t>(p.style)];
    std::string pes, bw;
    for (std::size_t k = 0; k < p.partition.pes.size(); ++k) {
      pes += (k ? "/" : "") + std::to_string(p.partition.pes[k]);
      bw += (k ? "/" : "") + fmt::format("{:g}", p.partition.bw_gbps[k]);
    }
    const double ls = p.latency_cycles / (clock_ghz * 1e9);
    s += fmt::format("{},{},{},{},{:.0f},{:.9g},{:.9g},{:.9g},{}\n", st.label(),
                     arch::style_kind_name(st.kind), pes, bw, p.latency_cycles, ls,
                     p.energy_pj * 1e-12, ls * p.energy_pj * 1e-12, p.pareto ? 1 : 0);
  }
  return s;
}

json herald_schedule_json(const search::HeraldResult& r, const workload::Workload& w,
                          const workload::WorkloadGraph& g) {
  json j;
  json records = json::array();
  const auto& s = r.best_schedule;
  for (std::size_t i = 0; i < s.placed.size() && i < g.nodes.size(); ++i) {
    const auto& pl = s.placed[i];
    const auto& wn = g.nodes[i];
    // Predecessors as layer indices within the same model instance.
    int first = 0;
    for (const auto& span : g.spans)
      if (static_cast<std::int32_t>(i) >= span.first &&
          static_cast<std::int32_t>(i) < span.first + span.count)
        first = span.first;
    json preds = json::array();
    for (auto q : wn.preds) preds.push_back(q - first);
    records.push_back({{"model", w.models.at(static_cast<std::size_t>(wn.model)).name},
                       {"instance", wn.instance},
                       {"layer", wn.layer.name},
                       {"layer_index", static_cast<std::int32_t>(i) - first},
                       {"predecessors", preds},
                       {"core", pl.core},
                       {"start_cycle", pl.start},
                       {"end_cycle", pl.end},
                       {"energy_pj", pl.energy_pj},
                       {"output_in_dram", pl.output_in_dram}});
  }
  j["records"] = records;
  j["core_busy_cycles"] = s.core_busy_cycles;
  json mem = json::array();
  std::vector<schedule::MemoryPoint> timeline;
  schedule::validate_schedule(r.best_problem, s, &timeline);
  for (const auto& m : timeline) mem.push_back({{"cycle", m.time}, {"bytes", m.bytes}});
  j["global_buffer"] = {{"capacity_bytes", r.best_problem.capacity_bytes}, {"occupancy", mem}};
  j["latency_cycles"] = s.latency_cycles;
  j["energy_pj"] = s.energy_pj;
  j["dram_bytes"] = s.dram_bytes;
  return j;
}

std::vector<std::size_t> herald_plotted_points(const search::HeraldResult& r,
                                               std::size_t max_points) {
  std::vector<std::size_t> keep;
  std::vector<char> kept(r.points.size(), 0);
  auto take = [&](std::size_t i) {
    if (i < r.points.size() && kept[i] == 0) {
      kept[i] = 1;
      keep.push_back(i);
    }
  };
  for (int i : {r.best, r.best_fda, r.best_smfda, r.rda})
    if (i >= 0) take(static_cast<std::size_t>(i));
  for (std::size_t i = 0; i < r.points.size(); ++i)
    if (r.points[i].pareto) take(i);
  const std::size_t rest = r.points.size() - keep.size();
  const std::size_t room = max_points > keep.size() ? max_points - keep.size() : 0;
  if (rest <= room) {
    for (std::size_t i = 0; i < r.points.size(); ++i) take(i);
  } else if (room > 0) {
    // An even sample of the others: the k-th of `room` picks is the other at k * rest / room.
    std::size_t other = 0, next_pick = 0, k = 0;
    for (std::size_t i = 0; i < r.points.size() && k < room; ++i) {
      if (kept[i] != 0) continue;
      if (other == next_pick) {
        take(i);
        ++k;
        next_pick = k * rest / room;
      }
      ++other;
    }
  }
  std::sort(keep.begin(), keep.end());
  return keep;
}

namespace {

// A design point as the report plots and tabulates it.
json point_json(const search::HeraldResult& r, const search::DesignPoint& p, double ghz) {
  const auto& st = r.styles[static_cast<std::size_t>(p.style)];
  std::string part;
  for (std::size_t k = 0; k < p.partition.pes.size(); ++k)
    part += fmt::format("{}{} PEs/{:g} GB/s", k ? " + " : "", p.partition.pes[k],
                        p.partition.bw_gbps[k]);
  std::string kind(arch::style_kind_name(st.kind));
  for (char& ch : kind) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return json{{"style", st.label()},
              {"class", kind},
              {"latency_s", p.latency_cycles / (ghz * 1e9)},
              {"energy_j", p.energy_pj * 1e-12},
              {"edp", p.latency_cycles / (ghz * 1e9) * p.energy_pj * 1e-12},
              {"partition", part},
              {"pareto", p.pareto ? "yes" : "no"}};
}

// Fig. 11's chart: every plotted design point, latency against energy.
void add_design_space(HtmlReport& rep, const search::HeraldResult& r, const HeraldRunInfo& info,
                      std::size_t max_plotted_points) {
  const double ghz = info.clock_ghz;
  // Design points (thinned for huge sweeps: every one is in pareto.csv).
  const auto plotted = herald_plotted_points(r, max_plotted_points);
  if (plotted.size() < r.points.size())
    rep.add_paragraph(fmt::format(
        "{} of {} design points are plotted: every Pareto-optimal one, the best of each kind and "
        "an even sample of the others; pareto.csv lists them all.",
        plotted.size(), r.points.size()));
  json pts = json::array();
  for (std::size_t i : plotted) pts.push_back(point_json(r, r.points[i], ghz));
  rep.add_dataset("points", pts);
  rep.add_heading("Design space (latency vs energy)");
  rep.add_chart(
      {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
       {"title", "Every design point (Fig. 11 style)"},
       {"width", 620},
       {"height", 380},
       {"data", {{"name", "points"}}},
       {"mark", {{"type", "point"}, {"filled", true}, {"size", 45}, {"opacity", 0.75}}},
       {"encoding",
        {{"x",
          {{"field", "latency_s"},
           {"type", "quantitative"},
           {"title", "latency (s)"},
           {"scale", {{"type", "log"}}}}},
         {"y",
          {{"field", "energy_j"},
           {"type", "quantitative"},
           {"title", "energy (J)"},
           {"scale", {{"zero", false}}}}},
         {"color", {{"field", "style"}, {"type", "nominal"}, {"title", "style"}}},
         {"shape", {{"field", "class"}, {"type", "nominal"}, {"title", "class"}}},
         {"strokeWidth",
          {{"condition", {{"test", "datum.pareto == 'yes'"}, {"value", 2}}}, {"value", 0}}},
         {"stroke", {{"value", "black"}}},
         {"tooltip", json::array({{{"field", "style"}},
                                  {{"field", "partition"}},
                                  {{"field", "latency_s"}, {"format", ".4g"}},
                                  {{"field", "energy_j"}, {"format", ".4g"}},
                                  {{"field", "edp"}, {"format", ".4g"}},
                                  {{"field", "pareto"}}})}}}});
}

// The best design of each kind.
void add_bests_table(HtmlReport& rep, const search::HeraldResult& r, double ghz) {
  Table t;
  t.caption = "Best designs (black outline in the chart: on the Pareto front)";
  t.columns = {"", "style", "partition", "latency (s)", "energy (J)", "EDP (J*s)"};
  auto row = [&](const char* what, int idx) {
    if (idx < 0) return;
    const json p = point_json(r, r.points[static_cast<std::size_t>(idx)], ghz);
    t.rows.push_back({what, p["style"].get<std::string>(), p["partition"].get<std::string>(),
                      fmt::format("{:.4g}", p["latency_s"].get<double>()),
                      fmt::format("{:.4g}", p["energy_j"].get<double>()),
                      fmt::format("{:.4g}", p["edp"].get<double>())});
  };
  row("best", r.best);
  row("best FDA", r.best_fda);
  row("best SM-FDA", r.best_smfda);
  row("RDA", r.rda);
  rep.add_table(t);
}

// The best design's cores as the schedule charts name them.
std::string core_label(const search::HeraldResult& r, int core) {
  const auto& best = r.points[static_cast<std::size_t>(r.best)];
  const auto& style = r.styles[static_cast<std::size_t>(best.style)];
  return fmt::format("core {} ({}, {} PEs)", core,
                     style.kind == arch::StyleKind::RDA
                         ? std::string("reconfigurable")
                         : style.dataflows[static_cast<std::size_t>(core)],
                     best.partition.pes[static_cast<std::size_t>(core)]);
}

// The best design's schedule: its layers on each core over time.
void add_gantt(HtmlReport& rep, const search::HeraldResult& r, const search::HeraldConfig& c,
               double ghz) {
  const auto& style =
      r.styles[static_cast<std::size_t>(r.points[static_cast<std::size_t>(r.best)].style)];
  const auto graph = workload::flatten(c.workload, workload::Granularity::Compute);
  json gantt = json::array();
  const auto& sch = r.best_schedule;
  const auto& prob = r.best_problem;
  for (std::size_t i = 0; i < sch.placed.size() && i < graph.nodes.size(); ++i) {
    const auto& pl = sch.placed[i];
    if (pl.end <= pl.start) continue;
    const auto& wn = graph.nodes[i];
    const auto& model = c.workload.models.at(static_cast<std::size_t>(wn.model));
    gantt.push_back({{"core", core_label(r, pl.core)},
                     {"model", model.instances > 1 ? fmt::format("{}#{}", model.name, wn.instance)
                                                   : model.name},
                     {"layer", wn.name},
                     {"start_ms", pl.start / (ghz * 1e6)},
                     {"end_ms", pl.end / (ghz * 1e6)}});
  }
  rep.add_dataset("gantt", gantt);
  rep.add_heading(fmt::format("Schedule of the best design ({})", style.label()));
  rep.add_gantt(
      {.title = "Layers on each core over time (wheel: zoom, drag: pan, double click: reset)",
       .dataset = "gantt",
       .track = "core",
       .start = "start_ms",
       .end = "end_ms",
       .time_title = "time (ms)",
       .color = "model",
       .color_title = "model instance",
       .tooltip = {"layer", "model", "start_ms", "end_ms"},
       .tracks = prob.num_cores});
}

// The best design's busy time and energy (on chip; DRAM and penalties) per core.
void add_core_charts(HtmlReport& rep, const search::HeraldResult& r) {
  const auto& sch = r.best_schedule;
  const auto& prob = r.best_problem;
  std::vector<double> onchip(static_cast<std::size_t>(prob.num_cores), 0),
      offchip(static_cast<std::size_t>(prob.num_cores), 0);
  for (std::size_t i = 0; i < sch.placed.size(); ++i) {
    const auto& pl = sch.placed[i];
    const double on = prob.energy_pj[prob.at(i, pl.core)];
    onchip[static_cast<std::size_t>(pl.core)] += on;
    offchip[static_cast<std::size_t>(pl.core)] += pl.energy_pj - on;
  }
  json util = json::array(), energy = json::array();
  for (int k = 0; k < prob.num_cores; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    util.push_back(
        {{"core", core_label(r, k)},
         {"utilization",
          sch.latency_cycles > 0 ? sch.core_busy_cycles[kk] / sch.latency_cycles : 0.0}});
    energy.push_back({{"core", core_label(r, k)},
                      {"part", "on chip (MAC, L1, L2, NoC)"},
                      {"energy_j", onchip[kk] * 1e-12}});
    energy.push_back({{"core", core_label(r, k)},
                      {"part", "DRAM and penalties"},
                      {"energy_j", offchip[kk] * 1e-12}});
  }
  rep.add_dataset("utilization", util);
  rep.add_dataset("energy", energy);
  rep.begin_grid();
  rep.add_chart({{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
                 {"title", "Busy time / latency per core"},
                 {"width", 320},
                 {"height", 200},
                 {"data", {{"name", "utilization"}}},
                 {"mark", "bar"},
                 {"encoding",
                  {{"x", {{"field", "core"}, {"type", "nominal"}, {"title", nullptr}}},
                   {"y",
                    {{"field", "utilization"},
                     {"type", "quantitative"},
                     {"axis", {{"format", "%"}}},
                     {"scale", {{"domain", {0, 1}}}}}}}}});
  rep.add_chart(
      {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
       {"title", "Energy breakdown per core"},
       {"width", 320},
       {"height", 200},
       {"data", {{"name", "energy"}}},
       {"mark", "bar"},
       {"encoding",
        {{"x", {{"field", "core"}, {"type", "nominal"}, {"title", nullptr}}},
         {"y", {{"field", "energy_j"}, {"type", "quantitative"}, {"title", "energy (J)"}}},
         {"color", {{"field", "part"}, {"type", "nominal"}}}}}});
  rep.end_grid();
}

// The global buffer's occupancy over the best design's schedule.
void add_memory_chart(HtmlReport& rep, const search::HeraldResult& r, double ghz) {
  const auto& sch = r.best_schedule;
  const auto& prob = r.best_problem;
  std::vector<schedule::MemoryPoint> mem;
  schedule::validate_schedule(prob, sch, &mem);
  json m = json::array();
  for (const auto& point : mem)
    m.push_back({{"time_ms", point.time / (ghz * 1e6)}, {"mib", point.bytes / (1024.0 * 1024.0)}});
  rep.add_dataset("memory", m);
  rep.add_chart({{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
                 {"title", fmt::format("Global buffer occupancy (capacity {:.1f} MiB)",
                                       prob.capacity_bytes / (1024.0 * 1024.0))},
                 {"width", 760},
                 {"height", 200},
                 {"data", {{"name", "memory"}}},
                 {"mark", {{"type", "line"}, {"interpolate", "step-after"}}},
                 {"encoding",
                  {{"x", {{"field", "time_ms"}, {"type", "quantitative"}, {"title", "time (ms)"}}},
                   {"y", {{"field", "mib"}, {"type", "quantitative"}, {"title", "MiB"}}}}}});
}

}  // namespace

std::string herald_report_html(const search::HeraldResult& r, const search::HeraldConfig& c,
                               const HeraldRunInfo& info, std::size_t max_plotted_points) {
  const double ghz = info.clock_ghz;
  HtmlReport rep(fmt::format("Herald: {} on the {} class", info.workload, info.accelerator_class));
  rep.add_paragraph(
      fmt::format("{} layers; {} design points ({} search, granularity 1/{}, objective {}, {} "
                  "scheduler) in {:.2f} s on {} "
                  "threads.{}",
                  r.layers, r.design_points, info.search, info.granularity, info.objective,
                  info.scheduler, r.wall_seconds, r.threads,
                  r.interrupted ? " Interrupted: the finished points are shown." : ""));
  add_design_space(rep, r, info, max_plotted_points);
  add_bests_table(rep, r, ghz);
  if (r.best < 0) return rep.render();
  add_gantt(rep, r, c, ghz);
  add_core_charts(rep, r);
  add_memory_chart(rep, r, ghz);
  return rep.render();
}

std::vector<std::filesystem::path> write_herald_outputs(const std::filesystem::path& dir,
                                                        const search::HeraldResult& r,
                                                        const search::HeraldConfig& c,
                                                        const HeraldRunInfo& info) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw UserError(SourceLocation{dir.string(), 0, ""},
                    "cannot create the directory: " + ec.message());
  std::vector<std::filesystem::path> files = {dir / "summary.json", dir / "pareto.csv",
                                              dir / "schedule.json", dir / "report.html",
                                              dir / "trace.json"};
  write_file_atomically(files[0], herald_summary_json(r, c, info).dump(2) + "\n");
  write_file_atomically(files[1], herald_pareto_csv(r, info.clock_ghz));
  const auto graph = workload::flatten(c.workload, workload::Granularity::Compute);
  write_file_atomically(files[2], herald_schedule_json(r, c.workload, graph).dump(1) + "\n");
  write_file_atomically(files[3], herald_report_html(r, c, info, kHeraldMaxPlottedPoints));
  write_file_atomically(files[4], herald_trace_json(r, c.workload, graph, info.clock_ghz).dump() +
                                      "\n");  // Chrome/Perfetto (HeraldTrace.h)
  return files;
}

}  // namespace mosaic::outputs
