#!/usr/bin/env python3
"""Upstream PyTorch (CPU, fp32) SoVITS decode speed, the counterpart of bench/bench_sovits.cpp.

Loads a full-size s2 file (tools/golden/sovits_fullsize.py) the way TTS_infer_pack/TTS.py does
(SynthesizerTrn from the file's config, fp16 weights loaded into an fp32 module, weight norm kept), then
times SynthesizerTrn.decode and the HiFi-GAN generator alone on random inputs of the same sizes as the
C++ bench. Prints one `key=value` line per measurement, in the same format.

    OPENBLAS_CORETYPE=... /work/oracle-venv/bin/python tools/bench/sovits_upstream.py \
        --upstream /work/upstream [--model PATH] [--tokens 50] [--threads 2]
"""
import argparse
import os
import sys
import time
from pathlib import Path


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--upstream", type=Path, required=True)
    default_model = Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "sovits" / "s2_v2_fullsize.pth"
    ap.add_argument("--model", type=Path, default=default_model)
    ap.add_argument("--tokens", type=int, default=50)
    ap.add_argument("--phones", type=int, default=40)
    ap.add_argument("--ref-frames", type=int, default=150)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    args = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))
    import common
    common.setup_upstream(args.upstream)
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    from module.models import SynthesizerTrn
    from process_ckpt import load_sovits_new

    dict_s2 = load_sovits_new(str(args.model))
    hps = dict_s2["config"]
    hps = hps if isinstance(hps, dict) else hps.__dict__
    model_cfg = dict(hps["model"].__dict__ if not isinstance(hps["model"], dict) else hps["model"])
    data = hps["data"] if isinstance(hps["data"], dict) else hps["data"].__dict__
    train = hps["train"] if isinstance(hps["train"], dict) else hps["train"].__dict__
    model_cfg["semantic_frame_rate"] = "25hz"
    version = "v2Pro" if "sv_emb.weight" in dict_s2["weight"] else "v2"
    if version == "v2Pro" and dict_s2["weight"]["dec.conv_pre.weight"].shape[0] == 768:
        version = "v2ProPlus"
    model_cfg["version"] = version
    m = SynthesizerTrn(data["filter_length"] // 2 + 1, train["segment_size"] // data["hop_length"],
                       n_speakers=data["n_speakers"], **model_cfg)
    m.load_state_dict(dict_s2["weight"], strict=False)
    m = m.float().eval()

    coretype = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    print(f"# torch={torch.__version__} threads={torch.get_num_threads()} OPENBLAS_CORETYPE={coretype} "
          f"mkldnn={torch.backends.mkldnn.is_available()}")
    print(f"# model={args.model} version={version}")

    g = torch.Generator().manual_seed(1)
    codes = torch.randint(0, 1024, (1, 1, args.tokens), generator=g)
    phones = torch.randint(0, 732, (1, args.phones), generator=g)
    spec = torch.rand(1, 1025, args.ref_frames, generator=g) * 2
    kw = {}
    if m.is_v2pro:
        kw["sv_emb"] = torch.randn(1, 20480, generator=g)
    frames = 2 * args.tokens
    z = torch.randn(1, model_cfg["inter_channels"], frames, generator=g)
    ge = torch.randn(1, model_cfg["gin_channels"], 1, generator=g)
    audio_s = frames * 640 / data["sampling_rate"]

    def time_it(f):
        """Warm-up, then reps runs: best and mean wall time, best process CPU time (all threads)."""
        f()
        wall, cpu = [], []
        for _ in range(args.reps):
            c0, t0 = time.process_time(), time.perf_counter()
            f()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        return min(wall), sum(wall) / len(wall), min(cpu)

    for name, f in [("sovits_generator", lambda: m.dec(z, g=ge)),
                    ("sovits_decode", lambda: m.decode(codes, phones, spec, noise_scale=0.5, speed=1, **kw))]:
        best, mean, cpu = time_it(f)
        print(f"{name} route=torch tokens={args.tokens} audio_s={audio_s:g} reps={args.reps} best_wall_s={best:.4f} "
              f"mean_wall_s={mean:.4f} best_cpu_s={cpu:.4f} wall_per_audio_s={best / audio_s:.4f} "
              f"cpu_per_audio_s={cpu / audio_s:.4f}")


if __name__ == "__main__":
    main()
