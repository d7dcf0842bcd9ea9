#!/usr/bin/env python3
"""Fixtures for the safe checkpoint reader (tests/unit/core_checkpoint.cpp).

Written with upstream's own save functions, so the containers are exactly what users have:
  s1_tiny.ckpt         a tiny Text2SemanticDecoder through s1_train.py's layout (my_save)
  s2_v2_tiny.pth       an s2 weights file through process_ckpt.savee (HParams config, fp16, PK magic)
  s2_v2pro_tiny.pth    the same through savee(model_version="v2Pro"): first bytes "05"
  hf_state_dict.bin    torch.save(OrderedDict) like HF pytorch_model.bin, with fp16/bf16/fp32/int64,
                       a non-contiguous (transposed) tensor and a storage-sharing slice
  expected.safetensors the tensors the reader must produce (float32 / int64)
  expected.json        configs and infos as plain JSON
and hostile or corrupt files (hostile_*.pth/.pkl, out_of_bounds_*.pth) made with Python's pickle and
zipfile. Truncated, garbled, wrong-magic and empty files are derived from these in the test itself.
"""
import io
import json
import os
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

args = common.parse_args(__doc__)
out = args.out / "checkpoints"
out.mkdir(parents=True, exist_ok=True)

import torch  # noqa: E402

expected = {}
meta = {}

# ---------------------------------------------------------------- s1 (GPT) through upstream's layout
from AR.models.t2s_model import Text2SemanticDecoder  # noqa: E402

common.seed(1)
s1_config = {
    "model": {"vocab_size": 1025, "phoneme_vocab_size": 732, "embedding_dim": 16, "hidden_dim": 16,
              "head": 2, "linear_units": 64, "n_layer": 1, "dropout": 0, "EOS": 1024},
    "data": {"max_sec": 54},
}
t2s = Text2SemanticDecoder(config=s1_config, top_k=3).eval()
common.save_s1_ckpt(t2s.state_dict(), s1_config, out / "s1_tiny.ckpt", epoch=3)
for k in ["bert_proj.weight", "ar_text_position.alpha", "h.layers.0.self_attn.in_proj_weight"]:
    expected["s1/model." + k] = t2s.state_dict()[k].half().float()
meta["s1"] = {"config": s1_config, "info": "GPT-e3", "num_weights": len(t2s.state_dict())}
# A v1-generation GPT (512 phone symbols, symbols.py), for the "not a v2 pair" error.
common.seed(11)
s1_v1_config = json.loads(json.dumps(s1_config))
s1_v1_config["model"]["phoneme_vocab_size"] = 512
t2s_v1 = Text2SemanticDecoder(config=s1_v1_config, top_k=3).eval()
common.save_s1_ckpt(t2s_v1.state_dict(), s1_v1_config, out / "s1_v1_tiny.ckpt", epoch=1)

# ---------------------------------------------------------------- s2 (SoVITS) through process_ckpt.savee
common.seed(2)
s2_state = OrderedDict()
s2_state["enc_p.text_embedding.weight"] = torch.randn(732, 4)
s2_state["dec.ups.0.weight_g"] = torch.randn(8, 1, 1)
s2_state["dec.ups.0.weight_v"] = torch.randn(8, 4, 16)
s2_state["dec.conv_post.weight"] = torch.randn(1, 4, 7)
s2_state["enc_q.pre.weight"] = torch.randn(4, 4, 1)  # savee drops enc_q
s2_state["quantizer.vq.layers.0._codebook.inited"] = torch.ones(1)
s2_hps = {"train": {"segment_size": 20480, "fp16_run": True}, "data": {"sampling_rate": 32000, "hop_length": 640},
          "model": {"inter_channels": 4, "upsample_rates": [10, 8, 2, 2, 2], "gin_channels": 8,
                    "semantic_frame_rate": "25hz", "version": "v2"}}
common.save_s2_pth(s2_state, s2_hps, out / "s2_v2_tiny.pth", epoch=4, steps=40)
s2pro_state = OrderedDict(s2_state)
s2pro_state["sv_emb.weight"] = torch.randn(8, 20)
s2pro_state["prelu.weight"] = torch.randn(8)
pro_hps = json.loads(json.dumps(s2_hps))
pro_hps["model"]["version"] = "v2Pro"
common.save_s2_pth(s2pro_state, pro_hps, out / "s2_v2pro_tiny.pth", model_version="v2Pro", epoch=5, steps=50)
for k in ["enc_p.text_embedding.weight", "dec.ups.0.weight_v"]:
    expected["s2/" + k] = s2_state[k].half().float()
