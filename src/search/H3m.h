// H3M (Zeng et al., poster seed 002; full paper IEEE TC 72(5), 2023): heterogeneous multi-core
// accelerators with searched core granularity. A design is up to S sub-accelerators, each
// (dataflow, core granularity, core count, gang size): its cores are grouped into gangs that the
// layer scheduler sees as schedulable "cores" (a layer runs on one gang, split across its cores
// along P, K or C, chosen per layer; different gangs run different layers at the same time:
// spatial multi-tenancy). Every search (exhaustive, random, CMA-ES) decodes into the same
// discrete space, and every design is scheduled by Herald's layer scheduler (schedule/) for the
// energy-delay product of the whole multi-DNN workload.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arch/Granularity.h"
#include "arch/Technology.h"
#include "cost/DpuCost.h"
#include "schedule/Schedule.h"
#include "workload/Workload.h"

namespace mosaic::search {

class ChunkTransport;

enum class H3mSearch { CmaEs, Random, Exhaustive };
H3mSearch parse_h3m_search(const std::string& s);
std::string_view h3m_search_name(H3mSearch s);

// The discrete design space.
struct H3mSpace {
  static constexpr int kFission = -1;  // the gang level of dynamic fission
  std::vector<std::string> dataflows = {"yxp_os", "kcp_ws", "rs", "cx_is"};  // library names
  std::vector<arch::DpuCore> granularities = arch::dpu_table();
  int max_subs = 3;     // sub-accelerators
  int share_units = 8;  // the budget is split in units of 1/share_units
  // Cores per gang; 0 = all of them; kFission = Planaria-style dynamic fission (no fixed gangs:
  // the cores re-partitioned among the sub-accelerator's running tasks at every completion).
  std::vector<int> gang_levels = {1, 2, 4, 8, 0, kFission};
  bool one_granularity = false;  // every sub-accelerator uses the same granularity
};

// One slot of a design in the space (indices into the space's lists).
struct H3mSlot {
  int units = 0;  // 0 = the slot is not used
  int dataflow = 0, granularity = 0, gang_level = 0;
  // modernize-use-nullptr sees the 0 of the defaulted <=>'s comparison category checks (a false
  // positive of the check; there is no pointer here).
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const H3mSlot&) const = default;
};
using H3mChoice = std::vector<H3mSlot>;  // canonical: used slots only, sorted

// A decoded, legal design.
struct H3mSub {
  int dataflow = 0, granularity = 0;
  std::int64_t cores = 0;
  int gang = 1;  // cores per gang (the last gang may be smaller); fission: all the cores
  std::vector<int> gang_sizes;
  int units = 0;         // its share of the budget, in 1/share_units
  bool fission = false;  // dynamic fission instead of static gangs
};
struct H3mDesign {
  H3mChoice choice;
  std::vector<H3mSub> subs;
  bool feasible = false;
  std::string why;
};

// Continuous encoding: 4 genes per slot (share, dataflow, granularity, gang level), each in
// [0, 1]; values outside are clamped. The shares become units by largest remainder.
int h3m_dimension(const H3mSpace& space);
H3mChoice decode_h3m(const H3mSpace& space, const std::vector<double>& x);
// Canonical form: used slots sorted; one granularity enforced when the space asks for it.
H3mChoice canonical(const H3mSpace& space, H3mChoice c);
// Every canonical choice of the space (the units of the used slots add up to share_units).
std::vector<H3mChoice> enumerate_h3m(const H3mSpace& space);
// Their number, counted up to limit + 1 (without building them).
std::int64_t count_h3m(const H3mSpace& space, std::int64_t limit);
// Core counts under the platform budget (each slot its share of every resource, then the
// leftover filled round-robin one core at a time: the repair), gangs of the chosen size.
H3mDesign build_design(const H3mSpace& space, const arch::Platform& platform, const H3mChoice& c);

struct H3mConfig {
  workload::Workload workload;
  arch::Platform platform;
  H3mSpace space;
  H3mSearch search = H3mSearch::CmaEs;
  std::int64_t evaluations = 6000;  // budget of the searched design (and of each baseline)
  std::uint64_t seed = 1;
  int threads = 0;
  bool progress = false;
  // Run even when the estimate (search/SweepBudget.h) exceeds the time limit (`--allow-large`).
  bool allow_large = false;
  bool baselines = true;
  arch::Technology technology = arch::default_technology();
  schedule::Options scheduler;
  double link_bytes_per_cycle = 64;  // per core, for C-split reductions (assumption)
  // Per workload model (0 = none): the latest finish time of each of its instances. The search
  // penalises designs that miss one (h3m_better); dynamic fission also allocates by them.
  std::vector<double> sla_seconds;
  // mosaic-mpi: with workers, every batch of new designs is evaluated on them (rank 0 keeps the
  // search; the result is the single process's). Null in the plain executable.
  ChunkTransport* transport = nullptr;
};

struct H3mEvaluation {
  H3mDesign design;
  double latency_cycles = 0, energy_pj = 0;
  double latency_s = 0, energy_j = 0, edp = 0;  // J s
  bool feasible = false;
  int reallocations = 0;  // dynamic fission: allocation events of the schedules (summed)
  // With fission sub-accelerators: per group (model instance), the sub-accelerator (index into
  // design.subs) whose fission schedule ran it, or -1 for the static gangs. Empty otherwise.
  std::vector<int> task_sub;
  // SLAs (when the config has any): every group's (model instance's) finish time, and the sum
  // over the groups with a limit of max(0, finish / limit - 1); 0 = every SLA met.
  std::vector<double> group_finish_s;
  double sla_violation = 0;
};

