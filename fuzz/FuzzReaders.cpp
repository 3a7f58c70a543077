// libFuzzer targets for every file reader of mosaic, one executable per reader (fuzz/CMakeLists.txt
// builds fuzz_<reader> from this file and a generated two-line entry point naming the reader).
// Any input must either be read or fail with mosaic::UserError: another exception escaping, a
// crash or a sanitizer report (ASan, UBSan, LeakSanitizer) is a finding. Readers that take a
// path get the input through a file in a per-process temporary directory. Run e.g.:
//   build/fuzz/fuzz/fuzz_zigzag_hardware -max_total_time=90 -rss_limit_mb=2048 CORPUS SEEDS...
// docs/fuzzing.md lists the targets, their seeds and the recorded runs.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "arch/Accelerator.h"
#include "arch/Core.h"
#include "arch/EnergyTable.h"
#include "arch/Granularity.h"
#include "arch/StreamAccelerator.h"
#include "arch/Technology.h"
#include "arch/ZigZagHardware.h"
#include "common/Error.h"
#include "dataflow/Dataflow.h"
#include "dataflow/LoopNestMapping.h"
#include "workload/MaestroFormat.h"
#include "workload/StreamWorkload.h"
#include "workload/WorkloadFile.h"
#include "workload/ZigZagWorkload.h"

#ifdef MOSAIC_FUZZ_SEARCH
#include "search/DseEngine.h"
#include "search/DsePareto.h"
#include "search/DseSpec.h"
#endif

namespace fs = std::filesystem;

namespace {

// A directory of this process, removed at exit.
const fs::path& temp_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("mosaic_fuzz_" + std::to_string(getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(temp_dir(), ec);
    });
    return d;
  }();
  return dir;
}

std::string write_temp(std::string_view text, const std::string& name) {
  const fs::path path = temp_dir() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
  return path.string();
}

// The Stream accelerator's core files, beside the fuzzed accelerator file.
constexpr const char* kStreamCore = R"(name: c
memories:
  m:
    size: 1048576
    r_cost: 1
    w_cost: 1
    area: 0
    latency: 1
    operands: [I1, I2, O]
    ports:
      - {name: p, type: read_write, bandwidth_min: 64, bandwidth_max: 64, allocation: ["I1, fh", "I1, tl", "I2, fh", "I2, tl", "O, fh", "O, tl", "O, fl", "O, th"]}
    served_dimensions: [D1, D2]
operational_array: {unit_energy: 1, unit_area: 1, dimensions: [D1, D2], sizes: [2, 2]}
)";
constexpr const char* kStreamAccelerator = R"(name: a
cores: {0: ./fuzzcore.yaml, 1: ./core.yaml}
offchip_core_id: 1
core_connectivity:
  - {type: bus, cores: [0, 1], bandwidth: 64}
)";

void read_stream_accelerator_text(std::string_view text, bool fuzz_core) {
  write_temp(kStreamCore, "core.yaml");
  if (fuzz_core) {
    write_temp(text, "fuzzcore.yaml");
    (void)mosaic::arch::read_stream_accelerator(write_temp(kStreamAccelerator, "acc.yaml"));
  } else {
    write_temp(kStreamCore, "fuzzcore.yaml");
    (void)mosaic::arch::read_stream_accelerator(write_temp(text, "acc.yaml"));
  }
}

#ifdef MOSAIC_FUZZ_SEARCH
// The DSE's command-line specification: the first byte picks the parser.
void read_dse_spec(std::string_view text) {
  using namespace mosaic::search;
  if (text.empty()) return;
  const unsigned which = static_cast<unsigned char>(text[0]);
  text.remove_prefix(1);
  switch (which % 5) {
    case 0:
      (void)parse_sweep(text, "--pes", false);
      break;
    case 1:
      (void)parse_sweep(text, "--l1", true);
      break;
    case 2:
      (void)parse_map_size_sweep(text);
      break;
    case 3:
      (void)parse_pareto_axes(text);
      break;
    default:
      (void)mosaic::arch::parse_granularities(std::string(text));
      break;
  }
}
#endif

void read(std::string_view reader, std::string_view text) {
  using namespace mosaic;
  const std::string s(text);
  if (reader == "maestro_hardware") {
    (void)arch::read_maestro_hardware(write_temp(text, "hw.m"));
  } else if (reader == "maestro_dataflow") {
    (void)dataflow::from_syntax(workload::maestro_format::parse_dataflow_text(text, "fuzz.m"),
                                "fuzz", "fuzz.m");
  } else if (reader == "core_yaml") {
    (void)arch::read_core_yaml(write_temp(text, "core.yaml"));
  } else if (reader == "herald_class") {
    (void)arch::read_accelerator_class(write_temp(text, "class.yaml"));
  } else if (reader == "herald_accelerator") {
    const std::string path = write_temp(text, "acc.yaml");
    (void)arch::read_accelerator_spec(path);
    (void)arch::read_accelerator(path);
  } else if (reader == "technology") {
    (void)arch::read_technology(write_temp(text, "tech.yaml"));
  } else if (reader == "energy_table") {
    (void)arch::parse_energy_table(s, "fuzz.yaml");
  } else if (reader == "h3m_platform") {
    (void)arch::read_platform(write_temp(text, "platform.yaml"));
  } else if (reader == "zigzag_hardware") {
    (void)arch::parse_zigzag_hardware(s, "fuzz.yaml");
  } else if (reader == "zigzag_mapping") {
    (void)dataflow::parse_zigzag_mapping(s, "fuzz.yaml");
  } else if (reader == "zigzag_workload") {
    (void)workload::parse_zigzag_workload(s, "fuzz.yaml");
  } else if (reader == "stream_accelerator") {
    read_stream_accelerator_text(text, false);
  } else if (reader == "stream_core") {
    read_stream_accelerator_text(text, true);
  } else if (reader == "stream_mapping") {
    (void)workload::parse_stream_mapping(s, "fuzz.yaml");
  } else if (reader == "stream_workload") {
    (void)workload::stream_workload_from_file(write_temp(text, "workload.yaml"));
  } else if (reader == "workload") {
    (void)workload::parse_workload_text(text, "fuzz.yaml", temp_dir());
#ifdef MOSAIC_FUZZ_SEARCH
  } else if (reader == "dse_spec") {
    read_dse_spec(text);
  } else if (reader == "dse_store_chunk") {
    (void)search::decode_chunk(text, 0, 0);
#endif
  } else {
    std::abort();  // a target built for a reader this file does not know
  }
}

}  // namespace

// Called by the generated entry point of each fuzz_<reader> executable.
int mosaic_fuzz_read(const char* reader, const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    read(reader, text);
  } catch (const mosaic::UserError&) {
  } catch (const mosaic::InternalError&) {
    // A store's chunk is checksummed before it is decoded (search/ResultStore.h); a record that
    // passes the checksum but does not decode is reported as an internal error, by design.
    if (std::strcmp(reader, "dse_store_chunk") != 0) throw;
  }
  return 0;
}
