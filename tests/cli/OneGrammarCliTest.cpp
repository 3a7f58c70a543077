// One command-line grammar (docs/cli.md): every verb takes every workload kind through one front
// end, sizes with units, --threads without changing a number, --out defaults, --json FILE, one
// --quiet, the two technology formats told apart, objective names and "did you mean" for names.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

using nlohmann::json;

std::string q(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}
std::string data(const char* name) {
  return q(source_dir() / "tests/data" / name);
}
std::string small_hw() {
  return " --hw " + data("zigzag_small_hw.yaml") + " --mapping " +
         data("zigzag_small_mapping.yaml");
}

// A mosaic workload file with one inline layer table (docs/workloads.md).
std::string tiny_workload(const TempDir& d) {
  const auto p = d.path() / "tiny.yaml";
  write_file(
      p,
      "name: tiny\nmodels:\n  - name: tiny\n    layers:\n"
      "      - {name: c1, op: conv, dims: {K: 8, C: 3, Y: 17, X: 17, R: 3, S: 3}, stride: 2}\n"
      "      - {name: fc, op: gemm, dims: {C: 72, K: 10}, inputs: [c1]}\n");
  return q(p);
}

json run_json(const std::string& args, const TempDir& d, const char* name) {
  const auto out = d.path() / name;
  const auto r = run_mosaic(args + " --json " + q(out));
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  return r.exit_code == 0 ? json::parse(read_file(out)) : json();
}

// --- one workload front end -------------------------------------------------------------------

TEST(OneGrammar, MapTakesAMosaicWorkloadFileAndAZooModel) {
  TempDir d;
  const json j = run_json("map --quiet --workload " + tiny_workload(d) + small_hw(), d, "t.json");
  ASSERT_EQ(j["layers"].size(), 2u);
  EXPECT_EQ(j["layers"][0]["name"], "tiny/c1");
  EXPECT_EQ(j["layers"][0]["macs"], 8 * 3 * 8 * 8 * 3 * 3);  // K C OY OX FY FX
  EXPECT_EQ(j["layers"][1]["macs"], 72 * 10);
  // A zoo model: Interstellar's LSTM-M, one GEMM of 32,000,000 MACs (`mosaic workload zoo`).
  const json z = run_json("map --quiet --workload lstm_m" + small_hw(), d, "z.json");
  ASSERT_EQ(z["layers"].size(), 1u);
  EXPECT_EQ(z["layers"][0]["macs"], 32000000);
  EXPECT_GT(z["energy_pj"].get<double>(), 0);
}

TEST(OneGrammar, ZigZagWorkloadRoundTripKeepsTheConvCosts) {
  // ZigZag YAML -> mosaic workload -> ZigZag YAML (workload convert --to zigzag): the two conv
  // layers cost exactly what they cost read directly; of the pooling, add and FC layers only the
  // FC (a Gemm) is written, as ZigZag's ONNX parser costs only convolutions and matrix products.
  TempDir d;
  const auto conv = d.path() / "round.yaml";
  const auto c = run_mosaic("workload convert " + data("zigzag_small_workload.yaml") +
                            " --to zigzag -o " + q(conv));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json direct = run_json(
      "map --quiet --workload " + data("zigzag_small_workload.yaml") + small_hw(), d, "a.json");
  const json round = run_json("map --quiet --workload " + q(conv) + small_hw(), d, "b.json");
  ASSERT_EQ(direct["layers"].size(), 5u);
  ASSERT_EQ(round["layers"].size(), 3u);  // conv_a, conv_b and the FC (Gemm) layer
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(round["layers"][i]["macs"], direct["layers"][i]["macs"]) << i;
    EXPECT_DOUBLE_EQ(round["layers"][i]["energy_pj"].get<double>(),
                     direct["layers"][i]["energy_pj"].get<double>())
        << i;
    EXPECT_DOUBLE_EQ(round["layers"][i]["latency_cycles"].get<double>(),
                     direct["layers"][i]["latency_cycles"].get<double>())
        << i;
  }
  EXPECT_EQ(round["layers"][2]["macs"], direct["layers"][4]["macs"]);
}

