// Errors: one project type for a user's bad input (file, flag, dimension, directive) and one for
// a broken invariant (a bug). Library code throws them; the command line catches them at the edge.
#pragma once

#include <stdexcept>
#include <string>

namespace mosaic {

// Where in the user's input a problem was found. Every part is optional.
struct SourceLocation {
  std::string file;   // path as the user gave it
  int line = 0;       // 1-based; 0 = unknown
  std::string field;  // the key, flag, directive or dimension at fault
};

// A user error: bad input that the user can fix. what() is one line:
//   "<file>:<line>: <field>: <message>" with the parts that are known.
class UserError : public std::runtime_error {
 public:
  UserError(SourceLocation where, const std::string& message);
  explicit UserError(const std::string& message);

  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

// An internal error: an invariant of mosaic itself does not hold.
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& message);
};

// Formats "<file>:<line>: <field>: " for the known parts (empty when nothing is known).
std::string format_location(const SourceLocation& where);

[[noreturn]] void internal_error(const char* file, int line, const std::string& message);

}  // namespace mosaic

// MOSAIC_CHECK(condition, message): an invariant; failing it is a bug, reported as InternalError.
#define MOSAIC_CHECK(cond, msg)                                       \
  do {                                                                \
    if (!(cond)) ::mosaic::internal_error(__FILE__, __LINE__, (msg)); \
  } while (0)
