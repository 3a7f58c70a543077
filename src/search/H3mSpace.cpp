// The H3M design space: continuous decoding, canonical form, enumeration and the budget repair.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "arch/Accelerator.h"
#include "common/Error.h"
#include "search/H3m.h"

namespace mosaic::search {

int h3m_dimension(const H3mSpace& s) {
  return 4 * s.max_subs;
}

namespace {

int pick(double x, int n) {
  const double c = std::clamp(x, 0.0, 1.0);
  return std::min(n - 1, static_cast<int>(std::floor(c * n)));
}

}  // namespace

H3mChoice canonical(const H3mSpace& s, H3mChoice c) {
  c.erase(std::remove_if(c.begin(), c.end(), [](const H3mSlot& t) { return t.units <= 0; }),
          c.end());
  if (s.one_granularity && !c.empty()) {
    // The granularity of the largest share (the first slot on ties) for all.
    const auto big = std::max_element(
        c.begin(), c.end(), [](const H3mSlot& a, const H3mSlot& b) { return a.units < b.units; });
    const int g = big->granularity;
    for (auto& t : c) t.granularity = g;
  }
  std::sort(c.begin(), c.end());
  return c;
}

H3mChoice decode_h3m(const H3mSpace& s, const std::vector<double>& x) {
  MOSAIC_CHECK(static_cast<int>(x.size()) == h3m_dimension(s), "one gene vector per space");
  const int k = s.max_subs;
  std::vector<double> w(static_cast<std::size_t>(k));
  double total = 0;
  for (int i = 0; i < k; ++i) {
    w[static_cast<std::size_t>(i)] = std::clamp(x[static_cast<std::size_t>(4 * i)], 0.0, 1.0);
    total += w[static_cast<std::size_t>(i)];
  }
  std::vector<int> units(static_cast<std::size_t>(k), 0);
  if (total <= 0) {
    units[0] = s.share_units;
  } else {
    // Largest remainder (ties: the lower slot).
    std::vector<double> rem(static_cast<std::size_t>(k));
    int given = 0;
    for (int i = 0; i < k; ++i) {
      const double q = s.share_units * w[static_cast<std::size_t>(i)] / total;
      units[static_cast<std::size_t>(i)] = static_cast<int>(std::floor(q));
      rem[static_cast<std::size_t>(i)] = q - std::floor(q);
      given += units[static_cast<std::size_t>(i)];
    }
    std::vector<int> order(static_cast<std::size_t>(k));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return rem[static_cast<std::size_t>(a)] > rem[static_cast<std::size_t>(b)];
    });
    for (int j = 0; given < s.share_units; ++j, ++given)
      ++units[static_cast<std::size_t>(order[static_cast<std::size_t>(j % k)])];
  }
  H3mChoice c;
  for (int i = 0; i < k; ++i) {
    H3mSlot t;
    t.units = units[static_cast<std::size_t>(i)];
    t.dataflow = pick(x[static_cast<std::size_t>(4 * i + 1)], static_cast<int>(s.dataflows.size()));
    t.granularity =
        pick(x[static_cast<std::size_t>(4 * i + 2)], static_cast<int>(s.granularities.size()));
    t.gang_level =
        pick(x[static_cast<std::size_t>(4 * i + 3)], static_cast<int>(s.gang_levels.size()));
    c.push_back(t);
  }
  return canonical(s, std::move(c));
}

namespace {

// Visits every canonical choice (multisets of slot options in option order); `visit` returns
// false to stop. Returns false when stopped.
template <class Visit>
bool enumerate_rec(const H3mSpace& s, const std::vector<H3mSlot>& options, std::size_t from,
                   int units_left, int slots_left, H3mChoice& cur, Visit& visit) {
  if (units_left == 0) {
    if (cur.empty()) return true;
    if (s.one_granularity)
      for (const auto& t : cur)
        if (t.granularity != cur.front().granularity) return true;
    return visit(cur);
  }
  if (slots_left == 0) return true;
  for (std::size_t i = from; i < options.size(); ++i) {
    if (options[i].units > units_left) continue;
    cur.push_back(options[i]);
    const bool go =
        enumerate_rec(s, options, i, units_left - options[i].units, slots_left - 1, cur, visit);
    cur.pop_back();
    if (!go) return false;
  }
  return true;
}

std::vector<H3mSlot> slot_options(const H3mSpace& s) {
  std::vector<H3mSlot> options;  // sorted like canonical choices
  for (int u = 1; u <= s.share_units; ++u)
    for (int d = 0; d < static_cast<int>(s.dataflows.size()); ++d)
      for (int g = 0; g < static_cast<int>(s.granularities.size()); ++g)
        for (int l = 0; l < static_cast<int>(s.gang_levels.size()); ++l)
          options.push_back(H3mSlot{u, d, g, l});
  std::sort(options.begin(), options.end());
  return options;
}

}  // namespace

