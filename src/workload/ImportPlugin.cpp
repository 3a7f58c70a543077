// import_onnx / import_onnx_bytes / max_onnx_opset as seen by mosaic: they load the ONNX plugin
// (libmosaic_onnx.so, see workload/OnnxPlugin.h) on first use and forward the call to it.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "common/Error.h"
#include "workload/OnnxImport.h"
#include "workload/OnnxPlugin.h"

#ifndef MOSAIC_ONNX_PLUGIN_PATH
#define MOSAIC_ONNX_PLUGIN_PATH ""
#endif

namespace mosaic::workload {
namespace {

// Where the plugin may be: $MOSAIC_ONNX_PLUGIN alone when it is set; otherwise beside the running
// executable, one directory up (test and benchmark binaries live in subdirectories of the build),
// and the path the build wrote it to.
std::vector<std::string> plugin_candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("MOSAIC_ONNX_PLUGIN"); env != nullptr && *env != '\0') {
    out.emplace_back(env);
    return out;
  }
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back((exe.parent_path() / kOnnxPluginFile).string());
    out.push_back((exe.parent_path().parent_path() / kOnnxPluginFile).string());
  }
  if (*MOSAIC_ONNX_PLUGIN_PATH != '\0') out.emplace_back(MOSAIC_ONNX_PLUGIN_PATH);
  return out;
}

OnnxPluginEntry load_entry() {
  static std::once_flag once;
  static OnnxPluginEntry entry = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    std::string tried;
    for (const auto& candidate : plugin_candidates()) {
      if (::access(candidate.c_str(), R_OK) != 0) {
        tried += "\n  " + candidate + " (absent)";
        continue;
      }
      void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        const char* why = ::dlerror();
        tried += "\n  " + candidate + " (" + (why != nullptr ? why : "cannot be loaded") + ")";
        continue;
      }
      if (void* symbol = ::dlsym(handle, kOnnxPluginEntry); symbol != nullptr) {
        entry = reinterpret_cast<OnnxPluginEntry>(symbol);
        return;
      }
      tried += "\n  " + candidate + " (no entry point " + kOnnxPluginEntry + ")";
    }
    failure = std::string("reading ONNX needs mosaic's ONNX plugin ") + kOnnxPluginFile +
              ", which was not found; build the mosaic target (it builds the plugin) or set "
              "MOSAIC_ONNX_PLUGIN to its path. Tried:" +
              tried;
  });
  if (entry == nullptr) throw UserError(failure);
  return entry;
}

void call_plugin(OnnxPluginCall& call) {
  if (load_entry()(&call) != 0)
    throw UserError(std::string(kOnnxPluginFile) +
                    " was built from another version of mosaic (ABI mismatch); rebuild it");
  switch (call.outcome) {
    case OnnxPluginCall::Outcome::Ok:
      return;
    case OnnxPluginCall::Outcome::UserError:
      throw UserError(std::move(call.error_where), call.error_message);
    case OnnxPluginCall::Outcome::InternalError: {
      static constexpr std::string_view kPrefix = "internal error: ";
      std::string message = call.error_message;
      if (message.starts_with(kPrefix)) message.erase(0, kPrefix.size());
      throw InternalError(message);
    }
    case OnnxPluginCall::Outcome::OtherError:
      throw UserError(call.error_message);
  }
}

}  // namespace

Model import_onnx(const std::filesystem::path& path, const OnnxImportOptions& options) {
  Model model;
  OnnxPluginCall call;
  call.op = OnnxPluginCall::Op::ImportFile;
  call.path = &path;
  call.options = &options;
  call.model = &model;
  call_plugin(call);
  return model;
}

Model import_onnx_bytes(const void* data, std::size_t size, const std::string& label,
                        const OnnxImportOptions& options) {
  Model model;
  OnnxPluginCall call;
  call.op = OnnxPluginCall::Op::ImportBytes;
  call.data = data;
  call.size = size;
  call.label = &label;
  call.options = &options;
  call.model = &model;
  call_plugin(call);
  return model;
}

int max_onnx_opset() {
  OnnxPluginCall call;
  call.op = OnnxPluginCall::Op::MaxOpset;
  call_plugin(call);
  return call.max_opset;
}

}  // namespace mosaic::workload
