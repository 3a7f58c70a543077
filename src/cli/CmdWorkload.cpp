// mosaic workload show | convert | zoo: inspect and convert workloads (built-in Herald
// workloads, zoo models, ONNX files, MAESTRO files, workload YAML/JSON).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "workload/Workload.h"
#include "workload/WorkloadFile.h"
#include "workload/WorkloadWriter.h"
#include "workload/ZigZagConvert.h"
#include "workload/Zoo.h"

namespace mosaic::cli {

namespace {

namespace fs = std::filesystem;
using namespace mosaic::workload;

// Writes `text` to `path` through a temporary file renamed into place, so a failed run leaves
// nothing half-written; "-" or "" means standard output.
void write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return;
  }
  write_file_atomically(path, text, "--output");
}

std::string with_commas(std::int64_t v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return v < 0 ? "-" + s : s;
}

std::string ratio_text(double r) {
  if (r >= 100) return fmt::format("{:.1f}", r);
  if (r >= 1) return fmt::format("{:.3f}", r);
  return fmt::format("{:.4f}", r);
}

std::string heterogeneity_text(const Heterogeneity& h) {
  if (h.mac_layers == 0) return "no MAC layers";
  return fmt::format("channel-activation size ratio min {} / median {} / max {}; operators {}",
                     ratio_text(h.ratio_min), ratio_text(h.ratio_median), ratio_text(h.ratio_max),
                     fmt::join(h.operators, ", "));
}

std::string show_text(const Workload& w, Granularity g, bool layers) {
  std::ostringstream os;
  std::int64_t total_layers = 0;
  std::vector<Model> models;
  for (const auto& e : w.models) {
    models.push_back(at_granularity(e.model, g));
    total_layers += static_cast<std::int64_t>(models.back().nodes.size()) * e.instances;
  }
  std::vector<Layer> all;
  for (std::size_t i = 0; i < w.models.size(); ++i)
    for (const auto& n : models[i].nodes)
      for (std::int64_t k = 0; k < w.models[i].instances; ++k)
        all.push_back(batched(n.layer, w.models[i].batch));
  std::vector<const Layer*> ptrs;
  ptrs.reserve(all.size());
  for (const auto& l : all) ptrs.push_back(&l);
  os << fmt::format("workload {}: {} model{}, {} layers ({} granularity), {} MACs\n", w.name,
                    w.models.size(), w.models.size() == 1 ? "" : "s", total_layers,
                    g == Granularity::Compute ? "compute" : "all", with_commas(total_macs(w)));
  os << "  " << heterogeneity_text(heterogeneity(ptrs)) << "\n";
  for (std::size_t i = 0; i < w.models.size(); ++i) {
    const ModelEntry& e = w.models[i];
    const Model& m = models[i];
    os << fmt::format(
        "\nmodel {} ({}): batch {}, {} instance{}; {} layers, {} with MACs; {} MACs "
        "per instance, {} in all\n",
        e.name, e.spec, e.batch, e.instances, e.instances == 1 ? "" : "s", m.nodes.size(),
        mac_layer_count(m), with_commas(instance_macs(e)), with_commas(entry_macs(e)));
    os << "  source: " << m.source << "\n";
    os << "  " << heterogeneity_text(heterogeneity(m)) << "\n";
    for (const auto& warning : m.warnings) os << "  warning: " << warning << "\n";
    if (!layers) continue;
    os << fmt::format(
        "  {:>4} {:<32} {:<7} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>3} {:>3} {:>6} "
        "{:>7} {:>9} {:>16} {:>12} {:>12} {:>12}\n",
        "#", "layer", "op", "N", "G", "K", "C", "Y", "X", "R", "S", "stride", "pad", "out", "MACs",
        "input B", "weight B", "output B");
    for (std::size_t k = 0; k < m.nodes.size(); ++k) {
      const Layer l = batched(m.nodes[k].layer, e.batch);
      std::string name = l.name;
      if (name.size() > 32) name = "..." + name.substr(name.size() - 29);
      const bool known = m.nodes[k].shape_known;
      const std::string pad =
          fmt::format("{},{},{},{}", l.pad_top, l.pad_bottom, l.pad_left, l.pad_right);
      os << fmt::format(
          "  {:>4} {:<32} {:<7} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>3} {:>3} {:>6} {:>7} {:>9} "
          "{:>16} {:>12} {:>12} {:>12}\n",
          k, name, op_name(l.op), l.N, l.G, l.K, l.C, l.Y, l.X, l.R, l.S,
          fmt::format("{}x{}", l.stride_y, l.stride_x), pad == "0,0,0,0" ? "0" : pad,
          known ? fmt::format("{}x{}", output_rows(l), output_cols(l)) : "?", with_commas(macs(l)),
          known ? with_commas(input_bytes(l)) : "?", with_commas(weight_bytes(l)),
          known ? with_commas(output_bytes(l)) : "?");
    }
  }
  return os.str();
}

Granularity parse_granularity(const std::string& s) {
  if (s == "compute") return Granularity::Compute;
  if (s == "all") return Granularity::All;
  throw UserError(SourceLocation{"", 0, "--granularity"},
                  fmt::format("'{}' is not compute or all", s));
}

