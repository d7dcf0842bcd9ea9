#!/usr/bin/env python3
"""End-to-end fixtures for `gpt-sovits speak` with v2Pro and v2ProPlus voices (the e2e_pro cases of
tests/unit/app_speak_parity.cpp): upstream's TTS.run exactly as tools/golden/e2e.py runs it (read
its docstring: the same frontend stand-ins, greedy T2S, decode with noise_scale=0, observers), on
tiny Pro SoVITS files plus the small speaker-verification model upstream's SV class loads.

    /work/oracle-venv/bin/python tools/golden/e2e.py --upstream /work/upstream       # first: tests/fixtures/e2e
    /work/oracle-venv/bin/python tools/golden/e2e_pro.py --upstream /work/upstream   # tests/fixtures/e2e_pro

It reuses tests/fixtures/e2e (fixture budget): the reference clip (its HuBERT features and spectrogram,
checked here to be what upstream recomputes, are not stored again; case.json "reference" points
there), the s1 (case.json "gpt": a v2-family GPT is what v2Pro uses too, upstream's s1v3.ckpt has the
s1longer-v2 shape) and the BERT and HuBERT folders (copied into models/, so that one --models folder
holds bert, hubert and sv). Everything else comes from e2e.py's and the fixture scripts' functions.

What upstream does with a Pro file, unchanged: TTS.init_vits_weights reads the version from the
file's first two bytes (process_ckpt.get_sovits_version_from_path_fast: "05" v2Pro, "06" v2ProPlus;
the md5 of the first 8 KiB is checked against the pretrained files first), sets hps.model.version to
it, builds SynthesizerTrn with the sv_emb / prelu / ge_to512 branch and calls init_sv_model, whose
sv.SV loads GPT_SoVITS/pretrained_models/sv/pretrained_eres2netv2w24s4ep4.ckpt relative to the cwd
(the file is put there, under the working folder TTS runs in) into ERes2NetV2(baseWidth=24, scale=4,
expansion=4). _get_ref_spec then also keeps the peak-guarded 32 kHz clip resampled to 16 kHz
(torchaudio Resample), and TTS.run passes sv_model.compute_embedding3 of it (kaldi fbank, forward3)
to every decode as sv_emb.

What is not upstream's (besides e2e.py's list):
  * The speaker model is small: while sv.SV builds its model, the ERes2NetV2 name in sv.py points to
    upstream's class with smaller constructor arguments (m_channels 4, num_blocks [2, 2, 2, 2],
    embedding_size 8), as the SoVITS shrink does for the SoVITS; its weights are made by
    tools/golden/eres2netv2.py's calibrate_and_randomize (BatchNorm statistics from fbank inputs,
    randomised; some Hardtanh inputs pushed past 20). forward3 gives 32 * m_channels * 10 = 1280 values
    (20480 at full size), so the tiny SoVITS's sv_emb Linear is built 1280 wide (tools/golden/sovits.py
    `shrink`, SV_DIM).
  * The Pro SoVITS files are e2e.py's tiny v2 SoVITS built as v2Pro / v2ProPlus (the sv branch;
    v2ProPlus differs from v2Pro only by its config: a 1.5x wider generator, 48 here for 768, and a
    first upsampling kernel of 20), saved by upstream's process_ckpt.savee with the "05" / "06" magic.
    The v2Pro file's ssl_proj and codebook come out equal to the v2 file's (sovits.randomize draws the
    parameters in order, and the sv branch comes after them), so its prompt codes are e2e's; the
    v2ProPlus generator is wider, which moves them.

Layout: as tests/fixtures/e2e (see e2e.py), with in case.json "gpt", "sovits" (paths relative to this
folder) and "reference" (the folder with ref.wav and the clip-side expected arrays, relative to this
folder), "version" (what upstream detected) and "sv_dim"; each case stores its prompt_codes (they
depend on the SoVITS file; "shared" between the cases of one file) and sv_emb0 [1, sv_dim] (float32):
the speaker embedding upstream passed to every decode of the case.

`--search N` tries SoVITS seeds 1..N (which move the codebook, so the prompt codes and the T2S
input) and prints the token counts and smallest top-2 T2S gaps; it works on a temporary copy of
models/ and writes nothing.
"""
import contextlib
import copy
import functools
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")
sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402


def extra_args(ap):
    ap.add_argument("--search", type=int, default=0, help="try SoVITS seeds 1..N and print statistics")
    ap.add_argument("--sovits-seed", type=int, default=None, help="override SOVITS_SEED")


ARGS = common.parse_args(__doc__, extra_args)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import e2e  # noqa: E402  (tools/golden/e2e.py: upstream setup, model builders, Recorder, run_case, write_case)
import eres2netv2  # noqa: E402  (tools/golden/eres2netv2.py: calibrate_and_randomize)

# ------------------------------------------------------------------------------------------------
# Parameters

