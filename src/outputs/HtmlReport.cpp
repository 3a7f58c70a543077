#include "outputs/HtmlReport.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/Error.h"

#ifndef MOSAIC_JS_DIR
#define MOSAIC_JS_DIR ""
#endif

namespace mosaic::outputs {

namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChartBundle load_bundle() {
  ChartBundle b;
  using detail::EmbeddedText;
  auto text = [](const EmbeddedText& t) { return std::string(t.data, t.size); };
  b.vega = text(detail::kEmbedded_vega);
  b.vega_lite = text(detail::kEmbedded_vega_lite);
  b.vega_embed = text(detail::kEmbedded_vega_embed);
  if (b.available()) {
    b.origin = "built in";
    return b;
  }
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("MOSAIC_JS_DIR"); env != nullptr && *env != '\0')
    dirs.emplace_back(env);
  if (*MOSAIC_JS_DIR != '\0') dirs.emplace_back(MOSAIC_JS_DIR);
  for (const auto& d : dirs) {
    ChartBundle r;
    r.vega = read_all(d / "vega/build/vega.min.js");
    r.vega_lite = read_all(d / "vega-lite/build/vega-lite.min.js");
    r.vega_embed = read_all(d / "vega-embed/build/vega-embed.min.js");
    if (r.available()) {
      r.origin = d.string();
      return r;
    }
  }
  return ChartBundle{};
}

// JSON placed inside <script>: "</" could close the element early; "<\/" is the same JSON.
std::string json_script_safe(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') {
      out += "<\\/";
      ++i;
      continue;
    }
    out += json[i];
  }
  return out;
}

// A library placed inside <script>: only "</script" would end the element (the bundles have
// none; escaping it keeps the page valid should a future version contain one in a string).
std::string js_script_safe(std::string_view js) {
  std::string out(js);
  for (std::size_t pos = 0; (pos = out.find("</", pos)) != std::string::npos; pos += 3) {
    std::string next = out.substr(pos + 2, 6);
    for (auto& ch : next) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (next == "script") out.replace(pos, 2, "<\\/");
  }
  return out;
}

constexpr std::string_view kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px;
       color: #1d2430; max-width: 1180px; }
