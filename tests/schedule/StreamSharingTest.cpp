// Memories shared between cores (Stream's core_memory_sharing): one instance, one capacity,
// used by the sharing cores together. Hand-built workload, hand-set CN costs, hand-computed
// schedule.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "TestSupport.h"
#include "arch/StreamAccelerator.h"
#include "common/Error.h"
#include "mapper/StreamCost.h"
#include "schedule/StreamScheduler.h"
#include "workload/StreamWorkload.h"

namespace mosaic::test {
namespace {

// A one-MAC core: `act` (256 bits) holds inputs and outputs, `w` (1024 bits) the weights; every
// port moves 8 bits a cycle and every access costs 1 pJ.
std::string mem(const std::string& name, int bits, const std::string& ops,
                const std::vector<std::string>& alloc) {
  std::string s = "  " + name + ":\n    size: " + std::to_string(bits) +
                  "\n    r_cost: 1\n    w_cost: 1\n    area: 0\n    latency: 1\n    operands: [" +
                  ops + "]\n    ports:\n      - name: rw_port_1\n        type: read_write\n" +
                  "        bandwidth_min: 8\n        bandwidth_max: 8\n        allocation:\n";
  for (const auto& a : alloc) s += "          - " + a + "\n";
  return s + "    served_dimensions: [D1]\n";
}

const char* kArray =
    "operational_array:\n  unit_energy: 1\n  unit_area: 1\n  dimensions: [D1]\n  sizes: [1]\n";

void write_inputs(const std::filesystem::path& dir, const std::string& sharing) {
  write_file(
      dir / "cores/c.yaml",
      std::string("name: c\n") + kArray + "memories:\n" +
          mem("act", 256, "I1, O", {"I1, tl", "I1, fh", "O, tl", "O, fh", "O, fl", "O, th"}) +
          mem("w", 1024, "I2", {"I2, tl", "I2, fh"}));
  write_file(dir / "cores/off.yaml",
             std::string("name: off\ntype: memory\n") + kArray + "memories:\n" +
                 mem("dram", 1 << 20, "I1, I2, O",
                     {"I1, tl", "I1, fh", "I2, tl", "I2, fh", "O, tl", "O, fh", "O, fl", "O, th"}));
  write_file(dir / "acc.yaml",
             "name: two\ncores: {0: c.yaml, 1: c.yaml, 2: off.yaml}\noffchip_core_id: 2\n"
             "unit_energy_cost: 0\ncore_connectivity:\n"
             "  - {type: bus, cores: [0, 1, 2], bandwidth: 8}\n" +
                 sharing);
  // L0 (core 0) and L1 (core 1) each read an 8-bit graph input and write 128 bits (16 x 8);
  // L2 (core 1) reads L1's output, L3 (core 0) reads L0's output; both write 8 bits.
  std::string w;
  const int k[4] = {16, 16, 1, 1}, c[4] = {1, 1, 16, 16}, src[4] = {0, 1, 1, 0};
  for (int i = 0; i < 4; ++i)
    w += "- id: " + std::to_string(i) + "\n  name: L" + std::to_string(i) +
         "\n  operator_type: Gemm\n  equation: O[b][k]+=W[k][c]*I[b][c]\n"
         "  loop_dims: [B, K, C]\n  loop_sizes: [1, " +
         std::to_string(k[i]) + ", " + std::to_string(c[i]) +
         "]\n  operand_precision: {W: 8, I: 8, O: 8, O_final: 8}\n  operand_source: {I: " +
         std::to_string(i < 2 ? i : src[i]) + ", W: " + std::to_string(i) + "}\n";
  write_file(dir / "w.yaml", w);
  std::string m;
  for (int i = 0; i < 4; ++i)
    m += "- name: L" + std::to_string(i) + "\n  core_allocation: [" +
         std::to_string(i % 3 ? 1 : 0) +
         "]\n  intra_core_tiling: [\"B, 1\"]\n  inter_core_tiling: [\"K, 1\"]\n";
  write_file(dir / "map.yaml", m);
}

schedule::StreamScheduleResult run(const std::filesystem::path& dir) {
  const auto acc = arch::read_stream_accelerator((dir / "acc.yaml").string());
  const auto w = workload::stream_workload_from_file((dir / "w.yaml").string());
  const auto map = workload::read_stream_mapping((dir / "map.yaml").string());
  const auto stacks = workload::make_layer_stacks(w, workload::StackMode::Fused, "0-3", 0);
  const auto g = workload::split_workload(w, map, stacks, workload::StackMode::Fused);
  EXPECT_EQ(g.cns.size(), 4u);
  mapper::StreamCnCost cost;
  cost.valid = true;
  cost.runtime_cycles = 10;
  std::vector<int> core;
  std::vector<const mapper::StreamCnCost*> costs;
  for (const auto& cn : g.cns) {
    core.push_back(cn.fixed_core);
    costs.push_back(&cost);
  }
  return schedule::schedule_stream(g, acc, core, costs, true);
}

int evictions(const schedule::StreamScheduleResult& r) {
  int n = 0;
  for (const auto& t : r.transfers) n += t.cause == schedule::TransferCause::Eviction;
  return n;
}

TEST(StreamSharing, SharedMemoryEvictsWhenTheCoresTogetherOverflowIt) {
  TempDir tmp;
  // Private memories: core 0 keeps L0's 128-bit output, core 1 its input and output (136 bits);
  // nothing is evicted.
  write_inputs(tmp.path(), "");
  const auto alone = run(tmp.path());
  EXPECT_EQ(evictions(alone), 0);
  EXPECT_EQ(alone.memories.size(), 5u);  // act and w of both cores, dram

  // One shared `act` of 256 bits: when L1 (core 1) is about to write its 128-bit output, the
  // instance holds L0's output (128) and L1's input (8): 264 > 256, so L0's output (the only
  // evictable tensor: remaining uses 1 x 128 bits) is written back to DRAM.
  write_inputs(tmp.path(), "core_memory_sharing:\n  - {cores: [0, 1], memory: act}\n");
  const auto shared = run(tmp.path());
  EXPECT_EQ(shared.memories.size(), 4u);  // one act for both cores
  ASSERT_EQ(evictions(shared), 1);
  for (const auto& t : shared.transfers) {
    if (t.cause != schedule::TransferCause::Eviction) continue;
    EXPECT_EQ(t.bits, 128);
    EXPECT_EQ(t.to_core, 2);
    // Hand schedule (bus of 8 bits/cycle, every CN 10 cycles): W0 (128 bits) 0-16 and I0 16-17,
    // L0 17-27; the cores synchronise at L1's start (27); W1 17-33, I1 33-34; the eviction waits
    // for the bus: 34-50.
    EXPECT_EQ(t.start, 34);
    EXPECT_EQ(t.end, 50);
  }
  // Eviction memory energy: 16 reads of 8 bits from act + 16 writes to DRAM at 1 pJ each.
  EXPECT_DOUBLE_EQ(shared.memory_pj[static_cast<int>(schedule::TransferCause::Eviction)], 32);
  EXPECT_EQ(shared.cns[1].start, 50);  // L1 waits for the space
  for (const auto& m : shared.memories) {
    if (m.memory == "act") {
      EXPECT_LE(m.peak_bits, 256);
    }
  }
  EXPECT_GT(shared.latency_cycles, alone.latency_cycles);
}

}  // namespace
}  // namespace mosaic::test
