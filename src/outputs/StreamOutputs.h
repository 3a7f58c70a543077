// Outputs of `mosaic stream`: summary.json, schedule.json and trace.json (Chrome / Perfetto
// trace-event format: one process per core and per link, CNs and transfers as complete events).
#pragma once

#include <nlohmann/json.hpp>

#include "search/StreamPipeline.h"

namespace mosaic::outputs {

nlohmann::json stream_summary(const search::StreamRun& run, double wall_seconds);
nlohmann::json stream_schedule(const search::StreamRun& run);
nlohmann::json stream_trace(const search::StreamRun& run);
// report.html: the Gantt chart of cores and links, the memory use over time of every top memory
// with its capacity, and the energy by cause (outputs/HtmlReport.h, charts inlined).
std::string stream_report(const search::StreamRun& run);

}  // namespace mosaic::outputs
