#include "workload/ZigZagYaml.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Suggest.h"

namespace mosaic::workload::yaml {

namespace {

YAML::Node parse(std::string text, const std::string& path, DuplicateKeys duplicates) {
  remove_utf8_bom(text);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UserError(SourceLocation{path, e.mark.line >= 0 ? e.mark.line + 1 : 0, ""},
                    fmt::format("invalid YAML: {}", e.msg));
  }
  check_duplicate_keys(root, path, duplicates);
  return root;
}

std::string read_file(const std::string& path, const std::string& what) {
  if (!std::filesystem::exists(path))
    throw UserError(SourceLocation{path, 0, ""},
                    what.empty() ? "file not found" : what + " not found");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UserError(SourceLocation{path, 0, ""}, "cannot open " + (what.empty() ? "file" : what));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void check_keys(const YAML::Node& node, const std::string& path, DuplicateKeys policy, int depth) {
  if (depth > 256) return;  // yaml-cpp refuses deeper documents itself
  if (node.IsSequence()) {
    for (const auto& item : node) check_keys(item, path, policy, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, int> seen;  // key -> line of its first occurrence
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar()) {
      const std::string& key = it->first.Scalar();
      const int line = line_of(it->first);
      const auto [at, fresh] = seen.emplace(key, line);
      if (!fresh) {
        if (policy == DuplicateKeys::Error)
          throw UserError(
              SourceLocation{path, line, key},
              fmt::format("key given twice (first on line {}); give it once", at->second));
        std::cerr << fmt::format(
            "warning: {}:{}: {}: key given twice (first on line {}); the last value is used, "
            "as PyYAML does\n",
            path, line, key, at->second);
        at->second = line;
      }
    }
    check_keys(it->second, path, policy, depth + 1);
  }
}

}  // namespace

void check_duplicate_keys(const YAML::Node& root, const std::string& path, DuplicateKeys policy) {
  check_keys(root, path, policy, 0);
}

YAML::Node load_file(const std::string& path, DuplicateKeys duplicates) {
  return parse(read_file(path, ""), path, duplicates);
}

YAML::Node load_text(const std::string& text, const std::string& path, DuplicateKeys duplicates) {
  return parse(text, path, duplicates);
}

YAML::Node load_strict_file(const std::string& path, const std::string& what) {
  return parse(read_file(path, what), path, DuplicateKeys::Error);
}

void unknown_key(const YAML::Node& key_node, const std::string& path, const std::string& key,
                 const std::vector<std::string>& known) {
  std::string list;
  for (std::size_t i = 0; i < known.size(); ++i)
    list += (i == 0 ? "" : i + 1 == known.size() ? " or " : ", ") + known[i];
  throw UserError(SourceLocation{path, line_of(key_node), key},
                  fmt::format("unknown key{}; expected {}", did_you_mean(key, known), list));
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

std::int64_t as_int(const YAML::Node& node, const std::string& path, const std::string& field,
                    const IntRule& rule) {
  if (!node.IsScalar()) fail(node, path, field, "expected an integer");
  return parse_integer(node.Scalar(), rule, SourceLocation{path, line_of(node), field});
}

double as_double(const YAML::Node& node, const std::string& path, const std::string& field,
                 const NumberRule& rule) {
  if (!node.IsScalar()) fail(node, path, field, "expected a number");
  return parse_number(node.Scalar(), rule, SourceLocation{path, line_of(node), field});
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
