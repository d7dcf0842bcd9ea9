#!/usr/bin/env python3
"""End-to-end fixtures for `gpt-sovits speak` (tests/unit/app_speak_parity.cpp and, with --full-size,
tests/slow/app_speak_parity_fullsize.cpp): upstream's own TTS pipeline, TTS_infer_pack/TTS.py
`TTS.run`, on random-init models, with every intermediate the C++ pipeline dumps with `--dump`.

    /work/oracle-venv/bin/python tools/golden/e2e.py --upstream /work/upstream            # tests/fixtures/e2e
    /work/oracle-venv/bin/python tools/golden/e2e.py --upstream /work/upstream --full-size # $GSV_LARGE_FIXTURES/e2e

What is upstream's, unchanged: TTS.__init__ (TTS_Config, init_t2s_weights, init_vits_weights,
init_bert_weights, init_cnhuhbert_weights) reading the model files this script writes, and TTS.run
with everything it calls (set_ref_audio: librosa 16 kHz load + HuBERT + extract_latent, torchaudio
32 kHz + spectrogram_torch; TextPreprocessor.preprocess and get_phones_and_bert with the BERT model;
to_batch; infer_panel_batch_infer (parallel_infer=True, its default) or, reference-free, its fallback
infer_panel_naive_batched; SynthesizerTrn.decode; audio_postprocess).

What is not:
  * The frontend's stand-ins of tools/golden/frontend_corpus.py (Oracle): a script-based language
    detector instead of the fastText model, pypinyin instead of g2pW, the NLTK tagger from .deps/data.
  * ffmpeg (ffmpeg-python) and peft are imported by TTS.py but only used for the disabled speed_change
    and v3 LoRA; empty stand-in modules are registered so that the import succeeds.
  * The tiny set's SoVITS: upstream hard-codes the HuBERT width 768 (ssl_proj, quantizer) and other
    widths in SynthesizerTrn.__init__; TTS.init_vits_weights builds the model from the file's config,
    so while it runs, the SynthesizerTrn name in TTS.py points to a factory that builds upstream's class
    and swaps those submodules for smaller instances of the same upstream classes (tools/golden/sovits.py
    `shrink`) before upstream's load_state_dict. The full-size set uses the class as is.
  * noise_scale: SynthesizerTrn.decode's default is 0.5 and TTS.run does not pass one; the instance's
    decode is wrapped to call upstream's decode with noise_scale=0, so the waveform is deterministic
    (the C++ side runs with --noise-scale 0). Decoding is greedy (top_k=1).
  * Observers only (no change to any value): forward hook on the HuBERT model, wrappers that record
    what TextPreprocessor.preprocess, TTS.to_batch and decode return, and AR.models.utils.logits_to_probs
    wrapped to read the top-2 gap of the logits it penalised (the T2S decision margin).

Models (tiny set, tests/fixtures/e2e/models/; full-size set: the real v2 shapes):
  s1.ckpt   Text2SemanticDecoder, 2 layers, 64 wide, 4 heads, vocab 513 (EOS 512: the codebook of the tiny
            SoVITS has 512 entries; TTS.init_t2s_weights needs the mute token 486 to exist), saved with
            common.save_s1_ckpt. ar_predict_layer is scaled (PREDICT_SCALE, and the EOS row by EOS_SCALE)
            so that greedy decoding has clear margins and stops by itself after a few dozen tokens.
            Full size: configs/s1longer-v2.yaml with data.max_sec = 1, so TTS.py's early_stop_num
            (hz * max_sec = 50) ends every segment after 51 steps (random weights never emit EOS);
            ar_predict_layer is scaled by PREDICT_SCALE as well (greedy margins).
  s2.pth    SynthesizerTrn v2 (common.save_s2_pth: upstream's savee).
  chinese-roberta-wwm-ext-large/  BertForMaskedLM, hidden 1024 (TextPreprocessor and bert_proj hard-code
            it). Tiny: 2 layers, so that hidden_states[-3] is the embedding output; only the embedding
            weights are saved (HF random-inits the unused layers and MLM head with a warning), the vocab is
            the characters the texts use plus the specials, max_position_embeddings 16. Full size: 24 layers,
            the synthetic 21128-entry vocab of tools/golden/hubert_roberta_fullsize.py's kind.
  chinese-hubert-base/  HubertModel; tiny: hidden 32 (= the tiny SoVITS's ssl width), 2 layers.

Layout (what the test reads):
  models/...                     the files above
  reference/ref.wav              a synthetic voice-like clip (tiny: 3.5 s at 44.1 kHz, full: 4.2 s at 48 kHz)
  reference/expected/            ref_wav16k [N] (the 16 kHz clip without the 9600 zeros; full-size set
                                 only, the tiny set keeps its length in reference/reference.json), ref_hubert
                                 [1, T50, ssl] (channels-last), prompt_codes [Yp] int32, ref_spec0
                                 [1, T_r, 1025] (channels-last). Every case uses this clip; the script
                                 checks that each case recomputed exactly these.
  <case>/case.json               the TTS.run inputs (and so the CLI flags), segment count, token counts
  <case>/expected/               prompt_phones [Xp] int32, prompt_bert [Xp, 1024], prompt_norm_text.txt
                                 (absent reference-free), and per segment i: seg{i}_phones, seg{i}_bert
                                 [X, 1024], seg{i}_norm_text.txt, seg{i}_tokens (what decode got),
                                 seg{i}_audio (what decode returned, before audio_postprocess).
  To keep the folder small, a BERT array that upstream filled with zeros (non-zh text) is listed in
  case.json "zero_bert" instead of stored, and a file identical to one of an earlier case (the same
  prompt) is stored once and named in case.json "shared" (name -> the case that holds it).
  The final waveform is not stored: the script asserts that TTS.run's int16 output equals
  (concat_i(seg{i}_audio, int(32000 * fragment_interval) zeros) * 32768).astype(int16) exactly (the
  peak guard never fires: SoVITS ends in tanh), and the test rebuilds that float concatenation.
  Storage: int32 ids, float32 for small arrays, float16 for the big ones (BERT features, spectrogram,
  seg audio) in the tiny set (the test adds their storage rounding to the tolerance); float32
  everywhere in the full-size set.

`--search N` tries T2S seeds 1..N and prints, per case, the token counts and the smallest top-2 gap
(used once to pick T2S_SEED); nothing is written then.
"""
import contextlib
import copy
import io
import json
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")
sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402


