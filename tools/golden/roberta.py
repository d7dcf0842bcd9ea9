#!/usr/bin/env python3
"""Fixtures for models/roberta and text/wordpiece (tests/unit/models_roberta.cpp, text_wordpiece.cpp).

We cannot ship chinese-roberta-wwm-ext-large's weights or vocab, so:

* a synthetic but realistic BERT vocab.txt is generated programmatically: [PAD]/[unusedN]/[UNK]/[CLS]/
  [SEP]/[MASK] first like the hfl vocab, ASCII punctuation/digits/letters, full-width and CJK punctuation,
  the most frequent CJK characters by jieba's dictionary, some `##` pieces (letters, digits, English
  suffixes, a few CJK), whole English words, Greek/Cyrillic/kana/Hangul-jamo/emoji entries;
* tests/fixtures/wordpiece/: that vocab (3500 CJK characters) as vocab.txt and as the tokenizer.json
  BertTokenizerFast makes of it, and a few hundred strings (Chinese,
  punctuation, latin words, digits, accents, emoji, control characters, odd whitespace, special
  tokens, over-long words, ...) with the ids HF BertTokenizerFast gives for them (cases.json);
* tests/fixtures/roberta/model/: a small random-init BertForMaskedLM (4 layers, so hidden_states[-3] is
  the output of layer 1) saved in fp16 with save_pretrained(safe_serialization=False), with the files
  the shipped folder has (config.json, tokenizer.json, pytorch_model.bin: no vocab.txt), on a smaller
  vocab (800 CJK characters) to keep the fixture small; expected.safetensors holds the outputs of
  upstream's own TextPreprocessor.get_bert_feature (tokenizer -> model(output_hidden_states) ->
  hidden_states[-3:-2] -> [1:-1] -> word2ph expansion -> .T) for three zh-normalised texts, plus the
  intermediate [n_chars, hidden] rows.
"""
import json
import random
import shutil
import sys
import types
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

args = common.parse_args(__doc__)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers.modeling_utils  # noqa: E402
from transformers import AutoModelForMaskedLM, AutoTokenizer, BertConfig, BertForMaskedLM, BertTokenizerFast  # noqa: E402

# transformers >= 4.50 refuses torch.load on torch < 2.6 (CVE-2025-32434); we only load our own files.
transformers.modeling_utils.check_torch_load_is_safe = lambda: None

# Import upstream's TextPreprocessor without running TTS_infer_pack/__init__.py (which pulls in the
# whole TTS stack: ffmpeg, peft, ...): a bare package object pointing at the same folder.
_pkg = types.ModuleType("TTS_infer_pack")
_pkg.__path__ = [str(args.upstream.resolve() / "GPT_SoVITS" / "TTS_infer_pack")]
sys.modules["TTS_infer_pack"] = _pkg
from TTS_infer_pack.TextPreprocessor import TextPreprocessor  # noqa: E402  (upstream)

SEED = 4321

# zh-normalised texts as upstream's chinese frontend produces them: CJK characters and !?…,.- only.
BERT_TEXTS = [
    "你好,世界.",
    "今天天气很好,我们一起去公园散步吧!",
    "语音合成技术近年来发展迅速…它能够模仿说话人的音色-只需要几秒钟的参考音频?真是令人惊叹的进步.",
]


