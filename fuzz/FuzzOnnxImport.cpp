// libFuzzer target for the ONNX importer: any byte string must give a Model whose layers are
// valid, or a mosaic::UserError. Anything else (a crash, a sanitizer report, an InternalError or
// another exception escaping) is a bug.
//
//   cmake --preset fuzz && cmake --build --preset fuzz
//   build/fuzz/fuzz/fuzz_onnximport -max_total_time=600 CORPUS_DIR tests/data/onnx
#include <cstddef>
#include <cstdint>

#include "common/Error.h"
#include "workload/Model.h"
#include "workload/OnnxImport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mosaic::workload;
  Model m;
  try {
    m = import_onnx_bytes(data, size, "fuzz.onnx");
  } catch (const mosaic::UserError&) {
    return 0;  // malformed input, reported properly
  }
  // An imported model must be valid: an exception escaping from here aborts the fuzzer.
  validate(m);
  for (const auto& n : m.nodes) {
    (void)macs(n.layer);
    (void)ops(n.layer);
    (void)input_bytes(n.layer);
    (void)output_bytes(n.layer);
  }
  (void)compact(m);
  return 0;
}
