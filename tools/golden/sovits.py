#!/usr/bin/env python3
"""Golden fixtures for the SoVITS v2 / v2Pro synthesizer (tests/unit/models_sovits.cpp).

Builds upstream's own `module.models.SynthesizerTrn` with a small config and a fixed seed, saves it
through upstream's `process_ckpt.savee` (fp16 weights without enc_q, an HParams config; "05" magic for
the v2Pro variant), loads those fp16 weights back into the module so that both sides compute with the
same numbers, and runs upstream's `decode` / `decode_streaming` / `extract_latent` on CPU in fp32.

Size reductions. Some widths are constants inside upstream's constructors, not config values: the
HuBERT width 768 and the 1024-entry codebook (SynthesizerTrn), MRTE's 192 -> 512 x 4 heads, the
MelStyleEncoder's 128-wide hidden layer, the 20480-wide sv embedding and ge_to512's 512. At full size
they alone would be ~10 MB of fp16, so after construction this script swaps those submodules for the
same upstream classes built with smaller constructor arguments (see `shrink`). The C++ loader reads
all of these widths from the tensor shapes, and the full-size key set and shapes are covered by
tools/golden/sovits_fullsize.py and tests/slow/models_sovits_fullsize.cpp.

Random init. Upstream zero-initialises the couplings' `post` layers and the codebook, which would
make the flow an identity; every parameter is therefore redrawn (with weight-norm gains away from
||v||) so that each stage is exercised.

Layouts in the safetensors file are ours (channels-last): ssl [B, T50, D], refer specs [1, T_r, 1025],
latents [B, T, C], waveforms [B, samples].

Writes tests/fixtures/sovits/{sovits_v2_tiny.pth, sovits_v2pro_tiny.pth, sovits_golden.safetensors}.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

if __name__ == "__main__":
    ARGS = common.parse_args(__doc__)

import torch  # noqa: E402
from torch import nn  # noqa: E402

from module import modules  # noqa: E402
from module.models import SynthesizerTrn  # noqa: E402
from module.mrte_model import MRTE  # noqa: E402
from module.quantize import ResidualVectorQuantizer  # noqa: E402

torch.set_grad_enabled(False)

# Small stand-ins for the widths upstream hard-codes (the full model uses 768 / 1024 / 512 / 128 / 20480).
SSL_DIM = 32
CODEBOOK = 64
MRTE_HIDDEN = 16
STYLE_HIDDEN = 16
SV_DIM = 48


def hparams(model_cfg, version):
    model = dict(model_cfg)
    model["version"] = version
    return {
        "train": {"segment_size": 20480, "seed": 1234},
        "data": {"max_wav_value": 32768.0, "sampling_rate": 32000, "filter_length": 2048,
                 "hop_length": 640, "win_length": 2048, "n_mel_channels": 128, "n_speakers": 300},
        "model": model,
        "name": "tiny",
    }


def small_model_cfg(gin, n_layers=6, kernel_size=3):
    return {
        "inter_channels": 8, "hidden_channels": 16, "filter_channels": 32, "n_heads": 2,
        "n_layers": n_layers, "kernel_size": kernel_size, "p_dropout": 0.1, "resblock": "1",
        "resblock_kernel_sizes": [3, 7, 11], "resblock_dilation_sizes": [[1, 3, 5]] * 3,
        "upsample_rates": [10, 8, 2, 2, 2], "upsample_initial_channel": 32,
        "upsample_kernel_sizes": [16, 16, 8, 2, 2], "n_layers_q": 3, "use_spectral_norm": False,
        "gin_channels": gin, "semantic_frame_rate": "25hz", "freeze_quantizer": True,
    }


def build(model_cfg, version, small=True):
    hps = hparams(model_cfg, version)
    m = SynthesizerTrn(hps["data"]["filter_length"] // 2 + 1,
                       hps["train"]["segment_size"] // hps["data"]["hop_length"],
                       n_speakers=hps["data"]["n_speakers"], **hps["model"])
    if small:
        shrink(m, model_cfg, version)
    randomize(m)
    return m.eval(), hps


def shrink(m, cfg, version):
    """Swaps the hard-coded-width submodules for the same upstream classes with smaller arguments."""
    hidden, gin = cfg["hidden_channels"], cfg["gin_channels"]
    m.ssl_proj = nn.Conv1d(SSL_DIM, SSL_DIM, 2, stride=2)
    m.quantizer = ResidualVectorQuantizer(dimension=SSL_DIM, n_q=1, bins=CODEBOOK)
    m.enc_p.ssl_proj = nn.Conv1d(SSL_DIM, hidden, 1)
    m.enc_p.mrte = MRTE(content_enc_channels=hidden, hidden_size=MRTE_HIDDEN, out_channels=hidden)
    m.ref_enc = modules.MelStyleEncoder(704, style_hidden=STYLE_HIDDEN, style_vector_dim=gin)
    if m.is_v2pro:
        m.sv_emb = nn.Linear(SV_DIM, gin)
        m.ge_to512 = nn.Linear(gin, MRTE_HIDDEN)
        m.prelu = nn.PReLU(num_parameters=gin)


def randomize(m):
    g = torch.Generator().manual_seed(1234)
    for name, p in m.named_parameters():
        if name.startswith("enc_q."):
            continue
        shape = p.shape
        if name.endswith("weight_g"):
            continue  # set below from weight_v
        if name.endswith(("gamma",)):
            p.copy_(1.0 + 0.2 * torch.randn(shape, generator=g))
        elif name.endswith("prelu.weight"):
            p.copy_(0.25 + 0.1 * torch.randn(shape, generator=g))
        elif name.endswith(("bias", "beta")):
            # small generator biases: larger ones make the waveform mostly bias-driven (insensitive to z)
            p.copy_((0.01 if name.startswith("dec.") else 0.1) * torch.randn(shape, generator=g))
        elif name.endswith(("emb_rel_k", "emb_rel_v")) or "text_embedding" in name:
            p.copy_(torch.randn(shape, generator=g) * 0.5)
        else:
            fan_in = p[0].numel() if p.dim() > 1 else 1
            if ".ups." in name:  # ConvTranspose1d weights are [C_in, C_out, k]
                fan_in = p.shape[0] * p.shape[2] // 2
            p.copy_(torch.randn(shape, generator=g) / fan_in ** 0.5)
    for name, mod in m.named_modules():
        if hasattr(mod, "weight_g") and not name.startswith("enc_q"):
            v = mod.weight_v
            dims = [d for d in range(v.dim()) if d != 0]
            norm = v.norm(dim=dims, keepdim=True)
            mod.weight_g.copy_(norm * (0.6 + 0.8 * torch.rand(norm.shape, generator=g)))
    cb = m.quantizer.vq.layers[0]._codebook
    cb.embed.copy_(torch.randn(cb.embed.shape, generator=g))
    cb.embed_avg.copy_(cb.embed)
    cb.cluster_size.fill_(1.0)
    cb.inited.fill_(1.0)


def save_and_reload(m, hps, path, model_version):
    """Saves through upstream's savee, then loads the fp16 weights back (strict but for enc_q)."""
    common.save_s2_pth(m.state_dict(), hps, path, model_version=model_version)
    from process_ckpt import load_sovits_new
    saved = load_sovits_new(str(path))
    missing, unexpected = m.load_state_dict(saved["weight"], strict=False)
    assert not unexpected, unexpected
    assert all(k.startswith("enc_q.") for k in missing), missing
    m.float().eval()
    print(f"{path.name}: {len(saved['weight'])} tensors, "
          f"{sum(v.numel() for v in saved['weight'].values())} params, first bytes {path.read_bytes()[:2]!r}")