SV_SHRINK = dict(m_channels=4, num_blocks=[2, 2, 2, 2], embedding_size=8)
SV_SEED = 777
SV_FILE = "pretrained_eres2netv2w24s4ep4.ckpt"
SOVITS_SEED = 11      # e2e.py's; the T2S top-2 gaps of the cases below are printed and kept in case.json
SOVITS = {
    "v2Pro": dict(file="s2_v2pro.pth", cfg={}),
    # s2v2ProPlus.json: upsample_initial_channel 768 (v2Pro 512) and upsample_kernel_sizes [20, 16, 8, 2, 2]
    "v2ProPlus": dict(file="s2_v2proplus.pth", cfg={"upsample_initial_channel": 48,
                                                     "upsample_kernel_sizes": [20, 16, 8, 2, 2]}),
}
# Texts whose characters the e2e BERT vocabulary covers (run_case refuses [UNK]).
CASES = [
    dict(name="v2pro_zh", version="v2Pro", text="今天天气很好，我喜欢。", text_lang="zh",
         prompt_text=e2e.ZH_PROMPT, prompt_lang="zh", text_split_method="cut1"),
    dict(name="v2pro_en", version="v2Pro", text="Hello world, how are you?", text_lang="en",
         prompt_text="This is a short test.", prompt_lang="en", text_split_method="cut1"),
    dict(name="v2proplus_zh", version="v2ProPlus", text="春天来了，明天再见吧。", text_lang="zh",
         prompt_text=e2e.ZH_PROMPT, prompt_lang="zh", text_split_method="cut1"),
]
CLIP_KEYS = ["ref_wav16k", "ref_hubert", "ref_spec0"]  # from e2e/reference (prompt_codes are per SoVITS)


# ------------------------------------------------------------------------------------------------
# Models

def copy_shared_models(e2e_models: Path, models: Path):
    for name in ["chinese-roberta-wwm-ext-large", "chinese-hubert-base"]:
        if (models / name).exists():
            shutil.rmtree(models / name)
        shutil.copytree(e2e_models / name, models / name)


def build_sv(path: Path):
    """The small ERes2NetV2 (upstream's class) saved as the raw fp16 state_dict sv.py loads; returns the
    width of forward3's output."""
    from ERes2NetV2 import ERes2NetV2  # upstream GPT_SoVITS/eres2net
    common.seed(SV_SEED)
    model = ERes2NetV2(baseWidth=24, scale=4, expansion=4, **SV_SHRINK)
    eres2netv2.calibrate_and_randomize(model, np.random.default_rng(SV_SEED), SV_SEED)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}, path)
    width = model.forward3(torch.zeros(1, 100, 80)).shape[1]
    print(f"{path.name}: {path.stat().st_size} bytes, forward3 width {width}")
    return width


@contextlib.contextmanager
def small_sv_model(workdir: Path, ckpt: Path):
    """While TTS is built: upstream's sv.py finds our checkpoint at its cwd-relative sv_path (TTS runs in
    `workdir`) and builds the smaller instance of its ERes2NetV2 class."""
    import sv as sv_module  # upstream GPT_SoVITS/sv.py, imported by TTS.py
    target = workdir / sv_module.sv_path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ckpt, target)
    orig = sv_module.ERes2NetV2
    sv_module.ERes2NetV2 = functools.partial(orig, **SV_SHRINK)
    try:
        yield
    finally:
        sv_module.ERes2NetV2 = orig


def make_pro_tts(tts_module, models: Path, s1: Path, workdir: Path, version):
    with small_sv_model(workdir, models / "sv" / SV_FILE):
        tts = e2e.make_tts(tts_module, models, False, workdir, s1=s1.resolve(), s2=SOVITS[version]["file"],
                           version=version)
    # sv.SV loaded our file strictly; check that it is the one computing.
    saved = torch.load(models / "sv" / SV_FILE, map_location="cpu", weights_only=False)
    state = tts.sv_model.embedding_model.state_dict()
    assert saved.keys() == state.keys()
    for k, v in saved.items():
        assert torch.equal(state[k], v.to(state[k].dtype)), k
    return tts


# ------------------------------------------------------------------------------------------------

def run_pro_case(tts, rec, case, ref_wav: Path, clip):
    """e2e.run_case plus the speaker embedding; checks that the clip side is what e2e/reference holds."""
    r, stats = e2e.run_case(tts, rec, case, ref_wav)
    embs = [d["sv_emb"] for d in rec.decodes]
    assert all(e is not None and len(e) == 1 for e in embs), "decode got no (or several) sv_emb"
    assert all(torch.equal(e[0], embs[0][0]) for e in embs), "the speaker embedding changed between segments"
    r["sv_emb0"] = embs[0][0].numpy()  # [1, sv_dim]
    assert r["ref_wav16k"].shape[0] == clip["wav16k_samples"]
    assert np.array_equal(r["ref_hubert"], clip["ref_hubert"]), "ref_hubert differs from e2e/reference"
    assert np.array_equal(r["ref_spec0"].astype(np.float16), clip["ref_spec0"]), "ref_spec0 differs from e2e/reference"
    return r, stats


