#include "arch/Accelerator.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "arch/ZigZagHardware.h"
#include "common/Checked.h"
#include "common/Error.h"
#include "common/Suggest.h"
#include "common/Text.h"
#include "common/Validate.h"
#include "dataflow/Library.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::arch {

namespace {

// Canonical library name of a style's dataflow.
std::string dataflow_name(const std::string& text) {
  const std::string t = ascii_lower(trim_blanks(text));
  if (t == "nvdla" || t == "dla" || t == "kcp_ws") return "kcp_ws";
  // Herald's Shi-diannao style is Fig. 4(b) (shi_os); MAESTRO's example mapping of it keeps
  // its own name, yxp_os.
  if (t == "shi" || t == "shidiannao" || t == "shi-diannao" || t == "shi_os") return "shi_os";
  if (t == "eyeriss" || t == "rs") return "rs";
  if (t.empty()) throw UserError(SourceLocation{"", 0, "style"}, "empty dataflow name");
  if (!dataflow::is_library_dataflow(t)) {
    std::string known;
    for (const auto& n : dataflow::library_names()) known += " " + n;
    throw UserError(
        SourceLocation{"", 0, "style"},
        fmt::format("unknown dataflow '{}'{}; use nvdla, shi, eyeriss or a library name:{}", t,
                    did_you_mean(t,
                                 [] {
                                   std::vector<std::string> n = dataflow::library_names();
                                   for (const char* a : {"nvdla", "shi", "eyeriss"}) n.push_back(a);
                                   return n;
                                 }()),
                    known));
  }
  return dataflow::canonical_dataflow_name(t);
}

std::string pretty(const std::string& df) {
  if (df == "kcp_ws") return "NVDLA";
  if (df == "shi_os") return "Shi";
  if (df == "yxp_os") return "Shi(yxp_os)";
  if (df == "rs") return "Eyeriss";
  return df;
}

// A bandwidth in elements per cycle, at least one; a value beyond 64 bits is an error (llround
// of it would be meaningless).
std::int64_t elements_per_cycle(double v, const char* field) {
  if (!(v < 9.0e18))
    throw UserError(SourceLocation{"", 0, field},
                    fmt::format("{} elements per cycle cannot be represented", v));
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(v)));
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

}  // namespace

AcceleratorClass accelerator_class(const std::string& name) {
  const std::string n = ascii_lower(name);
  constexpr std::int64_t MiB = 1024 * 1024;
  if (n == "edge") return {"edge", 1024, 16, 4 * MiB, 16};
  if (n == "mobile") return {"mobile", 4096, 64, 8 * MiB, 64};
  if (n == "cloud") return {"cloud", 16384, 256, 16 * MiB, 256};
  throw UserError(SourceLocation{"", 0, "class"},
                  fmt::format("unknown accelerator class '{}'{}; expected edge, mobile, cloud or a "
                              "YAML file",
                              name, did_you_mean(n, {"edge", "mobile", "cloud"})));
}

std::vector<std::string> accelerator_class_names() {
  return {"edge", "mobile", "cloud"};
}

AcceleratorClass read_accelerator_class(const std::filesystem::path& path) {
  namespace y = workload::yaml;
  const std::string file = path.string();
  const YAML::Node root = y::load_strict_file(file, "the class file");
  if (!root.IsMap()) throw UserError(SourceLocation{file, 1, ""}, "expected a YAML mapping");
  AcceleratorClass c;
  c.name = path.stem().string();
  bool dram_given = false;
  std::vector<std::string> missing = {"total_pes", "noc_gbps", "global_buffer_bytes"};
  for (const auto& kv : root) {
    const std::string key = y::as_string(kv.first, file, "key");
    std::erase(missing, key);
    if (key == "name")
      c.name = y::as_string(kv.second, file, key);
    else if (key == "total_pes")
      c.total_pes = y::as_int(kv.second, file, key, IntRule::positive());
    else if (key == "noc_gbps")
      c.noc_gbps = y::as_double(kv.second, file, key, NumberRule::positive());
    else if (key == "global_buffer_bytes")
      c.global_buffer_bytes = y::as_int(kv.second, file, key, IntRule::positive());
    else if (key == "dram_gbps") {
      c.dram_gbps = y::as_double(kv.second, file, key, NumberRule::positive());
      dram_given = true;
    } else
      y::unknown_key(kv.first, file, key,
                     {"name", "total_pes", "noc_gbps", "global_buffer_bytes", "dram_gbps"});
  }
  if (!missing.empty())
    throw UserError(SourceLocation{file, 0, ""},
                    fmt::format("no '{}': a class file needs total_pes, noc_gbps and "
                                "global_buffer_bytes",
                                missing.front()));
  if (!dram_given) c.dram_gbps = c.noc_gbps;
  return c;
}

