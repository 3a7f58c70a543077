// Mappings of a loop nest onto a spatial array with an N-level memory hierarchy (ZigZag /
// Interstellar view):
//   * spatial unrolling: per array dimension (D1, D2, ...) the loop dimensions unrolled on it and
//     their factors. Several loops on one array dimension is Interstellar's "replication"
//     (e.g. D1: C 4, FX 3). In Interstellar's U|V notation, "C|K" unrolls C on the first array
//     dimension and K on the second; "C,FX|K" replicates.
//   * memory operand links: which memory operand (I1, I2, O) of the hardware holds each layer
//     operand (I, W, O).
//   * temporal ordering: an optional full or partial loop order, innermost first. A factor of 0
//     ("*" in ZigZag files) means "whatever remains of that dimension"; the dimension "*" marks
//     that the entries after it are counted from the outermost loop.
//   * temporal mapping (a search result): per operand and memory level, the loops allocated to
//     that level, innermost first.
//
// The ZigZag mapping YAML is a list of entries selected per layer by name, then by operator type,
// then "default".
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mosaic::dataflow {

struct SpatialUnroll {
  std::string dim;
  std::int64_t factor = 1;
};

struct ArrayDimUnrolling {
  std::string array_dim;  // "D1", "D2", ...
  std::vector<SpatialUnroll> unrolls;
};

struct OperandLink {
  std::string layer_operand;   // "I", "W", "O"
  std::string memory_operand;  // "I1", "I2", "O"
};

struct TemporalOrderItem {
  std::string dim;        // a loop dimension, or "*" (outer marker)
  std::int64_t size = 0;  // 0: any remaining factor
};

struct LoopNestMappingEntry {
  std::string name;  // "default", an operator type or a layer name
  bool has_spatial = false;
  std::vector<ArrayDimUnrolling> spatial;
  std::vector<std::pair<std::string, std::vector<std::string>>> spatial_hint;
  std::vector<OperandLink> links;  // defaults to O:O, I:I1, W:I2
  std::vector<TemporalOrderItem> temporal_ordering;
  std::string source_file;
  int source_line = 0;
};

struct LoopNestMappingSet {
  std::vector<LoopNestMappingEntry> entries;
  std::string source_file;
};

// Reads a ZigZag mapping YAML; requires a "default" entry (ZigZag does too).
LoopNestMappingSet read_zigzag_mapping(const std::string& path);
LoopNestMappingSet parse_zigzag_mapping(const std::string& text, const std::string& path);

// The entry for a layer: by layer name, else by operator type, else "default".
const LoopNestMappingEntry& select_mapping(const LoopNestMappingSet& set,
                                           const std::string& layer_name,
                                           const std::string& op_type);

// The default operand links O:O, I:I1, W:I2.
std::vector<OperandLink> default_links();

// Interstellar U|V notation: "C|K", "C,FX|K,FY" (dimensions per array dimension, separated by
// '|'); factors are given separately. Renders "C|K" from a spatial mapping and parses it back to
// dimension lists (one list per array dimension).
std::string uv_notation(const std::vector<ArrayDimUnrolling>& spatial);
std::vector<std::vector<std::string>> parse_uv_notation(const std::string& text);

// A temporal mapping found by a search or given by the user.
struct TemporalLoop {
  std::string dim;
  std::int64_t size = 1;
};
struct OperandTemporalMapping {
  std::string operand;                            // layer operand
  std::vector<std::vector<TemporalLoop>> levels;  // per memory level, innermost loop first
};
using TemporalMapping = std::vector<OperandTemporalMapping>;

// Renders a loop nest for humans, outermost loop first, with the memory level boundaries of each
// operand, e.g.
//   for K in [0, 2)          # O: sram_2MB | W: dram | I: sram_2MB
//    for OY in [0, 112)
//   ...
//   parfor K in [0, 32) on D2
// `order` is the full loop order innermost first (as allocated); `level_names[op][lvl]` names
// the memory holding each operand level.
std::string render_loop_nest(const std::vector<TemporalLoop>& order_inner_first,
                             const TemporalMapping& tm,
                             const std::vector<std::vector<std::string>>& level_names,
                             const std::vector<ArrayDimUnrolling>& spatial);

}  // namespace mosaic::dataflow
