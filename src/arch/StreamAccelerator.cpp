#include "arch/StreamAccelerator.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "arch/ZigZagHardware.h"
#include "common/Error.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::arch {

namespace y = workload::yaml;
namespace fs = std::filesystem;

std::string StreamLink::name() const {
  if (!bus) return fmt::format("link {}->{}", from, to);
  std::string s = "bus";
  for (std::size_t i = 0; i < cores.size(); ++i) s += (i ? "," : " ") + std::to_string(cores[i]);
  return s;
}

const StreamCore& StreamAccelerator::core(int id) const {
  if (id < 0 || id >= static_cast<int>(cores.size()))
    throw UserError(SourceLocation{source_file, 0, "cores"},
                    fmt::format("core {} does not exist (the accelerator has cores 0 to {})", id,
                                static_cast<int>(cores.size()) - 1));
  return cores[static_cast<std::size_t>(id)];
}

int top_memory_of(const StreamCore& core, const std::string& mem_operand) {
  const auto lv = levels_of(core.hw, mem_operand);
  return lv.empty() ? -1 : lv.back();
}

namespace {

[[noreturn]] void fail(const std::string& path, const YAML::Node& n, const std::string& key,
                       const std::string& msg) {
  throw UserError(SourceLocation{path, y::line_of(n), key}, msg);
}

std::string resolve_core_file(const std::string& acc_path, const std::string& entry) {
  const fs::path dir = fs::path(acc_path).parent_path();
  std::vector<fs::path> tries{dir / entry};
  if (entry.find('/') == std::string::npos) {
    tries.push_back(dir / "cores" / entry);
    if (fs::path(entry).extension() != ".yaml") {
      tries.push_back(dir / (entry + ".yaml"));
      tries.push_back(dir / "cores" / (entry + ".yaml"));
    }
  }
  for (const auto& t : tries)
    if (fs::exists(t)) return t.lexically_normal().string();
  return tries.front().lexically_normal().string();
}

// A Stream memory-only core (the off-chip DRAM) has an operational array of size 0, which the
// ZigZag reader rejects: it is read with size-1 dimensions, then given its zero sizes back.
LoopNestHardware read_core(const std::string& file, const YAML::Node& root) {
  bool zero = false;
  if (y::has(root, "operational_array") && y::has(y::find(root, "operational_array"), "sizes")) {
    for (const auto& v : y::find(y::find(root, "operational_array"), "sizes"))
      if (v.IsScalar() && v.as<std::string>() == "0") zero = true;
  }
  if (!zero) return read_zigzag_hardware(file);
  YAML::Node copy = YAML::Clone(root);
  YAML::Node sizes = copy["operational_array"]["sizes"];
  for (std::size_t i = 0; i < sizes.size(); ++i) sizes[i] = 1;
  YAML::Emitter em;
  em << copy;
  LoopNestHardware hw = parse_zigzag_hardware(em.c_str(), file);
  for (auto& s : hw.array.sizes) s = 0;
  return hw;
}

std::vector<dataflow::ArrayDimUnrolling> read_dataflows(const YAML::Node& n, const StreamCore& c) {
  std::vector<dataflow::ArrayDimUnrolling> out;
  if (!n.IsMap()) fail(c.file, n, "dataflows", "expected D1: [\"K, 32\"], ...");
  for (auto it = n.begin(); it != n.end(); ++it) {
    dataflow::ArrayDimUnrolling a;
    a.array_dim = y::as_string(it->first, c.file, "dataflows");
    if (array_dim_index(c.hw.array, a.array_dim) < 0)
      fail(c.file, it->first, "dataflows",
           fmt::format("'{}' is not an array dimension", a.array_dim));
    for (const auto& e : y::as_string_list(it->second, c.file, "dataflows " + a.array_dim)) {
      const auto comma = e.find(',');
      dataflow::SpatialUnroll u;
      bool ok = comma != std::string::npos;
      if (ok) {
        u.dim = e.substr(0, comma);
        u.dim.erase(0, u.dim.find_first_not_of(' '));
        u.dim.erase(u.dim.find_last_not_of(' ') + 1);
        try {
          u.factor = std::stoll(e.substr(comma + 1));
        } catch (const std::exception&) {
          ok = false;
        }
      }
      if (!ok || u.factor < 1 || u.dim.empty())
        fail(c.file, it->second, "dataflows " + a.array_dim,
             fmt::format("'{}' is not \"DIM, n\"", e));
      a.unrolls.push_back(u);
    }
    out.push_back(a);
  }
  return out;
}

std::vector<int> parse_sharing_group(const YAML::Node& n, const std::string& path) {
  std::vector<int> ids;
  if (n.IsSequence()) {
    for (const auto& v : y::as_int_list(n, path, "core_memory_sharing"))
      ids.push_back(static_cast<int>(v));
    return ids;
  }
  std::stringstream ss(y::as_string(n, path, "core_memory_sharing"));
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    try {
      ids.push_back(std::stoi(tok));
    } catch (const std::exception&) {
      fail(path, n, "core_memory_sharing", fmt::format("'{}' is not a core id", tok));
    }
  }
  return ids;
}

