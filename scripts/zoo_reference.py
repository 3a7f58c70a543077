#!/usr/bin/python3
"""Independent MAC counts for mosaic's built-in model zoo, measured by PyTorch.

Run with Debian's Python (/usr/bin/python3). Every zoo model is rebuilt here as a PyTorch
module -- from torchvision where torchvision has it, otherwise written from the publication or
reference code the zoo cites -- and run once with forward hooks on every nn.Conv2d,
nn.ConvTranspose2d and nn.Linear:
    Conv2d:          output elements x in_channels/groups x kernel_h x kernel_w
    ConvTranspose2d: input elements  x out_channels/groups x kernel_h x kernel_w
    Linear:          output elements x in_features
The module names equal the zoo's layer names, so tests/workload/ZooTest.cpp compares the two
layer by layer. Output: tests/data/zoo_reference.json (or the path given).

Usage: scripts/zoo_reference.py [OUT.json]
"""

import json
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn
from torchvision import models


class SameConv(nn.Conv2d):
    """Conv2d with TensorFlow 'SAME' padding (the odd pixel at the end)."""

    def forward(self, x):
        pads = []
        for dim, k, s in ((x.shape[3], self.kernel_size[1], self.stride[1]),
                          (x.shape[2], self.kernel_size[0], self.stride[0])):
            out = (dim + s - 1) // s
            total = max(0, (out - 1) * s + k - dim)
            pads += [total // 2, total - total // 2]
        return super().forward(F.pad(x, pads))


def mobilenet_v1_body(prefix_conv, dw_name, pw_name):
    cfg = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
    layers = [(prefix_conv, SameConv(3, 32, 3, 2, bias=False))]
    c = 32
    for i, (k, s) in enumerate(cfg, start=1):
        layers.append((dw_name(i), SameConv(c, c, 3, s, groups=c, bias=False)))
        layers.append((pw_name(i), nn.Conv2d(c, k, 1, bias=False)))
        c = k
    return layers


class Seq(nn.Module):
    """Runs named sub-modules in order (names may contain dots)."""

    def __init__(self, named):
        super().__init__()
        self.order = [n for n, _ in named]
        for n, m in named:
            self.add_module(n.replace(".", "__"), m)

    def forward(self, x):
        for n in self.order:
            x = getattr(self, n.replace(".", "__"))(x)
        return x


def renamed(model):
    """Maps module names with '__' back to dots."""
    return {m: n.replace("__", ".") for n, m in model.named_modules()}


class MobileNetV1(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = Seq(mobilenet_v1_body("conv0", lambda i: f"conv{i}_dw",
                                          lambda i: f"conv{i}_pw"))
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x):
        x = self.body(x)
        return self.fc(x.mean(dim=(2, 3)))


class AlexNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, 11, 4)
        self.conv2 = nn.Conv2d(96, 256, 5, padding=2, groups=2)
        self.conv3 = nn.Conv2d(256, 384, 3, padding=1)
        self.conv4 = nn.Conv2d(384, 384, 3, padding=1, groups=2)
        self.conv5 = nn.Conv2d(384, 256, 3, padding=1, groups=2)
        self.fc6 = nn.Linear(9216, 4096)
        self.fc7 = nn.Linear(4096, 4096)
        self.fc8 = nn.Linear(4096, 1000)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 3, 2)
        x = F.max_pool2d(self.conv2(x), 3, 2)
        x = F.max_pool2d(self.conv5(self.conv4(self.conv3(x))), 3, 2)
        return self.fc8(self.fc7(self.fc6(x.flatten(1))))


def googlenet_paper():
    m = models.googlenet(weights=None, aux_logits=False, init_weights=False)
    # The paper's third branch uses 5x5 convolutions (torchvision keeps 3x3 for its weights).
    for name in ["inception3a", "inception3b", "inception4a", "inception4b", "inception4c",
                 "inception4d", "inception4e", "inception5a", "inception5b"]:
        branch = getattr(m, name).branch3
        old = branch[1].conv
        branch[1].conv = nn.Conv2d(old.in_channels, old.out_channels, 5, padding=2, bias=False)
    m.maxpool4 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
    m.transform_input = False
    return m


