#include "common/OutputFile.h"

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

}  // namespace mosaic
