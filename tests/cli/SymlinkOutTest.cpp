// Symbolic links planted inside an --out directory are never written through: every output file
// replaces the link (its target is left as it was), and a result store that is a link is refused
// (common/OutputFile.h, search/ResultStore.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

namespace fs = std::filesystem;

// Plants OUT/<name> -> victims/<name> for every name; the victims hold "precious".
void plant(const fs::path& root, const fs::path& out, const std::vector<std::string>& names) {
  fs::create_directories(out);
  for (const auto& n : names) {
    write_file(root / "victims" / n, "precious");
    fs::create_symlink(root / "victims" / n, out / n);
  }
}

void expect_untouched(const fs::path& root, const fs::path& out,
                      const std::vector<std::string>& names) {
  for (const auto& n : names) {
    EXPECT_EQ(read_file(root / "victims" / n), "precious") << n << " was written through";
    if (fs::exists(fs::symlink_status(out / n))) {
      EXPECT_FALSE(fs::is_symlink(fs::symlink_status(out / n))) << n;
    }
  }
}

TEST(SymlinkOut, HeraldReplacesPlantedLinks) {
  TempDir d;
  const std::vector<std::string> names{"summary.json", "pareto.csv", "schedule.json", "report.html",
                                       "summary.json.tmp"};
  plant(d.path(), d.path() / "out", names);
  const auto r = run_mosaic(
      "herald --workload arvr-a --class edge --styles nvdla,shi --granularity 4 --no-store "
      "--quiet --out out",
      d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_untouched(d.path(), d.path() / "out", names);
  EXPECT_NE(read_file(d.path() / "out/summary.json").find("\"best\""), std::string::npos);
}

TEST(SymlinkOut, DseReplacesPlantedLinksAndRefusesALinkedStore) {
  TempDir d;
  const std::string args = "dse --mapping '" +
                           (source_dir() / "examples/networks/vgg16.m").string() +
                           "' --layer CONV11 --dataflow kcp_ws --pes 16:64:16 --bw 4:16:4 --quiet";
  const std::vector<std::string> names{"summary.json",  "designs.csv", "designs.csv.partial",
                                       "pareto.csv",    "pareto.json", "report.html",
                                       "pareto.csv.tmp"};
  plant(d.path(), d.path() / "out", names);
  auto r = run_mosaic(args + " --no-store --out out", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_untouched(d.path(), d.path() / "out", names);
  EXPECT_NE(read_file(d.path() / "out/designs.csv").find("dataflow,pes"), std::string::npos);
  // The store: refused, not opened through the link.
  plant(d.path(), d.path() / "store", {"dse.sqlite"});
  r = run_mosaic(args + " --out store", d.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("store/dse.sqlite: store: the result store is a symbolic link"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read_file(d.path() / "victims/dse.sqlite"), "precious");
}

}  // namespace
}  // namespace mosaic::test
