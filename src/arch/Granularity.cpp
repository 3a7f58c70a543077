#include "arch/Granularity.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/Error.h"
#include "common/Suggest.h"
#include "common/Validate.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::arch {

namespace {

struct Row {
  const char* name;
  int pp, icp, ocp;
  double lut_high, reg_high, dsp_high, lut_low, reg_low, dsp_low, bram;
};

// PG338 v1.2 Table 9 (BRAM is the same at both DSP usages).
constexpr Row kRows[] = {
    {"B512", 4, 8, 8, 20177, 31782, 98, 20759, 33572, 66, 69.5},
    {"B800", 4, 10, 10, 20617, 35065, 142, 21050, 33752, 102, 87},
    {"B1024", 8, 8, 8, 27377, 46241, 194, 29155, 49823, 130, 101.5},
    {"B1152", 4, 12, 12, 28698, 46906, 194, 30043, 49588, 146, 117.5},
    {"B1600", 8, 10, 10, 30877, 56267, 282, 33130, 60739, 202, 123},
    {"B2304", 8, 12, 12, 34379, 67481, 386, 37055, 72850, 290, 161.5},
    {"B3136", 8, 14, 14, 38555, 79867, 506, 41714, 86132, 394, 203.5},
    {"B4096", 8, 16, 16, 40865, 92630, 642, 44583, 99791, 514, 249.5},
};

DpuCore from_row(const Row& r, DspUsage u) {
  DpuCore c;
  c.name = r.name;
  c.pp = r.pp;
  c.icp = r.icp;
  c.ocp = r.ocp;
  const bool high = u == DspUsage::High;
  c.lut = high ? r.lut_high : r.lut_low;
  c.registers = high ? r.reg_high : r.reg_low;
  c.dsp = high ? r.dsp_high : r.dsp_low;
  c.bram36k = r.bram;
  return c;
}

// Least-squares line y = a + b x over the table, x = PP x ICP x OCP.
double fit(double x, DspUsage u, double (*get)(const DpuCore&)) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = std::size(kRows);
  for (const auto& r : kRows) {
    const DpuCore c = from_row(r, u);
    const double xi = static_cast<double>(c.macs_per_cycle());
    const double yi = get(c);
    sx += xi;
    sy += yi;
    sxx += xi * xi;
    sxy += xi * yi;
  }
  const double b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const double a = (sy - b * sx) / n;
  return std::max(1.0, a + b * x);
}

std::string table_names() {
  std::string s;
  for (const auto& r : kRows) s += (s.empty() ? "" : ", ") + std::string(r.name);
  return s;
}

std::string upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

}  // namespace

std::vector<DpuCore> dpu_table(DspUsage usage) {
  std::vector<DpuCore> v;
  for (const auto& r : kRows) v.push_back(from_row(r, usage));
  return v;
}

DpuCore parse_granularity(const std::string& text, DspUsage usage) {
  const std::string t = upper(text);
  for (const auto& r : kRows)
    if (t == r.name) return from_row(r, usage);
  int pp = 0, icp = 0, ocp = 0;
  char x1 = 0, x2 = 0, extra = 0;
  if (std::sscanf(t.c_str(), "%d%c%d%c%d%c", &pp, &x1, &icp, &x2, &ocp, &extra) == 5 && x1 == 'X' &&
      x2 == 'X' && pp > 0 && icp > 0 && ocp > 0 && pp <= 64 && icp <= 256 && ocp <= 256) {
    DpuCore c;
    c.pp = pp;
    c.icp = icp;
    c.ocp = ocp;
    c.name = fmt::format("B{}", c.ops_per_cycle());
    for (const auto& r : kRows)
      if (r.pp == pp && r.icp == icp && r.ocp == ocp) return from_row(r, usage);
    const double x = static_cast<double>(c.macs_per_cycle());
    c.lut = fit(x, usage, [](const DpuCore& d) { return d.lut; });
    c.registers = fit(x, usage, [](const DpuCore& d) { return d.registers; });
    c.dsp = fit(x, usage, [](const DpuCore& d) { return d.dsp; });
    c.bram36k = fit(x, usage, [](const DpuCore& d) { return d.bram36k; });
    c.published = false;
    c.name += fmt::format("({}x{}x{})", pp, icp, ocp);
    return c;
  }
  throw UserError(SourceLocation{"", 0, "granularity"},
                  fmt::format("unknown granularity '{}'; expected one of {} or a shape PPxICPxOCP "
                              "(e.g. 8x12x16)",
                              text, table_names()));
}

