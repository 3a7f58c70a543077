#include "arch/Technology.h"

#include <array>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/Validate.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::arch {

namespace {

// Every number of a technology by its YAML key (Technology or const Technology).
template <class T>
auto technology_fields(T& t) {
  using P = decltype(&t.mac_pj);
  return std::array<std::pair<const char*, P>, 19>{{
      {"mac_pj", &t.mac_pj},
      {"l1_pj", &t.l1_pj},
      {"l2_pj", &t.l2_pj},
      {"dram_pj", &t.dram_pj},
      {"noc_pj", &t.noc_pj},
      {"mac_area_um2", &t.mac_area_um2},
      {"mac_power_mw", &t.mac_power_mw},
      {"sram_area_um2_per_byte", &t.sram_area_um2_per_byte},
      {"sram_power_mw_per_byte", &t.sram_power_mw_per_byte},
      {"bus_area_unit", &t.bus_area_unit},
      {"bus_power_unit", &t.bus_power_unit},
      {"bus_c1", &t.bus_c1},
      {"bus_c0", &t.bus_c0},
      {"arbiter_area_unit", &t.arbiter_area_unit},
      {"arbiter_power_unit", &t.arbiter_power_unit},
      {"arbiter_c2", &t.arbiter_c2},
      {"arbiter_c1", &t.arbiter_c1},
      {"arbiter_c0", &t.arbiter_c0},
      {"clock_ghz", &t.clock_ghz},
  }};
}

}  // namespace

nlohmann::json technology_json(const Technology& t) {
  nlohmann::json j = nlohmann::json::object();
  j["name"] = t.name;
  for (const auto& [name, field] : technology_fields(t)) j[name] = *field;
  return j;
}

Technology read_technology(const std::filesystem::path& path) {
  const std::string file = path.string();
  namespace y = workload::yaml;
  const YAML::Node root = y::load_strict_file(file, "the technology file");
  if (!root.IsMap())
    throw UserError(SourceLocation{file, 1, ""}, "expected a mapping of keys to numbers");
  Technology t;
  std::map<std::string, double*> keys;
  for (const auto& [name, field] : technology_fields(t)) keys[name] = field;
  std::map<std::string, double> relative;
  std::vector<std::string> known = {"name", "l1_relative", "l2_relative", "dram_relative",
                                    "noc_relative"};
  for (const auto& [k, field] : keys) known.push_back(k);
  for (const auto& kv : root) {
    const std::string key = y::as_string(kv.first, file, "key");
    if (key == "name") {
      t.name = y::as_string(kv.second, file, key);
      continue;
    }
    const bool relative_key = key == "l1_relative" || key == "l2_relative" ||
                              key == "dram_relative" || key == "noc_relative";
    auto it = keys.find(key);
    if (key == "register_file" || key == "sram" || key == "word_bits")  // the other format
      y::fail(kv.first, file, key,
              "this is an energy table by memory size (memsize --energy-table); --technology "
              "takes per-element energies, area and power (mac_pj, l1_pj, ...; docs/cli.md)");
    if (!relative_key && it == keys.end()) y::unknown_key(kv.first, file, key, known);
    // Energies, areas and powers are non-negative; the constant terms of the bus and arbiter
    // fits may be negative; the clock is positive.
    const NumberRule rule = key == "arbiter_c0" || key == "bus_c0" ? NumberRule::any()
                            : key == "clock_ghz"                   ? NumberRule::positive()
                                                                   : NumberRule::non_negative();
    const double value = y::as_double(kv.second, file, key, rule);
    if (relative_key)
      relative[key] = value;
    else
      *it->second = value;
  }
  if (auto r = relative.find("l1_relative"); r != relative.end()) t.l1_pj = r->second * t.mac_pj;
  if (auto r = relative.find("l2_relative"); r != relative.end()) t.l2_pj = r->second * t.mac_pj;
  if (auto r = relative.find("dram_relative"); r != relative.end())
    t.dram_pj = r->second * t.mac_pj;
  if (auto r = relative.find("noc_relative"); r != relative.end()) t.noc_pj = r->second * t.mac_pj;
  return t;
}

}  // namespace mosaic::arch
