// The spatial half of the loop-nest problem compiler (step 2 in LoopNestProblem.h): ZigZag's
// spatial mapping legalization, the conversion to fractional / integer factors and the per-operand
// spatial loops with their unit counts.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/LoopNestCompile.h"
#include "cost/LoopNestPyMath.h"

namespace mosaic::cost {

using dataflow::ArrayDimUnrolling;
using dataflow::OperandLink;
using dataflow::SpatialUnroll;
using detail::fail;
using detail::Relevancy;
using workload::EinsumLayer;

namespace {

using Matrix = std::vector<std::vector<std::int64_t>>;

// The layer operand linked to memory operand `mem_op`, -1 when none is.
int linked_operand(const EinsumLayer& layer, const std::vector<OperandLink>& links,
                   const std::string& mem_op) {
  for (const auto& l : links)
    if (l.memory_operand == mem_op)
      for (std::size_t i = 0; i < layer.operands.size(); ++i)
        if (layer.operands[i].name == l.layer_operand) return static_cast<int>(i);
  return -1;
}

bool is_irrelevant(const EinsumLayer& layer, const std::vector<Relevancy>& rel, int op,
                   const std::string& d) {
  for (int id : rel[static_cast<std::size_t>(op)].ir)
    if (layer.dims[static_cast<std::size_t>(id)] == d) return true;
  return false;
}

// The index of array dimension `name` in the hardware; a user error when it has none.
int array_dim_of(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                 const std::string& name) {
  const int a = arch::array_dim_index(hw.array, name);
  if (a < 0)
    fail(layer, "spatial_mapping",
         fmt::format("array dimension {} is not in the hardware ({})", name, hw.name));
  return a;
}

// Innermost memories: the lowest level of every operand they hold.
std::vector<const arch::MemoryLevel*> innermost_memories(const arch::LoopNestHardware& hw) {
  std::vector<const arch::MemoryLevel*> inner;
  for (std::size_t m = 0; m < hw.memories.size(); ++m) {
    bool lowest = true;
    for (const auto& op : hw.memories[m].operands)
      if (detail::memory_level(hw, m, op) > 0) lowest = false;
    if (lowest) inner.push_back(&hw.memories[m]);
  }
  return inner;
}

// Max unrolling per (array dim, layer dim): the array size, the layer size, and what the
// innermost memories' ports deliver per cycle.
Matrix max_unrolling(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                     const std::vector<OperandLink>& links, const std::vector<Relevancy>& rel,
                     const std::vector<const arch::MemoryLevel*>& inner) {
  const std::size_t nd = hw.array.dims.size();
  Matrix max_unroll(nd, std::vector<std::int64_t>(layer.dims.size()));
  for (std::size_t a = 0; a < nd; ++a)
    for (std::size_t d = 0; d < layer.dims.size(); ++d)
      max_unroll[a][d] = std::min(layer.sizes[d], hw.array.sizes[a]);
  for (const auto* m : inner) {
    for (const auto& mem_op : m->operands) {
      const int op = linked_operand(layer, links, mem_op);
      if (op < 0) continue;
      const bool out = op == 0;
      const int port =
          arch::port_of(*m, mem_op, out ? arch::DataDir::WrInByLow : arch::DataDir::RdOutToLow);
      const int precision =
          workload::precision_of(layer, layer.operands[static_cast<std::size_t>(op)].name);
      if (port < 0 || precision <= 0) continue;
      const std::int64_t bw = m->ports[static_cast<std::size_t>(port)].bw_max_bits;
      for (const auto& served : m->served_dims) {
        const int a = arch::array_dim_index(hw.array, served);
        for (std::size_t d = 0; d < layer.dims.size(); ++d) {
          if (is_irrelevant(layer, rel, op, layer.dims[d])) continue;
          const std::int64_t cap = bw / precision;
          if (cap < max_unroll[static_cast<std::size_t>(a)][d])
            max_unroll[static_cast<std::size_t>(a)][d] = cap;
        }
      }
    }
  }
  return max_unroll;
}

// ZigZag's check_and_reduce: drops unknown dimensions, caps factors, then drops unrollings until
// each array dimension fits and no layer dimension is unrolled beyond its size.
std::vector<ArrayDimUnrolling> check_and_reduce(const EinsumLayer& layer,
                                                const arch::LoopNestHardware& hw,
                                                const std::vector<ArrayDimUnrolling>& user,
                                                const Matrix& max_unroll) {
  auto layer_has = [&](const std::string& d) {
    return std::find(layer.dims.begin(), layer.dims.end(), d) != layer.dims.end();
  };
  std::vector<ArrayDimUnrolling> out;
  for (const auto& ad : user) {
    const int a = array_dim_of(layer, hw, ad.array_dim);
    ArrayDimUnrolling r;
    r.array_dim = ad.array_dim;
    for (const auto& u : ad.unrolls) {
      if (!layer_has(u.dim)) continue;
      const auto d = static_cast<std::size_t>(
          std::find(layer.dims.begin(), layer.dims.end(), u.dim) - layer.dims.begin());
      SpatialUnroll v = u;
      v.factor = std::min(v.factor, max_unroll[static_cast<std::size_t>(a)][d]);
      r.unrolls.push_back(v);
    }
    auto util = [&] {
      std::int64_t p = 1;
      for (const auto& u : r.unrolls) p *= u.factor;
      return p;
    };
    while (util() > hw.array.sizes[static_cast<std::size_t>(a)]) r.unrolls.erase(r.unrolls.begin());
    out.push_back(std::move(r));
  }
  for (std::size_t d = 0; d < layer.dims.size(); ++d) {
    auto total = [&] {
      std::int64_t p = 1;
      for (const auto& ad : out)
        for (const auto& u : ad.unrolls)
          if (u.dim == layer.dims[d]) p *= u.factor;
      return p;
    };
    while (total() > layer.sizes[d]) {
      for (auto it = out.rbegin(); it != out.rend(); ++it) {
        auto f = std::find_if(it->unrolls.begin(), it->unrolls.end(),
                              [&](const SpatialUnroll& u) { return u.dim == layer.dims[d]; });
        if (f != it->unrolls.end()) {
          it->unrolls.erase(f);
          break;
        }
      }
    }
  }
  return out;
}

// Calls f(unroll) for every unrolling on the array dimensions memory `m` serves.
template <typename Mapping, typename F>
void for_each_served_unroll(const arch::MemoryLevel& m, Mapping& out, F f) {
  for (const auto& served : m.served_dims)
    for (auto& ad : out)
      if (ad.array_dim == served)
        for (auto& u : ad.unrolls) f(u);
}

// ZigZag's limit_unrolling_to_mem_capacity for one innermost memory and one operand it holds.
void limit_to_capacity(const EinsumLayer& layer, const std::vector<Relevancy>& rel,
                       const arch::MemoryLevel& m, int op, std::vector<ArrayDimUnrolling>& out) {
  const int precision =
      workload::precision_of(layer, layer.operands[static_cast<std::size_t>(op)].name);
  double total = 1;
  std::vector<std::string> limited_dims;
  for_each_served_unroll(m, std::as_const(out), [&](const SpatialUnroll& u) {
    if (is_irrelevant(layer, rel, op, u.dim)) return;
    if (std::find(limited_dims.begin(), limited_dims.end(), u.dim) == limited_dims.end())
      limited_dims.push_back(u.dim);
    total *= static_cast<double>(u.factor);
  });
  const double max_stored = precision > 0 ? static_cast<double>(m.size_bits) / precision : 1e300;
  if (max_stored >= total) return;
  // ZigZag: decrement the largest factor until the product fits, then map old -> new by value.
  std::vector<std::int64_t> factors;
  for (const auto& d : limited_dims)
    for_each_served_unroll(m, std::as_const(out), [&](const SpatialUnroll& u) {
      if (u.dim == d) factors.push_back(u.factor);
    });
  if (factors.empty()) return;  // nothing unrolled that this memory must hold
  std::vector<std::int64_t> adjusted = factors;
  auto prod = [&] {
    double p = 1;
    for (auto f : adjusted) p *= static_cast<double>(f);
    return p;
  };
  while (prod() > max_stored) {
    auto mx = std::max_element(adjusted.begin(), adjusted.end());
    if (*mx <= 1) break;  // cannot hold one element: the allocation will report it
    *mx -= 1;
  }
  for_each_served_unroll(m, out, [&](SpatialUnroll& u) {
    if (std::find(limited_dims.begin(), limited_dims.end(), u.dim) == limited_dims.end()) return;
    for (std::size_t k = 0; k < factors.size(); ++k)
      if (factors[k] == u.factor) {
        u.factor = adjusted[k];
        break;
      }
  });
}

}  // namespace

std::vector<ArrayDimUnrolling> legalize_spatial(const EinsumLayer& layer,
                                                const arch::LoopNestHardware& hw,
                                                const std::vector<OperandLink>& links,
                                                const std::vector<ArrayDimUnrolling>& user) {
  const auto rel = detail::relevancy(layer);
  const auto inner = innermost_memories(hw);
  auto out = check_and_reduce(layer, hw, user, max_unrolling(layer, hw, links, rel, inner));
  for (const auto* m : inner)
    for (const auto& mem_op : m->operands) {
      const int op = linked_operand(layer, links, mem_op);
      if (op >= 0) limit_to_capacity(layer, rel, *m, op, out);
    }
  return out;
}

namespace {

// Decoupled r/ir unroll sizes of the spatial-only mapping (ZigZag SpatialMappingInternal).
void spatial_internal(const LoopNestProblem& p, LnOperand& o,
                      const std::array<LnLoopList, kLnMaxArch>& su, int A,
                      std::array<double, kLnMaxArch>& unit_count,
                      std::array<double, kLnMaxArch>& unit_unique,
                      std::array<double, kLnMaxArch>& boost) {
  std::array<double, kLnMaxArch> r{}, total{};
  r.fill(1);
  total.fill(1);
  // Decoupling state per pr dim: cumulative sizes of the two related dims, previous r / ir.
  std::array<PrDecoupler, kLnMaxPr> dec{};
  for (int lv = 0; lv < A; ++lv) {
    for (const LnLoop& l : su[static_cast<std::size_t>(lv)]) {
      const bool plain = !o.has_pr || in_mask(o.r, l.dim) || in_mask(o.ir, l.dim);
      bool replaced = false;
      if (!plain) {
        for (std::size_t k = 0; k < p.pr.size(); ++k) {
          const LnPrDim& pr = p.pr[k];
          if (l.dim != pr.a && l.dim != pr.b) continue;
          const auto [fr, fir] = dec[k].grow(pr, l.dim, l.size);
          // (P_r, fr) is relevant; (P_ir, fir) is not.
          r[static_cast<std::size_t>(lv)] *= fr;
          total[static_cast<std::size_t>(lv)] *= fr;
          total[static_cast<std::size_t>(lv)] *= fir;
          replaced = true;
        }
      }
      if (replaced) continue;
      if (in_mask(o.r_dec, l.dim)) r[static_cast<std::size_t>(lv)] *= l.size;
      total[static_cast<std::size_t>(lv)] *= l.size;
    }
  }
  for (int lv = 0; lv < A; ++lv) {
    double t = 1, u = 1;
    for (int k = lv; k < A; ++k) {
      t *= total[static_cast<std::size_t>(k)];
      u *= r[static_cast<std::size_t>(k)];
    }
    unit_count[static_cast<std::size_t>(lv)] = py::round(py::round3(t));
    unit_unique[static_cast<std::size_t>(lv)] = u;
  }
  for (int lv = 0; lv + 1 < A; ++lv)
    boost[static_cast<std::size_t>(lv)] = py::round(unit_unique[static_cast<std::size_t>(lv)] /
                                                    unit_unique[static_cast<std::size_t>(lv + 1)]);
  boost[static_cast<std::size_t>(A - 1)] = 1;
}

// One array dimension's unrollings as fractional and integer factors per layer dimension.
struct Conv {
  std::string array_dim;
  std::vector<std::pair<int, double>> frac, integer;
};
using Factors = std::vector<std::pair<int, double>>;

// Folds one array dimension's unrollings into per-layer-dimension products.
void merge_unrollings(const Conv& cv, Factors& lf, Factors& li) {
  auto multiply = [](Factors& v, int d, double f) {
    for (auto& e : v)
      if (e.first == d) {
        e.second *= f;
        return;
      }
    v.emplace_back(d, f);
  };
  for (std::size_t k = 0; k < cv.frac.size(); ++k) {
    multiply(lf, cv.frac[k].first, cv.frac[k].second);
    multiply(li, cv.integer[k].first, cv.integer[k].second);
  }
}

// The mapping has a spatial mapping that names every array dimension.
void check_spatial_mapped(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                          const dataflow::LoopNestMappingEntry& mapping) {
  if (!mapping.has_spatial)
    fail(layer, "spatial_mapping",
         fmt::format("mapping '{}' has no spatial_mapping", mapping.name));
  for (const auto& d : hw.array.dims)
    if (std::none_of(mapping.spatial.begin(), mapping.spatial.end(),
                     [&](const ArrayDimUnrolling& a) { return a.array_dim == d; }))
      throw UserError(SourceLocation{mapping.source_file, mapping.source_line,
                                     fmt::format("mapping '{}' spatial_mapping", mapping.name)},
                      fmt::format("array dimension {} of {} is not mapped", d, hw.name));
}

// The first array dimension (mapping order) with the largest unrolling of layer dimension `dim`.
std::string first_largest_unrolling(const std::vector<ArrayDimUnrolling>& spatial,
                                    const std::string& dim) {
  std::int64_t max_f = 0;
  for (const auto& other : spatial)
    for (const auto& v : other.unrolls)
      if (v.dim == dim) max_f = std::max(max_f, v.factor);
  for (const auto& other : spatial)
    for (const auto& v : other.unrolls)
      if (v.dim == dim && v.factor == max_f) return other.array_dim;
  return {};
}

// Conversion to fractional / integer factors (ZigZag's SpatialMappingConversionStage).
std::vector<Conv> convert_spatial(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                                  const LoopNestProblem& p) {
  std::vector<Conv> conv;
  for (const auto& ad : p.spatial) {
    const int a = array_dim_of(layer, hw, ad.array_dim);
    Conv c;
    c.array_dim = ad.array_dim;
    for (const auto& u : ad.unrolls) {
      const int d = p.dim_id(u.dim);
      if (d < 0 || d >= p.num_loop_dims) continue;
      double f = static_cast<double>(
          std::min<std::int64_t>(u.factor, hw.array.sizes[static_cast<std::size_t>(a)]));
      const double size = p.dim_sizes[static_cast<std::size_t>(d)];
      if (f > size)
        fail(layer, "spatial_mapping",
             fmt::format("{} unrolled {} times but its size is {}", u.dim, f, size));
      if (first_largest_unrolling(p.spatial, u.dim) == ad.array_dim) {
        double early_f = 1, early_i = 1;
        for (const auto& prev : conv)
          for (const auto& [dd, ff] : prev.frac)
            if (dd == d) early_f *= ff;
        for (const auto& prev : conv)
          for (const auto& [dd, ff] : prev.integer)
            if (dd == d) early_i *= ff;
        const double rem_f = py::ceil(size / (f * early_f));
        const double rem_i = py::ceil(size / (f * early_i));
        c.frac.emplace_back(d, size / rem_f / early_f);
        c.integer.emplace_back(d, py::trunc(size / rem_i / early_i));
      } else {
        c.frac.emplace_back(d, f);
        c.integer.emplace_back(d, f);
      }
    }
    if (!c.frac.empty()) conv.push_back(std::move(c));
  }
  return conv;
}

// Per operand: spatial loops per arch level (ZigZag's generate_mapping_per_mem_lvl).
void operand_spatial_loops(const LoopNestProblem& p, const arch::LoopNestHardware& hw,
                           const std::vector<Conv>& conv, LnOperand& o) {
  const int A = o.num_mem + 1;
  std::vector<bool> used(conv.size(), false);
  for (int lv = 0; lv < o.num_mem; ++lv) {
    const auto& mem = hw.memories[static_cast<std::size_t>(o.mems[static_cast<std::size_t>(lv)])];
    // Merge unrollings of one layer dimension across the served array dimensions.
    Factors lf, li;
    for (const auto& served : mem.served_dims) {
      for (std::size_t c = 0; c < conv.size(); ++c) {
        if (used[c] || conv[c].array_dim != served) continue;
        used[c] = true;
        merge_unrollings(conv[c], lf, li);
      }
    }
    for (auto& [d, f] : lf) o.su_frac[static_cast<std::size_t>(lv)].push(d, f);
    for (auto& [d, f] : li) o.su_int[static_cast<std::size_t>(lv)].push(d, f);
  }
  // Leftover array dimensions go on top.
  Factors lf, li;
  for (std::size_t c = 0; c < conv.size(); ++c) {
    if (!used[c]) merge_unrollings(conv[c], lf, li);
  }
  for (auto& [d, f] : lf) o.su_frac[static_cast<std::size_t>(A - 1)].push(d, f);
  for (auto& [d, f] : li) o.su_int[static_cast<std::size_t>(A - 1)].push(d, f);
  spatial_internal(p, o, o.su_frac, A, o.unit_count_frac, o.unit_unique_frac, o.boost_frac);
  spatial_internal(p, o, o.su_int, A, o.unit_count_int, o.unit_unique_int, o.boost_int);
}

}  // namespace

void detail::compile_spatial(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                             const dataflow::LoopNestMappingEntry& mapping,
                             const LoopNestSpatialOptions& options, LoopNestProblem& p) {
  check_spatial_mapped(layer, hw, mapping);
  p.spatial = options.legalize ? legalize_spatial(layer, hw, mapping.links, mapping.spatial)
                               : mapping.spatial;
  const std::vector<Conv> conv = convert_spatial(layer, hw, p);
  for (auto& o : p.ops) operand_spatial_loops(p, hw, conv, o);
  double mac0 = -1;
  for (const auto& o : p.ops) {
    if (mac0 < 0) mac0 = o.unit_count_frac[0];
    if (o.unit_count_frac[0] != mac0)
      fail(layer, "spatial_mapping",
           "the MAC-level unit count differs between operands; correct the spatial mapping");
  }
}

}  // namespace mosaic::cost
