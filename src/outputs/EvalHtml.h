// report.html of `mosaic eval --report FILE`, from the JSON `mosaic eval --json` writes: totals
// and the bottleneck named (the layer taking the largest share of the latency, its utilisation
// and how far it is above its ideal compute cycles, i.e. bound by compute or by data movement,
// and the component spending the most energy: MAC, NoC or a memory level); per layer, latency
// against ideal cycles and energy split into MAC, NoC and each memory level; a table of the
// reads and writes per memory level and operand (the directive analysis counts accesses per
// operand; its energies are per level).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mosaic::outputs {

std::string eval_bottleneck(const nlohmann::json& eval_json);
std::string eval_report_html(const nlohmann::json& eval_json);

}  // namespace mosaic::outputs
