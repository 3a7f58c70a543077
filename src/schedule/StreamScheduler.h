// Stream's COALA scheduler (stream/cost_model/scheduler.py, classic): an event-driven list
// scheduler of computation nodes (CNs) on a multi-core accelerator with
//   * candidates picked by their scheduling-order index, core synchronisation at layer starts;
//   * a memory manager per top memory instance (shared instances too): a step function of stored
//     bits, the earliest time a tensor fits, eviction of the lowest (remaining uses x size) with
//     write-back of tensors the off-chip memory does not hold;
//   * link and bus contention: busy windows with bandwidth activity per link, transfers at a
//     bandwidth fraction of 1 / (inter-core splits), off-chip links blocked for the whole run of a
//     CN whose operands stay in DRAM;
//   * latency = max(CN ends, communication event ends); energy split by cause.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/StreamAccelerator.h"
#include "mapper/StreamCost.h"
#include "workload/StreamWorkload.h"

namespace mosaic::schedule {

enum class TransferCause { OffChip = 0, Eviction, SinkLayer, CoreToCore, NoLog };
const char* cause_name(TransferCause c);

struct StreamTransfer {
  int tensor = 0;
  int from_core = 0, to_core = 0;
  std::vector<int> links;
  double start = 0, end = 0;
  double bits = 0;
  TransferCause cause = TransferCause::OffChip;
  bool block = false;  // an off-chip link reservation for a DRAM-blocked CN
  int cn = -1;         // the blocked CN
};

struct StreamCnTiming {
  int core = 0;
  double start = 0, end = 0;
};

struct MemoryTimeline {
  int core = 0;  // first core of the instance
  std::string memory;
  double capacity_bits = 0;
  std::vector<std::pair<double, double>> usage;  // (time, bits stored from then on)
  double peak_bits = 0;
};

struct StreamScheduleResult {
  double latency_cycles = 0;
  double energy_pj = 0;
  double cn_onchip_pj = 0;
  std::array<double, 5> link_pj{}, memory_pj{};  // per TransferCause
  std::vector<StreamCnTiming> cns;
  std::vector<StreamTransfer> transfers;
  std::vector<MemoryTimeline> memories;
};

// Schedules the tile graph with one core per CN (`core_of_cn`) and the cost of each CN on it.
// Throws UserError when a tensor can never fit (off-chip eviction needed, or larger than a
// memory).
StreamScheduleResult schedule_stream(const workload::TileGraph& g,
                                     const arch::StreamAccelerator& acc,
                                     const std::vector<int>& core_of_cn,
                                     const std::vector<const mapper::StreamCnCost*>& cost,
                                     bool keep_details = true);

}  // namespace mosaic::schedule
