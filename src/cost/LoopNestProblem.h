// The loop-nest cost problem of one layer on one accelerator with one spatial mapping, compiled
// into flat arrays so that temporal mappings can be evaluated (and searched) without allocation.
//
// Compilation follows ZigZag 3.8.2 step by step, because mosaic's loop-nest analysis must give
// ZigZag's numbers exactly:
//   1. loop relevancy per operand (relevant r, irrelevant ir, partially relevant pr through
//      relations such as ix = 2*ox + fx), with ZigZag's rules for size-1 dimensions;
//   2. the spatial mapping is legalized (unknown dimensions dropped, factors capped by the array
//      size, the layer size and the innermost memories' bandwidth and capacity), then converted
//      per operand to the memory level that first serves each array dimension, with fractional
//      factors when an unrolling does not divide its dimension (and an integer twin used for
//      latency);
//   3. per operand and level: unit counts, unique/duplicate units, bandwidth boost factors;
//   4. the temporal loops left after spatial unrolling.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arch/MemoryHierarchy.h"
#include "dataflow/LoopNestMapping.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::cost {

inline constexpr int kLnMaxDims = 32;       // loop dims + 2 per partially relevant dim
inline constexpr int kLnMaxOperands = 3;    // output + two inputs
inline constexpr int kLnMaxPr = 8;          // partially relevant dimensions (relations) per layer
inline constexpr int kLnMaxMemLevels = 10;  // memory levels per operand
inline constexpr int kLnMaxArch = kLnMaxMemLevels + 2;
inline constexpr int kLnMaxLoopsPerLevel = 48;

using DimMask = std::uint32_t;
inline bool in_mask(DimMask m, int dim) {
  return (m >> dim) & 1u;
}

struct LnLoop {
  int dim = 0;
  double size = 1;
};

struct LnLoopList {
  std::array<LnLoop, kLnMaxLoopsPerLevel> items{};
  int n = 0;
  void push(int dim, double size);
  void clear() { n = 0; }
  const LnLoop* begin() const { return items.data(); }
  const LnLoop* end() const { return items.data() + n; }
};

// A partially relevant data dimension P = sa*a + sb*b (e.g. IX = 2*OX + 1*FX).
struct LnPrDim {
  std::string name;
  int a = 0, b = 0;  // loop dimension ids
  std::int64_t sa = 1, sb = 1;
  double max_size = 0;      // ZigZag's pr_layer_dim_sizes (clips computed sizes)
  int r_id = 0, ir_id = 0;  // ids of the decoupled "P_r" and "P_ir" loop dimensions
};

struct LnOperand {
  std::string name;         // layer operand: "O", "W", "I"
  std::string mem_operand;  // hardware operand: "O", "I1", "I2"
  bool is_output = false;
  double precision_bits = 0;      // partial-sum precision for the output
  std::vector<int> mems;          // hardware memory indices, innermost first
  int num_mem = 0;                // M; arch levels A = M + 1
  DimMask r = 0, ir = 0;          // ZigZag loop_relevancy_info
  DimMask r_dec = 0, ir_dec = 0;  // pr-decoupled relevancy
  std::vector<int> r_list;        // relevant dims in equation order (tensor sizes)
  bool has_pr = false;
  double size_elem = 0;  // ZigZag operand_size_elem
  // Spatial loops per arch level (0 = below the innermost memory), fractional and integer.
  std::array<LnLoopList, kLnMaxArch> su_frac{}, su_int{};
  // SpatialMappingInternal per arch level.
  std::array<double, kLnMaxArch> unit_count_frac{}, unit_unique_frac{};
  std::array<double, kLnMaxArch> unit_count_int{}, unit_unique_int{};
  std::array<double, kLnMaxArch> boost_frac{}, boost_int{};  // [A-1] = 1
  // Array communication (Interstellar): the highest private (per-PE) level, -1 when the operand
  // goes from a shared memory straight to the MACs, and the average hops of one delivery.
  int noc_level = -1;
  double noc_hops = 0;
};

struct LnPortUse {
  int op = -1;                     // layer operand index, -1 when the memory operand is not linked
  bool input_mem_operand = false;  // I1 or I2
  bool output_mem_operand = false;
  int level = 0;  // level of the memory for that operand
  arch::DataDir dir = arch::DataDir::RdOutToLow;
};

struct LnPort {
  std::string name;
  double bw_min = 0, bw_max = 0;
  std::vector<LnPortUse> uses;
  bool shared_by_two_inputs = false;
};