std::vector<DpuCore> parse_granularities(const std::string& list, DspUsage usage) {
  if (list.empty()) return dpu_table(usage);
  std::vector<DpuCore> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const std::size_t comma = std::min(list.find(',', pos), list.size());
    const std::string item = list.substr(pos, comma - pos);
    if (!item.empty()) {
      DpuCore c = parse_granularity(item, usage);
      if (std::none_of(out.begin(), out.end(), [&](const DpuCore& d) { return d.name == c.name; }))
        out.push_back(std::move(c));
    }
    pos = comma + 1;
  }
  if (out.empty())
    throw UserError(SourceLocation{"", 0, "granularities"}, "the list names no granularity");
  return out;
}

namespace {

Platform u200() {
  Platform p;
  p.name = "u200";
  p.lut = 870000;
  p.bram36k = 1602;
  p.uram = 800;
  p.dsp = 5847;
  p.clock_mhz = 300;
  p.dram_gbps = 77;
  p.shared_buffer_bytes = p.uram * 288.0 * 1024 / 8;
  p.source =
      "Alveo U200 (DS962): resources left to kernels by the XDMA shell as quoted by the issue "
      "(about 870k LUT, 1,602 BRAM36K, 800 URAM, 5,847 DSP); 4 x DDR4-2400 = 77 GB/s; the URAM "
      "holds the activations shared between layers (assumption); 300 MHz (PG338's typical DPU "
      "clock)";
  return p;
}

Platform u280() {
  Platform p;
  p.name = "u280";
  // Device totals (DS963) x the fractions the U200 shell leaves (870/1182 LUT, 1602/2160 BRAM,
  // 800/960 URAM, 5847/6840 DSP): an assumption, the U280 shell's report is not reproduced.
  p.lut = std::floor(1304000.0 * 870.0 / 1182.0);
  p.bram36k = std::floor(2016.0 * 1602.0 / 2160.0);
  p.uram = std::floor(960.0 * 800.0 / 960.0);
  p.dsp = std::floor(9024.0 * 5847.0 / 6840.0);
  p.clock_mhz = 300;
  p.dram_gbps = 460;
  p.shared_buffer_bytes = p.uram * 288.0 * 1024 / 8;
  p.source =
      "Alveo U280 (DS963): device totals 1,304k LUT, 2,016 BRAM36K, 960 URAM, 9,024 DSP scaled "
      "by the fractions the U200 shell leaves (assumption); HBM2 460 GB/s; URAM as the shared "
      "activation buffer (assumption); 300 MHz";
  return p;
}

Platform asic() {
  Platform p;
  p.name = "asic";
  p.fpga = false;
  p.asic_macs = 16384;
  p.asic_sram_bytes = 8.0 * 1024 * 1024;
  p.clock_mhz = 1000;
  p.dram_gbps = 256;
  p.shared_buffer_bytes = 16.0 * 1024 * 1024;
  p.source =
      "ASIC budget of Herald's cloud class (Table IV: 16,384 PEs, 256 GB/s, 16 MiB global "
      "buffer) at 1 GHz; cores use their PG338 on-chip RAM in SRAM, at most 8 MiB in all "
      "(assumption)";
  return p;
}

}  // namespace

std::vector<std::string> platform_names() {
  return {"u200", "u280", "asic"};
}

