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

void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           const std::string& field) {
  const SourceLocation where{path.string(), 0, field};
  std::error_code st;
  const auto status = std::filesystem::symlink_status(path, st);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    // A link (/dev/stdout), a device or a pipe: written in place (a rename would replace it).
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) throw UserError(where, "cannot write the file");
    return;
  }
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw UserError(where, "cannot write the file");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw UserError(where, "writing the file failed");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
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