std::vector<H3mChoice> enumerate_h3m(const H3mSpace& s) {
  const auto options = slot_options(s);
  std::vector<H3mChoice> out;
  H3mChoice cur;
  auto visit = [&](const H3mChoice& c) {
    out.push_back(c);
    return true;
  };
  enumerate_rec(s, options, 0, s.share_units, s.max_subs, cur, visit);
  return out;
}

std::int64_t count_h3m(const H3mSpace& s, std::int64_t limit) {
  const auto options = slot_options(s);
  std::int64_t n = 0;
  H3mChoice cur;
  auto visit = [&](const H3mChoice&) { return ++n <= limit; };
  enumerate_rec(s, options, 0, s.share_units, s.max_subs, cur, visit);
  return n;
}

namespace {

struct Use {
  double lut = 0, bram = 0, dsp = 0, macs = 0, ram = 0;
};

bool fits(const arch::Platform& p, const Use& u) {
  if (p.fpga) return u.lut <= p.lut + 1e-6 && u.bram <= p.bram36k + 1e-6 && u.dsp <= p.dsp + 1e-6;
  return u.macs <= static_cast<double>(p.asic_macs) + 1e-6 && u.ram <= p.asic_sram_bytes + 1e-6;
}

void add(Use& u, const arch::DpuCore& c, double n) {
  u.lut += n * c.lut;
  u.bram += n * c.bram36k;
  u.dsp += n * c.dsp;
  u.macs += n * static_cast<double>(c.macs_per_cycle());
  u.ram += n * c.ram_bytes();
}

void make_gangs(H3mSub& sub, int level) {
  const auto n = static_cast<int>(sub.cores);
  if (level == H3mSpace::kFission) {  // no fixed gangs: allocations 1..n at run time
    sub.fission = true;
    sub.gang = n;
    sub.gang_sizes.clear();
    return;
  }
  sub.gang = level == 0 ? n : std::min(level, n);
  sub.gang_sizes.assign(static_cast<std::size_t>(n / sub.gang), sub.gang);
  if (n % sub.gang) sub.gang_sizes.push_back(n % sub.gang);
}

}  // namespace

H3mDesign build_design(const H3mSpace& s, const arch::Platform& p, const H3mChoice& c) {
  H3mDesign d;
  d.choice = c;
  Use used;
  for (const auto& t : c) {
    H3mSub sub;
    sub.dataflow = t.dataflow;
    sub.granularity = t.granularity;
    sub.units = t.units;
    const auto& core = s.granularities[static_cast<std::size_t>(t.granularity)];
    sub.cores = arch::cores_that_fit(p, core, static_cast<double>(t.units) / s.share_units);
    add(used, core, static_cast<double>(sub.cores));
    d.subs.push_back(sub);
  }
  // Repair: the leftover budget, one core at a time round-robin over the slots.
  for (bool grew = true; grew;) {
    grew = false;
    for (auto& sub : d.subs) {
      const auto& core = s.granularities[static_cast<std::size_t>(sub.granularity)];
      Use next = used;
      add(next, core, 1);
      if (!fits(p, next)) continue;
      used = next;
      ++sub.cores;
      grew = true;
    }
  }
  std::size_t k = 0;
  for (std::size_t i = 0; i < d.subs.size(); ++i) {
    if (d.subs[i].cores <= 0) continue;
    make_gangs(d.subs[i], s.gang_levels[static_cast<std::size_t>(c[i].gang_level)]);
    d.subs[k++] = d.subs[i];
  }
  d.subs.resize(k);
  if (d.subs.empty()) {
    d.why = "no core of the chosen granularities fits the platform's budget";
    return d;
  }
  d.feasible = true;
  return d;
}

}  // namespace mosaic::search