Platform platform_by_name(const std::string& name) {
  if (name == "u200") return u200();
  if (name == "u280") return u280();
  if (name == "asic") return asic();
  throw UserError(SourceLocation{"", 0, "--platform"},
                  fmt::format("unknown platform '{}'{}; expected u200, u280, asic or a YAML file",
                              name, did_you_mean(name, {"u200", "u280", "asic"})));
}

Platform read_platform(const std::filesystem::path& path) {
  const std::string file = path.string();
  namespace y = workload::yaml;
  const YAML::Node root = y::load_strict_file(file, "the platform file");
  if (!root.IsMap()) throw UserError(SourceLocation{file, 1, ""}, "expected a mapping");
  Platform p;
  p.name = path.stem().string();
  p.source = "platform file " + file;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const int line = kv.first.Mark().line + 1;
    try {
      if (key == "name") {
        p.name = kv.second.as<std::string>();
        continue;
      }
      if (key == "fpga") {
        p.fpga = kv.second.as<bool>();
        continue;
      }
      const bool integral = key == "asic_macs";
      const NumberRule rule = key == "clock_mhz" || key == "dram_gbps" ? NumberRule::positive()
                              : integral ? NumberRule::between(0, 9.0e18).integral()
                                         : NumberRule::non_negative();
      static const std::vector<std::string> kKeys = {"name",
                                                     "fpga",
                                                     "lut",
                                                     "bram36k",
                                                     "uram",
                                                     "dsp",
                                                     "asic_macs",
                                                     "asic_sram_bytes",
                                                     "clock_mhz",
                                                     "dram_gbps",
                                                     "shared_buffer_bytes"};
      if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
        y::unknown_key(kv.first, file, key, kKeys);
      const double v = y::as_double(kv.second, file, key, rule);
      if (key == "lut")
        p.lut = v;
      else if (key == "bram36k")
        p.bram36k = v;
      else if (key == "uram")
        p.uram = v;
      else if (key == "dsp")
        p.dsp = v;
      else if (key == "asic_macs")
        p.asic_macs = static_cast<std::int64_t>(v);
      else if (key == "asic_sram_bytes")
        p.asic_sram_bytes = v;
      else if (key == "clock_mhz")
        p.clock_mhz = v;
      else if (key == "dram_gbps")
        p.dram_gbps = v;
      else if (key == "shared_buffer_bytes")
        p.shared_buffer_bytes = v;
      else
        throw UserError(SourceLocation{file, line, key},
                        "unknown key; expected name, fpga, lut, bram36k, uram, dsp, asic_macs, "
                        "asic_sram_bytes, clock_mhz, dram_gbps, shared_buffer_bytes");
    } catch (const YAML::Exception&) {
      throw UserError(SourceLocation{file, line, key}, "expected a number");
    }
  }
  if (!(p.clock_mhz > 0)) throw UserError(SourceLocation{file, 0, "clock_mhz"}, "must be positive");
  if (!(p.dram_gbps > 0)) throw UserError(SourceLocation{file, 0, "dram_gbps"}, "must be positive");
  return p;
}

std::int64_t cores_that_fit(const Platform& p, const DpuCore& c, double fraction) {
  double n = std::numeric_limits<double>::infinity();
  auto limit = [&](double budget, double use) {
    if (use > 0) n = std::min(n, std::floor(fraction * budget / use + 1e-9));
  };
  if (p.fpga) {
    limit(p.lut, c.lut);
    limit(p.bram36k, c.bram36k);
    limit(p.dsp, c.dsp);
  } else {
    limit(static_cast<double>(p.asic_macs), static_cast<double>(c.macs_per_cycle()));
    limit(p.asic_sram_bytes, c.ram_bytes());
  }
  if (!std::isfinite(n) || n < 0) return 0;
  return static_cast<std::int64_t>(n);
}

}  // namespace mosaic::arch
