// mosaic-mpi stream: the allocation searches (GA generations, the exhaustive list) scheduled on
// the worker ranks give the same summary, schedule and trace as one `mosaic stream` process
// (Stream's tutorial lab 3, fused). Skipped without mpirun or the shared reference data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "MpiTestSupport.h"
#include "TestSupport.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string lab3_args(const std::string& allocation) {
  const fs::path in = test::shared_dir() / "reference/stream/tutorial/lab3/inputs";
  return "stream --accelerator '" + (in / "hardware/hda_bus.yaml").string() + "' --workload '" +
         (in / "workload/4_convs.onnx").string() + "' --mapping '" +
         (in / "mapping/mapping.yaml").string() + "' --mode fused --allocation " + allocation +
         " --generations 6 --population 8 --seed 3";
}

void expect_same_stream(const std::string& args) {
  test::TempDir d;
  const auto one = test::run_mosaic(args + " --out one", d.path());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto r = test::run_shell(test::mpirun(3) + args + " --out mpi", d.path(), "mpi");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("stream: 3 MPI ranks: rank 0 searches, 2 schedule allocations"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(one.out, r.out);
  json a = test::read_json(d.path() / "one/summary.json");
  json b = test::read_json(d.path() / "mpi/summary.json");
  a.erase("wall_seconds");
  b.erase("wall_seconds");
  EXPECT_EQ(a, b);
  for (const char* f : {"schedule.json", "trace.json"})
    EXPECT_EQ(test::read_file(d.path() / "one" / f), test::read_file(d.path() / "mpi" / f)) << f;
}

TEST(MpiStream, GaThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  MOSAIC_REQUIRE_SHARED();
  expect_same_stream(lab3_args("ga"));
}

TEST(MpiStream, ExhaustiveThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  MOSAIC_REQUIRE_SHARED();
  expect_same_stream(lab3_args("exhaustive"));
}

}  // namespace
}  // namespace mosaic