def default_large_dir():
    return Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "e2e"


def extra_args(ap):
    ap.add_argument("--full-size", action="store_true", help="random-init full-size models, outside the repo")
    ap.add_argument("--dir", type=Path, default=None,
                    help="output folder (default tests/fixtures/e2e, or $GSV_LARGE_FIXTURES/e2e with --full-size)")
    ap.add_argument("--search", type=int, default=0, help="try T2S seeds 1..N and print statistics")
    ap.add_argument("--search-from", type=int, default=1, help="first seed --search tries")
    ap.add_argument("--t2s-seed", type=int, default=None, help="override T2S_SEED")
    ap.add_argument("--float32", action="store_true",
                    help="tiny set with every array in float32 (for measuring errors; too big to commit)")


if __name__ == "__main__":  # tools/golden/e2e_pro.py imports the functions below
    ARGS = common.parse_args(__doc__, extra_args)

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
import torch  # noqa: E402
import transformers.modeling_utils  # noqa: E402

import frontend_corpus  # noqa: E402  (tools/golden: the frontend stand-ins)

# transformers >= 4.50 refuses torch.load on torch < 2.6 (CVE-2025-32434); the oracle venv pins torch
# 2.5.1 and the only files loaded are the ones this script writes.
transformers.modeling_utils.check_torch_load_is_safe = lambda: None
torch.set_grad_enabled(False)

# ------------------------------------------------------------------------------------------------
# Parameters

T2S_SEED = 5          # picked with --search 10: every segment ends by EOS after 11-15 tokens, top-2 gaps >= 0.01
PREDICT_SCALE = 6.0   # ar_predict_layer x this: clear greedy margins
MIN_CODE_GAP = 1e-2   # full size: nearest vs second-nearest codebook distance over the reference frames
EOS_SCALE = 2.2       # and the EOS row x this on top: sequences end after a few dozen tokens
QK_SCALE = 3.0       # in_proj's query and key rows x this
SOVITS_SEED = 11
HUBERT_SEED = 1234
BERT_SEED = 4321
CLIP_SEED = 2024

# The cases: TTS.run inputs. ref_text None = reference-free. Every case uses reference/ref.wav.
ZH_PROMPT = "大家好，欢迎收听。"
CASES = [
    dict(name="zh", text="今天天气很好。", text_lang="zh", prompt_text=ZH_PROMPT, prompt_lang="zh",
         text_split_method="cut1"),
    dict(name="en", text="Hello world, how are you?", text_lang="en", prompt_text="This is a short test.",
         prompt_lang="en", text_split_method="cut1"),
    dict(name="mixed_auto", text="我喜欢用iPhone听music。", text_lang="auto", prompt_text=ZH_PROMPT,
         prompt_lang="zh", text_split_method="cut1"),
    dict(name="reference_free", text="没有参考文本的例子。", text_lang="zh", prompt_text=None,
         prompt_lang="zh", text_split_method="cut1"),
    dict(name="cut5_segments", text="春天来了，花儿开了，鸟在唱歌。", text_lang="zh", prompt_text=ZH_PROMPT,
         prompt_lang="zh", text_split_method="cut5"),
    dict(name="speed_125", text="明天再见吧。", text_lang="zh", prompt_text=ZH_PROMPT, prompt_lang="zh",
         text_split_method="cut1", speed_factor=1.25),
]
FRAGMENT_INTERVAL = 0.3
SR = 32000


# ------------------------------------------------------------------------------------------------
# Upstream setup