std::string_view style_kind_name(StyleKind k) {
  switch (k) {
    case StyleKind::FDA:
      return "fda";
    case StyleKind::SMFDA:
      return "sm-fda";
    case StyleKind::RDA:
      return "rda";
    case StyleKind::HDA:
      return "hda";
  }
  return "?";
}

int AcceleratorStyle::num_cores() const {
  return kind == StyleKind::RDA || kind == StyleKind::FDA ? 1 : static_cast<int>(dataflows.size());
}

std::string AcceleratorStyle::label() const {
  switch (kind) {
    case StyleKind::FDA:
      return "FDA " + pretty(dataflows.at(0));
    case StyleKind::SMFDA:
      return fmt::format("SM-FDA {} x{}", pretty(dataflows.at(0)), dataflows.size());
    case StyleKind::RDA:
      return "RDA";
    case StyleKind::HDA: {
      std::string s = "HDA ";
      for (std::size_t i = 0; i < dataflows.size(); ++i) s += (i ? "+" : "") + pretty(dataflows[i]);
      return s;
    }
  }
  return "";
}

AcceleratorStyle parse_style(const std::string& text) {
  const std::string t = ascii_lower(trim_blanks(text));
  AcceleratorStyle s;
  auto fail = [&](const std::string& msg) -> void {
    throw UserError(SourceLocation{"", 0, "style"}, fmt::format("'{}': {}", text, msg));
  };
  if (t.rfind("fda:", 0) == 0) {
    s.kind = StyleKind::FDA;
    s.dataflows = {dataflow_name(t.substr(4))};
  } else if (t.rfind("smfda:", 0) == 0 || t.rfind("sm-fda:", 0) == 0) {
    s.kind = StyleKind::SMFDA;
    auto parts = split(t.substr(t.find(':') + 1), ':');
    int n = 2;
    if (parts.size() == 2) {
      try {
        n = std::stoi(parts[1]);
      } catch (const std::exception&) {
        fail("the core count must be a number");
      }
    }
    if (parts.empty() || parts.size() > 2 || n < 2 || n > 16)
      fail("expected smfda:DATAFLOW[:N] with 2 <= N <= 16");
    s.dataflows.assign(static_cast<std::size_t>(n), dataflow_name(parts[0]));
  } else if (t == "rda" || t.rfind("rda:", 0) == 0) {
    s.kind = StyleKind::RDA;
    if (t == "rda") {
      s.dataflows = {"kcp_ws", "shi_os", "rs"};
    } else {
      for (const auto& p : split(t.substr(4), ',')) s.dataflows.push_back(dataflow_name(p));
    }
  } else {
    s.kind = StyleKind::HDA;
    for (const auto& p : split(t, ',')) s.dataflows.push_back(dataflow_name(p));
    if (s.dataflows.size() == 1) s.kind = StyleKind::FDA;
  }
  if (s.dataflows.empty()) fail("no dataflow given");
  if (s.kind == StyleKind::HDA && s.dataflows.size() > 8) fail("at most 8 cores");
  return s;
}

