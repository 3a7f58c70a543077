// mosaic-mpi map: the layers spread over the ranks; the console and the JSON (every layer's
// mapping, cost per memory level, search statistics) equal one `mosaic map` process's, with a
// mapping file and with the spatial search. Skipped without mpirun.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "MpiTestSupport.h"
#include "TestSupport.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The JSON without the per-layer CPU time.
json map_comparable(json j) {
  for (auto& l : j["layers"]) l["search"].erase("cpu_seconds");
  return j;
}

void expect_same_map(const std::string& args, std::size_t layers) {
  test::TempDir d;
  const auto one = test::run_mosaic(args + " --json one.json", d.path());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto r = test::run_shell(test::mpirun(3) + args + " --json mpi.json", d.path(), "mpi");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("map: 3 MPI ranks: rank 0 hands out the " + std::to_string(layers) +
                       " layers, 2 map them"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(one.out, r.out);
  const json a = test::read_json(d.path() / "one.json");
  const json b = test::read_json(d.path() / "mpi.json");
  EXPECT_EQ(map_comparable(a), map_comparable(b));
  EXPECT_EQ(b["layers"].size(), layers);
}

std::string fixture(const char* name) {
  return "'" + (test::source_dir() / "tests/data" / name).string() + "'";
}

TEST(MpiMap, MappingFileThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  expect_same_map("map --workload " + fixture("zigzag_small_workload.yaml") + " --hw " +
                      fixture("zigzag_small_hw.yaml") + " --mapping " +
                      fixture("zigzag_small_mapping.yaml"),
                  5);
}

TEST(MpiMap, SpatialSearchThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  // Rank 0 finds each layer's chosen U|V candidate again and recompiles its problem.
  expect_same_map("map --workload " + fixture("zigzag_small_workload.yaml") + " --hw " +
                      fixture("zigzag_small_hw.yaml") + " --min-utilization 0.5",
                  5);
}

TEST(MpiMap, ResNet18ThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  MOSAIC_REQUIRE_SHARED();
  const auto base = test::shared_dir() / "reference/zigzag/inputs";
  expect_same_map("map --workload '" + (base / "workload/resnet18.onnx").string() + "' --hw '" +
                      (base / "hardware/tpu_like.yaml").string() + "' --mapping '" +
                      (base / "mapping/tpu_like.yaml").string() + "'",
                  21);
}

// A layer no worker can map: rank 0 reports the worker's message (file, line, layer) and the run
// fails as one process does.
TEST(MpiMap, WorkerErrorReachesRankZero) {
  MOSAIC_REQUIRE_MPIRUN();
  test::TempDir d;
  const std::string args = "map --workload " + fixture("zigzag_small_workload.yaml") + " --hw " +
                           fixture("zigzag_small_hw.yaml") + " --min-utilization 1 --quiet";
  const auto one = test::run_mosaic(args, d.path());
  EXPECT_EQ(one.exit_code, 1);
  const auto r = test::run_shell(test::mpirun(3) + args, d.path(), "mpi");
  EXPECT_NE(r.exit_code, 0);
  const std::string what =
      "zigzag_small_workload.yaml:34: layer 'add': no spatial mapping reaches 100% utilization";
  EXPECT_NE(one.err.find(what), std::string::npos) << one.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error: rank "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic
