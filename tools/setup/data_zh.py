"""Chinese frontend data: converts the pinned PyPI packages' tables into plain TSV files under
.deps/data/zh/ that src/text/zh_data.cpp reads.

Sources (nothing is imported; Python literals are read with ast.literal_eval):
  jieba 0.42.1      dict.txt, finalseg/prob_*.py, posseg/prob_*.py + char_state_tab.py.
                    Upstream imports jieba_fast 0.53, whose dict.txt and HMM tables are byte-identical
                    to jieba 0.42.1's (checked with cmp), so jieba's copies reproduce upstream.
  pypinyin 0.55.0   pinyin_dict.json (single characters), phrases_dict.json (phrases).
  paddlespeech 1.5.0  t2s/frontend/zh_normalization/char_convert.py: the traditional/simplified
                    string pair that upstream's zh_normalization/char_convert.py carries verbatim
                    (upstream's module is a copy of PaddleSpeech's; both strings compare equal).
                    t2s/frontend/tone_sandhi.py and zh_frontend.py: the tone-sandhi and erhua word
                    lists upstream's tone_sandhi.py / chinese2.py copied from PaddleSpeech. Three of
                    the four lists are equal to 1.5.0's; the neutral-tone list differs by six added
                    and three removed words (no PaddleSpeech release has upstream's exact mix, see
                    NEUTRAL_TONE_EDITS), which we apply and check here.
  upstream files    opencpop-strict.txt, g2pw/polyphonic.rep + polyphonic-fix.rep (sha256-pinned).
  Python itself     str.isnumeric() table (tone_sandhi's "一" rule and the 个 rule call it).

Every float is written with repr(), which round-trips exactly through strtod.
"""
import ast
import json
import os
import sys
import tempfile
from pathlib import Path

FORMAT_VERSION = "1"


def _write(path: Path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line)
            f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _literal_assignment(path: Path, name: str):
    """Value of the top-level `name = <literal>` in a Python source file, without executing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    sys.exit(f"error: {path} has no literal assignment to {name}")


def _check_field(s: str, what: str):
    if "\t" in s or "\n" in s or "\r" in s:
        sys.exit(f"error: {what} {s!r} contains a tab or newline")
    return s


def _jieba_dict(pydata: Path, out: Path):
    # jieba.Tokenizer.gen_pfdict: FREQ[word] = freq (a later line wins), total = sum of every
    # line's freq (duplicates included). posseg.load_word_tag: word -> tag, a later line wins.
    freq, tag, total = {}, {}, 0
    with open(pydata / "jieba" / "dict.txt", "rb") as f:
        for raw in f:
            line = raw.strip().decode("utf-8")
            if not line:
                continue
            word, fq, tg = line.split(" ")
            freq[word] = int(fq)
            tag[word] = tg
            total += int(fq)
    lines = [f"#total\t{total}"]
    for word in sorted(freq):
        lines.append(f"{_check_field(word, 'jieba word')}\t{freq[word]}\t{tag[word]}")
    _write(out / "jieba_dict.tsv", lines)
    return len(freq)


def _finalseg(pydata: Path, out: Path):
    d = pydata / "jieba" / "finalseg"
    start = _literal_assignment(d / "prob_start.py", "P")
    trans = _literal_assignment(d / "prob_trans.py", "P")
    emit = _literal_assignment(d / "prob_emit.py", "P")
    lines = []
    for s, p in start.items():
        lines.append(f"start\t{s}\t{float(p)!r}")
    for s, row in trans.items():
        for t, p in row.items():
            lines.append(f"trans\t{s}\t{t}\t{float(p)!r}")
    for s, row in emit.items():
        for ch, p in row.items():
            lines.append(f"emit\t{s}\t{_check_field(ch, 'emit char')}\t{float(p)!r}")
    _write(out / "finalseg.tsv", lines)


def _posseg(pydata: Path, out: Path):
    d = pydata / "jieba" / "posseg"
    start = _literal_assignment(d / "prob_start.py", "P")
    trans = _literal_assignment(d / "prob_trans.py", "P")
    emit = _literal_assignment(d / "prob_emit.py", "P")
    chars = _literal_assignment(d / "char_state_tab.py", "P")
    state = lambda s: f"{s[0]}\t{s[1]}"
    lines = []
    for s, p in start.items():
        lines.append(f"start\t{state(s)}\t{float(p)!r}")
    for s, row in trans.items():
        # States without any outgoing transition matter to the Viterbi (they are skipped as
        # predecessors), so every state gets a line even when its row is empty.
        lines.append(f"state\t{state(s)}")
        for t, p in row.items():
            lines.append(f"trans\t{state(s)}\t{state(t)}\t{float(p)!r}")
    for s, row in emit.items():
        for ch, p in row.items():
            lines.append(f"emit\t{state(s)}\t{_check_field(ch, 'emit char')}\t{float(p)!r}")
    for ch, states in chars.items():
        lines.append(f"chars\t{_check_field(ch, 'state char')}\t" + " ".join(f"{s[0]}:{s[1]}" for s in states))
    _write(out / "posseg.tsv", lines)


def _pypinyin(pydata: Path, out: Path):
    d = pydata / "pypinyin"
    singles = json.loads((d / "pinyin_dict.json").read_text(encoding="utf-8"))
    lines = []
    for code in sorted(singles, key=int):
        lines.append(f"{_check_field(chr(int(code)), 'pinyin char')}\t{_check_field(singles[code], 'reading')}")
    _write(out / "pinyin_chars.tsv", lines)

    phrases = json.loads((d / "phrases_dict.json").read_text(encoding="utf-8"))
    lines = []
    for phrase in sorted(phrases):
        readings = phrases[phrase]
        # lazy_pinyin (heteronym=False) only ever uses the first reading of each character.
        firsts = [r[0] for r in readings]
        if any(" " in r for r in firsts):
            sys.exit(f"error: pypinyin phrase {phrase!r} has a reading with a space")
        lines.append(f"{_check_field(phrase, 'phrase')}\t{' '.join(firsts)}")
    _write(out / "pinyin_phrases.tsv", lines)
    return len(singles), len(phrases)


def _t2s(pydata: Path, out: Path):
    src = pydata / "paddlespeech" / "t2s" / "frontend" / "zh_normalization" / "char_convert.py"
    simplified = _literal_assignment(src, "simplified_charcters")
    traditional = _literal_assignment(src, "traditional_characters")
    if len(simplified) != len(traditional):
        sys.exit(f"error: {src}: the two character strings differ in length")
    t2s = {}
    for s, t in zip(simplified, traditional):
        t2s[t] = s  # same order as upstream's loop: a later pair wins
    lines = [f"{_check_field(t, 't2s')}\t{_check_field(s, 't2s')}" for t, s in sorted(t2s.items()) if t != s]
    _write(out / "t2s.tsv", lines)
    return len(lines)


# Upstream 48b1a01's ToneSandhi.must_neural_tone_words = paddlespeech 1.5.0's set with these edits
# (found by comparing the two files; must_not_neural_tone_words, must_erhua and not_erhua are equal).
NEUTRAL_TONE_EDITS = {
    "add": ["不在", "学生", "情形", "打点", "老头", "老太"],
    "remove": ["别人", "戏弄", "将军"],
}
EXPECTED_SIZES = {"must_neural": 420, "must_not_neural": 40, "must_erhua": 8, "not_erhua": 44}


def _attribute_literal(path: Path, attr: str):
    """Value of the first `<anything>.attr = <literal>` or `attr = <literal>` in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for t in node.targets:
            name = t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", None)
            if name == attr:
                return ast.literal_eval(node.value)
    sys.exit(f"error: {path} has no literal assignment to {attr}")


