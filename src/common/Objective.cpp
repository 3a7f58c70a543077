#include "common/Objective.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace mosaic {

namespace {
const std::vector<std::pair<std::string, Objective>>& table() {
  static const std::vector<std::pair<std::string, Objective>> names = {
      {"latency", Objective::Latency},
      {"throughput", Objective::Latency},
      {"runtime", Objective::Latency},
      {"performance", Objective::Latency},
      {"energy", Objective::Energy},
      {"edp", Objective::Edp},
      {"energy_delay", Objective::Edp},
      {"runtime-energy", Objective::Edp},
      {"perf_per_watt", Objective::ThroughputPerWatt},
      {"throughput_per_watt", Objective::ThroughputPerWatt},
      {"perf/watt", Objective::ThroughputPerWatt},
      {"performance/watt", Objective::ThroughputPerWatt},
  };
  return names;
}
}  // namespace

std::optional<Objective> objective_from_name(std::string_view name) {
  std::string t(name);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [n, o] : table())
    if (n == t) return o;
  return std::nullopt;
}

std::vector<std::string> objective_names() {
  std::vector<std::string> out;
  for (const auto& [n, o] : table()) out.push_back(n);
  return out;
}

}  // namespace mosaic
