#!/usr/bin/env python3
"""Full-size random-init chinese-hubert-base and chinese-roberta-wwm-ext-large folders, for
tests/slow/models_fullsize_hubert_roberta.cpp and bench/bench_features.cpp.

They are too big to commit (~190 MB + ~650 MB in fp16), so they go outside the repo:
$GSV_LARGE_FIXTURES/features/, default /work/fixtures-large/features/ (or --dir). Written with HF save_pretrained in fp16, like the
shipped files, with the shipped configs' sizes:
  chinese-hubert-base/             config.json, preprocessor_config.json, pytorch_model.bin
                                   (768 hidden, 12 layers, 12 heads, FFN 3072, 7 x 512 convs, pos conv 128/16)
  chinese-roberta-wwm-ext-large/   config.json, tokenizer.json, pytorch_model.bin (BertForMaskedLM:
                                   1024 hidden, 24 layers, 16 heads, FFN 4096, vocab 21128, eps 1e-12)
  expected_features.safetensors    upstream outputs for a 1 s waveform (CNHubert(...).model(wav)) and
                                   a 20-character text (get_bert_feature's [n_chars, 1024] rows), fp32 CPU
The vocabulary is synthetic (specials, ASCII, punctuation, then CJK ideographs from U+4E00 up to 21128).
"""
import os
import shutil
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402


def extra(ap):
    ap.add_argument("--dir", type=Path,
                    default=Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "features",
                    help="where the large folders go (default $GSV_LARGE_FIXTURES/features)")


args = common.parse_args(__doc__, extra)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers.modeling_utils  # noqa: E402
from transformers import (AutoModelForMaskedLM, AutoTokenizer, BertConfig, BertForMaskedLM,  # noqa: E402
                          BertTokenizerFast, HubertConfig, HubertModel, Wav2Vec2FeatureExtractor)

transformers.modeling_utils.check_torch_load_is_safe = lambda: None  # torch 2.5 in the oracle venv; our files
from feature_extractor import cnhubert  # noqa: E402  (upstream)

_pkg = types.ModuleType("TTS_infer_pack")
_pkg.__path__ = [str(args.upstream.resolve() / "GPT_SoVITS" / "TTS_infer_pack")]
sys.modules["TTS_infer_pack"] = _pkg
from TTS_infer_pack.TextPreprocessor import TextPreprocessor  # noqa: E402  (upstream)

SEED = 777
TEXT = "语音合成技术近年来发展迅速,它能够模仿说话人."  # 20 characters (zh-normalised)


def hubert_folder(root: Path):
    folder = root / "chinese-hubert-base"
    if folder.exists():
        shutil.rmtree(folder)
    config = HubertConfig(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                          conv_dim=[512] * 7, conv_kernel=[10, 3, 3, 3, 3, 2, 2], conv_stride=[5, 2, 2, 2, 2, 2, 2],
                          conv_bias=False, feat_extract_norm="group", num_conv_pos_embeddings=128,
                          num_conv_pos_embedding_groups=16, do_stable_layer_norm=False, layer_norm_eps=1e-5,
                          architectures=["HubertModel"])
    common.seed(SEED)
    model = HubertModel(config).eval()
    with torch.no_grad():  # norms away from 1/0 so that their affine parameters matter
        for name, p in model.named_parameters():
            if p.ndim == 1:
                p.add_(0.1 * torch.randn_like(p))
    model.half().save_pretrained(folder, safe_serialization=False)
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True,
                             return_attention_mask=False).save_pretrained(folder)
    (folder / "generation_config.json").unlink(missing_ok=True)
    return folder


def roberta_folder(root: Path):
    folder = root / "chinese-roberta-wwm-ext-large"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    toks = ["[PAD]"] + [f"[unused{i}]" for i in range(1, 100)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    toks += [chr(c) for c in range(0x21, 0x7F) if not chr(c).isupper()] + list("，。！？；：、“”‘’（）《》【】…—·")
    c = 0x4E00
    while len(toks) < 21128:
        toks.append(chr(c))
        c += 1
    (folder / "vocab.txt").write_text("".join(t + "\n" for t in toks), encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).backend_tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "vocab.txt").unlink()  # the shipped folder has tokenizer.json only
    config = BertConfig(vocab_size=21128, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                        intermediate_size=4096, max_position_embeddings=512, type_vocab_size=2,
                        layer_norm_eps=1e-12, hidden_act="gelu", architectures=["BertForMaskedLM"])
    common.seed(SEED + 1)
    model = BertForMaskedLM(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim == 1:
                p.add_(0.1 * torch.randn_like(p))
    model.half().save_pretrained(folder, safe_serialization=False)
    (folder / "generation_config.json").unlink(missing_ok=True)
    return folder


def main():
    root = args.dir
    root.mkdir(parents=True, exist_ok=True)
    hub_dir = hubert_folder(root)
    rob_dir = roberta_folder(root)

    arrays = {}
    rng = np.random.default_rng(SEED)
    t = np.arange(16001) / 16000.0
    wav = (0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(t.size)).astype(np.float16)
    hub = cnhubert.CNHubert(str(hub_dir)).eval()
    with torch.no_grad():
        arrays["hubert_wav"] = wav
        arrays["hubert_hidden"] = hub.model(torch.from_numpy(wav.astype(np.float32)).unsqueeze(0))["last_hidden_state"]

    tokenizer = AutoTokenizer.from_pretrained(str(rob_dir))
    bert = AutoModelForMaskedLM.from_pretrained(str(rob_dir)).eval()
    tp = TextPreprocessor(bert, tokenizer, torch.device("cpu"))
    word2ph = [1 if ch in "!?…,.-" else 2 for ch in TEXT]
    feature = tp.get_bert_feature(TEXT, word2ph)  # [1024, n_phones]
    ids = tokenizer(TEXT, return_tensors="pt")["input_ids"][0]
    assert len(ids) == len(TEXT) + 2
    arrays["roberta_ids"] = ids.to(torch.int32)
    arrays["roberta_word2ph"] = np.array(word2ph, dtype=np.int32)
    arrays["roberta_phone_features"] = feature
    common.save_arrays(root / "expected_features.safetensors", arrays)
    for d in (hub_dir, rob_dir):
        print(d, sum(f.stat().st_size for f in d.iterdir()) // 2**20, "MiB")


main()