expected["s2pro/sv_emb.weight"] = s2pro_state["sv_emb.weight"].half().float()
meta["s2"] = {"config": s2_hps, "info": "4epoch_40iteration", "num_weights": len(s2_state) - 1}
meta["s2pro"] = {"config": pro_hps, "info": "5epoch_50iteration", "num_weights": len(s2pro_state) - 1}

# ---------------------------------------------------------------- HF-style state dict
common.seed(3)
base = torch.randn(6, 5)
hf = OrderedDict()
hf["a.fp32"] = torch.randn(3, 4)
hf["a.fp16"] = torch.randn(2, 3).half()
hf["a.bf16"] = torch.randn(5).bfloat16()
hf["a.int64"] = torch.arange(7, dtype=torch.int64) - 3
hf["b.transposed"] = base.t()               # non-contiguous strides
hf["b.slice"] = base[2:4, 1:4]              # offset + strides into a shared storage
hf["b.scalar"] = torch.tensor(2.5)
hf._metadata = OrderedDict({"": {"version": 1}})
torch.save(hf, out / "hf_state_dict.bin")
for k, v in hf.items():
    expected["hf/" + k] = v.float() if v.is_floating_point() else v
meta["hf"] = {"keys": list(hf.keys())}

common.save_arrays(out / "expected.safetensors", expected)
(out / "expected.json").write_text(json.dumps(meta, indent=1))


# ---------------------------------------------------------------- hostile and corrupt files
class Pwn:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/gsv-pwned",))


def torch_like_zip(path, pkl_bytes, storages=None):
    """A zip with torch.save's record layout but a hand-made data.pkl."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl_bytes)
        z.writestr("archive/byteorder", "little")
        for key, data in (storages or {}).items():
            z.writestr(f"archive/data/{key}", data)
        z.writestr("archive/version", "3\n")


# a pickle that tries os.system through GLOBAL + REDUCE, inside a checkpoint and on its own
torch_like_zip(out / "hostile_os_system.pth", pickle.dumps({"weight": Pwn()}, protocol=2))
(out / "hostile_os_system.pkl").write_bytes(pickle.dumps(Pwn(), protocol=2))
# the same with STACK_GLOBAL (protocol 4)
torch_like_zip(out / "hostile_stack_global.pth", pickle.dumps([1, Pwn()], protocol=4))


class StoragePickler(pickle.Pickler):
    """Pickles a dict of fake tensors the way torch does (_rebuild_tensor_v2 + persistent ids)."""

    def persistent_id(self, obj):
        if isinstance(obj, tuple) and obj and obj[0] == "STORAGE":
            return ("storage", torch.FloatStorage, obj[1], "cpu", obj[2])
        return None


def fake_tensor(key, numel, offset, size, stride):
    from torch._utils import _rebuild_tensor_v2

    class T:
        def __reduce__(self):
            return (_rebuild_tensor_v2, (("STORAGE", key, numel), offset, size, stride, False, OrderedDict()))
    return T()


def storage_zip(path, tensors, storages):
    buf = io.BytesIO()
    StoragePickler(buf, protocol=2).dump({"weight": tensors})
    torch_like_zip(path, buf.getvalue(), storages)


four_floats = struct.pack("<4f", 1, 2, 3, 4)
# storage claims more elements than its record holds
storage_zip(out / "out_of_bounds_numel.pth", {"w": fake_tensor("0", 1000, 0, (4,), (1,))}, {"0": four_floats})
# a view whose offset reaches past its storage
storage_zip(out / "out_of_bounds_offset.pth", {"w": fake_tensor("0", 4, 3, (2,), (1,))}, {"0": four_floats})
# a view whose strides reach past its storage
storage_zip(out / "out_of_bounds_stride.pth", {"w": fake_tensor("0", 4, 0, (2, 2), (100, 1))}, {"0": four_floats})
# a storage that is not in the archive
storage_zip(out / "missing_storage.pth", {"w": fake_tensor("7", 4, 0, (4,), (1,))}, {"0": four_floats})
# an absurd size that must not be allocated
storage_zip(out / "huge_shape.pth", {"w": fake_tensor("0", 4, 0, (1 << 40, 1 << 40), (0, 0))}, {"0": four_floats})

print("wrote", sorted(p.name for p in out.iterdir()))
