// A multi-core accelerator in Stream's format (KULeuven-MICAS/stream, classic): cores given as
// ZigZag core YAMLs, one of them the off-chip (DRAM) core, connected by point-to-point links and
// shared buses with a bandwidth in bits per cycle, optionally sharing top memories.
//
//   name: three_core_hda_bus
//   cores: {0: ./cores/a.yaml, 1: ./cores/b.yaml, 3: ./cores/offchip.yaml}
//   offchip_core_id: 3
//   unit_energy_cost: 0          # link energy per active cycle (pJ), times the bandwidth fraction
//   core_connectivity:
//     - {type: link, cores: [0, 1], bandwidth: 32}     # two directed links, one per direction
//     - {type: bus, cores: [0, 1, 2, 3], bandwidth: 32} # one shared medium
//   core_memory_sharing:           # optional: memory instances used by several cores
//     - "0, 1"                           # cores 0 and 1 share all their top memories (by name)
//     - {cores: [1, 2], memory: shared}  # one memory, named alike in both core files
//
// A shared memory is ONE instance (one capacity, one memory manager in the scheduler) that all
// sharing cores use together, for whatever operands each core file gives it (one core may keep
// its outputs in a memory that is another core's input memory). Entries that name the same
// (core, memory) join their groups.
//
// The file is read into arch::Accelerator (the one accelerator type of every analysis: cores with
// their loop-nest view, role and fixed spatial mapping; links and buses; shared memories as
// SharedBuffers; the off-chip core). StreamAccelerator is the scheduler's view of it, derived in
// one place (stream_view): directed links, routes, and the memory-instance owners.
// The pair graph follows Stream (networkx): every link or bus adds an edge per ordered core pair;
// a later entry replaces an earlier edge between the same pair. Routes are the first shortest path.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/Accelerator.h"
#include "arch/MemoryHierarchy.h"
#include "dataflow/LoopNestMapping.h"

namespace mosaic::arch {

struct StreamCore {
  int id = 0;
  std::string file;  // resolved path of the core YAML
  std::string type;  // "compute", "memory", ...
  LoopNestHardware hw;
  // Stream's `dataflows`: a fixed spatial mapping (per array dimension "DIM, n"); empty = the
  // spatial mapping is generated.
  std::vector<dataflow::ArrayDimUnrolling> dataflows;
};

// One communication medium: a directed point-to-point link or a shared bus.
struct StreamLink {
  int id = 0;
  bool bus = false;
  int from = -1, to = -1;     // point-to-point links only
  std::vector<int> cores;     // bus members
  double bandwidth_bits = 0;  // bits per cycle
  double unit_energy_pj = 0;  // per active cycle at full bandwidth
  std::string name() const;
};

struct StreamAccelerator {
  Accelerator arch;  // what was read; everything below is derived from it (stream_view)
  std::string name;
  std::string source_file;
  std::vector<StreamCore> cores;  // index == core id (ids are 0..N-1)
  int offchip_core_id = -1;
  std::vector<StreamLink> links;
  // Per core, memory name -> the lowest core id sharing that memory instance (only shared
  // memories are listed; memory_owner() gives the core's own id for the others).
  std::vector<std::map<std::string, int>> shared_memory;
  // route[a][b]: the link ids traversed from core a to core b (empty when a == b or no path).
  std::vector<std::vector<std::vector<int>>> route;
  std::vector<std::vector<bool>> reachable;

  const StreamCore& core(int id) const;
  const StreamCore& offchip() const { return core(offchip_core_id); }
  // The core whose (core, memory) pair names the instance `memory` of `core` belongs to.
  int memory_owner(int core, const std::string& memory) const;
};

// Reads Stream's accelerator YAML and its core YAMLs into the one accelerator type. Errors name
// the file, line and key.
Accelerator read_stream_multicore(const std::string& path);
// The scheduler's view of a multi-core accelerator (cores with a loop-nest view, an off-chip
// core): point-to-point links as two directed links, buses as one medium, routes, memory owners.
StreamAccelerator stream_view(Accelerator acc);
// read_stream_multicore, then stream_view.
StreamAccelerator read_stream_accelerator(const std::string& path);

// The top memory (index into hw.memories) of a core for a memory operand ("I1", "I2", "O").
int top_memory_of(const StreamCore& core, const std::string& mem_operand);

}  // namespace mosaic::arch
