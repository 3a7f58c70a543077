// `import mosaic`: the module, its error type and the translation of library errors.
#include <csignal>

#include <pybind11/pybind11.h>

#include "cli/Commands.h"
#include "common/Error.h"
#include "python/PyCommon.h"
#include "search/Progress.h"

namespace mosaic::python {

py::object to_python(const nlohmann::json& j) {
  // Never destroyed: a static py::object would be released after the interpreter is gone.
  static const py::object* loads = new py::object(py::module_::import("json").attr("loads"));
  return (*loads)(j.dump());
}

bool run_without_gil(const std::function<void()>& body, bool guard) {
  py::gil_scoped_release release;
  if (!guard) {
    body();  // the library installs its own Ctrl-C guard (Herald)
    return search::InterruptGuard::interrupted();
  }
  // While the guard lives, SIGINT sets the library's flag (the searches poll it and keep what is
  // finished); Python's own handler is restored afterwards.
  search::InterruptGuard g;
  body();
  return search::InterruptGuard::interrupted();
}

void raise_keyboard_interrupt() {
  search::InterruptGuard::reset();
  PyErr_SetNone(PyExc_KeyboardInterrupt);
  throw py::error_already_set();
}

}  // namespace mosaic::python

PYBIND11_MODULE(mosaic, m) {
  namespace py = pybind11;
  m.doc() =
      "mosaic: accelerator cost models (MAESTRO's directive analysis), searches and schedules "
      "in process. See docs/python.md.";
  m.attr("__version__") = "0.1.0";
  // Never destroyed (see to_python).
  static auto* error = new py::exception<mosaic::UserError>(m, "Error", PyExc_ValueError);
  error->doc() =
      "Bad input (a file, a key, an argument): the message is the command line's, naming file, "
      "line and field.";
  // pybind11's translator type is void(*)(std::exception_ptr): the pointer is taken by value.
  py::register_exception_translator(
      [](std::exception_ptr p) {  // NOLINT(performance-unnecessary-value-param)
        try {
          if (p) std::rethrow_exception(p);
        } catch (const mosaic::UserError& e) {
          PyErr_SetString(error->ptr(), mosaic::cli::with_flag_name(e).what());
        } catch (const mosaic::InternalError& e) {
          PyErr_SetString(PyExc_RuntimeError, (std::string("mosaic: ") + e.what()).c_str());
        }
      });
  mosaic::python::bind_cost(m);
  mosaic::python::bind_grid(m);
  mosaic::python::bind_verbs(m);
  mosaic::python::bind_cli_verbs(m);
}