struct LnMemory {
  std::string name;
  double size_bits = 0;
  double read_pj = 0, write_pj = 0;
  std::vector<LnPort> ports;  // only ports with allocations
  std::vector<std::string> operands;
};

// (layer operand index, level) pairs sharing one physical memory.
using LnShareGroup = std::vector<std::pair<int, int>>;

struct LoopNestProblem {
  std::string layer_name;
  std::string op_type;
  std::vector<std::string> dim_names;  // loop dims, then P_r / P_ir per pr dim
  std::vector<double> dim_sizes;       // loop dims only
  int num_loop_dims = 0;
  std::vector<LnPrDim> pr;
  std::vector<LnOperand> ops;  // equation order: ops[0] is the output
  std::vector<int> input_ops;  // indices of the inputs, equation order
  double total_mac = 0;
  double final_output_bits = 0;
  std::vector<LnMemory> mems;  // hardware order
  std::vector<LnShareGroup> share_groups;
  double unit_energy_pj = 0;
  double total_units = 0;
  double hop_energy_pj = 0;  // per operand word and hop; 0 = no array communication term
  // Temporal loops to schedule (ZigZag get_temporal_loops), in loop dimension order.
  std::vector<std::pair<int, std::int64_t>> temporal_loops;
  // The legalized user spatial mapping (integer factors, array dimension order).
  std::vector<dataflow::ArrayDimUnrolling> spatial;
  // The complete user temporal ordering, if the mapping gives one (sizes known), innermost first.
  std::vector<std::pair<int, std::int64_t>> fixed_ordering;
  bool has_fixed_ordering = false;
  // Port bandwidths per (operand, level, direction); -1 when no port is allocated.
  std::array<std::array<std::array<double, 4>, kLnMaxMemLevels>, kLnMaxOperands> port_max{},
      port_min{};
  // Partial ordering constraints (ZigZag StaticPositionsConstraint): position -> dim; negative
  // positions count from the outermost loop.
  std::vector<std::pair<int, int>> order_constraints;
  std::vector<std::pair<int, std::pair<int, std::int64_t>>> order_size_constraints;

  int dim_id(const std::string& name) const;  // -1 when absent
};

struct LoopNestSpatialOptions {
  // Apply ZigZag's legalization (cap factors, drop unknown dimensions) to the user mapping.
  bool legalize = true;
};

// ZigZag's SpatialMappingGeneratorStage for a mapping that names every array dimension:
// removes unknown layer dimensions, caps factors by min(layer size, array size) and by the
// innermost memories' bandwidth, removes dimensions until each array dimension fits, then limits
// the unrolling to the innermost memories' capacity.
std::vector<dataflow::ArrayDimUnrolling> legalize_spatial(
    const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
    const std::vector<dataflow::OperandLink>& links,
    const std::vector<dataflow::ArrayDimUnrolling>& user);

// Compiles the problem. Throws UserError when the mapping does not fit the hardware or layer
// (missing array dimension, operand without memory, unlinked operand, ...).
LoopNestProblem compile_problem(const workload::EinsumLayer& layer,
                                const arch::LoopNestHardware& hw,
                                const dataflow::LoopNestMappingEntry& mapping,
                                const LoopNestSpatialOptions& options = {});

// ZigZag's tensor size of operand `op` for loop sizes `sizes` (indexed by loop dim; absent = 1).
double tensor_size(const LoopNestProblem& p, int op, const double* sizes);
// Size of a partially relevant dimension for the given sizes of its two loop dims.
double pr_size(const LnPrDim& pr, double size_a, double size_b);

// ZigZag's decoupling of a partially relevant dimension pair (decouple_pr_loop): the cumulative
// sizes of its two dimensions and its last relevant / irrelevant sizes.
struct PrDecoupler {
  double ca = 1, cb = 1, prev_r = 1, prev_ir = 1;
  // Grows the pair by `size` along `dim` (pr.a or pr.b); returns the factors by which its
  // relevant and irrelevant sizes grow.
  std::pair<double, double> grow(const LnPrDim& pr, int dim, double size) {
    (dim == pr.a ? ca : cb) *= size;
    const double rs = pr_size(pr, ca, cb);
    const double irs = ca * cb / rs;
    const std::pair<double, double> f{rs / prev_r, irs / prev_ir};
    prev_r = rs;
    prev_ir = irs;
    return f;
  }
};

}  // namespace mosaic::cost
