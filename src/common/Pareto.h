// The Pareto set of points with N objectives, every objective minimised (negate one to maximise
// it). One implementation for every search: Herald's partition search marks its front with it,
// the hardware DSE collects its front with it.
#pragma once

#include <cstddef>
#include <vector>

namespace mosaic {

// What happens to points equal on every objective: the DSE keeps the first (in input order),
// Herald keeps them all (neither dominates the other).
enum class ParetoTies { KeepFirst, KeepAll };

// The indices of the points of `values` (n points x k objectives, row-major, k >= 1) that no
// other point dominates (no worse on every objective, better on one), in lexicographic order of
// the objectives, then input order.
std::vector<std::size_t> pareto_indices(const std::vector<double>& values, std::size_t k,
                                        ParetoTies ties = ParetoTies::KeepFirst);

}  // namespace mosaic
