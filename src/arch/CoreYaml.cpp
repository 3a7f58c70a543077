// The YAML hardware file of one core, and read_hardware, which tells a MAESTRO file from a YAML
// one. Apart from Core.cpp: the static front reads MAESTRO hardware files only and links without
// yaml-cpp (CMakeLists.txt, MOSAIC_FRONT_SOURCES).
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "arch/Core.h"
#include "common/Error.h"
#include "common/Suggest.h"
#include "common/Validate.h"
#include "dataflow/Library.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::arch {

namespace {

// A core's dataflow: a name of the library (or an alias such as nvdla), or a .m file.
std::string checked_dataflow(const std::string& name, const SourceLocation& where) {
  if (dataflow::is_library_dataflow(name)) return name;
  if (name.ends_with(".m") && std::filesystem::exists(name)) return name;
  std::string known;
  for (const auto& n : dataflow::library_names()) known += (known.empty() ? "" : ", ") + n;
  throw UserError(where, fmt::format("unknown dataflow '{}'{}; expected a library name ({}) or a "
                                     ".m file",
                                     name, did_you_mean(name, dataflow::library_names()), known));
}

const std::vector<std::string> kCoreYamlKeys = {
    "name",     "dataflow", "pes",         "num_pes",    "vector_width",  "l1_bytes",
    "l2_bytes", "noc_bw",   "noc_latency", "offchip_bw", "precision_bits"};

}  // namespace

Core read_core_yaml(const std::filesystem::path& path) {
  const std::string file = path.string();
  const YAML::Node root = workload::yaml::load_strict_file(file, "the hardware file");
  if (!root.IsMap()) throw UserError(SourceLocation{file, 1, ""}, "expected a YAML mapping");
  Core c;
  bool have_pes = false;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    namespace y = workload::yaml;
    auto num = [&](const IntRule& rule) { return y::as_int(kv.second, file, key, rule); };
    if (key == "name")
      c.name = y::as_string(kv.second, file, key);
    else if (key == "dataflow")
      c.dataflow = checked_dataflow(y::as_string(kv.second, file, key),
                                    SourceLocation{file, y::line_of(kv.first), key});
    else if (key == "pes" || key == "num_pes") {
      c.num_pes = num(IntRule::positive());
      have_pes = true;
    } else if (key == "vector_width")
      c.vector_width = num(IntRule::positive());
    else if (key == "l1_bytes")
      c.l1_bytes = num(IntRule::positive());
    else if (key == "l2_bytes")
      c.l2_bytes = num(IntRule::positive());
    else if (key == "noc_bw")
      c.noc_bw = num(IntRule::positive());
    else if (key == "noc_latency") {
      c.noc_hops = 1;
      c.noc_hop_latency = num(IntRule::non_negative());
    } else if (key == "offchip_bw")
      c.offchip_bw = num(IntRule::positive());
    else if (key == "precision_bits")
      c.precision_bits = static_cast<int>(num(IntRule::between(1, 1024)));
    else
      y::unknown_key(kv.first, file, key, kCoreYamlKeys);
  }
  if (!have_pes) throw UserError(SourceLocation{file, 0, ""}, "no 'pes': give the number of PEs");
  validate(c, file);
  return c;
}

Core read_hardware(const std::filesystem::path& path) {
  const std::string text = detail::read_hardware_text(path);
  if (path.extension() == ".m" || text.find("_cstr") != std::string::npos ||
      text.find("NoC_NumHops") != std::string::npos)
    return read_maestro_hardware(path);
  return read_core_yaml(path);
}

}  // namespace mosaic::arch
