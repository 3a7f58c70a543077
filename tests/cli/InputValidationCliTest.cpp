// One test per class of bad input (docs/input-validation.md), end to end through the mosaic
// binary: each asserts the exit status and the message naming the file, line and field (or flag).
// The inputs are written to a temporary directory; none needs ../shared.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A valid core YAML with one line replaced or appended.
std::string core_yaml(const std::string& extra = "", const std::string& pes = "pes: 64") {
  return "name: t\ndataflow: kcp_ws\n" + pes +
         "\nl1_bytes: 512\nl2_bytes: 65536\nnoc_bw: 64\noffchip_bw: 16\n" + extra;
}

const char* kTiny = "examples/networks/tiny_mapping.m";

class InputValidation : public ::testing::Test {
 protected:
  std::string file(const std::string& name, const std::string& text) {
    const auto p = dir_.path() / name;
    write_file(p, text);
    return p.string();
  }
  RunResult eval_hw(const std::string& hw) {
    return run_mosaic("eval --quiet --mapping " + (source_dir() / kTiny).string() + " --hw " + hw);
  }
  TempDir dir_;
};

TEST_F(InputValidation, CoreYamlRefusesNanNegativeAndFractions) {
  auto r = eval_hw(file("nan.yaml", core_yaml("", "pes: .nan")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "nan.yaml:3: pes: must be a positive integer, got '.nan'")) << r.err;
  r = eval_hw(file("neg.yaml", core_yaml("", "pes: -4")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "neg.yaml:3: pes: must be a positive integer, got -4")) << r.err;
  r = eval_hw(file("frac.yaml", core_yaml("noc_latency: 1.5\n")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "frac.yaml:8: noc_latency: must be a non-negative integer, got 1.5"))
      << r.err;
  r = eval_hw(file("zero.yaml", core_yaml("vector_width: 0\n")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "zero.yaml:8: vector_width: must be a positive integer, got 0"))
      << r.err;
}

