// Numbers as report text, shared by the console writers and the HTML reports (and kept apart from
// the HTML writer so that the static front's maestro console links without it).
#pragma once

#include <string>

namespace mosaic::outputs {

// `part` as a share of `whole`, "12.3 %" (0 % when `whole` is not positive).
std::string percent_text(double part, double whole);

}  // namespace mosaic::outputs
