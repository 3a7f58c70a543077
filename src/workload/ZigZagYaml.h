// The YAML (and JSON, which yaml-cpp reads as YAML) front end of every reader: mosaic's own files
// (core, class, accelerator, technology, granularity, workload) and the peer tools' formats
// (ZigZag's and Stream's hardware, mapping and workload files), with errors that name the file,
// the line and the field. Every load skips a UTF-8 byte-order mark and checks for keys given
// twice in one mapping (docs/input-validation.md):
//   - mosaic's formats: an error naming both lines;
//   - ZigZag's and Stream's formats (DuplicateKeys::LastWins): PyYAML's semantics, the last value,
//     with a warning on stderr naming both lines (ZigZag's own tpu_like.yaml repeats `ports`,
//     Stream's fixed-split mapping repeats `core_allocation_is_fixed`).
// Numbers go through common/Validate (no NaN or infinity; integers are integers).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/Validate.h"

namespace mosaic::workload::yaml {

enum class DuplicateKeys { Error, LastWins };

// Parses a file; a missing file or a syntax error is a UserError naming the file (and line).
// The default policy is the peer tools' (these helpers began as ZigZag's reader).
YAML::Node load_file(const std::string& path, DuplicateKeys duplicates = DuplicateKeys::LastWins);
// Parses text (for tests); `path` is only used in messages.
YAML::Node load_text(const std::string& text, const std::string& path,
                     DuplicateKeys duplicates = DuplicateKeys::LastWins);
// mosaic's own formats: a key given twice is an error; `what` names the file's kind in the
// message for a missing file ("the class file").
YAML::Node load_strict_file(const std::string& path, const std::string& what);

// Throws (Error) or warns (LastWins) for a key given twice in any mapping of the tree.
void check_duplicate_keys(const YAML::Node& root, const std::string& path, DuplicateKeys policy);

// A UserError for an unknown key at `key_node`, listing the known keys with a "did you mean".
[[noreturn]] void unknown_key(const YAML::Node& key_node, const std::string& path,
                              const std::string& key, const std::vector<std::string>& known);

// 1-based line of a node (0 when unknown).
int line_of(const YAML::Node& node);

// The value of `key` in a mapping node, or an invalid node when absent. Duplicated keys: the last.
YAML::Node find(const YAML::Node& map, std::string_view key);
bool has(const YAML::Node& map, std::string_view key);

// Typed reads. `field` names the value in messages; `path` is the file. Each throws UserError on
// a missing key, a wrong type or a bad value.
YAML::Node require(const YAML::Node& map, std::string_view key, const std::string& path,
                   const std::string& field);
// Integers: decimal, or integral numbers written as 16.0 or 1e6; 1.5 and 2^63 are refused.
// Reals: finite decimal numbers (.nan and .inf refused). Then checked against the rule.
std::int64_t as_int(const YAML::Node& node, const std::string& path, const std::string& field,
                    const IntRule& rule = IntRule::any());
double as_double(const YAML::Node& node, const std::string& path, const std::string& field,
                 const NumberRule& rule = NumberRule::any());
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