def setup_upstream_pipeline(upstream: Path):
    """Installs the frontend stand-ins, then imports TTS_infer_pack/TTS.py (without the package's
    __init__, which frontend_corpus.Oracle already replaced by a bare package)."""
    oracle = frontend_corpus.Oracle(upstream)
    sys.path.insert(0, str(upstream / "GPT_SoVITS" / "eres2net"))  # sv.py expects cwd = the checkout
    for name in ("ffmpeg", "peft"):
        if name not in sys.modules:
            stub = types.ModuleType(name)
            stub.__doc__ = "stand-in: TTS.py imports it for speed_change / v3 LoRA, which v2 never calls"
            sys.modules[name] = stub
    sys.modules["peft"].LoraConfig = None
    sys.modules["peft"].get_peft_model = None
    with contextlib.redirect_stdout(io.StringIO()):
        from TTS_infer_pack import TTS as tts_module  # noqa: F401  (upstream)
    return oracle, tts_module


# ------------------------------------------------------------------------------------------------
# The reference clip

def voice_clip(seconds, sr, seed):
    """A voice-like signal: a gliding harmonic source with a formant-ish spectral tilt, syllable-rate
    amplitude envelope with short pauses, a little breath noise. Peak ~0.5, returned as int16."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    t = np.arange(n) / sr
    f0 = 150 + 35 * np.sin(2 * np.pi * 0.7 * t) + 20 * np.sin(2 * np.pi * 2.3 * t + 1.0)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    formants = [(700, 120), (1200, 150), (2600, 250)]
    src = np.zeros(n)
    for k in range(1, 40):
        fk = k * f0
        gain = sum(np.exp(-0.5 * ((fk - fc) / bw) ** 2) for fc, bw in formants) + 0.3 / k
        src += np.where(fk < sr / 2 - 500, gain * np.sin(k * phase + 0.1 * k * k), 0.0)
    syll = 0.5 - 0.5 * np.cos(2 * np.pi * 4.0 * t)            # ~4 syllables a second
    pauses = (np.sin(2 * np.pi * 0.45 * t + 0.3) > -0.8).astype(float)
    env = np.convolve(syll * pauses, np.ones(441) / 441, mode="same")
    x = src * env + 0.01 * rng.standard_normal(n)
    x *= 0.5 / np.abs(x).max()
    return np.round(x * 32767).astype(np.int16)


# ------------------------------------------------------------------------------------------------
# Models

def build_bert(folder: Path, vocab_chars, full_size):
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    if full_size:
        # specials, ASCII, punctuation, then CJK ideographs from U+4E00 up to the real vocab size 21128
        toks = ["[PAD]"] + [f"[unused{i}]" for i in range(1, 100)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        toks += [chr(c) for c in range(0x21, 0x7F) if not chr(c).isupper()]
        toks += list("，。！？；：、“”‘’（）《》【】…—·～")
        for ch in vocab_chars:
            if ch not in toks:
                toks.append(ch)
        c = 0x4E00
        while len(toks) < 21128:
            if chr(c) not in toks:
                toks.append(chr(c))
            c += 1
        cfg = dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096,
                   max_position_embeddings=512)
    else:
        toks = specials + sorted(set(vocab_chars))
        cfg = dict(hidden_size=1024, num_hidden_layers=2, num_attention_heads=16, intermediate_size=64,
                   max_position_embeddings=16)
    with tempfile.TemporaryDirectory() as tmp:
        vocab = Path(tmp) / "vocab.txt"
        vocab.write_text("".join(t + "\n" for t in toks), encoding="utf-8")
        tok = BertTokenizerFast(vocab_file=str(vocab))
        tok.save_pretrained(str(folder))
    config = BertConfig(vocab_size=len(toks), type_vocab_size=2, layer_norm_eps=1e-12, hidden_act="gelu",
                        architectures=["BertForMaskedLM"], **cfg)
    common.seed(BERT_SEED)
    model = BertForMaskedLM(config).eval()
    g = torch.Generator().manual_seed(BERT_SEED)
    for name, p in model.named_parameters():
        if not (full_size or name.startswith("bert.embeddings.")):
            continue
        if p.ndim == 1 and name.endswith("weight"):
            p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
        elif p.ndim == 1:
            p.copy_(0.2 * torch.randn(p.shape, generator=g))
        elif "embeddings" in name:
            p.copy_(torch.randn(p.shape, generator=g) * (0.5 if "position" in name else 1.0))
        else:
            p.copy_(torch.randn(p.shape, generator=g) / p.shape[1] ** 0.5)
    state = {k: v.half() for k, v in model.state_dict().items()}
    if not full_size:
        # hidden_states[-3] of a 2-layer BERT is the embedding output: the encoder layers and the MLM
        # head are never used, so the file holds only the embeddings (HF random-inits the rest).
        state = {k: v for k, v in state.items() if k.startswith("bert.embeddings.")}
    model.half().save_pretrained(str(folder), state_dict=state, safe_serialization=False)
    # The shipped folder has config.json, tokenizer.json and pytorch_model.bin.
    for extra in ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"]:
        (folder / extra).unlink(missing_ok=True)
    return toks


def build_hubert(folder: Path, full_size):
    from transformers import HubertConfig, HubertModel, Wav2Vec2FeatureExtractor
    if folder.exists():
        shutil.rmtree(folder)
    if full_size:  # chinese-hubert-base
        config = HubertConfig(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                              conv_dim=[512] * 7, conv_kernel=[10, 3, 3, 3, 3, 2, 2], conv_stride=[5, 2, 2, 2, 2, 2, 2],
                              conv_bias=False, feat_extract_norm="group", feat_extract_activation="gelu",
                              hidden_act="gelu", num_conv_pos_embeddings=128, num_conv_pos_embedding_groups=16,
                              do_stable_layer_norm=False, feat_proj_layer_norm=True, layer_norm_eps=1e-5)
    else:
        config = HubertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                              conv_dim=[16] * 7, conv_kernel=[10, 3, 3, 3, 3, 2, 2], conv_stride=[5, 2, 2, 2, 2, 2, 2],
                              conv_bias=False, feat_extract_norm="group", feat_extract_activation="gelu",
                              hidden_act="gelu", num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4,
                              do_stable_layer_norm=False, feat_proj_layer_norm=True, layer_norm_eps=1e-5)
    common.seed(HUBERT_SEED)
    model = HubertModel(config).eval()
    g = torch.Generator().manual_seed(HUBERT_SEED)
    for name, p in model.named_parameters():
        if name.endswith("original0") or name.endswith("weight_g"):  # weight-norm magnitude
            p.copy_(0.5 + torch.rand(p.shape, generator=g))
        elif p.ndim == 1 and name.endswith("weight"):
            p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
        elif p.ndim == 1:
            p.copy_(0.2 * torch.randn(p.shape, generator=g))
        else:
            p.copy_(torch.randn(p.shape, generator=g) / p[0].numel() ** 0.5)
    model.half().save_pretrained(str(folder), safe_serialization=False)
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True,
                             return_attention_mask=False).save_pretrained(str(folder))
    (folder / "generation_config.json").unlink(missing_ok=True)


def sovits_tools():
    import sovits  # tools/golden/sovits.py: small config, shrink, randomize
    sovits.CODEBOOK = 512  # the tiny T2S's EOS (and vocab - 1)
    return sovits


def reference_ssl(hubert_dir: Path, ref_wav: Path):
    """HuBERT features of the reference clip as TTS._set_prompt_semantic computes them (librosa 16 kHz
    + 0.6 s of zeros, HubertModel from the saved folder), [1, ssl, T]."""
    import librosa
    from transformers import HubertModel
    wav, _ = librosa.load(str(ref_wav), sr=16000)
    wav = np.concatenate([wav, np.zeros(int(SR * 0.3), np.float32)])
    model = HubertModel.from_pretrained(str(hubert_dir), local_files_only=True).eval()
    return model(torch.from_numpy(wav)[None])["last_hidden_state"].transpose(1, 2)


def build_sovits(path: Path, full_size, upstream: Path, ssl, version="v2", cfg_update=None, seed=SOVITS_SEED):
    """`version` v2Pro / v2ProPlus (tiny only): the same model with the sv branch, `cfg_update` on top of
    the tiny config, saved with the "05" / "06" magic."""
    sv = sovits_tools()
    common.seed(seed)
    if full_size:
        cfg = json.loads((upstream / "GPT_SoVITS" / "configs" / "s2.json").read_text())
        m, hps = sv.build(dict(cfg["model"]), "v2", small=False)
        hps["train"], hps["data"] = cfg["train"], cfg["data"]
    else:
        cfg = sv.small_model_cfg(gin=sv.MRTE_HIDDEN, n_layers=2)
        cfg.update(hidden_channels=8, filter_channels=32)  # smaller than sovits.py's 16: fixture budget
        cfg.update(cfg_update or {})
        m, hps = sv.build(cfg, version)
    # A random codebook lies far from the (random) HuBERT features, which vary little from frame to
    # frame: every frame would pick the same code. Like a trained (k-means initialised) codebook, the
    # entries are drawn around projected frames of the reference clip instead, so the prompt codes vary.
    x = m.ssl_proj(ssl)[0].T  # [frames, D]
    g = torch.Generator().manual_seed(seed)
    cb = m.quantizer.vq.layers[0]._codebook
    rows = torch.randint(0, x.shape[0], (cb.embed.shape[0],), generator=g)
    spread = x.std(0, keepdim=True)
    cb.embed.copy_(x[rows] + 0.5 * spread * torch.randn(cb.embed.shape, generator=g))
    if full_size:
        # Random full-size HuBERT features barely move over the clip (frame-to-frame std ~0.007 against
        # values ~0.8), so entries drawn around them tie to float32 resolution (|x|^2 ~ 760): most frames'
        # nearest and second-nearest entries were < 1e-4 apart, and the prompt codes were decided by
        # rounding. The runner-up entry of every such near-tie is pushed away until each frame's nearest
        # entry leads by MIN_CODE_GAP; the codes still vary over the clip.
        for _ in range(200):
            dist = x.pow(2).sum(1, keepdim=True) - 2 * x @ cb.embed.T + cb.embed.pow(2).sum(1)[None]
            top2 = torch.topk(dist, 2, dim=1, largest=False)
            near = (top2.values[:, 1] - top2.values[:, 0]) < MIN_CODE_GAP
            if not near.any():
                break
            runners = top2.indices[near, 1].unique()
            cb.embed[runners] += 4 * spread * torch.randn((len(runners), cb.embed.shape[1]), generator=g)
        else:
            raise RuntimeError("could not separate the codebook entries")
    cb.embed_avg.copy_(cb.embed)
    common.save_s2_pth(m.state_dict(), hps, path, model_version=None if version == "v2" else version)


def t2s_config(full_size, upstream: Path):
    if full_size:
        import yaml
        config = yaml.safe_load((upstream / "GPT_SoVITS" / "configs" / "s1longer-v2.yaml").read_text())
        config["data"]["max_sec"] = 1  # early_stop_num = 50: short runs (see the docstring)
        return config
    return {
        "train": {"seed": 1234, "epochs": 20, "batch_size": 8, "save_every_n_epoch": 1, "precision": "16-mixed",
                  "gradient_clip": 1.0},
        "optimizer": {"lr": 0.01, "lr_init": 0.00001, "lr_end": 0.0001, "warmup_steps": 2000, "decay_steps": 40000},
        "data": {"max_eval_sample": 8, "max_sec": 54, "num_workers": 4, "pad_val": 512},
        "model": {"vocab_size": 513, "phoneme_vocab_size": 732, "embedding_dim": 64, "hidden_dim": 64, "head": 4,
                  "linear_units": 256, "n_layer": 2, "dropout": 0, "EOS": 512, "random_bert": 0},
        "inference": {"top_k": 15},
    }


def build_t2s(path: Path, full_size, upstream: Path, seed, max_sec=None):
    from AR.models.t2s_model import Text2SemanticDecoder  # upstream
    config = t2s_config(full_size, upstream)
    if max_sec is not None:
        config["data"]["max_sec"] = max_sec
    common.seed(seed)
    model = Text2SemanticDecoder(config, top_k=3).eval()
    w = model.ar_predict_layer.weight
    w.mul_(PREDICT_SCALE)
    if not full_size:
        w[config["model"]["EOS"]].mul_(EOS_SCALE)
        # Sharper attention: with the default init every position attends almost uniformly, the ~100
        # prompt positions drown the text and different texts give the same tokens.
        d = config["model"]["hidden_dim"]
        for layer in model.h.layers:
            layer.self_attn.in_proj_weight[: 2 * d].mul_(QK_SCALE)
    common.save_s1_ckpt(model.state_dict(), config, path)


# ------------------------------------------------------------------------------------------------
# Running TTS.run with observers

class Recorder:
    """Observes one TTS.run call. Nothing it installs changes a value, except decode's noise_scale."""

    def __init__(self, tts, tts_module):
        import AR.models.utils as ar_utils  # upstream
        self.tts = tts
        self.ar_utils = ar_utils
        self.eos = tts.t2s_model.model.EOS
        self.reset()
        rec = self

        # HuBERT: the padded 16 kHz clip in, last_hidden_state out.
        def hubert_hook(mod, args, out):
            rec.hubert_in.append(args[0].detach().clone())
            rec.hubert_out.append(out["last_hidden_state"].detach().clone())
        tts.cnhuhbert_model.model.register_forward_hook(hubert_hook)

        tp = tts.text_preprocessor
        orig_pre = tp.preprocess

        def preprocess(*a, **k):
            r = orig_pre(*a, **k)
            rec.segments = [dict(phones=list(x["phones"]), bert=x["bert_features"].detach().clone(),
                                 norm_text=x["norm_text"]) for x in r]
            return r
        tp.preprocess = preprocess

        orig_tokenizer = tp.tokenizer

        class TokenizerProbe:
            """Forwards to the real tokenizer; records the ids so that [UNK] can be refused."""
            def __call__(self, *a, **k):
                out = orig_tokenizer(*a, **k)
                rec.bert_ids.append(out["input_ids"][0].tolist())
                return out

            def __getattr__(self, name):
                return getattr(orig_tokenizer, name)
        tp.tokenizer = TokenizerProbe()

        orig_to_batch = tts.to_batch

        def to_batch(*a, **k):
            data, index = orig_to_batch(*a, **k)
            rec.batch_index_list = copy.deepcopy(index)
            return data, index
        tts.to_batch = to_batch

        vits = tts.vits_model
        orig_decode = vits.decode

        def decode(codes, text, refer, noise_scale=0.5, speed=1, sv_emb=None):
            out = orig_decode(codes, text, refer, noise_scale=0.0, speed=speed, sv_emb=sv_emb)
            rec.decodes.append(dict(codes=codes[0, 0].tolist(), phones=text[0].tolist(), audio=out[0, 0].detach().clone(),
                                    gaps=rec.gaps, argmax_eos=rec.argmax_eos,
                                    sv_emb=None if sv_emb is None else [e.detach().clone() for e in sv_emb]))
            rec.gaps, rec.argmax_eos = [], False
            return out
        vits.decode = decode

        orig_l2p = ar_utils.logits_to_probs

        def logits_to_probs(logits, previous_tokens=None, **kw):
            probs = orig_l2p(logits, previous_tokens, **kw)  # penalises `logits` in place
            top2 = torch.topk(logits.float(), 2, dim=-1).values
            rec.gaps.append(float(top2[0, 0] - top2[0, 1]))
            rec.argmax_eos = logits.shape[-1] == rec.eos + 1 and int(torch.argmax(logits[0])) == rec.eos
            return probs
        ar_utils.logits_to_probs = logits_to_probs

    def reset(self):
        self.hubert_in, self.hubert_out = [], []
        self.segments, self.batch_index_list, self.decodes = None, None, []
        self.gaps, self.argmax_eos, self.bert_ids = [], False, []


