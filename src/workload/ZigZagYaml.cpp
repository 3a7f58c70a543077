#include "workload/ZigZagYaml.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::workload::yaml {

namespace {

YAML::Node parse(const std::string& text, const std::string& path) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UserError(SourceLocation{path, e.mark.line >= 0 ? e.mark.line + 1 : 0, ""},
                    fmt::format("invalid YAML: {}", e.msg));
  }
}

}  // namespace

YAML::Node load_file(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw UserError(SourceLocation{path, 0, ""}, "file not found");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path, 0, ""}, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

YAML::Node load_text(const std::string& text, const std::string& path) {
  return parse(text, path);
}

int line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const YAML::Mark m = node.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

void fail(const YAML::Node& node, const std::string& path, const std::string& field,
          const std::string& message) {
  throw UserError(SourceLocation{path, line_of(node), field}, message);
}

YAML::Node find(const YAML::Node& map, std::string_view key) {
  YAML::Node found;  // invalid/undefined until a match
  bool any = false;
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      found.reset(it->second);
      any = true;
    }
  }
  return any ? found : YAML::Node(YAML::NodeType::Undefined);
}

bool has(const YAML::Node& map, std::string_view key) {
  const YAML::Node n = find(map, key);
  return n.IsDefined() && !n.IsNull();
}

YAML::Node require(const YAML::Node& map, std::string_view key, const std::string& path,
                   const std::string& field) {
  const YAML::Node n = find(map, key);
  if (!n.IsDefined() || n.IsNull())
    fail(map, path, field, fmt::format("missing required key '{}'", key));
  return n;
}

std::int64_t as_int(const YAML::Node& node, const std::string& path, const std::string& field) {
  if (!node.IsScalar()) fail(node, path, field, "expected an integer");
  const std::string& s = node.Scalar();
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || end == s.c_str() || *end != '\0' || errno == ERANGE) {
    // Accept integral floats written as 1e10 or 16.0.
    char* fend = nullptr;
    const double d = std::strtod(s.c_str(), &fend);
    if (!s.empty() && *fend == '\0' && d == static_cast<double>(static_cast<std::int64_t>(d)))
      return static_cast<std::int64_t>(d);
    fail(node, path, field, fmt::format("expected an integer, got '{}'", s));
  }
  return v;
}

double as_double(const YAML::Node& node, const std::string& path, const std::string& field) {
  if (!node.IsScalar()) fail(node, path, field, "expected a number");
  const std::string& s = node.Scalar();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0')
    fail(node, path, field, fmt::format("expected a number, got '{}'", s));
  return v;
}

std::string as_string(const YAML::Node& node, const std::string& path, const std::string& field) {
  if (!node.IsScalar()) fail(node, path, field, "expected a string");
  return node.Scalar();
}

bool as_bool(const YAML::Node& node, const std::string& path, const std::string& field) {
  if (!node.IsScalar()) fail(node, path, field, "expected true or false");
  const std::string& s = node.Scalar();
  if (s == "true" || s == "True" || s == "yes") return true;
  if (s == "false" || s == "False" || s == "no") return false;
  fail(node, path, field, fmt::format("expected true or false, got '{}'", s));
}

std::vector<std::string> as_string_list(const YAML::Node& node, const std::string& path,
                                        const std::string& field) {
  if (!node.IsSequence()) fail(node, path, field, "expected a list");
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(as_string(item, path, field));
  return out;
}

std::vector<std::int64_t> as_int_list(const YAML::Node& node, const std::string& path,
                                      const std::string& field) {
  if (!node.IsSequence()) fail(node, path, field, "expected a list");
  std::vector<std::int64_t> out;
  for (const auto& item : node) out.push_back(as_int(item, path, field));
  return out;
}

}  // namespace mosaic::workload::yaml
