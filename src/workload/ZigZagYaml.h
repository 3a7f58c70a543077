// Small helpers for reading ZigZag-style YAML files (hardware, mapping, workload) with errors that
// name the file, the line and the field. PyYAML semantics where they differ from yaml-cpp: a key
// given twice in one mapping takes its last value (ZigZag's own tpu_like.yaml relies on this).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace mosaic::workload::yaml {

// Parses a file; a missing file or a syntax error is a UserError naming the file (and line).
YAML::Node load_file(const std::string& path);
// Parses text (for tests); `path` is only used in messages.
YAML::Node load_text(const std::string& text, const std::string& path);

// 1-based line of a node (0 when unknown).
int line_of(const YAML::Node& node);

// The value of `key` in a mapping node, or an invalid node when absent. Duplicated keys: the last.
YAML::Node find(const YAML::Node& map, std::string_view key);
bool has(const YAML::Node& map, std::string_view key);

// Typed reads. `field` names the value in messages; `path` is the file. Each throws UserError on
// a missing key, a wrong type or a bad value.
YAML::Node require(const YAML::Node& map, std::string_view key, const std::string& path,
                   const std::string& field);
std::int64_t as_int(const YAML::Node& node, const std::string& path, const std::string& field);
double as_double(const YAML::Node& node, const std::string& path, const std::string& field);
std::string as_string(const YAML::Node& node, const std::string& path, const std::string& field);
bool as_bool(const YAML::Node& node, const std::string& path, const std::string& field);
std::vector<std::string> as_string_list(const YAML::Node& node, const std::string& path,
                                        const std::string& field);
std::vector<std::int64_t> as_int_list(const YAML::Node& node, const std::string& path,
                                      const std::string& field);

// Throws a UserError located at `node`.
[[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& field,
                       const std::string& message);

}  // namespace mosaic::workload::yaml
