// Planaria-style dynamic architecture fission (Ghodrati et al., MICRO 2020): one homogeneous
// accelerator of N identical cores is re-partitioned among the tasks (model instances) running
// at the same time, at every task arrival and completion. Planaria's public abstract: the
// accelerator "can dynamically fission (break) into multiple smaller yet full-fledged DNN
// engines at runtime", spatially co-locating DNN inferences, and fission may break the
// accelerator "with regard to the server load, DNN topology, and task priority". What is not in
// the abstract is an assumption (docs/h3m.md lists them):
//  - a task runs its layers one after another (node order, topological) on the cores it holds;
//    all tasks arrive at time 0 (one request each), in group order (priority = arrival order);
//  - at every task completion (and at time 0) the cores are re-allocated: at most N tasks run
//    (one core each at least; the others wait, earliest deadline then arrival first); a task with
//    a deadline first gets the fewest cores that meet it, if the free cores can; every further
//    core goes, one step at a time, to the task with the latest estimated finish time (now + its
//    remaining cycles at its allocation; Planaria's "remaining time" score, equal priorities),
//    stepping to the smallest larger allocation that shortens that task (none: the task takes
//    no more); cores no task can use stay idle;
//  - re-allocation costs no time and a layer is divisible: a layer in progress continues at the
//    rate of its new allocation (its remaining fraction at the new cycles and energy);
//  - memory as in Herald's scheduler without eviction: a layer's output stays in the global
//    buffer when it fits at the layer's start (with the layer's tiles), else it goes to DRAM and
//    consumers read it back; weights and model inputs come from DRAM.
//
// The problem is a schedule::Problem whose "cores" are the allocation sizes: column m-1 is the
// cost of the node on a gang of m cores (so num_cores = N).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedule/Schedule.h"

namespace mosaic::schedule {

struct FissionOptions {
  // Per group (task): the latest finish time in cycles, <= 0 for none (an SLA).
  std::vector<double> deadline_cycles;
};

struct FissionSegment {
  std::int32_t node = -1;
  double start = 0, end = 0;
  int cores = 0;  // the node's allocation over [start, end)
};

struct FissionSchedule {
  std::vector<FissionSegment> segments;  // in time order per task
  std::vector<double> node_start, node_end, node_energy_pj, node_dram_bytes;
  std::vector<double> group_finish;  // cycles, per group
  double latency_cycles = 0;
  double energy_pj = 0;
  double dram_bytes = 0;
  int reallocations = 0;  // allocation events (time 0 included)
  double edp() const { return latency_cycles * energy_pj; }
};

// Schedules the tasks with dynamic fission. Throws UserError when a layer cannot run on one
// core (infeasible in column 0) or its tiles alone exceed the global buffer.
FissionSchedule schedule_fission(const Problem& p, const FissionOptions& options);

// Independent checks: every node's segments cover it exactly once (fractions of its cycles at
// each allocation add up to 1), a task's nodes in order and after their predecessors, at most
// N cores in use at any time, each node's energy equal to its segments' fractions of the
// on-chip energy at their allocations plus its DRAM bytes. Empty when valid.
std::vector<std::string> validate_fission(const Problem& p, const FissionSchedule& s);

}  // namespace mosaic::schedule
