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
// one place (stream_view): it keeps that Accelerator and adds only what the scheduler derives
// (directed links over arch's links, routes, memory-instance owners); its cores are arch's cores.
// The pair graph follows Stream (networkx): every link or bus adds an edge per ordered core pair;
// a later entry replaces an earlier edge between the same pair. Routes are the first shortest path.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "arch/Accelerator.h"
#include "arch/MemoryHierarchy.h"

namespace mosaic::arch {

// One medium of the scheduler: a link or bus of Accelerator::links (its ends, bandwidth and
// energy) and, for a point-to-point link, the direction it is used in. A point-to-point link has
// its full bandwidth in each direction, so the scheduler keeps two media (two activity timelines)
// for it; a bus is one medium for all its ends and both directions.
struct StreamLink {
  int link = 0;            // index into Accelerator::links
  int from = -1, to = -1;  // a point-to-point link's direction; -1 for a bus
};

struct StreamAccelerator {
  Accelerator arch;  // what was read: the cores (every one with its loop-nest view), links,
                     // shared memories and the off-chip core; the rest is derived (stream_view)
  std::vector<StreamLink> links;  // the scheduler's media; index == link id in routes
  // Per core, memory name -> the lowest core id sharing that memory instance (only shared
  // memories are listed; memory_owner() gives the core's own id for the others).
  std::vector<std::map<std::string, int>> shared_memory;
  // route[a][b]: the link ids traversed from core a to core b (empty when a == b or no path).
  std::vector<std::vector<std::vector<int>>> route;
  std::vector<std::vector<bool>> reachable;

  int num_cores() const { return static_cast<int>(arch.cores.size()); }
  int offchip_core_id() const { return arch.offchip_core; }
  const std::string& source_file() const { return arch.source_file; }
  const Core& core(int id) const;
  // The loop-nest view of core `id` (every core of a multi-core file has one).
  const LoopNestHardware& hw(int id) const { return *core(id).loop_nest; }
  const LoopNestHardware& offchip_hw() const { return hw(offchip_core_id()); }
  // The core whose (core, memory) pair names the instance `memory` of `core` belongs to.
  int memory_owner(int core, const std::string& memory) const;

  // Medium `link_id`: its link or bus, bandwidth in bits per cycle, energy per active cycle at
  // full bandwidth (pJ) and name ("link 0->1", "bus 0,1,2").
  const Link& medium(int link_id) const;
  double bandwidth_bits(int link_id) const { return medium(link_id).bytes_per_cycle * 8; }
  double unit_energy_pj(int link_id) const { return medium(link_id).pj_per_active_cycle; }
  std::string link_name(int link_id) const;
};

// Reads Stream's accelerator YAML and its core YAMLs into the one accelerator type. Errors name
// the file, line and key.
Accelerator read_stream_multicore(const std::string& path);
// The scheduler's view of a multi-core accelerator (cores with a loop-nest view, an off-chip
// core): point-to-point links as two directed links, buses as one medium, routes, memory owners.
StreamAccelerator stream_view(Accelerator acc);
// read_stream_multicore, then stream_view.
StreamAccelerator read_stream_accelerator(const std::string& path);

}  // namespace mosaic::arch
