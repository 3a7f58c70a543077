// The Herald paper's experiments (search/HeraldExperiments) as Markdown: one table per figure or
// table of the paper, with the paper's published values beside ours.
#pragma once

#include <string>

#include "search/HeraldExperiments.h"

namespace mosaic::outputs {

std::string herald_experiments_markdown(const search::HeraldExperiments& e);

}  // namespace mosaic::outputs
