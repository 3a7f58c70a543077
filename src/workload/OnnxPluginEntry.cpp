// The entry point of libmosaic_onnx.so (see workload/OnnxPlugin.h). Built into the plugin only.
#include <exception>
#include <new>

#include "workload/OnnxPlugin.h"

using mosaic::workload::OnnxPluginCall;

extern "C" __attribute__((visibility("default"))) int mosaic_onnx_plugin_call(
    OnnxPluginCall* call) {
  if (call == nullptr || call->abi != mosaic::workload::kOnnxPluginAbi) return -1;
  try {
    switch (call->op) {
      case OnnxPluginCall::Op::ImportFile:
        *call->model = mosaic::workload::import_onnx(*call->path, *call->options);
        break;
      case OnnxPluginCall::Op::ImportBytes:
        *call->model = mosaic::workload::import_onnx_bytes(call->data, call->size, *call->label,
                                                           *call->options);
        break;
      case OnnxPluginCall::Op::MaxOpset:
        call->max_opset = mosaic::workload::max_onnx_opset();
        break;
    }
    call->outcome = OnnxPluginCall::Outcome::Ok;
  } catch (const mosaic::UserError& e) {
    call->outcome = OnnxPluginCall::Outcome::UserError;
    call->error_where = e.where();
    call->error_message = e.message();
  } catch (const mosaic::InternalError& e) {
    call->outcome = OnnxPluginCall::Outcome::InternalError;
    call->error_message = e.what();
  } catch (const std::bad_alloc&) {
    call->outcome = OnnxPluginCall::Outcome::OtherError;
    call->error_message = "out of memory while importing the ONNX model";
  } catch (const std::exception& e) {
    call->outcome = OnnxPluginCall::Outcome::OtherError;
    call->error_message = e.what();
  }
  return 0;
}
