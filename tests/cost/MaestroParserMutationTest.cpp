// A bounded, seeded mutation test of the MAESTRO-format parser and the analysis behind it: every
// mutated input either evaluates to finite numbers or fails with a UserError; nothing else
// (no other exception, no crash, no NaN). The libFuzzer target fuzz/FuzzMaestro.cpp runs the same
// check without bounds.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "TestSupport.h"
#include "arch/Core.h"
#include "common/Error.h"
#include "cost/MaestroNetwork.h"
#include "workload/MaestroFormat.h"

namespace mosaic {
namespace {

// Returns true when the input evaluated, false when it was rejected with a UserError.
bool evaluate(const std::string& text, bool compat) {
  try {
    const auto net = workload::maestro_format::parse_network_text(text, "fuzz.m");
    arch::Core core;
    core.num_pes = 64;
    core.noc_bw = 16;
    core.offchip_bw = 8;
    cost::MaestroEvalOptions opt;
    opt.maestro_compat = compat;
    const auto rep = cost::evaluate_maestro_network(net, core, opt);
    for (const auto& row : rep.layers) {
      if (!compat) {
        EXPECT_TRUE(std::isfinite(row.cost.energy_pj)) << text;
        EXPECT_TRUE(std::isfinite(row.cost.latency_cycles)) << text;
        EXPECT_GE(row.cost.latency_cycles, 1) << text;
      }
    }
    return true;
  } catch (const UserError&) {
    return false;
  }
}

std::string mutate(std::string s, std::mt19937_64& rng) {
  static const char* kTokens[] = {
      "{",           "}",          "(",      ")",           ";",      ",",        ":",
      "0",           "1",          "-3",     "99999999999", "Sz(R)",  "Sz(Q)",    "SpatialMap",
      "TemporalMap", "Cluster",    "Layer",  "Dimensions",  "Stride", "Dataflow", "Type",
      "GEMM",        "DSCONV",     "NGCONV", "TRCONV",      "Y'",     "X'",       "K",
      "N",           "G",          "M",      "Constant",    "//",     "\n",       "P",
      "L",           "2147483648", "7"};
  const int n = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < n && !s.empty(); ++i) {
    const std::size_t pos = rng() % s.size();
    switch (rng() % 5) {
      case 0:
        s.erase(pos, 1 + rng() % 8);
        break;  // delete
      case 1:
        s.insert(pos, kTokens[rng() % (sizeof(kTokens) / sizeof(*kTokens))]);
        break;
      case 2:
        s[pos] = static_cast<char>(rng() % 128);
        break;  // flip
      case 3:
        s.resize(pos);
        break;   // truncate
      case 4: {  // duplicate
        const std::size_t len = std::min<std::size_t>(s.size() - pos, 1 + rng() % 40);
        s.insert(rng() % s.size(), s.substr(pos, len));
        break;
      }
    }
  }
  return s;
}

TEST(MaestroParserMutation, NeverCrashesNeverNaN) {
  std::vector<std::string> seeds = {
      test::read_file(test::source_dir() / "examples/networks/tiny_mapping.m")};
  if (test::have_shared())
    for (const char* f : {"GEMM_Example.m", "example.m"})
      seeds.push_back(test::read_file(test::shared_dir() / "reference/maestro/inputs/mapping" / f));
  std::mt19937_64 rng(20261122);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string text = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
    for (bool compat : {false, true}) (evaluate(text, compat) ? accepted : rejected)++;
  }
  // Both outcomes occur: the mutations are neither all harmless nor all fatal.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace mosaic
