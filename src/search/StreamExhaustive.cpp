#include "search/StreamExhaustive.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "common/Error.h"
#include "search/Progress.h"

namespace mosaic::search {

namespace {

// The next adaptive batch: about kExhaustiveBatchSeconds of scheduling at the last batch's
// rate, between `least` and 4x the last batch (and at most 65,536 allocations held at once).
constexpr double kExhaustiveBatchSeconds = 0.2;

std::int64_t next_exhaustive_batch(std::int64_t last, double seconds, std::int64_t least) {
  const double rate = static_cast<double>(last) / std::max(seconds, 1e-6);
  const double want = rate * kExhaustiveBatchSeconds;
  const double capped = std::min({want, 4.0 * static_cast<double>(last), 65536.0});
  return std::max(least, static_cast<std::int64_t>(capped));
}

}  // namespace

std::int64_t exhaustive_allocation_count(const std::vector<std::vector<int>>& choices) {
  std::int64_t n = 1;
  for (const auto& c : choices) {
    if (c.empty()) return 0;
    if (n > (std::int64_t{1} << 62) / static_cast<std::int64_t>(c.size()))
      throw InternalError("exhaustive allocation: more than 2^62 allocations");
    n *= static_cast<std::int64_t>(c.size());
  }
  return n;
}

std::vector<int> exhaustive_allocation(const std::vector<std::vector<int>>& choices,
                                       std::int64_t index) {
  std::vector<int> g(choices.size());
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const auto n = static_cast<std::int64_t>(choices[i].size());
    g[i] = choices[i][static_cast<std::size_t>(index % n)];
    index /= n;
  }
  return g;
}

ExhaustiveResult run_stream_exhaustive(const std::vector<std::vector<int>>& choices,
                                       const ExhaustiveSettings& s, const GaEvaluate& evaluate) {
  ExhaustiveResult res;
  res.total = exhaustive_allocation_count(choices);
  const auto t0 = std::chrono::steady_clock::now();
  double last_line = -1;
  const std::int64_t least = std::max<std::int64_t>(1, s.min_batch);
  std::int64_t batch = s.batch > 0 ? s.batch : least;
  for (std::int64_t done = 0; done < res.total;) {
    if (s.interrupted && s.interrupted()) {
      res.stopped_early = true;
      break;
    }
    const std::int64_t n = std::min(batch, res.total - done);
    std::vector<StreamGenome> gs(static_cast<std::size_t>(n));
    for (std::int64_t k = 0; k < n; ++k)
      gs[static_cast<std::size_t>(k)].core = exhaustive_allocation(choices, done + k);
    const auto tb = std::chrono::steady_clock::now();
    evaluate(gs);
    const double batch_seconds = seconds_since(tb);
    done += n;
    // Merge: the front of (front so far + this batch's scheduled allocations).
    std::vector<StreamGenome> merged = std::move(res.pareto);
    for (auto& g : gs) {
      if (!(g.latency_cycles < std::numeric_limits<double>::infinity())) {
        res.stopped_early = true;  // left unscheduled: interrupted inside the batch
        continue;
      }
      ++res.scheduled;
      merged.push_back(std::move(g));
    }
    res.pareto = stream_pareto_front(merged);
    const double t = seconds_since(t0);
    if (s.progress &&
        (last_line < 0 || t - last_line >= 1.0 || done == res.total || res.stopped_early)) {
      last_line = t;
      s.progress(fmt::format("{}; best latency {} cycles, front of {}",
                             progress_line("exhaustive allocations", t, res.scheduled, res.total),
                             res.pareto.empty() ? std::numeric_limits<double>::infinity()
                                                : res.pareto.front().latency_cycles,
                             res.pareto.size()));
    }
    if (res.stopped_early) break;
    if (s.batch <= 0) batch = next_exhaustive_batch(n, batch_seconds, least);
  }
  return res;
}

}  // namespace mosaic::search
