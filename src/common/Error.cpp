#include "common/Error.h"

#include <fmt/format.h>

namespace mosaic {

std::string format_location(const SourceLocation& where) {
  std::string out;
  if (!where.file.empty()) {
    out += where.file;
    if (where.line > 0) out += fmt::format(":{}", where.line);
    out += ": ";
  } else if (where.line > 0) {
    out += fmt::format("line {}: ", where.line);
  }
  if (!where.field.empty()) out += where.field + ": ";
  return out;
}

UserError::UserError(SourceLocation where, const std::string& message)
    : std::runtime_error(format_location(where) + message),
      where_(std::move(where)),
      message_(message) {}

UserError::UserError(const std::string& message) : std::runtime_error(message), message_(message) {}

InternalError::InternalError(const std::string& message)
    : std::logic_error("internal error: " + message) {}

void internal_error(const char* file, int line, const std::string& message) {
  throw InternalError(fmt::format("{} ({}:{})", message, file, line));
}

}  // namespace mosaic
