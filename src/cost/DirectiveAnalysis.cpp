#include "cost/DirectiveAnalysis.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/DirectiveAnalyzer.h"

namespace mosaic::cost {

using directive::BoundDirective;
using directive::Dim;
using directive::DirectiveKind;
using directive::Problem;
using directive::ProblemType;

namespace {
// What a checked sum names when it overflows (common/Checked.h).
constexpr const char* kRuntime = "the layer's runtime (cycles)";
constexpr const char* kMacs = "the layer's MACs";
constexpr const char* kComputeCycles = "the layer's compute cycles";
}  // namespace

namespace directive {

Analyzer::Analyzer(const Problem& p, const std::vector<BoundDirective>& df,
                   const DirectiveHardware& hw, const DirectiveOptions& opt)
    : p_(p), hw_(hw), opt_(opt), conv_(p.type != ProblemType::Gemm) {
  tensors_.input = dataflow::input_dims(p.type, p.batch);
  tensors_.weight = dataflow::weight_dims(p.type, p.batch);
  tensors_.output = dataflow::output_dims(p.type, p.batch);
  for (int i = 0; i < kND; ++i) {
    const Dim d = static_cast<Dim>(i);
    if (tensors_.input.contains(d) || tensors_.weight.contains(d)) {
      tensors_.in_vars.dims[static_cast<std::size_t>(tensors_.in_vars.count++)] = d;
      tensors_.in_vars.mask = static_cast<std::uint16_t>(tensors_.in_vars.mask | (1u << i));
    }
  }
  for (int i = 0; i < kND; ++i) {
    full_.size[static_cast<std::size_t>(i)] = p.size[static_cast<std::size_t>(i)];
    full_.stride[static_cast<std::size_t>(i)] = p.stride[static_cast<std::size_t>(i)];
    full_.has[static_cast<std::size_t>(i)] = p.size[static_cast<std::size_t>(i)] > 0;
  }
  build_levels(df);
}

DirectiveResult Analyzer::run() {
  DirectiveResult r;
  r.top = analyze_level(0, full_);
  r.first = first_set_ ? first_ : r.top;
  r.first_is_top = !first_from_sub_;
  r.top_cases = std::move(top_cases_);
  r.num_levels = num_levels_;
  r.zero_compute_sub_case = zero_compute_;
  for (int l = 0; opt_.keep_levels && l < num_levels_; ++l) {
    std::vector<BoundDirective> v;
    const Level& lv = levels_[static_cast<std::size_t>(l)];
    for (int i = 0; i < lv.dirs.n; ++i) {
      BoundDirective b;
      b.kind = lv.dirs[i].kind;
      b.dim = lv.dirs[i].dim;
      b.size = lv.dirs[i].size;
      b.offset = lv.dirs[i].ofs;
      v.push_back(b);
    }
    r.levels.push_back(std::move(v));
    r.level_sub_clusters.push_back(lv.num_sub);
  }
  r.active_pes = active_pes_;
  return r;
}

namespace {

using ld = long double;

// The running sums of one level's cases: delays (min, max, occurrence-weighted sum) of ingress,
// egress and compute, bandwidths and active sub-clusters.
struct LevelSums {
  std::array<std::array<ld, 3>, 3> delay{};
  ld avg_bw = 0;
  double active_sum = 0;  // MAESTRO keeps this running sum in a double
  i64 occ_total = 0;
  i64 peak_bw = 0;
  LevelSums() {
    for (auto& row : delay) {
      row[0] = std::numeric_limits<ld>::max();
      row[1] = std::numeric_limits<ld>::min();
      row[2] = 0;
    }
  }

  void add(i64 occ, i64 ingress, i64 egress, i64 in_delay, i64 out_delay, i64 compute,
           ld active_units) {
    active_sum =
        static_cast<double>(static_cast<ld>(active_sum) + active_units * static_cast<ld>(occ));
    if (compute == 0) compute = 1;
    const i64 traffic = std::max(ingress, egress);
    peak_bw = std::max(peak_bw, traffic / compute);
    // MAESTRO's average divides integers; kept so compat mode matches to 6 digits.
    avg_bw += static_cast<ld>((occ * traffic) / compute);  // NOLINT(bugprone-integer-division)
    const i64 vals[3] = {in_delay, out_delay, compute};
    for (int k = 0; k < 3; ++k) {
      auto& row = delay[static_cast<std::size_t>(k)];
      row[2] += static_cast<ld>(occ * vals[k]);
      row[0] = std::min(row[0], static_cast<ld>(vals[k]));
      row[1] = std::max(row[1], static_cast<ld>(vals[k]));
    }
    occ_total += occ;
  }

