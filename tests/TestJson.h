// Reading a JSON output file in tests.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::test {

inline nlohmann::json read_json(const std::filesystem::path& p) {
  return nlohmann::json::parse(read_file(p));
}

}  // namespace mosaic::test
