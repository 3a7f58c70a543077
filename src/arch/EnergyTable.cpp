#include "arch/EnergyTable.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/Error.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::arch {

const EnergyTable& interstellar_28nm() {
  static const EnergyTable t = [] {
    EnergyTable e;
    e.name = "interstellar_28nm";
    e.source = "Yang et al., Interstellar, ASPLOS 2020, Table IV (28 nm, 16-bit access)";
    e.word_bits = 16;
    e.register_file = {{16, 0.03}, {32, 0.06}, {64, 0.12}, {128, 0.24}, {256, 0.48}, {512, 0.96}};
    e.sram = {{32768, 6}, {65536, 9}, {131072, 13.5}, {262144, 20.25}, {524288, 30.375}};
    e.sram_growth_per_doubling = 1.5;
    e.dram_pj = 200;
    e.mac_pj = 0.075;
    e.hop_pj = 0.035;
    return e;
  }();
  return t;
}

MemoryKind kind_for_size(double size_bytes) {
  if (size_bytes <= 4096) return MemoryKind::RegisterFile;
  if (size_bytes >= 64.0 * 1024 * 1024) return MemoryKind::Dram;
  return MemoryKind::Sram;
}

namespace {

// Log-log interpolation through the anchors (ascending sizes).
double interpolate(const std::vector<std::pair<double, double>>& pts, double size) {
  if (pts.size() == 1) return pts[0].second * size / pts[0].first;
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    const auto [s0, e0] = pts[i];
    const auto [s1, e1] = pts[i + 1];
    if (size <= s1 || i + 2 == pts.size()) {
      const double t = (std::log(size) - std::log(s0)) / (std::log(s1) - std::log(s0));
      return std::exp(std::log(e0) + t * (std::log(e1) - std::log(e0)));
    }
  }
  return pts.back().second;
}

}  // namespace

double access_energy_pj(const EnergyTable& t, MemoryKind kind, double size_bytes, int word_bits) {
  const double width = static_cast<double>(word_bits) / t.word_bits;
  if (kind == MemoryKind::Dram) return t.dram_pj * width;
  // One ordered list of anchors: registers, then SRAM.
  std::vector<std::pair<double, double>> pts = t.register_file;
  pts.insert(pts.end(), t.sram.begin(), t.sram.end());
  std::sort(pts.begin(), pts.end());
  if (pts.empty()) throw UserError(fmt::format("energy table '{}' has no anchors", t.name));
  double e;
  if (size_bytes <= pts.front().first) {
    e = pts.front().second * size_bytes / pts.front().first;  // linear to zero
  } else if (size_bytes >= pts.back().first) {
    e = pts.back().second *
        std::pow(t.sram_growth_per_doubling, std::log2(size_bytes / pts.back().first));
  } else {
    e = interpolate(pts, size_bytes);
  }
  return e * width;
}

namespace {

EnergyTable table_from_node(const YAML::Node& root, const std::string& path) {
  namespace y = workload::yaml;
  if (!root.IsMap()) y::fail(root, path, "", "an energy table is a mapping");
  static const std::vector<std::string> kKeys = {
      "name", "word_bits", "register_file", "sram", "sram_growth_per_doubling", "dram",
      "mac",  "hop"};
  for (const auto& kv : root) {
    const std::string key = y::as_string(kv.first, path, "key");
    if (key == "mac_pj" || key == "l1_pj" || key == "l2_pj" || key == "l1_relative" ||
        key == "clock_ghz")  // the other format (docs/cli.md: two technology formats)
      y::fail(kv.first, path, key,
              "this is a technology file (per-element energies, area, power: the --technology "
              "of dse, eval, h3m); memsize's --energy-table wants a size-dependent table "
              "(register_file, sram, dram, mac, hop)");
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      y::unknown_key(kv.first, path, key, kKeys);
  }
  EnergyTable t;
  t.name = y::has(root, "name") ? y::as_string(y::find(root, "name"), path, "name") : "custom";
  t.source = path;
  if (y::has(root, "word_bits"))
    t.word_bits = static_cast<int>(
        y::as_int(y::find(root, "word_bits"), path, "word_bits", IntRule::between(1, 4096)));
  if (t.word_bits <= 0) y::fail(root, path, "word_bits", "must be positive");
  auto pairs = [&](const char* key) {
    std::vector<std::pair<double, double>> out;
    if (!y::has(root, key)) return out;
    const YAML::Node n = y::find(root, key);
    if (!n.IsSequence()) y::fail(n, path, key, "expected [[bytes, pJ], ...]");
    for (const auto& p : n) {
      if (!p.IsSequence() || p.size() != 2) y::fail(p, path, key, "each anchor is [bytes, pJ]");
      const double b = y::as_double(p[0], path, key, NumberRule::positive());
      const double e = y::as_double(p[1], path, key, NumberRule::positive());
      if (b <= 0 || e <= 0) y::fail(p, path, key, "sizes and energies must be positive");
      out.emplace_back(b, e);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  t.register_file = pairs("register_file");
  t.sram = pairs("sram");
  if (t.register_file.empty() && t.sram.empty())
    y::fail(root, path, "", "needs register_file and/or sram anchors");
  if (y::has(root, "sram_growth_per_doubling"))
    t.sram_growth_per_doubling = y::as_double(y::find(root, "sram_growth_per_doubling"), path,
                                              "sram_growth_per_doubling", NumberRule::positive());
  const NumberRule energy = NumberRule::non_negative();
  if (y::has(root, "dram")) t.dram_pj = y::as_double(y::find(root, "dram"), path, "dram", energy);
  if (y::has(root, "mac")) t.mac_pj = y::as_double(y::find(root, "mac"), path, "mac", energy);
  if (y::has(root, "hop")) t.hop_pj = y::as_double(y::find(root, "hop"), path, "hop", energy);
  return t;
}

}  // namespace

EnergyTable parse_energy_table(const std::string& text, const std::string& path) {
  return table_from_node(
      workload::yaml::load_text(text, path, workload::yaml::DuplicateKeys::Error), path);
}

EnergyTable read_energy_table(const std::string& path) {
  return table_from_node(workload::yaml::load_strict_file(path, "the technology file"), path);
}

void apply_energy_table(LoopNestHardware& hw, const EnergyTable& t) {
  for (auto& m : hw.memories) {
    if (!m.auto_cost) continue;
    std::int64_t width = 0;
    for (const auto& p : m.ports) width = std::max(width, p.bw_min_bits);
    if (width == 0) width = t.word_bits;
    const double bytes = static_cast<double>(m.size_bits) / 8;
    const double e = access_energy_pj(t, kind_for_size(bytes), bytes, static_cast<int>(width));
    m.read_pj = e;
    m.write_pj = e;
  }
}

}  // namespace mosaic::arch
