// The flags the command line fills library values from (see with_flag_name in Commands.h).
#include <string_view>
#include <utility>

#include "cli/Commands.h"

namespace mosaic::cli {
namespace {

// Library value name -> flag. The names are the fields of the library's configurations
// (search::HeraldConfig, search::DseSpec, schedule::Options, ...) or the value parsed.
constexpr std::pair<std::string_view, std::string_view> kFlagOf[] = {
    {"area_budget", "--area-mm2"},
    {"class", "--class"},
    {"dataflow", "--dataflow"},
    {"fixed_partition", "--accelerator"},
    {"granularity", "--granularity"},
    {"l1_bytes", "--l1"},
    {"l2_bytes", "--l2"},
    {"layers", "--layer"},
    {"load_balance_factor", "--load-balance"},
    {"map_sizes", "--map-size"},
    {"network", "--workload"},
    {"noc_bw", "--bw"},
    {"noc_latency", "--noc-latency"},
    {"objective", "--objective"},
    {"offchip_bw", "--offchip-bw"},
    {"pareto_axes", "--pareto"},
    {"pes", "--pes"},
    {"power_budget", "--power-mw"},
    {"precision_bits", "--precision-bits"},
    {"search", "--search"},
    {"search_tiles", "--search-tiles"},
    {"style", "--styles"},
    {"styles", "--styles"},
    {"vector_width", "--vector-width"},
    {"workload", "--workload"},
};

}  // namespace

UserError with_flag_name(const UserError& e) {
  const SourceLocation& w = e.where();
  if (w.line != 0) return e;  // a key at a line of a file, not a flag
  for (const auto& [name, flag] : kFlagOf) {
    const std::string_view f = w.field;
    if (f == name ||
        (f.size() > name.size() && f.substr(0, name.size()) == name && f[name.size()] == ' ')) {
      SourceLocation named = w;
      named.field = std::string(flag) + std::string(f.substr(name.size()));
      return UserError(named, e.message());
    }
  }
  return e;
}

}  // namespace mosaic::cli
