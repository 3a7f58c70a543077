#include "search/DseSpec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Validate.h"
#include "search/SweepBudget.h"

namespace mosaic::search {

namespace {

constexpr std::int64_t kMaxSweepValues = 10'000'000;

[[noreturn]] void bad_dse_flag(std::string_view flag, const std::string& msg) {
  throw UserError(SourceLocation{"", 0, std::string(flag)}, msg);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::int64_t parse_value(std::string_view text, std::string_view flag, bool sizes) {
  const std::string_view t = trim(text);
  if (t.empty()) bad_dse_flag(flag, "empty value in the sweep");
  // Sizes: the one size syntax (common/Validate.h parse_bytes: 16K, 2MiB, 1.5KB, 512B).
  if (sizes)
    return parse_bytes(t, IntRule::between(1, std::int64_t{1} << 50),
                       SourceLocation{"", 0, std::string(flag)});
  const std::int64_t mult = 1;
  const std::string_view digits = t;
  std::int64_t v = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      bad_dse_flag(flag, fmt::format("'{}' is not a positive integer{}", t,
                                     sizes ? " (sizes may end in K, M or G)" : ""));
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v))
      bad_dse_flag(flag, fmt::format("'{}' is too large", t));
  }
  if (__builtin_mul_overflow(v, mult, &v)) bad_dse_flag(flag, fmt::format("'{}' is too large", t));
  if (v <= 0) bad_dse_flag(flag, fmt::format("'{}' must be positive", t));
  if (v > (std::int64_t{1} << 50)) bad_dse_flag(flag, fmt::format("'{}' is too large", t));
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

}  // namespace

SweepRange parse_sweep(std::string_view text, std::string_view flag, bool sizes) {
  SweepRange r;
  r.text = std::string(trim(text));
  if (r.text.empty()) bad_dse_flag(flag, "empty sweep; give V, A:B, A:B:STEP or A:B:xFACTOR");
  std::set<std::int64_t> values;
  for (std::string_view item : split(r.text, ',')) {
    const auto parts = split(trim(item), ':');
    if (parts.size() == 1) {
      values.insert(parse_value(parts[0], flag, sizes));
    } else if (parts.size() == 2 || parts.size() == 3) {
      const std::int64_t a = parse_value(parts[0], flag, sizes);
      const std::int64_t b = parse_value(parts[1], flag, sizes);
      if (b < a) bad_dse_flag(flag, fmt::format("'{}': the end is below the start", trim(item)));
      bool geometric = false;
      std::int64_t step = 1;
      if (parts.size() == 3) {
        std::string_view s = trim(parts[2]);
        if (!s.empty() && (s.front() == 'x' || s.front() == 'X' || s.front() == '*')) {
          geometric = true;
          s.remove_prefix(1);
        }
        step = parse_value(s, flag, sizes && !geometric);
        if (geometric && step < 2)
          bad_dse_flag(flag,
                       fmt::format("'{}': a geometric factor must be at least 2", trim(item)));
      }
      if (!geometric && (b - a) / step + 1 > kMaxSweepValues)
        bad_dse_flag(flag,
                     fmt::format("'{}' has more than {} values", trim(item), kMaxSweepValues));
      for (std::int64_t v = a; v <= b;) {
        values.insert(v);
        if (static_cast<std::int64_t>(values.size()) > kMaxSweepValues)
          bad_dse_flag(flag, fmt::format("more than {} values", kMaxSweepValues));
        std::int64_t next = 0;
        if (geometric ? __builtin_mul_overflow(v, step, &next)
                      : __builtin_add_overflow(v, step, &next))
          break;
        v = next;
      }
    } else {
      bad_dse_flag(flag, fmt::format("'{}': expected V, A:B, A:B:STEP or A:B:xFACTOR", trim(item)));
    }
  }
  r.values.assign(values.begin(), values.end());
  return r;
}

SweepRange single_value(std::int64_t v) {
  SweepRange r;
  r.values = {v};
  r.text = std::to_string(v);
  return r;
}

std::string MapSizeSweep::label() const {
  std::string s(dataflow::dim_name(dim));
  if (level != 0) s += "@" + std::to_string(level);
  return s;
}

