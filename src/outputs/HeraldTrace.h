// The best Herald design's schedule as a Chrome/Perfetto trace (trace.json of `mosaic herald`;
// open it in ui.perfetto.dev or chrome://tracing): one process, the accelerator, with one track
// (thread) per core named by its dataflow, PEs and bandwidth; every layer a slice on its core's
// track named "<model>#<instance>/<layer>", categorised and coloured by model instance (one
// colour per instance, from the viewer's reserved colour names); the global-buffer occupancy as a
// counter track. Times are microseconds at the class clock (cycles / (GHz x 1000)); every slice
// also carries its cycles in args.
#pragma once

#include <nlohmann/json.hpp>

#include "search/Herald.h"
#include "workload/Workload.h"

namespace mosaic::outputs {

nlohmann::json herald_trace_json(const search::HeraldResult& r, const workload::Workload& w,
                                 const workload::WorkloadGraph& g, double clock_ghz);

}  // namespace mosaic::outputs
