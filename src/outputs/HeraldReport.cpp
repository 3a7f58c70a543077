#include "outputs/HeraldReport.h"

#include <fstream>

#include <fmt/format.h>

#include "common/Error.h"

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
    part.push_back({{"dataflow", style.kind == arch::StyleKind::RDA ? std::string("reconfigurable") : style.dataflows[k]},
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

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw UserError(SourceLocation{path.string(), 0, ""}, "cannot write the file");
  out << text;
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
  j["settings"] = {{"workload", info.workload},
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
                   {"ordering", c.scheduler.ordering == schedule::Ordering::DepthFirst ? "depth-first" : "breadth-first"},
                   {"lookahead", c.scheduler.lookahead},
                   {"seed", info.seed},
                   {"clock_ghz", info.clock_ghz},
                   {"bytes_per_element", c.params.bytes_per_element}};
  j["search"] = {{"design_points", r.design_points},
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
    s += fmt::format("{},{},{},{},{:.0f},{:.9g},{:.9g},{:.9g},{}\n", st.label(), arch::style_kind_name(st.kind),
                     pes, bw, p.latency_cycles, ls, p.energy_pj * 1e-12, ls * p.energy_pj * 1e-12,
                     p.pareto ? 1 : 0);
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
      if (static_cast<std::int32_t>(i) >= span.first && static_cast<std::int32_t>(i) < span.first + span.count) first = span.first;
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

std::vector<std::filesystem::path> write_herald_outputs(const std::filesystem::path& dir,
                                                        const search::HeraldResult& r,
                                                        const search::HeraldConfig& c,
                                                        const HeraldRunInfo& info) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UserError(SourceLocation{dir.string(), 0, "--out"}, "cannot create the directory: " + ec.message());
  std::vector<std::filesystem::path> files = {dir / "summary.json", dir / "pareto.csv", dir / "schedule.json"};
  write(files[0], herald_summary_json(r, c, info).dump(2) + "\n");
  write(files[1], herald_pareto_csv(r, info.clock_ghz));
  const auto graph = workload::flatten(c.workload, workload::Granularity::Compute);
  write(files[2], herald_schedule_json(r, c.workload, graph).dump(1) + "\n");
  return files;
}

}  // namespace mosaic::outputs
