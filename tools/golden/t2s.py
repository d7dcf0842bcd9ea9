#!/usr/bin/env python3
"""Fixtures for models/t2s (tests/unit/models_t2s.cpp): the GPT stage, upstream's Text2SemanticDecoder.

What it writes under tests/fixtures/t2s/:

* s1_tiny.ckpt: a small random-init Text2SemanticDecoder (2 layers, 64 wide, 4 heads, the real vocab
  sizes 1025 / 732, EOS 1024) in the genuine s1 format (common.save_s1_ckpt: fp16 weights under
  "model.", the whole config dict, "GPT-e1").  The module is then re-loaded *from that file*, so
  upstream runs in fp32 on exactly the fp16-rounded weights our loader reads.
  Two edits to the random init, both plain parameter values: the learned PE scales alpha are set away
  from 1 (0.8 text, 1.3 audio) so that a port that ignores them fails; and ar_predict_layer is scaled
  by 8, because with the default init the logits have std ~0.6 and the top-2 gap of a greedy step
  falls to ~1e-4 over a long run, too close to fp32 noise for an exact token comparison.
* expected.safetensors: inputs and upstream's outputs
  - prompts A (10 phones, random BERT, 16 prompt tokens), B (same lengths, zero BERT as for non-zh
    text, other tokens) and C (8 phones, zero BERT, reference-free): `<p>.phones` [1,X] int32,
    `<p>.bert` [1,1024,X] fp16 (only A; B and C use zeros), `<p>.prompt` [1,Yp] int32,
    `<p>.prefill_logits` [1,1025] (the ar_predict_layer output of the prefill step, recorded by a
    forward hook while upstream's own infer_panel_naive runs);
  - `decode_logits.<step>` [1,1025]: raw logits of later steps of run A_greedy_rp1 (KV-cache path);
  - `pe.rows` / `pe.positions`: rows of upstream's sine table (ar_audio_position.pe);
  - per decode run (parameters in runs.json): `<run>.y` (the y that infer_panel returns: prompt +
    kept tokens), `<run>.idx`, `<run>.gap` (fp16, per step: top-1 minus top-2 of the logits the
    token is chosen from, i.e. after the EOS ban and the in-place repetition penalty) and for the
    sampled run `<run>.noise_codes` (uint8 [steps, 1025]: the exponential draw of each step is
    replaced by code/32, so both sides can inject exactly the same q);
  - sampler cases on fixed logits (parameters in runs.json), through upstream's logits_to_probs and
    sample: `sampler.<i>.{logits,prev,penalised,probs,noise,token}`.
* runs.json: the config, run and sampler-case parameters.

Upstream's code runs unchanged; the only instrumentation is a forward hook on ar_predict_layer, a
wrapper around AR.models.utils.logits_to_probs that reads (never changes) the logits it penalised,
and, for the sampled run and the sampler cases, torch.Tensor.exponential_ replaced by a fill with
the stored noise.

`--search N` prints, for seeds 1..N, how each run stops and its smallest top-2 gap (used once to
pick SEED); nothing is written then.
"""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")  # upstream wraps its decode loop in tqdm
sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402


def extra_args(ap):
    ap.add_argument("--search", type=int, default=0, help="try seeds 1..N and print run statistics")
    ap.add_argument("--seed", type=int, default=None, help="override SEED")


args = common.parse_args(__doc__, extra_args)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import AR.models.utils as ar_utils  # noqa: E402  (upstream)
from AR.models.t2s_model import Text2SemanticDecoder  # noqa: E402  (upstream)

SEED = 9
PREDICT_SCALE = 8.0
NOISE_DIV = 32.0  # q = code / 32, code in 1..255: exact in fp16 and fp32

# The shape of upstream's configs/s1longer-v2.yaml, with a small model section.
CONFIG = {
    "train": {"seed": 1234, "epochs": 20, "batch_size": 8, "save_every_n_epoch": 1, "precision": "16-mixed",
              "gradient_clip": 1.0},
    "optimizer": {"lr": 0.01, "lr_init": 0.00001, "lr_end": 0.0001, "warmup_steps": 2000, "decay_steps": 40000},
    "data": {"max_eval_sample": 8, "max_sec": 54, "num_workers": 4, "pad_val": 1024},
    "model": {"vocab_size": 1025, "phoneme_vocab_size": 732, "embedding_dim": 64, "hidden_dim": 64, "head": 4,
              "linear_units": 256, "n_layer": 2, "dropout": 0, "EOS": 1024, "random_bert": 0},
    "inference": {"top_k": 15},
}
V = CONFIG["model"]["vocab_size"]
EOS = CONFIG["model"]["EOS"]