std::string zoo_text() {
  std::ostringstream os;
  os << fmt::format("{:<22} {:<52} {:<14} {:>6} {:>6} {:>18}\n", "model", "task", "input", "layers",
                    "MAC", "MACs");
  for (const auto& z : zoo_catalog()) {
    const Model m = zoo_model(z.name);
    os << fmt::format("{:<22} {:<52} {:<14} {:>6} {:>6} {:>18}\n", z.name, z.task, z.input,
                      m.nodes.size(), mac_layer_count(m), with_commas(total_macs(m)));
  }
  return os.str();
}

nlohmann::json zoo_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& z : zoo_catalog()) {
    const Model m = zoo_model(z.name);
    out.push_back({{"name", z.name},
                   {"task", z.task},
                   {"input", z.input},
                   {"source", z.source},
                   {"notes", z.notes},
                   {"layers", m.nodes.size()},
                   {"mac_layers", mac_layer_count(m)},
                   {"macs", total_macs(m)}});
  }
  return out;
}

CommandRegistrar reg("workload", [](CLI::App& app, int& exit_code) {
  CLI::App* wl = app.add_subcommand(
      "workload", "inspect and convert workloads (zoo models, ONNX, MAESTRO, YAML, Herald's)");
  wl->require_subcommand(1);

  struct ShowArgs {
    std::string workload, output, granularity = "compute";
    std::string json_file;
    bool all_layers = false, summary = false;
  };
  auto show = std::make_shared<ShowArgs>();
  CLI::App* s = wl->add_subcommand(
      "show", "per-layer table, per-model and total MACs, Herald Table I heterogeneity");
  s->add_option("workload", show->workload, workload_help())->required();
  // --json alone: JSON on standard output (or to -o); --json FILE: JSON to FILE.
  s->add_option("--json", show->json_file,
                "JSON output (the workload schema with derived figures), to FILE when given")
      ->expected(0, 1)
      ->type_name("[FILE]");
  check_choice(s->add_option("--granularity", show->granularity,
                             "compute (MAC layers, pooling, joins; default) or all (every node)"),
               {"compute", "all"});
  s->add_flag("--all-layers", show->all_layers, "same as --granularity all");
  s->add_flag("--summary", show->summary, "omit the per-layer tables");
  s->add_option("-o,--output", show->output, "write to a file instead of standard output");
  s->callback([show, s, &exit_code] {
    const Workload w = load_workload(show->workload);
    const Granularity g =
        show->all_layers ? Granularity::All : parse_granularity(show->granularity);
    std::string text;
    const bool json = s->count("--json") > 0;
    if (json && !show->json_file.empty()) {
      if (!show->output.empty() && show->output != show->json_file)
        throw UserError(SourceLocation{"", 0, "--json"},
                        "give the file to --json or to -o, not both");
      show->output = show->json_file;
    }
    if (json) {
      nlohmann::json j = workload_json(w, g);
      if (show->summary)
        for (auto& m : j["models"]) m.erase("layers");
      text = j.dump(1) + "\n";
    } else {
      text = show_text(w, g, !show->summary);
    }
    write_output(show->output, text);
    exit_code = 0;
  });

  struct ConvertArgs {
    std::string workload, to, output, granularity = "all";
  };
  auto conv = std::make_shared<ConvertArgs>();
  CLI::App* c = wl->add_subcommand(
      "convert", "write a workload as a MAESTRO model file, mosaic YAML/JSON or a ZigZag workload");
  c->add_option("workload", conv->workload, "as for `workload show`")->required();
  c->get_option("workload")->description(workload_help());
  check_choice(c->add_option("--to", conv->to,
                             "maestro | yaml | json | zigzag (a ZigZag workload YAML of the "
                             "convolution and matrix-multiply layers: ZigZag costs only those)")
                   ->required(),
               {"maestro", "yaml", "json", "zigzag"});
  check_choice(c->add_option("--granularity", conv->granularity,
                             "all (default: every node) or compute (MAC layers, pooling, joins)"),
               {"all", "compute"});
  c->add_option("-o,--output", conv->output,
                "output file (default: standard output); for --to maestro with several models, "
                "a directory receiving <model>.m");
  c->callback([conv, &exit_code] {
    const Workload w = load_workload(conv->workload);
    const Granularity g = parse_granularity(conv->granularity);
    if (conv->to == "json") {
      write_output(conv->output, workload_json(w, g).dump(1) + "\n");
    } else if (conv->to == "yaml") {
      write_output(conv->output, workload_yaml(w, g));
    } else if (conv->to == "zigzag") {
      write_output(conv->output, zigzag_yaml(einsum_layers(w)));
    } else if (conv->to == "maestro") {
      if (w.models.size() > 1 && !conv->output.empty() && conv->output != "-") {
        fs::create_directories(conv->output);
        for (const auto& e : w.models)
          write_output((fs::path(conv->output) / (e.name + ".m")).string(), maestro_network(e));
      } else {
        write_output(conv->output, workload_maestro(w));
      }
    } else {
      throw UserError(SourceLocation{"", 0, "--to"},
                      fmt::format("'{}' is not maestro, yaml or json", conv->to));
    }
    exit_code = 0;
  });

  auto zoo_json_flag = std::make_shared<bool>(false);
  CLI::App* z = wl->add_subcommand("zoo", "list the built-in models with their MAC counts");
  z->add_flag("--json", *zoo_json_flag, "JSON output on standard output");
  z->callback([zoo_json_flag, &exit_code] {
    std::cout << (*zoo_json_flag ? zoo_json().dump(1) + "\n" : zoo_text());
    exit_code = 0;
  });
});

}  // namespace

}  // namespace mosaic::cli
