#include "schedule/StreamResources.h"

#include <algorithm>

namespace mosaic::schedule::detail {

bool MemInstance::add_usage(double t, double bits) {
  auto it = std::lower_bound(cumsum.begin(), cumsum.end(), t,
                             [](const auto& p, double v) { return p.first < v; });
  const auto idx = static_cast<std::size_t>(it - cumsum.begin());
  const bool present = idx < cumsum.size() && cumsum[idx].first == t;
  const double prev = idx == 0 ? cumsum.back().second : cumsum[idx - 1].second;
  bool ok = true;
  for (std::size_t i = idx; i < cumsum.size(); ++i) {
    cumsum[i].second += bits;
    if (cumsum[i].second > capacity) ok = false;
  }
  if (!present) {
    cumsum.insert(cumsum.begin() + static_cast<std::ptrdiff_t>(idx), {t, prev + bits});
    if (prev + bits > capacity) ok = false;  // Stream misses this case (an insert at the end)
  }
  return ok;
}

double MemInstance::usage_at(double t) const {
  auto it = std::upper_bound(cumsum.begin(), cumsum.end(), t,
                             [](double v, const auto& p) { return v < p.first; });
  const auto idx = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, (it - cumsum.begin()) - 1));
  return cumsum[idx].second;
}

double MemInstance::earliest_fit(double t, double bits) const {
  for (int guard = 0; guard < 1000000; ++guard) {
    auto it = std::upper_bound(cumsum.begin(), cumsum.end(), t,
                               [](double v, const auto& p) { return v < p.first; });
    const auto start = static_cast<std::size_t>(it - cumsum.begin());
    if (start == cumsum.size()) return t;
    const std::size_t from = start == 0 ? 0 : start - 1;
    double mx = -kInf;
    std::size_t last = from;
    for (std::size_t i = from; i < cumsum.size(); ++i)
      if (cumsum[i].second >= mx) {
        mx = cumsum[i].second;
        last = i;
      }
    if (mx + bits <= capacity) return t;
    if (last == cumsum.size() - 1) return cumsum[last].first;
    t = cumsum[last + 1].first;
  }
  return t;
}

bool LinkState::update(int tensor, double start, double end, double activity) {
  if (start == end) return false;
  auto& starts = seen_starts[tensor];
  if (std::find(starts.begin(), starts.end(), start) != starts.end()) return false;
  auto put = [&](double t, double d) {
    auto it = std::lower_bound(ts.begin(), ts.end(), t);
    const auto i = static_cast<std::size_t>(it - ts.begin());
    if (i < ts.size() && ts[i] == t) {
      deltas[i] += d;
    } else {
      ts.insert(ts.begin() + static_cast<std::ptrdiff_t>(i), t);
      deltas.insert(deltas.begin() + static_cast<std::ptrdiff_t>(i), d);
      act.insert(act.begin() + static_cast<std::ptrdiff_t>(i), i == 0 ? 0.0 : act[i - 1]);
    }
    for (std::size_t k = i; k < act.size(); ++k) act[k] += d;
  };
  put(start, activity);
  put(end, -activity);
  starts.push_back(start);
  return true;
}

std::vector<std::pair<double, double>> LinkState::idle_windows(double required, double duration,
                                                               double earliest) const {
  // The activity from `earliest` on is a step function over (earliest, ts[i0], ts[i0+1], ...);
  // a window runs from after a busy step to the next busy step (or the end).
  const auto i0 =
      static_cast<std::size_t>(std::upper_bound(ts.begin(), ts.end(), earliest) - ts.begin());
  const std::size_t n = ts.size() - i0 + 1;  // steps: earliest, then ts[i0..]
  auto time_of = [&](std::size_t k) { return k == 0 ? earliest : ts[i0 + k - 1]; };
  auto act_of = [&](std::size_t k) {
    return k == 0 ? (i0 == 0 ? 0.0 : act[i0 - 1]) : act[i0 + k - 1];
  };
  std::vector<std::pair<double, double>> out;
  double start = earliest;
  for (std::size_t k = 0; k < n; ++k) {
    if (!(act_of(k) + required > bandwidth) && k + 1 < n) continue;
    const double end = time_of(k);
    if (end - start >= duration) out.emplace_back(start, end);
    if (k + 1 >= n) break;
    start = time_of(k + 1);
  }
  return out;
}

double LinkState::first_idle(double required, double duration, double earliest) const {
  const auto i0 =
      static_cast<std::size_t>(std::upper_bound(ts.begin(), ts.end(), earliest) - ts.begin());
  const std::size_t n = ts.size() - i0 + 1;
  double start = earliest;
  for (std::size_t k = 0; k < n; ++k) {
    const double a = k == 0 ? (i0 == 0 ? 0.0 : act[i0 - 1]) : act[i0 + k - 1];
    if (!(a + required > bandwidth) && k + 1 < n) continue;
    const double end = k == 0 ? earliest : ts[i0 + k - 1];
    if (end - start >= duration) return start;
    if (k + 1 >= n) break;
    start = ts[i0 + k];
  }
  return kInf;
}

std::vector<std::pair<double, double>> intersections(
    const std::vector<std::pair<double, double>>& a,
    const std::vector<std::pair<double, double>>& b) {
  std::vector<std::pair<double, double>> r;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const auto [al, ar] = a[i];
    const auto [bl, br] = b[j];
    if (ar < br)
      ++i;
    else
      ++j;
    if (ar >= bl && br >= al) {
      double e[4] = {al, ar, bl, br};
      std::sort(e, e + 4);
      r.emplace_back(e[1], e[2]);
    }
  }
  for (std::size_t k = 0; k + 1 < r.size(); ++k)
    if (r[k].second == r[k + 1].first) {
      r[k].second = r[k + 1].second;
      r.erase(r.begin() + static_cast<std::ptrdiff_t>(k) + 1);
    }
  return r;
}

}  // namespace mosaic::schedule::detail
