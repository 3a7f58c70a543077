// The DSE with a per-layer tile search (DseSpec::search_tiles): every design point's layer runs
// the best candidate mapping of its style within the point's buffers (checked against every
// candidate analysed directly), counts add up, results do not depend on threads, the store keeps
// runs with and without the search apart, and an old-format store is never read.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "TestSupport.h"
#include "arch/Core.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/MaestroNetwork.h"
#include "dataflow/Library.h"
#include "mapper/DirectiveMapper.h"
#include "search/DseEngine.h"
#include "search/DseTiles.h"
#include "workload/MaestroFormat.h"

namespace mosaic::search {
namespace {

namespace mf = workload::maestro_format;

DseWorkload tiny() {
  return dse_workload_from_mapping(
      mf::parse_network_file(test::source_dir() / "examples/networks/tiny_mapping.m"), {}, false);
}

struct TileSweep {
  DseRunInfo info;
  std::vector<DesignRecord> designs;
};

TileSweep tile_sweep(const DseWorkload& w, const DseSpec& s, DseOptions opt = {}) {
  TileSweep r;
  r.info = run_dse(w, s, opt, [&](const ChunkResult& c) {
    r.designs.insert(r.designs.end(), c.designs.begin(), c.designs.end());
  });
  return r;
}

DseSpec tile_spec() {
  DseSpec s;
  s.pes = parse_sweep("4,8,16", "--pes");
  s.noc_bw = parse_sweep("2,8", "--bw");
  s.l1_bytes = parse_sweep("8,32,1K", "--l1", true);
  s.l2_bytes = parse_sweep("256,64K", "--l2", true);
  s.search_tiles = cost::CoreObjective::EDP;
  return s;
}

// The mapper's objective of one candidate mapping analysed directly (no DRAM energy, as the
// mapper counts it), or +inf when it breaks a buffer budget (elements; 0 = none).
double candidate_edp(const DseLayer& l, const std::vector<dataflow::BoundDirective>& m,
                     std::int64_t pes, std::int64_t bw, double l1_budget, double l2_budget) {
  cost::DirectiveHardware hw;
  hw.num_pes = pes;
  hw.noc_bw = bw;
  hw.noc_latency = 1;
  hw.offchip_bw = 70000;
  const auto r = cost::analyze_directives(l.problem, m, hw, {});
  arch::Core core;
  core.num_pes = pes;
  core.noc_bw = bw;
  const auto lc = cost::to_layer_cost(r, l.problem, core, arch::default_technology(), false);
  if ((l1_budget > 0 && lc.l1_required_elements > l1_budget) ||
      (l2_budget > 0 && lc.l2_required_elements > l2_budget))
    return std::numeric_limits<double>::infinity();
  return std::max(1.0, lc.latency_cycles) * (lc.energy_pj - lc.level_energy_pj("DRAM"));
}

// The style a design point's layer was searched in.
dataflow::Dataflow style_of(const DseSpec& s, const DseLayer& l, int df) {
  if (s.dataflows.empty()) return *l.own_dataflow;
  const auto& p = l.problem;
  return dataflow::adapt_to_problem(
      dataflow::library_dataflow(s.dataflows[static_cast<std::size_t>(df)], p.type), p);
}

// Every design of a one-layer sweep against every candidate of its style analysed directly.
void check_best_within_buffers(const DseWorkload& w, const DseSpec& s) {
  const TileSweep r = tile_sweep(w, s);
  const auto& t = r.info.total;
  EXPECT_EQ(t.explored, space_size(s));
  EXPECT_EQ(t.explored, t.skipped + t.evaluated + t.illegal);
  EXPECT_EQ(t.valid, t.evaluated);  // no area or power budget
  ASSERT_GT(t.evaluated, 0);
  const DseLayer& l = w.layers[0];
  std::set<std::tuple<int, std::int64_t, std::int64_t, std::int64_t, std::int64_t>> seen;
  for (const auto& d : r.designs) {
    const auto& p = d.point;
    seen.insert(std::make_tuple(p.dataflow, p.pes, p.noc_bw, p.l1_bytes, p.l2_bytes));
    const double l1 = static_cast<double>(p.l1_bytes);
    const double l2 = static_cast<double>(p.l2_bytes);
    double best = std::numeric_limits<double>::infinity();
    for (const auto& c : mapper::directive_candidates(style_of(s, l, p.dataflow), l.problem, p.pes))
      best = std::min(best, candidate_edp(l, c, p.pes, p.noc_bw, l1, l2));
    const auto& m = d.metrics;
    const double got = m.latency_cycles * (m.energy_pj - m.energy_breakdown_pj[3]);
    EXPECT_NEAR(got, best, 1e-9 * best)
        << l.name << " df " << p.dataflow << " pes " << p.pes << " bw " << p.noc_bw << " L1 "
        << p.l1_bytes << " L2 " << p.l2_bytes;
    EXPECT_LE(m.l1_required_bytes, p.l1_bytes);
    EXPECT_LE(m.l2_required_bytes, p.l2_bytes);
  }
  // A skipped design is one whose buffers hold no candidate.
  const int n_df = std::max(1, static_cast<int>(s.dataflows.size()));
  for (int df = 0; df < n_df; ++df)
    for (auto pes : s.pes.values)
      for (auto bw : s.noc_bw.values)
        for (auto l1 : s.l1_bytes->values)
          for (auto l2 : s.l2_bytes->values) {
            if (seen.count(std::make_tuple(df, pes, bw, l1, l2)) != 0) continue;
            for (const auto& c : mapper::directive_candidates(style_of(s, l, df), l.problem, pes))
              EXPECT_EQ(
                  candidate_edp(l, c, pes, bw, static_cast<double>(l1), static_cast<double>(l2)),
                  std::numeric_limits<double>::infinity())
                  << l.name << " pes " << pes << " L1 " << l1 << " L2 " << l2;
          }
}

TEST(DseTileSearch, EveryPointRunsTheBestCandidateWithinItsBuffers) {
  const DseWorkload full = tiny();
  for (std::size_t li = 0; li < full.layers.size(); ++li) {
    DseWorkload w = full;
    w.layers = {full.layers[li]};
    check_best_within_buffers(w, tile_spec());  // the layers' own dataflows
  }
  // A 3x3 convolution (K 32, C 16, 10x10 outputs) in two library styles: clusters and C tiles
  // free, many candidates.
  workload::Layer conv;
  conv.name = "conv";
  conv.K = 32;
  conv.C = 16;
  conv.Y = conv.X = 12;
  conv.R = conv.S = 3;
  const DseWorkload w = dse_workload_from_layers("t", "test", {{conv, 1}});
  DseSpec s = tile_spec();
  s.dataflows = {"kcp_ws", "shi_os"};
  EXPECT_GE(
      mapper::directive_candidates(style_of(s, w.layers[0], 0), w.layers[0].problem, 16).size(),
      5u);
  check_best_within_buffers(w, s);
}

TEST(DseTileSearch, EightByteL1HoldsNoMappingOfTheConvolution) {
  // The 3x3 convolution's tile needs at least 2 x (9 weights + 9 inputs + 1 output) elements per
  // PE double-buffered, more than 8 bytes of 8-bit elements: every 8-byte design is skipped.
  DseWorkload w = tiny();
  w.layers.resize(1);
  DseSpec s = tile_spec();
  s.l1_bytes = parse_sweep("8", "--l1", true);
  const TileSweep r = tile_sweep(w, s);
  EXPECT_EQ(r.info.total.explored, 12);
  EXPECT_EQ(r.info.total.skipped, 12);
  EXPECT_EQ(r.info.total.evaluated, 0);
}

TEST(DseTileSearch, PointEqualsTheLayerCostOfEvaluateDesign) {
  // The sweep's figures of a design are the sum of the per-layer tile-searched costs that
  // evaluate_design reports (what summary.json lists per layer).
  const DseWorkload w = tiny();
  DseSpec s = tile_spec();
  s.l1_bytes.reset();  // exact: no L1 budget, the buffer is what the chosen mappings need
  s.l2_bytes = parse_sweep("64K", "--l2", true);
  const TileSweep r = tile_sweep(w, s);
  ASSERT_EQ(r.info.total.evaluated, 3 * 2);
  for (const auto& d : r.designs) {
    const DesignDetail det = evaluate_design(w, s, d.point);
    ASSERT_TRUE(det.illegal_reason.empty()) << det.illegal_reason;
    double lat = 0, energy = 0;
    for (const auto& lc : det.layers) {
      lat += lc.latency_cycles;
      energy += lc.energy_pj;
    }
    EXPECT_EQ(d.metrics.latency_cycles, lat);
    EXPECT_DOUBLE_EQ(d.metrics.energy_pj, energy);
    EXPECT_EQ(d.metrics.latency_cycles, det.metrics.latency_cycles);
    EXPECT_TRUE(det.valid);
  }
}

TEST(DseTileSearch, SameResultOnOneAndTwoThreads) {
  const DseWorkload w = tiny();
  DseSpec s = tile_spec();
  // An area budget at the median design: the loops end early.
  std::vector<double> areas;
  const TileSweep free = tile_sweep(w, s);
  for (const auto& d : free.designs) areas.push_back(d.metrics.area_um2);
  std::sort(areas.begin(), areas.end());
  s.area_budget_um2 = areas[areas.size() / 2];
  DseOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const TileSweep a = tile_sweep(w, s, one), b = tile_sweep(w, s, two);
  EXPECT_EQ(a.info.total.skipped, b.info.total.skipped);
  EXPECT_EQ(a.info.total.analyses, b.info.total.analyses);
  EXPECT_LT(a.info.total.valid, free.info.total.valid);
  EXPECT_GT(a.info.total.valid, 0);
  ASSERT_EQ(a.designs.size(), b.designs.size());
  for (std::size_t i = 0; i < a.designs.size(); ++i) {
    EXPECT_EQ(a.designs[i].point, b.designs[i].point);
    EXPECT_EQ(a.designs[i].metrics.latency_cycles, b.designs[i].metrics.latency_cycles);
    EXPECT_EQ(a.designs[i].metrics.energy_pj, b.designs[i].metrics.energy_pj);
  }
  // Memoised: each layer shape searched once per (PEs, bandwidth, budgets) at most, and the
  // unbudgeted optimum serves every budget that holds it.
  EXPECT_LE(a.info.analyses_run, 2 * 3 * 2 * (1 + 3 * 2));
}

TEST(DseTileSearch, SpecificationErrors) {
  DseSpec s = tile_spec();
  s.map_sizes.push_back(parse_map_size_sweep("C=1:4"));
  EXPECT_THROW(validate(s), UserError);
  s = tile_spec();
  s.maestro_compat = true;
  EXPECT_THROW(validate(s), UserError);
  EXPECT_EQ(parse_tile_objective("latency", "f"), cost::CoreObjective::Latency);
  EXPECT_THROW(parse_tile_objective("speed", "f"), UserError);
}

TEST(DseTileSearch, StoreKeepsRunsWithAndWithoutTheSearchApart) {
  const DseWorkload w = tiny();
  DseSpec with = tile_spec();
  DseSpec without = with;
  without.search_tiles.reset();
  DseSpec latency = with;
  latency.search_tiles = cost::CoreObjective::Latency;
  EXPECT_NE(dse_run_config(w, with), dse_run_config(w, without));
  EXPECT_NE(dse_run_config(w, with), dse_run_config(w, latency));
  EXPECT_NE(dse_run_config(w, with).find("\"search_tiles\":\"edp\""), std::string::npos);
  auto store = ResultStore::open_in_memory();
  DseOptions opt;
  opt.store = &store;
  const TileSweep a = tile_sweep(w, with, opt);
  EXPECT_EQ(a.info.chunks_reused, 0);
  const TileSweep b = tile_sweep(w, without, opt);  // another run: nothing read from the first
  EXPECT_EQ(b.info.chunks_reused, 0);
  const TileSweep c = tile_sweep(w, with, opt);  // the same run: every chunk read back
  EXPECT_EQ(c.info.chunks_reused, c.info.chunks_total);
  ASSERT_EQ(c.designs.size(), a.designs.size());
  for (std::size_t i = 0; i < a.designs.size(); ++i)
    EXPECT_EQ(c.designs[i].metrics.energy_pj, a.designs[i].metrics.energy_pj);
}

TEST(DseStoreFormat, AnOldFormatRunIsNeverReadAndIsReported) {
  const DseWorkload w = tiny();
  DseSpec s = tile_spec();
  s.search_tiles.reset();
  const std::string config = dse_run_config(w, s);
  EXPECT_NE(config.find("\"format\":\"mosaic-dse-2\""), std::string::npos);
  // The whole technology by its YAML keys (the one serialisation Herald's store uses too).
  EXPECT_NE(config.find("\"arbiter_c0\":-23.711"), std::string::npos);
  EXPECT_NE(config.find("\"name\":\"maestro-28nm\""), std::string::npos);
  auto store = ResultStore::open_in_memory();
  // A run as mosaic-dse-1 wrote it (the same sweep, the old format).
  std::string old = config;
  old.replace(old.find("mosaic-dse-2"), 12, "mosaic-dse-1");
  const auto run = store.open_run("dse", old);
  store.put(run.id, {{"kcp_ws#0|pes=4|vw=1", 0, "not a chunk of this format"}});
  EXPECT_EQ(runs_of_other_format(store, "dse", kDseStoreFormat), 1);
  DseOptions opt;
  opt.store = &store;
  const TileSweep r = tile_sweep(w, s, opt);
  EXPECT_EQ(r.info.stale_runs, 1);
  EXPECT_EQ(r.info.chunks_reused, 0);
  EXPECT_EQ(r.info.total.explored, space_size(s));
  const TileSweep again = tile_sweep(w, s, opt);
  EXPECT_EQ(again.info.chunks_reused, again.info.chunks_total);
}

}  // namespace
}  // namespace mosaic::search
