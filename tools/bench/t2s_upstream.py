#!/usr/bin/env python3
"""Upstream PyTorch (CPU, fp32) T2S speed, the counterpart of bench/bench_t2s.cpp.

Loads the full-size random-init s1 file (tools/golden/t2s_fullsize.py) the way TTS_infer_pack/TTS.py
does (Text2SemanticLightningModule(config, "****", is_train=False), load_state_dict(weight), fp32, eval)
and times upstream's own decode loop, infer_panel_naive, with the default sampling (top_k 15, top_p 1,
temperature 1, repetition penalty 1.35) on random inputs of the C++ bench's sizes:
  T(N) = wall (and process CPU) time of one infer_panel call producing N tokens. EOS is disabled by
  setting the decoder's EOS attribute to -1 (no token or argmax can equal it) and the run is cut by
  early_stop_num = N - 1, so exactly N tokens are produced; prefill = T(1); decode per token =
  (T(N) - T(1)) / (N - 1), the same definition as the C++ bench.
Prints "t2s_upstream key=value ..." lines.

    OPENBLAS_CORETYPE=... TQDM_DISABLE=1 /work/oracle-venv/bin/python tools/bench/t2s_upstream.py \
        --upstream /work/upstream [--model PATH] [--tokens 50,200,500] [--threads 1]
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--upstream", type=Path, required=True)
    default_model = Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "t2s" / "s1_fullsize.ckpt"
    ap.add_argument("--model", type=Path, default=default_model)
    ap.add_argument("--tokens", default="50,200,500")
    ap.add_argument("--phones", type=int, default=60)
    ap.add_argument("--prompt", type=int, default=150)
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
    from AR.models.t2s_lightning_module import Text2SemanticLightningModule

    t0 = time.perf_counter()
    dict_s1 = torch.load(str(args.model), map_location="cpu", weights_only=False)
    config = dict_s1["config"]
    module = Text2SemanticLightningModule(config, "****", is_train=False)
    module.load_state_dict(dict_s1["weight"])
    module = module.float().eval()
    load_s = time.perf_counter() - t0
    model = module.model
    model.EOS = -1  # never stop on EOS: fixed-length runs (see the docstring)

    coretype = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    print(f"# torch={torch.__version__} threads={torch.get_num_threads()} OPENBLAS_CORETYPE={coretype} "
          f"blas={'mkl' if torch.backends.mkl.is_available() else 'other'}")
    print(f"# model={args.model} phones={args.phones} prompt={args.prompt}", flush=True)

    g = torch.Generator().manual_seed(0)
    phones = torch.randint(0, config["model"]["phoneme_vocab_size"], (1, args.phones), generator=g)
    bert = torch.randn(1, 1024, args.phones, generator=g) * 0.3
    prompt = torch.randint(0, 1024, (1, args.prompt), generator=g)

    def run(n):
        c0, t0 = time.process_time(), time.perf_counter()
        y, idx = model.infer_panel(phones, torch.tensor([args.phones]), prompt, bert, top_k=15, top_p=1.0,
                                   temperature=1.0, early_stop_num=n - 1, repetition_penalty=1.35)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert y.shape[1] - args.prompt == n, (y.shape, n)
        return wall, cpu

    run(3)  # warm-up
    t1 = [run(1) for _ in range(args.reps)]
    prefill, prefill_cpu = statistics.median(w for w, _ in t1), statistics.median(c for _, c in t1)
    print(f"t2s_upstream load_s={load_s:.2f} prefill_ms={prefill * 1e3:.1f} prefill_cpu_ms={prefill_cpu * 1e3:.1f} "
          f"phones={args.phones} prompt={args.prompt}", flush=True)
    for n in [int(t) for t in args.tokens.split(",")]:
        reps = 1 if n >= 400 else args.reps
        tn = [run(n) for _ in range(reps)]
        wall, cpu = statistics.median(w for w, _ in tn), statistics.median(c for _, c in tn)
        per_token, per_token_cpu = (wall - prefill) / (n - 1), (cpu - prefill_cpu) / (n - 1)
        print(f"t2s_upstream tokens={n} total_s={wall:.2f} decode_ms_per_token={per_token * 1e3:.2f} "
              f"decode_cpu_ms_per_token={per_token_cpu * 1e3:.2f} tokens_per_s={1 / per_token:.1f}", flush=True)


if __name__ == "__main__":
    main()
