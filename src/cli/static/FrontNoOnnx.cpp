// The ONNX entry points as linked into the static `mosaic` front (cli/Front.h) only. The front
// runs `--version` and the `maestro` drop-in, which read MAESTRO `.m` files and never ONNX; every
// other command line is handed to mosaic-full, which loads the ONNX plugin
// (workload/ImportPlugin.cpp). Without these definitions the front's link would pull
// ImportPlugin.cpp in, and with it glibc's static dlopen (the dynamic loader's code, and GNU ld's
// warning that a static dlopen needs the build machine's glibc at run time). Reaching one of these
// is a bug in the hand-over, reported as such.
#include <cstddef>
#include <filesystem>
#include <string>

#include "common/Error.h"
#include "workload/OnnxImport.h"

namespace mosaic::workload {

namespace {

[[noreturn]] void front_reads_no_onnx() {
  throw InternalError(
      "the mosaic front was asked to read ONNX; only mosaic-full reads ONNX (src/cli/Front.h)");
}

}  // namespace

Model import_onnx(const std::filesystem::path& /*path*/, const OnnxImportOptions& /*options*/) {
  front_reads_no_onnx();
}

Model import_onnx_bytes(const void* /*data*/, std::size_t /*size*/, const std::string& /*label*/,
                        const OnnxImportOptions& /*options*/) {
  front_reads_no_onnx();
}

int max_onnx_opset() {
  front_reads_no_onnx();
}

}  // namespace mosaic::workload
