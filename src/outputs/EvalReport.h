// Reports of `mosaic eval`: the console table, and JSON with every figure.
#pragma once

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "cost/LayerCost.h"
#include "cost/MaestroNetwork.h"

namespace mosaic::outputs {

// The unified cost of one layer as JSON: latency, MACs, utilisation, energy breakdown (pJ),
// accesses per memory level and operand, requirements, area and power.
nlohmann::json layer_cost_json(const cost::LayerCost& c);

nlohmann::json eval_json(const cost::MaestroNetworkReport& report, const arch::Core& core,
                         const arch::Technology& tech, bool maestro_compat);

// Per-layer table and totals.
void write_eval_table(std::ostream& out, const cost::MaestroNetworkReport& report,
                      const arch::Core& core, const arch::Technology& tech, bool maestro_compat);

}  // namespace mosaic::outputs