PROMPTS = {  # name: (phones, prompt tokens or 0 for reference-free, random BERT?)
    "A": (10, 16, True),
    "B": (10, 16, False),
    "C": (8, 0, False),
}

# name, prompt, top_k, top_p, temperature, repetition_penalty, early_stop_num, sampled with noise
RUNS = [
    ("A_greedy_rp1", "A", 1, 1.0, 1.0, 1.0, -1, False),
    ("A_greedy_rp135", "A", 1, 1.0, 1.0, 1.35, -1, False),
    ("B_greedy_rp135", "B", 1, 1.0, 1.0, 1.35, -1, False),
    ("C_free_rp1", "C", 1, 1.0, 1.0, 1.0, -1, False),
    ("C_free_rp135", "C", 1, 1.0, 1.0, 1.35, -1, False),
    ("A_early_stop", "A", 1, 1.0, 1.0, 1.35, 25, False),
    ("A_sampled", "A", 15, 0.9, 0.8, 1.35, 13, True),
    ("C_sampled", "C", 5, 1.0, 1.2, 1.0, 12, True),
]
DECODE_LOGIT_STEPS = [1, 12]
PE_POSITIONS = [0, 1, 2, 3, 7, 31, 100, 511, 1000, 1499, 2047, 3999]


class Instruments:
    """Observes upstream while it runs; replaces only the exponential draw when noise is set."""

    _patched = False
    current = None

    def __init__(self, model):
        self.raw = []     # ar_predict_layer outputs, one per step
        self.gaps = []    # top-1 minus top-2 of the logits each token is chosen from
        self.noise = None  # uint8 [steps, V] codes, or None for torch's own draw
        self.noise_step = 0
        model.ar_predict_layer.register_forward_hook(lambda m, i, o: self.raw.append(o.detach().clone()))
        Instruments.current = self
        if not Instruments._patched:
            Instruments._patch()

    @staticmethod
    def _patch():
        Instruments._patched = True
        original = ar_utils.logits_to_probs

        def observed(logits, previous_tokens=None, **kw):
            probs = original(logits, previous_tokens, **kw)  # penalises `logits` in place (upstream quirk)
            top2 = torch.topk(logits, 2, dim=-1).values
            Instruments.current.gaps.append(float((top2[0, 0] - top2[0, 1]).item()))
            return probs

        ar_utils.logits_to_probs = observed
        original_exponential = torch.Tensor.exponential_

        def exponential_(tensor, lambd=1.0, *a, **kw):
            inst = Instruments.current
            if inst.noise is None:
                return original_exponential(tensor, lambd, *a, **kw)
            codes = inst.noise[inst.noise_step]
            inst.noise_step += 1
            q = torch.from_numpy(codes.astype(np.float32) / NOISE_DIV)
            return tensor.copy_(q[..., : tensor.shape[-1]].reshape(tensor.shape))

        torch.Tensor.exponential_ = exponential_

    def reset(self):
        self.raw.clear()
        self.gaps.clear()
        self.noise = None
        self.noise_step = 0


def build_model(seed, ckpt_path):
    common.seed(seed)
    model = Text2SemanticDecoder(CONFIG, top_k=3).eval()
    with torch.no_grad():
        model.ar_text_position.alpha.fill_(0.8)
        model.ar_audio_position.alpha.fill_(1.3)
        model.ar_predict_layer.weight.mul_(PREDICT_SCALE)
    state = model.state_dict()
    assert len(state) == 7 + 12 * CONFIG["model"]["n_layer"], sorted(state)
    if ckpt_path is None:  # search mode: just round like the file would
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.half().float())
        return model
    common.save_s1_ckpt(state, CONFIG, ckpt_path)
    saved = torch.load(str(ckpt_path), map_location="cpu", weights_only=False)
    weights = {k[len("model."):]: v.float() for k, v in saved["weight"].items()}
    model.load_state_dict(weights, strict=True)
    return model.eval()


def make_prompts(seed):
    g = torch.Generator().manual_seed(seed + 1000)
    out = {}
    for name, (x_len, y_len, with_bert) in PROMPTS.items():
        phones = torch.randint(0, CONFIG["model"]["phoneme_vocab_size"], (1, x_len), generator=g)
        bert = torch.zeros(1, 1024, x_len)
        if with_bert:  # fp16-exact values, so the fixture can store them as fp16
            bert = (torch.randn(1, 1024, x_len, generator=g) * 0.5).half().float()
        prompt = torch.randint(0, EOS, (1, y_len), generator=g) if y_len else None
        out[name] = (phones, bert, prompt)
    return out


