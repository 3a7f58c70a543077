// H3M designs with dynamic-fission sub-accelerators: the task-to-sub-accelerator assignment.
//
// A design splits into independent parts: the static gangs of all its static sub-accelerators
// together (scheduled by Herald's layer scheduler, as before) and each dynamic-fission
// sub-accelerator on its own (schedule/Fission.h over its allocation sizes 1..N). Every task
// (model instance) runs on exactly one part; the parts interact only through that assignment
// (each has its own cores, its own share of the shared buffer, and DRAM bandwidth per core is
// design-independent already). Latency = the latest part's makespan; energy = the sum.
//
// The assignment is a greedy, deterministic estimate [assumption: the poster names the
// task-to-sub-accelerator assignment as searched jointly but gives no method]:
//  - per task and part, from the part's cost table of every layer:
//      chain  = the task's layers one after another, each at its fastest column (gang or
//               allocation size) of the part;
//      work   = the task's time if the whole part shared it perfectly: fission, each layer at
//               its most core-efficient allocation, min over m of (m / N) x cycles(m); static,
//               each layer at the gangs' summed rates, 1 / sum over gangs of 1 / cycles;
//      energy = each layer's on-chip energy (fission: at that most efficient allocation;
//               static: on the gang with its lowest cycles x energy) plus its weights' (and
//               model inputs') DRAM energy;
//  - a part's estimated makespan is max(longest chain, summed work) of its tasks (two lower
//    bounds of a schedule);
//  - tasks in decreasing order of their least work over the parts (longest first, ties in
//    workload order), each to the part that minimises the estimated EDP of the assignment so
//    far (max over parts of the makespan estimate x summed energy estimate; ties: lower part).
#pragma once

#include <cstdint>
#include <vector>

#include "schedule/Schedule.h"

namespace mosaic::search {

struct TaskPart {
  const schedule::Problem* problem = nullptr;  // the whole workload on this part
  bool fission = false;                        // columns are allocation sizes 1..N (else gangs)
};

struct TaskEstimate {
  double chain_cycles = 0, work_cycles = 0, energy_pj = 0;
  bool feasible = true;  // every layer has a column that can run it
};

// The estimate of group `group` on a part.
TaskEstimate estimate_task(const TaskPart& part, std::int32_t group);

// Per group (task), the index of its part. One part: every task on it.
std::vector<int> assign_tasks(const std::vector<TaskPart>& parts);

// The problem restricted to the given groups (increasing), renumbered 0.. in that order, with
// another global-buffer capacity.
schedule::Problem restrict_groups(const schedule::Problem& p, const std::vector<int>& groups,
                                  double capacity_bytes);

}  // namespace mosaic::search
