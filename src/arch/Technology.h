// Technology: per-access energies and the area / power of building blocks. One table, used by
// every cost figure; a YAML technology file overrides any value.
//
// Defaults (the "maestro-28nm" table):
//  - MAC 0.23 pJ: MAESTRO's absolute scale (its DSE cost database, which cites a bfloat16 MAC
//    figure: Tom's Hardware's BF16 article and Dally et al., "Domain-specific hardware
//    accelerators", CACM 63(7), 2020).
//  - L1 access 1.68 x MAC and L2 access 18.61 x MAC: MAESTRO's CACTI-based ratios (28 nm,
//    2 KB L1 scratchpad, 1 MB L2), read and write alike.
//  - DRAM access 200 x MAC and one NoC transfer (L2 <-> PE, per element) 2 x MAC: the
//    normalised energy table of Eyeriss (Chen, Emer, Sze, ISCA 2016, Fig. / Table "normalized
//    energy cost"; repeated in Sze et al., Proc. IEEE 105(12), 2017, Fig. 8), which MAESTRO does
//    not model at all.
//  - Area (um^2) and power (mW) of MACs, SRAM bytes, bus and matrix arbiter: MAESTRO's 28 nm
//    synthesis fits (MAC 283 um^2 / 1.2223 mW per lane; SRAM 0.104 um^2 / 0.00345 mW per byte;
//    bus  101.7938 x (14.662 N + 28.895) x BW um^2, 0.8 x (14.662 N + 28.895) / 1000 x BW mW;
//    arbiter 395.473 x (1.2886 N^2 + 5.5814 N - 23.711) um^2, 0.34 x (...) / 1000 mW, both at
//    least one unit).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace mosaic::arch {

struct Technology {
  std::string name = "maestro-28nm";
  // Energy per access of one element, pJ.
  double mac_pj = 0.23;
  double l1_pj = 0.23 * 1.68;
  double l2_pj = 0.23 * 18.61;
  double dram_pj = 0.23 * 200.0;
  double noc_pj = 0.23 * 2.0;
  // Area (um^2) and power (mW) of building blocks.
  double mac_area_um2 = 283.0;  // per ALU lane
  double mac_power_mw = 1.2223;
  double sram_area_um2_per_byte = 0.104;
  double sram_power_mw_per_byte = 0.00345;
  double bus_area_unit = 101.7938;
  double bus_power_unit = 0.8;
  double bus_c1 = 14.662;
  double bus_c0 = 28.895;
  double arbiter_area_unit = 395.473;
  double arbiter_power_unit = 0.34;
  double arbiter_c2 = 1.2886;
  double arbiter_c1 = 5.5814;
  double arbiter_c0 = -23.711;
  // Clock, for converting cycles to seconds.
  double clock_ghz = 1.0;
};

// The default table above.
Technology default_technology();

// Every field of `t` (its name and each number by its YAML key): what a result store's
// configuration key holds of the technology (the DSE's and Herald's alike).
nlohmann::json technology_json(const Technology& t);

// Reads a YAML technology file: any subset of the keys above (mac_pj, l1_pj, ... clock_ghz),
// plus `l1_relative` / `l2_relative` / `dram_relative` / `noc_relative` to give energies as
// multiples of mac_pj. Unknown keys and non-positive energies are errors naming file, line and
// key.
Technology read_technology(const std::filesystem::path& path);

// Area and power of one accelerator built from the blocks above (MAESTRO's model): num_pes PEs,
// each with `vector_width` MAC lanes and `l1_bytes` of L1; one L2 of `l2_bytes`; a bus of
// `noc_bw` elements per cycle with a matrix arbiter over the PEs.
struct AreaPower {
  double area_um2 = 0;
  double power_mw = 0;
  double pe_power_mw = 0;
  double l1_power_mw = 0;
  double l2_power_mw = 0;
  double noc_power_mw = 0;
};
AreaPower area_power(const Technology& t, std::int64_t num_pes, std::int64_t vector_width,
                     std::int64_t noc_bw, std::int64_t l1_bytes, std::int64_t l2_bytes);

}  // namespace mosaic::arch
