// The design-space sweep (MAESTRO paper, section 5.2) with pruning, resumption and parallelism.
//
// The space (DseSpec) is cut into chunks: one chunk per value of the outer loops (dataflow, PEs,
// vector width, every swept mapping size but the last); inside a chunk run the last mapping size,
// the NoC bandwidth, L1 and L2. Per chunk:
//   1. Bound: the area and power of the smallest design of the chunk (its PEs and vector width,
//      the cheapest bandwidth, the smallest L1/L2) are a lower bound for every design in it; when
//      they break a budget, the whole chunk is skipped without analysis.
//   2. Per mapping size: bind the dataflow to every layer (illegal designs are counted apart),
//      run the directive analysis once at the lowest bandwidth. The buffer requirements, access
//      counts and energy do not depend on the NoC bandwidth; the runtime does.
//   3. L1/L2 values below the requirement are skipped (they cannot hold the mapping).
//   4. Area and power grow with the bandwidth (bus), L1 and L2 (SRAM): the bandwidths whose
//      smallest design breaks a budget are skipped, and so are the rest (when the bus cost
//      coefficient makes area/power monotone in the bandwidth, which the default technology
//      does; otherwise every bandwidth is checked).
//   5. The runtime at every remaining bandwidth: the analysis' runtime never increases with the
//      bandwidth, so when it is equal at both ends of a run of bandwidths it is equal in
//      between and those analyses are saved ("plateau reuse", exact).
//   6. Every remaining (bandwidth, L1, L2) design is evaluated; in each L2 (then L1) loop the
//      first design over budget ends the loop and the rest are skipped.
// Counting follows the paper (Table 3): designs_explored = the whole space = skipped +
// evaluated + illegal; designs_valid = evaluated designs within both budgets.
//
// Chunks run in parallel (oneTBB) in waves; results are delivered and stored in chunk order, so
// the output does not depend on the thread count. With a ResultStore, each finished chunk is
// committed (one transaction per wave) under a key naming its outer values; a rerun with the same
// configuration skips the chunks already stored, so an interrupted sweep resumes and a repeated
// one (or one with more PEs or dataflows) reuses what is done.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cost/LayerCost.h"
#include "search/ChunkTransport.h"
#include "search/DseSpec.h"
#include "search/DseWorkload.h"
#include "search/ResultStore.h"

namespace mosaic::search {

struct DseCounts {
  std::int64_t explored = 0;   // design points visited: skipped + evaluated + illegal
  std::int64_t skipped = 0;    // eliminated by a bound, never evaluated
  std::int64_t evaluated = 0;  // runtime, energy, area and power computed
  std::int64_t valid = 0;      // evaluated and within both budgets
  std::int64_t illegal = 0;    // the dataflow cannot run on the design (e.g. clusters > PEs)
  std::int64_t analyses = 0;   // directive analyses the designs need (one per layer and
                               // bandwidth; those shared by PE counts that use the same PEs are
                               // counted for each, see DseRunInfo::analyses_run)
  DseCounts& operator+=(const DseCounts& o);
};

struct ChunkResult {
  std::int64_t index = 0;
  DseCounts counts;
  std::vector<DesignRecord> designs;  // every evaluated design, in design order
  std::string note;                   // why a design of the chunk was illegal (the first one)
  bool reused = false;                // read back from the store
};

struct DseProgress {
  std::int64_t chunks_done = 0;
  std::int64_t chunks_total = 0;
  DseCounts counts;  // so far (reused chunks included)
  double seconds = 0;
};

struct DseOptions {
  int threads = 0;  // 0 = every hardware thread
  // Polled between chunks (from several threads): true stops the sweep after the chunks under way
  // (e.g. search::InterruptGuard::interrupted for Ctrl-C).
  std::function<bool()> stop_requested;
  std::function<void(const DseProgress&)> progress;  // called on the calling thread
  double progress_interval_seconds = 2.0;
  bool reuse_bw_plateaus = true;
  ResultStore* store = nullptr;  // persist and resume; nullptr = in memory only
  // Compute the chunks on other processes (mosaic-mpi's leader); nullptr or no workers = this
  // process's threads. The results, their order and the store are the same either way.
  ChunkTransport* transport = nullptr;
};

struct DseRunInfo {
  DseCounts total;    // the whole space (computed now + reused from the store)
  DseCounts session;  // computed by this call
  std::int64_t chunks_total = 0;
  std::int64_t chunks_computed = 0;
  std::int64_t chunks_reused = 0;
  // Computed again: chunks the previous run of this configuration had under way when it stopped
  // (killed or interrupted) and had not stored.
  std::int64_t chunks_recomputed = 0;
  bool interrupted = false;
  double wall_seconds = 0;
  int threads = 1;
  // Directive analyses actually run by this call: fewer than session.analyses when PE counts
  // share them (e.g. 64..127 PEs with a 64-PE cluster use the same 64 PEs); depends on the thread
  // schedule, like the wall time.
  std::int64_t analyses_run = 0;
  std::string run_hash;  // the store's run (empty without a store)
  // Runs of the store written in another format (an older mosaic): never read, so a run that
  // matched one of them is computed anew (the caller says so).
  std::int64_t stale_runs = 0;
  std::vector<std::string> notes;  // distinct reasons for illegal designs (first few)
};

using ChunkSink = std::function<void(const ChunkResult&)>;

// Sweeps the space; `sink` receives every chunk in order (on the calling thread). Throws
// UserError for a bad specification (unknown dataflow, a mapping sweep matching no map, ...).
DseRunInfo run_dse(const DseWorkload& w, const DseSpec& spec, const DseOptions& options,
                   const ChunkSink& sink);

// A worker of a distributed sweep (mosaic-mpi): computes the chunks the transport's leader
// sends (the leader runs run_dse with the same workload and specification) until it ends the run.
void serve_dse(const DseWorkload& w, const DseSpec& spec, const DseOptions& options,
               ChunkTransport& transport);

// One design evaluated in full, with every layer's cost (for reports).
struct DesignDetail {
  DesignMetrics metrics;
  bool valid = false;
  std::string illegal_reason;  // non-empty when the dataflow cannot run on the design
  std::vector<std::string> layer_names;
  std::vector<cost::LayerCost> layers;  // one per DseLayer (for one of its `count` copies)
};
DesignDetail evaluate_design(const DseWorkload& w, const DseSpec& spec, const DseDesignPoint& p);

// The format of the DSE's run configuration and chunk records: a store written by another
// format is never read (its runs have other keys); run_dse reports them as stale
// (DseRunInfo::stale_runs). 2: the whole technology (arch::technology_json) and the tile search
// in the key.
inline constexpr const char* kDseStoreFormat = "mosaic-dse-2";

// The text identifying a run in the store: everything that changes the results of a chunk except
// the outer loops' values (which are in the chunk keys).
std::string dse_run_config(const DseWorkload& w, const DseSpec& spec);

// Encoding of a chunk for the store (native byte order: a store is local to one machine).
std::string encode_chunk(const ChunkResult& c);
ChunkResult decode_chunk(std::string_view payload, std::int64_t index, std::int32_t dataflow);

}  // namespace mosaic::search
