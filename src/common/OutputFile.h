// Output files written whole or not at all.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mosaic {

// Writes `text` to `path` through a temporary file (`path` + ".tmp") renamed into place, so a
// failed or interrupted run never leaves a half-written file. Failures are UserErrors naming the
// path and `field` (the flag that chose it). An existing path that is not a regular file (a
// symbolic link such as /dev/stdout, a device, a pipe) is written in place, through the link.
void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           const std::string& field = "");

}  // namespace mosaic