TEST_F(InputValidation, CoreYamlDataflowDuplicatesUnknownKeysAndEmptyFile) {
  std::string y = core_yaml();
  y.replace(y.find("kcp_ws"), 6, "nosuch");
  auto r = eval_hw(file("df.yaml", y));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "df.yaml:2: dataflow: unknown dataflow 'nosuch'")) << r.err;
  r = eval_hw(file("dup.yaml", core_yaml("noc_bw: 32\n")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "dup.yaml:8: noc_bw: key given twice (first on line 6)")) << r.err;
  r = eval_hw(file("typo.yaml", core_yaml("noc_bww: 32\n")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "typo.yaml:8: noc_bww: unknown key (did you mean 'noc_bw'?)"))
      << r.err;
  r = eval_hw(file("nopes.yaml", "name: t\nnoc_bw: 64\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "nopes.yaml: no 'pes': give the number of PEs")) << r.err;
}

TEST_F(InputValidation, Utf8BomIsSkippedInYamlAndMFiles) {
  auto r = eval_hw(file("bom.yaml", "\xEF\xBB\xBF" + core_yaml()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = eval_hw(file("bom.m", "\xEF\xBB\xBFnum_pes: 64\nnoc_bw_cstr: 64\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string net = read_file(source_dir() / kTiny);
  const auto m = file("bomnet.m", "\xEF\xBB\xBF" + net);
  r = run_mosaic("eval --quiet --mapping " + m + " --hw " + file("hw.m", "num_pes: 64\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(InputValidation, MaestroHardwareFileReadsTheMinusAndRefusesIt) {
  auto r = eval_hw(file("neg.m", "num_pes: -256\nnoc_bw_cstr: 64\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "neg.m:1: num_pes: must be a positive integer, got -256")) << r.err;
  r = eval_hw(file("empty.m", "// nothing\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "empty.m: the hardware file is empty")) << r.err;
  r = eval_hw(file("dup.m", "num_pes: 64\nnum_pes: 32\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "dup.m:2: num_pes: key given twice (first on line 1)")) << r.err;
  r = eval_hw(file("typo.m", "num_pe: 64\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "typo.m:1: num_pe: unknown key (did you mean 'num_pes'?)")) << r.err;
  r = eval_hw(file("big.m", "num_pes: 99999999999999999999\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "big.m:1: num_pes: '99999999999999999999' is out of range")) << r.err;
}

TEST_F(InputValidation, MaestroNetworkNegativeSizesAreRefused) {
  std::string net = read_file(source_dir() / kTiny);
  std::string neg_dim = net;
  neg_dim.replace(neg_dim.find("K: 8"), 4, "K: -8");
  const std::string hw = file("hw.m", "num_pes: 64\n");
  auto r = run_mosaic("eval --quiet --mapping " + file("negdim.m", neg_dim) + " --hw " + hw);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "negdim.m:7: Dimensions K: dimension size must be positive, got -8"))
      << r.err;
  std::string neg_map = net;
  neg_map.replace(neg_map.find("SpatialMap(1,1) K"), 17, "SpatialMap(-1,1) K");
  r = run_mosaic("eval --quiet --mapping " + file("negmap.m", neg_map) + " --hw " + hw);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "negmap.m:9: SpatialMap: size must be positive, got -1")) << r.err;
  // `Conv2d-1` keeps MAESTRO's reading: the minus separates the name's tokens.
  std::string named = net;
  named.replace(named.find("Layer conv"), 10, "Layer conv-1");
  r = run_mosaic("eval --mapping " + file("named.m", named) + " --hw " + hw);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\n1 ")) << r.out;
}

TEST_F(InputValidation, HugeNocLatencyIsAnOverflowErrorNotANegativeRuntime) {
  const auto r = eval_hw(file("hops.m", "num_pes: 64\nNoC_NumHops: 9000000000000000000\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "cannot be represented")) << r.err;
  EXPECT_FALSE(contains(r.out, "-")) << r.out;
}

TEST_F(InputValidation, ClassAcceleratorAndTechnologyFiles) {
  auto r =
      run_mosaic("herald --quiet --no-store --out " + (dir_.path() / "o1").string() + " --class " +
                 file("cls.yaml", "total_pes: 1024\nnoc_gbps: .inf\nglobal_buffer_bytes: 4\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "cls.yaml:2: noc_gbps: must be a positive number, got '.inf'"))
      << r.err;
  r = run_mosaic(
      "herald --quiet --no-store --out " + (dir_.path() / "o2").string() + " --accelerator " +
      file("acc.yaml",
           "global_buffer_bytes: 4096\nclock_ghz: 0\ncores:\n  - {dataflow: nvdla, pes: 64, "
           "noc_gbps: 8}\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "acc.yaml:2: clock_ghz: must be a positive number, got 0")) << r.err;
  r = run_mosaic(
      "herald --quiet --no-store --out " + (dir_.path() / "o3").string() + " --accelerator " +
      file("acc2.yaml",
           "global_buffer_bytes: 4096\ncores:\n  - {dataflow: nvdla, pes: 64, noc_gbps: 8, "
           "pes: 32}\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "acc2.yaml:3: pes: key given twice")) << r.err;
  r = run_mosaic("eval --quiet --mapping " + (source_dir() / kTiny).string() + " --hw " +
                 file("hw.m", "num_pes: 64\n") + " --technology " +
                 file("tech.yaml", "mac_pj: -1\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "tech.yaml:1: mac_pj: must be a non-negative number, got -1"))
      << r.err;
}

TEST_F(InputValidation, WorkloadFilesDuplicatesFractionsAndOverflow) {
  const std::string head = "models:\n  - name: g\n    layers:\n      - {name: l, op: gemm, dims: ";
  auto r = run_mosaic("workload show " + file("dup.yaml", "name: a\nname: b\nmodels: []\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "dup.yaml:2: name: key given twice (first on line 1)")) << r.err;
  r = run_mosaic("workload show " + file("frac.yaml", head + "{N: 4, K: 1.5, C: 4}}\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "K: must be an integer between 1 and 1099511627776, got 1.5"))
      << r.err;
  // A GEMM of 2^31 per side: 2^93 MACs.
  r = run_mosaic("workload show " +
                 file("big.yaml", head + "{N: 2147483648, K: 2147483648, C: 2147483648}}\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "the layer's MACs cannot be represented")) << r.err;
  // Batch x instances beyond 64 bits.
  r = run_mosaic("workload show " +
                 file("batch.yaml", head + "{N: 1, K: 1099511627776, C: 1048576}}\n" +
                                        "    batch: 1048576\n    instances: 65536\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "cannot be represented")) << r.err;
  EXPECT_FALSE(contains(r.out, "-")) << r.out;
  r = run_mosaic("workload show " + file("typo.yaml", "name: a\nmodel: []\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "unknown key 'model' (did you mean 'models'?)")) << r.err;
}

TEST_F(InputValidation, ZigZagMappingAndWorkloadCrossChecks) {
  const auto data = source_dir() / "tests" / "data";
  const std::string hw = (data / "zigzag_small_hw.yaml").string();
  const std::string wl = (data / "zigzag_small_workload.yaml").string();
  std::string m = read_file(data / "zigzag_small_mapping.yaml");
  std::string unknown_dim = m;
  unknown_dim.replace(unknown_dim.find("\"K, 4\""), 6, "\"KK, 4\"");
  auto r = run_mosaic("map --quiet --workload " + wl + " --hw " + hw + " --mapping " +
                      file("dim.yaml", unknown_dim));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "KK is not a loop dimension of the workload")) << r.err;
  EXPECT_TRUE(contains(r.err, "(did you mean 'K'?)")) << r.err;
  std::string too_wide = m;
  too_wide.replace(too_wide.find("\"K, 4\""), 6, "\"K, 4\", \"OX, 2\"");
  r = run_mosaic("map --quiet --workload " + wl + " --hw " + hw + " --mapping " +
                 file("wide.yaml", too_wide));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "the unroll factors multiply to 8 but D1 has 4 units")) << r.err;
  std::string wrong_array = m;
  wrong_array.replace(wrong_array.find("D2: [\"C, 4\"]"), 3, "D3:");
  r = run_mosaic("map --quiet --workload " + wl + " --hw " + hw + " --mapping " +
                 file("arr.yaml", wrong_array));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "D3 is not an array dimension")) << r.err;
  std::string w = read_file(data / "zigzag_small_workload.yaml");
  w.replace(w.find("operand_source: {I: 0, W: 1}"), 28, "operand_source: {I: 7, W: 1}");
  r = run_mosaic("map --quiet --workload " + file("wl.yaml", w) + " --hw " + hw);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "operand_source I: layer 7 is not in the file")) << r.err;
}

TEST_F(InputValidation, FlagsAreCheckedByTheSameRules) {
  struct Case {
    std::string args, message;
  };
  const std::string out = " --out " + (dir_.path() / "o").string();
  const Case cases[] = {
      {"herald --load-balance nan" + out, "--load-balance: must be a number >= 1, got 'nan'"},
      {"herald --load-balance 0.5" + out, "--load-balance: must be a number >= 1, got 0.5"},
      {"herald --threads=-3" + out, "--threads: must be an integer between 0 and 4096, got -3"},
      {"herald --samples 1.5" + out,
       "--samples: must be an integer between 1 and 1000000000, got 1.5"},
      {"herald --seed=-1" + out, "--seed: must be a non-negative integer, got -1"},
      {"herald --rearrange-cycles-per-byte inf" + out,
       "--rearrange-cycles-per-byte: must be a non-negative number, got 'inf'"},
      {"herald --granularity 0" + out,
       "--granularity: must be an integer between 1 and 4096, got 0"},
      {"map --workload w.yaml --hw h.yaml --min-utilization nan",
       "--min-utilization: must be a number in [0, 1], got 'nan'"},
      {"memsize --workload w.yaml --threshold 2", "--threshold: must be a number in [0, 1], got 2"},
      {"memsize --workload w.yaml --batch 0", "--batch: must be an integer between 1 and"},
      {"dse --mapping m.m --pes 64 --bw 8 --area-mm2=-1" + out,
       "--area-mm2: must be a positive number, got -1"},
      {"explain --mapping m.m --pes=-256", "--pes: must be a positive integer, got -256"},
  };
  for (const auto& c : cases) {
    const auto r = run_mosaic(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << c.args << "\n" << r.err;
  }
}

// A sweep that cannot fit in the address space reports "out of memory" and what was running,
// exit 1 (not "std::bad_alloc"). Not under AddressSanitizer (its shadow memory needs more address
// space than the limit allows).
// --allow-large: the sweep estimate (SweepBudgetCli) would refuse this sweep before it
// allocates; confirmed, it runs out of memory and says so.
TEST(InputValidationOom, BadAllocIsAClearMessage) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ulimit -v and AddressSanitizer do not mix";
#else
  TempDir dir;
  const auto err = dir.path() / "stderr";
  const std::string cmd = "ulimit -v 400000; '" + mosaic_binary().string() +
                          "' herald --granularity 4096 --no-store --quiet --no-baselines "
                          "--styles nvdla,shi,eyeriss --allow-large --out '" +
                          (dir.path() / "o").string() + "' >/dev/null 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string text = read_file(err);
  EXPECT_TRUE(contains(text, "error: out of memory: while running the Herald sweep")) << text;
  EXPECT_FALSE(contains(text, "std::bad_alloc")) << text;
#endif
}

}  // namespace
}  // namespace mosaic::test
