// What a design-space exploration evaluates: one layer or a whole network, each layer as the
// directive analysis' problem, with the dataflow it runs, bound per design point.
//
// Sources: a MAESTRO mapping/model file (every layer, or the layers named), or framework layers
// (workload::Layer, as the workload loader produces them; a layer with `count` > 1 stands for
// that many identical layers, e.g. the instances of a model).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/Error.h"
#include "dataflow/Dataflow.h"
#include "search/DseSpec.h"
#include "workload/Layer.h"
#include "workload/MaestroFormat.h"
#include "workload/Workload.h"

namespace mosaic::search {

struct DseLayer {
  std::string name;
  std::string file;  // for messages
  int line = 0;
  dataflow::Problem problem;
  std::optional<std::int64_t> useful_macs;  // reported MACs when they differ from the problem's
                                            // (a transposed convolution)
  std::int64_t count = 1;                   // identical layers this one stands for
  // The layer's own dataflow (its Dataflow block, or the previous layer's when it has none);
  // used when DseSpec::dataflows is empty.
  std::optional<dataflow::Dataflow> own_dataflow;
  bool inherits_dataflow = false;  // own_dataflow came from an earlier layer
};

struct DseWorkload {
  std::string name;
  std::string source;  // "mapping:<file>" / "workload:<spec>", for reports
  std::vector<DseLayer> layers;
};

// The layers of a parsed mapping file; `only` (if not empty) keeps the layers with these names,
// in file order (an unknown name is a UserError listing the layers). The problems are built as
// `mosaic eval` builds them (compat: MAESTRO's; default: transposed convolutions upsampled,
// strided 1x1 windows subsampled).
DseWorkload dse_workload_from_mapping(const workload::maestro_format::NetworkSyntax& net,
                                      const std::vector<std::string>& only, bool maestro_compat);

// Framework layers (e.g. from the workload loader). Layers without MACs (pooling, element-wise,
// Other) are left out unless `keep_non_mac` is set; pooling and element-wise layers are then
// analysed as per-channel windows.
struct CountedLayer {
  workload::Layer layer;
  std::int64_t count = 1;
};
DseWorkload dse_workload_from_layers(std::string name, std::string source,
                                     const std::vector<CountedLayer>& layers,
                                     bool keep_non_mac = false);

// A multi-model workload (workload::load_workload): every MAC layer of every model at the model's
// batch, counted once per instance; layers with the same shape (ResNet's repeated blocks, several
// instances) are analysed once and counted as many times as they occur (the name of the first is
// kept, with "(xN)"). `only` keeps the layers named "<model>/<layer>" or "<layer>".
DseWorkload dse_workload_from_workload(const workload::Workload& w,
                                       const std::vector<std::string>& only);

// ---- dataflows bound to the workload -----------------------------------------------------------

// Why a design cannot run a layer (an illegal mapping, clusters larger than the PEs): an
// outcome of the exploration, counted and reported, not an error.
struct Infeasible {
  SourceLocation where;
  std::string reason;
  std::string text() const { return format_location(where) + reason; }
};

// One layer under one dataflow choice: the directives bound to the layer, and where the swept
// mapping sizes apply.
struct DataflowBoundLayer {
  std::vector<dataflow::BoundDirective> bound;
  std::array<std::vector<int>, kMaxMapSweeps> map_targets;  // directive indices per sweep
  int cluster_index = -1;                                   // the only Cluster directive, or -1
  int num_clusters = 0;
  std::string dataflow_text;  // the bound directives, one per line (for hashing and reports)
  // The dataflow style the tile search maps (DseSpec::search_tiles): the library dataflow adapted
  // to the layer, or the layer's own Dataflow block; set only with the tile search.
  std::optional<dataflow::Dataflow> style;
  // Without swept mapping sizes, legality is settled once: `checked` is set and either
  // `checked_bound` holds the legal, clamped directives or `illegal` the reason.
  bool checked = false;
  std::vector<dataflow::BoundDirective> checked_bound;
  std::optional<Infeasible> illegal;
};

struct PreparedDataflow {
  std::string name;  // as given (or "mapping" for the layers' own)
  std::vector<DataflowBoundLayer> layers;
  std::uint64_t hash = 0;  // of every layer's bound directives
};

// Resolves every dataflow choice of `spec` for every layer. Throws UserError when a dataflow is
// unknown, a layer has no dataflow, or a swept mapping size matches no map of a dataflow (a map
// over the dimension at that cluster level whose size equals its offset).
std::vector<PreparedDataflow> prepare_dataflows(const DseWorkload& w, const DseSpec& spec);

// The directives of one layer at one design point: mapping sizes applied, clusters fitted (with
// DseSpec::fit_clusters), legality checked (default mode: the paper's rules; compat: MAESTRO's
// R/S rule) and maps clamped to the layer. Returns why the mapping is illegal, or nothing.
std::optional<Infeasible> bind_design(const DataflowBoundLayer& layer, const DseLayer& dl,
                                      const DseSpec& spec,
                                      const std::array<std::int64_t, kMaxMapSweeps>& map_sizes,
                                      std::int64_t pes, std::vector<dataflow::BoundDirective>& out);

// The directive analysis' capacity rule (cost/DirectiveAnalysis.cpp, build_levels), checked
// before analysing: the Cluster sizes of a bound layer multiply to at most the design's PEs.
// Returns the analysis' own message when they do not.
std::optional<Infeasible> check_cluster_capacity(const std::vector<dataflow::BoundDirective>& bound,
                                                 std::int64_t pes);

}  // namespace mosaic::search