// The search's order of evaluations (Deb's feasibility rules): a schedulable design beats an
// unschedulable one, one meeting every SLA beats one that does not, two that miss compare by
// their violation, then by EDP.
bool h3m_better(const H3mEvaluation& a, const H3mEvaluation& b);
// The CMA-ES fitness consistent with that order: log EDP when every SLA is met, 500 +
// log(1 + violation) when not, 1000 when unschedulable.
double h3m_fitness(const H3mEvaluation& e);

struct H3mConvergencePoint {
  std::int64_t evaluation = 0;
  double best_edp = 0;
};

struct H3mRun {
  std::string name;  // "h3m", "homogeneous", "fixed_granularity_hda"
  H3mSpace space;
  H3mEvaluation best;
  std::int64_t evaluations = 0;
  std::int64_t best_at_evaluation = 0;
  std::int64_t space_size = 0;  // canonical designs (0 = not enumerated)
  std::string method;           // "exhaustive", "random", "cmaes"
  std::vector<H3mConvergencePoint> convergence;
  double wall_seconds = 0;
  double cpu_seconds = 0;    // process CPU time (all threads) during the run
  double table_seconds = 0;  // wall time of the run spent building cost tables
  // Empty when the best design was found by this run's own search; else the baseline whose best
  // design, evaluated as a member of this run's space, beat it (run_h3m; docs/h3m.md).
  std::string best_from;
};

struct H3mResult {
  H3mRun best;
  std::vector<H3mRun> baselines;  // homogeneous, homogeneous_static, fixed_granularity_hda
  // The best design's schedule and the problem it solves.
  schedule::Problem problem;
  schedule::Schedule schedule;
  std::vector<std::string> gang_names;
  std::vector<double> model_finish_s;  // per workload model instance group
  std::vector<std::string> group_names;
  std::int64_t layers = 0, unique_shapes = 0, cost_tables = 0;
  double wall_seconds = 0;
  double table_seconds = 0;         // of all runs: building the per-gang cost tables
  double search_table_seconds = 0;  // of the searched design's run
  int threads = 1;
  bool interrupted = false;
};

// The run's size estimate (search/SweepBudget.h) checked before anything is created: throws the
// refusal run_h3m would (and its budget errors), so the CLI checks before it creates or locks
// --out. Cheap (flattens the workload; evaluates nothing).
void check_h3m_sweep(const H3mConfig& config);

// Runs the search and the baselines. Throws UserError when no core of the space fits the
// platform; Ctrl-C stops and keeps the best so far (interrupted = true).
H3mResult run_h3m(const H3mConfig& config);

// A worker rank of mosaic-mpi: evaluates the designs the transport's leader sends (the leader
// runs run_h3m with the same configuration); search/H3mDistributed.h.
void serve_h3m(const H3mConfig& config, ChunkTransport& transport);

// The restricted spaces of the baselines.
// One sub-accelerator of one dataflow and granularity with Planaria-style dynamic fission.
H3mSpace homogeneous_space(const H3mSpace& s);
// One sub-accelerator, static gangs of the searched size (no fission).
H3mSpace homogeneous_static_space(const H3mSpace& s);
H3mSpace fixed_granularity_space(const H3mSpace& s);  // one core per sub-accelerator, one
                                                      // granularity for all (Herald-like)
// A choice of a restricted space `from` as the same design in `to` (dataflow, granularity and
// gang level looked up by name / value); false when `to` does not contain it.
bool lift_choice(const H3mSpace& from, const H3mSpace& to, const H3mChoice& c, H3mChoice& out);

// The built-in serving sets: "vision", "nlp", "mixed" (docs/h3m.md lists them and their
// sources); throws UserError for another name.
workload::Workload h3m_workload(const std::string& name);
// BERT-base (Devlin et al., NAACL 2019): 12 encoder layers, hidden 768, 12 heads, FFN 3072, at
// a sequence length, as GEMMs.
workload::Model bert_base(std::int64_t seq = 128);

// A reusable evaluator of designs for one workload and platform (memoised cost tables), for
// benchmarks and tests.
class H3mEvaluator {
 public:
  H3mEvaluator(const H3mConfig& config);
  ~H3mEvaluator();
  H3mEvaluator(const H3mEvaluator&) = delete;
  H3mEvaluator& operator=(const H3mEvaluator&) = delete;
  // Computes the cost tables the designs need (in parallel), then evaluates each (in parallel);
  // results in order.
  std::vector<H3mEvaluation> evaluate(const H3mSpace& space, const std::vector<H3mChoice>& cs);
  H3mEvaluation evaluate_one(const H3mSpace& space, const H3mChoice& c,
                             schedule::Problem* problem = nullptr,
                             schedule::Schedule* schedule = nullptr,
                             std::vector<std::string>* gang_names = nullptr);
  std::int64_t layers() const;
  std::int64_t unique_shapes() const;
  std::int64_t tables() const;
  const workload::WorkloadGraph& graph() const;
  double table_seconds() const;  // wall time spent building cost tables so far

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace mosaic::search
