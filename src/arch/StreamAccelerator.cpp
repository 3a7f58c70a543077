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

const Core& StreamAccelerator::core(int id) const {
  if (id < 0 || id >= num_cores())
    throw UserError(SourceLocation{arch.source_file, 0, "cores"},
                    fmt::format("core {} does not exist (the accelerator has cores 0 to {})", id,
                                num_cores() - 1));
  return arch.cores[static_cast<std::size_t>(id)];
}

int StreamAccelerator::memory_owner(int core_id, const std::string& memory) const {
  if (core_id >= 0 && core_id < static_cast<int>(shared_memory.size())) {
    const auto& m = shared_memory[static_cast<std::size_t>(core_id)];
    auto it = m.find(memory);
    if (it != m.end()) return it->second;
  }
  return core_id;
}

const Link& StreamAccelerator::medium(int link_id) const {
  return arch.links[static_cast<std::size_t>(links[static_cast<std::size_t>(link_id)].link)];
}

std::string StreamAccelerator::link_name(int link_id) const {
  const StreamLink& l = links[static_cast<std::size_t>(link_id)];
  if (l.from >= 0) return fmt::format("link {}->{}", l.from, l.to);
  std::string s = "bus";
  const auto& ends = medium(link_id).ends;
  for (std::size_t i = 0; i < ends.size(); ++i) s += (i ? "," : " ") + std::to_string(ends[i]);
  return s;
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

std::vector<dataflow::ArrayDimUnrolling> read_dataflows(const YAML::Node& n,
                                                        const LoopNestHardware& hw,
                                                        const std::string& file) {
  std::vector<dataflow::ArrayDimUnrolling> out;
  if (!n.IsMap()) fail(file, n, "dataflows", "expected D1: [\"K, 32\"], ...");
  for (auto it = n.begin(); it != n.end(); ++it) {
    dataflow::ArrayDimUnrolling a;
    a.array_dim = y::as_string(it->first, file, "dataflows");
    if (array_dim_index(hw.array, a.array_dim) < 0)
      fail(file, it->first, "dataflows",
           fmt::format("'{}' is not an array dimension", a.array_dim));
    for (const auto& e : y::as_string_list(it->second, file, "dataflows " + a.array_dim)) {
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
        fail(file, it->second, "dataflows " + a.array_dim,
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

// The names of a core's top memories (the top level of at least one memory operand), in the
// order of the core file.
std::vector<std::string> top_memory_names(const Core& core) {
  const LoopNestHardware& c = *core.loop_nest;
  std::vector<int> idx;
  for (const char* op : {"I1", "I2", "O"}) {
    const int m = top_memory_of(c, op);
    if (m >= 0 && std::find(idx.begin(), idx.end(), m) == idx.end()) idx.push_back(m);
  }
  std::sort(idx.begin(), idx.end());
  std::vector<std::string> names;
  names.reserve(idx.size());
  for (int m : idx) names.push_back(c.memories[static_cast<std::size_t>(m)].name);
  return names;
}

const MemoryLevel* memory_named(const Core& c, const std::string& name) {
  for (const auto& m : c.loop_nest->memories)
    if (m.name == name) return &m;
  return nullptr;
}

// One `core_memory_sharing` entry: its cores and the memories it shares (all top memories of
// its first core for Stream's "0, 1" form).
struct SharingEntry {
  std::vector<int> cores;
  std::vector<std::string> memories;
  std::string key;
};

SharingEntry parse_sharing_entry(const Accelerator& acc, const YAML::Node& g,
                                 const std::string& path) {
  SharingEntry e;
  e.key = "core_memory_sharing";
  // (yaml-cpp's operator= would write into the node it refers to: pick the node once.)
  const YAML::Node cores_node = g.IsMap() ? y::require(g, "cores", path, "core_memory_sharing") : g;
  if (g.IsMap()) {
    e.key = "core_memory_sharing cores";
    for (const auto& v : y::as_int_list(cores_node, path, e.key))
      e.cores.push_back(static_cast<int>(v));
    e.memories.push_back(y::as_string(y::require(g, "memory", path, "core_memory_sharing"), path,
                                      "core_memory_sharing memory"));
  } else {
    e.cores = parse_sharing_group(g, path);
  }
  const int n = static_cast<int>(acc.cores.size());
  for (int id : e.cores) {
    if (id < 0 || id >= n)
      fail(path, cores_node, e.key,
           fmt::format("core {} does not exist (cores are 0 to {})", id, n - 1));
    if (id == acc.offchip_core)
      fail(path, cores_node, e.key,
           fmt::format("core {} is the off-chip core, which shares no memory", id));
  }
  std::sort(e.cores.begin(), e.cores.end());
  e.cores.erase(std::unique(e.cores.begin(), e.cores.end()), e.cores.end());
  if (e.cores.size() < 2) fail(path, cores_node, e.key, "a sharing entry names two cores or more");
  if (e.memories.empty())
    e.memories = top_memory_names(acc.cores[static_cast<std::size_t>(e.cores[0])]);
  const std::string mem_key = g.IsMap() ? "core_memory_sharing memory" : e.key;
  const YAML::Node mem_node = g.IsMap() ? y::find(g, "memory") : g;
  const auto& first = acc.cores[static_cast<std::size_t>(e.cores[0])];
  for (const auto& name : e.memories)
    for (int id : e.cores) {
      const auto& c = acc.cores[static_cast<std::size_t>(id)];
      const auto tops = top_memory_names(c);
      if (std::find(tops.begin(), tops.end(), name) == tops.end())
        fail(path, mem_node, mem_key,
             fmt::format("core {} ({}) has no top memory '{}'{}", id, c.source_file, name,
                         memory_named(c, name) ? " (it is below another memory)" : ""));
      const auto a = memory_named(first, name)->size_bits;
      const auto b = memory_named(c, name)->size_bits;
      if (a != b)
        fail(path, mem_node, mem_key,
             fmt::format("memory '{}' has {} bits in core {} but {} bits in core {}: a shared "
                         "instance has one capacity",
                         name, a, e.cores[0], b, id));
    }
  return e;
}

// Stream's core_memory_sharing, per memory: (core, memory) pairs named by one entry are one
// instance; entries naming a common pair join (union-find). The owner of an instance is its
// lowest core id.
void read_memory_sharing(Accelerator& acc, const YAML::Node& root, const std::string& path) {
  if (!y::has(root, "core_memory_sharing")) return;
  const YAML::Node sh = y::find(root, "core_memory_sharing");
  if (!sh.IsSequence())
    fail(path, sh, "core_memory_sharing",
         "expected a list of core groups (\"0, 1\") or {cores: [0, 1], memory: NAME}");
  using Key = std::pair<int, std::string>;
  std::map<Key, Key> parent;
  auto find = [&](Key k) {
    while (parent.at(k) != k) k = parent.at(k);
    return k;
  };
  for (const auto& g : sh) {
    const auto e = parse_sharing_entry(acc, g, path);
    for (const auto& m : e.memories)
      for (int id : e.cores) {
        const Key k{id, m};
        parent.emplace(k, k);
        const Key a = find(Key{e.cores[0], m}), b = find(k);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      }
  }
  // One SharedBuffer per instance (per root, in key order), with its cores in id order.
  std::map<Key, std::size_t> buffer_of_root;
  for (const auto& [k, p] : parent) {
    const Key root_key = find(k);
    auto it = buffer_of_root.find(root_key);
    if (it == buffer_of_root.end()) {
      SharedBuffer b;
      b.name = root_key.second;
      b.bytes =
          memory_named(acc.cores[static_cast<std::size_t>(root_key.first)], b.name)->size_bits / 8;
      acc.buffers.push_back(b);
      it = buffer_of_root.emplace(root_key, acc.buffers.size() - 1).first;
    }
    acc.buffers[it->second].cores.push_back(k.first);
  }
}

void compute_routes(StreamAccelerator& acc) {
  const std::size_t n = acc.arch.cores.size();
  // Edge per ordered pair; later entries replace earlier ones (networkx add_edges_from).
  std::vector<std::vector<int>> edge(n, std::vector<int>(n, -1));
  std::vector<std::vector<int>> adj(n);
  auto add = [&](int a, int b, int link) {
    auto& e = edge[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)];
    if (e < 0) adj[static_cast<std::size_t>(a)].push_back(b);
    e = link;
  };
  for (std::size_t id = 0; id < acc.links.size(); ++id) {
    const StreamLink& l = acc.links[id];
    const int link_id = static_cast<int>(id);
    if (l.from >= 0) {
      add(l.from, l.to, link_id);
      continue;
    }
    const auto& ends = acc.medium(link_id).ends;
    for (std::size_t i = 0; i < ends.size(); ++i)
      for (std::size_t j = i + 1; j < ends.size(); ++j) {
        add(ends[i], ends[j], link_id);
        add(ends[j], ends[i], link_id);
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

void read_connectivity(Accelerator& acc, const YAML::Node& root, const std::string& path,
                       double default_unit_energy) {
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
    Link l;
    l.ends = ids;
    l.bytes_per_cycle = bw / 8;  // bits per cycle in the file; x 8 back is exact
    l.shared_medium = type == "bus";
    l.pj_per_active_cycle =
        y::has(e, "unit_energy_cost")
            ? y::as_double(y::find(e, "unit_energy_cost"), path, "unit_energy_cost")
            : default_unit_energy;
    if (type == "link" && ids.size() != 2)
      fail(path, y::find(e, "cores"), "core_connectivity cores", "a link joins exactly two cores");
    if (type == "bus" && ids.size() < 2)
      fail(path, y::find(e, "cores"), "core_connectivity cores", "a bus joins two cores or more");
    l.name = type;
    for (std::size_t i = 0; i < ids.size(); ++i)
      l.name += (i ? (type == "bus" ? "," : "-") : " ") + std::to_string(ids[i]);
    acc.links.push_back(l);
  }
}

void read_cores(Accelerator& acc, const YAML::Node& root, const std::string& path) {
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
    const std::string file = resolve_core_file(path, entry.first);
    if (!fs::exists(file))
      fail(path, entry.second, fmt::format("cores {}", id),
           fmt::format("core file '{}' not found", entry.first));
    const YAML::Node croot = y::load_file(file);
    Core c = loop_nest_core(read_core(file, croot));
    c.source_file = file;
    if (y::has(croot, "type")) c.role = y::as_string(y::find(croot, "type"), file, "type");
    if (y::has(croot, "dataflows"))
      c.fixed_spatial = read_dataflows(y::find(croot, "dataflows"), *c.loop_nest, file);
    acc.cores.push_back(std::move(c));
  }
}

}  // namespace

Accelerator read_stream_multicore(const std::string& path) {
  const YAML::Node root = y::load_file(path);
  if (!root.IsMap()) throw UserError(SourceLocation{path, 1, ""}, "expected a mapping");
  Accelerator acc;
  acc.source_file = path;
  acc.name =
      y::has(root, "name") ? y::as_string(y::find(root, "name"), path, "name") : "accelerator";
  read_cores(acc, root, path);
  const YAML::Node off = y::require(root, "offchip_core_id", path, "offchip_core_id");
  acc.offchip_core = static_cast<int>(y::as_int(off, path, "offchip_core_id"));
  if (acc.offchip_core < 0 || acc.offchip_core >= static_cast<int>(acc.cores.size()))
    fail(path, off, "offchip_core_id", fmt::format("core {} does not exist", acc.offchip_core));
  if (acc.cores[static_cast<std::size_t>(acc.offchip_core)].loop_nest->memories.size() != 1)
    fail(path, off, "offchip_core_id", "the off-chip core must have exactly one memory");
  const double unit_energy =
      y::has(root, "unit_energy_cost")
          ? y::as_double(y::find(root, "unit_energy_cost"), path, "unit_energy_cost")
          : 0.0;
  read_connectivity(acc, root, path, unit_energy);
  read_memory_sharing(acc, root, path);
  return acc;
}

StreamAccelerator stream_view(Accelerator acc) {
  for (std::size_t i = 0; i < acc.cores.size(); ++i)
    if (!acc.cores[i].loop_nest)
      throw UserError(SourceLocation{acc.source_file, 0, "cores"},
                      fmt::format("core {} has no memory hierarchy", i));
  StreamAccelerator v;
  // A point-to-point link is two directed links (one per direction), a bus one medium; ids in
  // file order, so that later entries replace earlier ones in the pair graph.
  for (std::size_t i = 0; i < acc.links.size(); ++i) {
    const Link& l = acc.links[i];
    if (l.shared_medium) {
      v.links.push_back({static_cast<int>(i), -1, -1});
      continue;
    }
    v.links.push_back({static_cast<int>(i), l.ends[0], l.ends[1]});
    v.links.push_back({static_cast<int>(i), l.ends[1], l.ends[0]});
  }
  v.shared_memory.assign(acc.cores.size(), {});
  for (const auto& b : acc.buffers) {
    const int owner = *std::min_element(b.cores.begin(), b.cores.end());
    for (int c : b.cores) v.shared_memory[static_cast<std::size_t>(c)][b.name] = owner;
  }
  v.arch = std::move(acc);
  compute_routes(v);
  return v;
}

StreamAccelerator read_stream_accelerator(const std::string& path) {
  return stream_view(read_stream_multicore(path));
}

}  // namespace mosaic::arch
