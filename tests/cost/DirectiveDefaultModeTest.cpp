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
        if (psums != row.analysis.macs) {
          ++mismatches;
          ADD_FAILURE() << pes << " PEs " << e.path().filename() << " " << row.layer << ": "
                        << psums << " partial sums, " << row.analysis.macs << " MACs";
          if (mismatches > 20) return;
        }
      }
    }
  }
  EXPECT_GT(layers, 4 * 1400);
}

}  // namespace
}  // namespace mosaic
