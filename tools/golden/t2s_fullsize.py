#!/usr/bin/env python3
"""Full-size T2S fixture for tests/slow/models_t2s_fullsize.cpp and bench/bench_t2s.cpp.

Writes to $GSV_LARGE_FIXTURES/t2s/ (default /work/fixtures-large/t2s/, or --dir), never into the repo:

* s1_fullsize.ckpt: a random-init Text2SemanticDecoder with the shipped v2 config (configs/s1longer-v2.yaml:
  24 layers, 512 wide, 16 heads, vocab 1025, phones 732), saved with common.save_s1_ckpt (the genuine
  s1 format, fp16, 295 tensors, ~155 MB);
* expected.safetensors: one input (phones, BERT, prompt tokens) and upstream's outputs on it, computed
  in fp32 from the fp16-rounded weights re-loaded from that file: the prefill logits, and a short
  greedy run (top_k 1, repetition penalty 1.35, stopped by early_stop_num) with its per-step top-2
  gaps. Instrumented like tools/golden/t2s.py (forward hook on ar_predict_layer, an observer on
  logits_to_probs); upstream's code runs unchanged.

The default init is used as is (no rescaling), so this is also the model the benchmarks time.
"""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")
sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402


def default_dir():
    return Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "t2s"


def extra(ap):
    ap.add_argument("--dir", type=Path, default=None, help="output folder (default $GSV_LARGE_FIXTURES/t2s)")
    ap.add_argument("--steps", type=int, default=40, help="greedy tokens in the reference run")


args = common.parse_args(__doc__, extra)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import yaml  # noqa: E402

import AR.models.utils as ar_utils  # noqa: E402  (upstream)
from AR.models.t2s_model import Text2SemanticDecoder  # noqa: E402  (upstream)

SEED = 20240601
X, YP = 40, 100  # phones and prompt tokens of the reference input


def main():
    out = args.dir or default_dir()
    out.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((args.upstream / "GPT_SoVITS" / "configs" / "s1longer-v2.yaml").read_text())
    common.seed(SEED)
    model = Text2SemanticDecoder(config, top_k=3).eval()
    state = model.state_dict()
    assert len(state) == 295, len(state)
    ckpt = out / "s1_fullsize.ckpt"
    common.save_s1_ckpt(state, config, ckpt, epoch=12)
    saved = torch.load(str(ckpt), map_location="cpu", weights_only=False)
    model.load_state_dict({k[len("model."):]: v.float() for k, v in saved["weight"].items()}, strict=True)
    model.eval()
    print(f"wrote {ckpt} ({ckpt.stat().st_size} bytes, {sum(v.numel() for v in state.values())} parameters)")

    raw, gaps = [], []
    model.ar_predict_layer.register_forward_hook(lambda m, i, o: raw.append(o.detach().clone()))
    original = ar_utils.logits_to_probs

    def observed(logits, previous_tokens=None, **kw):
        probs = original(logits, previous_tokens, **kw)
        top2 = torch.topk(logits, 2, dim=-1).values
        gaps.append(float(top2[0, 0] - top2[0, 1]))
        return probs

    ar_utils.logits_to_probs = observed

    g = torch.Generator().manual_seed(SEED + 1)
    phones = torch.randint(0, config["model"]["phoneme_vocab_size"], (1, X), generator=g)
    bert = (torch.randn(1, 1024, X, generator=g) * 0.3).half().float()
    prompt = torch.randint(0, config["model"]["EOS"], (1, YP), generator=g)
    with torch.no_grad():
        y, idx = model.infer_panel(phones, torch.tensor([X]), prompt, bert, top_k=1, top_p=1.0,
                                   early_stop_num=args.steps - 1, temperature=1.0, repetition_penalty=1.35)
    print(f"greedy: {len(gaps)} steps, y {y.shape[1]}, idx {idx}, min top-2 gap {min(gaps):.2e}")
    common.save_arrays(out / "expected.safetensors", {
        "phones": phones.int(), "bert": bert.half(), "prompt": prompt.int(),
        "prefill_logits": raw[0], "y": y[0].int(), "idx": np.array([idx], np.int32),
        "gap": np.array(gaps, np.float32),
    })
    (out / "expected.json").write_text(json.dumps(dict(seed=SEED, steps=len(gaps), top_k=1, repetition_penalty=1.35,
                                                        early_stop_num=args.steps - 1), indent=1) + "\n")


if __name__ == "__main__":
    main()
