#include "search/HeraldFlags.h"

#include <filesystem>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Objective.h"
#include "common/Suggest.h"
#include "workload/WorkloadFile.h"

namespace mosaic::search {

namespace {

[[noreturn]] void bad_herald_flag(std::string_view flag, const std::string& message) {
  throw UserError(SourceLocation{"", 0, std::string(flag)}, message);
}

// The scheduler's flags.
void set_scheduler(const HeraldFlags& a, HeraldConfig& cfg) {
  if (a.scheduler != "herald" && a.scheduler != "greedy")
    bad_herald_flag("--scheduler",
                    "expected herald or greedy" + did_you_mean(a.scheduler, {"herald", "greedy"}));
  cfg.scheduler.greedy = a.scheduler == "greedy";
  if (a.ordering == "depth-first")
    cfg.scheduler.ordering = schedule::Ordering::DepthFirst;
  else if (a.ordering == "breadth-first")
    cfg.scheduler.ordering = schedule::Ordering::BreadthFirst;
  else
    bad_herald_flag("--ordering", "expected depth-first or breadth-first" +
                                      did_you_mean(a.ordering, {"depth-first", "breadth-first"}));
  if (a.load_balance < 1) bad_herald_flag("--load-balance", "must be at least 1");
  cfg.scheduler.load_balance_factor = a.load_balance;
  cfg.scheduler.lookahead = a.lookahead;
}

// The cost model's flags.
void set_cost_model(const HeraldFlags& a, HeraldConfig& cfg) {
  cfg.params.rearrange_cycles_per_byte = a.rearrange_cycles_per_byte;
  if (a.compat != "none" && a.compat != "maestro")
    bad_herald_flag("--compat",
                    "expected none or maestro" + did_you_mean(a.compat, {"none", "maestro"}));
  cfg.maestro_compat = a.compat == "maestro";
  // The default model always searches the tiles; the flag adds the search to compat mode.
  cfg.compat_search_tiles = cfg.maestro_compat && a.search_tiles;
  if (a.subacc_buffer_per_pe >= 0) {
    if (a.subacc_buffer_per_pe <= 0) bad_herald_flag("--subacc-buffer", "must be positive");
    cfg.params.subacc_buffer_bytes_per_pe = a.subacc_buffer_per_pe;
  }
  if (a.local_bw_per_pe >= 0) {
    if (a.local_bw_per_pe <= 0) bad_herald_flag("--local-bw", "must be positive");
    cfg.params.local_elements_per_pe_cycle = a.local_bw_per_pe;
  }
}

// `--cost directive|loopnest`. The loop-nest analysis needs cores with a memory hierarchy: a
// fixed design (--accelerator) whose every core names its ZigZag hardware file (`hw`); the
// baselines are built from the class without one, so they are not evaluated.
void set_cost_analysis(const HeraldFlags& a, HeraldConfig& cfg) {
  if (a.cost != "directive" && a.cost != "loopnest")
    bad_herald_flag("--cost",
                    fmt::format("unknown cost analysis '{}' (directive or loopnest)", a.cost));
  cfg.cost_analysis = mapper::parse_cost_analysis(a.cost);
  if (cfg.cost_analysis != mapper::CostAnalysis::LoopNest) return;
  if (a.accelerator.empty())
    bad_herald_flag(
        "--cost",
        "loopnest needs cores with a memory hierarchy (a loop-nest view), and Herald's classes "
        "and styles (--class, --styles) build cores with the directive view only: give "
        "--accelerator FILE whose cores name a ZigZag hardware file (hw:) and mapping (mapping:)");
  const auto& views = cfg.fixed_partition->loop_nest;
  for (std::size_t k = 0; k < cfg.fixed_partition->pes.size(); ++k)
    if (k >= views.size() || !views[k])
      bad_herald_flag("--cost",
                      fmt::format("loopnest needs every core's memory hierarchy; core {} of {} "
                                  "names no ZigZag hardware file (hw:)",
                                  k + 1, a.accelerator));
  if (cfg.maestro_compat)
    bad_herald_flag("--compat", "maestro applies to the directive analysis only");
  cfg.baselines = false;  // class-built cores: no memory hierarchy
}

}  // namespace

const std::vector<HeraldFlagRule>& herald_flag_rules() {
  using F = const HeraldFlags&;
  auto i = [](const char* flag, IntRule rule, double (*value)(F)) {
    return HeraldFlagRule{flag, rule, {}, value, false};
  };
  auto n = [](const char* flag, NumberRule rule, bool unset_below_zero, double (*value)(F)) {
    return HeraldFlagRule{flag, std::nullopt, rule, value, unset_below_zero};
  };
  static const std::vector<HeraldFlagRule> rules = {
      i("--granularity", IntRule::between(1, 4096),
        [](F a) { return static_cast<double>(a.granularity); }),
      i("--samples", IntRule::between(1, 1000000000),
        [](F a) { return static_cast<double>(a.samples); }),
      i("--seed", IntRule::non_negative(), [](F a) { return static_cast<double>(a.seed); }),
      n("--load-balance", NumberRule::at_least(1), false, [](F a) { return a.load_balance; }),
      i("--lookahead", IntRule::between(0, 1024),
        [](F a) { return static_cast<double>(a.lookahead); }),
      n("--rearrange-cycles-per-byte", NumberRule::non_negative(), false,
        [](F a) { return a.rearrange_cycles_per_byte; }),
      i("--threads", IntRule::between(0, 4096), [](F a) { return static_cast<double>(a.threads); }),
      n("--subacc-buffer", NumberRule::positive(), true,
        [](F a) { return a.subacc_buffer_per_pe; }),
      n("--local-bw", NumberRule::positive(), true, [](F a) { return a.local_bw_per_pe; })};
  return rules;
}

void check_herald_flags(const HeraldFlags& a) {
  for (const auto& r : herald_flag_rules()) {
    const double v = r.value(a);
    if (r.unset_below_zero && v < 0) continue;
    try {
      if (r.integer)  // (a seed past 2^63 is checked as 2^63 - 1: no rule bounds it there)
        check_integer(
            v >= 0x1p63 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(v),
            *r.integer, SourceLocation{});
      else
        check_number(v, r.number, SourceLocation{});
    } catch (const UserError& e) {
      throw UserError(fmt::format("mosaic herald: {}: {}", r.flag, e.message()));
    }
  }
}

schedule::Metric parse_herald_metric(std::string_view s, std::string_view flag) {
  // Every verb's names of the objectives (common/Objective.h: "throughput" is latency, ...).
  const auto o = objective_from_name(s);
  if (o == Objective::Edp) return schedule::Metric::EDP;
  if (o == Objective::Latency) return schedule::Metric::Latency;
  if (o == Objective::Energy) return schedule::Metric::Energy;
  bad_herald_flag(flag, fmt::format("unknown objective '{}'; expected edp, latency or energy{}", s,
                                    o ? std::string() : did_you_mean(s, objective_names())));
}

std::vector<arch::AcceleratorStyle> parse_herald_styles(const std::string& text) {
  std::vector<arch::AcceleratorStyle> out;
  if (text == "all") {
    for (const auto& s : arch::table3_styles())
      if (s.kind == arch::StyleKind::HDA) out.push_back(s);
    return out;
  }
  std::string item;
  std::stringstream ss(text);
  while (std::getline(ss, item, '|'))
    if (!item.empty()) out.push_back(arch::parse_style(item));
  if (out.empty()) bad_herald_flag("--styles", "no style given");
  return out;
}

HeraldConfig herald_config(const HeraldFlags& a) {
  HeraldConfig cfg;
  cfg.workload = workload::load_workload(a.workload);
  if (!a.accelerator.empty()) {
    // One fixed design, scheduled as given, beside the baselines of a class of its totals.
    const auto spec = arch::read_accelerator_spec(a.accelerator);
    cfg.cls = spec.cls;
    cfg.styles = {spec.style};
    cfg.fixed_partition = spec.partition;
    cfg.params = spec.params;
  } else {
    cfg.cls = std::filesystem::exists(a.cls) ? arch::read_accelerator_class(a.cls)
                                             : arch::accelerator_class(a.cls);
    cfg.styles = parse_herald_styles(a.styles);
  }
  if (a.granularity < 1) bad_herald_flag("--granularity", "must be at least 1");
  cfg.granularity = a.granularity;
  cfg.mode = parse_search_mode(a.search);
  cfg.random_samples = a.samples;
  cfg.seed = a.seed;
  cfg.objective = parse_herald_metric(a.objective, "--objective");
  set_scheduler(a, cfg);
  set_cost_model(a, cfg);
  cfg.baselines = !a.no_baselines;
  set_cost_analysis(a, cfg);
  cfg.threads = a.threads;
  cfg.progress = a.progress;
  cfg.allow_large = a.allow_large;
  return cfg;
}

}  // namespace mosaic::search