def make_tts(tts_module, models: Path, full_size, workdir: Path, s1="s1.ckpt", s2="s2.pth", version="v2"):
    """upstream TTS(config) on our files; for the tiny set the SynthesizerTrn constructor is wrapped
    while init_vits_weights runs (see the docstring). `version`: what upstream must detect from `s2`."""
    orig_cls = tts_module.SynthesizerTrn
    if not full_size:
        sv = sovits_tools()

        def small_synthesizer(*a, **kw):
            m = orig_cls(*a, **kw)
            sv.shrink(m, kw, kw["version"])
            return m
        tts_module.SynthesizerTrn = small_synthesizer
    cwd = os.getcwd()
    os.chdir(workdir)  # TTS_Config writes GPT_SoVITS/configs/tts_infer.yaml under the cwd
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            tts = tts_module.TTS({"custom": {
                "device": "cpu", "is_half": False, "version": "v2",
                "t2s_weights_path": str(models / s1), "vits_weights_path": str(models / s2),
                "bert_base_path": str(models / "chinese-roberta-wwm-ext-large"),
                "cnhuhbert_base_path": str(models / "chinese-hubert-base")}})
    finally:
        os.chdir(cwd)
        tts_module.SynthesizerTrn = orig_cls
    # init_vits_weights loads with strict=False: check that every weight of the file arrived.
    from process_ckpt import load_sovits_new
    saved = load_sovits_new(str(models / s2))["weight"]
    state = tts.vits_model.state_dict()
    for k, v in saved.items():
        assert k in state and state[k].shape == v.shape and torch.equal(state[k], v.float()), k
    missing = [k for k in state if k not in saved]
    assert all(k.startswith("enc_q.") for k in missing), missing
    assert tts.configs.version == version and not tts.configs.use_vocoder and tts.is_v2pro == (version != "v2")
    return tts


