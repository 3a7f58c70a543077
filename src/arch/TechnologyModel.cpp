// The technology model: the default technology and the area and power of a core built in one
// (the reading and writing of technology files is in Technology.cpp, apart: the static front uses
// the model only and links without yaml-cpp; CMakeLists.txt, MOSAIC_FRONT_SOURCES).
#include <algorithm>
#include <cstdint>

#include "arch/Technology.h"

namespace mosaic::arch {

Technology default_technology() {
  return Technology{};
}

AreaPower area_power(const Technology& t, std::int64_t num_pes, std::int64_t vector_width,
                     std::int64_t noc_bw, std::int64_t l1_bytes, std::int64_t l2_bytes) {
  const double n = static_cast<double>(num_pes);
  // An SRAM of zero bytes still costs one cell (MAESTRO's rule).
  const double l1_cells = static_cast<double>(std::max<std::int64_t>(l1_bytes, 1));
  const double l2_cells = static_cast<double>(std::max<std::int64_t>(l2_bytes, 1));
  const double vw = static_cast<double>(vector_width);
  AreaPower ap;
  const double pe_area = t.mac_area_um2 * vw + t.sram_area_um2_per_byte * l1_cells;
  ap.pe_power_mw = n * t.mac_power_mw * vw;
  ap.l1_power_mw = n * t.sram_power_mw_per_byte * l1_cells;
  ap.l2_power_mw = t.sram_power_mw_per_byte * l2_cells;
  const double bus_scale = t.bus_c1 * n + t.bus_c0;
  const double arb_scale = t.arbiter_c2 * n * n + t.arbiter_c1 * n + t.arbiter_c0;
  const double bw = static_cast<double>(noc_bw);
  const double bus_area = t.bus_area_unit * bus_scale * bw;
  const double bus_power = t.bus_power_unit * bus_scale / 1000.0 * bw;
  const double arb_area = std::max(t.arbiter_area_unit, t.arbiter_area_unit * arb_scale);
  const double arb_power =
      std::max(t.arbiter_power_unit, t.arbiter_power_unit * arb_scale / 1000.0);
  ap.noc_power_mw = bus_power + arb_power;
  ap.area_um2 = n * pe_area + t.sram_area_um2_per_byte * l2_cells + bus_area + arb_area;
  ap.power_mw = ap.pe_power_mw + ap.l1_power_mw + ap.l2_power_mw + ap.noc_power_mw;
  return ap;
}

}  // namespace mosaic::arch
