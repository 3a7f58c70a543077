#!/usr/bin/python3
"""Builds a small transformer encoder block with python3-onnx (no PyTorch), for the importer tests.

Run with Debian's Python (/usr/bin/python3). Writes, next to each other in tests/data/onnx/:
  transformer_block.onnx           weights inside the file, no value_info (mosaic propagates
                                   every shape itself, including the attention reshapes)
  transformer_block_external.onnx  the same model with its weights in
  transformer_block_external.bin   (ONNX external data)

The block (opset 17): tokens T=16, model width D=64, H=4 heads of 16, FFN width 256.
  x -> LayerNorm -> Q, K, V projections (MatMul D x D)
    -> reshape [1, T, H, 16] -> transpose [1, H, T, 16]   (K transposed to [1, H, 16, T])
    -> scores = Q K^T (batched MatMul) / 4 -> Softmax -> context = scores V (batched MatMul)
    -> transpose/reshape back to [1, T, D] -> output projection (MatMul D x D) -> + x
    -> LayerNorm -> FFN (MatMul D x 256, Relu, MatMul 256 x D) -> + residual
MACs by hand (tests/workload/OnnxTorchvisionTest.cpp checks them):
  Q, K, V, O projections  4 x T x D x D   = 4 x 16 x 64 x 64 = 262,144
  scores                  H x T x T x 16  = 4 x 16 x 16 x 16 =  16,384
  context                 H x T x 16 x T  =                     16,384
  FFN                     2 x T x D x 256 = 2 x 16 x 64 x 256 = 524,288
  total                                                         819,200
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

T, D, H, F = 16, 64, 4, 256
DH = D // H


def build():
    rng = np.random.default_rng(0)

    def w(name, shape):
        return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)

    def i64(name, values):
        return numpy_helper.from_array(np.array(values, dtype=np.int64), name)

    inits = [w("ln1_scale", [D]), w("ln1_bias", [D]), w("wq", [D, D]), w("wk", [D, D]),
             w("wv", [D, D]), w("wo", [D, D]), w("ln2_scale", [D]), w("ln2_bias", [D]),
             w("w1", [D, F]), w("w2", [F, D]),
             i64("heads_shape", [1, T, H, DH]), i64("model_shape", [1, T, D]),
             numpy_helper.from_array(np.array(float(np.sqrt(DH)), dtype=np.float32), "scale")]
    n = helper.make_node
    nodes = [
        n("LayerNormalization", ["x", "ln1_scale", "ln1_bias"], ["h"], name="ln1", axis=-1),
        n("MatMul", ["h", "wq"], ["q"], name="q_proj"),
        n("MatMul", ["h", "wk"], ["k"], name="k_proj"),
        n("MatMul", ["h", "wv"], ["v"], name="v_proj"),
        n("Reshape", ["q", "heads_shape"], ["q4"], name="q_heads"),
        n("Reshape", ["k", "heads_shape"], ["k4"], name="k_heads"),
        n("Reshape", ["v", "heads_shape"], ["v4"], name="v_heads"),
        n("Transpose", ["q4"], ["qt"], name="q_t", perm=[0, 2, 1, 3]),
        n("Transpose", ["k4"], ["kt"], name="k_t", perm=[0, 2, 3, 1]),
        n("Transpose", ["v4"], ["vt"], name="v_t", perm=[0, 2, 1, 3]),
        n("MatMul", ["qt", "kt"], ["scores"], name="scores"),
        n("Div", ["scores", "scale"], ["scaled"], name="scale_scores"),
        n("Softmax", ["scaled"], ["probs"], name="softmax", axis=-1),
        n("MatMul", ["probs", "vt"], ["ctx"], name="context"),
        n("Transpose", ["ctx"], ["ctx_t"], name="ctx_t", perm=[0, 2, 1, 3]),
        n("Reshape", ["ctx_t", "model_shape"], ["ctx_m"], name="merge_heads"),
        n("MatMul", ["ctx_m", "wo"], ["o"], name="o_proj"),
        n("Add", ["o", "x"], ["r1"], name="residual1"),
        n("LayerNormalization", ["r1", "ln2_scale", "ln2_bias"], ["h2"], name="ln2", axis=-1),
        n("MatMul", ["h2", "w1"], ["f1"], name="ffn1"),
        n("Relu", ["f1"], ["a1"], name="ffn_relu"),
        n("MatMul", ["a1", "w2"], ["f2"], name="ffn2"),
        n("Add", ["f2", "r1"], ["y"], name="residual2"),
    ]
    graph = helper.make_graph(
        nodes, "transformer_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, T, D])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, T, D])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="mosaic scripts/make_transformer_onnx.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "tests", "data", "onnx")
    os.makedirs(out, exist_ok=True)
    model = build()
    onnx.save(model, os.path.join(out, "transformer_block.onnx"))
    onnx.save(model, os.path.join(out, "transformer_block_external.onnx"),
              save_as_external_data=True, all_tensors_to_one_file=True,
              location="transformer_block_external.bin", size_threshold=256)
    print("wrote", out)


if __name__ == "__main__":
    main()
