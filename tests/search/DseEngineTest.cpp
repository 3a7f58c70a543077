// The design-space sweep: every skipped design really breaks a budget or cannot hold the mapping,
// every evaluated design has the figures a direct evaluation gives, counts add up, results do not
// depend on threads or on the bandwidth plateau reuse, and an interrupted sweep resumes.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "TestSupport.h"
#include "arch/Core.h"
#include "common/Error.h"
#include "cost/MaestroNetwork.h"
#include "search/DseEngine.h"
#include "search/DsePareto.h"
#include "workload/MaestroFormat.h"

namespace mosaic::search {
namespace {

namespace mf = workload::maestro_format;

mf::NetworkSyntax network(const char* rel) {
  return mf::parse_network_file(test::source_dir() / "examples" / rel);
}

DseWorkload vgg_layer(const char* name) {
  return dse_workload_from_mapping(network("networks/vgg16.m"), {name}, false);
}

struct SweepRun {
  DseRunInfo info;
  std::vector<DesignRecord> designs;
  std::vector<std::string> notes;
};

SweepRun sweep(const DseWorkload& w, const DseSpec& s, DseOptions opt = {}) {
  SweepRun r;
  r.info = run_dse(w, s, opt, [&](const ChunkResult& c) {
    r.designs.insert(r.designs.end(), c.designs.begin(), c.designs.end());
  });
  return r;
}

using Key = std::tuple<int, std::int64_t, std::int64_t, std::array<std::int64_t, kMaxMapSweeps>,
                       std::int64_t, std::int64_t, std::int64_t>;
Key key(const DseDesignPoint& p) {
  return {p.dataflow, p.pes, p.vector_width, p.map_sizes, p.noc_bw, p.l1_bytes, p.l2_bytes};
}

void expect_same_metrics(const DesignMetrics& a, const DesignMetrics& b, const std::string& what) {
  EXPECT_EQ(a.latency_cycles, b.latency_cycles) << what;
  EXPECT_DOUBLE_EQ(a.energy_pj, b.energy_pj) << what;
  EXPECT_EQ(a.area_um2, b.area_um2) << what;
  EXPECT_EQ(a.power_mw, b.power_mw) << what;
  EXPECT_EQ(a.macs, b.macs) << what;
  EXPECT_EQ(a.l1_required_bytes, b.l1_required_bytes) << what;
  EXPECT_EQ(a.l2_required_bytes, b.l2_required_bytes) << what;
  for (int i = 0; i < 5; ++i)
    EXPECT_DOUBLE_EQ(a.energy_breakdown_pj[static_cast<std::size_t>(i)],
                     b.energy_breakdown_pj[static_cast<std::size_t>(i)])
        << what;
}

// Every point of the space evaluated directly, against the sweep with its pruning.
void check_against_brute_force(const DseWorkload& w, const DseSpec& s) {
  const SweepRun r = sweep(w, s);
  const auto& t = r.info.total;
  EXPECT_EQ(t.explored, space_size(s));
  EXPECT_EQ(t.explored, t.skipped + t.evaluated + t.illegal);
  EXPECT_EQ(t.evaluated, static_cast<std::int64_t>(r.designs.size()));
  std::map<Key, const DesignRecord*> got;
  for (const auto& d : r.designs) {
    EXPECT_TRUE(got.emplace(key(d.point), &d).second) << "a design evaluated twice";
  }
  std::int64_t valid = 0, illegal = 0;
  const std::int64_t n_df =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(s.dataflows.size()));
  std::vector<std::array<std::int64_t, kMaxMapSweeps>> map_points(1);
  for (std::size_t m = 0; m < s.map_sizes.size(); ++m) {
    std::vector<std::array<std::int64_t, kMaxMapSweeps>> next;
    for (const auto& base : map_points)
      for (auto v : s.map_sizes[m].values.values) {
        auto p = base;
        p[m] = v;
        next.push_back(p);
      }
    map_points = next;
  }
  for (std::int64_t df = 0; df < n_df; ++df)
    for (auto pes : s.pes.values)
      for (auto vw : s.vector_width.values)
        for (const auto& mp : map_points)
          for (auto bw : s.noc_bw.values) {
            DseDesignPoint p;
            p.dataflow = static_cast<std::int32_t>(df);
            p.pes = pes;
            p.vector_width = vw;
            p.map_sizes = mp;
            p.noc_bw = bw;
            p.l1_bytes = 1 << 30;
            p.l2_bytes = 1 << 30;
            const DesignDetail probe = evaluate_design(w, s, p);
            const auto& l1s = s.l1_bytes
                                  ? s.l1_bytes->values
                                  : std::vector<std::int64_t>{probe.metrics.l1_required_bytes};
            const auto& l2s = s.l2_bytes
                                  ? s.l2_bytes->values
                                  : std::vector<std::int64_t>{probe.metrics.l2_required_bytes};
            for (auto l1 : l1s)
              for (auto l2 : l2s) {
                p.l1_bytes = l1;
                p.l2_bytes = l2;
                const DesignDetail d = evaluate_design(w, s, p);
                if (!d.illegal_reason.empty()) {
                  ++illegal;
                  continue;
                }
                auto it = got.find(key(p));
                if (d.valid) {
                  ++valid;
                  ASSERT_NE(it, got.end()) << "a valid design was skipped: pes " << pes << " bw "
                                           << bw << " l1 " << l1 << " l2 " << l2;
                  EXPECT_TRUE(it->second->valid);
                }
                if (it != got.end()) {
                  EXPECT_EQ(it->second->valid, d.valid);
                  expect_same_metrics(it->second->metrics, d.metrics,
                                      "pes " + std::to_string(pes) + " bw " + std::to_string(bw));
                }
              }
          }
  EXPECT_EQ(t.valid, valid);
  EXPECT_EQ(t.illegal, illegal);
  // The space exercises every outcome.
  EXPECT_GT(t.valid, 0);
  EXPECT_GT(t.skipped, t.evaluated);
}

DseSpec tiny_spec() {
  DseSpec s;
  s.pes = parse_sweep("2,4,6,8,12,16,32", "--pes");
  s.noc_bw = parse_sweep("1:16:x2", "--bw");
  s.l1_bytes = parse_sweep("4:256:x2", "--l1", true);
  s.l2_bytes = parse_sweep("32:8K:x2", "--l2", true);
  s.area_budget_um2 = 0.9e6;
  s.power_budget_mw = 40;
  return s;
}

TEST(DseEngine, BuffersSweptAgreeWithBruteForce) {
  // The two layers of the tiny mapping with their own dataflows (Cluster(4): 2 PEs is illegal).
  const auto w = dse_workload_from_mapping(network("networks/tiny_mapping.m"), {}, false);
  check_against_brute_force(w, tiny_spec());
}

TEST(DseEngine, ExactBuffersAndMapSizesAgreeWithBruteForce) {
  auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws", "rs"};
  s.pes = parse_sweep("32,64,96,128,192", "--pes");
  s.noc_bw = parse_sweep("8:96:8", "--bw");
  s.map_sizes = {parse_map_size_sweep("C=16,64,512"), parse_map_size_sweep("K=1,4,16,600")};
  s.area_budget_um2 = 16e6;
  s.power_budget_mw = 450;
  check_against_brute_force(w, s);
  s.fit_clusters = true;  // 32 PEs: kcp_ws' Cluster(64) shrinks to 32
  check_against_brute_force(w, s);
}

TEST(DseEngine, HandComputedPruning) {
  // VGG16 CONV11 under kcp_ws (L1 54 B per PE and L2 2,306 B at 64 PEs, 3,460 B at 128), 16 mm2:
  //  - 192 PEs: the matrix arbiter alone is 395.473 x (1.2886 x 192^2 + 5.5814 x 192 - 23.711)
  //    = 19.2 mm2, so the chunk is skipped without analysis (8 designs);
  //  - 128 PEs: fixed area 8.66 mm2 plus 101.7938 x (14.662 x 128 + 28.895) = 0.194 mm2 per unit
  //    of bandwidth: BW <= 37, so 8..32 are evaluated and 40..64 skipped;
  //  - 64 PEs: fixed 2.24 mm2 plus 0.098 mm2 per unit: every BW up to 64 fits.
  auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws"};
  s.pes = parse_sweep("64,128,192", "--pes");
  s.noc_bw = parse_sweep("8:64:8", "--bw");
  s.area_budget_um2 = 16e6;
  s.power_budget_mw = 450;
  const SweepRun r = sweep(w, s);
  EXPECT_EQ(r.info.total.explored, 24);
  EXPECT_EQ(r.info.total.evaluated, 12);
  EXPECT_EQ(r.info.total.valid, 12);
  EXPECT_EQ(r.info.total.skipped, 12);
  EXPECT_EQ(r.info.total.illegal, 0);
  std::set<std::int64_t> bw128;
  for (const auto& d : r.designs)
    if (d.point.pes == 128) bw128.insert(d.point.noc_bw);
  EXPECT_EQ(bw128, (std::set<std::int64_t>{8, 16, 24, 32}));
  for (const auto& d : r.designs) {
    EXPECT_EQ(d.metrics.l1_required_bytes, 54);
    EXPECT_EQ(d.point.l1_bytes, 54);  // exact buffers
    EXPECT_EQ(d.metrics.l2_required_bytes, d.point.pes == 64 ? 2306 : 3460);
  }
  // At 128 PEs and BW 32: 248.4 mW and 14.87 mm2 (the sum of the blocks above).
  for (const auto& d : r.designs)
    if (d.point.pes == 128 && d.point.noc_bw == 32) {
      EXPECT_NEAR(d.metrics.power_mw, 248.43, 0.01);
      EXPECT_NEAR(d.metrics.area_um2 / 1e6, 14.867, 0.001);
    }
  // A budget nothing meets: every chunk is skipped before any analysis.
  s.area_budget_um2 = 1e5;
  const SweepRun none = sweep(w, s);
  EXPECT_EQ(none.info.total.skipped, 24);
  EXPECT_EQ(none.info.total.analyses, 0);
  EXPECT_TRUE(none.designs.empty());
}

TEST(DseEngine, IllegalDesignsAreCountedApart) {
  auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws"};
  s.pes = parse_sweep("32,64", "--pes");
  s.noc_bw = parse_sweep("8,16", "--bw");
  SweepRun r = sweep(w, s);
  EXPECT_EQ(r.info.total.illegal, 2);  // Cluster(64) on 32 PEs
  EXPECT_EQ(r.info.total.evaluated, 2);
  ASSERT_EQ(r.info.notes.size(), 1u);
  EXPECT_NE(r.info.notes[0].find("Cluster sizes multiply to 64 PEs but the hardware has 32"),
            std::string::npos)
      << r.info.notes[0];
  s.fit_clusters = true;
  r = sweep(w, s);
  EXPECT_EQ(r.info.total.illegal, 0);
  EXPECT_EQ(r.info.total.evaluated, 4);
}

TEST(DseEngine, BandwidthReuseIsExactAndSavesAnalyses) {
  // Re-timing the top-level cases and plateaus give the latencies a fresh analysis at every
  // bandwidth gives, with the off-chip overlap and hop latency too.
  auto w = vgg_layer("CONV11");
  for (std::int64_t offchip : {70000, 3}) {
    DseSpec s;
    s.dataflows = {"rs", "kcp_ws", "nlr", "yxp_os"};
    s.pes = parse_sweep("42:168:42", "--pes");
    s.noc_bw = parse_sweep("1:400:3", "--bw");
    s.offchip_bw = offchip;
    s.noc_latency = offchip == 3 ? 3 : 1;
    DseOptions with, without;
    without.reuse_bw_plateaus = false;
    const SweepRun a = sweep(w, s, with);
    const SweepRun b = sweep(w, s, without);
    ASSERT_EQ(a.designs.size(), b.designs.size());
    for (std::size_t i = 0; i < a.designs.size(); ++i) {
      EXPECT_EQ(key(a.designs[i].point), key(b.designs[i].point));
      expect_same_metrics(a.designs[i].metrics, b.designs[i].metrics, std::to_string(i));
    }
    EXPECT_LT(a.info.total.analyses, b.info.total.analyses / 4) << offchip;
    EXPECT_EQ(b.info.total.analyses, b.info.total.evaluated);
  }
}

TEST(DseEngine, PeCountsUsingTheSamePesShareAnalyses) {
  // kcp_ws clusters 64 PEs: 64..127 PEs all use 64 of them, 128..191 use 128. The sweep over
  // every PE count equals the sweeps of each PE count alone, with far fewer analyses run.
  auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws", "nlr"};  // nlr has no cluster: nothing to share
  s.pes = parse_sweep("60:140:1", "--pes");
  s.noc_bw = parse_sweep("8:64:8", "--bw");
  s.area_budget_um2 = 16e6;
  for (int threads : {1, 2}) {
    DseOptions opt;
    opt.threads = threads;
    const SweepRun all = sweep(w, s, opt);
    std::vector<DesignRecord> one_by_one;
    std::int64_t analyses = 0;
    for (int df = 0; df < 2; ++df)
      for (auto pes : s.pes.values) {
        DseSpec single = s;
        single.dataflows = {s.dataflows[static_cast<std::size_t>(df)]};
        single.pes = single_value(pes);
        SweepRun r = sweep(w, single);
        for (auto& d : r.designs) d.point.dataflow = df;
        one_by_one.insert(one_by_one.end(), r.designs.begin(), r.designs.end());
        analyses += r.info.analyses_run;
      }
    ASSERT_EQ(all.designs.size(), one_by_one.size());
    for (std::size_t i = 0; i < one_by_one.size(); ++i) {
      ASSERT_EQ(key(all.designs[i].point), key(one_by_one[i].point)) << i;
      expect_same_metrics(all.designs[i].metrics, one_by_one[i].metrics, std::to_string(i));
    }
    EXPECT_EQ(all.info.total.analyses, analyses);        // counted as if not shared
    EXPECT_LT(all.info.analyses_run, analyses * 3 / 4);  // kcp_ws shares, nlr does not
  }
}

TEST(DseEngine, ResultsDoNotDependOnThreads) {
  const auto w = dse_workload_from_mapping(network("networks/tiny_mapping.m"), {}, false);
  DseSpec s = tiny_spec();
  s.pes = parse_sweep("4:64:4", "--pes");
  DseOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const SweepRun a = sweep(w, s, one);
  const SweepRun b = sweep(w, s, two);
  ASSERT_EQ(a.designs.size(), b.designs.size());
  for (std::size_t i = 0; i < a.designs.size(); ++i) {
    ASSERT_EQ(key(a.designs[i].point), key(b.designs[i].point)) << i;
    expect_same_metrics(a.designs[i].metrics, b.designs[i].metrics, std::to_string(i));
  }
  EXPECT_EQ(a.info.total.skipped, b.info.total.skipped);
  EXPECT_EQ(a.info.total.analyses, b.info.total.analyses);
}

TEST(DseEngine, InterruptedSweepResumesFromTheStore) {
  const auto w = dse_workload_from_mapping(network("networks/tiny_mapping.m"), {}, false);
  DseSpec s = tiny_spec();
  s.pes = parse_sweep("4:160:4", "--pes");  // 40 chunks: more than one wave
  s.area_budget_um2 = 4e6;
  s.power_budget_mw = 200;
  const SweepRun clean = sweep(w, s);

  auto store = ResultStore::open_in_memory();
  std::atomic<bool> stop{false};
  DseOptions opt;
  opt.threads = 1;
  opt.store = &store;
  opt.stop_requested = [&] { return stop.load(); };
  SweepRun first;
  first.info = run_dse(w, s, opt, [&](const ChunkResult& c) {
    first.designs.insert(first.designs.end(), c.designs.begin(), c.designs.end());
    stop = true;  // stops before the next wave
  });
  EXPECT_TRUE(first.info.interrupted);
  EXPECT_LT(first.info.chunks_computed, first.info.chunks_total);
  EXPECT_GT(first.info.chunks_computed, 0);

  stop = false;
  SweepRun second;
  second.info = run_dse(w, s, opt, [&](const ChunkResult& c) {
    second.designs.insert(second.designs.end(), c.designs.begin(), c.designs.end());
  });
  EXPECT_FALSE(second.info.interrupted);
  EXPECT_GT(second.info.chunks_reused, 0);
  EXPECT_LT(second.info.session.analyses, clean.info.total.analyses);
  EXPECT_EQ(second.info.total.explored, clean.info.total.explored);
  EXPECT_EQ(second.info.total.evaluated, clean.info.total.evaluated);
  EXPECT_EQ(second.info.total.valid, clean.info.total.valid);
  EXPECT_EQ(second.info.total.skipped, clean.info.total.skipped);
  EXPECT_EQ(second.info.total.analyses, clean.info.total.analyses);
  ASSERT_EQ(second.designs.size(), clean.designs.size());
  for (std::size_t i = 0; i < clean.designs.size(); ++i) {
    EXPECT_EQ(key(second.designs[i].point), key(clean.designs[i].point));
    expect_same_metrics(second.designs[i].metrics, clean.designs[i].metrics, std::to_string(i));
  }
  // A third run computes nothing; a larger PE range reuses the chunks already done.
  const SweepRun third = [&] {
    SweepRun r;
    r.info = run_dse(w, s, opt, [&](const ChunkResult&) {});
    return r;
  }();
  EXPECT_EQ(third.info.session.analyses, 0);
  const auto stored = store.count(store.open_run("dse", dse_run_config(w, s)).id);
  EXPECT_GT(stored, 0);
  DseSpec more = s;
  more.pes = parse_sweep("4:200:4", "--pes");
  SweepRun fourth;
  fourth.info = run_dse(w, more, opt, [](const ChunkResult&) {});
  EXPECT_EQ(fourth.info.chunks_reused, stored);
  // Another budget is another run: nothing reused.
  DseSpec other = s;
  other.power_budget_mw = 100;
  SweepRun fifth;
  fifth.info = run_dse(w, other, opt, [](const ChunkResult&) {});
  EXPECT_EQ(fifth.info.chunks_reused, 0);
}

TEST(DseEngine, ChunkEncodingRoundTrips) {
  ChunkResult c;
  c.index = 7;
  c.counts = {10, 4, 5, 3, 1, 6};
  DesignRecord d;
  d.point.pes = 64;
  d.point.vector_width = 2;
  d.point.noc_bw = 16;
  d.point.l1_bytes = 100;
  d.point.l2_bytes = 2000;
  d.point.map_sizes = {1, 2, 3, 4};
  d.metrics.latency_cycles = 123;
  d.metrics.energy_pj = 4.5;
  d.metrics.energy_breakdown_pj = {1, 2, 3, 4, 5};
  d.metrics.area_um2 = 6.25;
  d.metrics.power_mw = 7.5;
  d.metrics.macs = 99;
  d.metrics.l1_required_bytes = 50;
  d.metrics.l2_required_bytes = 1500;
  d.valid = true;
  c.designs = {d, d};
  c.designs[1].valid = false;
  c.note = "why";
  const ChunkResult back = decode_chunk(encode_chunk(c), 7, 3);
  EXPECT_EQ(back.counts.explored, 10);
  EXPECT_EQ(back.counts.analyses, 6);
  ASSERT_EQ(back.designs.size(), 2u);
  EXPECT_EQ(back.designs[0].point.dataflow, 3);
  EXPECT_EQ(back.designs[0].point.map_sizes, d.point.map_sizes);
  expect_same_metrics(back.designs[0].metrics, d.metrics, "round trip");
  EXPECT_TRUE(back.designs[0].valid);
  EXPECT_FALSE(back.designs[1].valid);
  EXPECT_EQ(back.note, "why");
  EXPECT_TRUE(back.reused);
  EXPECT_THROW(decode_chunk("xx", 0, 0), InternalError);
}

TEST(DseEngine, NetworkFiguresAreTheSumOfTheLayers) {
  // The whole tiny network on one design = `mosaic eval` of that core, layer by layer.
  const auto net = network("networks/tiny_mapping.m");
  for (bool compat : {false, true}) {
    const auto w = dse_workload_from_mapping(net, {}, compat);
    DseSpec s;
    s.maestro_compat = compat;
    s.pes = single_value(16);
    s.noc_bw = single_value(4);
    s.noc_latency = 2;
    s.offchip_bw = 8;
    const SweepRun r = sweep(w, s);
    ASSERT_EQ(r.designs.size(), 1u);
    arch::Core core;
    core.num_pes = 16;
    core.noc_bw = 4;
    core.noc_hops = 1;
    core.noc_hop_latency = 2;
    core.offchip_bw = 8;
    cost::MaestroEvalOptions eo;
    eo.maestro_compat = compat;
    const auto rep = cost::evaluate_maestro_network(net, core, eo);
    double latency = 0, energy = 0;
    std::int64_t l1 = 0, l2 = 0;
    for (const auto& l : rep.layers) {
      latency += static_cast<double>(l.runtime_cycles);
      energy += l.cost.energy_pj;
      l1 = std::max(l1, l.l1_size_req);
      l2 = std::max(l2, l.l2_size_req);
    }
    const auto& m = r.designs[0].metrics;
    EXPECT_EQ(m.latency_cycles, latency) << compat;
    EXPECT_DOUBLE_EQ(m.energy_pj, energy) << compat;
    EXPECT_EQ(m.l1_required_bytes, l1);
    EXPECT_EQ(m.l2_required_bytes, l2);
    // Area and power of the design with exactly those buffers (MAESTRO's model).
    const auto ap = arch::area_power(s.technology, 16, 1, 4, l1, l2);
    EXPECT_EQ(m.area_um2, ap.area_um2);
    EXPECT_EQ(m.power_mw, ap.power_mw);
  }
}

TEST(DseEngine, PrecisionScalesTheBuffers) {
  auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws"};
  s.pes = single_value(64);
  s.noc_bw = single_value(8);
  s.precision_bits = 16;
  const SweepRun r = sweep(w, s);
  ASSERT_EQ(r.designs.size(), 1u);
  EXPECT_EQ(r.designs[0].metrics.l1_required_bytes, 108);
  EXPECT_EQ(r.designs[0].metrics.l2_required_bytes, 4612);
}

TEST(DseEngine, SpecificationErrors) {
  auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws"};
  s.pes = single_value(64);
  s.noc_bw = single_value(8);
  s.map_sizes = {parse_map_size_sweep("Y=1:2")};  // kcp_ws maps Y as a sliding window
  try {
    sweep(w, s);
    ADD_FAILURE() << "accepted a mapping sweep that matches no map";
  } catch (const UserError& e) {
    EXPECT_EQ(e.where().field, "map_sizes Y");  // the command line says --map-size
    EXPECT_NE(std::string(e.what()).find("sliding windows cannot be swept"), std::string::npos);
  }
  s.map_sizes.clear();
  s.dataflows = {"no_such_dataflow"};
  EXPECT_THROW(sweep(w, s), UserError);
  // The model file's layers have no dataflow of their own.
  s.dataflows.clear();
  EXPECT_THROW(sweep(w, s), UserError);
  EXPECT_THROW(dse_workload_from_mapping(network("networks/vgg16.m"), {"CONV99"}, false),
               UserError);
}

}  // namespace
}  // namespace mosaic::search
