#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/Error.h"
#include "common/OutputFile.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path scratch(const char* name) {
  const fs::path d =
      fs::temp_directory_path() / ("mosaic-outputfile-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(OutputFile, WritesAndReplacesWholeLeavingNoTemporary) {
  const fs::path d = scratch("write");
  write_file_atomically(d / "a.json", "{\"x\": 1}\n", "--json");
  EXPECT_EQ(slurp(d / "a.json"), "{\"x\": 1}\n");
  write_file_atomically(d / "a.json", "second", "--json");
  EXPECT_EQ(slurp(d / "a.json"), "second");
  EXPECT_FALSE(fs::exists(d / "a.json.tmp"));
  fs::remove_all(d);
}

TEST(OutputFile, DevicesAreWrittenInPlaceNotReplaced) {
  write_file_atomically("/dev/null", "discarded", "--json");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_FALSE(fs::exists("/dev/null.tmp"));
}

TEST(OutputFile, AMissingDirectoryNamesThePathAndFlag) {
  const fs::path d = scratch("missing");
  try {
    write_file_atomically(d / "no" / "such" / "out.csv", "x", "--csv");
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.where().file, (d / "no" / "such" / "out.csv").string());
    EXPECT_EQ(e.where().field, "--csv");
  }
  fs::remove_all(d);
}

}  // namespace
}  // namespace mosaic

namespace mosaic {
namespace {

// /dev/stdout is a link to the process's descriptor, often a regular file: the link is written
// through, never replaced.
TEST(OutputFile, ALinkIsWrittenThroughNotReplaced) {
  const std::filesystem::path d = scratch("link");
  write_file_atomically(d / "target.txt", "old");
  std::filesystem::create_symlink(d / "target.txt", d / "link.txt");
  write_file_atomically(d / "link.txt", "new", "--json");
  EXPECT_TRUE(std::filesystem::is_symlink(d / "link.txt"));
  EXPECT_EQ(slurp(d / "target.txt"), "new");
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace mosaic