MapSizeSweep parse_map_size_sweep(std::string_view text) {
  const std::string_view flag = "map_sizes";  // DseSpec::map_sizes
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos)
    bad_dse_flag(flag,
                 fmt::format("'{}': expected DIM=SWEEP or DIM@LEVEL=SWEEP, e.g. C=1:64", text));
  std::string_view lhs = trim(text.substr(0, eq));
  MapSizeSweep m;
  if (const std::size_t at = lhs.find('@'); at != std::string_view::npos) {
    const std::string_view lv = trim(lhs.substr(at + 1));
    if (lv.empty() || lv.size() > 1 || !std::isdigit(static_cast<unsigned char>(lv[0])))
      bad_dse_flag(flag, fmt::format("'{}': the cluster level must be a digit (0 = top)", text));
    m.level = lv[0] - '0';
    lhs = trim(lhs.substr(0, at));
  }
  const auto dim = dataflow::parse_dim(lhs);
  if (!dim)
    bad_dse_flag(flag, fmt::format("'{}' is not a dimension (N G K C R S Y X Y' X' M)", lhs));
  m.dim = *dim;
  m.values = parse_sweep(text.substr(eq + 1), flag);
  return m;
}

std::string_view objective_name(Objective o) {
  switch (o) {
    case Objective::Throughput:
      return "throughput";
    case Objective::Energy:
      return "energy";
    case Objective::ThroughputPerWatt:
      return "perf_per_watt";
    case Objective::Edp:
      return "edp";
  }
  return "?";
}

Objective parse_objective(std::string_view text) {
  std::string t(trim(text));
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "throughput" || t == "runtime" || t == "latency" || t == "performance")
    return Objective::Throughput;
  if (t == "energy") return Objective::Energy;
  if (t == "perf_per_watt" || t == "throughput_per_watt" || t == "perf/watt" ||
      t == "performance/watt")
    return Objective::ThroughputPerWatt;
  if (t == "edp" || t == "energy_delay" || t == "runtime-energy") return Objective::Edp;
  throw UserError(SourceLocation{"", 0, "objective"},
                  fmt::format("unknown objective '{}'; choose throughput, energy, "
                              "perf_per_watt or edp",
                              text));
}

void validate(const DseSpec& s) {
  auto nonempty = [](const SweepRange& r, std::string_view flag) {
    if (r.values.empty()) bad_dse_flag(flag, "the sweep has no value");
    for (auto v : r.values)
      if (v <= 0) bad_dse_flag(flag, "values must be positive");
  };
  nonempty(s.pes, "pes");
  nonempty(s.vector_width, "vector_width");
  nonempty(s.noc_bw, "noc_bw");
  if (s.l1_bytes) nonempty(*s.l1_bytes, "l1_bytes");
  if (s.l2_bytes) nonempty(*s.l2_bytes, "l2_bytes");
  if (s.pes.back() > (std::int64_t{1} << 30)) bad_dse_flag("pes", "more than 2^30 PEs");
  if (s.vector_width.back() > (std::int64_t{1} << 20))
    bad_dse_flag("vector_width", "more than 2^20 lanes");
  if (static_cast<int>(s.map_sizes.size()) > kMaxMapSweeps)
    bad_dse_flag("map_sizes", fmt::format("at most {} mapping sizes can be swept", kMaxMapSweeps));
  for (std::size_t i = 0; i < s.map_sizes.size(); ++i) {
    nonempty(s.map_sizes[i].values, "map_sizes");
    for (std::size_t j = 0; j < i; ++j)
      if (s.map_sizes[j].dim == s.map_sizes[i].dim && s.map_sizes[j].level == s.map_sizes[i].level)
        bad_dse_flag("map_sizes", fmt::format("{} is swept twice", s.map_sizes[i].label()));
  }
  if (s.noc_latency < 0) bad_dse_flag("noc_latency", "must not be negative");
  if (s.offchip_bw <= 0) bad_dse_flag("offchip_bw", "must be positive");
  if (s.precision_bits <= 0 || s.precision_bits > 64)
    bad_dse_flag("precision_bits", "must be 1..64");
  if (!(s.area_budget_um2 > 0)) bad_dse_flag("area_budget", "the area budget must be positive");
  if (!(s.power_budget_mw > 0)) bad_dse_flag("power_budget", "the power budget must be positive");
  if (space_size(s) <= 0) bad_dse_flag("sweep", "the design space is empty");
  if (s.search_tiles && !s.map_sizes.empty())
    bad_dse_flag("search_tiles",
                 "the tile search chooses the mapping sizes; drop the mapping sweeps");
  if (s.search_tiles && s.maestro_compat)
    bad_dse_flag("search_tiles", "the MAESTRO-compat mode evaluates the mapping as written");
}

