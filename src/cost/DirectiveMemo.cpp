#include "cost/DirectiveMemo.h"

#include "common/Hash.h"

namespace mosaic::cost {

namespace {

// Every input of the analysis as one integer sequence (two calls give equal sequences exactly
// when their inputs are equal: each part is written with its length or at a fixed size).
void write_key(std::vector<std::int64_t>& key, const dataflow::Problem& p,
               const std::vector<dataflow::BoundDirective>& bound, const DirectiveHardware& hw,
               const DirectiveOptions& o) {
  key.clear();
  key.push_back(static_cast<std::int64_t>(p.type));
  key.insert(key.end(), p.size.begin(), p.size.end());
  key.insert(key.end(), p.stride.begin(), p.stride.end());
  key.push_back(p.batch ? 1 : 0);
  key.push_back(static_cast<std::int64_t>(p.declared.size()));
  for (dataflow::Dim d : p.declared) key.push_back(dataflow::di(d));
  key.push_back(hw.num_pes);
  key.push_back(hw.vector_width);
  key.push_back(hw.noc_bw);
  key.push_back(hw.noc_bw_inner);
  key.push_back(hw.noc_latency);
  key.push_back(hw.offchip_bw);
  key.push_back((o.maestro_compat ? 1 : 0) | (o.keep_levels ? 2 : 0) | (o.keep_top_cases ? 4 : 0));
  key.push_back(static_cast<std::int64_t>(bound.size()));
  for (const auto& d : bound) {
    key.push_back(static_cast<std::int64_t>(d.kind));
    key.push_back(d.size);
    key.push_back(d.offset);
    key.push_back(dataflow::di(d.dim));
  }
}

std::uint64_t hash_of(const std::vector<std::int64_t>& key) {
  std::uint64_t h = kFnv1a64OffsetBasis;
  for (std::int64_t v : key) h = fnv1a64_word(h, static_cast<std::uint64_t>(v));
  return h;
}

}  // namespace

DirectiveResult DirectiveMemo::analyze(const dataflow::Problem& problem,
                                       const std::vector<dataflow::BoundDirective>& bound,
                                       const DirectiveHardware& hw,
                                       const DirectiveOptions& options) {
  write_key(scratch_, problem, bound, hw, options);
  const std::uint64_t h = hash_of(scratch_);
  for (const auto& e : entries_) {
    if (e.hash == h && e.key == scratch_) {
      ++hits_;
      return e.result;
    }
  }
  DirectiveResult r = analyze_directives(problem, bound, hw, options);
  entries_.push_back(Entry{h, scratch_, r});
  return r;
}

}  // namespace mosaic::cost