class Capture:
    """Records ge, ge_text, m, logs and z of one decode call through hooks; injects ε."""

    def __init__(self, m):
        self.m = m
        self.got = {}
        self.eps = None

    def __enter__(self):
        got = self.got
        hooks = []

        def enc_p_pre(mod, a, kw):
            got["ge_text"] = a[4]

        def enc_p_post(mod, a, kw, outp):
            got["m"], got["logs"], got["latent"] = outp[1], outp[2], outp[4]

        def flow_post(mod, a, kw, outp):
            if kw.get("reverse"):
                got["z"] = outp

        def dec_pre(mod, a, kw):
            got["ge"] = kw["g"]

        hooks.append(self.m.enc_p.register_forward_pre_hook(enc_p_pre, with_kwargs=True))
        hooks.append(self.m.enc_p.register_forward_hook(enc_p_post, with_kwargs=True))
        hooks.append(self.m.flow.register_forward_hook(flow_post, with_kwargs=True))
        hooks.append(self.m.dec.register_forward_pre_hook(dec_pre, with_kwargs=True))
        self.hooks = hooks
        self.randn_like = torch.randn_like
        capture = self

        def fixed_randn_like(t, *a, **k):
            assert capture.eps is None, "randn_like called twice"
            capture.eps = torch.randn(t.shape, generator=capture.gen).half().to(t.dtype)
            return capture.eps

        self.gen = torch.Generator().manual_seed(99)
        torch.randn_like = fixed_randn_like
        return self

    def __exit__(self, *exc):
        torch.randn_like = self.randn_like
        for h in self.hooks:
            h.remove()


def cl(t):
    """[B, C, T] -> [B, T, C] (our channels-last layout)."""
    return t.transpose(1, 2).contiguous()


