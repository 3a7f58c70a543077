// What the result store holds of a Herald search: the configuration text naming the run
// (herald_run_config of Herald.h). A chunk's record is its design points' latency and energy
// (two doubles each, native byte order), in job order.
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/Technology.h"
#include "common/Hash.h"
#include "schedule/Schedule.h"
#include "search/Herald.h"
#include "workload/Layer.h"

namespace mosaic::search {

namespace {

// FNV-1a of a file's bytes ("" when it cannot be read: the name alone then keys it).
std::string content_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return fmt::format("{:016x}", fnv1a64(text.str()));
}

}  // namespace

std::string herald_run_config(const HeraldConfig& c, const workload::WorkloadGraph& graph,
                              const std::vector<std::pair<int, arch::Partition>>& points,
                              const std::vector<arch::AcceleratorStyle>& styles) {
  using nlohmann::json;
  json j;
  j["format"] = kHeraldStoreFormat;
  j["class"] = {c.cls.name, c.cls.total_pes, c.cls.noc_gbps, c.cls.global_buffer_bytes,
                c.cls.dram_gbps};
  const auto& p = c.params;
  j["params"] = {p.clock_ghz,
                 p.bytes_per_element,
                 p.l1_bytes_per_pe,
                 p.vector_width,
                 p.noc_latency_cycles,
                 p.rearrange_cycles_per_byte,
                 p.rearrange_pj_per_byte,
                 p.rda_reconfig_cycles,
                 p.rda_reconfig_pj_per_pe,
                 p.rda_energy_overhead,
                 p.subacc_buffer_bytes_per_pe,
                 p.local_elements_per_pe_cycle};
  j["cost_model"] = c.maestro_compat ? "maestro" : "subaccelerator";
  j["compat_search_tiles"] = c.maestro_compat && c.compat_search_tiles;
  j["technology"] = arch::technology_json(c.technology);
  // The loop-nest analysis (absent for the directive one, so that a directive run's key is what
  // it was before the choice existed): each core's hardware and mapping file by name and content
  // hash (an edited file is another run).
  if (c.cost_analysis == mapper::CostAnalysis::LoopNest && c.fixed_partition) {
    json views = json::array();
    const auto& part = *c.fixed_partition;
    for (std::size_t k = 0; k < part.loop_nest.size(); ++k) {
      const auto& hw = part.loop_nest[k];
      const auto& m = k < part.loop_nest_mappings.size()
                          ? part.loop_nest_mappings[k]
                          : std::optional<dataflow::LoopNestMappingSet>{};
      views.push_back({hw ? hw->source_file : "", hw ? content_hash(hw->source_file) : "",
                       m ? m->source_file : "", m ? content_hash(m->source_file) : ""});
    }
    j["cost_analysis"] = {{"analysis", "loopnest"}, {"views", views}};
  }
  j["objective"] = static_cast<int>(c.objective);
  const auto& s = c.scheduler;
  j["scheduler"] = {static_cast<int>(s.metric),
                    static_cast<int>(s.ordering),
                    s.load_balance_factor,
                    s.lookahead,
                    s.post_process,
                    s.greedy};
  json nodes = json::array();
  for (const auto& n : graph.nodes)
    nodes.push_back({n.name, workload::shape_key(n.layer), n.preds});
  j["graph"] = nodes;
  // The design points by their count and hash (an exhaustive search has millions: the text
  // would dwarf the rest).
  std::string pts;
  for (const auto& [style, part] : points) {
    const auto& st = styles[static_cast<std::size_t>(style)];
    pts += json({st.label(), static_cast<int>(st.kind), st.dataflows, part.pes, part.bw_gbps,
                 part.buffer_bytes_per_pe, part.local_bw_per_pe})
               .dump();
    pts += '\n';
  }
  j["points"] = {{"count", points.size()}, {"fnv1a64", fmt::format("{:016x}", fnv1a64(pts))}};
  return j.dump();
}

}  // namespace mosaic::search
