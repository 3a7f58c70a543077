#include "search/H3mDistributed.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Hash.h"
#include "search/ChunkTransport.h"
#include "search/SearchThreads.h"

namespace mosaic::search {

namespace {

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <class T>
T get(const std::string& in, std::size_t& pos) {
  if (pos + sizeof(T) > in.size()) throw InternalError("h3m: truncated message between ranks");
  T v;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return v;
}

void put_text(std::string& out, const std::string& s) {
  put(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

std::string get_text(const std::string& in, std::size_t& pos) {
  const auto n = get<std::uint32_t>(in, pos);
  if (pos + n > in.size()) throw InternalError("h3m: truncated text between ranks");
  std::string s = in.substr(pos, n);
  pos += n;
  return s;
}

// Everything of a space that decides how a choice decodes and evaluates: a worker refuses a
// request whose space differs from the one it derives for the run (a driver that adds a run
// without telling h3m_run_space fails loudly instead of computing another space's designs).
std::uint64_t fingerprint(const H3mSpace& s) {
  std::string t;
  for (const auto& d : s.dataflows) t += d + ",";
  for (const auto& g : s.granularities)
    t += fmt::format("{}:{}x{}x{}:{}:{}:{}:{}:{};", g.name, g.pp, g.icp, g.ocp, g.lut, g.registers,
                     g.bram36k, g.dsp, g.published);
  t += fmt::format("|{}|{}|{}|", s.max_subs, s.share_units, s.one_granularity);
  for (int l : s.gang_levels) t += fmt::format("{},", l);
  return fnv1a64(t);
}

}  // namespace

H3mSpace h3m_run_space(const H3mConfig& config, const std::string& run) {
  if (run == "h3m") return config.space;
  if (run == "homogeneous") return homogeneous_space(config.space);
  if (run == "homogeneous_static") return homogeneous_static_space(config.space);
  if (run == "fixed_granularity_hda") return fixed_granularity_space(config.space);
  throw InternalError(fmt::format("h3m: no space for the run '{}'", run));
}

std::string encode_h3m_request(const std::string& run, const H3mSpace& space,
                               const std::vector<H3mChoice>& cs) {
  std::string out;
  put_text(out, run);
  put(out, fingerprint(space));
  put(out, static_cast<std::uint32_t>(cs.size()));
  for (const auto& c : cs) {
    put(out, static_cast<std::uint32_t>(c.size()));
    for (const auto& slot : c)
      for (int v : {slot.units, slot.dataflow, slot.granularity, slot.gang_level})
        put(out, static_cast<std::int32_t>(v));
  }
  return out;
}

std::string encode_h3m_reply(const H3mEvaluation& e) {
  std::string out;
  put(out, static_cast<std::uint8_t>(e.feasible));
  put(out, static_cast<std::uint8_t>(e.design.feasible));
  for (double v : {e.latency_cycles, e.energy_pj, e.latency_s, e.energy_j, e.edp, e.sla_violation})
    put(out, v);
  put(out, static_cast<std::int32_t>(e.reallocations));
  put(out, static_cast<std::uint32_t>(e.group_finish_s.size()));
  for (double v : e.group_finish_s) put(out, v);
  put(out, static_cast<std::uint32_t>(e.task_sub.size()));
  for (int v : e.task_sub) put(out, static_cast<std::int32_t>(v));
  put_text(out, e.design.why);
  return out;
}

H3mEvaluation decode_h3m_reply(const std::string& payload, const H3mSpace& space,
                               const arch::Platform& platform, const H3mChoice& c) {
  H3mEvaluation e;
  e.design = build_design(space, platform, c);  // deterministic: the worker built the same
  std::size_t pos = 0;
  e.feasible = get<std::uint8_t>(payload, pos) != 0;
  e.design.feasible = get<std::uint8_t>(payload, pos) != 0;
  for (double* v :
       {&e.latency_cycles, &e.energy_pj, &e.latency_s, &e.energy_j, &e.edp, &e.sla_violation})
    *v = get<double>(payload, pos);
  e.reallocations = get<std::int32_t>(payload, pos);
  e.group_finish_s.resize(get<std::uint32_t>(payload, pos));
  for (double& v : e.group_finish_s) v = get<double>(payload, pos);
  e.task_sub.resize(get<std::uint32_t>(payload, pos));
  for (int& v : e.task_sub) v = get<std::int32_t>(payload, pos);
  e.design.why = get_text(payload, pos);
  return e;
}

std::vector<H3mEvaluation> evaluate_h3m_remote(ChunkTransport& transport, const H3mConfig& config,
                                               const std::string& run, const H3mSpace& space,
                                               const std::vector<H3mChoice>& cs,
                                               const std::function<bool()>& stop) {
  // A request carries a run of designs: about a quarter of a worker's share of the batch, at
  // most 16 (a design takes about a millisecond; a round trip on a loaded node costs tens of
  // milliseconds of wake-up latency, measured: one design per request made 1 worker 10x slower
  // than the plain executable).
  const std::size_t per = std::clamp<std::size_t>(
      cs.size() / (4 * static_cast<std::size_t>(std::max(1, transport.workers()))), 1, 16);
  std::vector<std::string> requests;
  for (std::size_t i = 0; i < cs.size(); i += per)
    requests.push_back(encode_h3m_request(
        run, space,
        std::vector<H3mChoice>(cs.begin() + static_cast<long>(i),
                               cs.begin() + static_cast<long>(std::min(cs.size(), i + per)))));
  std::vector<std::string> replies(cs.size());
  std::vector<char> have(cs.size(), 0);
  transport.compute_requests(
      requests,
      [&](std::int64_t r, std::string&& payload) {
        std::size_t pos = 0;
        const auto n = get<std::uint32_t>(payload, pos);
        const std::size_t first = static_cast<std::size_t>(r) * per;
        if (first + n > cs.size()) throw InternalError("h3m: a reply of more designs than sent");
        for (std::size_t k = 0; k < n; ++k) {
          replies[first + k] = get_text(payload, pos);
          have[first + k] = 1;
        }
      },
      stop);
  std::vector<H3mEvaluation> out;
  for (std::size_t i = 0; i < cs.size() && have[i]; ++i)
    out.push_back(decode_h3m_reply(replies[i], space, config.platform, cs[i]));
  return out;
}

void serve_h3m(const H3mConfig& config, ChunkTransport& transport) {
  const SearchThreads limit(config.threads);
  const int threads = limit.count;
  H3mEvaluator ev(config);
  std::mutex mu;
  std::map<std::string, std::pair<H3mSpace, std::uint64_t>> spaces;  // by run
  auto space_of = [&](const std::string& run) -> const std::pair<H3mSpace, std::uint64_t>& {
    std::lock_guard lock(mu);
    auto it = spaces.find(run);
    if (it == spaces.end()) {
      H3mSpace s = h3m_run_space(config, run);
      const std::uint64_t f = fingerprint(s);
      it = spaces.emplace(run, std::make_pair(std::move(s), f)).first;
    }
    return it->second;
  };
  transport.serve_requests(
      [&](std::int64_t, const std::string& request) {
        std::size_t pos = 0;
        const std::string run = get_text(request, pos);
        const auto want = get<std::uint64_t>(request, pos);
        const auto& [space, have] = space_of(run);
        if (want != have)
          throw InternalError(
              fmt::format("h3m: the space of the run '{}' differs between rank 0 "
                          "and this rank",
                          run));
        std::vector<H3mChoice> cs(get<std::uint32_t>(request, pos));
        for (auto& c : cs) {
          c.resize(get<std::uint32_t>(request, pos));
          for (auto& slot : c)
            for (int* v : {&slot.units, &slot.dataflow, &slot.granularity, &slot.gang_level})
              *v = get<std::int32_t>(request, pos);
        }
        std::string out;
        put(out, static_cast<std::uint32_t>(cs.size()));
        for (const auto& e : ev.evaluate(space, cs)) put_text(out, encode_h3m_reply(e));
        return out;
      },
      threads);
}

}  // namespace mosaic::search
