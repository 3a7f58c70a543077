// Start-up: `mosaic` is a static front (cli/Front.h) that answers --version and runs the maestro
// drop-in itself and hands every other command line to mosaic-full by exec; the ONNX importer is
// a plugin of mosaic-full loaded only by the runs that read ONNX (workload/OnnxPlugin.h).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
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

std::filesystem::path full_binary() {
  return std::filesystem::path(MOSAIC_BINARY).parent_path() / "mosaic-full";
}

TEST(Startup, FullBinaryDoesNotLinkOnnxOrProtobuf) {
  const auto dynamic = command_output("readelf -d '" + full_binary().string() + "' 2>/dev/null");
  if (dynamic.empty()) GTEST_SKIP() << "readelf is absent";
  EXPECT_NE(dynamic.find("NEEDED"), std::string::npos);
  EXPECT_EQ(dynamic.find("libonnx"), std::string::npos) << dynamic;
  EXPECT_EQ(dynamic.find("libprotobuf"), std::string::npos) << dynamic;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // sanitizer builds link the front dynamically
#else
constexpr bool kSanitized = false;
#endif

TEST(StartupFront, IsStaticWithoutLoader) {
  if (kSanitized) GTEST_SKIP() << "sanitizer builds link the front dynamically";
  const auto headers =
      command_output(std::string("readelf -lW '") + MOSAIC_BINARY + "' 2>/dev/null");
  if (headers.empty()) GTEST_SKIP() << "readelf is absent";
  EXPECT_NE(headers.find("LOAD"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("INTERP"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("DYNAMIC"), std::string::npos) << headers;
}

TEST(StartupFront, BothExecutablesGiveTheVersion) {
  EXPECT_EQ(command_output("'" + full_binary().string() + "' --version"), "mosaic 0.1.0\n");
}

TEST(StartupFront, OtherVerbsRunInMosaicFull) {
  const auto front = run_mosaic("workload show resnet50 --summary");
  EXPECT_EQ(front.exit_code, 0) << front.err;
  EXPECT_EQ(front.out,
            command_output("'" + full_binary().string() + "' workload show resnet50 --summary"));
  // The exit status and the message of a bad command line come through the exec unchanged.
  const auto typo = run_mosaic("workloda show resnet50");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("unknown command 'workloda' (did you mean 'workload'?)"),
            std::string::npos)
      << typo.err;
  const auto help = run_mosaic("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("maestro"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("dse"), std::string::npos) << help.out;
}

TEST(StartupFront, MaestroEqualsMosaicFull) {
  // The same drop-in run through the static front and through mosaic-full: same console
  // output, byte-identical CSV (MAESTRO's CSV is written beside the mapping file).
  const auto mapping =
      std::filesystem::path(MOSAIC_SOURCE_DIR) / "examples/networks/tiny_mapping.m";
  const auto hw = std::filesystem::path(MOSAIC_SOURCE_DIR) / "examples/hw/accelerator_256.m";
  TempDir a, b;
  std::filesystem::copy_file(mapping, a.path() / "net.m");
  std::filesystem::copy_file(mapping, b.path() / "net.m");
  const std::string flags = "maestro --HW_file='" + hw.string() + "' --Mapping_file=net.m";
  const auto front = run_mosaic(flags, a.path());
  ASSERT_EQ(front.exit_code, 0) << front.err;
  const auto full = command_output("cd '" + b.path().string() + "' && '" + full_binary().string() +
                                   "' " + flags + " 2>/dev/null");
  EXPECT_EQ(front.out, full);
  const std::string csv = read_file(a.path() / "net.csv");
  EXPECT_NE(csv.find("Neural Network Name"), std::string::npos) << csv;
  EXPECT_EQ(csv, read_file(b.path() / "net.csv"));
  // A bad value is reported by the front as by the command line of every verb.
  const auto bad = run_mosaic("maestro --Mapping_file=/nonexistent.m", a.path());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("error: "), std::string::npos) << bad.err;
}

TEST(StartupFront, WithoutMosaicFullOnlyTheOtherVerbsFail) {
  if (kSanitized) GTEST_SKIP() << "sanitizer builds link the front dynamically";
  TempDir dir;
  const auto alone = dir.path() / "mosaic";
  std::filesystem::copy_file(MOSAIC_BINARY, alone);
  std::filesystem::permissions(alone, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  EXPECT_EQ(command_output("'" + alone.string() + "' --version"), "mosaic 0.1.0\n");
  const int status = std::system(
      ("'" + alone.string() + "' dse --help >/dev/null 2>'" + (dir.path() / "err").string() + "'")
          .c_str());
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  const std::string err = read_file(dir.path() / "err");
  EXPECT_NE(err.find((dir.path() / "mosaic-full").string()), std::string::npos) << err;
  EXPECT_NE(err.find("every verb but maestro lives in that executable"), std::string::npos) << err;
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