def main():
    upstream = ARGS.upstream.resolve()
    e2e_dir = ARGS.out / "e2e"
    out = ARGS.out / "e2e_pro"
    models = out / "models"
    oracle, tts_module = e2e.setup_upstream_pipeline(upstream)
    import AR.models.utils as ar_utils  # upstream; Recorder wraps logits_to_probs, restored per model
    if not (e2e_dir / "models" / "s1.ckpt").exists():
        sys.exit(f"{e2e_dir} is missing: run tools/golden/e2e.py first")
    models.mkdir(parents=True, exist_ok=True)
    copy_shared_models(e2e_dir / "models", models)
    ref_wav = e2e_dir / "reference" / "ref.wav"
    ref_expected = e2e_dir / "reference" / "expected"
    clip = dict(json.loads((e2e_dir / "reference" / "reference.json").read_text()),
                ref_hubert=np.load(ref_expected / "ref_hubert.npy"), ref_spec0=np.load(ref_expected / "ref_spec0.npy"))

    sv_dim = build_sv(models / "sv" / SV_FILE)
    e2e.sovits_tools().SV_DIM = sv_dim  # the tiny SoVITS's sv_emb input width (sovits.shrink)
    ssl = e2e.reference_ssl(models / "chinese-hubert-base", ref_wav)

    def build_and_run(sovits_seed, versions, models):
        """Builds the SoVITS files with `sovits_seed` into `models`, runs the cases of `versions`; yields
        (case, r, stats)."""
        for version in versions:
            spec = SOVITS[version]
            e2e.build_sovits(models / spec["file"], False, upstream, ssl, version=version, cfg_update=spec["cfg"],
                             seed=sovits_seed)
            with open(models / spec["file"], "rb") as f:
                assert f.read(2) == {"v2Pro": b"05", "v2ProPlus": b"06"}[version]
            workdir = Path(tempfile.mkdtemp(prefix="gsv-e2e-pro-"))
            orig_l2p = ar_utils.logits_to_probs
            try:
                tts = make_pro_tts(tts_module, models, e2e_dir / "models" / "s1.ckpt", workdir, version)
                e2e.INITIAL_PROMPT_CACHE = copy.deepcopy(tts.prompt_cache)
                rec = e2e.Recorder(tts, tts_module)
                margin = None
                for case in [c for c in CASES if c["version"] == version]:
                    r, stats = run_pro_case(tts, rec, case, ref_wav, clip)
                    if margin is None:
                        margin = e2e.code_margin(tts, torch.from_numpy(r["ref_hubert"]))
                        print(f"{version}: {r['prompt_codes'].shape[0]} prompt codes (smallest nearest/second-nearest "
                              f"distance gap {margin:.3g}), sv_emb {r['sv_emb0'].shape} |max| "
                              f"{np.abs(r['sv_emb0']).max():.3g}", flush=True)
                    yield case, r, stats
            finally:
                ar_utils.logits_to_probs = orig_l2p
                shutil.rmtree(workdir, ignore_errors=True)

    if ARGS.search:
        scratch = Path(tempfile.mkdtemp(prefix="gsv-e2e-pro-search-")) / "models"
        shutil.copytree(models, scratch)
        for s in range(1, ARGS.search + 1):
            line = []
            for case, r, stats in build_and_run(s, list(SOVITS), scratch):
                line.append(case["name"] + ":" + ",".join(f"{st['tokens']}{'' if st['eos'] else '!'}/{st['min_gap']:.2f}"
                                                           for st in stats))
            print(f"sovits seed {s}: " + "  ".join(line), flush=True)
        shutil.rmtree(scratch.parent, ignore_errors=True)
        return

    seed = ARGS.sovits_seed if ARGS.sovits_seed is not None else SOVITS_SEED
    summary, written = [], {}
    for case, r, stats in build_and_run(seed, list(SOVITS), models):
        version = case["version"]
        extra = dict(version=version, sv_dim=int(sv_dim), gpt="../e2e/models/s1.ckpt",
                     sovits="models/" + SOVITS[version]["file"], reference="../e2e/reference")
        summary.append(f"{version} " + e2e.write_case(out, case, r, stats, True, written, skip=CLIP_KEYS, extra=extra))
        print(summary[-1], flush=True)

    (out / "README.md").write_text(
        "Generated by tools/golden/e2e_pro.py (upstream %s, TTS.run on random-init v2Pro / v2ProPlus models). Do not\n"
        "edit. Regenerate it whenever tests/fixtures/e2e is regenerated: it copies that folder's BERT and\n"
        "HuBERT into models/ and uses its s1 and reference clip (case.json \"gpt\" and \"reference\").\n\n"
        "See the script's docstring (and tools/golden/e2e.py's) for what is upstream's and what is not. In\n"
        "short: upstream's TTS.run runs unchanged on the files in models/ (the Pro version read from the \"05\"/\"06\"\n"
        "header, the speaker model from sv/), with e2e.py's frontend stand-ins, greedy T2S and SoVITS decode at\n"
        "noise_scale=0; the tiny SoVITS and the speaker model are smaller instances of upstream's classes.\n"
        "sv_emb0 is the speaker embedding upstream passed to decode.\n\n%s\n"
        % (common.PINNED_COMMIT, "\n".join("- " + s for s in summary)), encoding="utf-8")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{out}: {total} bytes")


if __name__ == "__main__":
    main()
