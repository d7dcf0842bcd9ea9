#!/usr/bin/env python3
"""Upstream PyTorch (CPU, fp32) feature-extractor speed, the counterpart of bench/bench_features.cpp.

Loads the full-size random folders of tools/golden/hubert_roberta_fullsize.py the way upstream does:
  HuBERT:  feature_extractor.cnhubert.CNHubert(path).model(wav)["last_hidden_state"] (as TTS.py calls it),
           on N seconds of 16 kHz audio; the positional conv and the conv feature encoder also alone;
  BERT:    AutoTokenizer + AutoModelForMaskedLM, TextPreprocessor.get_bert_feature(text, word2ph) on an
           M-character zh text (upstream runs all 24 layers and the MLM head with output_hidden_states).
Prints one `key=value` line per measurement, in the C++ bench's format.

    OPENBLAS_CORETYPE=... /work/oracle-venv/bin/python tools/bench/features_upstream.py \
        --upstream /work/upstream [--dir PATH] [--seconds 10] [--chars 50] [--threads 2]
"""
import argparse
import os
import sys
import time
import types
from pathlib import Path

from bench_common import print_torch_header, report, time_it


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--upstream", type=Path, required=True)
    ap.add_argument("--dir", type=Path,
                    default=Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "features")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--chars", type=int, default=50)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    args = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))
    import common
    common.setup_upstream(args.upstream)
    import torch
    import transformers.modeling_utils
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    # transformers >= 4.50 refuses torch.load on torch < 2.6; these are our own random files.
    transformers.modeling_utils.check_torch_load_is_safe = lambda: None
    from feature_extractor import cnhubert
    from transformers import AutoModelForMaskedLM, AutoTokenizer
    pkg = types.ModuleType("TTS_infer_pack")
    pkg.__path__ = [str(args.upstream.resolve() / "GPT_SoVITS" / "TTS_infer_pack")]
    sys.modules["TTS_infer_pack"] = pkg
    from TTS_infer_pack.TextPreprocessor import TextPreprocessor

    print_torch_header(torch)

    # ---------------------------------------------------------------- HuBERT
    t0 = time.perf_counter()
    hub = cnhubert.CNHubert(str(args.dir / "chinese-hubert-base")).eval()
    print(f"hubert_load s={time.perf_counter() - t0:.6g}")
    samples = int(args.seconds * 16000) + 1
    wav = torch.randn(1, samples, generator=torch.Generator().manual_seed(1)) * 0.1
    model = hub.model
    frames = model._get_feat_extract_output_lengths(samples)
    extra = f"audio_s={args.seconds:.6f} frames={int(frames)}"
    projected = model.feature_projection(model.feature_extractor(wav).transpose(1, 2))
    report("hubert_pos_conv", extra + " route=torch", time_it(lambda: model.encoder.pos_conv_embed(projected), args.reps), args.reps)
    report("hubert_feature_encoder", extra, time_it(lambda: model.feature_extractor(wav), args.reps), args.reps)
    report("hubert_forward", extra + " route=torch", time_it(lambda: model(wav)["last_hidden_state"], args.reps), args.reps)
    del hub, model

    # ---------------------------------------------------------------- BERT
    t0 = time.perf_counter()
    rob = args.dir / "chinese-roberta-wwm-ext-large"
    tokenizer = AutoTokenizer.from_pretrained(str(rob))
    bert = AutoModelForMaskedLM.from_pretrained(str(rob)).eval()
    print(f"roberta_load s={time.perf_counter() - t0:.6g} layers_kept={bert.config.num_hidden_layers}")
    tp = TextPreprocessor(bert, tokenizer, torch.device("cpu"))
    text = "".join(chr(0x4E00 + 600 + (i * 37) % 20000) for i in range(args.chars))
    word2ph = [2] * args.chars
    report("roberta_bert_feature", f"chars={args.chars}", time_it(lambda: tp.get_bert_feature(text, word2ph), args.reps), args.reps)


main()
