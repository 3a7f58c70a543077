// Objectives and the Pareto set of a design-space exploration, collected chunk by chunk in
// design order (so the result does not depend on the thread count).
//
// Best design per objective, among valid designs, ties broken deterministically:
//   throughput     lowest latency, then lowest energy, area, power, then the first in design order
//   energy         lowest energy, then lowest latency, area, power, first
//   perf_per_watt  highest throughput per watt of design power, then lowest latency, energy,
//                  area, first
//   edp            lowest energy x latency, then lowest latency, area, first
// The Pareto set: valid designs that no other valid design matches or beats on every axis (by
// default latency, energy and area, all minimised); of designs equal on every axis, the first in
// design order is kept.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "search/DseEngine.h"
#include "search/DseSpec.h"

namespace mosaic::search {

enum class ParetoAxis { Latency, Energy, Area, Power, Edp, Buffer };
std::string_view axis_name(ParetoAxis a);  // "latency", "energy", "area", "power", "edp", "buffer"
// Parses a comma-separated list of axis names (2 to 4 distinct axes).
std::vector<ParetoAxis> parse_pareto_axes(std::string_view text);
double axis_value(ParetoAxis a, const DesignRecord& d);

// True when `a` is strictly better than `b` for objective `o` (tie-breaks above, except the
// design order, which the caller handles by keeping the first).
bool better(Objective o, const DesignRecord& a, const DesignRecord& b, double clock_ghz);

// The Pareto set of `designs` (valid or not: the caller filters), in (axes..., input order).
std::vector<DesignRecord> pareto_front(const std::vector<DesignRecord>& designs,
                                       const std::vector<ParetoAxis>& axes);

class DseCollector {
 public:
  DseCollector(double clock_ghz, std::vector<ParetoAxis> axes);

  // Adds a chunk's designs (chunks in order).
  void add(const ChunkResult& chunk);

  const std::optional<DesignRecord>& best(Objective o) const {
    return best_[static_cast<std::size_t>(o)];
  }
  // The Pareto set so far, sorted by the first axis.
  std::vector<DesignRecord> pareto() const;
  const std::vector<ParetoAxis>& axes() const { return axes_; }
  std::int64_t valid_designs() const { return valid_; }

 private:
  double clock_ghz_;
  std::vector<ParetoAxis> axes_;
  std::array<std::optional<DesignRecord>, 4> best_;
  std::vector<DesignRecord> front_;
  std::int64_t valid_ = 0;
};

}  // namespace mosaic::search
