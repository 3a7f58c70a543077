// Generated memory hierarchies in Interstellar's template (Fig. 3): a rows x cols PE array, one or
// more private register files per PE holding all three operands, one or more shared global
// buffers, DRAM on top; access energies from a technology table (arch/EnergyTable.h), ports one
// word wide (the Interstellar studies are energy-only: bandwidth does not enter their cost).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/EnergyTable.h"
#include "arch/MemoryHierarchy.h"

namespace mosaic::arch {

struct HierarchySpec {
  std::int64_t rows = 16, cols = 16;
  std::vector<std::int64_t> rf_bytes = {512};         // per PE, innermost first
  std::vector<std::int64_t> buffer_bytes = {131072};  // shared, innermost first
  int word_bits = 16;
  bool global_hops = false;  // every array transfer costs the same (Interstellar's "global" point)
};

// A readable name such as "rf512B-gb128KB-16x16".
std::string hierarchy_name(const HierarchySpec& s);

LoopNestHardware build_hierarchy(const HierarchySpec& s, const EnergyTable& table);

}  // namespace mosaic::arch