std::vector<AcceleratorStyle> table3_styles() {
  return {
      parse_style("fda:nvdla"),     parse_style("fda:shi"),          parse_style("fda:eyeriss"),
      parse_style("smfda:nvdla"),   parse_style("smfda:shi"),        parse_style("smfda:eyeriss"),
      parse_style("rda"),           parse_style("nvdla,shi"),        parse_style("shi,eyeriss"),
      parse_style("eyeriss,nvdla"), parse_style("nvdla,shi,eyeriss")};
}

Partition even_partition(const AcceleratorClass& cls, const AcceleratorStyle& style) {
  const int n = style.num_cores();
  Partition p;
  std::int64_t left = cls.total_pes;
  for (int i = 0; i < n; ++i) {
    const std::int64_t share = i + 1 == n ? left : cls.total_pes / n;
    p.pes.push_back(share);
    left -= share;
    p.bw_gbps.push_back(cls.noc_gbps / n);
  }
  return p;
}

Accelerator build_accelerator(const AcceleratorClass& cls, const AcceleratorStyle& style,
                              const Partition& partition_in, const ExecutionParams& params) {
  Partition part = partition_in;
  const int n = style.num_cores();
  if (part.pes.empty()) part = even_partition(cls, style);
  auto fail = [](const std::string& msg) -> void {
    throw UserError(SourceLocation{"", 0, "partition"}, msg);
  };
  if (static_cast<int>(part.pes.size()) != n || static_cast<int>(part.bw_gbps.size()) != n)
    fail(fmt::format("{} has {} cores but the partition gives {} PE and {} bandwidth shares",
                     style.label(), n, part.pes.size(), part.bw_gbps.size()));
  const std::int64_t pe_sum = std::accumulate(part.pes.begin(), part.pes.end(), std::int64_t{0});
  const double bw_sum = std::accumulate(part.bw_gbps.begin(), part.bw_gbps.end(), 0.0);
  if (pe_sum != cls.total_pes)
    fail(fmt::format("the PE shares add up to {}, not to the {} PEs of the class", pe_sum,
                     cls.total_pes));
  if (std::fabs(bw_sum - cls.noc_gbps) > 1e-9 * cls.noc_gbps)
    fail(fmt::format("the bandwidth shares add up to {} GB/s, not to the {} GB/s of the class",
                     bw_sum, cls.noc_gbps));
  const double per_cycle = 1.0 / (params.clock_ghz * params.bytes_per_element);
  Accelerator a;
  a.style = style;
  a.name = style.label();
  a.global_buffer_bytes = cls.global_buffer_bytes;
  a.dram_bw = cls.dram_gbps * per_cycle;
  a.params = params;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (part.pes[k] <= 0 || part.bw_gbps[k] <= 0)
      fail(fmt::format("core {} gets no PEs or no bandwidth", i));
    Core c;
    c.name = fmt::format("core{}", i);
    c.dataflow = style.dataflows[k];
    c.num_pes = part.pes[k];
    c.vector_width = params.vector_width;
    c.l1_bytes = params.l1_bytes_per_pe;
    c.l2_bytes = cls.global_buffer_bytes;
    const double bw = part.bw_gbps[k] * per_cycle;
    // The directive model counts whole elements per cycle; below one element per cycle the NoC
    // is modelled at one (shares are at least 1/granularity of the class bandwidth).
    c.noc_bw = elements_per_cycle(bw, "noc_gbps");
    c.noc_hops = 1;
    c.noc_hop_latency = params.noc_latency_cycles;
    // DRAM bandwidth is shared in proportion to the NoC shares (hard-partitioned wires).
    c.offchip_bw = elements_per_cycle(a.dram_bw * part.bw_gbps[k] / cls.noc_gbps, "dram_gbps");
    c.precision_bits = 8 * params.bytes_per_element;
    auto share_or = [&](const std::vector<double>& v, double fallback) {
      return k < v.size() && v[k] > 0 ? v[k] : fallback;
    };
    c.subacc_buffer_bytes_per_pe =
        share_or(part.buffer_bytes_per_pe, params.subacc_buffer_bytes_per_pe);
    c.local_elements_per_pe_cycle =
        share_or(part.local_bw_per_pe, params.local_elements_per_pe_cycle);
    if (k < part.loop_nest.size()) c.loop_nest = part.loop_nest[k];
    if (k < part.loop_nest_mappings.size()) c.loop_nest_mappings = part.loop_nest_mappings[k];
    a.cores.push_back(c);
    a.links.push_back(Link{
        fmt::format("noc{}", i), {kGlobalBufferEnd, i}, part.bw_gbps[k] / params.clock_ghz, 0.0});
  }
  return a;
}