def run_case(tts, rec, case, ref_wav: Path):
    tts.prompt_cache = copy.deepcopy(INITIAL_PROMPT_CACHE)  # recompute the reference side each time
    rec.reset()
    inputs = {
        "text": case["text"], "text_lang": case["text_lang"], "ref_audio_path": str(ref_wav),
        "aux_ref_audio_paths": [], "prompt_text": case["prompt_text"] or "", "prompt_lang": case["prompt_lang"],
        "top_k": 1, "top_p": 1, "temperature": 1, "text_split_method": case["text_split_method"],
        "batch_size": 1, "batch_threshold": 0.75, "split_bucket": True,
        "speed_factor": case.get("speed_factor", 1.0), "fragment_interval": FRAGMENT_INTERVAL, "seed": 0,
        "parallel_infer": True, "repetition_penalty": 1.35, "return_fragment": False, "streaming_mode": False,
    }
    with contextlib.redirect_stdout(io.StringIO()):
        outs = list(tts.run(inputs))
    assert len(outs) == 1, len(outs)
    sr, audio_i16 = outs[0]
    assert sr == SR, sr

    r = {}
    assert len(rec.hubert_in) == 1, "the reference side was not recomputed"
    wav = rec.hubert_in[0][0].numpy()
    pad = int(SR * 0.3)
    assert wav.shape[0] > pad and not wav[-pad:].any()
    r["ref_wav16k"] = wav[:-pad]
    r["ref_hubert"] = rec.hubert_out[0].numpy()  # [1, T50, ssl]
    r["prompt_codes"] = tts.prompt_cache["prompt_semantic"].numpy().astype(np.int32)
    spec = tts.prompt_cache["refer_spec"][0][0]  # [1, 1025, T_r]
    r["ref_spec0"] = spec.transpose(1, 2).contiguous().numpy()
    if case["prompt_text"]:
        r["prompt_phones"] = np.array(tts.prompt_cache["phones"], np.int32)
        r["prompt_bert"] = tts.prompt_cache["bert_features"].T.contiguous().numpy()
        r["prompt_norm_text"] = tts.prompt_cache["norm_text"]
    segs = rec.segments
    order = [b[0] for b in rec.batch_index_list]
    assert all(len(b) == 1 for b in rec.batch_index_list) and sorted(order) == list(range(len(segs)))
    assert len(rec.decodes) == len(segs)
    stats = []
    for d, i in zip(rec.decodes, order):
        assert d["phones"] == segs[i]["phones"]
        r[f"seg{i}_phones"] = np.array(segs[i]["phones"], np.int32)
        r[f"seg{i}_bert"] = segs[i]["bert"].T.contiguous().numpy()
        r[f"seg{i}_norm_text"] = segs[i]["norm_text"]
        r[f"seg{i}_tokens"] = np.array(d["codes"], np.int32)
        r[f"seg{i}_audio"] = d["audio"].numpy()
        stats.append(dict(segment=i, tokens=len(d["codes"]), min_gap=min(d["gaps"]), eos=d["argmax_eos"],
                          steps=len(d["gaps"])))
    stats.sort(key=lambda s: s["segment"])
    for ids in rec.bert_ids:
        assert tts.bert_tokenizer.unk_token_id not in ids, "a character is missing from the BERT vocab"

    # The final waveform: audio_postprocess's concatenation (no peak guard: |tanh| < 1) -> int16.
    silence = np.zeros(int(SR * FRAGMENT_INTERVAL), np.float32)
    parts = []
    for i in range(len(segs)):
        a = r[f"seg{i}_audio"]
        assert np.abs(a).max() <= 1.0
        parts += [a, silence]
    joined = np.concatenate(parts)
    assert np.array_equal(audio_i16, (joined * 32768).astype(np.int16)), "audio_postprocess did something else"
    r["audio"] = joined
    return r, stats


