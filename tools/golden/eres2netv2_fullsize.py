#!/usr/bin/env python3
"""Full-size random-init sv checkpoint for tests/slow/pipeline_speaker_fullsize.cpp and bench/bench_sv.cpp.

Upstream's ERes2NetV2(baseWidth=24, scale=4, expansion=4) exactly as sv.py instantiates it (m_channels
64, num_blocks [3, 4, 6, 3], embedding_size 192: 1001 state_dict entries, ~53.5 M parameters), with
BatchNorm calibrated and randomised as in tools/golden/eres2netv2.py. Too big to commit, so it goes
outside the repo: $GSV_LARGE_FIXTURES/sv/, default /work/fixtures-large/sv/ (or --dir):

  pretrained_eres2netv2w24s4ep4.ckpt   raw state_dict via torch.save, fp32 as 3D-Speaker's Checkpointer
                                       writes it (~214 MB; the default suite's small file is fp16)
  expected_sv.safetensors              wav [3 s + 77 samples at 16 kHz, fp16-exact] and emb [1, 20480],
                                       upstream's SV.compute_embedding3(wav[None]) (sv.py, fp32, CPU)
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402
import eres2netv2 as small  # noqa: E402  (helpers of the small fixture: same signals, same BN recipe)

SEED = 9090


def extra(ap):
    ap.add_argument("--dir", type=Path,
                    default=Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "sv",
                    help="where the large files go (default $GSV_LARGE_FIXTURES/sv)")


def main():
    args = common.parse_args(__doc__, extra)
    small.setup(args.upstream)
    import numpy as np
    import torch
    from ERes2NetV2 import ERes2NetV2  # upstream

    rng = np.random.default_rng(SEED)
    common.seed(SEED)
    model = ERes2NetV2(baseWidth=24, scale=4, expansion=4)  # sv.py's instantiation, all other defaults
    small.calibrate_and_randomize(model, rng, SEED)
    state = model.state_dict()
    n_params = sum(p.numel() for p in model.parameters())
    args.dir.mkdir(parents=True, exist_ok=True)
    ckpt = args.dir / "pretrained_eres2netv2w24s4ep4.ckpt"
    torch.save(state, ckpt)
    print(f"wrote {ckpt} ({ckpt.stat().st_size // 2**20} MiB, {len(state)} entries, {n_params} parameters)")

    import sv  # upstream GPT_SoVITS/sv.py, with its hard-coded relative path pointed at our file
    sv.sv_path = str(ckpt)
    upstream_sv = sv.SV("cpu", False)
    wav = small.speechlike(3 * small.SR + 77, rng, 130)
    emb = upstream_sv.compute_embedding3(torch.from_numpy(wav.astype(np.float32))[None])
    with torch.no_grad():
        feats = small.fbank(wav)[None].double()
        emb64 = upstream_sv.embedding_model.double().forward3(feats).float()
    clipped = small.clipped_fraction(upstream_sv.embedding_model.float(), feats[0].float())
    print(f"emb {tuple(emb.shape)}, |emb| max {emb.abs().max():.3f}, Hardtanh inputs > 20: {100 * clipped:.2f}%, "
          f"fp32 vs fp64 {float((emb - emb64).abs().max() / emb.abs().max()):.2e} relative")
    common.save_arrays(args.dir / "expected_sv.safetensors", {"wav": wav, "emb": emb})


if __name__ == "__main__":
    main()