Accelerator loop_nest_accelerator(LoopNestHardware hw) {
  Accelerator a;
  a.name = hw.name;
  a.style.kind = StyleKind::FDA;
  a.cores.push_back(loop_nest_core(std::move(hw)));
  a.style.dataflows = {a.cores[0].dataflow};
  return a;
}

Accelerator read_accelerator(const std::filesystem::path& path) {
  const AcceleratorSpec spec = read_accelerator_spec(path);
  Accelerator out = build_accelerator(spec.cls, spec.style, spec.partition, spec.params);
  out.name = spec.name;
  return out;
}

namespace {

struct CoreEntry {
  std::string dataflow;
  std::int64_t pes = 0;
  double bw = 0, buffer = 0, local = 0;
  std::optional<LoopNestHardware> loop_nest;
  std::optional<dataflow::LoopNestMappingSet> mappings;
};

// A file named in the accelerator file: relative to that file's directory.
std::string beside(const std::string& file, const std::string& name) {
  const std::filesystem::path p(name);
  return p.is_absolute() ? name : (std::filesystem::path(file).parent_path() / p).string();
}

// A core's loop-nest view: `hw` (ZigZag hardware) and `mapping` (ZigZag mapping). The array's
// units are the core's PEs; a `pes` that says otherwise is an error.
void read_loop_nest_view(const YAML::Node& c, const std::string& file, CoreEntry& e) {
  namespace y = workload::yaml;
  for (const auto& kv : c) {
    const std::string key = y::as_string(kv.first, file, "key");
    if (key != "hw" && key != "mapping") continue;
    const std::string path = beside(file, y::as_string(kv.second, file, key));
    try {
      if (key == "hw")
        e.loop_nest = read_zigzag_hardware(path);
      else
        e.mappings = dataflow::read_zigzag_mapping(path);
    } catch (const UserError& err) {  // name the accelerator file's line too
      throw UserError(SourceLocation{file, y::line_of(kv.first), key}, err.what());
    }
  }
  if (e.mappings && !e.loop_nest)
    throw UserError(SourceLocation{file, y::line_of(c), "mapping"},
                    "a core's mapping needs its hw (the ZigZag hardware file it maps onto)");
  if (!e.loop_nest) return;
  const std::int64_t units = total_units(e.loop_nest->array);
  if (e.pes == 0) e.pes = units;
  if (e.pes != units)
    throw UserError(SourceLocation{file, y::line_of(c), "pes"},
                    fmt::format("the core gives {} PEs but its hw's operational array has {} units",
                                e.pes, units));
}

CoreEntry read_core_entry(const YAML::Node& c, const std::string& file) {
  namespace y = workload::yaml;
  if (!c.IsMap()) y::fail(c, file, "cores", "expected a mapping (dataflow, pes, noc_gbps, ...)");
  CoreEntry e;
  for (const auto& kv : c) {
    const std::string key = y::as_string(kv.first, file, "key");
    if (key == "dataflow") {
      try {
        e.dataflow = dataflow_name(y::as_string(kv.second, file, key));
      } catch (const UserError& err) {  // name the file's line and key
        throw UserError(SourceLocation{file, y::line_of(kv.first), key}, err.message());
      }
    } else if (key == "pes")
      e.pes = y::as_int(kv.second, file, key, IntRule::positive());
    else if (key == "noc_gbps")
      e.bw = y::as_double(kv.second, file, key, NumberRule::positive());
    else if (key == "buffer_bytes_per_pe")
      e.buffer = y::as_double(kv.second, file, key, NumberRule::positive());
    else if (key == "local_bw_per_pe")
      e.local = y::as_double(kv.second, file, key, NumberRule::positive());
    else if (key == "name" || key == "hw" || key == "mapping")
      y::as_string(kv.second, file, key);
    else
      y::unknown_key(kv.first, file, key,
                     {"name", "dataflow", "pes", "noc_gbps", "buffer_bytes_per_pe",
                      "local_bw_per_pe", "hw", "mapping"});
  }
  read_loop_nest_view(c, file, e);
  if (e.dataflow.empty() || e.pes <= 0 || e.bw <= 0)
    throw UserError(SourceLocation{file, y::line_of(c), "cores"},
                    "every core needs dataflow, pes > 0 and noc_gbps > 0");
  return e;
}

}  // namespace

