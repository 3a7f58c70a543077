#include "arch/Core.h"

#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Suggest.h"
#include "common/Validate.h"
#include "workload/MaestroFormat.h"

namespace mosaic::arch {

std::string detail::read_hardware_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path.string(), 0, ""}, "cannot open the hardware file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

// The keys of a MAESTRO hardware file and the legal range of each (MAESTRO's units: elements).
struct MaestroKey {
  const char* name;
  std::int64_t Core::*field;
  IntRule rule;
};
const MaestroKey kMaestroKeys[] = {
    {"num_pes", &Core::num_pes, IntRule::positive()},
    {"l1_size_cstr", &Core::l1_bytes, IntRule::positive()},
    {"l2_size_cstr", &Core::l2_bytes, IntRule::positive()},
    {"noc_bw_cstr", &Core::noc_bw, IntRule::positive()},
    {"offchip_bw_cstr", &Core::offchip_bw, IntRule::positive()},
    {"NoC_NumHops", &Core::noc_hop_latency, IntRule::non_negative()},
};

std::vector<std::string> maestro_key_names() {
  std::vector<std::string> names;
  for (const auto& k : kMaestroKeys) names.emplace_back(k.name);
  return names;
}

}  // namespace

Core read_maestro_hardware(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string text = detail::read_hardware_text(path);
  const auto tokens = workload::maestro_format::tokenize(text);  // views into `text`
  Core c;
  c.name = path.stem().string();
  c.l1_bytes = INT_MAX;
  c.l2_bytes = INT_MAX;
  c.noc_bw = INT_MAX;
  c.offchip_bw = INT_MAX;
  c.noc_hops = 1;
  c.noc_hop_latency = 1;
  std::map<std::string, std::pair<std::int64_t, int>> seen;  // key -> value, line
  for (std::size_t i = 0; i < tokens.size(); i += 2) {
    const std::string key(tokens[i].text);
    const int line_no = tokens[i].line;
    const MaestroKey* spec = nullptr;
    for (const auto& k : kMaestroKeys)
      if (key == k.name) spec = &k;
    if (spec == nullptr)
      throw UserError(SourceLocation{file, line_no, key},
                      "unknown key" + did_you_mean(key, maestro_key_names()) +
                          "; expected num_pes, l1_size_cstr, l2_size_cstr, noc_bw_cstr, "
                          "offchip_bw_cstr or NoC_NumHops");
    if (i + 1 >= tokens.size() || tokens[i + 1].line != line_no)
      throw UserError(SourceLocation{file, line_no, key}, "missing value");
    const std::int64_t v =
        parse_integer(tokens[i + 1].text, spec->rule, SourceLocation{file, line_no, key});
    const auto [it, fresh] = seen.emplace(key, std::make_pair(v, line_no));
    if (!fresh)
      throw UserError(
          SourceLocation{file, line_no, key},
          fmt::format("key given twice (first on line {}); give it once", it->second.second));
    c.*(spec->field) = v;
  }
  if (!seen.count("num_pes"))
    throw UserError(SourceLocation{file, 0, ""},
                    tokens.empty() ? "the hardware file is empty; give at least num_pes"
                                   : "no 'num_pes': give the number of PEs");
  validate(c, file);
  return c;
}

void validate(const Core& c, const std::string& file) {
  auto check = [&](const char* field, std::int64_t v, std::int64_t min) {
    if (v < min)
      throw UserError(SourceLocation{file, 0, field},
                      fmt::format("must be at least {}, got {}", min, v));
  };
  check("num_pes", c.num_pes, 1);
  check("vector_width", c.vector_width, 1);
  check("l1_bytes", c.l1_bytes, 1);
  check("l2_bytes", c.l2_bytes, 1);
  check("noc_bw", c.noc_bw, 1);
  check("noc_latency", c.noc_latency(), 0);
  check("offchip_bw", c.offchip_bw, 1);
  check("precision_bits", c.precision_bits, 1);
}

Core loop_nest_core(LoopNestHardware hw) {
  Core c;
  c.name = hw.name;
  c.num_pes = total_units(hw.array);
  c.loop_nest = std::move(hw);
  return c;
}

}  // namespace mosaic::arch
