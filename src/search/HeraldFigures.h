// Herald's motivating figures, measured in either cost mode: Fig. 2 (EDP of the three
// dataflow styles on one 256-PE accelerator with a 32 GB/s NoC, ResNet-50 and UNet) and Fig. 5
// (three example layers on NVDLA- and Shi-diannao-style accelerators: mapping utilisation,
// latency, energy, EDP). Markdown tables for experiments.md.
#pragma once

#include <string>

namespace mosaic::search {

// `maestro_compat`: each layer's cost is the MAESTRO tool's number (library mapping); otherwise
// mosaic's sub-accelerator model with the directive mapper.
std::string herald_fig2_markdown(bool maestro_compat, int threads);
std::string herald_fig5_markdown(bool maestro_compat);

}  // namespace mosaic::search
