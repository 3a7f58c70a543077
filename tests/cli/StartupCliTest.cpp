// Start-up: `mosaic --version` answers before the command table is built, and the ONNX importer
// is a plugin loaded only by the runs that read ONNX (workload/OnnxPlugin.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

std::string command_output(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

// Sets an environment variable for the scope of one test.
struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

const std::string kResnet = std::string(MOSAIC_SOURCE_DIR) + "/tests/data/onnx/resnet50.onnx";

TEST(Startup, VersionFastPath) {
  const auto r = run_mosaic("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "mosaic 0.1.0\n");
}

TEST(Startup, BinaryDoesNotLinkOnnxOrProtobuf) {
  const auto dynamic =
      command_output(std::string("readelf -d '") + MOSAIC_BINARY + "' 2>/dev/null");
  if (dynamic.empty()) GTEST_SKIP() << "readelf is absent";
  EXPECT_NE(dynamic.find("NEEDED"), std::string::npos);
  EXPECT_EQ(dynamic.find("libonnx"), std::string::npos) << dynamic;
  EXPECT_EQ(dynamic.find("libprotobuf"), std::string::npos) << dynamic;
}

TEST(Startup, OnnxThroughThePlugin) {
  const auto r = run_mosaic("workload show '" + kResnet + "' --summary");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4,089,184,256 MACs"), std::string::npos) << r.out;
}

TEST(Startup, MissingPluginIsOneClearError) {
  ScopedEnv env("MOSAIC_ONNX_PLUGIN", "/nonexistent/libmosaic_onnx.so");
  const auto r = run_mosaic("workload show '" + kResnet + "' --summary");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("mosaic's ONNX plugin libmosaic_onnx.so"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/libmosaic_onnx.so (absent)"), std::string::npos) << r.err;
  // Runs that read no ONNX do not need the plugin.
  const auto z = run_mosaic("workload show resnet50 --summary");
  EXPECT_EQ(z.exit_code, 0) << z.err;
}

TEST(Startup, AFileThatIsNotThePluginIsReported) {
  TempDir dir;
  const auto fake = dir.path() / "libmosaic_onnx.so";
  write_file(fake, "not a shared object\n");
  ScopedEnv env("MOSAIC_ONNX_PLUGIN", fake.string());
  const auto r = run_mosaic("workload show '" + kResnet + "' --summary");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(fake.string() + " ("), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("(absent)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic::test