void compute_routes(StreamAccelerator& acc) {
  const std::size_t n = acc.cores.size();
  // Edge per ordered pair; later entries replace earlier ones (networkx add_edges_from).
  std::vector<std::vector<int>> edge(n, std::vector<int>(n, -1));
  std::vector<std::vector<int>> adj(n);
  auto add = [&](int a, int b, int link) {
    auto& e = edge[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)];
    if (e < 0) adj[static_cast<std::size_t>(a)].push_back(b);
    e = link;
  };
  for (const auto& l : acc.links) {
    if (!l.bus) {
      add(l.from, l.to, l.id);
      continue;
    }
    for (std::size_t i = 0; i < l.cores.size(); ++i)
      for (std::size_t j = i + 1; j < l.cores.size(); ++j) {
        add(l.cores[i], l.cores[j], l.id);
        add(l.cores[j], l.cores[i], l.id);
      }
  }
  acc.route.assign(n, std::vector<std::vector<int>>(n));
  acc.reachable.assign(n, std::vector<bool>(n, false));
  for (std::size_t s = 0; s < n; ++s) {
    std::vector<int> pred(n, -1);
    std::vector<bool> seen(n, false);
    std::deque<int> q{static_cast<int>(s)};
    seen[s] = true;
    while (!q.empty()) {
      const int u = q.front();
      q.pop_front();
      for (int v : adj[static_cast<std::size_t>(u)])
        if (!seen[static_cast<std::size_t>(v)]) {
          seen[static_cast<std::size_t>(v)] = true;
          pred[static_cast<std::size_t>(v)] = u;
          q.push_back(v);
        }
    }
    for (std::size_t t = 0; t < n; ++t) {
      acc.reachable[s][t] = seen[t];
      if (!seen[t] || t == s) continue;
      std::vector<int> links;
      for (int v = static_cast<int>(t); v != static_cast<int>(s);
           v = pred[static_cast<std::size_t>(v)])
        links.push_back(edge[static_cast<std::size_t>(pred[static_cast<std::size_t>(v)])]
                            [static_cast<std::size_t>(v)]);
      std::reverse(links.begin(), links.end());
      acc.route[s][t] = links;
    }
  }
}

void read_connectivity(StreamAccelerator& acc, const YAML::Node& root, const std::string& path) {
  if (!y::has(root, "core_connectivity")) return;
  const YAML::Node cc = y::find(root, "core_connectivity");
  if (!cc.IsSequence()) fail(path, cc, "core_connectivity", "expected a list of links and buses");
  const int n = static_cast<int>(acc.cores.size());
  for (const auto& e : cc) {
    const std::string type = y::as_string(y::require(e, "type", path, "core_connectivity"), path,
                                          "core_connectivity type");
    if (type != "link" && type != "bus")
      fail(path, e, "core_connectivity type", fmt::format("'{}' is neither link nor bus", type));
    std::vector<int> ids;
    for (auto v : y::as_int_list(y::require(e, "cores", path, "core_connectivity"), path,
                                 "core_connectivity cores"))
      ids.push_back(static_cast<int>(v));
    for (int id : ids)
      if (id < 0 || id >= n)
        fail(path, y::find(e, "cores"), "core_connectivity cores",
             fmt::format("core {} does not exist (cores are 0 to {})", id, n - 1));
    const double bw = y::as_double(y::require(e, "bandwidth", path, "core_connectivity"), path,
                                   "core_connectivity bandwidth");
    if (!(bw > 0))
      fail(path, y::find(e, "bandwidth"), "core_connectivity bandwidth", "must be positive");
    const double ue = y::has(e, "unit_energy_cost")
                          ? y::as_double(y::find(e, "unit_energy_cost"), path, "unit_energy_cost")
                          : acc.unit_energy_cost;
    if (type == "link") {
      if (ids.size() != 2)
        fail(path, y::find(e, "cores"), "core_connectivity cores",
             "a link joins exactly two cores");
      for (int dir = 0; dir < 2; ++dir) {
        StreamLink l;
        l.id = static_cast<int>(acc.links.size());
        l.from = ids[static_cast<std::size_t>(dir)];
        l.to = ids[static_cast<std::size_t>(1 - dir)];
        l.bandwidth_bits = bw;
        l.unit_energy_pj = ue;
        acc.links.push_back(l);
      }
    } else {
      if (ids.size() < 2)
        fail(path, y::find(e, "cores"), "core_connectivity cores", "a bus joins two cores or more");
      StreamLink l;
      l.id = static_cast<int>(acc.links.size());
      l.bus = true;
      l.cores = ids;
      l.bandwidth_bits = bw;
      l.unit_energy_pj = ue;
      acc.links.push_back(l);
    }
  }
}

}  // namespace