def googlenet_names(model):
    names = {}
    for n, mod in model.named_modules():
        # torchvision wraps each conv as BasicConv2d(conv=Conv2d): use the wrapper's name.
        names[mod] = n[:-len(".conv")] if n.endswith(".conv") else n
    return names


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        chans = [(1, 64), (64, 128), (128, 256), (256, 512), (512, 1024)]
        for i, (a, b) in enumerate(chans, start=1):
            setattr(self, f"conv{i}_1", nn.Conv2d(a, b, 3))
            setattr(self, f"conv{i}_2", nn.Conv2d(b, b, 3))
        for lvl, c in zip(range(6, 10), [512, 256, 128, 64]):
            setattr(self, f"upconv{lvl}", nn.ConvTranspose2d(2 * c, c, 2, stride=2))
            setattr(self, f"conv{lvl}_1", nn.Conv2d(2 * c, c, 3))
            setattr(self, f"conv{lvl}_2", nn.Conv2d(c, c, 3))
        self.conv10 = nn.Conv2d(64, 2, 1)

    def forward(self, x):
        skips = []
        for i in range(1, 6):
            x = getattr(self, f"conv{i}_2")(getattr(self, f"conv{i}_1")(x))
            if i < 5:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for lvl in range(6, 10):
            x = getattr(self, f"upconv{lvl}")(x)
            s = skips.pop()
            dy, dx = (s.shape[2] - x.shape[2]) // 2, (s.shape[3] - x.shape[3]) // 2
            s = s[:, :, dy:dy + x.shape[2], dx:dx + x.shape[3]]
            x = torch.cat([s, x], 1)
            x = getattr(self, f"conv{lvl}_2")(getattr(self, f"conv{lvl}_1")(x))
        return self.conv10(x)


class SSDResNet34(nn.Module):
    def __init__(self):
        super().__init__()
        r = models.resnet34(weights=None)
        r.layer3[0].conv1.stride = (1, 1)
        r.layer3[0].downsample[0].stride = (1, 1)
        self.model = nn.Module()
        for n in ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3"]:
            setattr(self.model, n, getattr(r, n))
        chans = [256, 512, 512, 256, 256, 256]
        blocks = []
        for i, (mid, stride, pad) in enumerate([(256, 2, 1), (256, 2, 1), (128, 2, 1),
                                                 (128, 2, 0), (128, 1, 0)]):
            blocks.append(nn.Sequential(nn.Conv2d(chans[i], mid, 1), nn.ReLU(),
                                        nn.Conv2d(mid, chans[i + 1], 3, stride, pad),
                                        nn.ReLU()))
        self.additional_blocks = nn.ModuleList(blocks)
        nd = [4, 6, 6, 6, 4, 4]
        self.loc = nn.ModuleList(nn.Conv2d(c, d * 4, 3, 3, 1) for c, d in zip(chans, nd))
        self.conf = nn.ModuleList(nn.Conv2d(c, d * 81, 3, 3, 1) for c, d in zip(chans, nd))

    def forward(self, x):
        m = self.model
        x = m.layer3(m.layer2(m.layer1(m.maxpool(m.relu(m.bn1(m.conv1(x)))))))
        src = [x]
        for b in self.additional_blocks:
            x = b(x)
            src.append(x)
        out = []
        for s, l, c in zip(src, self.loc, self.conf):
            out += [l(s).flatten(), c(s).flatten()]
        return torch.cat(out)


class SSDMobileNetV1(nn.Module):
    def __init__(self):
        super().__init__()
        body = mobilenet_v1_body("backbone.0.0", lambda i: f"backbone.{i}.depthwise",
                                 lambda i: f"backbone.{i}.pointwise")
        self.body = nn.ModuleList(m for _, m in body)
        self.body_names = [n for n, _ in body]
        extras = []
        c = 1024
        for mid, out in [(256, 512), (128, 256), (128, 256), (64, 128)]:
            extras.append(nn.Sequential(nn.Conv2d(c, mid, 1), nn.ReLU6(),
                                        SameConv(mid, out, 3, 2), nn.ReLU6()))
            c = out
        self.extras = nn.ModuleList(extras)
        heads = []
        for c, a in zip((512, 1024, 512, 256, 256, 128), (3, 6, 6, 6, 6, 6)):
            h = nn.Module()
            h.classification = nn.Conv2d(c, 91 * a, 1)
            h.regression = nn.Conv2d(c, 4 * a, 1)
            heads.append(h)
        self.predictors = nn.ModuleList(heads)

    def forward(self, x):
        feats = []
        for i, m in enumerate(self.body):
            x = m(x)
            if i in (22, 26):  # pointwise 11 and 13
                feats.append(x)
        for e in self.extras:
            x = e(x)
            feats.append(x)
        out = []
        for f, h in zip(feats, self.predictors):
            out += [h.classification(f).flatten(), h.regression(f).flatten()]
        return torch.cat(out)