AcceleratorSpec read_accelerator_spec(const std::filesystem::path& path) {
  namespace y = workload::yaml;
  const std::string file = path.string();
  const YAML::Node root = y::load_strict_file(file, "the accelerator file");
  if (!root.IsMap()) throw UserError(SourceLocation{file, 1, ""}, "expected a YAML mapping");
  Accelerator a;
  a.name = path.stem().string();
  double dram_gbps = 0;
  AcceleratorClass cls;
  cls.name = a.name;
  std::vector<YAML::Node> cores;
  for (const auto& kv : root) {
    const std::string key = y::as_string(kv.first, file, "key");
    if (key == "name")
      a.name = y::as_string(kv.second, file, key);
    else if (key == "global_buffer_bytes")
      cls.global_buffer_bytes = y::as_int(kv.second, file, key, IntRule::positive());
    else if (key == "dram_gbps")
      dram_gbps = y::as_double(kv.second, file, key, NumberRule::positive());
    else if (key == "clock_ghz")
      a.params.clock_ghz = y::as_double(kv.second, file, key, NumberRule::positive());
    else if (key == "bytes_per_element")
      a.params.bytes_per_element =
          static_cast<int>(y::as_int(kv.second, file, key, IntRule::between(1, 1024)));
    else if (key == "cores") {
      if (!kv.second.IsSequence()) y::fail(kv.first, file, key, "expected a list of cores");
      for (const auto& c : kv.second) cores.push_back(c);
    } else
      y::unknown_key(
          kv.first, file, key,
          {"name", "global_buffer_bytes", "dram_gbps", "clock_ghz", "bytes_per_element", "cores"});
  }
  if (cores.empty()) throw UserError(SourceLocation{file, 0, "cores"}, "no cores");
  AcceleratorStyle style;
  Partition part;
  for (const auto& c : cores) {
    const CoreEntry e = read_core_entry(c, file);
    style.dataflows.push_back(e.dataflow);
    part.pes.push_back(e.pes);
    part.bw_gbps.push_back(e.bw);
    part.buffer_bytes_per_pe.push_back(e.buffer);
    part.local_bw_per_pe.push_back(e.local);
    part.loop_nest.push_back(e.loop_nest);
    part.loop_nest_mappings.push_back(e.mappings);
  }
  style.kind = style.dataflows.size() == 1 ? StyleKind::FDA : StyleKind::HDA;
  cls.total_pes = 0;
  for (std::int64_t p : part.pes) cls.total_pes = checked_add(cls.total_pes, p, "total_pes");
  cls.noc_gbps = std::accumulate(part.bw_gbps.begin(), part.bw_gbps.end(), 0.0);
  checked_finite(cls.noc_gbps, "the sum of the cores' noc_gbps");
  cls.dram_gbps = dram_gbps > 0 ? dram_gbps : cls.noc_gbps;
  if (cls.global_buffer_bytes <= 0)
    throw UserError(SourceLocation{file, 0, "global_buffer_bytes"}, "must be given and positive");
  cls.name = a.name;
  return AcceleratorSpec{a.name, cls, style, part, a.params};
}

}  // namespace mosaic::arch