def run_case(arrays, m, name, **kw):
    with Capture(m) as cap:
        if "result_length" in kw:
            wav, latent, _ = m.decode_streaming(**kw)
        else:
            wav = m.decode(**kw)
    got = cap.got
    arrays[f"{name}.eps"] = cl(cap.eps).half()  # exact: drawn as fp16 values
    arrays[f"{name}.ge"] = got["ge"][:, :, 0]
    arrays[f"{name}.ge_text"] = got["ge_text"][:, :, 0]
    arrays[f"{name}.m"] = cl(got["m"])
    arrays[f"{name}.logs"] = cl(got["logs"])
    arrays[f"{name}.z"] = cl(got["z"])
    arrays[f"{name}.latent"] = cl(got["latent"])
    arrays[f"{name}.wav"] = wav[:, 0, :]
    print(f"{name}: wav {tuple(wav.shape)} peak {wav.abs().max():.3f} rms {wav.pow(2).mean().sqrt():.3f}, "
          f"m {tuple(got['m'].shape)} std {got['m'].std():.3f}, z std {got['z'].std():.3f}")


def main(args):
    out = args.out / "sovits"
    out.mkdir(parents=True, exist_ok=True)
    arrays = {}
    common.seed(7)

    # ---------------------------------------------------------------- inputs
    Y = 8            # semantic tokens (25 Hz) -> 16 SoVITS frames -> 10240 samples at speed 1
    X = 7            # phones
    codes = torch.randint(0, CODEBOOK, (1, 1, Y))
    phones = torch.randint(0, 732, (1, X))
    # Inputs are rounded to fp16 and stored as fp16 (exact), to keep the fixture small.
    ref_a = (torch.rand(1, 1025, 12) * 2.0).half().float()
    ref_b = (torch.rand(1, 1025, 9) * 2.0).half().float()
    ssl = torch.randn(1, SSL_DIM, 21).half().float()  # odd length: ssl_proj (k2 s2) drops the last frame
    arrays["codes"] = codes[:, 0, :]
    arrays["phones"] = phones
    arrays["ref_a"] = cl(ref_a).half()
    arrays["ref_b"] = cl(ref_b).half()
    arrays["ssl"] = cl(ssl).half()

    # ---------------------------------------------------------------- v2
    common.seed(11)
    m, hps = build(small_model_cfg(gin=MRTE_HIDDEN), "v2")
    save_and_reload(m, hps, out / "sovits_v2_tiny.pth", model_version=None)

    arrays["v2.codes_from_ssl"] = m.extract_latent(ssl)[:, 0, :]  # [B, n_q, Y'] -> [B, Y']
    arrays["v2.ssl_proj"] = cl(m.ssl_proj(ssl))

    run_case(arrays, m, "v2_speed1", codes=codes, text=phones, refer=ref_a, noise_scale=0.5, speed=1)
    run_case(arrays, m, "v2_speed125_two_refs", codes=codes, text=phones, refer=[ref_a, ref_b],
             noise_scale=0.0, speed=1.25)
    run_case(arrays, m, "v2_speed08", codes=codes, text=phones, refer=[ref_b], noise_scale=0.5, speed=0.8)

    # decode_streaming: the last 3 tokens (+ cross-fade of 2 tokens with a previous latent), 1 token of
    # look-ahead padding trimmed before encoder2.
    overlap = torch.randn(1, hps["model"]["hidden_channels"], 4).half().float()
    arrays["v2_stream.overlap_frames"] = cl(overlap).half()
    run_case(arrays, m, "v2_stream", codes=codes, text=phones, refer=ref_a, noise_scale=0.5, speed=1,
             result_length=3, overlap_frames=overlap, padding_length=1)

    # ---------------------------------------------------------------- v2Pro layout (sv_emb, prelu, ge_to512)
    common.seed(12)
    m, hps = build(small_model_cfg(gin=20, n_layers=2, kernel_size=5), "v2Pro")
    save_and_reload(m, hps, out / "sovits_v2pro_tiny.pth", model_version="v2Pro")
    sv = torch.randn(2, 1, SV_DIM).half().float()
    arrays["v2pro.sv_a"] = sv[0]
    arrays["v2pro.sv_b"] = sv[1]
    run_case(arrays, m, "v2pro_two_refs", codes=codes, text=phones, refer=[ref_a, ref_b], noise_scale=0.5,
             speed=1, sv_emb=[sv[0], sv[1]])

    # ---------------------------------------------------------------- a GPT (s1) file, for the wrong-kind error
    # The genuine s1 container (save_s1_ckpt: {"weight": {"model.*"}, "config", "info"}) with a token
    # state dict: decode must refuse it with a message naming the mix-up.
    common.save_s1_ckpt({"ar_audio_embedding.word_embeddings.weight": torch.zeros(4, 2)},
                        {"model": {"vocab_size": 1025, "phoneme_vocab_size": 732}, "data": {"max_sec": 54}},
                        out / "s1_not_sovits.ckpt")

    common.save_arrays(out / "sovits_golden.safetensors", arrays)
    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"tests/fixtures/sovits: {total} bytes")


if __name__ == "__main__":
    main(ARGS)