def ssd_mobilenet_names(model):
    names = {}
    for n, mod in model.named_modules():
        names[mod] = n
    for n, mod in zip(model.body_names, model.body):
        names[mod] = n
    return names


class DeepPrior(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5)
        self.conv2 = nn.Conv2d(8, 8, 5)
        self.conv3 = nn.Conv2d(8, 8, 3)
        self.fc1 = nn.Linear(8 * 11 * 11, 1024)
        self.fc2 = nn.Linear(1024, 1024)
        self.embedding = nn.Linear(1024, 30)
        self.prior = nn.Linear(30, 42)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 4)
        x = F.max_pool2d(self.conv2(x), 2)
        x = self.conv3(x).flatten(1)
        return self.prior(self.embedding(self.fc2(self.fc1(x))))


class DispNet(nn.Module):
    """SfMLearner's disp_net (TensorFlow SAME padding; stride-2 3x3 up-convolutions)."""

    def __init__(self):
        super().__init__()
        enc = [(32, 7), (64, 5), (128, 3), (256, 3), (512, 3), (512, 3), (512, 3)]
        c = 3
        for i, (k, kern) in enumerate(enc, start=1):
            setattr(self, f"cnv{i}", SameConv(c, k, kern, 2))
            setattr(self, f"cnv{i}b", SameConv(k, k, kern, 1))
            c = k
        dec = [512, 512, 256, 128, 64, 32, 16]
        skip_c = {7: 512, 6: 512, 5: 256, 4: 128, 3: 64, 2: 32, 1: 0}
        for lvl, k in zip(range(7, 0, -1), dec):
            setattr(self, f"upcnv{lvl}", nn.ConvTranspose2d(c, k, 3, 2))
            extra = 1 if lvl <= 3 else 0
            setattr(self, f"icnv{lvl}", SameConv(k + skip_c[lvl] + extra, k, 3, 1))
            if lvl <= 4:
                setattr(self, f"disp{lvl}", SameConv(k, 1, 3, 1))
            c = k

    def forward(self, x):
        skips = []
        for i in range(1, 8):
            x = getattr(self, f"cnv{i}b")(getattr(self, f"cnv{i}")(x))
            skips.append(x)
        disp_up = None
        for lvl in range(7, 0, -1):
            u = getattr(self, f"upcnv{lvl}")(x)
            u = u[:, :, :2 * x.shape[2], :2 * x.shape[3]]  # TF 'SAME': output = 2 x input
            cat = [u]
            if lvl >= 2:
                s = skips[lvl - 2]
                if u.shape[2:] != s.shape[2:]:
                    u = F.interpolate(u, size=s.shape[2:], mode="bilinear")
                cat = [u, s]
            if disp_up is not None:
                cat.append(disp_up)
            x = getattr(self, f"icnv{lvl}")(torch.cat(cat, 1))
            if lvl <= 4:
                d = getattr(self, f"disp{lvl}")(x)
                if lvl > 1:
                    disp_up = F.interpolate(d, size=(2 * x.shape[2], 2 * x.shape[3]),
                                            mode="bilinear")
        return x