def run_upstream(model, inst, prompts, run, noise=None):
    name, p, top_k, top_p, temperature, rp, early_stop, _ = run
    phones, bert, prompt = prompts[p]
    inst.reset()
    inst.noise = noise
    with torch.no_grad():
        y, idx = model.infer_panel(phones, torch.tensor([phones.shape[1]]), prompt, bert, top_k=top_k, top_p=top_p,
                                   early_stop_num=early_stop, temperature=temperature, repetition_penalty=rp)
    if noise is not None:
        assert inst.noise_step == len(inst.gaps), (inst.noise_step, len(inst.gaps))
    return y[0].clone(), int(idx), list(inst.gaps), [r.clone() for r in inst.raw]


def noise_codes(seed, steps):
    g = np.random.default_rng(seed)
    e = g.exponential(1.0, size=(steps, V))
    return np.clip(np.round(e * NOISE_DIV), 1, 255).astype(np.uint8)


def stop_reason(y_len, prefix, idx, steps, early_stop):
    gen = y_len - prefix
    if steps == 1500 and gen == 1500:
        return "cap"
    if early_stop != -1 and gen > early_stop:
        return "early"
    return "eos"


def search(n):
    for seed in range(1, n + 1):
        model = build_model(seed, None)
        inst = Instruments(model)
        prompts = make_prompts(seed)
        line = []
        for run in RUNS:
            noise = noise_codes(seed + 17, 1500) if run[7] else None
            y, idx, gaps, _ = run_upstream(model, inst, prompts, run, noise)
            prefix = prompts[run[1]][2].shape[1] if prompts[run[1]][2] is not None else 0
            line.append(f"{run[0]}:{stop_reason(len(y), prefix, idx, len(gaps), run[6])}/{len(gaps)}"
                        f"/{min(gaps):.1e}")
        print(seed, " ".join(line), flush=True)


def sampler_cases():
    """Fixed logits through upstream's logits_to_probs and sample (V = 32)."""
    g = torch.Generator().manual_seed(99)
    cases = []

    def add(params, logits, prev):
        cases.append((params, logits, prev))

    # 1: repetition penalty on positive and negative logits, duplicates in the history, top-k 5.
    l1 = torch.randn(1, 32, generator=g) * 3
    l1[0, 3], l1[0, 4] = 2.5, -1.5
    add(dict(top_k=5, top_p=1.0, temperature=1.0, repetition_penalty=1.35), l1,
        torch.tensor([[3, 4, 3, 3, 9, 17, 4]]))
    # 2: top-p is strict (>) and keeps only index 0 when the first token already crosses it.
    p2 = torch.tensor([0.456, 0.277, 0.1, 0.08, 0.05, 0.037] + [0.0] * 26) + 1e-9
    l2 = torch.log(p2).unsqueeze(0)
    add(dict(top_k=32, top_p=0.6, temperature=1.0, repetition_penalty=1.0), l2, torch.tensor([[0]]))
    # 3: ties at the top-k pivot survive (k = 3, four logits share the third value); temperature 0.7.
    l3 = torch.randn(1, 32, generator=g)
    l3[0, [5, 6]] = torch.tensor([4.0, 3.5])
    l3[0, [10, 11, 12, 13]] = 3.0
    add(dict(top_k=3, top_p=1.0, temperature=0.7, repetition_penalty=1.0), l3, torch.tensor([[1]]))
    # 4: everything at once, batch of two rows: penalty -> top-p on untempered logits -> T -> top-k.
    l4 = torch.randn(2, 32, generator=g) * 2
    add(dict(top_k=10, top_p=0.8, temperature=1.3, repetition_penalty=1.2), l4,
        torch.tensor([[0, 1, 2, 3, 2, 31], [5, 5, 5, 6, 7, 8]]))
    # 5: top-k larger than the vocabulary; very low temperature (clamped at 1e-5 only below it).
    l5 = torch.randn(1, 32, generator=g)
    add(dict(top_k=100, top_p=1.0, temperature=0.05, repetition_penalty=1.0), l5, torch.tensor([[2]]))
    # 6: top-p where the cumulative sum crosses inside the list; temperature 0 is clamped to 1e-5.
    l6 = torch.randn(1, 32, generator=g) * 0.5
    add(dict(top_k=32, top_p=0.5, temperature=0.0, repetition_penalty=1.0), l6, torch.tensor([[2]]))
    return cases


