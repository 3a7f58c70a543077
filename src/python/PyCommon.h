// The Python module `mosaic` (pybind11): shared declarations of its source files.
//   Module.cpp   the module, mosaic.Error and the error translation
//   PyCost.cpp   Layer, Dataflow, Core, LayerCost and cost()
//   PyGrid.cpp   cost_grid(): many hardware points in one call, in parallel, GIL released
//   PyVerbs.cpp  eval(), workload(), herald(): the CLI verbs returning their JSON as dicts
//   PyCliVerbs.cpp  map(), dse(), stream(), h3m(): the verbs themselves run in process
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>
#include <nlohmann/json.hpp>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "cost/MaestroNetwork.h"
#include "workload/MaestroFormat.h"

namespace mosaic::python {

namespace py = pybind11;

// A layer as the mapping format writes it (type, dimensions in the order given, strides).
struct PyLayer {
  workload::maestro_format::LayerSyntax syntax;
};

// A dataflow: a library name (or .m path) or a directive list.
struct PyDataflow {
  std::optional<std::string> name;
  std::vector<workload::maestro_format::DirectiveSyntax> directives;
  std::string text;  // as given
};

// The evaluation options and the one-layer mapping that `mosaic eval` would cost.
cost::MaestroEvalOptions eval_options(const PyDataflow& df,
                                      const std::optional<std::string>& compat,
                                      const std::optional<std::string>& technology);
workload::maestro_format::LayerSyntax layer_with_dataflow(const PyLayer& layer,
                                                          const PyDataflow& df);
// A Python dataflow argument: a mosaic.Dataflow or a string (library name or directive text).
PyDataflow to_dataflow(const py::handle& h);

// JSON as Python objects (dicts, lists, numbers, strings).
py::object to_python(const nlohmann::json& j);

// Runs `body` with the GIL released; returns true when Ctrl-C was pressed meanwhile. `guard`:
// install the library's Ctrl-C guard for it (the searches poll it and keep what is finished);
// false when the library installs its own (Herald). Python's handler is restored afterwards.
bool run_without_gil(const std::function<void()>& body, bool guard);
[[noreturn]] void raise_keyboard_interrupt();

void bind_cost(py::module_& m);
void bind_grid(py::module_& m);
void bind_verbs(py::module_& m);
void bind_cli_verbs(py::module_& m);

}  // namespace mosaic::python
