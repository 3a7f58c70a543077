#include "outputs/EvalReport.h"

#include <cmath>
#include <ostream>

#include <fmt/format.h>

#include "common/Checked.h"
#include "dataflow/Legality.h"

namespace mosaic::outputs {

using nlohmann::json;

json layer_cost_json(const cost::LayerCost& c) {
  json j;
  j["latency_cycles"] = c.latency_cycles;
  j["ideal_cycles"] = c.ideal_cycles;
  j["macs"] = c.macs;
  j["utilization"] = c.utilization;
  j["avg_active_pes"] = c.avg_active_pes;
  j["throughput_macs_per_cycle"] = c.throughput_macs_per_cycle;
  j["roofline_macs_per_cycle"] = c.roofline_macs_per_cycle;
  j["energy_pj"] = c.energy_pj;
  json e;
  e["mac_pj"] = c.mac_energy_pj;
  e["noc_pj"] = c.noc_energy_pj;
  json levels = json::array();
  for (int i = 0; i < c.num_levels; ++i) {
    const auto& l = c.levels[static_cast<std::size_t>(i)];
    e[std::string(l.get_name()) + "_pj"] = l.energy_pj;
    json lv;
    lv["name"] = std::string(l.get_name());
    lv["energy_pj"] = l.energy_pj;
    for (int t = 0; t < cost::kNumOperands; ++t) {
      const auto op = static_cast<cost::Operand>(t);
      lv["reads"][std::string(cost::operand_name(op))] = l.reads[static_cast<std::size_t>(t)];
      lv["writes"][std::string(cost::operand_name(op))] = l.writes[static_cast<std::size_t>(t)];
    }
    levels.push_back(lv);
  }
  j["energy_breakdown"] = e;
  j["levels"] = levels;
  j["l1_required_elements"] = c.l1_required_elements;
  j["l2_required_elements"] = c.l2_required_elements;
  j["noc_bw_required"] = c.noc_bw_required;
  j["noc_bw_avg"] = c.noc_bw_avg;
  j["offchip_bw_required"] = c.offchip_bw_required;
  j["area_um2"] = c.area_um2;
  j["power_mw"] = c.power_mw;
  return j;
}

namespace {
double finite(double v) {
  return std::isfinite(v) ? v : 0.0;
}
}  // namespace

json eval_json(const cost::MaestroNetworkReport& report, const arch::Core& core,
               const arch::Technology& tech, bool compat) {
  json j;
  j["network"] = report.network;
  j["mode"] = compat ? "maestro" : "default";
  j["hardware"] = {{"num_pes", core.num_pes},       {"vector_width", core.vector_width},
                   {"noc_bw", core.noc_bw},         {"noc_latency", core.noc_latency()},
                   {"offchip_bw", core.offchip_bw}, {"l1_bytes", core.l1_bytes},
                   {"l2_bytes", core.l2_bytes}};
  j["technology"] = {{"name", tech.name},          {"mac_pj", tech.mac_pj},
                     {"l1_pj", tech.l1_pj},        {"l2_pj", tech.l2_pj},
                     {"dram_pj", tech.dram_pj},    {"noc_pj", tech.noc_pj},
                     {"clock_ghz", tech.clock_ghz}};
  json layers = json::array();
  double cycles = 0, energy = 0;
  std::int64_t macs = 0;
  double area = 0, power = 0;
  for (const auto& r : report.layers) {
    json l = layer_cost_json(r.cost);
    l["name"] = r.layer;
    l["partial_sums"] = r.analysis.top.num_computations;
    l["cluster_levels"] = r.analysis.num_levels;
    l["runtime_cycles"] = r.runtime_cycles;
    // A delay no case set (MAESTRO's unset minimum, INT64_MIN in compat mode) is null: a
    // sentinel is never printed as a quantity (the CSV keeps MAESTRO's text in compat mode).
    auto delay = [](std::int64_t v) { return v < 0 ? json(nullptr) : json(v); };
    auto delays = [&](int k) {
      const auto& d = r.delay[static_cast<std::size_t>(k)];
      return json{{"min", delay(d[0])}, {"max", delay(d[1])}, {"avg", delay(d[2])}};
    };
    l["delays_cycles"] = {{"ingress", delays(0)}, {"egress", delays(1)}, {"compute", delays(2)}};
    l["arithmetic_intensity"] = finite(r.arithmetic_intensity);
    l["l1_required_per_tensor"] = {{"input", r.l1_size_per_tensor[0]},
                                   {"weight", r.l1_size_per_tensor[1]},
                                   {"output", r.l1_size_per_tensor[2]}};
    l["l2_required_per_tensor"] = {{"input", r.l2_size_per_tensor[0]},
                                   {"weight", r.l2_size_per_tensor[1]},
                                   {"output", r.l2_size_per_tensor[2]}};
    l["maestro_csv_energy_nj"] = finite(r.csv_energy_nj);
    layers.push_back(l);
    cycles += r.cost.latency_cycles;
    energy += r.cost.energy_pj;
    macs = checked_add(macs, r.cost.macs, "the network's MACs");
    area = std::max(area, r.cost.area_um2);
    power = std::max(power, r.cost.power_mw);
  }
  j["layers"] = layers;
  j["totals"] = {{"latency_cycles", cycles},
                 {"latency_s", cycles / (tech.clock_ghz * 1e9)},
                 {"energy_pj", energy},
                 {"edp_pj_cycles", energy * cycles},
                 {"macs", macs},
                 {"area_um2_max", area},
                 {"power_mw_max", power}};
  j["buffer_analysis"] = {{"max_l1_required", report.max_l1_req},
                          {"max_l2_required", report.max_l2_req},
                          {"l1_fits", report.max_l1_req <= core.l1_bytes},
                          {"l2_fits", report.max_l2_req <= core.l2_bytes}};
  j["bandwidth_analysis"] = {{"max_noc_bw_required", report.max_noc_bw_req},
                             {"max_offchip_bw_required", report.max_offchip_bw_req},
                             {"noc_fits", report.max_noc_bw_req <= core.noc_bw},
                             {"offchip_fits", report.max_offchip_bw_req <= core.offchip_bw}};
  j["notes"] = report.notes;
  return j;
}

void write_eval_table(std::ostream& out, const cost::MaestroNetworkReport& report,
                      const arch::Core& core, const arch::Technology& tech, bool compat) {
  out << fmt::format("{} on {} PEs x{} lanes, NoC {} el/cycle, off-chip {} el/cycle ({} mode)\n",
                     report.network, core.num_pes, core.vector_width, core.noc_bw, core.offchip_bw,
                     compat ? "MAESTRO-compatible" : "default");
  out << fmt::format("{:<22} {:>14} {:>13} {:>6} {:>14} {:>9} {:>9} {:>8} {:>8}\n", "layer", "MACs",
                     "cycles", "util%", "energy (pJ)", "L1 req", "L2 req", "NoC req", "DRAM req");
  double cycles = 0, energy = 0;
  std::int64_t macs = 0;
  for (const auto& r : report.layers) {
    const auto& c = r.cost;
    out << fmt::format("{:<22} {:>14} {:>13} {:>6.1f} {:>14.4g} {:>9} {:>9} {:>8} {:>8}\n",
                       r.layer.size() > 22 ? r.layer.substr(0, 22) : r.layer, c.macs,
                       static_cast<std::int64_t>(c.latency_cycles), 100.0 * c.utilization,
                       c.energy_pj, r.l1_size_req, r.l2_size_req, r.peak_bw, r.offchip_bw_req);
    cycles += c.latency_cycles;
    energy += c.energy_pj;
    macs += c.macs;
  }
  out << fmt::format("{:<22} {:>14} {:>13} {:>6} {:>14.4g}\n", "total", macs,
                     static_cast<std::int64_t>(cycles), "", energy);
  out << fmt::format("latency {:.6g} s at {} GHz, energy {:.6g} J, EDP {:.6g} J*s\n",
                     cycles / (tech.clock_ghz * 1e9), tech.clock_ghz, energy * 1e-12,
                     energy * 1e-12 * cycles / (tech.clock_ghz * 1e9));
  if (report.max_l1_req > core.l1_bytes)
    out << fmt::format("warning: a layer needs {} L1 elements per PE; the core has {}\n",
                       report.max_l1_req, core.l1_bytes);
  if (report.max_l2_req > core.l2_bytes)
    out << fmt::format("warning: a layer needs {} L2 elements; the core has {}\n",
                       report.max_l2_req, core.l2_bytes);
  for (const auto& n : report.notes) out << "note: " << n << "\n";
}

}  // namespace mosaic::outputs
