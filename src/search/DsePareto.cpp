#include "search/DsePareto.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Pareto.h"

namespace mosaic::search {

std::string_view axis_name(ParetoAxis a) {
  switch (a) {
    case ParetoAxis::Latency:
      return "latency";
    case ParetoAxis::Energy:
      return "energy";
    case ParetoAxis::Area:
      return "area";
    case ParetoAxis::Power:
      return "power";
    case ParetoAxis::Edp:
      return "edp";
    case ParetoAxis::Buffer:
      return "buffer";
  }
  return "?";
}

std::vector<ParetoAxis> parse_pareto_axes(std::string_view text) {
  std::vector<ParetoAxis> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    bool found = false;
    for (auto a : {ParetoAxis::Latency, ParetoAxis::Energy, ParetoAxis::Area, ParetoAxis::Power,
                   ParetoAxis::Edp, ParetoAxis::Buffer}) {
      if (item == axis_name(a) || (a == ParetoAxis::Latency && item == "throughput")) {
        if (std::find(out.begin(), out.end(), a) != out.end())
          throw UserError(SourceLocation{"", 0, "pareto_axes"},
                          fmt::format("axis '{}' is given twice", item));
        out.push_back(a);
        found = true;
      }
    }
    if (!found)
      throw UserError(SourceLocation{"", 0, "pareto_axes"},
                      fmt::format("unknown axis '{}'; choose from latency (or throughput), "
                                  "energy, area, power, edp, buffer",
                                  item));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.size() < 2 || out.size() > 4)
    throw UserError(SourceLocation{"", 0, "pareto_axes"},
                    "give 2 to 4 axes, e.g. latency,energy,area");
  return out;
}

double axis_value(ParetoAxis a, const DesignRecord& d) {
  switch (a) {
    case ParetoAxis::Latency:
      return d.metrics.latency_cycles;
    case ParetoAxis::Energy:
      return d.metrics.energy_pj;
    case ParetoAxis::Area:
      return d.metrics.area_um2;
    case ParetoAxis::Power:
      return d.metrics.power_mw;
    case ParetoAxis::Edp:
      return edp_pj_cycles(d.metrics);
    case ParetoAxis::Buffer:
      return static_cast<double>(buffer_bytes(d.point));
  }
  return 0;
}

bool better(Objective o, const DesignRecord& a, const DesignRecord& b, double clock_ghz) {
  const auto& x = a.metrics;
  const auto& y = b.metrics;
  switch (o) {
    case Objective::Throughput:
      return std::tie(x.latency_cycles, x.energy_pj, x.area_um2, x.power_mw) <
             std::tie(y.latency_cycles, y.energy_pj, y.area_um2, y.power_mw);
    case Objective::Energy:
      return std::tie(x.energy_pj, x.latency_cycles, x.area_um2, x.power_mw) <
             std::tie(y.energy_pj, y.latency_cycles, y.area_um2, y.power_mw);
    case Objective::ThroughputPerWatt: {
      const double px = -throughput_per_watt(x, clock_ghz);
      const double py = -throughput_per_watt(y, clock_ghz);
      return std::tie(px, x.latency_cycles, x.energy_pj, x.area_um2) <
             std::tie(py, y.latency_cycles, y.energy_pj, y.area_um2);
    }
    case Objective::Edp: {
      const double ex = edp_pj_cycles(x);
      const double ey = edp_pj_cycles(y);
      return std::tie(ex, x.latency_cycles, x.area_um2) <
             std::tie(ey, y.latency_cycles, y.area_um2);
    }
  }
  return false;
}

std::vector<DesignRecord> pareto_front(const std::vector<DesignRecord>& designs,
                                       const std::vector<ParetoAxis>& axes) {
  const std::size_t k = axes.size();
  MOSAIC_CHECK(k >= 2 && k <= 4, "pareto_front: 2 to 4 axes");
  std::vector<double> v(designs.size() * k);
  for (std::size_t i = 0; i < designs.size(); ++i)
    for (std::size_t a = 0; a < k; ++a) v[i * k + a] = axis_value(axes[a], designs[i]);
  std::vector<DesignRecord> out;
  for (std::size_t i : pareto_indices(v, k, ParetoTies::KeepFirst)) out.push_back(designs[i]);
  return out;
}

DseCollector::DseCollector(double clock_ghz, std::vector<ParetoAxis> axes)
    : clock_ghz_(clock_ghz), axes_(std::move(axes)) {}

void DseCollector::add(const ChunkResult& chunk) {
  std::vector<DesignRecord> valid;
  for (const auto& d : chunk.designs) {
    if (!d.valid) continue;
    ++valid_;
    valid.push_back(d);
    for (auto o : kAllObjectives) {
      auto& b = best_[static_cast<std::size_t>(o)];
      if (!b || better(o, d, *b, clock_ghz_)) b = d;
    }
  }
  if (valid.empty()) return;
  // The front so far comes first, so among equal points the earlier design stays.
  std::vector<DesignRecord> all = std::move(front_);
  const auto chunk_front = pareto_front(valid, axes_);
  all.insert(all.end(), chunk_front.begin(), chunk_front.end());
  front_ = pareto_front(all, axes_);
}

std::vector<DesignRecord> DseCollector::pareto() const {
  return front_;
}

}  // namespace mosaic::search
