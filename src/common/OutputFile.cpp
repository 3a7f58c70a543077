#include "common/OutputFile.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "common/Error.h"

namespace mosaic {

namespace {

namespace fs = std::filesystem;

bool in_dev_or_proc(const fs::path& p) {
  const std::string s = fs::absolute(p).lexically_normal().string();
  return s.starts_with("/dev/") || s.starts_with("/proc/");
}

// A link to a stream: /dev/stdout -> /proc/self/fd/1 -> a terminal, a pipe or a redirected
// file, /dev/null, a device. Such a link is written through; any other is replaced.
bool stream_link(const fs::path& path) {
  std::error_code ec;
  fs::path p = path;
  for (int hop = 0; hop < 40 && fs::is_symlink(fs::symlink_status(p, ec)); ++hop) {
    if (in_dev_or_proc(p)) return true;
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) return false;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  const auto s = fs::status(p, ec);
  return in_dev_or_proc(p) || fs::is_character_file(s) || fs::is_block_file(s) || fs::is_fifo(s) ||
         fs::is_socket(s);
}

void write_all(int fd, std::string_view text, const SourceLocation& where) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw UserError(where, std::string("writing the file failed: ") + std::strerror(errno));
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           const std::string& field) {
  const SourceLocation where{path.string(), 0, field};
  std::error_code st;
  const auto status = fs::symlink_status(path, st);
  if (fs::is_directory(status)) throw UserError(where, "cannot write the file: it is a directory");
  const bool in_place = fs::is_symlink(status) ? stream_link(path)
                                               : fs::exists(status) && !fs::is_regular_file(status);
  if (in_place) {
    // A device, a pipe, or a link to one or into /dev or /proc (/dev/stdout): written in place
    // (a rename would replace it). A link to anything else is replaced below, its target left
    // alone.
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) throw UserError(where, "cannot write the file");
    return;
  }
  // The temporary file is created afresh (O_EXCL, O_NOFOLLOW): a link planted under its name is
  // removed first, never followed.
  const fs::path tmp = path.string() + ".tmp";
  std::error_code ignored;
  fs::remove(tmp, ignored);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw UserError(where, std::string("cannot write the file: ") + std::strerror(errno));
  try {
    write_all(fd, text, where);
  } catch (...) {
    ::close(fd);
    fs::remove(tmp, ignored);
    throw;
  }
  if (::close(fd) != 0) {
    fs::remove(tmp, ignored);
    throw UserError(where, std::string("writing the file failed: ") + std::strerror(errno));
  }
  // rename(2) replaces the directory entry: a symbolic link at `path` is replaced, not followed.
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ignored);
    throw UserError(where, "cannot write the file: " + ec.message());
  }
}

OutputDirectoryLock::OutputDirectoryLock(const std::filesystem::path& dir,
                                         const std::string& field) {
  const SourceLocation where{dir.string(), 0, field};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UserError(where, "cannot create the output directory: " + ec.message());
  const std::filesystem::path lock = dir / ".mosaic.lock";
  fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0)
    throw UserError(where,
                    std::string("cannot open the lock file .mosaic.lock: ") + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char owner[32] = {};
    const auto n = ::pread(fd_, owner, sizeof owner - 1, 0);
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      std::string pid(owner, n > 0 ? static_cast<std::size_t>(n) : 0);
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      throw UserError(where, "another mosaic run" + (pid.empty() ? "" : " (process " + pid + ")") +
                                 " is writing to this directory; wait for it to finish or "
                                 "choose another directory");
    }
    throw UserError(where, std::string("cannot lock the directory: ") + std::strerror(err));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The pid is only for the message of a second run; the lock holds without it.
  }
}

OutputDirectoryLock::~OutputDirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace mosaic
