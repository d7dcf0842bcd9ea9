#!/usr/bin/env python3
"""Fixtures for models/eres2netv2 (tests/unit/pipeline_speaker.cpp).

Upstream's own ERes2NetV2 class (GPT_SoVITS/eres2net/ERes2NetV2.py) with the block structure sv.py
instantiates, ERes2NetV2(baseWidth=24, scale=4, expansion=4), but narrower and shallower so that the
checkpoint can be committed: m_channels=8 (widths 3/6/12/24, AFF inner widths 3 and 6, fuse34 on 256
channels), num_blocks=[2, 2, 2, 2] (every layer has a strided block with a conv shortcut and a stride-1
block with the identity shortcut; layers 3 and 4 use the AFF blocks) and embedding_size=8 (seg_1 is
unused by forward3 but present in the file, as in the real one). The full-size model is
tools/golden/eres2netv2_fullsize.py.

BatchNorm is put in a realistic and non-trivial state: running statistics are first accumulated in
train mode on fbank inputs (so activations stay O(1) through the net), then the affine parameters and
the statistics are perturbed randomly (randomize_batch_norm), so BN folding is tested with every term
non-zero. Four channels of layer1.0.bn3 get a +25 bias so that some activations exceed 20 and
Hardtanh(0, 20) clips them (the script prints the fraction). The script also prints how far
upstream's fp32 output is from the same model in fp64: the conditioning of the random net.

The checkpoint is a raw state_dict (what 3D-Speaker's Checkpointer and upstream's
`torch.load(sv_path)` + `load_state_dict` use: 1001 entries incl. num_batches_tracked at full size),
saved with torch.save in fp16 like the shipped 103 MB file. Upstream computes in fp32 from those
fp16-rounded weights, and so do we.

Writes under tests/fixtures/eres2netv2/:
  sv_small.ckpt           the state_dict (fp16 floats, int64 num_batches_tracked)
  expected.safetensors    feats_1s [99, 80], feats_3s [298, 80] (fp16-exact fbank of speech-like audio,
                          upstream kaldi.fbank as sv.py calls it), emb_1s / emb_3s = forward3(feats[None])
                          [1, 2560]; wav_sv [16000 + 321] (fp16-exact, 16 kHz) and emb_sv, the output of
                          upstream's SV.compute_embedding3(wav[None]) (sv.py) with this checkpoint;
                          config (int32: m_channels and num_blocks)
"""
import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

SEED = 4242
SR = 16000
M_CHANNELS = 8
NUM_BLOCKS = [2, 2, 2, 2]
EMBEDDING_SIZE = 8


def setup(upstream: Path):
    """sv.py puts GPT_SoVITS/eres2net on sys.path and imports ERes2NetV2 and kaldi from there."""
    common.setup_upstream(upstream)
    sys.path.insert(0, str(upstream.resolve() / "GPT_SoVITS" / "eres2net"))


