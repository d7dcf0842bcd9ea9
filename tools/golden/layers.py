#!/usr/bin/env python3
"""Fixtures for core/layers.h (tests/unit/core_layers.cpp): torch modules as upstream builds them
(weight_norm with dim 0 on Conv1d and ConvTranspose1d, dim 2 on HuBERT's pos_conv, in both the old
weight_g/weight_v and the new parametrizations naming), their state dict saved with torch.save, and
their outputs on fixed inputs.
"""
import sys
from collections import OrderedDict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

args = common.parse_args(__doc__)
out = args.out / "layers"
out.mkdir(parents=True, exist_ok=True)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.nn.utils import weight_norm  # noqa: E402

common.seed(0)
mods = OrderedDict()
mods["linear"] = nn.Linear(12, 7)
mods["conv_wn"] = weight_norm(nn.Conv1d(6, 10, 5, padding=6, dilation=3))        # ResBlock1 convs1 style
mods["convt_wn"] = weight_norm(nn.ConvTranspose1d(8, 4, 16, stride=8, padding=4))  # Generator ups style
mods["posconv_wn2"] = weight_norm(nn.Conv1d(16, 16, 8, padding=4, groups=4), name="weight", dim=2)  # HuBERT
mods["posconv_param"] = nn.utils.parametrizations.weight_norm(nn.Conv1d(16, 16, 8, padding=4, groups=4), dim=2)
mods["ln"] = nn.LayerNorm(12, eps=1e-5)
mods["gn"] = nn.GroupNorm(6, 6, eps=1e-5)
mods["emb"] = nn.Embedding(20, 5)
mods["conv2d"] = nn.Conv2d(3, 4, (3, 3), stride=(2, 1), padding=(1, 1))
with torch.no_grad():  # non-trivial affine parameters and gains
    for m in mods.values():
        for p in m.parameters():
            p.add_(0.3 * torch.randn_like(p))

state = OrderedDict()
for name, m in mods.items():
    for k, v in m.state_dict().items():
        state[f"{name}.{k}"] = v
torch.save(state, out / "layers.bin")

x_lin = torch.randn(2, 3, 12)
x_conv6 = torch.randn(2, 6, 40)
x_convt = torch.randn(1, 8, 9)
x_pos = torch.randn(1, 16, 30)
ids = torch.tensor([[0, 5, 19, 3]])
x_img = torch.randn(1, 3, 9, 7)
with torch.no_grad():
    y = {
        "x_lin": x_lin, "x_conv6": x_conv6.transpose(1, 2), "x_convt": x_convt.transpose(1, 2),
        "x_pos": x_pos.transpose(1, 2), "ids": ids.int(), "x_img": x_img.permute(0, 2, 3, 1),
        "linear": mods["linear"](x_lin),
        "conv_wn": mods["conv_wn"](x_conv6).transpose(1, 2),
        "convt_wn": mods["convt_wn"](x_convt).transpose(1, 2),
        "posconv_wn2": mods["posconv_wn2"](x_pos).transpose(1, 2),
        "posconv_param": mods["posconv_param"](x_pos).transpose(1, 2),
        "ln": mods["ln"](x_lin),
        "gn": mods["gn"](x_conv6).transpose(1, 2),
        "emb": mods["emb"](ids),
        "conv2d": mods["conv2d"](x_img).permute(0, 2, 3, 1),
        "gelu": F.gelu(x_lin), "mish": F.mish(x_lin * 8), "leaky": F.leaky_relu(x_lin, 0.1),
        "softplus": F.softplus(x_lin * 12),
    }
common.save_arrays(out / "expected.safetensors", y)
