// Herald's sub-accelerator execution model (HPCA 2021, section IV-A steps 2, 4, 5 and 6, and
// section IV-B): every sub-accelerator ("core") has its own buffer and a local network from that
// buffer to its PEs. The hard-partitioned global NoC carries sub-accelerator-level tiles only:
// weights and inputs enter once per tile, outputs leave once, double-buffered. Re-reads inside
// a tile, halos inside a tile and partial sums of a tile stay on the local network. When the
// layer does not fit the buffer as one tile, it is split into tiles; the re-reads between tiles
// (an input tile fetched again for every weight tile, partial sums of a split reduction, halos
// between neighbouring tiles) cross the global NoC again and are counted.
//
// This file holds the global-NoC side: the sub-accelerator-level tiling of a layer (tile sizes
// over K, C, Y', X' and the order of the tile loops) with the least global traffic whose
// double-buffered tiles fit the buffer. The local side (PEs, L1, local network) is the directive
// analysis of the core's dataflow with the local network as its top-level NoC.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dataflow/Dataflow.h"

namespace mosaic::cost {

// The divisors of n (n >= 1), ascending: the tile sizes that split a dimension evenly.
std::vector<std::int64_t> divisors(std::int64_t n);

// The per-core parameters of the model, with their defaults (docs/herald-reproduction.md):
//  - buffer: 658 bytes per PE, Eyeriss's 108 KiB global buffer over its 168 PEs (Chen et al.,
//    ISSCC 2016), the middle one of the three accelerators whose dataflows Herald uses
//    (NVDLA nv_full: 512 KiB convolution buffer for 2048 MACs = 256 B per MAC; ShiDianNao:
//    NBin + NBout + SB = 256 KiB for 64 PEs = 4 KiB per PE).
//  - local network: one element per PE per cycle. A PE's MAC consumes one operand pair per
//    cycle and each of Herald's three styles keeps one operand stationary in the PE, so one
//    fresh element per PE and cycle keeps any of them compute-bound when its reuse works.
struct SubAccelParams {
  double buffer_bytes_per_pe = 108.0 * 1024.0 / 168.0;
  double local_elements_per_pe_cycle = 1.0;
};

// Tile dimensions of the sub-accelerator level: output channels, input channels (the
// reduction), output rows, output columns. Depthwise layers have no K (tile 1).
enum class TileDim : int { K = 0, C = 1, Yo = 2, Xo = 3 };
inline constexpr int kTileDims = 4;

struct GlobalTiling {
  std::array<std::int64_t, kTileDims> tile{};   // tile sizes (output coordinates for Y', X')
  std::array<std::int64_t, kTileDims> count{};  // tiles per dimension
  std::array<int, kTileDims> order{};           // tile loops, outermost first
  double input_elements = 0;                    // over the global NoC, into the core
  double weight_elements = 0;                   // into the core
  double output_elements = 0;                   // out of the core (final and partial sums)
  double psum_elements = 0;    // partial sums read back into the core (split reduction)
  double buffer_elements = 0;  // the double-buffered footprint of one tile
  bool fits = false;           // false: not even a 1x1x1x1 tile fits (traffic of that tile)
  double total() const {
    return input_elements + weight_elements + output_elements + psum_elements;
  }
};

// The tiling of `problem` (Conv, DwConv; N and G as outer loops) with the least global traffic
// whose double-buffered tile (input tile with its halo, weight tile, output tile, each twice)
// fits `buffer_elements`. Tile sizes are divisors of the dimensions (every tile the same shape);
// for each (K, C, Y') tile the largest fitting X' tile is taken (traffic never grows with a
// tile), and all 24 tile-loop orders are compared. Ties: the first found (deterministic).
// With `order`, the tile loops keep that order (the style's: Herald Fig. 4 draws the tile loops
// k1, c1, y1, x1 of both NVDLA and Shi-diannao outermost in that order) and only the tile
// sizes are searched.
GlobalTiling best_global_tiling(const dataflow::Problem& problem, double buffer_elements,
                                const std::array<int, kTileDims>* order = nullptr);

// The order of the tile loops of a style: the order in which its top cluster level (the
// directives before the first Cluster) first maps K, C, Y (or Y') and X (or X'); dimensions it
// does not map go outermost.
std::array<int, kTileDims> style_tile_order(const dataflow::Dataflow& style);

// The traffic of one given tiling (tile sizes and order); used by the search and by tests.
GlobalTiling tiling_traffic(const dataflow::Problem& problem,
                            const std::array<std::int64_t, kTileDims>& tile,
                            const std::array<int, kTileDims>& order);

// What a core's layer cost is minimised for.
enum class CoreObjective { Latency, Energy, EDP };

}  // namespace mosaic::cost
