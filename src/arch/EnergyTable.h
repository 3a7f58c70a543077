// Energy per memory access as a function of memory size (a technology table), for sizing memory
// hierarchies. The shipped default is Interstellar's Table IV (Yang et al., ASPLOS 2020, 28 nm,
// energy of one 16-bit access):
//   register file 16 B .. 512 B: 0.03 .. 0.96 pJ (linear, 0.001875 pJ per byte)
//   SRAM 32 KB .. 512 KB: 6, 9, 13.5, 20.25, 30.375 pJ (x1.5 per doubling)
//   DRAM 200 pJ, MAC 0.075 pJ
// Between anchors the energy is interpolated linearly in log(size)-log(energy) space; beyond the
// last SRAM anchor it grows x1.5 per doubling, below the smallest register linearly to zero.
// Accesses of another width scale with width/16 (Timeloop's block-size rule).
//
// Per-access energies given in a hardware file (r_cost / w_cost) always override the table; the
// table fills memories marked auto_cost_extraction and the memories of generated hierarchies.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arch/MemoryHierarchy.h"

namespace mosaic::arch {

struct EnergyTable {
  std::string name;
  std::string source;
  int word_bits = 16;                                    // the width the anchors refer to
  std::vector<std::pair<double, double>> register_file;  // (bytes, pJ), ascending
  std::vector<std::pair<double, double>> sram;           // (bytes, pJ), ascending
  double sram_growth_per_doubling = 1.5;                 // extrapolation beyond the last anchor
  double dram_pj = 200;
  double mac_pj = 0.075;
  double hop_pj = 0.035;  // PE-to-PE hop (Interstellar's parallel_cost)
};

// Interstellar Table IV (the paper's values; see docs/interstellar-reproduction.md for the
// repository's shifted SRAM anchors).
const EnergyTable& interstellar_28nm();

enum class MemoryKind { RegisterFile, Sram, Dram };

// Energy of one access of `word_bits` to a memory of `size_bytes` of the given kind.
double access_energy_pj(const EnergyTable& t, MemoryKind kind, double size_bytes, int word_bits);
// The kind a memory of that size is treated as: <= 4 KB register file, >= 64 MB DRAM, else SRAM.
MemoryKind kind_for_size(double size_bytes);

// Reads a table from YAML:
//   name: my_tech
//   word_bits: 16
//   register_file: [[16, 0.03], [512, 0.96]]     # bytes, pJ
//   sram: [[32768, 6], [524288, 30.375]]
//   dram: 200
//   mac: 0.075
//   hop: 0.035
EnergyTable read_energy_table(const std::string& path);
EnergyTable parse_energy_table(const std::string& text, const std::string& path);

// Fills read/write energies of memories marked auto_cost (by size and kind, for the width of
// their widest port) from the table. Memories with given costs are left alone.
void apply_energy_table(LoopNestHardware& hw, const EnergyTable& t);

}  // namespace mosaic::arch