def common_cjk(n):
    """The n most frequent CJK characters, weighting jieba's dictionary words by their counts."""
    import jieba
    counts = Counter()
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, freq = line.split(" ")[:2]
            for ch in word:
                if 0x4E00 <= ord(ch) <= 0x9FFF:
                    counts[ch] += int(freq)
    return [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def build_vocab(n_cjk, must_have=""):
    toks = ["[PAD]"] + [f"[unused{i}]" for i in range(1, 10)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]", "<S>", "<T>"]
    toks += [chr(c) for c in range(0x21, 0x7F) if not chr(c).isupper()]
    toks += list("，。！？；：、“”‘’（）《》【】…—·～「」｜％＃＠＆＊ａｂｃ１２３")
    toks += list("°×÷€£¥©®™±½§¶αβγδεσςπωприветкаこんにちはカタナ한ᄒᄀᄂ😀👍❤")
    toks += ["привет", "мир", "καλημέρα"]
    toks += ["##" + c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    toks += ["##ᅡ", "##ᆫ", "##ᅳ", "##ᆯ", "##ᅥ", "##ᆼ", "##ん", "##に", "##ち", "##は", "##タ", "##ナ", "##ε", "##ι"]
    toks += ["hello", "world", "the", "and", "voice", "clone", "gpt", "so", "##vit", "##s", "##ing", "##ed",
             "##er", "##ly", "##est", "un", "##believ", "##able", "cafe", "naive", "resume", "ai", "ok", "mlx",
             "app", "##le", "apple", "test", "##ab", "##c", "x", "10", "100", "2024", "##00", "##000",
             "iphone", "wi", "##fi", "fi", "strasse", "ss", "##ss", "over", "##load", "a1", "##b2", "##中"]
    cjk = common_cjk(n_cjk)
    for ch in must_have:
        if 0x4E00 <= ord(ch) <= 0x9FFF and ch not in cjk:
            cjk.append(ch)
    toks += cjk + ["##" + c for c in cjk[:40]]
    seen, out = set(), []
    for t in toks:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def write_vocab(path: Path, toks):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(t + "\n" for t in toks), encoding="utf-8")


# ---------------------------------------------------------------- tokenizer cases
HAND_CASES = [
    "", " ", "你好", "你好，世界！", "你好,世界.", "今天天气很好,我们一起去公园散步吧!",
    "Hello World", "HELLO, world!!", "hello-world", "gpt-sovits", "GPT-SoVITS v2Pro", "MLX on Apple",
    "unbelievable", "Unbelievably", "testing tested tester", "xyzzy", "iPhone 15 Pro Max", "Wi-Fi 6E",
    "2024年10月1日", "价格是100.50元", "3.1415926", "1,000,000", "¥100 €20 £5", "50%的人", "#hashtag @user",
    "Café", "naïve résumé", "Ångström", "Straße", "İstanbul ıi", "ΚΑΛΗΜΈΡΑ Σίσυφος", "Привет, МИР",
    "e\u0301", "\u0301", "a\u0328\u0301", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", "ﬁne ﬂow", "①②③", "Ⅻ",
    "こんにちは", "カタカナ", "ｶﾀｶﾅ", "한국어 안녕하세요", "한", "ภาษาไทย", "مرحبا", "שלום", "नमस्ते",
    "😀👍", "😀😀", "👨\u200d👩\u200d👧", "👍🏽", "❤️", "🥰", "🦀 rust",
    "\x00null\x00", "bell\x07char", "esc\x1b[0m", "tab\tsep", "new\nline", "cr\r\nlf", "nbsp\u00a0here",
    "ideographic\u3000space", "zero\u200bwidth", "bom\ufeffmark", "soft\u00adhyphen", "line\u2028sep",
    "private\ue000use", "unassigned\U000e0080tag", "\ufffdreplacement", "\x7fdel", "\x85nel",
    "vt\x0bff\x0c", "[MASK]", "你[MASK]好", "[CLS] x [SEP]", "[mask]", "[UNK]", "[PAD][PAD]", "a[SEP]b",
    "[MASK ]", "[[MASK]]", "a" * 100, "a" * 101, "ab" * 50 + "c", "你" * 120, "a" * 99 + "中",
    "...", "…", "……", "——", "!?", "(括号)", "《书名》", "“引号”", "「日本語」", "a.b,c;d:e",
    "email@example.com", "https://example.com/path?q=1&r=2", "C++ and C#", "don't can't won't",
    "  leading and trailing  ", "multiple   spaces", "\t\n\r", "中a文b字c", "中文English混合",
    "语音合成技术近年来发展迅速…它能够模仿说话人的音色-只需要几秒钟的参考音频?", "豈更車", "\U00020000\U0002A700",
    "\u3400\u4dbf", "\u9fff\u9fa5", "\U0002B920\U0002B81F\U0002B820", "ㄅㄆㄇ", "ㄱㄴㄷ", "ᄀ", "〇一二",
    "Ǆemal ǅ ǆ", "ŉ", "ǰ", "ΐ", "ﬀ", "µ", "K", "Å", "ẞ", "ᾈ", "Ω", "ı", "ǲ", "Σ", "ß",
]


def random_cases(n, vocab_cjk, seed):
    rng = random.Random(seed)
    pools = [
        vocab_cjk[:500],
        [chr(c) for c in range(0x3400, 0x3500)] + [chr(c) for c in range(0xF900, 0xF930)],  # rare/compat CJK
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        list("0123456789"),
        list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
        list("，。！？；：、“”‘’（）《》【】…—·～「」"),
        [" ", "  ", "\t", "\n", "\u3000", "\u00a0", "\u2003"],
        list("àáâãäåèéêëìíîïòóôõöùúûüýÿñçÀÉÎÕÜÑÇ") + ["e\u0301", "o\u0308", "\u0301"],
        ["😀", "👍", "❤", "🥰", "🦀", "\u200d", "\ufe0f", "🏽"],
        ["\x00", "\x07", "\x1b", "\x7f", "\u200b", "\ufeff", "\u00ad", "\ue000", "\ufffd", "\x0b", "\x85"],
        list("αβγΣσςΩωПриветМИРこんにちはカタナ한국어ภาษ"),
        ["hello", "world", "voice", "clone", "testing", "unbelievable", "apple", "MLX", "GPT", "SoVITS",
         "[MASK]", "[SEP]", "[UNK]", "Café", "naïve", "Straße", "wifi"],
    ]
    weights = [30, 4, 10, 6, 6, 8, 8, 4, 3, 3, 4, 8]
    cases = []
    for _ in range(n):
        k = rng.randint(1, 24)
        cases.append("".join(rng.choice(rng.choices(pools, weights)[0]) for _ in range(k)))
    return cases


def write_wordpiece_fixtures(root: Path):
    folder = root / "wordpiece"
    if folder.exists():
        shutil.rmtree(folder)
    toks = build_vocab(3500)
    write_vocab(folder / "vocab.txt", toks)
    tok = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))  # do_lower_case=True, as the model's
    tok.backend_tokenizer.save(str(folder / "tokenizer.json"), pretty=False)  # the same tokenizer in the shipped format
    cjk = [t for t in toks if len(t) == 1 and 0x4E00 <= ord(t) <= 0x9FFF]
    texts = HAND_CASES + random_cases(260, cjk, SEED)
    cases = []
    for text in texts:
        enc = tok(text)
        cases.append({"text": text, "ids": enc["input_ids"]})
    # Also a cased tokenizer (do_lower_case=False: no lower-casing, no accent stripping) on a subset.
    cased = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=False)
    cased_cases = [{"text": t, "ids": cased(t)["input_ids"]} for t in texts[:80]]
    with open(folder / "cases.json", "w", encoding="utf-8") as f:
        json.dump({"vocab_size": len(toks), "lowercase": cases, "cased": cased_cases}, f, ensure_ascii=False, indent=0)
    (folder / "README.md").write_text("Generated by tools/golden/roberta.py (synthetic vocab, HF BertTokenizerFast ids). "
                                      "Do not edit.\n")
    n_unk = sum(c["ids"].count(tok.unk_token_id) for c in cases)
    print(f"wordpiece: {len(toks)} tokens, {len(cases)} cases ({n_unk} [UNK]), {len(cased_cases)} cased cases")