cost::CoreObjective parse_tile_objective(std::string_view text, std::string_view field) {
  if (text == "edp") return cost::CoreObjective::EDP;
  if (text == "latency") return cost::CoreObjective::Latency;
  if (text == "energy") return cost::CoreObjective::Energy;
  throw UserError(SourceLocation{"", 0, std::string(field)},
                  fmt::format("unknown objective '{}'; expected edp, latency or energy", text));
}

std::string_view tile_objective_name(cost::CoreObjective o) {
  switch (o) {
    case cost::CoreObjective::Latency:
      return "latency";
    case cost::CoreObjective::Energy:
      return "energy";
    case cost::CoreObjective::EDP:
      return "edp";
  }
  return "edp";
}

arch::Core design_core(const DseSpec& s, std::int64_t pes, std::int64_t vector_width,
                       std::int64_t noc_bw) {
  arch::Core core;
  core.num_pes = pes;
  core.vector_width = vector_width;
  core.noc_bw = noc_bw;
  core.noc_hops = 1;
  core.noc_hop_latency = s.noc_latency;
  core.offchip_bw = s.offchip_bw;
  core.precision_bits = s.precision_bits;
  return core;
}

std::int64_t space_size(const DseSpec& s) {
  std::int64_t n = std::max<std::int64_t>(1, static_cast<std::int64_t>(s.dataflows.size()));
  auto mul = [&](std::int64_t c) {
    if (__builtin_mul_overflow(n, c, &n) || n > (std::int64_t{1} << 62))
      throw UserError(SourceLocation{"", 0, "sweep"}, "the design space has more than 2^62 points");
  };
  mul(s.pes.count());
  mul(s.vector_width.count());
  for (const auto& m : s.map_sizes) mul(m.values.count());
  mul(s.noc_bw.count());
  if (s.l1_bytes) mul(s.l1_bytes->count());
  if (s.l2_bytes) mul(s.l2_bytes->count());
  return n;
}

double throughput_macs_per_cycle(const DesignMetrics& m) {
  return m.latency_cycles > 0 ? static_cast<double>(m.macs) / m.latency_cycles : 0.0;
}

double throughput_per_watt(const DesignMetrics& m, double clock_ghz) {
  if (m.power_mw <= 0) return 0;
  return throughput_macs_per_cycle(m) * clock_ghz / (m.power_mw / 1000.0);
}

double edp_pj_cycles(const DesignMetrics& m) {
  return m.energy_pj * m.latency_cycles;
}

std::int64_t buffer_bytes(const DseDesignPoint& p) {
  return p.pes * p.l1_bytes + p.l2_bytes;
}

SweepEstimate dse_estimate(const DseSpec& s, std::size_t layers, int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  SweepEstimate e;
  e.what = "design points";
  e.points = static_cast<double>(space_size(s));
  e.seconds = e.points * static_cast<double>(std::max<std::size_t>(layers, 1)) / (20e6 * threads);
  // A wave (4 chunks per thread, at least 16) of chunk results; a chunk holds every bandwidth,
  // buffer and last mapping size of one (dataflow, PEs, lanes).
  double per_chunk = static_cast<double>(s.noc_bw.count());
  if (s.l1_bytes) per_chunk *= static_cast<double>(s.l1_bytes->count());
  if (s.l2_bytes) per_chunk *= static_cast<double>(s.l2_bytes->count());
  if (!s.map_sizes.empty()) per_chunk *= static_cast<double>(s.map_sizes.back().values.count());
  e.bytes = std::max(16.0, 4.0 * threads) * per_chunk * sizeof(DesignRecord);
  e.suggestion =
      "sweep fewer values (--pes, --bw, --l1, --l2, mapping sizes) or coarser steps "
      "(A:B:xF)";
  return e;
}

}  // namespace mosaic::search