def code_margin(tts, hubert):
    """Smallest gap between the nearest and second-nearest codebook entry over the prompt frames."""
    m = tts.vits_model
    x = m.ssl_proj(hubert.transpose(1, 2))  # [1, D, T]
    embed = m.quantizer.vq.layers[0]._codebook.embed  # [bins, D]
    x = x[0].T
    dist = (x.pow(2).sum(1, keepdim=True) - 2 * x @ embed.T + embed.pow(2).sum(1)[None])
    top2 = torch.topk(dist, 2, dim=1, largest=False).values
    return float((top2[:, 1] - top2[:, 0]).min())


# ------------------------------------------------------------------------------------------------

INITIAL_PROMPT_CACHE = None
REF_KEYS = ["ref_wav16k", "ref_hubert", "prompt_codes", "ref_spec0"]


def collect_bert_chars(oracle):
    """The characters of every zh chunk's normalised text (prompts and targets), through upstream's
    frontend, so that the small BERT vocab covers them."""
    chars = set()
    for case in CASES:
        calls = []
        for row in oracle.preprocess(case["text"], case["text_lang"], case["text_split_method"]):
            calls += row["chunks"]
        if case["prompt_text"]:
            from TTS_infer_pack.text_segmentation_method import splits  # upstream
            prompt = case["prompt_text"]
            if prompt[-1] not in splits:  # TTS.run's rule
                prompt += "。" if case["prompt_lang"] != "en" else "."
            oracle._calls = []
            with contextlib.redirect_stdout(io.StringIO()):
                oracle._tp.get_phones_and_bert(prompt, case["prompt_lang"], "v2")
            calls += oracle._calls[-1]["chunks"]
        for c in calls:
            if c["lang"] == "zh":
                chars |= set(c["norm_text"])
    return sorted(chars)


