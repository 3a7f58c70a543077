// report.html of `mosaic map --report FILE`: the loop-nest mapping results as ZigZag's and
// Timeloop's users read them. From the JSON `mosaic map --json` writes (the same object):
// totals and the bottleneck named (the layer taking the largest share of the latency, whether it
// is bound by compute or by memory stalls and transfers, and the memory level and operand that
// spend the most energy); per layer, latency split into ideal compute, stalls, on- and
// off-loading, and energy split into MAC and each (memory level, operand); a table per layer and
// one per (memory level, operand).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mosaic::outputs {

// The bottleneck sentence of the report (also printed by the tests).
std::string map_bottleneck(const nlohmann::json& map_json);

std::string map_report_html(const nlohmann::json& map_json);

}  // namespace mosaic::outputs