def speechlike(n, rng, f0_base):
    t = np.arange(n) / SR
    f0 = f0_base + 40 * np.sin(2 * np.pi * 0.9 * t) + 10 * np.sin(2 * np.pi * 4.2 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    voice = sum(np.sin(k * phase + 0.7 * k) / k for k in range(1, 25))
    env = 0.15 + 0.85 * np.sin(2 * np.pi * 1.9 * t) ** 2
    return np.clip(0.3 * voice * env + 0.01 * rng.standard_normal(n), -1, 1).astype(np.float16)


def fbank(wav16):
    import kaldi as Kaldi  # upstream GPT_SoVITS/eres2net/kaldi.py
    w = torch.from_numpy(wav16.astype(np.float32))
    return Kaldi.fbank(w.unsqueeze(0), num_mel_bins=80, sample_frequency=SR, dither=0)


def randomize_batch_norm(bns, g):
    """Affine parameters and statistics away from the calibrated identity, every term non-zero. The
    scales are drawn below 1 (gamma in [0.4, 1], variance x [1, 2]) so that the random net is
    contractive: with gains around 1 the stack of blocks amplifies rounding chaotically (upstream's
    own fp32 and fp64 outputs then differ by 1e-3 relative) and no fp32 port could be held to 1e-4."""
    with torch.no_grad():
        for bn in bns:
            c = bn.num_features
            bn.weight.copy_(0.4 + 0.6 * torch.rand(c, generator=g))
            bn.bias.copy_(0.2 * torch.randn(c, generator=g))
            bn.running_mean.add_(0.1 * torch.randn(c, generator=g) * bn.running_var.sqrt())
            bn.running_var.mul_(1.0 + torch.rand(c, generator=g))


def calibrate_and_randomize(model, rng, seed):
    """Running statistics from train-mode passes on fbank inputs, then randomize_batch_norm, then the
    Hardtanh push. Leaves the model in eval mode."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    # Accumulate running statistics (cumulative average) on real fbank inputs.
    for bn in bns:
        bn.momentum = None
    model.train()
    with torch.no_grad():
        for i in range(4):
            feats = fbank(speechlike(SR * 2 + 160 * i, rng, 110 + 30 * i))
            model.forward3(feats[None])
    model.eval()
    randomize_batch_norm(bns, torch.Generator().manual_seed(seed))
    with torch.no_grad():
        # Push four channels of layer1.0's residual branch past Hardtanh's 20, so the clip is exercised.
        model.layer1[0].bn3.bias[:4] += 25.0
    return model


def clipped_fraction(model, feats):
    """Fraction of Hardtanh inputs above 20, to show the clip is exercised."""
    stats = [0, 0]

    def hook(_module, inputs):  # a pre-hook: the Hardtanh is in-place
        x = inputs[0]
        stats[0] += int((x > 20).sum())
        stats[1] += x.numel()

    handles = [m.register_forward_pre_hook(hook) for m in model.modules() if isinstance(m, torch.nn.Hardtanh)]
    with torch.no_grad():
        model.forward3(feats[None])
    for h in handles:
        h.remove()
    return stats[0] / max(stats[1], 1)


def main():
    args = common.parse_args(__doc__)
    setup(args.upstream)
    from ERes2NetV2 import ERes2NetV2  # upstream
    out = args.out / "eres2netv2"
    rng = np.random.default_rng(SEED)
    common.seed(SEED)
    model = ERes2NetV2(baseWidth=24, scale=4, expansion=4, m_channels=M_CHANNELS, num_blocks=NUM_BLOCKS,
                       embedding_size=EMBEDDING_SIZE)
    calibrate_and_randomize(model, rng, SEED)
    out.mkdir(parents=True, exist_ok=True)
    ckpt = out / "sv_small.ckpt"
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    torch.save(state, ckpt)
    print(f"wrote {ckpt.relative_to(common.REPO)} ({ckpt.stat().st_size} bytes, {len(state)} entries)")

    # Reload the way sv.py does: a fresh fp32 model, load_state_dict(torch.load(...)) (strict), eval.
    import sv  # noqa: E402  (upstream GPT_SoVITS/sv.py; its module body only sets paths and imports)
    sv.sv_path = str(ckpt)
    sv.ERes2NetV2 = functools.partial(ERes2NetV2, m_channels=M_CHANNELS, num_blocks=NUM_BLOCKS,
                                      embedding_size=EMBEDDING_SIZE)
    upstream_sv = sv.SV("cpu", False)
    net = upstream_sv.embedding_model

    arrays = {"config": np.array([M_CHANNELS] + NUM_BLOCKS, dtype=np.int32)}
    for name, n in (("1s", SR), ("3s", 3 * SR + 77)):
        feats16 = fbank(speechlike(n, rng, 150 if name == "1s" else 95)).half()
        arrays["feats_" + name] = feats16
        with torch.no_grad():
            emb = net.forward3(feats16.float()[None])
        arrays["emb_" + name] = emb
        with torch.no_grad():
            emb64 = net.double().forward3(feats16.double()[None])
            net.float()
        print(f"feats_{name} {tuple(feats16.shape)} -> emb {tuple(emb.shape)}, |emb| max {emb.abs().max():.3f}, "
              f"Hardtanh inputs > 20: {100 * clipped_fraction(net, feats16.float()):.2f}%, "
              f"fp32 vs fp64 {float((emb - emb64).abs().max() / emb.abs().max()):.2e} relative")
    wav = speechlike(SR + 321, rng, 180)
    arrays["wav_sv"] = wav
    arrays["emb_sv"] = upstream_sv.compute_embedding3(torch.from_numpy(wav.astype(np.float32))[None])
    print(f"compute_embedding3: wav {wav.shape} -> {tuple(arrays['emb_sv'].shape)}")
    common.save_arrays(out / "expected.safetensors", arrays)


if __name__ == "__main__":
    main()
