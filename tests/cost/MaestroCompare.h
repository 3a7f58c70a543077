// Compares a CSV in MAESTRO's format with a golden one by the compatibility bar: same header,
// same rows, "Runtime (Cycles)" equal, every other numeric field equal to 6 significant digits
// (relative 1e-5); a NaN in the golden file accepts anything.
#pragma once

#include <string>
#include <vector>

namespace mosaic::test {

struct CsvDiff {
  int rows = 0;
  int differing_fields = 0;
  std::vector<std::string> first_mismatches;  // up to 10
  std::string structural;                     // header / row-count problem, empty when fine
  bool ok() const { return structural.empty() && differing_fields == 0; }
};

CsvDiff compare_maestro_csv(const std::string& golden_text, const std::string& ours_text);

}  // namespace mosaic::test
