#include "outputs/DseReport.h"

#include <cmath>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/OutputFile.h"
#include "outputs/HtmlReport.h"

namespace mosaic::outputs {

namespace fs = std::filesystem;
using nlohmann::json;
using search::DesignRecord;

namespace {

constexpr std::array<const char*, 5> kEnergyParts = {"mac", "l1", "l2", "dram", "noc"};

struct PlotAxis {
  const char* field;
  const char* title;
};
constexpr std::array<PlotAxis, 4> kPlotY = {{
    {"area_mm2", "Area (mm²)"},
    {"buffer_kib", "On-chip buffer, PEs × L1 + L2 (KiB)"},
    {"power_mw", "Power (mW)"},
    {"energy_uj", "Energy (µJ)"},
}};
constexpr std::array<const char*, 4> kPlotTitles = {"Area vs throughput", "Buffer vs throughput",
                                                    "Power vs throughput", "Energy vs throughput"};

double plot_y(int chart, const DesignRecord& d) {
  switch (chart) {
    case 0:
      return d.metrics.area_um2 / 1e6;
    case 1:
      return static_cast<double>(search::buffer_bytes(d.point)) / 1024.0;
    case 2:
      return d.metrics.power_mw;
    default:
      return d.metrics.energy_pj / 1e6;
  }
}

// Whole or not at all, never through a link planted in the output directory (OutputFile.h).
void write_file(const fs::path& p, const std::string& text) {
  write_file_atomically(p, text);
}

std::string fmt_num(double v) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e6 || a < 1e-2) return fmt::format("{:.4g}", v);
  if (a >= 100) return fmt::format("{:.1f}", v);
  return fmt::format("{:.3g}", v);
}

}  // namespace

json design_json(const DesignRecord& d, const search::DseSpec& spec) {
  const auto& p = d.point;
  const auto& m = d.metrics;
  json j;
  j["dataflow"] = spec.dataflows.empty() ? std::string("mapping")
                                         : spec.dataflows[static_cast<std::size_t>(p.dataflow)];
  j["pes"] = p.pes;
  j["vector_width"] = p.vector_width;
  if (!spec.map_sizes.empty()) {
    json ms = json::object();
    for (std::size_t i = 0; i < spec.map_sizes.size(); ++i)
      ms[spec.map_sizes[i].label()] = p.map_sizes[i];
    j["map_sizes"] = ms;
  }
  j["noc_bw"] = p.noc_bw;
  j["l1_bytes"] = p.l1_bytes;
  j["l2_bytes"] = p.l2_bytes;
  j["buffer_bytes"] = search::buffer_bytes(p);
  j["valid"] = d.valid;
  j["latency_cycles"] = m.latency_cycles;
  j["throughput_macs_per_cycle"] = search::throughput_macs_per_cycle(m);
  j["energy_pj"] = m.energy_pj;
  json br = json::object();
  for (std::size_t i = 0; i < kEnergyParts.size(); ++i)
    br[kEnergyParts[i]] = m.energy_breakdown_pj[i];
  j["energy_breakdown_pj"] = br;
  j["area_um2"] = m.area_um2;
  j["area_mm2"] = m.area_um2 / 1e6;
  j["power_mw"] = m.power_mw;
  j["perf_per_watt_gmacs_per_w"] = search::throughput_per_watt(m, spec.technology.clock_ghz);
  j["edp_pj_cycles"] = search::edp_pj_cycles(m);
  j["macs"] = m.macs;
  j["l1_required_bytes"] = m.l1_required_bytes;
  j["l2_required_bytes"] = m.l2_required_bytes;
  return j;
}