# ---------------------------------------------------------------- BERT model
def randomize(model):
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim == 1 and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif p.ndim == 1:
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
            elif "embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                p.copy_(torch.randn(p.shape, generator=g) / p.shape[1] ** 0.5)


def write_roberta_fixtures(root: Path):
    folder = root / "roberta"
    model_dir = folder / "model"
    if folder.exists():
        shutil.rmtree(folder)
    toks = build_vocab(800, must_have="".join(BERT_TEXTS))
    tmp_vocab = folder / "vocab_tmp" / "vocab.txt"
    write_vocab(tmp_vocab, toks)
    tok = BertTokenizerFast(vocab_file=str(tmp_vocab))
    config = BertConfig(vocab_size=len(toks), hidden_size=64, num_hidden_layers=4, num_attention_heads=4,
                        intermediate_size=128, max_position_embeddings=128, type_vocab_size=2,
                        layer_norm_eps=1e-12, hidden_act="gelu", architectures=["BertForMaskedLM"])
    common.seed(SEED)
    model = BertForMaskedLM(config).eval()
    randomize(model)
    model.half().save_pretrained(model_dir, safe_serialization=False)
    tok.save_pretrained(model_dir)
    shutil.rmtree(folder / "vocab_tmp")
    # The shipped folder has config.json, tokenizer.json and pytorch_model.bin only.
    for extra in ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"]:
        (model_dir / extra).unlink(missing_ok=True)

    # Upstream's own path: AutoTokenizer + AutoModelForMaskedLM from the folder, get_bert_feature.
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    bert = AutoModelForMaskedLM.from_pretrained(str(model_dir)).eval()
    assert next(bert.parameters()).dtype == torch.float32
    tp = TextPreprocessor(bert, tokenizer, torch.device("cpu"))
    rng = np.random.default_rng(SEED)
    arrays = {}
    for i, text in enumerate(BERT_TEXTS):
        word2ph = [1 if ch in "!?…,.-" else int(rng.integers(1, 4)) for ch in text]
        feature = tp.get_bert_feature(text, word2ph)  # [hidden, n_phones]
        inputs = tokenizer(text, return_tensors="pt")
        with torch.no_grad():
            hs = bert(**inputs, output_hidden_states=True)["hidden_states"]
        assert inputs["input_ids"].shape[1] == len(text) + 2, "one token per character"
        assert tokenizer.unk_token_id not in inputs["input_ids"][0].tolist()
        arrays[f"ids_{i}"] = inputs["input_ids"][0].to(torch.int32)
        arrays[f"word2ph_{i}"] = np.array(word2ph, dtype=np.int32)
        arrays[f"chars_{i}"] = hs[-3][0][1:-1]
        arrays[f"embeddings_{i}"] = hs[0][0]
        arrays[f"phone_features_{i}"] = feature
        print(f"text {i}: {len(text)} chars, {sum(word2ph)} phones, feature {tuple(feature.shape)}")
    common.save_arrays(folder / "expected.safetensors", arrays)
    (folder / "texts.json").write_text(json.dumps(BERT_TEXTS, ensure_ascii=False, indent=0), encoding="utf-8")
    (folder / "README.md").write_text("Generated by tools/golden/roberta.py (random weights, seed %d). Do not edit.\n" % SEED)


def main():
    write_wordpiece_fixtures(args.out)
    write_roberta_fixtures(args.out)


main()
