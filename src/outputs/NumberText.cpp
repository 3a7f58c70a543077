#include "outputs/NumberText.h"

#include <fmt/format.h>

namespace mosaic::outputs {

std::string percent_text(double part, double whole) {
  return fmt::format("{:.1f} %", whole > 0 ? 100.0 * part / whole : 0.0);
}

}  // namespace mosaic::outputs
