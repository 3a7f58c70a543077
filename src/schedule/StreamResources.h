// The shared resources of Stream's scheduler: top memory instances with their step function of
// stored bits (stream/cost_model/memory_manager.py) and communication links with their bandwidth
// activity (stream/hardware/architecture/noc/communication_link.py). Internal to the scheduler.
#pragma once

#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mosaic::schedule::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

struct MemInstance {
  std::vector<int> cores;  // cores sharing it, in core order
  std::string memory;
  double capacity = 0;
  std::vector<int> stored;  // tensor ids, insertion order
  std::map<int, double> stored_since, available_since;
  std::vector<std::pair<double, double>> cumsum{{0.0, 0.0}};  // (time, usage)
  bool contains(int t) const { return stored_since.count(t) > 0; }
  // Adds `bits` from time `t` on; returns false on overflow.
  bool add_usage(double t, double bits);
  double usage_at(double t) const;
  double earliest_fit(double t, double bits) const;
};

struct LinkState {
  double bandwidth = 0;
  std::vector<double> ts{0.0, kInf};
  std::vector<double> deltas{0.0, 0.0};
  std::vector<double> act{0.0, 0.0};               // activity from ts[i] on (prefix sums of deltas)
  std::map<int, std::vector<double>> seen_starts;  // tensor id -> event starts
  // Registers an activity; false when not new (zero length, or same tensor and start).
  bool update(int tensor, double start, double end, double activity);
  // Windows [start, end) from `earliest` with `required` bandwidth free and length >= duration.
  std::vector<std::pair<double, double>> idle_windows(double required, double duration,
                                                      double earliest) const;
  // The start of the first of those windows (infinity when none).
  double first_idle(double required, double duration, double earliest) const;
};

std::vector<std::pair<double, double>> intersections(
    const std::vector<std::pair<double, double>>& a,
    const std::vector<std::pair<double, double>>& b);

}  // namespace mosaic::schedule::detail
