#!/usr/bin/env python3
"""Fixtures for models/cnhubert (tests/unit/models_cnhubert.cpp).

A small random-init HF HubertModel with chinese-hubert-base's structure (conv kernels/strides
[10,3,3,3,3,2,2]/[5,2,2,2,2,2,2], GroupNorm on conv 0, post-LN encoder, weight-normed grouped
positional conv with an even kernel so the "drop the last frame" rule is exercised), saved as HF
folders and run through upstream's own call path: feature_extractor.cnhubert.CNHubert(path).model(wav)
["last_hidden_state"], exactly as TTS.py does it (the Wav2Vec2 feature extractor is bypassed, so the
waveform is not normalised). Weights are stored in fp16 like the shipped file; upstream computes in fp32
on CPU from those fp16-rounded weights, and so do we.

Writes under tests/fixtures/hubert/:
  bin_fp16/           config.json, preprocessor_config.json, pytorch_model.bin (save_pretrained,
                      safe_serialization=False: pos_conv as parametrizations.weight.original0/1)
  st_legacy/          the same weights as model.safetensors with the older names: `hubert.` prefix and
                      pos_conv weight_g/weight_v (what older transformers / HubertFor* heads save)
  expected.safetensors  inputs (fp16-exact waveforms of odd lengths, ~1 s and ~2.3 s) and outputs
"""
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

args = common.parse_args(__doc__)
out = args.out / "hubert"

import numpy as np  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from transformers import HubertConfig, HubertModel, Wav2Vec2FeatureExtractor  # noqa: E402
import transformers.modeling_utils  # noqa: E402
from feature_extractor import cnhubert  # noqa: E402  (upstream)

# transformers >= 4.50 refuses torch.load on torch < 2.6 (CVE-2025-32434); the oracle venv pins torch
# 2.5.1 and the only files loaded here are the ones this script just wrote.
transformers.modeling_utils.check_torch_load_is_safe = lambda: None

SEED = 1234


def small_config():
    return HubertConfig(
        hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
        conv_dim=[32] * 7, conv_kernel=[10, 3, 3, 3, 3, 2, 2], conv_stride=[5, 2, 2, 2, 2, 2, 2],
        conv_bias=False, feat_extract_norm="group", feat_extract_activation="gelu", hidden_act="gelu",
        num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4, do_stable_layer_norm=False,
        feat_proj_layer_norm=True, layer_norm_eps=1e-5, mask_time_prob=0.05)


def randomize(model):
    """Every parameter random (HF's init leaves norms at 1/0, which would not test the affine parts)."""
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("original0") or name.endswith("weight_g"):  # weight-norm magnitude
                p.copy_(0.5 + torch.rand(p.shape, generator=g))
            elif p.ndim == 1 and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif p.ndim == 1:
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)


def test_signal(n, seed):
    """Chirp + two partials + noise, amplitude ~0.5, rounded to fp16 so that it is stored exactly."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 16000.0
    x = 0.3 * np.sin(2 * np.pi * (120 * t + 400 * t * t)) + 0.15 * np.sin(2 * np.pi * 733 * t + 0.3)
    x += 0.1 * np.sin(2 * np.pi * 2950 * t) * np.exp(-t) + 0.05 * rng.standard_normal(n)
    return x.astype(np.float16)


def write_folder(model, folder: Path):
    if folder.exists():
        shutil.rmtree(folder)
    model.save_pretrained(folder, safe_serialization=False)
    # chinese-hubert-base ships this file too; upstream's CNHubert loads it (and then bypasses it).
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True,
                             return_attention_mask=False).save_pretrained(folder)
    for extra in folder.glob("generation_config.json"):
        extra.unlink()


def main():
    common.seed(SEED)
    model = HubertModel(small_config()).eval()
    randomize(model)
    model = model.half()

    bin_dir = out / "bin_fp16"
    write_folder(model, bin_dir)
    sd = torch.load(bin_dir / "pytorch_model.bin", map_location="cpu", weights_only=True)
    pos = [k for k in sd if k.startswith("encoder.pos_conv_embed.conv.")]
    print("pos_conv keys saved by save_pretrained:", sorted(pos))
    assert all(v.dtype == torch.float16 for v in sd.values())

    # The legacy naming, as a safetensors file: upstream's loader must accept it (checked below).
    legacy = {}
    for k, v in sd.items():
        k = k.replace("parametrizations.weight.original0", "weight_g").replace(
            "parametrizations.weight.original1", "weight_v")
        legacy["hubert." + k] = v.contiguous()
    st_dir = out / "st_legacy"
    if st_dir.exists():
        shutil.rmtree(st_dir)
    st_dir.mkdir(parents=True)
    shutil.copy(bin_dir / "config.json", st_dir / "config.json")
    shutil.copy(bin_dir / "preprocessor_config.json", st_dir / "preprocessor_config.json")
    save_file(legacy, str(st_dir / "model.safetensors"), metadata={"format": "pt"})

    arrays = {}
    wavs = {"1s": test_signal(16003, 1), "2s": test_signal(36807, 2)}
    outputs = {}
    for name, folder in [("bin", bin_dir), ("st", st_dir)]:
        hub = cnhubert.CNHubert(str(folder)).eval()  # upstream's class; from_pretrained in fp32
        assert next(hub.model.parameters()).dtype == torch.float32
        captured = {}
        hooks = [
            hub.model.feature_extractor.register_forward_hook(lambda m, i, o: captured.__setitem__("features", o)),
            hub.model.feature_projection.register_forward_hook(lambda m, i, o: captured.__setitem__("projected", o)),
            hub.model.encoder.pos_conv_embed.register_forward_hook(lambda m, i, o: captured.__setitem__("pos_conv", o)),
        ]
        for key, wav in wavs.items():
            x = torch.from_numpy(wav.astype(np.float32))
            with torch.no_grad():  # TTS.py: self.cnhuhbert_model.model(wav16k.unsqueeze(0))["last_hidden_state"]
                hidden = hub.model(x.unsqueeze(0))["last_hidden_state"]
            outputs[(name, key)] = hidden
            if name == "bin":
                arrays[f"wav_{key}"] = wav  # fp16, exact
                arrays[f"hidden_{key}"] = hidden
                if key == "1s":
                    arrays["features_1s"] = captured["features"].transpose(1, 2)  # [B, T, C] like ours
                    arrays["projected_1s"] = captured["projected"]
                    arrays["pos_conv_1s"] = captured["pos_conv"]
        for h in hooks:
            h.remove()
    for key in wavs:
        assert torch.equal(outputs[("bin", key)], outputs[("st", key)]), "legacy names load differently"
        print(f"hidden_{key}: {tuple(outputs[('bin', key)].shape)}")
    common.save_arrays(out / "expected.safetensors", arrays)
    with open(out / "README.md", "w") as f:
        f.write("Generated by tools/golden/hubert.py (random weights, seed %d). Do not edit.\n" % SEED)


main()