h1 { font-size: 1.5em; margin-bottom: 4px; }
h2 { font-size: 1.2em; margin-top: 28px; border-bottom: 1px solid #d8dde6; padding-bottom: 4px; }
h3 { font-size: 1.05em; }
p { line-height: 1.45; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9em; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid #d8dde6; padding: 3px 8px; text-align: right; }
th { background: #f1f4f8; }
td:first-child, th:first-child { text-align: left; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; }
.chart { min-height: 120px; }
.notice { background: #fff6e0; border: 1px solid #e8c66a; padding: 8px 12px; }
#mosaic-errors:empty { display: none; }
#mosaic-errors { background: #fde8e8; border: 1px solid #e08a8a; padding: 8px 12px; }
)css";

// Runs every chart with vega-embed and records the page's state on <body>.
constexpr std::string_view kDriver = R"js(
(function () {
  var body = document.body;
  var errors = document.getElementById('mosaic-errors');
  var failed = 0, rendered = 0;
  function fail(msg) {
    failed += 1;
    body.setAttribute('data-chart-errors', String(failed));
    var li = document.createElement('div');
    li.textContent = 'chart error: ' + msg;
    errors.appendChild(li);
  }
  window.addEventListener('error', function (e) { fail(e.message || String(e)); });
  var data = JSON.parse(document.getElementById('mosaic-data').textContent);
  var charts = JSON.parse(document.getElementById('mosaic-charts').textContent);
  body.setAttribute('data-charts', String(charts.length));
  body.setAttribute('data-charts-rendered', '0');
  body.setAttribute('data-chart-errors', '0');
  if (typeof vegaEmbed === 'undefined') {
    body.setAttribute('data-charts-missing', 'true');
    return;
  }
  charts.forEach(function (c) {
    var spec = c.spec;
    spec.datasets = data;
    vegaEmbed('#' + c.id, spec, {actions: false, renderer: c.renderer})
      .then(function () {
        rendered += 1;
        body.setAttribute('data-charts-rendered', String(rendered));
      })
      .catch(function (e) { fail(String(e)); });
  });
})();
)js";

}  // namespace

const ChartBundle& chart_bundle() {
  static const ChartBundle b = load_bundle();
  return b;
}

std::string_view chart_bundle_help() {
  return "the chart libraries (Vega, Vega-Lite, vega-embed) are not installed: run "
         "scripts/setup.sh (it fetches them into third_party/js) and rebuild mosaic, or set "
         "MOSAIC_JS_DIR to a node_modules directory that has them";
}

std::string_view star_shape() {
  return "M0,-1L0.24,-0.33L0.95,-0.31L0.38,0.12L0.59,0.81L0,0.4L-0.59,0.81L-0.38,0.12L-0.95,"
         "-0.31L-0.24,-0.33Z";
}

double json_number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

HtmlReport::HtmlReport(std::string title) : title_(std::move(title)) {}

void HtmlReport::add_heading(std::string_view text, int level) {
  level = std::max(1, std::min(4, level));
  body_ += fmt::format("<h{0}>{1}</h{0}>\n", level, html_escape(text));
}

void HtmlReport::add_paragraph(std::string_view text) {
  body_ += "<p>" + html_escape(text) + "</p>\n";
}

void HtmlReport::add_dataset(const std::string& name, nlohmann::json rows) {
  MOSAIC_CHECK(rows.is_array(), "HtmlReport: a data set is an array of objects");
  MOSAIC_CHECK(!datasets_.contains(name), "HtmlReport: data set '" + name + "' added twice");
  datasets_[name] = std::move(rows);
}

void HtmlReport::add_chart(nlohmann::json spec, std::string renderer) {
  Chart c;
  c.id = fmt::format("mosaic-chart-{}", charts_.size() + 1);
  if (!spec.contains("$schema"))
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v6.json";
  c.spec = std::move(spec);
  c.renderer = std::move(renderer);
  body_ += fmt::format("<div class=\"chart\" id=\"{}\"></div>\n", c.id);
  charts_.push_back(std::move(c));
}

void HtmlReport::add_gantt(const GanttChart& g) {
  using nlohmann::json;
  json tips = json::array();
  for (const auto& t : g.tooltip) tips.push_back({{"field", t}});
  json spec;
  if (!g.title.empty()) spec["title"] = g.title;
  spec["width"] = g.width;
  spec["height"] = g.height > 0 ? g.height : 60 + 40 * g.tracks;
  spec["data"] = {{"name", g.dataset}};
  spec["mark"] = "bar";
  // Vega-Lite's interval selection bound to the scales: wheel zooms, drag pans, double click
  // resets. Only the time axis: the tracks stay where they are.
  spec["params"] = json::array({{{"name", "zoom"},
                                 {"select", {{"type", "interval"}, {"encodings", {"x"}}}},
                                 {"bind", "scales"}}});
  spec["encoding"] = {{"y", {{"field", g.track}, {"type", "nominal"}, {"title", nullptr}}},
                      {"x",
                       {{"field", g.start},
                        {"type", "quantitative"},
                        {"title", g.time_title.empty() ? g.start : g.time_title}}},
                      {"x2", {{"field", g.end}}},
                      {"color",
                       {{"field", g.color},
                        {"type", "nominal"},
                        {"title", g.color_title.empty() ? g.color : g.color_title}}},
                      {"tooltip", tips}};
  add_chart(std::move(spec));
}

void HtmlReport::add_scatter(const ScatterChart& sc) {
  using nlohmann::json;
  auto axis = [](const std::string& field, const std::string& title, bool log) {
    json a = {{"field", field}, {"type", "quantitative"}, {"title", title.empty() ? field : title}};
    a["scale"] = log ? json{{"type", "log"}} : json{{"zero", false}};
    return a;
  };
  json base;
  base["data"] = {{"name", sc.dataset}};
  base["mark"] = {{"type", "point"}, {"filled", true}, {"size", 14}, {"opacity", 0.55}};
  json enc;
  enc["x"] = axis(sc.x, sc.x_title, sc.x_log);
  enc["y"] = axis(sc.y, sc.y_title, sc.y_log);
  if (!sc.color.empty())
    enc["color"] = {{"field", sc.color},
                    {"type", "quantitative"},
                    {"title", sc.color_title.empty() ? sc.color : sc.color_title},
                    {"scale", {{"scheme", "viridis"}}}};
  if (!sc.tooltip.empty()) {
    json tips = json::array();
    for (const auto& t : sc.tooltip) tips.push_back({{"field", t}});
    enc["tooltip"] = tips;
  }
  base["encoding"] = enc;
  json layers = json::array({base});
  if (!sc.marks_dataset.empty()) {
    json domain = json::array(), range = json::array();
    for (const auto& [name, shape] : sc.marks_shapes) {
      domain.push_back(name);
      range.push_back(shape == "star" ? std::string(star_shape()) : shape);
    }
    json marks;
    marks["data"] = {{"name", sc.marks_dataset}};
    marks["mark"] = {{"type", "point"},  {"filled", true},     {"size", 300}, {"stroke", "#000000"},
                     {"strokeWidth", 1}, {"color", "#e4572e"}, {"opacity", 1}};
    json menc;
    menc["x"] = axis(sc.x, sc.x_title, sc.x_log);
    menc["y"] = axis(sc.y, sc.y_title, sc.y_log);
    menc["shape"] = {{"field", sc.marks_field},
                     {"type", "nominal"},
                     {"title", "optimum"},
                     {"scale", {{"domain", domain}, {"range", range}}}};
    json tips = json::array({{{"field", sc.marks_field}}});
    for (const auto& t : sc.tooltip) tips.push_back({{"field", t}});
    menc["tooltip"] = tips;
    marks["encoding"] = menc;
    layers.push_back(marks);
  }
  json spec;
  spec["title"] = sc.title;
  spec["width"] = sc.width;
  spec["height"] = sc.height;
  spec["layer"] = layers;
  spec["resolve"] = {{"scale", {{"color", "independent"}, {"shape", "independent"}}}};
  add_chart(spec);
}

void HtmlReport::add_table(const Table& t) {
  std::string h = "<table>\n";
  if (!t.caption.empty()) h += "<caption>" + html_escape(t.caption) + "</caption>\n";
  h += "<tr>";
  for (const auto& c : t.columns) h += "<th>" + html_escape(c) + "</th>";
  h += "</tr>\n";
  for (const auto& row : t.rows) {
    h += "<tr>";
    for (const auto& cell : row) h += "<td>" + html_escape(cell) + "</td>";
    h += "</tr>\n";
  }
  h += "</table>\n";
  body_ += h;
}

void HtmlReport::begin_grid() {
  body_ += "<div class=\"grid\">\n";
}
void HtmlReport::end_grid() {
  body_ += "</div>\n";
}

std::string HtmlReport::render() const {
  return render(chart_bundle());
}

std::string HtmlReport::render(const ChartBundle& js) const {
  using nlohmann::json;
  std::string out;
  out.reserve(js.vega.size() + js.vega_lite.size() + js.vega_embed.size() + body_.size() + 4096);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"generator\" content=\"mosaic\">\n";
  out += "<title>" + html_escape(title_) + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n";
  if (js.available() && !charts_.empty()) {
    out += "<script>" + js_script_safe(js.vega) + "</script>\n";
    out += "<script>" + js_script_safe(js.vega_lite) + "</script>\n";
    out += "<script>" + js_script_safe(js.vega_embed) + "</script>\n";
  }
  out += "</head>\n<body>\n<h1>" + html_escape(title_) + "</h1>\n";
  out += "<div id=\"mosaic-errors\"></div>\n";
  if (!js.available() && !charts_.empty())
    out += "<p class=\"notice\" id=\"mosaic-charts-missing\">Charts are not shown: " +
           html_escape(chart_bundle_help()) + ".</p>\n";
  out += body_;
  json charts = json::array();
  for (const auto& c : charts_)
    charts.push_back({{"id", c.id}, {"spec", c.spec}, {"renderer", c.renderer}});
  out += "<script id=\"mosaic-data\" type=\"application/json\">" +
         json_script_safe(datasets_.dump()) + "</script>\n";
  out += "<script id=\"mosaic-charts\" type=\"application/json\">" +
         json_script_safe(charts.dump()) + "</script>\n";
  out += "<script>";
  out += kDriver;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace mosaic::outputs
