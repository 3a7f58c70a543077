#include "dataflow/Library.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Suggest.h"

namespace mosaic::dataflow {

namespace {

const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> a = {
      {"nvdla", "kcp_ws"}, {"shidiannao", "yxp_os"}, {"shi", "yxp_os"},
      {"eyeriss", "rs"},   {"tpu", "tpu_ck"},        {"dla", "kcp_ws"}};
  return a;
}

// Parsed library files by file name ("kcp_ws.m", "kcp_ws.dw.m", ...).
const std::map<std::string, Dataflow>& parsed() {
  static const std::map<std::string, Dataflow> files = [] {
    std::map<std::string, Dataflow> out;
    for (int i = 0; i < detail::kNumEmbeddedDataflows; ++i) {
      const auto& f = detail::kEmbeddedDataflows[i];
      const std::string file = std::string("examples/dataflows/") + f.name;
      std::string name = f.name;
      name = name.substr(0, name.find('.'));
      out.emplace(f.name, from_syntax(workload::maestro_format::parse_dataflow_text(f.text, file),
                                      name, file));
    }
    return out;
  }();
  return files;
}

}  // namespace

std::string canonical_dataflow_name(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto it = aliases().find(lower);
  if (it != aliases().end()) return it->second;
  return parsed().count(lower + ".m") ? lower : name;
}

std::vector<std::string> library_names() {
  std::vector<std::string> names;
  for (const auto& [file, df] : parsed())
    if (file.find('.') == file.rfind('.')) names.push_back(file.substr(0, file.size() - 2));
  return names;
}

bool is_library_dataflow(const std::string& name) {
  return parsed().count(canonical_dataflow_name(name) + ".m") > 0;
}

namespace {
std::vector<std::string> with_aliases() {  // the names a user may type, for "did you mean"
  std::vector<std::string> names = library_names();
  for (const char* a : {"nvdla", "shidiannao", "eyeriss", "tpu"}) names.push_back(a);
  return names;
}
}  // namespace

Dataflow library_dataflow(const std::string& name, ProblemType type) {
  const std::string canon = canonical_dataflow_name(name);
  const auto& files = parsed();
  if (!files.count(canon + ".m")) {
    if (name.size() > 2 && name.substr(name.size() - 2) == ".m" && std::filesystem::exists(name))
      return read_dataflow_file(name, std::filesystem::path(name).stem().string());
    std::string known;
    for (const auto& n : library_names()) known += " " + n;
    throw UserError(SourceLocation{"", 0, "dataflow"},
                    fmt::format("unknown dataflow '{}'{}; the library has{} (aliases: nvdla, "
                                "shidiannao, eyeriss, tpu), or give a path to a .m file",
                                name, did_you_mean(name, with_aliases()), known));
  }
  if (type == ProblemType::DwConv) {
    if (auto it = files.find(canon + ".dw.m"); it != files.end()) return it->second;
    if (canon != "dpt") return files.at("dpt.m");
  }
  if (type == ProblemType::Gemm) {
    if (auto it = files.find(canon + ".gemm.m"); it != files.end()) return it->second;
    if (canon != "nmk") return files.at("nmk.m");
  }
  if (type != ProblemType::Gemm && canon == "nmk")
    throw UserError(SourceLocation{"", 0, "dataflow"},
                    "nmk maps GEMM dimensions (M, N, K); it does not apply to convolutions");
  return files.at(canon + ".m");
}

}  // namespace mosaic::dataflow