DseOutputs::DseOutputs(const search::DseWorkload& w, const search::DseSpec& spec,
                       DseOutputOptions opt)
    : w_(w),
      spec_(spec),
      opt_(std::move(opt)),
      collector_(spec.technology.clock_ghz, opt_.pareto_axes) {
  std::error_code ec;
  fs::create_directories(opt_.out_dir, ec);
  if (!fs::is_directory(opt_.out_dir))
    throw UserError(SourceLocation{opt_.out_dir.string(), 0, ""},
                    "cannot create the output directory");
  auto open = [&](std::ofstream& f, const char* name) {
    const fs::path final_path = opt_.out_dir / name;
    const fs::path tmp = opt_.out_dir / (std::string(name) + ".partial");
    fs::remove(tmp, ec);  // a link planted under the name is removed, not written through
    f.open(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw UserError(SourceLocation{tmp.string(), 0, ""}, "cannot write the file");
    pending_.emplace_back(tmp, final_path);
  };
  if (opt_.designs_csv) {
    open(csv_, "designs.csv");
    csv_ << "dataflow,pes,vector_width";
    for (const auto& m : spec_.map_sizes) csv_ << ",map_" << m.label();
    csv_ << ",noc_bw,l1_bytes,l2_bytes,buffer_bytes,valid,latency_cycles,"
            "throughput_macs_per_cycle,energy_pj,energy_mac_pj,energy_l1_pj,energy_l2_pj,"
            "energy_dram_pj,energy_noc_pj,area_um2,power_mw,perf_per_watt_gmacs_per_w,"
            "edp_pj_cycles,macs,l1_required_bytes,l2_required_bytes\n";
  }
  if (opt_.designs_json) {
    open(json_, "designs.json");
    json_ << "[\n";
  }
}

DseOutputs::~DseOutputs() {
  // An exception left the run unfinished: leave nothing half-written.
  if (!pending_.empty()) abandon();
}

std::string DseOutputs::dataflow_name(std::int32_t i) const {
  return spec_.dataflows.empty() ? std::string("mapping")
                                 : spec_.dataflows[static_cast<std::size_t>(i)];
}

void DseOutputs::add(const search::ChunkResult& chunk) {
  collector_.add(chunk);
  const double clock = spec_.technology.clock_ghz;
  for (const auto& d : chunk.designs) {
    const auto& p = d.point;
    const auto& m = d.metrics;
    if (opt_.designs_csv) {
      std::string line = fmt::format("{},{},{}", dataflow_name(p.dataflow), p.pes, p.vector_width);
      for (std::size_t i = 0; i < spec_.map_sizes.size(); ++i)
        line += fmt::format(",{}", p.map_sizes[i]);
      line += fmt::format(",{},{},{},{},{},{},{},{}", p.noc_bw, p.l1_bytes, p.l2_bytes,
                          search::buffer_bytes(p), d.valid ? 1 : 0, m.latency_cycles,
                          search::throughput_macs_per_cycle(m), m.energy_pj);
      for (double e : m.energy_breakdown_pj) line += fmt::format(",{}", e);
      line += fmt::format(",{},{},{},{},{},{},{}\n", m.area_um2, m.power_mw,
                          search::throughput_per_watt(m, clock), search::edp_pj_cycles(m), m.macs,
                          m.l1_required_bytes, m.l2_required_bytes);
      csv_ << line;
    }
    if (opt_.designs_json) {
      json_ << (json_first_ ? "" : ",\n") << design_json(d, spec_).dump();
      json_first_ = false;
    }
    if (!d.valid || !opt_.html) continue;
    const double x = search::throughput_macs_per_cycle(m);
    if (!(x > 0)) continue;
    const double bins = opt_.plot_bins_per_decade;
    for (int c = 0; c < 4; ++c) {
      const double y = plot_y(c, d);
      if (!(y > 0)) continue;
      const std::pair<int, int> cell{static_cast<int>(std::floor(std::log10(x) * bins)),
                                     static_cast<int>(std::floor(std::log10(y) * bins))};
      samples_[static_cast<std::size_t>(c)].cells.emplace(cell, d);
    }
  }
  if (opt_.designs_csv && !csv_)
    throw UserError(SourceLocation{opt_.out_dir.string(), 0, ""},
                    "cannot write designs.csv (disk full?)");
}

json DseOutputs::summary(const search::DseRunInfo& info) const {
  json s;
  s["tool"] = "mosaic dse";
  json wl;
  wl["name"] = w_.name;
  wl["source"] = w_.source;
  json layers = json::array();
  for (const auto& l : w_.layers) layers.push_back({{"name", l.name}, {"count", l.count}});
  wl["layers"] = layers;
  s["workload"] = wl;
  s["dataflows"] = spec_.dataflows.empty() ? json::array({"mapping"}) : json(spec_.dataflows);
  s["mode"] = spec_.maestro_compat ? "maestro-compat" : "default";
  // The cost mode: the dataflows' sizes as written, or the per-layer tile search by an objective.
  s["search_tiles"] =
      spec_.search_tiles ? json(search::tile_objective_name(*spec_.search_tiles)) : json("off");
  json space;
  space["pes"] = spec_.pes.text;
  space["vector_width"] = spec_.vector_width.text;
  json maps = json::object();
  for (const auto& m : spec_.map_sizes) maps[m.label()] = m.values.text;
  space["map_sizes"] = maps;
  space["noc_bw"] = spec_.noc_bw.text;
  space["l1_bytes"] = spec_.l1_bytes ? spec_.l1_bytes->text : "exact";
  space["l2_bytes"] = spec_.l2_bytes ? spec_.l2_bytes->text : "exact";
  space["fit_clusters"] = spec_.fit_clusters;
  space["noc_latency"] = spec_.noc_latency;
  space["offchip_bw"] = spec_.offchip_bw;
  space["size"] = search::space_size(spec_);
  s["space"] = space;
  json budgets;
  budgets["area_mm2"] =
      std::isfinite(spec_.area_budget_um2) ? json(spec_.area_budget_um2 / 1e6) : json(nullptr);
  budgets["power_mw"] =
      std::isfinite(spec_.power_budget_mw) ? json(spec_.power_budget_mw) : json(nullptr);
  s["budgets"] = budgets;
  s["technology"] = spec_.technology.name;
  const auto& t = info.total;
  s["designs_explored"] = t.explored;
  s["designs_skipped"] = t.skipped;
  s["designs_evaluated"] = t.evaluated;
  s["designs_valid"] = t.valid;
  s["designs_illegal"] = t.illegal;
  s["analyses"] = t.analyses;
  s["wall_seconds"] = info.wall_seconds;
  s["threads"] = info.threads;
  s["complete"] = !info.interrupted;
  // Rates count what this invocation processed (chunks read back from the store excluded).
  const auto& se = info.session;
  const double wall = info.wall_seconds > 0 ? info.wall_seconds : 1e-9;
  json rates;
  rates["explored_per_second"] = static_cast<double>(se.explored) / wall;
  rates["skipped_per_second"] = static_cast<double>(se.skipped) / wall;
  rates["evaluated_per_second"] = static_cast<double>(se.evaluated) / wall;
  rates["evaluated_per_second_per_thread"] =
      static_cast<double>(se.evaluated) / wall / std::max(1, info.threads);
  rates["analyses_per_second"] = static_cast<double>(info.analyses_run) / wall;
  s["rates"] = rates;
  json session;
  session["chunks_total"] = info.chunks_total;
  session["chunks_computed"] = info.chunks_computed;
  session["chunks_reused"] = info.chunks_reused;
  session["chunks_recomputed"] = info.chunks_recomputed;
  session["designs_explored"] = se.explored;
  session["designs_evaluated"] = se.evaluated;
  session["analyses"] = se.analyses;
  session["analyses_run"] = info.analyses_run;  // fewer when PE counts share analyses
  session["store_run"] = info.run_hash;
  s["session"] = session;
  s["primary_objective"] = search::objective_name(opt_.primary);
  json best = json::object();
  for (auto o : search::kAllObjectives) {
    const auto& b = collector_.best(o);
    if (!b) {
      best[std::string(search::objective_name(o))] = nullptr;
      continue;
    }
    json d = design_json(*b, spec_);
    if (w_.layers.size() > 1) {
      const auto detail = search::evaluate_design(w_, spec_, b->point);
      json per = json::array();
      for (std::size_t i = 0; i < detail.layers.size(); ++i)
        per.push_back({{"name", detail.layer_names[i]},
                       {"count", w_.layers[i].count},
                       {"latency_cycles", detail.layers[i].latency_cycles},
                       {"energy_pj", detail.layers[i].energy_pj},
                       {"macs", detail.layers[i].macs}});
      d["layers"] = per;
    }
    best[std::string(search::objective_name(o))] = d;
  }
  s["best"] = best;
  json axes = json::array();
  for (auto a : collector_.axes()) axes.push_back(search::axis_name(a));
  s["pareto"] = {{"axes", axes}, {"count", collector_.pareto().size()}};
  s["notes"] = info.notes;
  return s;
}

void DseOutputs::finish(const search::DseRunInfo& info) {
  if (opt_.designs_json) json_ << "\n]\n";
  csv_.close();
  json_.close();
  const json s = summary(info);
  const auto front = collector_.pareto();
  std::string csv = "dataflow,pes,vector_width";
  for (const auto& m : spec_.map_sizes) csv += ",map_" + m.label();
  csv +=
      ",noc_bw,l1_bytes,l2_bytes,latency_cycles,throughput_macs_per_cycle,energy_pj,area_um2,"
      "power_mw,edp_pj_cycles\n";
  json pj = json::array();
  for (const auto& d : front) {
    const auto& p = d.point;
    const auto& m = d.metrics;
    csv += fmt::format("{},{},{}", dataflow_name(p.dataflow), p.pes, p.vector_width);
    for (std::size_t i = 0; i < spec_.map_sizes.size(); ++i)
      csv += fmt::format(",{}", p.map_sizes[i]);
    csv += fmt::format(",{},{},{},{},{},{},{},{},{}\n", p.noc_bw, p.l1_bytes, p.l2_bytes,
                       m.latency_cycles, search::throughput_macs_per_cycle(m), m.energy_pj,
                       m.area_um2, m.power_mw, search::edp_pj_cycles(m));
    pj.push_back(design_json(d, spec_));
  }
  write_file(opt_.out_dir / "pareto.csv", csv);
  write_file(opt_.out_dir / "pareto.json", pj.dump(1) + "\n");
  if (opt_.html) write_html(s);
  write_file(opt_.out_dir / "summary.json", s.dump(2) + "\n");
  for (const auto& [tmp, final_path] : pending_) {
    std::error_code ec;
    fs::rename(tmp, final_path, ec);
    if (ec)
      throw UserError(SourceLocation{final_path.string(), 0, ""},
                      "cannot rename the output into place: " + ec.message());
  }
  pending_.clear();
}

void DseOutputs::abandon() {
  csv_.close();
  json_.close();
  for (const auto& [tmp, final_path] : pending_) {
    std::error_code ec;
    fs::remove(tmp, ec);
  }
  pending_.clear();
}

// The run: what was explored under which budgets, and the counts and rates.
void DseOutputs::add_html_overview(HtmlReport& r, const json& s) const {
  const auto& b = s["budgets"];
  r.add_paragraph(fmt::format(
      "Hardware design-space exploration with the directive cost model ({} mode). Budgets: area "
      "{}, power {}. Space: PEs {}, NoC bandwidth {}, L1 {}, L2 {}{}. Source: {}.",
      s["mode"].get<std::string>(),
      b["area_mm2"].is_null() ? std::string("none") : fmt_num(b["area_mm2"].get<double>()) + " mm²",
      b["power_mw"].is_null() ? std::string("none") : fmt_num(b["power_mw"].get<double>()) + " mW",
      spec_.pes.text, spec_.noc_bw.text, spec_.l1_bytes ? spec_.l1_bytes->text : "exact",
      spec_.l2_bytes ? spec_.l2_bytes->text : "exact",
      [&] {
        std::string m;
        for (const auto& ms : spec_.map_sizes)
          m += ", mapping size " + ms.label() + " " + ms.values.text;
        return m;
      }(),
      w_.source));
  const auto& rates = s["rates"];
  Table counts{"Designs",
               {"explored", "skipped", "evaluated", "valid", "illegal", "analyses", "wall (s)",
                "explored/s", "evaluated/s", "threads"},
               {{fmt::format("{}", s["designs_explored"].get<std::int64_t>()),
                 fmt::format("{}", s["designs_skipped"].get<std::int64_t>()),
                 fmt::format("{}", s["designs_evaluated"].get<std::int64_t>()),
                 fmt::format("{}", s["designs_valid"].get<std::int64_t>()),
                 fmt::format("{}", s["designs_illegal"].get<std::int64_t>()),
                 fmt::format("{}", s["analyses"].get<std::int64_t>()),
                 fmt::format("{:.2f}", s["wall_seconds"].get<double>()),
                 fmt_num(rates["explored_per_second"].get<double>()),
                 fmt_num(rates["evaluated_per_second"].get<double>()),
                 fmt::format("{}", s["threads"].get<int>())}}};
  r.add_table(counts);
}

// The best valid design per objective.
void DseOutputs::add_html_bests(HtmlReport& r) const {
  const double clock = spec_.technology.clock_ghz;
  Table best{"Best design per objective (valid designs)",
             {"objective", "dataflow", "PEs", "NoC BW", "L1 (B/PE)", "L2 (B)",
              "throughput (MAC/cycle)", "energy (µJ)", "area (mm²)", "power (mW)", "GMAC/s/W"},
             {}};
  for (auto o : search::kAllObjectives) {
    const auto& d = collector_.best(o);
    if (!d) continue;
    const auto& m = d->metrics;
    best.rows.push_back(
        {std::string(search::objective_name(o)) + (o == opt_.primary ? " (primary)" : ""),
         dataflow_name(d->point.dataflow), fmt::format("{}", d->point.pes),
         fmt::format("{}", d->point.noc_bw), fmt::format("{}", d->point.l1_bytes),
         fmt::format("{}", d->point.l2_bytes), fmt_num(search::throughput_macs_per_cycle(m)),
         fmt_num(m.energy_pj / 1e6), fmt_num(m.area_um2 / 1e6), fmt_num(m.power_mw),
         fmt_num(search::throughput_per_watt(m, clock))});
  }
  if (best.rows.empty())
    r.add_paragraph("No design is within the budgets.");
  else
    r.add_table(best);
}

// One design as Fig. 13's plots and their tooltips read it.
json DseOutputs::plot_row(const DesignRecord& d) const {
  const auto& m = d.metrics;
  json j;
  j["dataflow"] = dataflow_name(d.point.dataflow);
  j["pes"] = d.point.pes;
  j["noc_bw"] = d.point.noc_bw;
  j["l1_bytes"] = d.point.l1_bytes;
  j["l2_bytes"] = d.point.l2_bytes;
  for (std::size_t i = 0; i < spec_.map_sizes.size(); ++i)
    j["map_" + spec_.map_sizes[i].label()] = d.point.map_sizes[i];
  j["throughput"] = search::throughput_macs_per_cycle(m);
  j["area_mm2"] = m.area_um2 / 1e6;
  j["buffer_kib"] = static_cast<double>(search::buffer_bytes(d.point)) / 1024.0;
  j["power_mw"] = m.power_mw;
  j["energy_uj"] = m.energy_pj / 1e6;
  return j;
}

// MAESTRO Fig. 13's four plots of the (thinned) valid designs, with the two optima marked.
void DseOutputs::add_html_fig13(HtmlReport& r) const {
  std::vector<std::string> tooltip = {"dataflow", "pes", "noc_bw", "l1_bytes", "l2_bytes"};
  for (const auto& ms : spec_.map_sizes) tooltip.push_back("map_" + ms.label());
  tooltip.push_back("throughput");
  // The cross first, the star over it (they coincide when one design is best at both).
  json marks = json::array();
  const auto& bt = collector_.best(search::Objective::Throughput);
  const auto& be = collector_.best(search::Objective::Energy);
  if (be) {
    json j = plot_row(*be);
    j["optimum"] = "energy-optimal";
    marks.push_back(j);
  }
  if (bt) {
    json j = plot_row(*bt);
    j["optimum"] = "throughput-optimal";
    marks.push_back(j);
  }
  r.add_dataset("optima", marks);
  r.add_heading("Design space (MAESTRO Fig. 13)");
  r.add_paragraph(fmt::format(
      "Valid designs; colour = number of PEs; star = throughput-optimal, cross = energy-optimal. "
      "Dense regions are thinned to one design per cell of a log-spaced grid ({} cells per "
      "decade, the first design of each cell in sweep order); every design is in designs.csv.",
      opt_.plot_bins_per_decade));
  r.begin_grid();
  for (int c = 0; c < 4; ++c) {
    json rows = json::array();
    for (const auto& [cell, d] : samples_[static_cast<std::size_t>(c)].cells)
      rows.push_back(plot_row(d));
    const std::string name = fmt::format("designs_{}", kPlotY[static_cast<std::size_t>(c)].field);
    r.add_dataset(name, rows);
    ScatterChart sc;
    sc.title = kPlotTitles[static_cast<std::size_t>(c)];
    sc.dataset = name;
    sc.x = "throughput";
    sc.x_title = "Throughput (MACs/cycle)";
    sc.y = kPlotY[static_cast<std::size_t>(c)].field;
    sc.y_title = kPlotY[static_cast<std::size_t>(c)].title;
    sc.color = "pes";
    sc.color_title = "PEs";
    sc.tooltip = tooltip;
    sc.tooltip.push_back(sc.y);
    sc.marks_dataset = "optima";
    sc.marks_field = "optimum";
    sc.marks_shapes = {{"throughput-optimal", "star"}, {"energy-optimal", "cross"}};
    r.add_scatter(sc);
  }
  r.end_grid();
}

// The Pareto set (the first 100 designs) and the notes on illegal designs.
void DseOutputs::add_html_pareto(HtmlReport& r, const json& s) const {
  const auto front = collector_.pareto();
  std::string axes;
  for (auto a : collector_.axes())
    axes += (axes.empty() ? "" : ", ") + std::string(search::axis_name(a));
  r.add_heading("Pareto set");
  r.add_paragraph(
      fmt::format("{} valid designs are not matched or beaten on every one of: {}. "
                  "All of them are in pareto.csv{}.",
                  front.size(), axes, front.size() > 100 ? "; the first 100 are below" : ""));
  Table pt{"",
           {"dataflow", "PEs", "NoC BW", "L1 (B/PE)", "L2 (B)", "throughput (MAC/cycle)",
            "energy (µJ)", "area (mm²)", "power (mW)"},
           {}};
  for (std::size_t i = 0; i < front.size() && i < 100; ++i) {
    const auto& d = front[i];
    const auto& m = d.metrics;
    pt.rows.push_back({dataflow_name(d.point.dataflow), fmt::format("{}", d.point.pes),
                       fmt::format("{}", d.point.noc_bw), fmt::format("{}", d.point.l1_bytes),
                       fmt::format("{}", d.point.l2_bytes),
                       fmt_num(search::throughput_macs_per_cycle(m)), fmt_num(m.energy_pj / 1e6),
                       fmt_num(m.area_um2 / 1e6), fmt_num(m.power_mw)});
  }
  if (!pt.rows.empty()) r.add_table(pt);
  if (!s["notes"].empty()) {
    r.add_heading("Notes");
    for (const auto& n : s["notes"]) r.add_paragraph("Illegal designs: " + n.get<std::string>());
  }
}

void DseOutputs::write_html(const json& s) const {
  std::string df_list;
  for (const auto& d : s["dataflows"])
    df_list += (df_list.empty() ? "" : ", ") + d.get<std::string>();
  HtmlReport r(fmt::format("mosaic dse: {} ({})", w_.name, df_list));
  add_html_overview(r, s);
  add_html_bests(r);
  add_html_fig13(r);
  add_html_pareto(r, s);
  write_file(opt_.out_dir / "report.html", r.render());
}

}  // namespace mosaic::outputs
