// Self-contained HTML reports: headings, text, tables and Vega-Lite charts in one file that opens
// offline. The chart libraries (Vega, Vega-Lite and vega-embed from the npm registry, fetched into
// third_party/js by scripts/setup.sh) are inlined into the page; the data sets are inlined as
// JSON and shared by the charts that use them.
//
// The page reports its own state for tests and tools: <body data-charts="N"> is the number of
// charts, data-charts-rendered counts the charts drawn, and any error (a script error, a chart
// that failed) is listed in <div id="mosaic-errors"> and counted in data-chart-errors. Without
// the bundles, the tables and text are still there and each chart's place says how to get them.
//
//   HtmlReport r("DSE of VGG16");
//   r.add_dataset("designs", rows);                     // a JSON array of objects
//   r.add_scatter({.title = "Area vs throughput", .dataset = "designs", .x = "area_mm2", ...});
//   r.add_table({"Best designs", {"objective", "PEs"}, {{"throughput", "168"}}});
//   write(path, r.render());
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "outputs/NumberText.h"

namespace mosaic::outputs {

namespace detail {
struct EmbeddedText {
  const char* data;
  std::size_t size;
};
// Built in by cmake/EmbedJs.cmake (empty when third_party/js was not installed at build time).
extern const EmbeddedText kEmbedded_vega;
extern const EmbeddedText kEmbedded_vega_lite;
extern const EmbeddedText kEmbedded_vega_embed;
}  // namespace detail

// The three minified bundles, and where they came from.
struct ChartBundle {
  std::string vega, vega_lite, vega_embed;
  std::string origin;  // "built in", a directory, or "" when missing
  bool available() const { return !vega.empty() && !vega_lite.empty() && !vega_embed.empty(); }
};
// The bundles built into the binary; else read from $MOSAIC_JS_DIR (a node_modules directory)
// or the source tree's third_party/js/node_modules. Loaded once.
const ChartBundle& chart_bundle();
// How to get the bundles (for messages).
std::string_view chart_bundle_help();

struct ScatterChart {
  std::string title;
  std::string dataset;  // name given to add_dataset
  std::string x, y;     // fields
  std::string x_title, y_title;
  bool x_log = false, y_log = false;
  std::string color;  // quantitative field coloured with a sequential scheme (optional)
  std::string color_title;
  std::vector<std::string> tooltip;  // fields shown on hover
  // Highlighted points drawn on top (optional): a dataset with the same x/y fields, a nominal
  // field naming each point's marker, and the shape of every marker name (a Vega shape such as
  // "cross" or "diamond", or an SVG path; "star" is provided).
  std::string marks_dataset;
  std::string marks_field;
  std::vector<std::pair<std::string, std::string>> marks_shapes;
  int width = 440, height = 300;
};

// A schedule: one bar per task on its track (core, link), from `start` to `end` on a
// quantitative time axis. The time axis zooms (mouse wheel) and pans (drag); a double click
// resets it. Bars are coloured by a nominal field (e.g. the model instance).
struct GanttChart {
  std::string title;
  std::string dataset;          // name given to add_dataset
  std::string track = "track";  // nominal field: one row per value
  std::string start = "start";  // quantitative fields
  std::string end = "end";
  std::string time_title;  // "time (ms)", "cycle"
  std::string color;       // nominal field
  std::string color_title;
  std::vector<std::string> tooltip;  // fields shown on hover
  int width = 760, height = 0;       // height 0: 60 + 40 per track
  int tracks = 1;
};

struct Table {
  std::string caption;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

class HtmlReport {
 public:
  explicit HtmlReport(std::string title);

  void add_heading(std::string_view text, int level = 2);
  void add_paragraph(std::string_view text);  // plain text (escaped)
  // A data set (a JSON array of objects) for charts; names must be unique.
  void add_dataset(const std::string& name, nlohmann::json rows);
  // Any Vega-Lite specification; it reads data sets by name ({"data": {"name": "..."}}).
  void add_chart(nlohmann::json vega_lite_spec, std::string renderer = "canvas");
  void add_scatter(const ScatterChart& chart);
  void add_gantt(const GanttChart& chart);
  void add_table(const Table& table);
  // Starts a grid of charts (two per row) until end_grid().
  void begin_grid();
  void end_grid();

  std::string render() const;  // with chart_bundle()
  std::string render(const ChartBundle& js) const;

  std::size_t num_charts() const { return charts_.size(); }

 private:
  std::string title_;
  std::string body_;  // HTML, with chart placeholders
  nlohmann::json datasets_ = nlohmann::json::object();
  struct Chart {  // NOLINT(bugprone-exception-escape): nlohmann::json's move does not throw
    std::string id;
    nlohmann::json spec;
    std::string renderer;
  };
  std::vector<Chart> charts_;
};

// HTML escaping of text.
std::string html_escape(std::string_view text);

// j[key] when it is a number, else 0 (fields of the JSON summaries that reports read).
double json_number(const nlohmann::json& j, const char* key);

// The Vega shape of a five-pointed star (an SVG path in a unit box).
std::string_view star_shape();

}  // namespace mosaic::outputs
