#include "outputs/MapReport.h"

#include <algorithm>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "outputs/HtmlReport.h"

namespace mosaic::outputs {

namespace {

using nlohmann::json;

// Energy per "memory level / operand" over the workload, largest first.
std::vector<std::pair<std::string, double>> level_energies(const json& m) {
  std::map<std::string, double> by;
  for (const auto& l : m["layers"])
    for (const auto& o : l["operands"])
      for (const auto& lv : o["levels"])
        by[lv["memory"].get<std::string>() + " / " + o["operand"].get<std::string>()] +=
            json_number(lv, "energy_pj");
  std::vector<std::pair<std::string, double>> v(by.begin(), by.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return v;
}

}  // namespace

std::string map_bottleneck(const json& m) {
  const double total_cycles = json_number(m, "latency_cycles");
  const double total_pj = json_number(m, "energy_pj");
  const auto& layers = m["layers"];
  if (layers.empty()) return "no layer was mapped";
  std::size_t worst = 0;
  for (std::size_t i = 1; i < layers.size(); ++i)
    if (json_number(layers[i], "latency_cycles") > json_number(layers[worst], "latency_cycles"))
      worst = i;
  const auto& l = layers[worst];
  const double cycles = json_number(l, "latency_cycles");
  const double memory_cycles = json_number(l, "stall_cycles") + json_number(l, "onload_cycles") +
                               json_number(l, "offload_cycles");
  const std::string bound =
      memory_cycles > 0.5 * cycles
          ? fmt::format("memory-bound: stalls and transfers are {} of its cycles",
                        percent_text(memory_cycles, cycles))
          : fmt::format("compute-bound: {} of its cycles are compute at {} spatial utilisation",
                        percent_text(cycles - memory_cycles, cycles),
                        percent_text(json_number(l, "spatial_utilization"), 1.0));
  const auto levels = level_energies(m);
  const double mac = json_number(m, "mac_energy_pj");
  std::string energy;
  if (!levels.empty() && levels.front().second > mac)
    energy = fmt::format("{} spends the most energy ({} of the total)", levels.front().first,
                         percent_text(levels.front().second, total_pj));
  else
    energy = fmt::format("the MACs spend the most energy ({} of the total)",
                         percent_text(mac, total_pj));
  return fmt::format("Bottleneck: layer {} takes {} of the latency and is {}; {}.",
                     l["name"].get<std::string>(), percent_text(cycles, total_cycles), bound,
                     energy);
}

std::string map_report_html(const json& m) {
  HtmlReport rep(fmt::format("mosaic map: {} on {}", m.value("workload", std::string("workload")),
                             m.value("hardware", std::string("hardware"))));
  rep.add_paragraph(fmt::format(
      "{} layers; latency {:.6g} cycles, energy {:.6g} pJ (MAC {:.6g} pJ); objective {}, "
      "engine {}, LPF limit {}.",
      m["layers"].size(), json_number(m, "latency_cycles"), json_number(m, "energy_pj"),
      json_number(m, "mac_energy_pj"), m.value("objective", std::string("?")),
      m.value("engine", std::string("?")), m.value("lpf_limit", 0)));
  rep.add_paragraph(map_bottleneck(m));
  json lat = json::array(), en = json::array();
  Table t;
  t.caption = "Per layer";
  t.columns = {"layer",       "dataflow",    "latency (cycles)", "share",
               "utilisation", "energy (pJ)", "MAC (pJ)",         "memory (pJ)"};
  const double total_cycles = json_number(m, "latency_cycles");
  for (const auto& l : m["layers"]) {
    const std::string name = l["name"];
    const double stall = json_number(l, "stall_cycles"), on = json_number(l, "onload_cycles"),
                 off = json_number(l, "offload_cycles");
    const double ideal = std::max(0.0, json_number(l, "latency_cycles") - stall - on - off);
    for (const auto& [part, v] : {std::pair<const char*, double>{"compute", ideal},
                                  {"stalls", stall},
                                  {"on-loading", on},
                                  {"off-loading", off}})
      lat.push_back({{"layer", name}, {"part", part}, {"cycles", v}});
    en.push_back(
        {{"layer", name}, {"part", "MAC"}, {"energy_pj", json_number(l, "mac_energy_pj")}});
    for (const auto& o : l["operands"])
      for (const auto& lv : o["levels"])
        en.push_back(
            {{"layer", name},
             {"part", lv["memory"].get<std::string>() + " / " + o["operand"].get<std::string>()},
             {"energy_pj", json_number(lv, "energy_pj")}});
    t.rows.push_back({name, l.value("dataflow", std::string()),
                      fmt::format("{:.6g}", json_number(l, "latency_cycles")),
                      percent_text(json_number(l, "latency_cycles"), total_cycles),
                      percent_text(json_number(l, "utilization"), 1.0),
                      fmt::format("{:.6g}", json_number(l, "energy_pj")),
                      fmt::format("{:.6g}", json_number(l, "mac_energy_pj")),
                      fmt::format("{:.6g}", json_number(l, "memory_energy_pj"))});
  }
  rep.add_dataset("latency", lat);
  rep.add_dataset("energy", en);
  auto stacked = [&](const char* title, const char* data, const char* field, const char* axis) {
    rep.add_chart({{"title", title},
                   {"width", 760},
                   {"height", 260},
                   {"data", {{"name", data}}},
                   {"mark", "bar"},
                   {"encoding",
                    {{"x", {{"field", "layer"}, {"type", "nominal"}, {"sort", nullptr}}},
                     {"y", {{"field", field}, {"type", "quantitative"}, {"title", axis}}},
                     {"color", {{"field", "part"}, {"type", "nominal"}}},
                     {"tooltip", json::array({{{"field", "layer"}},
                                              {{"field", "part"}},
                                              {{"field", field}, {"format", ".4g"}}})}}}});
  };
  rep.add_heading("Latency per layer");
  stacked("Cycles: compute, stalls, on- and off-loading", "latency", "cycles", "cycles");
  rep.add_heading("Energy per layer, memory level and operand");
  stacked("Energy: MAC and each memory level / operand", "energy", "energy_pj", "energy (pJ)");
  rep.add_table(t);
  Table lv;
  lv.caption = "Energy per memory level and operand (whole workload)";
  lv.columns = {"memory level / operand", "energy (pJ)", "share"};
  for (const auto& [k, v] : level_energies(m))
    lv.rows.push_back({k, fmt::format("{:.6g}", v), percent_text(v, json_number(m, "energy_pj"))});
  lv.rows.push_back({"MAC", fmt::format("{:.6g}", json_number(m, "mac_energy_pj")),
                     percent_text(json_number(m, "mac_energy_pj"), json_number(m, "energy_pj"))});
  rep.add_table(lv);
  return rep.render();
}

}  // namespace mosaic::outputs
