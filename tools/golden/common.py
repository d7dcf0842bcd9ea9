"""Shared helpers for the golden-fixture scripts.

Every script takes --upstream, the path of an RVC-Boss/GPT-SoVITS checkout at the pinned commit
(48b1a01), imports upstream's own classes from it, builds them with a fixed seed and a small config,
saves them in the genuine upstream file formats (through upstream's own save functions where it has
them), runs them on CPU in fp32, and writes inputs and expected outputs under tests/fixtures/.
Nothing from upstream is copied into this repository.
"""
import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
PINNED_COMMIT = "48b1a01"


def parse_args(description, extra=None):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--upstream", type=Path, required=True,
                    help="path of an RVC-Boss/GPT-SoVITS checkout at commit " + PINNED_COMMIT)
    ap.add_argument("--out", type=Path, default=FIXTURES, help="fixture root (default tests/fixtures)")
    if extra:
        extra(ap)
    args = ap.parse_args()
    setup_upstream(args.upstream)
    return args


def setup_upstream(upstream: Path):
    """Makes upstream importable the way its own scripts run (cwd-independent)."""
    upstream = upstream.resolve()
    if not (upstream / "GPT_SoVITS" / "module" / "models.py").exists():
        sys.exit(f"{upstream} does not look like a GPT-SoVITS checkout")
    for p in (upstream / "GPT_SoVITS", upstream):
        if str(p) not in sys.path:
            sys.path.insert(0, str(p))
    os.environ.setdefault("PYTORCH_JIT", "0")
    import torch
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    torch.use_deterministic_algorithms(False)


def seed(n):
    import random
    import numpy as np
    import torch
    random.seed(n)
    np.random.seed(n)
    torch.manual_seed(n)


def save_arrays(path: Path, arrays: dict):
    """Writes name -> tensor/ndarray as safetensors (float64 narrowed to float32, contiguous)."""
    import numpy as np
    from safetensors.numpy import save_file
    out = {}
    for k, v in arrays.items():
        if hasattr(v, "detach"):
            v = v.detach().cpu().numpy()
        v = np.asarray(v)
        if v.dtype == np.float64:
            v = v.astype(np.float32)
        out[k] = np.ascontiguousarray(v)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(out, str(path))
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path} ({path.stat().st_size} bytes)")


def save_s1_ckpt(model_state_dict, config: dict, path: Path, epoch=1):
    """An s1 (GPT) weights file exactly as upstream's s1_train.py my_model_ckpt writes it:
    OrderedDict{weight: OrderedDict{model.*: fp16}, config: dict, info: "GPT-e<E>"} via my_save."""
    from collections import OrderedDict
    from process_ckpt import my_save
    od = OrderedDict()
    od["weight"] = OrderedDict()
    for k, v in model_state_dict.items():
        od["weight"]["model." + k] = v.half()
    od["config"] = config
    od["info"] = "GPT-e%s" % epoch
    path.parent.mkdir(parents=True, exist_ok=True)
    cwd = os.getcwd()
    os.chdir(path.parent)  # my_save writes a temp file in the cwd, then moves it
    try:
        my_save(od, str(path.resolve()))
    finally:
        os.chdir(cwd)


def save_s2_pth(state_dict, hps_dict: dict, path: Path, model_version=None, epoch=1, steps=10):
    """An s2 (SoVITS) weights file through upstream's own process_ckpt.savee: fp16 weights without
    enc_q, config as a utils.HParams object, and for v2Pro/v2ProPlus the "05"/"06" magic."""
    from process_ckpt import savee
    from utils import HParams
    hps = HParams(**hps_dict)
    hps.save_weight_dir = str(path.parent.resolve())
    path.parent.mkdir(parents=True, exist_ok=True)
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        r = savee(state_dict, path.stem, epoch, steps, hps, model_version=model_version)
    finally:
        os.chdir(cwd)
    if r != "Success.":
        raise RuntimeError(r)
