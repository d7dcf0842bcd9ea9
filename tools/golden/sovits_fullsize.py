#!/usr/bin/env python3
"""Full-size SoVITS s2 files with random weights, for tests/slow/models_sovits_fullsize.cpp and
bench/bench_sovits.cpp. Too big to commit: written outside the repository, to
$GSV_LARGE_FIXTURES/sovits/ (default /work/fixtures-large/sovits/).

For each version (v2, v2Pro, v2ProPlus) it instantiates upstream's SynthesizerTrn with upstream's own
configs/s2*.json, so the key set and shapes are exactly those of the pretrained files, redraws the
weights (tools/golden/sovits.py: randomize), saves through process_ckpt.savee (fp16, no enc_q, HParams
config, "05"/"06" header for Pro), reloads the fp16 weights, and records one upstream decode with
injected noise (and extract_latent codes) as s2_<version>_fullsize_golden.safetensors.

    python tools/golden/sovits_fullsize.py --upstream /work/upstream [--versions v2 v2Pro v2ProPlus]
"""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

CONFIGS = {"v2": "s2.json", "v2Pro": "s2v2Pro.json", "v2ProPlus": "s2v2ProPlus.json"}


def default_dir():
    return Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "sovits"


def extra(ap):
    ap.add_argument("--dir", type=Path, default=None, help="output folder (default $GSV_LARGE_FIXTURES/sovits)")
    ap.add_argument("--versions", nargs="+", default=["v2", "v2Pro", "v2ProPlus"], choices=list(CONFIGS))
    ap.add_argument("--no-golden", action="store_true", help="only write the .pth files")


args = common.parse_args(__doc__, extra)
out = args.dir or default_dir()
out.mkdir(parents=True, exist_ok=True)

import torch  # noqa: E402

import sovits  # noqa: E402  (tools/golden/sovits.py: build, randomize, Capture)

torch.set_grad_enabled(False)

for version in args.versions:
    cfg = json.loads((args.upstream / "GPT_SoVITS" / "configs" / CONFIGS[version]).read_text())
    common.seed(21)
    model_cfg = dict(cfg["model"])
    m, hps = sovits.build(model_cfg, version, small=False)
    # keep upstream's train/data sections as in the real files
    hps["train"], hps["data"] = cfg["train"], cfg["data"]
    path = out / f"s2_{version}_fullsize.pth"
    sovits.save_and_reload(m, hps, path, model_version=version if version != "v2" else None)
    if args.no_golden:
        continue

    g = torch.Generator().manual_seed(5)
    Y, X = 10, 12
    codes = torch.randint(0, 1024, (1, 1, Y), generator=g)
    phones = torch.randint(0, 732, (1, X), generator=g)
    spec = (torch.rand(1, 1025, 40, generator=g) * 2).half().float()
    ssl = torch.randn(1, 768, 41, generator=g).half().float()
    arrays = {"codes": codes[:, 0, :], "phones": phones, "ref": sovits.cl(spec).half(), "ssl": sovits.cl(ssl).half()}
    arrays["codes_from_ssl"] = m.extract_latent(ssl)[:, 0, :]
    kw = {}
    if m.is_v2pro:
        sv = torch.randn(1, 20480, generator=g).half().float()
        arrays["sv"] = sv.half()
        kw["sv_emb"] = [sv]
    sovits.run_case(arrays, m, "decode", codes=codes, text=phones, refer=[spec], noise_scale=0.5, speed=1, **kw)
    common.save_arrays(out / f"s2_{version}_fullsize_golden.safetensors", arrays)
