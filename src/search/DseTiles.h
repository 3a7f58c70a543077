// The design-space exploration with a per-layer tile search (DseSpec::search_tiles, `mosaic dse
// --search-tiles`): each design point's layers run the directive mapper's best mapping of their
// dataflow style (mapper/DirectiveMapper.h) for the point's PEs, lanes and NoC bandwidth, under
// the point's L1 and L2 sizes when those are swept. The mapping is found as `mosaic eval
// --search-tiles` finds it on a core with the same figures, then analysed as the DSE analyses a
// written mapping, so a design point's layer cost equals eval's on that core.
//
// Memoised: one search per (layer shape and style, PEs, lanes, bandwidth, L1 budget, L2 budget),
// shared by every chunk. Exact shortcut: the best mapping with no buffer budget is the best under
// any budget that holds it (the candidates within the budget are a subset holding it), so a
// budgeted search runs only when the unbudgeted optimum does not fit.
//
// Counting (DseCounts): a design whose buffers hold no mapping of the style is skipped (as a
// buffer below the requirement of a written mapping is); a style with no legal mapping for a
// layer on the PEs makes the design illegal; with both L1 and L2 swept, the first design of an
// L2 (then L1) loop over an area or power budget ends the loop (larger buffers only cost more).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cost/LayerCost.h"
#include "search/DseEngine.h"
#include "search/DseSpec.h"
#include "search/DseWorkload.h"

namespace mosaic::search {

// One layer's cost at a design point under the tile search.
struct TileLayerCost {
  bool feasible = false;
  bool no_legal = false;  // the style has no legal mapping of the layer (else: over budget)
  std::string why;        // when not feasible
  cost::LayerCost cost;   // latency_cycles >= 1, macs the layer's useful MACs
  std::int64_t mapper_evaluated = 0;  // candidates the mapper analysed
};

// The budgets are in elements (0 = none). Throws UserError only for a mapping the analysis
// rejects (as a written one would).
TileLayerCost tile_layer_cost(const DseLayer& layer, const dataflow::Dataflow& style,
                              const DseSpec& spec, std::int64_t pes, std::int64_t vector_width,
                              std::int64_t noc_bw, std::int64_t l1_budget_elements,
                              std::int64_t l2_budget_elements);

// A buffer budget in elements of `bits` bits: floor(bytes x 8 / bits) (as eval reads a core's L1).
std::int64_t budget_elements(std::int64_t bytes, int bits);

class TileMemo;

// The memo of one sweep (thread-safe), over the dataflows prepared for it.
class TileSearch {
 public:
  TileSearch(const DseWorkload& w, const DseSpec& s, const std::vector<PreparedDataflow>& dfs);
  ~TileSearch();
  TileSearch(const TileSearch&) = delete;
  TileSearch& operator=(const TileSearch&) = delete;

  // The designs of the chunk of dataflow `df`, `pes` PEs and `vw` lanes (every bandwidth, L1 and
  // L2 of the spec, in design order). The caller has checked the chunk's smallest design against
  // the budgets.
  ChunkResult evaluate_chunk(std::int64_t index, int df, std::int64_t pes, std::int64_t vw) const;

  // Tile searches actually run (shared by chunks: depends on the thread schedule).
  std::int64_t searches_run() const { return searches_run_.load(); }

 private:
  const DseWorkload& w_;
  const DseSpec& s_;
  const std::vector<PreparedDataflow>& dfs_;
  std::vector<std::vector<int>> shape_;  // [df][layer]: the first layer of the same problem/style
  std::unique_ptr<TileMemo> memo_;
  mutable std::atomic<std::int64_t> searches_run_{0};
};

}  // namespace mosaic::search
