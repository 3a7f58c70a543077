// A single-core accelerator for the loop-nest cost model (ZigZag / Interstellar view): an
// operational array of MAC units with named dimensions, and a hierarchy of memory levels, each
// holding some memory operands (I1, I2, O), serving some array dimensions (one instance for the
// whole served sub-array; [] = one instance per PE), with physical ports whose bandwidths limit
// the data transfers. DRAM is simply the top level.
//
// Units: sizes in bits, bandwidths in bits per cycle, energies in pJ per access (one access moves
// up to one port width; ZigZag's convention), areas in the user's unit.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mosaic::arch {

// Data movement directions of a memory level, in ZigZag's order.
enum class DataDir : int {
  RdOutToLow = 0,   // "tl": read, sent to the level below (or the array)
  WrInByLow = 1,    // "fl": written by the level below (partial sums coming up)
  RdOutToHigh = 2,  // "th": read, sent to the level above (outputs going up)
  WrInByHigh = 3,   // "fh": written from the level above (operands coming down)
};
inline constexpr int kNumDataDirs = 4;
const char* data_dir_tag(DataDir d);          // "tl", "fl", "th", "fh"
const char* data_dir_zigzag_name(DataDir d);  // "rd_out_to_low", ...

enum class PortType { Read, Write, ReadWrite };

struct MemoryPort {
  std::string name;  // r_port_1, w_port_1, rw_port_1
  PortType type = PortType::ReadWrite;
  std::int64_t bw_min_bits = 0;  // access granularity (bits per access)
  std::int64_t bw_max_bits = 0;  // peak bandwidth (bits per cycle)
};

// One use of a port: memory operand `operand` moving data in direction `dir`.
struct PortAllocation {
  std::string operand;  // memory operand, e.g. "I1"
  DataDir dir = DataDir::RdOutToLow;
  int port = 0;  // index into MemoryLevel::ports
};

struct MemoryLevel {
  std::string name;
  std::int64_t size_bits = 0;
  double read_pj = 0;   // per access
  double write_pj = 0;  // per access
  double area = 0;
  int latency_cycles = 1;
  std::vector<std::string> operands;  // memory operands held, e.g. {"I1", "O"}
  std::vector<MemoryPort> ports;
  // In file order: port by port, allocation by allocation. One entry per (operand, direction)
  // pair; a later allocation of the same pair replaces an earlier one (ZigZag's dict semantics).
  std::vector<PortAllocation> allocations;
  std::vector<std::string> served_dims;  // array dimensions one instance serves ([] = per PE)
  bool auto_cost = false;                // costs to be filled from a technology table
  std::string source_file;
  int source_line = 0;
};

struct OperationalArray {
  std::vector<std::string> dims;  // "D1", "D2", ...
  std::vector<std::int64_t> sizes;
  double unit_energy_pj = 0;  // per MAC
  double unit_area = 0;
  // Interstellar: energy of one hop of an operand word between neighbouring PEs (pJ). 0 turns
  // the array communication term off (ZigZag has none).
  double hop_energy_pj = 0;
  // true: every transfer into the array costs the same, (rows + cols) / 2 hops, whatever the
  // dataflow (Interstellar's "global" configuration).
  bool global_hops = false;
};

struct LoopNestHardware {
  std::string name;
  OperationalArray array;
  std::vector<MemoryLevel> memories;  // lowest first; each operand's levels in this order
  std::string source_file;
};

// Queries (all by name; -1 when absent).
std::int64_t total_units(const OperationalArray& a);
int array_dim_index(const OperationalArray& a, const std::string& dim);
// Indices of the memories holding `mem_operand`, innermost first.
std::vector<int> levels_of(const LoopNestHardware& hw, const std::string& mem_operand);
// The top (outermost) memory holding `mem_operand`, or -1.
int top_memory_of(const LoopNestHardware& hw, const std::string& mem_operand);
// The port allocated to (operand, dir) in memory `m`, or -1.
int port_of(const MemoryLevel& m, const std::string& mem_operand, DataDir dir);
// How many copies of memory `m` the array holds (product of the sizes of unserved dimensions).
std::int64_t instance_count(const LoopNestHardware& hw, const MemoryLevel& m);

// Structural checks with messages naming the file and memory: operands from {I1, I2, O}, served
// dimensions exist, port directions match port types, bandwidth_min <= bandwidth_max, every
// operand has a chain ending in a top level, sizes positive.
void validate(const LoopNestHardware& hw);

}  // namespace mosaic::arch
