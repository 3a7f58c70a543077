// mosaic stream: Stream's layer-fused multi-core scheduling (tiles, per-core cost, allocation,
// COALA schedule) on Stream's own input formats. Writes summary.json, schedule.json,
// trace.json and report.html into --out, only after the whole run succeeded.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "cli/FlagRules.h"
#include "common/Error.h"
#include "common/MemoryContext.h"
#include "common/OutputFile.h"
#include "common/ParallelMap.h"
#include "outputs/StreamOutputs.h"
#include "search/ChunkTransport.h"
#include "search/Progress.h"
#include "search/StreamPipeline.h"

namespace mosaic::cli {

namespace {

struct StreamArgs {
  std::string accelerator, workload, mapping, out;
  std::string mode = "lbl";
  std::string layer_stacks;
  std::string allocation = "fixed";
  int generations = 4, population = 4, threads = 0, lpf_limit = 6, polish = 100;
  bool random_init = false;
  std::uint64_t seed = 1;
  bool quiet = false;
  bool allow_large = false;
};

int run(const StreamArgs& a) {
  const MemoryContext memory("running the Stream scheduling (computation nodes and their graph)");
  const auto t0 = std::chrono::steady_clock::now();
  search::StreamOptions o;
  if (a.mode == "lbl")
    o.mode = workload::StackMode::LayerByLayer;
  else if (a.mode == "fused")
    o.mode = workload::StackMode::Fused;
  else
    throw UserError(SourceLocation{"", 0, "--mode"},
                    fmt::format("'{}' is neither lbl nor fused", a.mode));
  if (!a.layer_stacks.empty() && o.mode != workload::StackMode::Fused)
    throw UserError(SourceLocation{"", 0, "--layer-stacks"}, "needs --mode fused");
  if (a.allocation == "fixed")
    o.allocation = search::StreamAllocation::Fixed;
  else if (a.allocation == "ga")
    o.allocation = search::StreamAllocation::Ga;
  else if (a.allocation == "exhaustive")
    o.allocation = search::StreamAllocation::Exhaustive;
  else if (a.allocation == "milp")
    o.allocation = search::StreamAllocation::Milp;
  else
    throw UserError(SourceLocation{"", 0, "--allocation"},
                    fmt::format("'{}' is not fixed, ga, milp or exhaustive", a.allocation));
  if (a.generations < 0 || a.population < 2 || a.threads < 0 || a.lpf_limit < 1)
    throw UserError(SourceLocation{"", 0, "--generations/--population/--threads/--lpf-limit"},
                    "need generations >= 0, population >= 2, threads >= 0, lpf-limit >= 1");
  o.layer_stacks = a.layer_stacks;
  o.generations = a.generations;
  o.population = a.population;
  o.seed = a.seed;
  o.polish_schedules = a.polish;
  o.informed_individuals = !a.random_init;
  o.threads = worker_count(a.threads, 1u << 20);  // 0: the hardware's
  o.lpf_limit = a.lpf_limit;
  o.allow_large = a.allow_large;
  if (!a.quiet) o.progress = [](const std::string& s) { std::cerr << "stream: " << s << "\n"; };
  search::InterruptGuard guard;
  o.interrupted = [] { return search::InterruptGuard::interrupted(); };
  search::ChunkTransport* transport = search::chunk_transport();
  const bool searched = o.allocation == search::StreamAllocation::Ga ||
                        o.allocation == search::StreamAllocation::Exhaustive;
  if (transport != nullptr && !transport->leader()) {
    // A worker rank of mosaic-mpi: builds the same tiles and cost table, then schedules the
    // allocations rank 0 sends; writes nothing. Nothing to do without an allocation search.
    if (!searched) return 0;
    o.progress = nullptr;
    o.transport = transport;
    search::run_stream(a.accelerator, a.workload, a.mapping, o);
    return 0;
  }
  if (transport != nullptr && transport->workers() > 0 && searched) {
    o.transport = transport;
    if (!a.quiet)
      std::cerr << fmt::format("stream: {} MPI ranks: rank 0 searches, {} schedule allocations\n",
                               transport->size(), transport->workers());
  }
  const auto r = search::run_stream(a.accelerator, a.workload, a.mapping, o);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::filesystem::create_directories(a.out);
  const auto dir = std::filesystem::path(a.out);
  write_file_atomically(dir / "schedule.json", outputs::stream_schedule(r).dump(1) + "\n", "--out");
  write_file_atomically(dir / "trace.json", outputs::stream_trace(r).dump() + "\n", "--out");
  write_file_atomically(dir / "report.html", outputs::stream_report(r), "--out");
  write_file_atomically(dir / "summary.json", outputs::stream_summary(r, wall).dump(2) + "\n",
                        "--out");
  // Ctrl-C: the best of what was searched is written and printed, said to be partial; exit 130.
  std::cout << fmt::format(
      "latency {} cycles, energy {} pJ, {} CNs, {} edges, allocation {}{}\n",
      r.schedule.latency_cycles, r.schedule.energy_pj, r.graph.cns.size(), r.graph.edges.size(),
      r.allocation, r.stopped_early ? " (partial: " + search::stream_partial_note(r) + ")" : "");
  if (r.stopped_early) std::cerr << "stream: interrupted; the results above are partial\n";
  return r.stopped_early ? 130 : 0;
}

const CommandRegistrar kStreamRegistrar("stream", [](CLI::App& app, int& exit_code) {
  auto a = std::make_shared<StreamArgs>();
  CLI::App* sub = app.add_subcommand(
      "stream",
      "Layer-fused multi-core scheduling (Stream): tiles, per-core cost, allocation, schedule");
  sub->add_option("--accelerator", a->accelerator, "Stream accelerator YAML")->required();
  sub->add_option("--workload", a->workload, "ONNX model or Stream/ZigZag workload YAML")
      ->required();
  sub->add_option("--mapping", a->mapping, "Stream mapping YAML")->required();
  check_choice(sub->add_option("--mode", a->mode, "lbl | fused (default lbl)"), {"lbl", "fused"});
  sub->add_option("--layer-stacks", a->layer_stacks, "fused stacks, e.g. 0-10,11-21");
  check_choice(sub->add_option("--allocation", a->allocation,
                               "fixed | ga | milp | exhaustive (default fixed)"),
               {"fixed", "ga", "milp", "exhaustive"});
  sub->add_option("--generations", a->generations, "GA generations (default 4)");
  sub->add_option("--population", a->population, "GA population (default 4)");
  sub->add_option("--seed", a->seed, "GA seed (default 1)");
  sub->add_option("--polish", a->polish,
                  "GA: schedules for the one-gene-move polish of the best point (default 100; 0: "
                  "none)");
  sub->add_flag("--random-init", a->random_init,
                "GA: random initial individuals only (with --polish 0: Stream's GA)");
  add_threads_option(sub, a->threads);
  sub->add_option("--lpf-limit", a->lpf_limit, "LOMA loop prime factor limit (default 6)");
  add_out_option(sub, a->out, "stream");
  add_quiet_flag(sub, a->quiet);
  sub->add_flag(search::kAllowLargeFlag, a->allow_large, search::kAllowLargeHelp);
  // Values checked by the shared validation layer (docs/input-validation.md).
  check_integer(sub->get_option("--generations"), IntRule::between(1, 1000000));
  check_integer(sub->get_option("--population"), IntRule::between(1, 1000000));
  check_integer(sub->get_option("--seed"), seed_rule());
  check_integer(sub->get_option("--polish"), IntRule::between(0, 1000000));
  check_integer(sub->get_option("--lpf-limit"), IntRule::between(1, 64));
  sub->callback([a, &exit_code] { exit_code = run(*a); });
});

}  // namespace

}  // namespace mosaic::cli
