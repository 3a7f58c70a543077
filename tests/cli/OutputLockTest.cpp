// Two runs on one output directory: the second refuses with one clear message instead of
// interleaving its files with the first's (the lock is common/OutputFile.h's OutputDirectoryLock).
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "TestSupport.h"
#include "common/Error.h"
#include "common/OutputFile.h"

namespace mosaic::test {
namespace {

const std::string kVgg = std::string(MOSAIC_SOURCE_DIR) + "/examples/networks/vgg16.m";

TEST(OutputLock, SecondLockInOneProcessIsRefused) {
  TempDir d;
  std::optional<OutputDirectoryLock> first(std::in_place, d.path() / "out", "--out");
  try {
    OutputDirectoryLock second(d.path() / "out", "--out");
    FAIL() << "the second lock was granted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("another mosaic run (process "), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("--out"), std::string::npos) << e.what();
  }
  first.reset();
  EXPECT_NO_THROW(OutputDirectoryLock again(d.path() / "out", "--out"));
}

TEST(OutputLock, DseAndHeraldRefuseADirectoryInUse) {
  TempDir d;
  const OutputDirectoryLock held(d.path() / "busy", "--out");  // stands for a first run
  const auto dse = run_mosaic(
      "dse --mapping " + kVgg + " --dataflow kcp_ws --pes 64 --bw 8 --out busy", d.path());
  EXPECT_EQ(dse.exit_code, 1);
  EXPECT_NE(dse.err.find("busy: --out: another mosaic run"), std::string::npos) << dse.err;
  EXPECT_FALSE(std::filesystem::exists(d.path() / "busy/summary.json"));
  const auto herald = run_mosaic("herald --out busy --quiet", d.path());
  EXPECT_EQ(herald.exit_code, 1);
  EXPECT_NE(herald.err.find("another mosaic run"), std::string::npos) << herald.err;
  // A free directory works.
  const auto ok = run_mosaic(
      "dse --mapping " + kVgg + " --dataflow kcp_ws --pes 64 --bw 8 --out free", d.path());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

}  // namespace
}  // namespace mosaic::test
