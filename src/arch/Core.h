// A sub-accelerator ("core") as both cost analyses see it. The directive view (MAESTRO): a PE
// array running one dataflow, with per-PE L1, a NoC from the shared buffer, and its share of the
// global buffer and off-chip bandwidth; a single-core accelerator is the MAESTRO hardware model.
// The loop-nest view (ZigZag / Interstellar), when given: the core's memory hierarchy and
// operational array. Herald's classes and accelerator files give the directive view only; ZigZag
// hardware files give both (loop_nest_core).
//
// Units follow MAESTRO: buffer sizes and bandwidths count elements (of `precision_bits` each);
// *_bytes fields are in elements when precision_bits is 8 (the default).
#pragma once

#include <climits>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "arch/MemoryHierarchy.h"
#include "common/Checked.h"
#include "dataflow/LoopNestMapping.h"

namespace mosaic::arch {

struct Core {
  std::string name = "core";
  std::string dataflow;  // dataflow style name (e.g. "kcp_ws"); may be empty
  std::int64_t num_pes = 256;
  std::int64_t vector_width = 1;    // ALU lanes per PE
  std::int64_t l1_bytes = INT_MAX;  // L1 per PE (a constraint: checked, never limits runtime)
  std::int64_t l2_bytes = INT_MAX;  // shared buffer (likewise)
  std::int64_t noc_bw = 1000;       // elements per cycle, L2 <-> PEs
  std::int64_t noc_hops = 1;
  std::int64_t noc_hop_latency = 1;  // cycles per hop; head latency = hops x hop latency
  std::int64_t offchip_bw = 50;      // elements per cycle, DRAM <-> L2
  int precision_bits = 8;
  // Herald's sub-accelerator model (cost/SubAccelerator.h): the core's own buffer and its local
  // network, per PE; 0 = the defaults of the model.
  double subacc_buffer_bytes_per_pe = 0;
  double local_elements_per_pe_cycle = 0;
  // The loop-nest view: memories lowest first (DRAM on top) and the operational array.
  std::optional<LoopNestHardware> loop_nest;
  // The ZigZag mapping entries the loop-nest mapper uses on this core (an accelerator file's
  // per-core `mapping`); unset: the caller's (mapper::CostAnalysisOptions::mappings).
  std::optional<dataflow::LoopNestMappingSet> loop_nest_mappings;
  // Multi-core (Stream) accelerator files: the core file, the core's role ("compute", "memory"
  // for the off-chip core, ...) and a fixed spatial mapping (Stream's `dataflows`, which
  // replaces the generated ones; empty = generated).
  std::string source_file;
  std::string role = "compute";
  std::vector<dataflow::ArrayDimUnrolling> fixed_spatial;

  std::int64_t noc_latency() const {
    return checked_mul(noc_hops, noc_hop_latency, "the NoC latency (hops x hop latency)");
  }
};

// The core of a loop-nest hardware description (a ZigZag file, a generated hierarchy): its loop-
// nest view, and the directive view of the same array (PEs = the array's units, the hierarchy's
// name). The directive view's bandwidths are left at their defaults: the loop-nest view's ports
// carry the bandwidths of that analysis.
Core loop_nest_core(LoopNestHardware hw);

// Reads a MAESTRO hardware file (`key: value` lines: num_pes, l1_size_cstr, l2_size_cstr,
// noc_bw_cstr, offchip_bw_cstr, NoC_NumHops). num_pes is required (MAESTRO reads an empty file as
// 1 PE; mosaic refuses it); absent sizes/bandwidths are unbounded, as in MAESTRO, and NoC_NumHops
// is the per-transfer latency (default 1). Values are checked by common/Validate (positive; the
// latency non-negative); a key given twice, an unknown key or a missing value is an error.
Core read_maestro_hardware(const std::filesystem::path& path);

// Reads a core description in YAML:
//   name: edge-nvdla        # optional
//   dataflow: kcp_ws        # optional; a library name or alias, or a .m file
//   pes: 1024               # required
//   vector_width: 1         # optional, default 1
//   l1_bytes: 512           # per PE, optional
//   l2_bytes: 4194304       # optional
//   noc_bw: 64              # elements / cycle
//   noc_latency: 1          # optional, cycles per transfer
//   offchip_bw: 16          # elements / cycle
//   precision_bits: 8       # optional
Core read_core_yaml(const std::filesystem::path& path);

// Either format: MAESTRO's when the file ends in .m or uses its *_cstr / NoC_NumHops keys.
Core read_hardware(const std::filesystem::path& path);

// Checks every field; throws UserError naming the field.
void validate(const Core& core, const std::string& file = "");

namespace detail {
// The whole text of a hardware file (a UserError naming the file when it cannot be opened).
std::string read_hardware_text(const std::filesystem::path& path);
}  // namespace detail

}  // namespace mosaic::arch
