#include "outputs/EvalHtml.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "outputs/HtmlReport.h"

namespace mosaic::outputs {

namespace {

using nlohmann::json;

// Energy per component ("mac", "noc", each level) over the network, largest first.
std::vector<std::pair<std::string, double>> components(const json& e) {
  std::map<std::string, double> by;
  for (const auto& l : e["layers"])
    for (const auto& [k, v] : l["energy_breakdown"].items())
      if (v.is_number()) by[k.substr(0, k.size() - 3)] += v.get<double>();  // drop "_pj"
  std::vector<std::pair<std::string, double>> out(by.begin(), by.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace

std::string eval_bottleneck(const json& e) {
  const auto& layers = e["layers"];
  if (layers.empty()) return "no layer was evaluated";
  std::size_t worst = 0;
  for (std::size_t i = 1; i < layers.size(); ++i)
    if (json_number(layers[i], "latency_cycles") > json_number(layers[worst], "latency_cycles"))
      worst = i;
  const auto& l = layers[worst];
  const double cycles = json_number(l, "latency_cycles"), ideal = json_number(l, "ideal_cycles");
  const std::string bound =
      ideal > 0 && cycles > 1.25 * ideal
          ? fmt::format("bound by data movement: {:.2f}x its ideal compute cycles", cycles / ideal)
          : fmt::format("compute-bound: {:.2f}x its ideal compute cycles",
                        ideal > 0 ? cycles / ideal : 0.0);
  const auto parts = components(e);
  const double total_pj = json_number(e["totals"], "energy_pj");
  return fmt::format(
      "Bottleneck: layer {} takes {} of the latency at {} utilisation and is {}; {} spends the "
      "most energy ({} of the total).",
      l["name"].get<std::string>(),
      percent_text(cycles, json_number(e["totals"], "latency_cycles")),
      percent_text(json_number(l, "utilization"), 1.0), bound,
      parts.empty() ? "nothing" : parts.front().first,
      parts.empty() ? "0 %" : percent_text(parts.front().second, total_pj));
}

std::string eval_report_html(const json& e) {
  HtmlReport rep(fmt::format("mosaic eval: {}", e.value("network", std::string("network"))));
  const auto& t = e["totals"];
  rep.add_paragraph(fmt::format("{} layers ({} mode); latency {:.6g} cycles, energy {:.6g} pJ.",
                                e["layers"].size(), e.value("mode", std::string("?")),
                                json_number(t, "latency_cycles"), json_number(t, "energy_pj")));
  rep.add_paragraph(eval_bottleneck(e));
  json lat = json::array(), en = json::array();
  Table lt;
  lt.caption = "Per layer";
  lt.columns = {"layer", "latency (cycles)", "ideal (cycles)",
                "share", "utilisation",      "energy (pJ)"};
  Table acc;
  acc.caption = "Reads and writes per memory level and operand";
  acc.columns = {"layer", "level", "operand", "reads", "writes", "level energy (pJ)"};
  for (const auto& l : e["layers"]) {
    const std::string name = l["name"];
    lat.push_back(
        {{"layer", name}, {"kind", "latency"}, {"cycles", json_number(l, "latency_cycles")}});
    lat.push_back({{"layer", name}, {"kind", "ideal"}, {"cycles", json_number(l, "ideal_cycles")}});
    for (const auto& [k, v] : l["energy_breakdown"].items())
      if (v.is_number())
        en.push_back({{"layer", name}, {"part", k.substr(0, k.size() - 3)}, {"energy_pj", v}});
    lt.rows.push_back(
        {name, fmt::format("{:.6g}", json_number(l, "latency_cycles")),
         fmt::format("{:.6g}", json_number(l, "ideal_cycles")),
         percent_text(json_number(l, "latency_cycles"), json_number(t, "latency_cycles")),
         percent_text(json_number(l, "utilization"), 1.0),
         fmt::format("{:.6g}", json_number(l, "energy_pj"))});
    for (const auto& lv : l["levels"])
      for (const auto& [op, reads] : lv["reads"].items())
        acc.rows.push_back({name, lv["name"].get<std::string>(), op,
                            fmt::format("{:.6g}", reads.get<double>()),
                            fmt::format("{:.6g}", lv["writes"].value(op, 0.0)),
                            fmt::format("{:.6g}", json_number(lv, "energy_pj"))});
  }
  rep.add_dataset("latency", lat);
  rep.add_dataset("energy", en);
  rep.add_heading("Latency per layer");
  rep.add_chart({{"title", "Cycles against the ideal compute cycles"},
                 {"width", 760},
                 {"height", 260},
                 {"data", {{"name", "latency"}}},
                 {"mark", "bar"},
                 {"encoding",
                  {{"x", {{"field", "layer"}, {"type", "nominal"}, {"sort", nullptr}}},
                   {"xOffset", {{"field", "kind"}}},
                   {"y", {{"field", "cycles"}, {"type", "quantitative"}}},
                   {"color", {{"field", "kind"}, {"type", "nominal"}}}}}});
  rep.add_heading("Energy per layer and component");
  rep.add_chart({{"title", "Energy: MAC, NoC and each memory level"},
                 {"width", 760},
                 {"height", 260},
                 {"data", {{"name", "energy"}}},
                 {"mark", "bar"},
                 {"encoding",
                  {{"x", {{"field", "layer"}, {"type", "nominal"}, {"sort", nullptr}}},
                   {"y", {{"field", "energy_pj"}, {"type", "quantitative"}, {"title", "pJ"}}},
                   {"color", {{"field", "part"}, {"type", "nominal"}}}}}});
  rep.add_table(lt);
  rep.add_table(acc);
  return rep.render();
}

}  // namespace mosaic::outputs