def main():
    if args.search:
        search(args.search)
        return
    seed = args.seed if args.seed is not None else SEED
    out = args.out / "t2s"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        old.unlink()
    model = build_model(seed, out / "s1_tiny.ckpt")
    inst = Instruments(model)
    prompts = make_prompts(seed)
    arrays = {}
    for name, (phones, bert, prompt) in prompts.items():
        arrays[f"{name}.phones"] = phones.int()
        if PROMPTS[name][2]:
            arrays[f"{name}.bert"] = bert.half()
        if prompt is not None:
            arrays[f"{name}.prompt"] = prompt.int()

    runs_meta = []
    for run in RUNS:
        name, p, top_k, top_p, temperature, rp, early_stop, sampled = run
        noise = noise_codes(seed + 17, 1500) if sampled else None
        y, idx, gaps, raw = run_upstream(model, inst, prompts, run, noise)
        prompt = prompts[p][2]
        prefix = prompt.shape[1] if prompt is not None else 0
        steps = len(gaps)
        reason = stop_reason(len(y), prefix, idx, steps, early_stop)
        print(f"{name}: {reason} after {steps} steps, y {len(y)} (prefix {prefix}), idx {idx}, "
              f"min top-2 gap {min(gaps):.2e} at step {int(np.argmin(gaps))}")
        arrays[f"{name}.y"] = y.short()  # ids < 1025: int16 keeps the fixture small
        arrays[f"{name}.idx"] = np.array([idx], np.int32)
        arrays[f"{name}.gap"] = np.array(gaps, np.float16)
        if sampled:
            arrays[f"{name}.noise_codes"] = noise[:steps]
        if name == "A_greedy_rp1":
            for s in DECODE_LOGIT_STEPS:
                arrays[f"decode_logits.{s}"] = raw[s]
        if p not in [k.split(".")[0] for k in arrays if k.endswith("prefill_logits")]:
            arrays[f"{p}.prefill_logits"] = raw[0]
        runs_meta.append(dict(name=name, prompt=p, top_k=top_k, top_p=top_p, temperature=temperature,
                              repetition_penalty=rp, early_stop_num=early_stop, sampled=sampled, steps=steps,
                              stop=reason))

    pe = model.ar_audio_position.pe[0]
    arrays["pe.positions"] = np.array(PE_POSITIONS, np.int32)
    arrays["pe.rows"] = pe[PE_POSITIONS].float()

    sampler_meta = []
    for i, (params, logits, prev) in enumerate(sampler_cases()):
        penalised = logits.clone()
        probs = ar_utils.logits_to_probs(penalised, prev, **params)  # observed wrapper: adds a gap, harmless
        noise = noise_codes(500 + i, logits.shape[0] * 32).reshape(-1)[: logits.numel()].reshape(logits.shape)
        inst.noise = noise[None]  # one "step" holding both rows
        inst.noise_step = 0
        token, _ = ar_utils.sample(logits.clone(), prev, **params)
        inst.noise = None
        arrays[f"sampler.{i}.logits"] = logits
        arrays[f"sampler.{i}.prev"] = prev.int()
        arrays[f"sampler.{i}.penalised"] = penalised
        arrays[f"sampler.{i}.probs"] = probs
        arrays[f"sampler.{i}.noise"] = torch.from_numpy(noise.astype(np.float32) / NOISE_DIV)
        arrays[f"sampler.{i}.token"] = token.int()
        sampler_meta.append(params)
        print(f"sampler case {i}: {params} -> tokens {token.flatten().tolist()}, "
              f"kept {(probs > 0).sum(-1).tolist()}")

    common.save_arrays(out / "expected.safetensors", arrays)
    meta = dict(seed=seed, predict_scale=PREDICT_SCALE, noise_divisor=NOISE_DIV, config=CONFIG["model"],
                prompts={k: dict(phones=v[0], prompt=v[1], bert=v[2]) for k, v in PROMPTS.items()},
                decode_logit_steps=DECODE_LOGIT_STEPS, runs=runs_meta, sampler=sampler_meta)
    (out / "runs.json").write_text(json.dumps(meta, indent=1) + "\n")
    total = sum(f.stat().st_size for f in out.glob("*"))
    print(f"tests/fixtures/t2s: {total} bytes")


if __name__ == "__main__":
    main()