TEST(OneGrammar, ZigZagWorkloadReachesTheWorkloadVerbs) {
  // `workload show` (and so herald, dse, schedule, h3m: one load_workload) reads a ZigZag file:
  // 8x3x8x8x3x3 + 16x8x6x6x3x3 conv MACs and the FC's.
  const auto r = run_mosaic("workload show " + data("zigzag_small_workload.yaml") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["models"].size(), 1u);
  const auto& layers = j["models"][0]["layers"];
  ASSERT_GE(layers.size(), 4u);
  EXPECT_EQ(layers[0]["macs"], 8 * 3 * 8 * 8 * 3 * 3);
  EXPECT_EQ(layers[1]["macs"], 16 * 8 * 6 * 6 * 3 * 3);
}

TEST(OneGrammar, ZigZagWorkloadReachesHeraldAndItsQuietKeepsTheVerdict) {
  TempDir d;
  const auto r = run_mosaic("herald --quiet --no-store --granularity 4 --workload " +
                            data("zigzag_small_workload.yaml") + " --out " + q(d.path() / "h"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("winner: ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nbest searched vs best FDA"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
}

TEST(OneGrammar, ZigZagResNet18KeepsItsMacs) {
  MOSAIC_REQUIRE_SHARED();
  // ZigZag's own ResNet-18 file: the sum over its Conv layers of the product of the loop sizes.
  const auto r =
      run_mosaic("workload show " +
                 q(shared_dir() / "reference/zigzag/inputs/workload/resnet18.yaml") + " --summary");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("31 layers (compute granularity), 1,968,214,016 MACs"), std::string::npos)
      << r.out;
}

TEST(OneGrammar, EvalTakesAWorkloadWithADataflow) {
  TempDir d;
  const std::string hw = q(source_dir() / "examples/hw/accelerator_256.m");
  const auto r = run_mosaic("eval --quiet --workload " + tiny_workload(d) + " --hw " + hw +
                            " --dataflow kcp_ws");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("total: " + std::to_string(8 * 3 * 8 * 8 * 9 + 720) + " MACs", 0), 0u)
      << r.out;
  const auto no_df = run_mosaic("eval --workload " + tiny_workload(d) + " --hw " + hw);
  EXPECT_EQ(no_df.exit_code, 1);
  EXPECT_NE(no_df.err.find("--dataflow"), std::string::npos) << no_df.err;
}

TEST(OneGrammar, UnknownWorkloadNameSuggestsTheNearest) {
  const auto r = run_mosaic("workload show resnet5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("(did you mean 'resnet50'?)"), std::string::npos) << r.err;
}

// --- --threads ----------------------------------------------------------------------------------

TEST(OneGrammar, MapAndMemsizeThreadsGiveTheSameNumbers) {
  TempDir d;
  const std::string map =
      "map --quiet --workload " + data("zigzag_small_workload.yaml") + small_hw();
  const json one = run_json(map + " --threads 1", d, "1.json");
  const json two = run_json(map + " --threads 2", d, "2.json");
  EXPECT_DOUBLE_EQ(one["energy_pj"].get<double>(), 375897.37);
  EXPECT_EQ(one["energy_pj"], two["energy_pj"]);
  EXPECT_EQ(one["latency_cycles"], two["latency_cycles"]);
  ASSERT_EQ(one["layers"].size(), two["layers"].size());
  for (std::size_t i = 0; i < one["layers"].size(); ++i) {
    EXPECT_EQ(one["layers"][i]["name"], two["layers"][i]["name"]);
    EXPECT_EQ(one["layers"][i]["energy_pj"], two["layers"][i]["energy_pj"]);
  }
  const std::string mem = "memsize --quiet --workload mlp-m --one-level";
  const json m1 = run_json(mem + " --threads 1", d, "m1.json");
  const json m2 = run_json(mem + " --threads 2", d, "m2.json");
  EXPECT_EQ(m1["best"], m2["best"]);
  EXPECT_EQ(m1["baseline"], m2["baseline"]);
}

// --- sizes
// ----------------------------------------------------------------------------------------

TEST(OneGrammar, SizeUnitsInEveryVerbWithSizes) {
  TempDir d;
  // memsize --gb / --rf
  const json a =
      run_json("memsize --quiet --workload mlp-m --one-level --gb 128KiB --rf 0.5K", d, "a.json");
  const json b =
      run_json("memsize --quiet --workload mlp-m --one-level --gb 131072 --rf 512", d, "b.json");
  EXPECT_EQ(a["baseline"]["buffer_bytes"], json::array({131072}));
  EXPECT_EQ(a["baseline"]["rf_bytes"], json::array({512}));
  EXPECT_EQ(a["best"], b["best"]);
  // dse --l1 / --l2: 2MiB is 2,097,152 bytes, as a sweep value too.
  const std::string dse = "dse --quiet --no-store --no-html --mapping " +
                          q(source_dir() / "examples/networks/vgg16.m") +
                          " --layer CONV11 --dataflow kcp_ws --pes 64 --bw 16 --l1 1KiB,4K";
  const auto r1 = run_mosaic(dse + " --l2 2MiB --out " + q(d.path() / "d1"));
  const auto r2 = run_mosaic(dse + " --l2 2097152 --out " + q(d.path() / "d2"));
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_NE(r1.out.find("L2=2097152 B"), std::string::npos) << r1.out;
  EXPECT_NE(r1.out.find("L1=1024 B"), std::string::npos) << r1.out;
  auto bests = [](const std::string& out) {  // the "best ..." lines (not the timing line)
    std::string b;
    for (std::size_t at = out.find("best "); at != std::string::npos;
         at = out.find("best ", at + 1))
      b += out.substr(at, out.find('\n', at) - at) + "\n";
    return b;
  };
  EXPECT_EQ(bests(r1.out), bests(r2.out));
  // herald --subacc-buffer (bytes per PE, fractions allowed): parse-only accepts units.
  EXPECT_EQ(run_mosaic("--parse-only herald --subacc-buffer 1.5KiB").exit_code, 0);
  // A bad unit names the flag.
  const auto bad = run_mosaic("memsize --workload mlp-m --gb 2XB");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--gb"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("'2XB' is not a size"), std::string::npos) << bad.err;
  const auto frac = run_mosaic("memsize --workload mlp-m --gb 0.3K");
  EXPECT_EQ(frac.exit_code, 1);
  EXPECT_NE(frac.err.find("not a whole number of bytes"), std::string::npos) << frac.err;
}

// --- --out, --json, --quiet
// -----------------------------------------------------------------------

TEST(OneGrammar, DseAndStreamWriteToTheDefaultOut) {
  TempDir d;
  const auto r = run_mosaic("dse --quiet --no-html --mapping " +
                                q(source_dir() / "examples/networks/vgg16.m") +
                                " --layer CONV11 --dataflow kcp_ws --pes 64 --bw 16",
                            d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(d.path() / "mosaic-out/dse/summary.json"));
  EXPECT_NE(r.out.find("outputs in mosaic-out/dse"), std::string::npos) << r.out;
  const auto h = run_mosaic("stream --help");
  EXPECT_NE(h.out.find("mosaic-out/stream"), std::string::npos) << h.out;
}

TEST(OneGrammar, WorkloadShowJsonTakesAFile) {
  TempDir d;
  const auto out = d.path() / "w.json";
  const auto r = run_mosaic("workload show lstm_m --summary --json " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(json::parse(read_file(out))["models"][0]["macs"], 32000000);
}

TEST(OneGrammar, QuietKeepsTheSummaryOnly) {
  const auto r =
      run_mosaic("schedule --quiet --workload lstm_m --hw " + data("zigzag_small_hw.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("schedule: latency ", 0), 0u) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
  for (const char* verb :
       {"map", "memsize", "eval", "schedule", "dse", "herald", "h3m", "stream"}) {
    const auto h = run_mosaic(std::string(verb) + " --help");
    EXPECT_NE(h.out.find("the result summary, warnings and errors still print"), std::string::npos)
        << verb;
  }
}

// --- technology files, objectives, did you mean -------------------------------------------------

TEST(OneGrammar, TheTwoTechnologyFormatsAreToldApart) {
  const std::string tech = q(source_dir() / "examples/hw/example_technology.yaml");
  const std::string table = q(source_dir() / "examples/hw/interstellar_repo_technology.yaml");
  const auto m = run_mosaic("memsize --workload mlp-m --energy-table " + tech);
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_NE(m.err.find("memsize's --energy-table wants a size-dependent table"), std::string::npos)
      << m.err;
  const auto e = run_mosaic(
      "eval --quiet --mapping " + q(source_dir() / "examples/networks/tiny_mapping.m") + " --hw " +
      q(source_dir() / "examples/hw/accelerator_256.m") + " --technology " + table);
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("an energy table by memory size (memsize --energy-table)"),
            std::string::npos)
      << e.err;
  // The old memsize name still works, with a warning.
  const auto old = run_mosaic("memsize --quiet --workload mlp-m --one-level --technology " + table);
  EXPECT_EQ(old.exit_code, 0) << old.err;
  EXPECT_NE(old.err.find("--technology is now --energy-table"), std::string::npos) << old.err;
}

TEST(OneGrammar, ObjectiveNamesAreSharedWithDidYouMean) {
  // "throughput" is latency for a fixed workload, in every verb.
  TempDir d;
  const std::string map =
      "map --quiet --workload " + data("zigzag_small_workload.yaml") + small_hw();
  const json lat = run_json(map + " --objective latency", d, "l.json");
  const json thr = run_json(map + " --objective throughput", d, "t.json");
  EXPECT_EQ(lat["latency_cycles"], thr["latency_cycles"]);
  EXPECT_EQ(thr["objective"], "latency");
  const auto typo = run_mosaic(map + " --objective latncy");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("unknown objective 'latncy'; choose latency, energy or edp (did you "
                          "mean 'latency'?)"),
            std::string::npos)
      << typo.err;
  const auto herald = run_mosaic("herald --objective enrgy --quiet --out " + q(d.path() / "h"));
  EXPECT_EQ(herald.exit_code, 1);
  EXPECT_NE(herald.err.find("(did you mean 'energy'?)"), std::string::npos) << herald.err;
  const auto ppw = run_mosaic(map + " --objective perf_per_watt");
  EXPECT_EQ(ppw.exit_code, 1);
  EXPECT_NE(ppw.err.find("is not an objective of this command"), std::string::npos) << ppw.err;
}

TEST(OneGrammar, ClosedNamesSuggestTheNearest) {
  const auto mode = run_mosaic("memsize --workload mlp-m --mode sweeep");
  EXPECT_EQ(mode.exit_code, 1);
  EXPECT_NE(mode.err.find("unknown value 'sweeep'; choose optimize, sweep or dataflows (did you "
                          "mean 'sweep'?)"),
            std::string::npos)
      << mode.err;
  const auto to = run_mosaic("workload convert lstm_m --to zigzg");
  EXPECT_EQ(to.exit_code, 1);
  EXPECT_NE(to.err.find("(did you mean 'zigzag'?)"), std::string::npos) << to.err;
  const auto sched = run_mosaic("herald --scheduler gredy --quiet");
  EXPECT_EQ(sched.exit_code, 1);
  EXPECT_NE(sched.err.find("(did you mean 'greedy'?)"), std::string::npos) << sched.err;
}

TEST(OneGrammar, LibraryNamesSuggestTheNearest) {
  const std::string hw = q(source_dir() / "examples/hw/accelerator_256.m");
  const auto df =
      run_mosaic("eval --quiet --mapping " + q(source_dir() / "examples/networks/vgg16.m") +
                 " --hw " + hw + " --dataflow kcp_wss");
  EXPECT_EQ(df.exit_code, 1);
  EXPECT_NE(df.err.find("unknown dataflow 'kcp_wss' (did you mean 'kcp_ws'?)"), std::string::npos)
      << df.err;
  TempDir d;
  const auto cls = run_mosaic("herald --class edgee --quiet --out " + q(d.path() / "h"));
  EXPECT_EQ(cls.exit_code, 1);
  EXPECT_NE(cls.err.find("(did you mean 'edge'?)"), std::string::npos) << cls.err;
  const auto set = run_mosaic("h3m --workload visio --quiet --out " + q(d.path() / "m"));
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_NE(set.err.find("(did you mean 'vision'?)"), std::string::npos) << set.err;
}

TEST(OneGrammar, HelpListsEveryVerb) {
  const auto r = run_mosaic("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* verb : {"dse", "eval", "explain", "h3m", "herald", "maestro", "map", "memsize",
                           "schedule", "stream", "workload"})
    EXPECT_NE(r.out.find(std::string("  ") + verb + " "), std::string::npos) << verb;
}

}  // namespace
}  // namespace mosaic::test