StreamAccelerator read_stream_accelerator(const std::string& path) {
  const YAML::Node root = y::load_file(path);
  if (!root.IsMap()) throw UserError(SourceLocation{path, 1, ""}, "expected a mapping");
  StreamAccelerator acc;
  acc.source_file = path;
  acc.name =
      y::has(root, "name") ? y::as_string(y::find(root, "name"), path, "name") : "accelerator";
  const YAML::Node cores = y::require(root, "cores", path, "cores");
  if (!cores.IsMap()) fail(path, cores, "cores", "expected a map from core id to core file");
  std::map<int, std::pair<std::string, YAML::Node>> by_id;
  for (auto it = cores.begin(); it != cores.end(); ++it) {
    const auto id = static_cast<int>(y::as_int(it->first, path, "cores"));
    by_id[id] = {y::as_string(it->second, path, fmt::format("cores {}", id)), it->second};
  }
  int expect = 0;
  for (const auto& [id, entry] : by_id) {
    if (id != expect)
      fail(path, cores, "cores",
           fmt::format("core ids must be 0 to N-1 without gaps; {} is missing", expect));
    ++expect;
    StreamCore c;
    c.id = id;
    c.file = resolve_core_file(path, entry.first);
    if (!fs::exists(c.file))
      fail(path, entry.second, fmt::format("cores {}", id),
           fmt::format("core file '{}' not found", entry.first));
    const YAML::Node croot = y::load_file(c.file);
    c.hw = read_core(c.file, croot);
    c.type =
        y::has(croot, "type") ? y::as_string(y::find(croot, "type"), c.file, "type") : "compute";
    if (y::has(croot, "dataflows")) c.dataflows = read_dataflows(y::find(croot, "dataflows"), c);
    acc.cores.push_back(std::move(c));
  }
  const YAML::Node off = y::require(root, "offchip_core_id", path, "offchip_core_id");
  acc.offchip_core_id = static_cast<int>(y::as_int(off, path, "offchip_core_id"));
  if (acc.offchip_core_id < 0 || acc.offchip_core_id >= static_cast<int>(acc.cores.size()))
    fail(path, off, "offchip_core_id", fmt::format("core {} does not exist", acc.offchip_core_id));
  if (acc.offchip().hw.memories.size() != 1)
    fail(path, off, "offchip_core_id", "the off-chip core must have exactly one memory");
  if (y::has(root, "unit_energy_cost"))
    acc.unit_energy_cost =
        y::as_double(y::find(root, "unit_energy_cost"), path, "unit_energy_cost");
  read_connectivity(acc, root, path);
  acc.memory_group.resize(acc.cores.size());
  for (std::size_t i = 0; i < acc.cores.size(); ++i) acc.memory_group[i] = static_cast<int>(i);
  if (y::has(root, "core_memory_sharing")) {
    const YAML::Node sh = y::find(root, "core_memory_sharing");
    if (!sh.IsSequence()) fail(path, sh, "core_memory_sharing", "expected a list of core groups");
    for (const auto& g : sh) {
      const auto ids = parse_sharing_group(g, path);
      for (int id : ids) {
        if (id < 0 || id >= static_cast<int>(acc.cores.size()))
          fail(path, g, "core_memory_sharing", fmt::format("core {} does not exist", id));
        acc.memory_group[static_cast<std::size_t>(id)] = ids.front();
      }
    }
  }
  compute_routes(acc);
  return acc;
}

}  // namespace mosaic::arch
