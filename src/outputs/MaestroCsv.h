// MAESTRO's per-layer CSV format (52 columns; header tokens with their leading spaces, as
// ConfuciuX, GAMMA and MAGMA read them with pandas) and its console report.
#pragma once

#include <iosfwd>
#include <string>

#include "cost/MaestroNetwork.h"

namespace mosaic::outputs {

// The header line (without the newline), exactly as the MAESTRO tool writes it.
std::string maestro_csv_header();

// One row (without the newline). Numbers are printed as C++ streams print them by default
// (6 significant digits), so compat-mode files compare byte for byte with MAESTRO's. In compat
// mode a NaN prints as MAESTRO prints it on x86 ("-nan").
std::string maestro_csv_row(const cost::MaestroLayerReport& row);
// The same row appended to `out` (no temporary strings; the drop-in writes every row into one
// buffer).
void append_maestro_csv_row(std::string& out, const cost::MaestroLayerReport& row);

// Formats a double like std::ostream with default flags ("%g", 6 significant digits).
std::string format_g(double v);
std::string format_g(long double v);

// MAESTRO's console report for a network: per layer "Num MACs: ...", "Runtime: N cycles", ...,
// then the buffer analysis and, when `with_bw_analysis`, the BW analysis.
void write_maestro_console(std::ostream& out, const cost::MaestroNetworkReport& report,
                           const arch::Core& core, bool print_layers, bool with_bw_analysis);

}  // namespace mosaic::outputs
