// libFuzzer target: the MAESTRO-format parser and the directive analysis behind it. Any input
// must either evaluate or fail with mosaic::UserError.
#include <cstddef>
#include <cstdint>
#include <string>

#include "arch/Core.h"
#include "common/Error.h"
#include "cost/MaestroNetwork.h"
#include "workload/MaestroFormat.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (bool compat : {false, true}) {
    try {
      const auto net = mosaic::workload::maestro_format::parse_network_text(text, "fuzz.m");
      mosaic::arch::Core core;
      core.num_pes = 64;
      core.noc_bw = 16;
      core.offchip_bw = 8;
      mosaic::cost::MaestroEvalOptions opt;
      opt.maestro_compat = compat;
      (void)mosaic::cost::evaluate_maestro_network(net, core, opt);
    } catch (const mosaic::UserError&) {
    }
  }
  return 0;
}
