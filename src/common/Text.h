// Small text helpers shared by the readers.
#pragma once

#include <cctype>
#include <string>

namespace mosaic {

// `s` with ASCII letters lower-cased (names, operator types and file extensions are compared
// case-insensitively; no locale is involved).
inline std::string ascii_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// `s` without leading and trailing spaces and tabs.
inline std::string trim_blanks(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace mosaic
