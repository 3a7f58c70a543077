// mosaic.Layer, mosaic.Dataflow, mosaic.Core, mosaic.LayerCost and mosaic.cost(): one layer on one
// core, costed exactly as `mosaic eval` costs a one-layer mapping file.
#include <fmt/format.h>
#include <pybind11/stl.h>

#include "arch/Technology.h"
#include "common/Error.h"
#include "cost/MaestroNetwork.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Library.h"
#include "outputs/EvalReport.h"
#include "python/PyCommon.h"

namespace mosaic::python {

namespace mf = workload::maestro_format;

namespace {

PyLayer make_layer(const std::string& type, const std::string& name, const py::kwargs& kw) {
  PyLayer l;
  l.syntax.type = type;
  l.syntax.name = name;
  std::int64_t sx = 1, sy = 1;
  for (const auto& [key_h, value] : kw) {
    const auto key = py::cast<std::string>(key_h);
    const auto v = py::cast<std::int64_t>(value);
    if (key == "stride") {
      sx = sy = v;
    } else if (key == "stride_x") {
      sx = v;
    } else if (key == "stride_y") {
      sy = v;
    } else {
      const std::string dim = key == "Yp" ? "Y'" : key == "Xp" ? "X'" : key;
      if (v < 1) throw UserError(SourceLocation{"", 0, "Layer " + key}, "must be at least 1");
      l.syntax.dims.push_back(mf::DimSyntax{dim, v, 0});
    }
  }
  if (sx != 1 || sy != 1) {
    l.syntax.strides.push_back(mf::DimSyntax{"X", sx, 0});
    l.syntax.strides.push_back(mf::DimSyntax{"Y", sy, 0});
  }
  // Checks the type and every dimension now (the analysis problem of the layer).
  (void)dataflow::problem_from_syntax(l.syntax, "", false);
  (void)mf::to_layer(l.syntax, "");
  return l;
}

std::string layer_repr(const PyLayer& l) {
  std::string s = fmt::format("mosaic.Layer(type='{}'", l.syntax.type);
  for (const auto& d : l.syntax.dims) s += fmt::format(", {}={}", d.name, d.size);
  if (!l.syntax.strides.empty())
    s += fmt::format(", stride_x={}, stride_y={}", l.syntax.stride("X"), l.syntax.stride("Y"));
  return s + ")";
}

PyDataflow make_dataflow(const std::string& text) {
  PyDataflow df;
  df.text = text;
  if (text.find('(') == std::string::npos) {
    // A library name, alias or .m path: resolved now (for a CONV) so a typo fails here.
    (void)dataflow::library_dataflow(text, dataflow::ProblemType::Conv);
    df.name = text;
  } else {
    df.directives = mf::parse_dataflow_text(text, "");
    if (df.directives.empty()) throw UserError(SourceLocation{"", 0, "dataflow"}, "no directive");
    (void)dataflow::from_syntax(df.directives, "dataflow", "");  // checks the directives now
  }
  return df;
}

arch::Core make_core(std::int64_t pes, std::int64_t vector_width, std::optional<std::int64_t> l1,
                     std::optional<std::int64_t> l2, std::int64_t noc_bw, std::int64_t noc_latency,
                     std::int64_t offchip_bw, int precision_bits, const std::string& name,
                     const std::string& dataflow) {
  arch::Core c;
  c.name = name;
  c.dataflow = dataflow;
  c.num_pes = pes;
  c.vector_width = vector_width;
  if (l1) c.l1_bytes = *l1;
  if (l2) c.l2_bytes = *l2;
  c.noc_bw = noc_bw;
  c.noc_hops = 1;
  c.noc_hop_latency = noc_latency;
  c.offchip_bw = offchip_bw;
  c.precision_bits = precision_bits;
  arch::validate(c);
  return c;
}

py::dict level_dict(const cost::LayerCost& c) {
  py::dict d;
  for (int i = 0; i < c.num_levels; ++i) {
    const auto& l = c.levels[static_cast<std::size_t>(i)];
    py::dict e;
    e["reads"] = py::make_tuple(l.reads[0], l.reads[1], l.reads[2]);
    e["writes"] = py::make_tuple(l.writes[0], l.writes[1], l.writes[2]);
    e["energy_pj"] = l.energy_pj;
    d[py::str(std::string(l.get_name()))] = e;
  }
  return d;
}

py::dict breakdown(const cost::LayerCost& c) {
  py::dict d;
  d["mac"] = c.mac_energy_pj;
  for (int i = 0; i < c.num_levels; ++i) {
    const auto& l = c.levels[static_cast<std::size_t>(i)];
    d[py::str(std::string(l.get_name()))] = l.energy_pj;
  }
  d["noc"] = c.noc_energy_pj;
  return d;
}

}  // namespace

PyDataflow to_dataflow(const py::handle& h) {
  if (py::isinstance<PyDataflow>(h)) return py::cast<PyDataflow>(h);
  if (!py::isinstance<py::str>(h))
    throw py::type_error(
        "dataflow: expected a mosaic.Dataflow or a str (a library name or "
        "directive text)");
  return make_dataflow(py::cast<std::string>(h));
}

cost::MaestroEvalOptions eval_options(const PyDataflow& df,
                                      const std::optional<std::string>& compat,
                                      const std::optional<std::string>& technology) {
  cost::MaestroEvalOptions opt;
  if (compat) {
    if (*compat != "maestro")
      throw UserError(SourceLocation{"", 0, "--compat"},
                      "unknown compatibility mode '" + *compat + "'; the only one is 'maestro'");
    opt.maestro_compat = true;
  }
  if (df.name) opt.dataflow_name = df.name;
  if (technology) opt.technology = arch::read_technology(*technology);
  return opt;
}

mf::LayerSyntax layer_with_dataflow(const PyLayer& layer, const PyDataflow& df) {
  mf::LayerSyntax ls = layer.syntax;
  if (!df.name) {
    ls.has_dataflow = true;
    ls.dataflow = df.directives;
  }
  return ls;
}

namespace {

// mosaic.Layer, mosaic.Dataflow and mosaic.dataflows().
void bind_layer_and_dataflow(py::module_& m) {
  py::class_<PyLayer>(m, "Layer",
                      "A layer in the mapping format's names: mosaic.Layer(type='CONV', K=64, "
                      "C=3, R=3, S=3, Y=224, X=224, stride=1). Types: CONV, DSCONV, NGCONV, GEMM "
                      "(M, N, K), TRCONV. Y' and X' as Yp and Xp. Strides default to 1.")
      .def(py::init(&make_layer), py::arg("type") = "CONV", py::arg("name") = "layer")
      .def_property_readonly("type", [](const PyLayer& l) { return l.syntax.type; })
      .def_property_readonly("name", [](const PyLayer& l) { return l.syntax.name; })
      .def_property_readonly("dims",
                             [](const PyLayer& l) {
                               py::dict d;
                               for (const auto& x : l.syntax.dims) d[py::str(x.name)] = x.size;
                               return d;
                             })
      .def_property_readonly("stride_x", [](const PyLayer& l) { return l.syntax.stride("X"); })
      .def_property_readonly("stride_y", [](const PyLayer& l) { return l.syntax.stride("Y"); })
      .def("__repr__", &layer_repr);

  py::class_<PyDataflow>(m, "Dataflow",
                         "A dataflow: a library name (kcp_ws, yxp_os, rs, ...; see "
                         "mosaic.dataflows()), a .m file, or MAESTRO directive text such as "
                         "'SpatialMap(1,1) K; TemporalMap(64,64) C; ...'.")
      .def(py::init(&make_dataflow), py::arg("spec"))
      .def_property_readonly("name", [](const PyDataflow& d) { return d.name; })
      .def_property_readonly("text", [](const PyDataflow& d) { return d.text; })
      .def("__repr__", [](const PyDataflow& d) { return "mosaic.Dataflow('" + d.text + "')"; });
  m.def("dataflows", &dataflow::library_names, "The names of the dataflow library.");
}

// mosaic.Core: MAESTRO's hardware model.
void bind_core(py::module_& m) {
  py::class_<arch::Core>(m, "Core",
                         "A core (MAESTRO's hardware model): the names of the core YAML format. "
                         "Sizes and bandwidths count elements (bytes at 8-bit precision); "
                         "l1/l2 unset = unbounded.")
      .def(py::init(&make_core), py::arg("pes") = 256, py::arg("vector_width") = 1,
           py::arg("l1_bytes") = py::none(), py::arg("l2_bytes") = py::none(),
           py::arg("noc_bw") = 1000, py::arg("noc_latency") = 1, py::arg("offchip_bw") = 50,
           py::arg("precision_bits") = 8, py::arg("name") = "core", py::arg("dataflow") = "")
      .def_static(
          "from_file", [](const std::string& path) { return arch::read_hardware(path); },
          py::arg("path"), "A MAESTRO .m hardware file or a core YAML (as --hw).")
      .def_readonly("name", &arch::Core::name)
      .def_readonly("pes", &arch::Core::num_pes)
      .def_readonly("vector_width", &arch::Core::vector_width)
      .def_readonly("l1_bytes", &arch::Core::l1_bytes)
      .def_readonly("l2_bytes", &arch::Core::l2_bytes)
      .def_readonly("noc_bw", &arch::Core::noc_bw)
      .def_property_readonly("noc_latency", &arch::Core::noc_latency)
      .def_readonly("offchip_bw", &arch::Core::offchip_bw)
      .def_readonly("precision_bits", &arch::Core::precision_bits)
      .def("__repr__", [](const arch::Core& c) {
        return fmt::format("mosaic.Core(pes={}, vector_width={}, noc_bw={}, offchip_bw={})",
                           c.num_pes, c.vector_width, c.noc_bw, c.offchip_bw);
      });
}

// mosaic.LayerCost and mosaic.cost().
void bind_layer_cost(py::module_& m) {
  py::class_<cost::LayerCost>(m, "LayerCost", "The cost of one layer on one core.")
      .def_readonly("latency_cycles", &cost::LayerCost::latency_cycles)
      .def_readonly("ideal_cycles", &cost::LayerCost::ideal_cycles)
      .def_readonly("macs", &cost::LayerCost::macs)
      .def_readonly("utilization", &cost::LayerCost::utilization)
      .def_readonly("avg_active_pes", &cost::LayerCost::avg_active_pes)
      .def_readonly("throughput_macs_per_cycle", &cost::LayerCost::throughput_macs_per_cycle)
      .def_readonly("roofline_macs_per_cycle", &cost::LayerCost::roofline_macs_per_cycle)
      .def_readonly("energy_pj", &cost::LayerCost::energy_pj)
      .def_readonly("mac_energy_pj", &cost::LayerCost::mac_energy_pj)
      .def_readonly("noc_energy_pj", &cost::LayerCost::noc_energy_pj)
      .def_property_readonly("edp", &cost::LayerCost::edp, "energy_pj x latency_cycles")
      .def_property_readonly("breakdown", &breakdown, "Energy per part (pJ): mac, L1, L2, ...")
      .def_property_readonly("levels", &level_dict,
                             "Per memory level: reads and writes (input, weight, output) and pJ")
      .def_readonly("l1_required_elements", &cost::LayerCost::l1_required_elements)
      .def_readonly("l2_required_elements", &cost::LayerCost::l2_required_elements)
      .def_readonly("noc_bw_required", &cost::LayerCost::noc_bw_required)
      .def_readonly("noc_bw_avg", &cost::LayerCost::noc_bw_avg)
      .def_readonly("offchip_bw_required", &cost::LayerCost::offchip_bw_required)
      .def_readonly("area_um2", &cost::LayerCost::area_um2)
      .def_readonly("power_mw", &cost::LayerCost::power_mw)
      .def(
          "to_dict",
          [](const cost::LayerCost& c) { return to_python(outputs::layer_cost_json(c)); },
          "The layer's entry of `mosaic eval --json` (its 'cost').")
      .def("__repr__", [](const cost::LayerCost& c) {
        return fmt::format("mosaic.LayerCost(latency_cycles={:g}, energy_pj={:g}, macs={})",
                           c.latency_cycles, c.energy_pj, c.macs);
      });

  m.def(
      "cost",
      [](const PyLayer& layer, const py::object& dataflow, const arch::Core& core,
         const std::optional<std::string>& compat, const std::optional<std::string>& technology) {
        const PyDataflow df = to_dataflow(dataflow);
        const cost::MaestroEvalOptions opt = eval_options(df, compat, technology);
        mf::NetworkSyntax net;
        net.name = "python";
        net.layers.push_back(layer_with_dataflow(layer, df));
        py::gil_scoped_release release;
        return cost::evaluate_maestro_network(net, core, opt).layers.front().cost;
      },
      py::arg("layer"), py::arg("dataflow"), py::arg("core"), py::arg("compat") = py::none(),
      py::arg("technology") = py::none(),
      "Costs one layer with a dataflow (mosaic.Dataflow or a string) on a core, as `mosaic eval` "
      "costs a one-layer mapping file. compat='maestro': the MAESTRO tool's numbers.");
}

}  // namespace

void bind_cost(py::module_& m) {
  bind_layer_and_dataflow(m);
  bind_core(m);
  bind_layer_cost(m);
}

}  // namespace mosaic::python