def save_npy(folder: Path, name, value, half):
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(value, str):
        (folder / f"{name}.txt").write_text(value + "\n", encoding="utf-8")
        return
    a = np.asarray(value)
    if a.dtype.kind == "f":
        a = a.astype(np.float16 if half else np.float32)
    np.save(folder / f"{name}.npy", np.ascontiguousarray(a))


def write_case(out: Path, case, r, stats, half, written, skip=(), extra=None):
    """<out>/<case name>/case.json and expected/ (the docstring's Layout) from run_case's results,
    leaving out the arrays named in `skip`; `written` maps (name, contents) to the case that stored
    them, across calls; `extra` is added to case.json. Returns a summary line."""
    folder = out / case["name"]
    if folder.exists():
        shutil.rmtree(folder)
    exp = folder / "expected"
    zero_bert, shared = [], {}
    for k, v in r.items():
        if k in skip or k == "audio":
            continue
        if k.endswith("_bert") and not np.asarray(v).any():
            zero_bert.append(k)  # upstream's zeros for non-zh text: recorded, not stored
            continue
        key = (k, v if isinstance(v, str) else np.asarray(v).tobytes())
        if key in written:  # the same prompt in another case: stored once
            shared[k] = written[key]
            continue
        written[key] = case["name"]
        save_npy(exp, k, v, half and (k.endswith("_bert") or k.endswith("_audio")))
    n_seg = len(stats)
    meta = {k: case.get(k) for k in ("text", "text_lang", "prompt_text", "prompt_lang", "text_split_method")}
    meta.update(speed_factor=case.get("speed_factor", 1.0), fragment_interval=FRAGMENT_INTERVAL, top_k=1,
                top_p=1.0, temperature=1.0, repetition_penalty=1.35, batch_size=1, seed=0, noise_scale=0.0,
                parallel_infer=True, segments=n_seg, tokens=[s["tokens"] for s in stats],
                stopped_by_eos=[s["eos"] for s in stats], min_top2_gap=[round(s["min_gap"], 4) for s in stats],
                audio_samples=int(r["audio"].shape[0]), zero_bert=zero_bert, shared=shared)
    meta.update(extra or {})
    (folder / "case.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return (f"{case['name']}: {n_seg} segment(s), tokens {meta['tokens']} (EOS {meta['stopped_by_eos']}), "
            f"min top-2 gap {meta['min_top2_gap']}, audio {r['audio'].shape[0] / SR:.2f} s")


