#include "cost/LoopNestProblem.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/LoopNestCompile.h"
#include "cost/LoopNestPyMath.h"

namespace mosaic::cost {

using dataflow::OperandLink;
using detail::fail;
using detail::Relevancy;
using workload::EinsumLayer;

void LnLoopList::push(int dim, double size) {
  MOSAIC_CHECK(n < kLnMaxLoopsPerLevel, "too many loops in one memory level");
  items[static_cast<std::size_t>(n++)] = LnLoop{dim, size};
}

int LoopNestProblem::dim_id(const std::string& name) const {
  for (std::size_t i = 0; i < dim_names.size(); ++i)
    if (dim_names[i] == name) return static_cast<int>(i);
  return -1;
}

double pr_size(const LnPrDim& pr, double size_a, double size_b) {
  // ZigZag calc_pr_dimension_size: unique indices of c = sa*a + sb*b; sizes truncated to int.
  const std::int64_t a = static_cast<std::int64_t>(size_a);
  const std::int64_t b = static_cast<std::int64_t>(size_b);
  const std::int64_t g = std::gcd(pr.sa, pr.sb);
  const std::int64_t v = a * b - std::max<std::int64_t>(0, b - pr.sa / g) * (a - pr.sb / g);
  return std::min(pr.max_size, static_cast<double>(v));
}

double tensor_size(const LoopNestProblem& p, int op, const double* sizes) {
  const LnOperand& o = p.ops[static_cast<std::size_t>(op)];
  double t = 1;
  for (int d : o.r_list) t *= sizes[d];
  if (o.has_pr)
    for (const auto& pr : p.pr) t *= pr_size(pr, sizes[pr.a], sizes[pr.b]);
  return t;
}

void detail::fail(const EinsumLayer& layer, const std::string& field, const std::string& msg) {
  throw UserError(SourceLocation{layer.source_file, layer.source_line,
                                 fmt::format("layer '{}' {}", layer.name, field)},
                  msg);
}

std::vector<Relevancy> detail::relevancy(const EinsumLayer& layer) {
  std::set<std::string> pr_keys, pr_list;
  for (const auto& rel : layer.relations) {
    pr_keys.insert(rel.dim);
    pr_list.insert(rel.dim);
    pr_list.insert(rel.dim_a);
    pr_list.insert(rel.dim_b);
  }
  std::vector<Relevancy> out;
  for (const auto& operand : layer.operands) {
    Relevancy rv;
    const auto& rl = operand.dims;
    rv.pr =
        std::any_of(rl.begin(), rl.end(), [&](const std::string& d) { return pr_keys.count(d); });
    for (std::size_t i = 0; i < layer.dims.size(); ++i) {
      const std::string& d = layer.dims[i];
      const bool in_r = std::find(rl.begin(), rl.end(), d) != rl.end();
      if (in_r) continue;
      if (rv.pr && pr_list.count(d)) continue;
      if (layer.sizes[i] != 1) rv.ir.push_back(static_cast<int>(i));
    }
    for (const auto& d : rl) {
      auto it = std::find(layer.dims.begin(), layer.dims.end(), d);
      if (rv.pr) {
        if (pr_list.count(d)) continue;
      }
      if (it == layer.dims.end()) continue;  // a pr data dimension
      const int id = static_cast<int>(it - layer.dims.begin());
      if (!rv.pr && layer.sizes[static_cast<std::size_t>(id)] == 1) continue;
      rv.r.push_back(id);
    }
    out.push_back(rv);
  }
  return out;
}

int detail::memory_level(const arch::LoopNestHardware& hw, std::size_t m,
                         const std::string& mem_op) {
  int level = 0;
  for (std::size_t k = 0; k < m; ++k) {
    const auto& prev = hw.memories[k].operands;
    if (std::find(prev.begin(), prev.end(), mem_op) != prev.end()) ++level;
  }
  return level;
}

namespace {

// The memory operand that layer operand `layer_op` is linked to.
std::string link_of(const std::vector<OperandLink>& links, const std::string& layer_op,
                    bool* found) {
  for (const auto& l : links)
    if (l.layer_operand == layer_op) {
      *found = true;
      return l.memory_operand;
    }
  *found = false;
  return {};
}

// Loop dimensions, the partially relevant ones (relations) and their decoupled ids.
void compile_dims(const EinsumLayer& layer, LoopNestProblem& p) {
  p.op_type = layer.op_type;
  p.num_loop_dims = static_cast<int>(layer.dims.size());
  for (std::size_t i = 0; i < layer.dims.size(); ++i) {
    p.dim_names.push_back(layer.dims[i]);
    p.dim_sizes.push_back(static_cast<double>(layer.sizes[i]));
  }
  if (layer.operands.size() < 2 || layer.operands.size() > static_cast<std::size_t>(kLnMaxOperands))
    fail(layer, "equation", "the loop-nest model needs an output and one or two inputs");
  // Partially relevant dimensions.
  for (const auto& rel : layer.relations) {
    LnPrDim pr;
    pr.name = rel.dim;
    pr.a = p.dim_id(rel.dim_a);
    pr.b = p.dim_id(rel.dim_b);
    if (pr.a < 0 || pr.b < 0)
      fail(layer, "dimension_relations", fmt::format("{} uses an unknown dimension", rel.dim));
    pr.sa = rel.coef_a;
    pr.sb = rel.coef_b;
    if (p.pr.size() == static_cast<std::size_t>(kLnMaxPr))
      fail(layer, "dimension_relations", fmt::format("at most {} relations", kLnMaxPr));
    p.pr.push_back(pr);
  }
  for (auto& pr : p.pr) {
    pr.r_id = static_cast<int>(p.dim_names.size());
    p.dim_names.push_back(pr.name + "_r");
    pr.ir_id = static_cast<int>(p.dim_names.size());
    p.dim_names.push_back(pr.name + "_ir");
  }
  if (p.dim_names.size() > static_cast<std::size_t>(kLnMaxDims))
    fail(layer, "loop_dims", fmt::format("at most {} dimensions", kLnMaxDims));
}

// pr max sizes: given pr_loop_sizes, else relation size minus padding.
void compile_pr_sizes(const EinsumLayer& layer, LoopNestProblem& p) {
  for (auto& pr : p.pr) {
    bool given = false;
    if (!layer.pr_sizes.empty()) {
      for (std::size_t i = 0; i < layer.pr_dims.size(); ++i)
        if (layer.pr_dims[i] == pr.name) {
          pr.max_size = static_cast<double>(layer.pr_sizes[i]);
          given = true;
        }
      if (!given) fail(layer, "pr_loop_sizes", fmt::format("no size for {}", pr.name));
    } else {
      LnPrDim unclipped = pr;
      unclipped.max_size = 1e300;
      double pad = 0;
      for (std::size_t i = 0; i < layer.pr_dims.size() && i < layer.padding.size(); ++i)
        if (layer.pr_dims[i] == pr.name)
          pad = static_cast<double>(layer.padding[i].first + layer.padding[i].second);
      pr.max_size = std::trunc(pr_size(unclipped, p.dim_sizes[static_cast<std::size_t>(pr.a)],
                                       p.dim_sizes[static_cast<std::size_t>(pr.b)]) -
                               pad);
    }
  }
}

// Layer operand i: its memory operand (link), its memories and its relevancy.
LnOperand make_operand(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                       const dataflow::LoopNestMappingEntry& mapping, const LoopNestProblem& p,
                       std::size_t i, const Relevancy& rv) {
  LnOperand o;
  o.name = layer.operands[i].name;
  o.is_output = i == 0;
  bool found = false;
  o.mem_operand = link_of(mapping.links, o.name, &found);
  if (!found)
    throw UserError(SourceLocation{mapping.source_file, mapping.source_line,
                                   fmt::format("mapping '{}' memory_operand_links", mapping.name)},
                    fmt::format("layer operand {} of layer '{}' is not linked to a memory operand",
                                o.name, layer.name));
  o.precision_bits = workload::precision_of(layer, o.name);
  for (int m : arch::levels_of(hw, o.mem_operand)) o.mems.push_back(m);
  o.num_mem = static_cast<int>(o.mems.size());
  if (o.num_mem == 0)
    throw UserError(SourceLocation{hw.source_file, 0, "memories"},
                    fmt::format("no memory holds {} (layer operand {} of '{}')", o.mem_operand,
                                o.name, layer.name));
  if (o.num_mem > kLnMaxMemLevels)
    throw UserError(SourceLocation{hw.source_file, 0, "memories"},
                    fmt::format("at most {} memory levels per operand", kLnMaxMemLevels));
  o.has_pr = rv.pr;
  for (int d : rv.r) o.r |= 1u << d;
  for (int d : rv.ir) o.ir |= 1u << d;
  o.r_list = rv.r;
  o.r_dec = o.r;
  o.ir_dec = o.ir;
  for (const auto& pr : p.pr) {
    o.r_dec |= 1u << pr.r_id;
    o.ir_dec |= 1u << pr.ir_id;
  }
  return o;
}

// Operands, relevancy, links; operand sizes in elements.
void compile_operands(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                      const dataflow::LoopNestMappingEntry& mapping, LoopNestProblem& p) {
  const auto rel = detail::relevancy(layer);
  for (std::size_t i = 0; i < layer.operands.size(); ++i) {
    p.ops.push_back(make_operand(layer, hw, mapping, p, i, rel[i]));
    if (i > 0) p.input_ops.push_back(static_cast<int>(i));
  }
  std::set<std::string> mem_ops;
  for (const auto& o : p.ops)
    if (!mem_ops.insert(o.mem_operand).second)
      throw UserError(
          SourceLocation{mapping.source_file, mapping.source_line, "memory_operand_links"},
          fmt::format("two operands of '{}' linked to {}", layer.name, o.mem_operand));
  // Operand sizes in elements.
  std::vector<double> sizes = p.dim_sizes;
  sizes.resize(static_cast<std::size_t>(kLnMaxDims), 1);
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    LnOperand& o = p.ops[i];
    double s = 1;
    for (int d : o.r_list) s *= sizes[static_cast<std::size_t>(d)];
    if (o.has_pr)
      for (const auto& pr : p.pr)
        s *= pr_size(pr, sizes[static_cast<std::size_t>(pr.a)],
                     sizes[static_cast<std::size_t>(pr.b)]);
    o.size_elem = s;
  }
}

// Hardware memory m with the ports its allocations use.
LnMemory compile_memory(const arch::LoopNestHardware& hw, std::size_t m, const LoopNestProblem& p) {
  const auto& hm = hw.memories[m];
  LnMemory lm;
  lm.name = hm.name;
  lm.size_bits = static_cast<double>(hm.size_bits);
  lm.read_pj = hm.read_pj;
  lm.write_pj = hm.write_pj;
  lm.operands = hm.operands;
  std::vector<LnPort> ports(hm.ports.size());
  std::vector<bool> port_used(hm.ports.size(), false);
  for (std::size_t k = 0; k < hm.ports.size(); ++k) {
    ports[k].name = hm.ports[k].name;
    ports[k].bw_min = static_cast<double>(hm.ports[k].bw_min_bits);
    ports[k].bw_max = static_cast<double>(hm.ports[k].bw_max_bits);
  }
  for (const auto& mem_op : hm.operands) {
    const int level = detail::memory_level(hw, m, mem_op);
    int op = -1;
    for (std::size_t i = 0; i < p.ops.size(); ++i)
      if (p.ops[i].mem_operand == mem_op) op = static_cast<int>(i);
    for (const auto& a : hm.allocations) {
      if (a.operand != mem_op) continue;
      LnPortUse u;
      u.op = op;
      u.input_mem_operand = mem_op == "I1" || mem_op == "I2";
      u.output_mem_operand = op == 0;
      u.level = level;
      u.dir = a.dir;
      ports[static_cast<std::size_t>(a.port)].uses.push_back(u);
      port_used[static_cast<std::size_t>(a.port)] = true;
    }
  }
  for (std::size_t k = 0; k < ports.size(); ++k) {
    if (!port_used[k]) continue;
    std::set<std::string> ins;
    for (const auto& a : hm.allocations)
      if (a.port == static_cast<int>(k) && (a.operand == "I1" || a.operand == "I2"))
        ins.insert(a.operand);
    ports[k].shared_by_two_inputs = ins.size() > 1;
    lm.ports.push_back(ports[k]);
  }
  return lm;
}

// Port bandwidth table; every input needs a read port towards the array at every level.
void compile_port_table(const arch::LoopNestHardware& hw, LoopNestProblem& p) {
  for (auto& a : p.port_max)
    for (auto& b : a) b.fill(-1);
  for (auto& a : p.port_min)
    for (auto& b : a) b.fill(-1);
  for (const auto& mem : p.mems)
    for (const auto& port : mem.ports)
      for (const auto& u : port.uses) {
        if (u.op < 0) continue;
        const auto uo = static_cast<std::size_t>(u.op);
        const auto ul = static_cast<std::size_t>(u.level);
        const auto ud = static_cast<std::size_t>(u.dir);
        p.port_max[uo][ul][ud] = port.bw_max;
        p.port_min[uo][ul][ud] = port.bw_min;
      }
  // Every input needs a read port towards the array at every level (ZigZag reads it).
  for (std::size_t oi = 1; oi < p.ops.size(); ++oi)
    for (int lv = 0; lv < p.ops[oi].num_mem; ++lv)
      if (p.port_max[oi][static_cast<std::size_t>(lv)]
                    [static_cast<std::size_t>(arch::DataDir::RdOutToLow)] <= 0)
        throw UserError(
            SourceLocation{hw.source_file, 0, "memories"},
            fmt::format(
                "memory '{}' has no read port (tl) for {}",
                p.mems[static_cast<std::size_t>(p.ops[oi].mems[static_cast<std::size_t>(lv)])].name,
                p.ops[oi].mem_operand));
}

// Sharing groups: memories holding more than one operand (ZigZag mem_sharing_list).
void compile_share_groups(const arch::LoopNestHardware& hw, LoopNestProblem& p) {
  for (std::size_t m = 0; m < hw.memories.size(); ++m) {
    const auto& hm = hw.memories[m];
    if (hm.operands.size() < 2) continue;
    LnShareGroup g;
    for (const auto& mem_op : hm.operands) {
      const int level = detail::memory_level(hw, m, mem_op);
      for (std::size_t i = 0; i < p.ops.size(); ++i)
        if (p.ops[i].mem_operand == mem_op) g.emplace_back(static_cast<int>(i), level);
    }
    p.share_groups.push_back(std::move(g));
  }
}

// Array communication: transfers between the private levels and the shared ones cross the
// array. An unrolled loop of factor f placed after loops of total factor s on its array
// dimension (Interstellar's ordering: loops to the left are closer) costs (f-1)*s hops per
// element when it is irrelevant to the operand (the element walks the chain of f PEs, or partial
// sums are reduced along it) and (f-1)*s/2 hops on average when relevant (each PE's own element
// enters from the edge). ZigZag counts the writes into private levels per PE, so there an
// irrelevant loop's chain is shared by f counted writes: (f-1)*s/f each; at a shared level
// (no private level) a multicast element is counted once: (f-1)*s.
void compile_array_communication(const arch::LoopNestHardware& hw, LoopNestProblem& p) {
  p.hop_energy_pj = hw.array.hop_energy_pj;
  for (auto& o : p.ops) {
    o.noc_level = -1;
    for (int lv = 0; lv < o.num_mem; ++lv) {
      if (!hw.memories[static_cast<std::size_t>(o.mems[static_cast<std::size_t>(lv)])]
               .served_dims.empty())
        break;
      o.noc_level = lv;
    }
    if (hw.array.global_hops) {
      double sum = 0;
      for (auto sz : hw.array.sizes) sum += static_cast<double>(sz);
      o.noc_hops = sum / 2;
      continue;
    }
    double hops = 0;
    for (const auto& ad : p.spatial) {
      double stride = 1;
      for (const auto& u : ad.unrolls) {
        const int d = p.dim_id(u.dim);
        const double f = static_cast<double>(u.factor);
        if (d >= 0 && f > 1)
          hops += in_mask(o.ir, d) ? (o.noc_level >= 0 ? (f - 1) * stride / f : (f - 1) * stride)
                                   : (f - 1) * stride / 2;
        stride *= f;
      }
    }
    o.noc_hops = hops;
  }
}

// Temporal loops: layer sizes divided (ceil) by the spatial unrolling (input operand 0's view).
void compile_temporal_loops(LoopNestProblem& p) {
  std::vector<double> rem = p.dim_sizes;
  std::vector<bool> deleted(rem.size(), false);
  const LnOperand& in0 = p.ops[static_cast<std::size_t>(p.input_ops[0])];
  for (int lv = 0; lv <= in0.num_mem; ++lv)
    for (const LnLoop& l : in0.su_frac[static_cast<std::size_t>(lv)]) {
      if (deleted[static_cast<std::size_t>(l.dim)]) continue;
      const double q = py::trunc(py::ceil(rem[static_cast<std::size_t>(l.dim)] / l.size));
      if (q == 1)
        deleted[static_cast<std::size_t>(l.dim)] = true;
      else
        rem[static_cast<std::size_t>(l.dim)] = q;
    }
  for (std::size_t d = 0; d < rem.size(); ++d)
    if (!deleted[d] && rem[d] > 1)
      p.temporal_loops.emplace_back(static_cast<int>(d), static_cast<std::int64_t>(rem[d]));
}

// User temporal ordering: complete (every size given) or partial constraints.
void compile_user_ordering(const dataflow::LoopNestMappingEntry& mapping, LoopNestProblem& p) {
  if (mapping.temporal_ordering.empty()) return;
  std::vector<dataflow::TemporalOrderItem> items;
  for (const auto& it : mapping.temporal_ordering)
    if (it.dim == "*" || (p.dim_id(it.dim) >= 0 && p.dim_id(it.dim) < p.num_loop_dims))
      items.push_back(it);
  bool complete = !items.empty();
  std::vector<std::pair<int, std::int64_t>> fixed;
  for (const auto& it : items) {
    if (it.size == 0 || it.dim == "*") {
      complete = false;
      break;
    }
    fixed.emplace_back(p.dim_id(it.dim), it.size);
  }
  if (complete) {
    std::vector<double> prod(static_cast<std::size_t>(p.num_loop_dims), 1);
    for (auto& [d, s] : fixed) prod[static_cast<std::size_t>(d)] *= static_cast<double>(s);
    std::vector<double> want(static_cast<std::size_t>(p.num_loop_dims), 1);
    for (auto& [d, s] : p.temporal_loops)
      want[static_cast<std::size_t>(d)] = static_cast<double>(s);
    complete = prod == want;
  }
  if (complete) {
    p.fixed_ordering = fixed;
    p.has_fixed_ordering = true;
  } else {
    bool outer = false;
    const int n = static_cast<int>(items.size());
    for (int c = 0; c < n; ++c) {
      const auto& it = items[static_cast<std::size_t>(c)];
      if (it.dim == "*" && it.size == 0) {
        outer = true;
        continue;
      }
      const int pos = outer ? c - n : c;
      if (it.size == 0)
        p.order_constraints.emplace_back(pos, p.dim_id(it.dim));
      else
        p.order_size_constraints.push_back({pos, {p.dim_id(it.dim), it.size}});
    }
  }
}

}  // namespace

LoopNestProblem compile_problem(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                                const dataflow::LoopNestMappingEntry& mapping,
                                const LoopNestSpatialOptions& options) {
  LoopNestProblem p;
  p.layer_name = layer.name;
  compile_dims(layer, p);
  compile_pr_sizes(layer, p);
  p.total_mac = 1;
  for (double s : p.dim_sizes) p.total_mac *= s;
  p.final_output_bits = workload::precision_of(layer, "O_final");
  p.unit_energy_pj = hw.array.unit_energy_pj;
  p.total_units = static_cast<double>(arch::total_units(hw.array));
  compile_operands(layer, hw, mapping, p);
  detail::compile_spatial(layer, hw, mapping, options, p);
  for (std::size_t m = 0; m < hw.memories.size(); ++m) p.mems.push_back(compile_memory(hw, m, p));
  compile_port_table(hw, p);
  compile_share_groups(hw, p);
  compile_array_communication(hw, p);
  compile_temporal_loops(p);
  compile_user_ordering(mapping, p);
  return p;
}

}  // namespace mosaic::cost
