// Properties of the default (corrected) mode of the directive analysis on real mappings.
#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "arch/Core.h"
#include "common/Error.h"
#include "cost/MaestroNetwork.h"
#include "workload/MaestroFormat.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;

TEST(DirectiveDefaultMode, PartialSumsEqualTrueMacsOnEveryShippedMapping) {
  MOSAIC_REQUIRE_SHARED();
  const fs::path ref = test::shared_dir() / "reference/maestro";
  int layers = 0, mismatches = 0;
  for (std::int64_t pes : {256, 100, 1024, 4096}) {
    arch::Core core = arch::read_maestro_hardware(ref / "inputs/hw/accelerator_1.m");
    core.num_pes = pes;
    for (const auto& e : fs::directory_iterator(ref / "inputs/mapping")) {
      const auto net = workload::maestro_format::parse_network_file(e.path());
      cost::MaestroEvalOptions opt;
      cost::MaestroNetworkReport rep;
      try {
        rep = cost::evaluate_maestro_network(net, core, opt);
      } catch (const UserError& err) {
        continue;  // illegal mappings are tested elsewhere
      }
      for (const auto& row : rep.layers) {
        ++layers;
        const auto psums = row.analysis.top.num_computations;
        if (psums != row.analysis.problem_macs) {
          ++mismatches;
          ADD_FAILURE() << pes << " PEs " << e.path().filename() << " " << row.layer << ": "
                        << psums << " partial sums, " << row.analysis.problem_macs << " MACs";
          if (mismatches > 20) return;
        }
      }
    }
  }
  EXPECT_GT(layers, 4 * 1400);
}

// Transposed convolutions are analysed as the direct convolution over the zero-upsampled input:
// UNet's 2x2 stride-2 up-convolutions do 4x their useful MACs on a dense accelerator.
TEST(DirectiveDefaultMode, TransposedConvolutionUpsamples) {
  const std::string text =
      "Network u {\nLayer up {\nType: TRCONV\nDimensions { K: 8, C: 16, R: 2, S: 2, Y: 6, X: 6 }\n"
      "Dataflow {\nTemporalMap(1,1) K;\nTemporalMap(1,1) C;\nTemporalMap(Sz(R),1) Y;\n"
      "SpatialMap(Sz(S),1) X;\nTemporalMap(Sz(R),Sz(R)) R;\nTemporalMap(Sz(S),Sz(S)) S;\n}\n}\n}\n";
  const auto net = workload::maestro_format::parse_network_text(text, "u.m");
  arch::Core core;
  core.num_pes = 16;
  cost::MaestroEvalOptions opt;
  const auto def = cost::evaluate_maestro_network(net, core, opt);
  EXPECT_EQ(def.layers[0].num_macs, 8 * 16 * 6 * 6 * 4);  // useful: every input x tap
  EXPECT_EQ(def.layers[0].analysis.problem_macs, 8 * 16 * 12 * 12 * 4);  // 12x12 output, dense
  EXPECT_EQ(def.layers[0].analysis.top.num_computations, 8 * 16 * 12 * 12 * 4);
  opt.maestro_compat = true;
  const auto compat = cost::evaluate_maestro_network(net, core, opt);
  EXPECT_EQ(compat.layers[0].num_macs, 8 * 16 * 5 * 5 * 4);  // MAESTRO: a plain 5x5-output CONV
}

}  // namespace
}  // namespace mosaic
