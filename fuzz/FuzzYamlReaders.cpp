// libFuzzer target: every YAML (and JSON-as-YAML) reader and the MAESTRO hardware-file reader,
// through the shared validation layer. The first byte picks the reader; the rest is the file.
// Any input must either be read or fail with mosaic::UserError (never another exception, a crash
// or a sanitizer report). Run e.g.:
//   build/fuzz/fuzz/fuzz_yamlreaders -max_total_time=60 fuzz-corpus/
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "arch/Accelerator.h"
#include "arch/Core.h"
#include "arch/EnergyTable.h"
#include "arch/Granularity.h"
#include "arch/Technology.h"
#include "arch/ZigZagHardware.h"
#include "common/Error.h"
#include "dataflow/LoopNestMapping.h"
#include "workload/WorkloadFile.h"
#include "workload/ZigZagWorkload.h"

namespace {

// The readers that take a path get the text through a per-process file.
std::string write_temp(const std::string& text, const char* ext) {
  const std::string path = "/tmp/mosaic_fuzz_" + std::to_string(getpid()) + ext;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

void read_one(unsigned which, const std::string& text) {
  using namespace mosaic;
  switch (which % 11) {
    case 0:
      (void)arch::read_core_yaml(write_temp(text, ".yaml"));
      break;
    case 1:
      (void)arch::read_maestro_hardware(write_temp(text, ".m"));
      break;
    case 2:
      (void)arch::read_accelerator_class(write_temp(text, ".yaml"));
      break;
    case 3:
      (void)arch::read_accelerator_spec(write_temp(text, ".yaml"));
      break;
    case 4:
      (void)arch::read_technology(write_temp(text, ".yaml"));
      break;
    case 5:
      (void)arch::parse_energy_table(text, "fuzz.yaml");
      break;
    case 6:
      (void)arch::read_platform(write_temp(text, ".yaml"));
      break;
    case 7:
      (void)arch::parse_zigzag_hardware(text, "fuzz.yaml");
      break;
    case 8:
      (void)dataflow::parse_zigzag_mapping(text, "fuzz.yaml");
      break;
    case 9:
      (void)workload::parse_zigzag_workload(text, "fuzz.yaml");
      break;
    default:
      (void)workload::parse_workload_text(text, "fuzz.yaml", "/nonexistent");
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    read_one(data[0], text);
  } catch (const mosaic::UserError&) {
  }
  return 0;
}