class Gemms(nn.Module):
    """GEMM-only models: each entry (name, rows, in, out) is an nn.Linear on rows x in."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        for name, _, cin, cout in spec:
            self.add_module(name.replace(".", "__"), nn.Linear(cin, cout, bias=False))

    def forward(self, x):
        for name, rows, cin, _ in self.spec:
            getattr(self, name.replace(".", "__"))(torch.zeros(rows, cin))
        return x


def gnmt_spec():
    t, h, e, v = 25, 1024, 1024, 32000
    return [("encoder.l0.fwd", t, e + h, 4 * h), ("encoder.l0.bwd", t, e + h, 4 * h),
            ("encoder.l1", t, 3 * h, 4 * h), ("encoder.l2", t, 2 * h, 4 * h),
            ("encoder.l3", t, 2 * h, 4 * h), ("attention.memory", t, h, h),
            ("decoder.l0", t, e + 2 * h, 4 * h), ("attention.query", t, h, h),
            ("attention.score", t * t, h, 1), ("attention.context", t, t, h),
            ("decoder.l1", t, 3 * h, 4 * h), ("decoder.l2", t, 3 * h, 4 * h),
            ("decoder.l3", t, 3 * h, 4 * h), ("classifier", t, h, v)]


def measure(model, x, names=None):
    names = names or renamed(model)
    layers = []

    def hook(mod, inputs, output):
        if isinstance(mod, nn.Linear):
            macs = output.numel() * mod.in_features
        elif isinstance(mod, nn.ConvTranspose2d):
            macs = inputs[0].numel() * (mod.out_channels // mod.groups) * \
                mod.kernel_size[0] * mod.kernel_size[1]
        else:
            macs = output.numel() * (mod.in_channels // mod.groups) * \
                mod.kernel_size[0] * mod.kernel_size[1]
        layers.append({"name": names[mod], "macs": int(macs)})

    for mod in model.modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            mod.register_forward_hook(hook)
    with torch.no_grad():
        model.eval()(x)
    return {"layers": layers, "total_macs": sum(l["macs"] for l in layers)}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "tests", "data", "zoo_reference.json")
    torch.manual_seed(0)
    img = lambda c, h, w: torch.zeros(1, c, h, w)
    ref = {}
    ref["resnet50"] = measure(models.resnet50(weights=None), img(3, 224, 224))
    ref["mobilenet_v2"] = measure(models.mobilenet_v2(weights=None), img(3, 224, 224))
    ref["vgg16"] = measure(models.vgg16(weights=None), img(3, 224, 224))
    m1 = MobileNetV1()
    ref["mobilenet_v1"] = measure(m1, img(3, 224, 224),
                                  {m: n.replace("__", ".").removeprefix("body.")
                                   for n, m in m1.named_modules()})
    ref["alexnet"] = measure(AlexNet(), img(3, 227, 227))
    g = googlenet_paper()
    ref["googlenet"] = measure(g, img(3, 224, 224), googlenet_names(g))
    ref["unet"] = measure(UNet(), img(1, 572, 572))
    ref["ssd_resnet34"] = measure(SSDResNet34(), img(3, 1200, 1200))
    s = SSDMobileNetV1()
    ref["ssd_mobilenet_v1"] = measure(s, img(3, 300, 300), ssd_mobilenet_names(s))
    ref["handpose_deepprior"] = measure(DeepPrior(), img(1, 128, 128))
    ref["depthnet_sfmlearner"] = measure(DispNet(), img(3, 128, 416))
    ref["gnmt"] = measure(Gemms(gnmt_spec()), torch.zeros(1))
    for name, e in [("lstm_m", 500), ("lstm_l", 1000), ("rhn", 1500)]:
        ref[name] = measure(Gemms([("fc", 128, e, e)]), torch.zeros(1))
    for name, sizes in [("mlp_m", [784, 1000, 500, 250]), ("mlp_l", [784, 1500, 1000, 500])]:
        spec = [(f"fc{i + 1}", 128, sizes[i], sizes[i + 1]) for i in range(3)]
        ref[name] = measure(Gemms(spec), torch.zeros(1))
    ref["_about"] = ("MACs measured with PyTorch forward hooks by scripts/zoo_reference.py "
                     f"(torch {torch.__version__}); layer names equal the zoo's")
    with open(out, "w") as f:
        json.dump(ref, f, indent=1, sort_keys=True)
        f.write("\n")
    for k, v in sorted(ref.items()):
        if not k.startswith("_"):
            print(f"{k:22} {len(v['layers']):4} layers {v['total_macs']:>16,} MACs")


if __name__ == "__main__":
    main()
