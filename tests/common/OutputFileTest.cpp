#include <fcntl.h>
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

// A link planted where an output goes (e.g. inside an --out directory, pointing at a file
// elsewhere) is replaced by the new file; its target is left as it was.
TEST(OutputFile, ALinkToAFileIsReplacedNotWrittenThrough) {
  const std::filesystem::path d = scratch("link");
  write_file_atomically(d / "target.txt", "old");
  std::filesystem::create_symlink(d / "target.txt", d / "link.txt");
  write_file_atomically(d / "link.txt", "new", "--json");
  EXPECT_FALSE(std::filesystem::is_symlink(d / "link.txt"));
  EXPECT_EQ(slurp(d / "link.txt"), "new");
  EXPECT_EQ(slurp(d / "target.txt"), "old");
  // A dangling link and a link planted under the temporary file's name: neither is followed.
  std::filesystem::create_symlink(d / "nowhere.txt", d / "dangling.txt");
  std::filesystem::create_symlink(d / "target.txt", d / "out.txt.tmp");
  write_file_atomically(d / "dangling.txt", "a");
  write_file_atomically(d / "out.txt", "b");
  EXPECT_FALSE(std::filesystem::exists(d / "nowhere.txt"));
  EXPECT_EQ(slurp(d / "dangling.txt"), "a");
  EXPECT_EQ(slurp(d / "out.txt"), "b");
  EXPECT_EQ(slurp(d / "target.txt"), "old");
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(d / "out.txt.tmp")));
  std::filesystem::remove_all(d);
}

// /dev/stdout is a link to the process's descriptor, often a redirected regular file: links into
// /dev and /proc are written through, never replaced.
TEST(OutputFile, AStreamLinkIsWrittenThrough) {
  const std::filesystem::path d = scratch("fd");
  write_file_atomically(d / "redirected.txt", "old");
  const int fd = ::open((d / "redirected.txt").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  std::filesystem::create_symlink("/proc/self/fd/" + std::to_string(fd), d / "stdout-like");
  write_file_atomically(d / "stdout-like", "new", "--json");
  ::close(fd);
  EXPECT_TRUE(std::filesystem::is_symlink(d / "stdout-like"));
  EXPECT_EQ(slurp(d / "redirected.txt"), "new");
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace mosaic
