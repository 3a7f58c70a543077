#include "MaestroCompare.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

namespace mosaic::test {

namespace {

std::string trim_line(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::vector<std::string>> parse(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (trim_line(line).empty()) continue;
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.push_back("");
    rows.push_back(cells);
  }
  return rows;
}

bool to_double(const std::string& s, double& out) {
  const std::string t = trim_line(s);
  if (t.empty()) return false;
  char* end = nullptr;
  out = std::strtod(t.c_str(), &end);
  return end != nullptr && *end == '\0';
}

}  // namespace

CsvDiff compare_maestro_csv(const std::string& golden_text, const std::string& ours_text) {
  CsvDiff d;
  const auto g = parse(golden_text);
  const auto m = parse(ours_text);
  if (g.empty() || m.empty()) {
    d.structural = "empty file";
    return d;
  }
  std::vector<std::string> gh, mh;
  for (const auto& c : g[0]) gh.push_back(trim_line(c));
  for (const auto& c : m[0]) mh.push_back(trim_line(c));
  if (gh != mh) {
    d.structural = fmt::format("header differs ({} vs {} columns)", gh.size(), mh.size());
    return d;
  }
  if (g.size() != m.size()) {
    d.structural = fmt::format("row count {} != golden {}", m.size() - 1, g.size() - 1);
    return d;
  }
  d.rows = static_cast<int>(g.size()) - 1;
  for (std::size_t r = 1; r < g.size(); ++r) {
    for (std::size_t j = 0; j < gh.size(); ++j) {
      const std::string a = j < g[r].size() ? g[r][j] : "";
      const std::string b = j < m[r].size() ? m[r][j] : "";
      double x = 0, y = 0;
      if (!to_double(a, x) || !to_double(b, y)) continue;
      if (std::isnan(x)) continue;
      const bool runtime = gh[j].rfind("Runtime", 0) == 0;
      const bool same =
          runtime ? x == y
                  : (x == y || (std::isfinite(y) &&
                                std::fabs(x - y) <= 1e-5 * std::max(std::fabs(x), std::fabs(y))));
      if (!same) {
        ++d.differing_fields;
        if (d.first_mismatches.size() < 10)
          d.first_mismatches.push_back(fmt::format("row {} ({}): '{}' = {}, golden {}", r,
                                                   trim_line(g[r].size() > 1 ? g[r][1] : ""), gh[j],
                                                   trim_line(b), trim_line(a)));
      }
    }
  }
  return d;
}

}  // namespace mosaic::test
