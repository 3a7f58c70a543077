// mosaic.cost_grid(): one layer and dataflow on many hardware points (NumPy broadcasting), in
// parallel with the GIL released; the engine is search/CostGrid.h. Every figure equals
// mosaic.cost()'s at the same point (tested).
#include <climits>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "python/PyCommon.h"
#include "search/CostGrid.h"

namespace mosaic::python {

namespace {

using I64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

I64Array as_int64(const py::module_& np, const py::object& v, std::int64_t none_value) {
  if (v.is_none()) return I64Array(py::array(py::dtype::of<std::int64_t>(), {}, {}, &none_value));
  return I64Array(np.attr("asarray")(v, py::arg("dtype") = "int64"));
}

}  // namespace

py::dict cost_grid(const PyLayer& layer, const py::object& dataflow, const py::object& pes,
                   const py::object& noc_bw, const py::object& l1_bytes, const py::object& l2_bytes,
                   const py::object& offchip_bw, const py::object& vector_width,
                   const py::object& noc_latency, const std::optional<std::string>& compat,
                   const std::optional<std::string>& technology, int threads) {
  const PyDataflow df = to_dataflow(dataflow);
  const cost::MaestroEvalOptions opt = eval_options(df, compat, technology);
  const cost::PreparedLayer prepared = cost::prepare_layer(layer_with_dataflow(layer, df), "", opt);
  const py::module_ np = py::module_::import("numpy");
  std::vector<I64Array> in = {as_int64(np, pes, 0),
                              as_int64(np, noc_bw, 0),
                              as_int64(np, l1_bytes, INT_MAX),
                              as_int64(np, l2_bytes, INT_MAX),
                              as_int64(np, offchip_bw, 0),
                              as_int64(np, vector_width, 0),
                              as_int64(np, noc_latency, -1)};
  py::list args;
  for (auto& a : in) args.append(a);
  const py::tuple b = np.attr("broadcast_arrays")(*args);
  const py::tuple shape = b[0].attr("shape");
  for (std::size_t i = 0; i < in.size(); ++i)
    in[i] = I64Array(np.attr("ascontiguousarray")(b[i]).attr("ravel")());
  search::CostGridPoints g;
  g.n = static_cast<std::size_t>(in[0].size());
  g.pes = in[0].data(), g.noc_bw = in[1].data(), g.l1_bytes = in[2].data();
  g.l2_bytes = in[3].data(), g.offchip_bw = in[4].data(), g.vector_width = in[5].data();
  g.noc_latency = in[6].data();
  std::vector<std::int64_t> dims;
  for (const auto& d : shape) dims.push_back(py::cast<std::int64_t>(d));
  constexpr std::size_t kF = search::kCostGridFigures.size();
  std::vector<py::array_t<double>> f;
  for (std::size_t i = 0; i < kF; ++i) f.emplace_back(dims);
  py::array_t<bool> feasible(dims), fits(dims);
  search::CostGridOutput out;
  for (std::size_t i = 0; i < kF; ++i) out.figures[i] = f[i].mutable_data();
  out.feasible = feasible.mutable_data();
  out.fits = fits.mutable_data();
  {
    py::gil_scoped_release release;
    search::cost_grid(prepared, opt, g, out, threads);
  }
  py::dict result;
  for (std::size_t i = 0; i < kF; ++i) result[search::kCostGridFigures[i]] = f[i];
  result["feasible"] = feasible;
  result["fits"] = fits;
  return result;
}

void bind_grid(py::module_& m) {
  m.def("cost_grid", &cost_grid, py::arg("layer"), py::arg("dataflow"), py::arg("pes") = 256,
        py::arg("noc_bw") = 1000, py::arg("l1_bytes") = py::none(),
        py::arg("l2_bytes") = py::none(), py::arg("offchip_bw") = 50, py::arg("vector_width") = 1,
        py::arg("noc_latency") = 1, py::arg("compat") = py::none(),
        py::arg("technology") = py::none(), py::arg("threads") = 0,
        "Costs one layer and dataflow at every hardware point of the broadcast arguments (scalars "
        "or arrays; NumPy broadcasting), in parallel with the GIL released. Returns a dict of "
        "arrays of the broadcast shape: latency_cycles, energy_pj, edp, area_um2, power_mw, "
        "utilization, throughput_macs_per_cycle, l1/l2_required_elements (NaN where the dataflow "
        "cannot run), feasible, and fits (the requirements within l1_bytes/l2_bytes). Each point "
        "equals mosaic.cost() at that point.");
}

}  // namespace mosaic::python