def main():
    global INITIAL_PROMPT_CACHE
    upstream = ARGS.upstream.resolve()
    full = ARGS.full_size
    out = ARGS.dir or (default_large_dir() if full else ARGS.out / "e2e")
    oracle, tts_module = setup_upstream_pipeline(upstream)
    models = out / "models"
    models.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="gsv-e2e-"))

    chars = collect_bert_chars(oracle)
    print(f"BERT vocab: {len(chars)} characters from the zh chunks")
    ref_dir = out / "reference"
    ref_dir.mkdir(parents=True, exist_ok=True)
    clip_sr, clip_s = (48000, 4.2) if full else (44100, 3.5)
    ref_wav = ref_dir / "ref.wav"
    sf.write(ref_wav, voice_clip(clip_s, clip_sr, CLIP_SEED), clip_sr, subtype="PCM_16")

    build_bert(models / "chinese-roberta-wwm-ext-large", chars, full)
    build_hubert(models / "chinese-hubert-base", full)
    build_sovits(models / "s2.pth", full, upstream, reference_ssl(models / "chinese-hubert-base", ref_wav))
    seed = ARGS.t2s_seed if ARGS.t2s_seed is not None else T2S_SEED
    build_t2s(models / "s1.ckpt", full, upstream, seed)

    tts = make_tts(tts_module, models, full, workdir)
    INITIAL_PROMPT_CACHE = copy.deepcopy(tts.prompt_cache)
    rec = Recorder(tts, tts_module)

    if ARGS.search:
        for s in range(ARGS.search_from, ARGS.search + 1):
            # max_sec 2: early_stop_num 100 ends the runs that do not stop by themselves (marked "!")
            build_t2s(models / "s1.ckpt", full, upstream, s, max_sec=2)
            cwd = os.getcwd()
            os.chdir(workdir)
            with contextlib.redirect_stdout(io.StringIO()):
                tts.init_t2s_weights(str(models / "s1.ckpt"))
            os.chdir(cwd)
            line, seqs = [], []
            for case in CASES:
                r, stats = run_case(tts, rec, case, ref_wav)
                seqs += [tuple(r[f"seg{st['segment']}_tokens"].tolist()) for st in stats]
                line.append(case["name"] + ":" + ",".join(f"{st['tokens']}{'' if st['eos'] else '!'}/{st['min_gap']:.2f}"
                                                           for st in stats))
            print(f"seed {s}: " + "  ".join(line) + f"  distinct {len(set(seqs))}/{len(seqs)}", flush=True)
        shutil.rmtree(workdir, ignore_errors=True)
        return

    half = not (full or ARGS.float32)
    reference = None
    summary = []
    written = {}
    for case in CASES:
        r, stats = run_case(tts, rec, case, ref_wav)
        if reference is None:
            reference = {k: r[k] for k in REF_KEYS}
            for k in REF_KEYS:
                if half and k == "ref_wav16k":
                    continue  # budget: the tiny set checks its length (reference.json) and, through HuBERT, its values
                save_npy(ref_dir / "expected", k, reference[k], half and k == "ref_spec0")
            (ref_dir / "reference.json").write_text(json.dumps({
                "sample_rate": clip_sr, "seconds": clip_s, "wav16k_samples": int(reference["ref_wav16k"].shape[0]),
                "prompt_codes": int(reference["prompt_codes"].shape[0]),
                "ref_spec0_frames": int(reference["ref_spec0"].shape[1])}, indent=1) + "\n")
            margin = code_margin(tts, torch.from_numpy(reference["ref_hubert"]))
            print(f"reference: {reference['ref_wav16k'].shape[0]} samples at 16 kHz, hubert "
                  f"{reference['ref_hubert'].shape}, {reference['prompt_codes'].shape[0]} prompt codes "
                  f"(smallest nearest/second-nearest distance gap {margin:.3g}), spec {reference['ref_spec0'].shape}")
        else:
            for k in REF_KEYS:
                assert np.array_equal(reference[k], r[k]), f"{case['name']}: {k} differs between cases"
        summary.append(write_case(out, case, r, stats, half, written, skip=REF_KEYS))
        print(summary[-1], flush=True)

    (out / "README.md").write_text(
        "Generated by tools/golden/e2e.py%s (upstream %s, TTS.run on random-init models). Do not edit.\n\n"
        "See the script's docstring for what is upstream's and what is not. In short: upstream's TTS.run runs\n"
        "unchanged on the files in models/, with the frontend stand-ins of tools/golden/frontend_corpus.py\n"
        "(script-based language detection, pypinyin instead of g2pW), greedy T2S (top_k 1) and SoVITS decode\n"
        "called with noise_scale=0 (upstream hard-codes 0.5: the instance's decode is wrapped; the C++ side\n"
        "runs with --noise-scale 0).%s The final waveform is not stored: it is the concatenation of the\n"
        "seg{i}_audio files, each followed by int(32000 * fragment_interval) zeros (asserted against\n"
        "TTS.run's int16 output when the fixtures were made).\n\n%s\n"
        % (" --full-size" if full else "", common.PINNED_COMMIT,
           "" if full else " The tiny SoVITS's HuBERT-width submodules are swapped for smaller\n"
           "instances of the same upstream classes while upstream's init_vits_weights builds it.",
           "\n".join("- " + s for s in summary)), encoding="utf-8")
    shutil.rmtree(workdir, ignore_errors=True)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{out}: {total} bytes")


if __name__ == "__main__":
    main()