  void finish(LevelFigures& f, bool maestro_compat) const {
    f.peak_bw_req = peak_bw;
    if (occ_total > 0) {
      f.avg_bw_req = static_cast<double>(avg_bw / static_cast<ld>(occ_total));
      f.avg_active_clusters = active_sum / static_cast<double>(occ_total);
      for (int k = 0; k < 3; ++k) {
        const auto& row = delay[static_cast<std::size_t>(k)];
        auto& out = f.delay[static_cast<std::size_t>(k)];
        out[0] = static_cast<i64>(row[0]);
        out[1] = static_cast<i64>(row[1]);
        out[2] = static_cast<i64>(row[2] / static_cast<ld>(occ_total));
      }
    } else {
      // No case computed anything. MAESTRO prints the x86 result of converting its unset
      // minimum (and 0/0 averages) to an integer; mosaic reports zeros.
      f.avg_bw_req = maestro_compat ? std::numeric_limits<double>::quiet_NaN() : 0.0;
      const i64 unset = maestro_compat ? std::numeric_limits<i64>::min() : 0;
      for (auto& row : f.delay) row = {unset, 0, unset};
    }
  }
};

}  // namespace

const LevelFigures* Analyzer::memo_find(int idx, const DimTable& dims) const {
  for (int m = 0; m < memo_n_; ++m)
    if (memo_[static_cast<std::size_t>(m)].level == idx &&
        memo_[static_cast<std::size_t>(m)].dims == dims)
      return &memo_[static_cast<std::size_t>(m)].fig;
  return nullptr;
}

void Analyzer::decode_case(const Level& lv, const StateTable& table, i64 case_id,
                           std::array<int, kMaxDirs>& digit, Case& c) const {
  // Case 0 is all-Init; case c > 0 takes, for each directive, state (digit + 1) mod n of
  // c - 1 written in mixed radix (first directive most significant): MAESTRO's order.
  if (case_id > 0) {
    for (int i = lv.dirs.n - 1; i >= 0; --i) {
      auto& dg = digit[static_cast<std::size_t>(i)];
      if (case_id == 1) {
        dg = 0;
        continue;
      }
      if (++dg < table.n[static_cast<std::size_t>(i)]) break;
      dg = 0;
    }
  }
  for (int i = 0; i < lv.dirs.n; ++i) {
    const int n = table.n[static_cast<std::size_t>(i)];
    const int s = case_id == 0 ? 0 : (digit[static_cast<std::size_t>(i)] + 1) % n;
    c.st[static_cast<std::size_t>(i)] =
        table.s[static_cast<std::size_t>(i)][static_cast<std::size_t>(s)];
    c.occ *= c.st[static_cast<std::size_t>(i)].occ;
    if (c.st[static_cast<std::size_t>(i)].pos != State::Init) c.all_init = false;
  }
  c.nec = lv.num_edge;
  // MAESTRO counts the sub-clusters of a spatial edge step without the partial last one
  // and then takes one of them for it (a whole sub-cluster's work is lost, e.g. one output
  // row of a strided layer). The default mode counts the partial one in addition.
  const State& sp = c.st[static_cast<std::size_t>(first_spatial(lv))];
  if (!opt_.maestro_compat && sp.pos == State::Edge && sp.sp_edge_edge) ++c.nec;
}

i64 Analyzer::case_compute(int idx, const Level& lv, const Case& c, i64 num_psums, i64 active,
                           ld& active_units, std::array<i64, 2>& fill) {
  // The slowest sub-cluster, or the ALUs at the innermost level.
  i64 compute = 0;
  if (idx != num_levels_ - 1) {
    const State& sp_state = c.st[static_cast<std::size_t>(first_spatial(lv))];
    auto sub = [&](bool ee, i64 count) {
      const LevelFigures r = analyze_level(idx + 1, sub_cluster_dims(lv, c, ee));
      compute = std::max(compute, r.runtime);
      active_units += static_cast<ld>(r.avg_active_clusters * static_cast<double>(count));
      for (int t = 0; t < 2; ++t)
        fill[static_cast<std::size_t>(t)] += r.l1_fill[static_cast<std::size_t>(t)] * count;
    };
    if (sp_state.is_edge()) {
      if (sp_state.sp_edge_edge) {
        sub(true, 1);
        if (c.nec - 1 > 0) sub(false, c.nec - 1);
      } else {
        sub(false, c.nec);
      }
    } else {
      sub(false, lv.num_sub);
    }
  } else {
    compute = static_cast<i64>(
        std::ceil(static_cast<double>(num_psums) / static_cast<double>(hw_.vector_width)));
    const TensorDims* ins[2] = {&tensors_.input, &tensors_.weight};
    for (int t = 0; t < 2; ++t)
      fill[static_cast<std::size_t>(t)] = active * pe_ingress_volume(lv, c, *ins[t], true, false);
  }
  return compute;
}

i64 Analyzer::top_level_delay(LevelFigures& f, i64 delay_case, i64 compute, i64& offchip) {
  // Off-chip transfers of the L2 tiles overlap the case like the NoC's.
  const i64 l2_out = f.l2_size_req[2];
  const i64 l2_in = f.l2_size_req[0] + f.l2_size_req[1];
  const i64 in_off = l2_in / hw_.offchip_bw / 2;
  const i64 out_off = l2_out / hw_.offchip_bw / 2;
  delay_case = std::max(in_off, std::max(delay_case, out_off));
  // MAESTRO divides by the compute delay before guarding it against zero (its SIGFPE).
  i64 cd = compute;
  if (cd == 0) {
    zero_compute_ = true;
    cd = 1;
  }
  offchip = std::max(offchip, l2_out / cd);
  offchip = std::max(offchip, l2_in / cd);
  offchip /= 2;
  f.offchip_bw_req = offchip;
  return delay_case;
}

LevelFigures Analyzer::analyze_level(int idx, const DimTable& dims) {
  if (idx > 0)
    if (const LevelFigures* hit = memo_find(idx, dims)) return *hit;
  const Level& lv = levels_[static_cast<std::size_t>(idx)];
  LevelFigures f;
  f.num_sub_clusters = lv.num_sub;

  StateTable table;
  iteration_states(lv, dims, table);
  i64 total_cases = 1;
  for (int i = 0; i < lv.dirs.n; ++i) total_cases *= table.n[static_cast<std::size_t>(i)];

  LevelSums sums;
  i64 offchip = 0;
  bool first_case_done = false;
  std::array<int, kMaxDirs> digit{};
  for (i64 case_id = 0; case_id < total_cases; ++case_id) {
    Case c;
    decode_case(lv, table, case_id, digit, c);
    if (!first_case_done) update_buffer_req(f, lv, dims, c);
    const i64 occ = c.occ;

    // Output tensor: egress and partial sums.
    const i64 egress = output_moves(lv, c) ? spatial_egress(lv, c) : 0;
    const i64 psum_size = output_psum_mapping_size(lv, c);
    f.l2_write[2] += occ * egress;
    f.l1_write[2] += occ * psum_size;
    f.l1_read[2] += occ * psum_size;
    const i64 num_psums = critical_path_psums(lv, c);
    if (num_psums <= 0) continue;
    first_case_done = true;
    ++f.cases_evaluated;

    // Input tensors: ingress with reuse.
    i64 ingress = 0;
    const TensorDims* ins[2] = {&tensors_.input, &tensors_.weight};
    for (int t = 0; t < 2; ++t) {
      const std::size_t k = static_cast<std::size_t>(t);
      const i64 traffic = spatial_ingress(lv, c, *ins[t]);
      ingress += traffic;
      f.l2_read[k] += occ * traffic;
      f.l1_write[k] = f.l2_read[k];  // MAESTRO counts an L1 write per L2 read
      f.l1_read[k] += occ * psum_size;
    }
    f.arithmetic_intensity = static_cast<double>(psum_size) / static_cast<double>(ingress);

    const State& sp_state = c.st[static_cast<std::size_t>(first_spatial(lv))];
    const i64 active = sp_state.is_edge() ? c.nec : lv.num_sub;
    ld active_units = 0;
    std::array<i64, 2> fill{};
    const i64 compute = case_compute(idx, lv, c, num_psums, active, active_units, fill);
    for (int t = 0; t < 2; ++t)
      f.l1_fill[static_cast<std::size_t>(t)] += occ * fill[static_cast<std::size_t>(t)];
    const i64 in_delay = noc_delay(ingress, idx);
    const i64 out_delay = noc_delay(egress, idx);
    i64 delay_case = c.all_init ? checked_add(compute, in_delay, "a case's delay (cycles)")
                                : std::max(out_delay, std::max(compute, in_delay));
    if (idx == 0) delay_case = top_level_delay(f, delay_case, compute, offchip);
    if (idx == 0 && opt_.keep_top_cases)
      top_cases_.push_back(TopCase{occ, ingress, egress, compute, c.all_init});
    f.runtime = checked_add(f.runtime, checked_mul(occ, delay_case, kRuntime), kRuntime);
    f.num_computations = checked_add(f.num_computations, checked_mul(occ, psum_size, kMacs), kMacs);
    f.compute_cycles =
        checked_add(f.compute_cycles, checked_mul(occ, compute, kComputeCycles), kComputeCycles);
    if (active_units == 0) active_units = static_cast<ld>(active);
    sums.add(occ, ingress, egress, in_delay, out_delay, compute, active_units);
  }
  sums.finish(f, opt_.maestro_compat);
  if (!first_set_) {
    first_set_ = true;
    first_from_sub_ = idx > 0;
    first_ = f;
  }
  if (idx > 0 && memo_n_ < kMemo) {
    memo_[static_cast<std::size_t>(memo_n_)] = MemoEntry{idx, dims, f};
    ++memo_n_;
  }
  return f;
}

}  // namespace directive

using directive::Analyzer;
using directive::at;

std::int64_t runtime_at_bandwidth(const std::vector<TopCase>& cases, std::int64_t noc_bw,
                                  std::int64_t noc_latency) {
  auto delay = [&](std::int64_t v) {
    std::int64_t sends = v / noc_bw;
    if (v % noc_bw != 0) ++sends;
    return checked_add(noc_latency, sends - 1, "a NoC delay (cycles)");
  };
  std::int64_t runtime = 0;
  for (const auto& c : cases) {
    const std::int64_t in = delay(c.ingress), out = delay(c.egress);
    const std::int64_t d = c.all_init ? checked_add(c.compute, in, "a case's delay (cycles)")
                                      : std::max(out, std::max(c.compute, in));
    runtime = checked_add(runtime, checked_mul(c.occurrences, d, kRuntime), kRuntime);
  }
  return runtime;
}

std::int64_t problem_macs(const Problem& p) {
  auto get = [&](Dim d) -> std::int64_t { return p.has(d) ? p[d] : 1; };
  if (p.type == ProblemType::Gemm) return get(Dim::M) * get(Dim::N) * get(Dim::K);
  const std::int64_t sy = p.stride[at(Dim::Y)] > 0 ? p.stride[at(Dim::Y)] : 1;
  const std::int64_t sx = p.stride[at(Dim::X)] > 0 ? p.stride[at(Dim::X)] : 1;
  const std::int64_t oy = (get(Dim::Y) - get(Dim::R)) / sy + 1;
  const std::int64_t ox = (get(Dim::X) - get(Dim::S)) / sx + 1;
  std::int64_t m = get(Dim::N) * get(Dim::C) * oy * ox * get(Dim::R) * get(Dim::S);
  if (p.type != ProblemType::DwConv) m *= get(Dim::K);
  if (p.type == ProblemType::GConv) m *= get(Dim::G);
  return m;
}

DirectiveResult analyze_directives(const Problem& problem, const std::vector<BoundDirective>& df,
                                   const DirectiveHardware& hw, const DirectiveOptions& options) {
  if (hw.num_pes <= 0 || hw.vector_width <= 0 || hw.noc_bw <= 0 || hw.offchip_bw <= 0 ||
      hw.noc_bw_inner < 0)
    throw UserError(SourceLocation{"", 0, "hardware"},
                    fmt::format("PEs ({}), vector width ({}), NoC bandwidth ({}) and off-chip "
                                "bandwidth ({}) must be positive",
                                hw.num_pes, hw.vector_width, hw.noc_bw, hw.offchip_bw));
  // Every count of the analysis is bounded by a few times the product of the dimensions; keep
  // that product far from 64-bit overflow.
  // (The loop-nest volume: every dimension but the input rows/columns, which the output ones
  // and the filter determine.)
  std::int64_t volume = 1;
  for (int i = 0; i < dataflow::kNumDims; ++i) {
    const std::int64_t v = problem.size[static_cast<std::size_t>(i)];
    if (v <= 0) continue;
    if (v > (std::int64_t{1} << 31))
      throw UserError(SourceLocation{"", 0, "Dimensions"}, "a dimension exceeds 2^31");
    const auto d = static_cast<dataflow::Dim>(i);
    if (problem.type != ProblemType::Gemm && (d == Dim::Y || d == Dim::X)) continue;
    if (__builtin_mul_overflow(volume, v, &volume) || volume > (std::int64_t{1} << 52))
      throw UserError(SourceLocation{"", 0, "Dimensions"},
                      "the layer is too large to analyse (the product of its dimensions exceeds "
                      "2^52)");
  }
  for (const auto& d : df)
    if (d.size <= 0 || d.size > (std::int64_t{1} << 40) ||
        (d.kind != DirectiveKind::Cluster && (d.offset <= 0 || d.offset > (std::int64_t{1} << 40))))
      throw UserError(SourceLocation{"", d.line, "dataflow"},
                      "map sizes and offsets must be positive and below 2^40");
  if (hw.num_pes > (std::int64_t{1} << 30) || hw.vector_width > (std::int64_t{1} << 20))
    throw UserError(SourceLocation{"", 0, "hardware"}, "more than 2^30 PEs or 2^20 lanes");
  Analyzer a(problem, df, hw, options);
  DirectiveResult r = a.run();
  r.macs = problem_macs(problem);
  r.problem_macs = r.macs;
  return r;
}

}  // namespace mosaic::cost
