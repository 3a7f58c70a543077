// Output files written whole or not at all.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mosaic {

// Writes `text` to `path` through a temporary file (`path` + ".tmp", created afresh, never
// through a link) renamed into place, so a failed or interrupted run never leaves a half-written
// file. Failures are UserErrors naming the path and `field` (the flag that chose it).
// Symbolic links are not written through: a link at `path` (e.g. one planted inside an --out
// directory, pointing at a file elsewhere) is replaced by the new file and its target left as it
// was. The one exception is a stream: a device or a pipe, or a link to one or into /dev or /proc
// (/dev/stdout, /dev/null, /proc/self/fd/N, even when they lead to a redirected file), is
// written in place.
void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           const std::string& field = "");

// An exclusive lock on an output directory, held while the object lives (and released by the
// kernel if the process dies): a second run given the same directory refuses to start instead of
// interleaving its files with the first's. Creates the directory. The lock file is
// `<dir>/.mosaic.lock` (it holds the owner's process id, for the message).
class OutputDirectoryLock {
 public:
  // Throws UserError naming `dir` and `field` when another process holds the lock or the
  // directory cannot be created.
  OutputDirectoryLock(const std::filesystem::path& dir, const std::string& field = "");
  ~OutputDirectoryLock();
  OutputDirectoryLock(const OutputDirectoryLock&) = delete;
  OutputDirectoryLock& operator=(const OutputDirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace mosaic