def _sandhi_words(pydata: Path, out: Path):
    frontend = pydata / "paddlespeech" / "t2s" / "frontend"
    lists = {
        "must_neural": set(_attribute_literal(frontend / "tone_sandhi.py", "must_neural_tone_words")),
        "must_not_neural": set(_attribute_literal(frontend / "tone_sandhi.py", "must_not_neural_tone_words")),
        "must_erhua": set(_attribute_literal(frontend / "zh_frontend.py", "must_erhua")),
        "not_erhua": set(_attribute_literal(frontend / "zh_frontend.py", "not_erhua")),
    }
    for w in NEUTRAL_TONE_EDITS["remove"]:
        lists["must_neural"].discard(w)
    lists["must_neural"].update(NEUTRAL_TONE_EDITS["add"])
    for name, size in EXPECTED_SIZES.items():
        if len(lists[name]) != size:
            sys.exit(f"error: {name} has {len(lists[name])} words, upstream has {size}: paddlespeech changed?")
    lines = [f"{name}\t{_check_field(w, name)}" for name in sorted(lists) for w in sorted(lists[name])]
    _write(out / "sandhi_words.tsv", lines)


def _numeric(out: Path):
    ranges, start, prev = [], None, None
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or not chr(cp).isnumeric():
            continue
        if start is not None and cp == prev + 1:
            prev = cp
            continue
        if start is not None:
            ranges.append((start, prev))
        start = prev = cp
    if start is not None:
        ranges.append((start, prev))
    _write(out / "numeric_chars.txt", [f"{a:x}\t{b:x}" for a, b in ranges])


def _opencpop(upstream: Path, out: Path):
    lines = []
    for line in (upstream / "opencpop-strict.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        pinyin, phones = line.split("\t")[0], line.strip().split("\t")[1]
        lines.append(f"{pinyin}\t{phones}")
    _write(out / "opencpop.tsv", lines)


def _polyphonic(upstream: Path, out: Path):
    # g2pw.read_dict: "key: ['py1', 'py2']" lines, polyphonic.rep then polyphonic-fix.rep, a later
    # key wins. Only the g2pW path (the polyphone hook) reads it.
    merged = {}
    for name in ("polyphonic.rep", "polyphonic-fix.rep"):
        with open(upstream / "g2pw" / name, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                key, value = line.split(":")
                merged[key.strip()] = ast.literal_eval(value.strip())
    lines = [f"{_check_field(k, 'polyphonic')}\t{' '.join(v)}" for k, v in sorted(merged.items())]
    _write(out / "polyphonic.tsv", lines)


def build(ctx):
    pydata, upstream = Path(ctx["pydata"]), Path(ctx["upstream"])
    out = Path(ctx["out"]) / "zh"
    words = _jieba_dict(pydata, out)
    _finalseg(pydata, out)
    _posseg(pydata, out)
    chars, phrases = _pypinyin(pydata, out)
    t2s = _t2s(pydata, out)
    _sandhi_words(pydata, out)
    _numeric(out)
    _opencpop(upstream, out)
    _polyphonic(upstream, out)
    _write(out / "FORMAT", [FORMAT_VERSION])
    print(f"    zh: {words} jieba words, {chars} pinyin chars, {phrases} phrases, {t2s} t2s pairs")
