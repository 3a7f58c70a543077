// What a search optimises: one enum for every search (Herald's partition search and scheduler,
// the hardware DSE, the loop-nest mapper). Each search keeps its own spelling of the names in its
// reports and its own tie-breaks; the enumerators below are the one set of meanings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mosaic {

enum class Objective : std::uint8_t {
  Latency = 0,  // lowest latency (= highest throughput for a fixed workload)
  Energy = 1,
  ThroughputPerWatt = 2,  // highest work per energy of the design's power (DSE)
  Edp = 3,                // lowest energy x latency
  // The same objectives under the names some searches give them.
  Throughput = Latency,  // the DSE's name
  EDP = Edp,             // Herald's scheduler's name
};

// The cost of a design that runs a fixed amount of work in `latency_cycles` using `energy_pj`,
// lower is better. Throughput per watt is work / energy for a fixed amount of work (the time
// cancels), so it ranks like energy.
constexpr double objective_cost(Objective o, double latency_cycles, double energy_pj) {
  switch (o) {
    case Objective::Latency:
      return latency_cycles;
    case Objective::Energy:
    case Objective::ThroughputPerWatt:
      return energy_pj;
    case Objective::Edp:
      return latency_cycles * energy_pj;
  }
  return latency_cycles * energy_pj;
}

// The names of the objectives on every command line (case-insensitive): "latency" (also
// "throughput", "runtime", "performance": for a fixed workload the same ranking), "energy",
// "edp" (also "energy_delay"), "perf_per_watt" (also "throughput_per_watt", "perf/watt").
std::optional<Objective> objective_from_name(std::string_view name);
// Every accepted name, for "did you mean".
std::vector<std::string> objective_names();

}  // namespace mosaic
