// mosaic.map(), mosaic.dse(), mosaic.stream(), mosaic.h3m(): the command line's verbs run in
// process. The keyword arguments become the verb's flags (underscored names, `lpf_limit=4` is
// `--lpf-limit 4`; True for a flag; a list repeats the flag) and the verb itself runs: the same
// parsing, defaults, checks, library calls and files as `mosaic <verb>`, with the GIL released.
// What its JSON file holds (map's --json; summary.json of --out) comes back as a dict. Without
// json=/out= the files go to a temporary directory that is removed afterwards. The verb's console
// lines (stdout) are not printed; its progress on stderr is (quiet=True silences it, as --quiet).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <streambuf>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/Commands.h"
#include "common/Error.h"
#include "common/Suggest.h"
#include "python/PyCommon.h"
#include "search/Progress.h"

namespace mosaic::python {

namespace {

// Where a verb's JSON is: a file flag (--json) or a directory flag (--out) and a file in it.
struct VerbSpec {
  std::string name;
  std::string file_flag;    // "json" or "out"
  std::string file_in_dir;  // "" for a file flag
};

// The verb registered alone in its own CLI::App (the setup of cli/Cmd<Verb>.cpp).
struct VerbApp {
  CLI::App app;
  int exit_code = 0;
  CLI::App* verb = nullptr;
};

std::unique_ptr<VerbApp> make_app(const std::string& name) {
  auto v = std::make_unique<VerbApp>();
  for (const auto& c : cli::registered_commands())
    if (c.name == name) c.setup(v->app, v->exit_code);
  v->verb = v->app.get_subcommand(name);
  return v;
}

std::string python_name(const std::string& flag) {
  std::string s = flag;
  for (char& c : s)
    if (c == '-') c = '_';
  return s;
}

// A temporary directory, removed with everything in it at the end of the call.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "mosaic-py-XXXXXX").string();
    if (mkdtemp(t.data()) == nullptr)
      throw UserError(SourceLocation{t, 0, ""}, "cannot create a temporary directory");
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// std::cout discards what is written while this lives (the verb's console lines).
struct MuteStdout {
  struct Null : std::streambuf {
    int overflow(int c) override { return c; }
  } null;
  std::streambuf* previous;
  MuteStdout() : previous(std::cout.rdbuf(&null)) {}
  ~MuteStdout() { std::cout.rdbuf(previous); }
  MuteStdout(const MuteStdout&) = delete;
  MuteStdout& operator=(const MuteStdout&) = delete;
};

// The command line that the keyword arguments stand for (TypeError for unknown or missing ones).
std::vector<std::string> command_line(const VerbApp& v, const VerbSpec& spec,
                                      const py::kwargs& kwargs) {
  std::vector<std::string> args = {"mosaic", spec.name};
  std::vector<std::string> known;
  std::vector<std::string> given;
  for (const auto& [key, value] : kwargs) {
    std::string k = py::cast<std::string>(key);
    while (!k.empty() && k.back() == '_') k.pop_back();  // class_ -> class
    given.push_back(k);
    const CLI::Option* opt = nullptr;
    for (const CLI::Option* o : v.verb->get_options())
      for (const auto& l : o->get_lnames())
        if (python_name(l) == k && l != "help") opt = o;  // help: the docstring
    if (opt == nullptr) {
      for (const CLI::Option* o : v.verb->get_options())
        for (const auto& l : o->get_lnames())
          if (l != "help") known.push_back(python_name(l));
      throw py::type_error(fmt::format("mosaic.{}() got an unexpected keyword argument '{}'{}",
                                       spec.name, py::cast<std::string>(key),
                                       did_you_mean(k, known)));
    }
    const std::string flag = "--" + opt->get_lnames().front();
    if (value.is_none()) continue;
    if (opt->get_expected_min() == 0) {  // a flag
      if (!py::isinstance<py::bool_>(value))
        throw py::type_error(fmt::format("mosaic.{}(): {} must be True or False", spec.name, k));
      if (py::cast<bool>(value)) args.push_back(flag);
      continue;
    }
    const bool many = py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value);
    const py::object items =
        many ? py::reinterpret_borrow<py::object>(value) : py::object(py::make_tuple(value));
    for (const auto& item : items) {
      args.push_back(flag);
      args.push_back(py::cast<std::string>(py::str(item)));
    }
  }
  for (const CLI::Option* o : v.verb->get_options())
    if (o->get_required() && !o->get_lnames().empty()) {
      const std::string k = python_name(o->get_lnames().front());
      if (k != spec.file_flag && std::find(given.begin(), given.end(), k) == given.end())
        throw py::type_error(
            fmt::format("mosaic.{}() missing required keyword argument '{}'", spec.name, k));
    }
  return args;
}

py::object run_verb(const VerbSpec& spec, const py::kwargs& kwargs) {
  auto v = make_app(spec.name);
  MOSAIC_CHECK(v->verb != nullptr, "verb " + spec.name + " is not compiled into the module");
  std::vector<std::string> args = command_line(*v, spec, kwargs);
  std::optional<TempDir> tmp;
  std::filesystem::path file;
  if (kwargs.contains(spec.file_flag) && !kwargs[spec.file_flag.c_str()].is_none()) {
    file = py::cast<std::string>(py::str(kwargs[spec.file_flag.c_str()]));
  } else {
    tmp.emplace();
    file = tmp->path / (spec.file_in_dir.empty() ? spec.name + ".json" : "out");
    args.push_back("--" + spec.file_flag);
    args.push_back(file.string());
  }
  if (!spec.file_in_dir.empty()) file /= spec.file_in_dir;
  nlohmann::json j;
  bool stopped = false;
  {
    py::gil_scoped_release release;
    std::vector<char*> argv;
    argv.reserve(args.size());
    for (auto& a : args) argv.push_back(a.data());
    {
      // The verbs that take long install the Ctrl-C guard themselves (search::InterruptGuard):
      // Ctrl-C stops them with the work finished (written with out=), then KeyboardInterrupt.
      const MuteStdout mute;
      try {
        v->app.parse(static_cast<int>(argv.size()), argv.data());
      } catch (const CLI::ParseError& e) {
        throw UserError(e.what());  // e.g. a value of the wrong type
      }
    }
    stopped = v->exit_code == 130 || search::InterruptGuard::interrupted();
    if (!stopped) {
      MOSAIC_CHECK(v->exit_code == 0, fmt::format("mosaic {} exited with {} without an error",
                                                  spec.name, v->exit_code));
      std::ifstream in(file);
      MOSAIC_CHECK(in.good(), "mosaic " + spec.name + " did not write " + file.string());
      j = nlohmann::json::parse(in);
    }
  }
  if (stopped) raise_keyboard_interrupt();
  return to_python(j);
}

// The docstring: what the verb does and its flags as keyword arguments.
std::string verb_doc(const VerbSpec& spec, const std::string& returns) {
  auto v = make_app(spec.name);
  std::string doc = fmt::format(
      "`mosaic {}` in process: {}.\n\n{}\n\nKeyword arguments (the "
      "flags of `mosaic {} --help`, underscored):\n",
      spec.name, v->verb->get_description(), returns, spec.name);
  for (const CLI::Option* o : v->verb->get_options()) {
    if (o->get_lnames().empty() || o->get_lnames().front() == "help") continue;
    doc += fmt::format(
        "  {}{}: {}\n", python_name(o->get_lnames().front()),
        o->get_required() && o->get_lnames().front() != spec.file_flag ? " (required)" : "",
        o->get_description());
  }
  return doc;
}

}  // namespace

void bind_cli_verbs(py::module_& m) {
  const std::string dir_note =
      "Without out=, the files go to a temporary directory removed afterwards; with out=DIR "
      "every file the command line writes stays there. Ctrl-C stops the run as on the command "
      "line (with out=, what is finished is written) and raises KeyboardInterrupt.";
  struct Entry {
    VerbSpec spec;
    std::string returns;
  };
  const std::vector<Entry> verbs = {
      {{"map", "json", ""}, "Returns the dict the --json file holds (json=FILE keeps the file)."},
      {{"dse", "out", "summary.json"}, "Returns the dict summary.json holds. " + dir_note},
      {{"stream", "out", "summary.json"}, "Returns the dict summary.json holds. " + dir_note},
      {{"h3m", "out", "summary.json"}, "Returns the dict summary.json holds. " + dir_note},
  };
  for (const auto& e : verbs) {
    const VerbSpec spec = e.spec;
    m.def(
        spec.name.c_str(), [spec](const py::kwargs& kw) { return run_verb(spec, kw); },
        verb_doc(spec, e.returns).c_str());
  }
}

}  // namespace mosaic::python
