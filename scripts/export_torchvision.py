#!/usr/bin/python3
"""Export torchvision models to small ONNX files and record the MACs PyTorch itself computes.

Run with Debian's Python (/usr/bin/python3: python3-torch, python3-torchvision, python3-onnx).
No weights are downloaded: every model is built with random initialisation.

For each model this script
  1. runs one forward pass with forward hooks on every nn.Conv2d, nn.ConvTranspose2d and
     nn.Linear and records, per call,
        Conv2d:          output elements x in_channels/groups x kernel_h x kernel_w
        ConvTranspose2d: input elements  x out_channels/groups x kernel_h x kernel_w
        Linear:          output elements x in_features
  2. exports the model with torch.onnx.export (eval mode, constant folding), runs ONNX shape
     inference, and strips every tensor larger than 64 elements into an external-data reference
     to a file that does not exist (the importer never needs weight values), so the file is small;
  3. maps each hook call to the ONNX node that performs it through the node's scope name
     (torch names nodes "/<module path>/<Op>", repeated calls of a module get "_1", "_2", ...);
  4. writes <out>/<model>.onnx and <out>/<model>.expect.json:
        {"model", "input_shape", "opset", "hook_calls", "hook_total_macs",
         "layers": [{"node", "module", "kind", "macs"}],        # one per hook call
         "unhooked_mac_nodes": [node names]}                     # MatMuls of functional code
                                                                 # (attention), no hook to check

With --check MOSAIC it also imports each file with `MOSAIC workload show --json` and compares
every layer's MACs with the hooks, printing one line per model.

Usage:
  scripts/export_torchvision.py                      # the committed set -> tests/data/onnx
  scripts/export_torchvision.py --all --out /tmp/tv --check build/release/mosaic
  scripts/export_torchvision.py resnet18 vgg16 --out /tmp/tv
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings

import onnx
import torch
import torchvision
from onnx import shape_inference
from torchvision import models

# The models whose files are committed under tests/data/onnx (small once stripped).
COMMITTED = [
    "resnet50",
    "mobilenet_v2",
    "mobilenet_v3_large",
    "googlenet",
    "squeezenet1_0",
    "shufflenet_v2_x1_0",
    "efficientnet_b0",
    "regnet_x_400mf",
    "vit_b_16",
    "maxvit_t",
    "ssdlite320_mobilenet_v3_large",
    "lraspp_mobilenet_v3_large",
    "fcn_resnet50",
    "deeplabv3_mobilenet_v3_large",
]

STRIP_ABOVE = 64  # tensors with more elements than this lose their contents
OPSET = 13


def family(name):
    if name in models.list_models(module=models.detection):
        return "detection"
    if name in models.list_models(module=models.segmentation):
        return "segmentation"
    return "classification"


def build(name):
    fam = family(name)
    if fam == "detection":
        m = models.get_model(name, weights=None, weights_backbone=None)
        size = {"ssdlite320_mobilenet_v3_large": 320, "ssd300_vgg16": 300}.get(name, 800)
        example = ([torch.rand(3, size, size, generator=torch.Generator().manual_seed(0))],)
        shape = [1, 3, size, size]
    elif fam == "segmentation":
        m = models.get_model(name, weights=None, weights_backbone=None, aux_loss=False)
        shape = [1, 3, 520, 520]
        example = (torch.randn(*shape, generator=torch.Generator().manual_seed(0)),)
    else:
        kwargs = {}
        if name in ("googlenet", "inception_v3"):
            kwargs = {"aux_logits": False, "init_weights": False}
        m = models.get_model(name, weights=None, **kwargs)
        size = 299 if name == "inception_v3" else 224
        shape = [1, 3, size, size]
        example = (torch.randn(*shape, generator=torch.Generator().manual_seed(0)),)
    return m.eval(), example, shape


def hook_macs(model, example):
    names = {mod: n for n, mod in model.named_modules()}
    calls = []

    def hook(mod, inputs, output):
        if isinstance(mod, torch.nn.Linear):
            macs = output.numel() * mod.in_features
            kind = "Linear"
        elif isinstance(mod, torch.nn.ConvTranspose2d):
            k = mod.kernel_size[0] * mod.kernel_size[1]
            macs = inputs[0].numel() * (mod.out_channels // mod.groups) * k
            kind = "ConvTranspose2d"
        else:
            k = mod.kernel_size[0] * mod.kernel_size[1]
            macs = output.numel() * (mod.in_channels // mod.groups) * k
            kind = "Conv2d"
        calls.append({"module": names[mod], "kind": kind, "macs": int(macs)})

    handles = [
        mod.register_forward_hook(hook)
        for mod in model.modules()
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear))
    ]
    with torch.no_grad():
        model(*example)
    for h in handles:
        h.remove()
    return calls


def strip(model_proto):
    """Moves the contents of every large tensor to an absent external file."""
    count = [0]

    def strip_tensor(t):
        n = 1
        for d in t.dims:
            n *= d
        if n <= STRIP_ABOVE:
            return
        t.ClearField("raw_data")
        for field in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data",
                      "string_data"):
            t.ClearField(field)
        t.data_location = onnx.TensorProto.EXTERNAL
        del t.external_data[:]
        for k, v in (("location", "weights-stripped.bin"), ("offset", "0"),
                     ("length", str(n * 4))):
            e = t.external_data.add()
            e.key, e.value = k, v
        count[0] += 1

    def walk_graph(g):
        for t in g.initializer:
            strip_tensor(t)
        for node in g.node:
            for a in node.attribute:
                if a.HasField("t"):
                    strip_tensor(a.t)
                for sub in list(a.graphs) + ([a.g] if a.HasField("g") else []):
                    walk_graph(sub)

    walk_graph(model_proto.graph)
    return count[0]


def module_of(node_name, module_names):
    """The qualified module name of a node from its scope, or None (top level)."""
    parts = node_name.strip("/").split("/")[:-1]
    qualified = ""
    prev = ""
    for comp in parts:
        candidates = [comp]
        stripped = re.sub(r"_\d+$", "", comp)
        if stripped != comp:
            candidates.append(stripped)
        chosen = None
        for c in candidates:
            if prev and c.startswith(prev + "."):
                q = qualified + c[len(prev):]
            else:
                q = f"{qualified}.{c}" if qualified else c
            if q in module_names:
                chosen, qualified, prev = c, q, c
                break
        if chosen is None:
            return None
    return qualified or None


def export(name, out_dir):
    torch.manual_seed(0)
    model, example, shape = build(name)
    calls = hook_macs(model, example)
    # Export through a file: models above protobuf's 2 GiB limit then go to external data.
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = os.path.join(tmp, "model.onnx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, example, tmp_path, opset_version=OPSET,
                              do_constant_folding=True, input_names=["input"])
        proto = onnx.load(tmp_path, load_external_data=False)
    proto = shape_inference.infer_shapes(proto, data_prop=True)
    stripped = strip(proto)
    proto.graph.name = name
    path = os.path.join(out_dir, f"{name}.onnx")
    onnx.save(proto, path)

    module_names = {n for n, _ in model.named_modules()}
    by_module = {}
    for node in proto.graph.node:
        if node.op_type in ("Conv", "ConvTranspose", "Gemm", "MatMul", "Einsum"):
            by_module.setdefault(module_of(node.name, module_names), []).append(node.name)
    layers, unmatched = [], []
    used = set()
    for c in calls:
        nodes = by_module.get(c["module"], [])
        node = next((n for n in nodes if n not in used), None)
        if node is None:
            unmatched.append(c)
            continue
        used.add(node)
        layers.append({"node": node, **c})
    hooked = {c["module"] for c in calls}
    unhooked = [n for mod, ns in by_module.items() for n in ns if n not in used]
    expect = {
        "model": name,
        "family": family(name),
        "torchvision": torchvision.__version__,
        "input_shape": shape,
        "opset": OPSET,
        "hook_calls": len(calls),
        "hook_total_macs": sum(c["macs"] for c in calls),
        "layers": layers,
        "unhooked_mac_nodes": unhooked,
        "unmatched_hook_calls": unmatched,
        "stripped_tensors": stripped,
    }
    with open(os.path.join(out_dir, f"{name}.expect.json"), "w") as f:
        json.dump(expect, f, indent=1)
        f.write("\n")
    del hooked
    return path, expect


def check(mosaic, path, expect):
    r = subprocess.run([mosaic, "workload", "show", path, "--json", "--all-layers"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return f"IMPORT FAILED: {r.stderr.strip()}"
    data = json.loads(r.stdout)
    layers = {l["name"]: l for m in data["models"] for l in m["layers"]}
    bad = [l for l in expect["layers"]
           if l["node"] not in layers or layers[l["node"]]["macs"] != l["macs"]]
    hooked_sum = sum(l["macs"] for l in expect["layers"])
    if bad:
        b = bad[0]
        got = layers.get(b["node"], {}).get("macs")
        return f"MISMATCH in {len(bad)} layers, e.g. {b['node']}: hooks {b['macs']} mosaic {got}"
    if expect["unmatched_hook_calls"]:
        return f"{len(expect['unmatched_hook_calls'])} hook calls have no ONNX node"
    warnings = [w for m in data["models"] for w in m["warnings"]]
    unknown = [w.split("'")[1] for w in warnings if w.startswith("unknown operator")]
    return (f"ok: {len(expect['layers'])} hooked layers match ({hooked_sum} MACs); mosaic total "
            f"{data['total_macs']} MACs with {len(expect['unhooked_mac_nodes'])} functional "
            f"matmul nodes" + (f"; zero-cost unknown ops: {', '.join(unknown)}" if unknown else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="*", help="torchvision model names (default: committed set)")
    ap.add_argument("--all", action="store_true",
                    help="every classification, segmentation and detection model")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests",
                                                  "data", "onnx"))
    ap.add_argument("--check", metavar="MOSAIC", help="mosaic binary to compare against")
    ap.add_argument("--check-only", action="store_true",
                    help="do not export: check the files already in --out")
    args = ap.parse_args()
    names = args.models or COMMITTED
    if args.all:
        names = (models.list_models(module=models) +
                 models.list_models(module=models.segmentation) +
                 models.list_models(module=models.detection))
        names = [n for n in names if not n.startswith("quantized_")]
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        t0 = time.time()
        if args.check_only:
            path = os.path.join(args.out, f"{name}.onnx")
            if not os.path.exists(path):
                continue
            with open(os.path.join(args.out, f"{name}.expect.json")) as f:
                expect = json.load(f)
            print(f"{name}: " + check(args.check, path, expect), flush=True)
            continue
        try:
            path, expect = export(name, args.out)
        except Exception as e:  # report and go on: some models do not export
            print(f"{name}: EXPORT FAILED: {type(e).__name__}: {str(e).splitlines()[0][:200]}",
                  flush=True)
            continue
        size = os.path.getsize(path)
        line = (f"{name}: {expect['hook_calls']} hook calls, {expect['hook_total_macs']} MACs, "
                f"{size // 1024} KiB, {time.time() - t0:.0f} s")
        if args.check:
            line += " | " + check(args.check, path, expect)
        print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
