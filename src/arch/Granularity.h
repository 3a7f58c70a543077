// H3M cores and platforms (Zeng et al., H3M poster, seed 002): DPU-like cores of a given
// granularity and the budgets of the boards they are placed on.
//
// A core of granularity B has PP x ICP x OCP multipliers (pixel, input-channel and
// output-channel parallelism) and does B = 2 x PP x ICP x OCP operations per cycle. Resources are
// AMD/Xilinx PG338 (DPU IP product guide v1.2, March 2019, Table 9 "Resources of Different DSP
// Usage", measured on ZCU102 without depthwise conv, average pooling, ReLU6 and leaky ReLU):
// LUT, registers, BRAM36K and DSP48 for "high" and "low" DSP usage. Those eight rows are
// published; a user-defined shape gets resources from a least-squares line in PP x ICP x OCP
// through the eight published rows (an assumption, marked `published = false`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mosaic::arch {

struct DpuCore {
  std::string name;  // "B512", or "B<n>" for a user shape
  int pp = 1, icp = 1, ocp = 1;
  double lut = 0, registers = 0, bram36k = 0, dsp = 0;  // at the chosen DSP usage
  bool published = true;
  std::int64_t macs_per_cycle() const { return static_cast<std::int64_t>(pp) * icp * ocp; }
  std::int64_t ops_per_cycle() const { return 2 * macs_per_cycle(); }
  // On-chip RAM of the core in bytes (BRAM36K blocks of 4.5 KiB).
  double ram_bytes() const { return bram36k * 36.0 * 1024 / 8; }
};

enum class DspUsage { High, Low };

// The eight PG338 granularities, B512 .. B4096, at a DSP usage.
std::vector<DpuCore> dpu_table(DspUsage usage = DspUsage::High);

// "B1024" (a table name, case-insensitive) or a user shape "PPxICPxOCP" (e.g. "8x12x16").
// Throws UserError listing the table for anything else.
DpuCore parse_granularity(const std::string& text, DspUsage usage = DspUsage::High);
// A comma-separated list; empty = the whole table.
std::vector<DpuCore> parse_granularities(const std::string& list, DspUsage usage = DspUsage::High);

// A platform's budget for the cores (what the shell and platform IP leave).
struct Platform {
  std::string name;
  bool fpga = true;
  double lut = 0, bram36k = 0, uram = 0, dsp = 0;  // FPGA resources available to the cores
  std::int64_t asic_macs = 0;                      // ASIC: multipliers available
  double asic_sram_bytes = 0;                      // ASIC: on-chip SRAM for the cores
  double clock_mhz = 300;                          // core clock (the DSPs run at 2x)
  double dram_gbps = 0;                            // off-chip bandwidth
  double shared_buffer_bytes = 0;  // the buffer that holds activations between layers
  std::string source;              // where the figures come from (and what is assumed)
};

// "u200", "u280" or "asic"; throws UserError listing them.
Platform platform_by_name(const std::string& name);
std::vector<std::string> platform_names();
// A YAML platform: name, fpga (bool), lut, bram36k, uram, dsp, asic_macs, asic_sram_bytes,
// clock_mhz, dram_gbps, shared_buffer_bytes. Unknown keys and negative values are errors naming
// the file, line and key.
Platform read_platform(const std::filesystem::path& path);

// How many cores of `core` fit in a fraction of a platform's budget (every resource scaled).
std::int64_t cores_that_fit(const Platform& p, const DpuCore& core, double fraction = 1.0);

}  // namespace mosaic::arch
