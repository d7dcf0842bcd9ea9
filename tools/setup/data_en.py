"""English and language-split frontend data: writes plain files under .deps/data/en/ that
src/text/en_*.cpp and src/text/lang_split.cpp read. Nothing is imported from the packages.

Sources:
  g2p_en 2.1.0            checkpoint20.npz (the GRU encoder-decoder for out-of-vocabulary words)
                          -> g2p_en.safetensors (the .npy members re-wrapped, float32 unchanged);
                          homographs.en copied.
  wordsegment 1.3.1       unigrams.txt, bigrams.txt copied.
  textblob-aptagger 0.2.0 trontagger-0.1.0.pickle: Honnibal's averaged-perceptron POS model, the
                          model NLTK's averaged_perceptron_tagger was ported from. NLTK downloads its
                          own copy at run time and no PyPI package ships it, so this one stands in
                          (docs/frontend.md says what that changes). Read with an unpickler that
                          allows only the builtin `set`, written as tagger.tsv.
  budoux 0.10.1           models/ja.json, models/zh-hans.json copied (split-lang's phrase parsers).
The CMU dictionaries and the name dictionary are read by the C++ code from ../upstream/ directly.
"""
import json
import os
import pickle
import struct
import sys
import tempfile
import zipfile
from pathlib import Path

FORMAT_VERSION = "1"


def _atomic_write_bytes(path: Path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _copy(src: Path, dst: Path):
    if not src.exists():
        sys.exit(f"error: {src} is missing (is the pinned PyPI package installed?)")
    _atomic_write_bytes(dst, src.read_bytes())


def _npy_float32(blob: bytes, name: str):
    """(shape, raw little-endian float32 bytes) of a version 1/2 .npy member."""
    if blob[:6] != b"\x93NUMPY":
        sys.exit(f"error: {name} is not a .npy array")
    major = blob[6]
    if major == 1:
        hlen = struct.unpack("<H", blob[8:10])[0]
        start = 10
    else:
        hlen = struct.unpack("<I", blob[8:12])[0]
        start = 12
    header = blob[start:start + hlen].decode("latin1")
    # The header is a Python dict literal of strings, a bool and a tuple of ints.
    import ast
    meta = ast.literal_eval(header)
    if meta["descr"] != "<f4" or meta["fortran_order"]:
        sys.exit(f"error: {name}: expected C-ordered <f4, got {meta}")
    shape = list(meta["shape"])
    count = 1
    for d in shape:
        count *= d
    data = blob[start + hlen:]
    if len(data) != 4 * count:
        sys.exit(f"error: {name}: {len(data)} bytes for shape {shape}")
    return shape, data


def _npz_to_safetensors(npz: Path, out: Path):
    tensors = {}
    with zipfile.ZipFile(npz) as z:
        for info in z.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            tensors[name] = _npy_float32(z.read(info.filename), info.filename)
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        shape, data = tensors[name]
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = {"source": "g2p_en 2.1.0 checkpoint20.npz"}
    hjson = json.dumps(header, separators=(",", ":")).encode()
    hjson += b" " * (-len(hjson) % 8)
    _atomic_write_bytes(out, struct.pack("<Q", len(hjson)) + hjson + b"".join(blobs))


class _SetOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in (("__builtin__", "set"), ("builtins", "set")):
            return set
        raise pickle.UnpicklingError(f"refusing global {module}.{name} in the tagger pickle")


def _check_field(s: str, what: str) -> str:
    if any(c in s for c in "\t\n\r") or s == "":
        sys.exit(f"error: {what} {s!r} is empty or contains a tab or newline")
    return s


def _tagger(pickle_path: Path, out: Path):
    """tagger.tsv: 'C<TAB>class...', then 'T<TAB>word<TAB>tag' rows, then
    'W<TAB>feature<TAB>class<TAB>weight...' rows (weights with repr(): exact through strtod)."""
    with open(pickle_path, "rb") as f:
        weights, tagdict, classes = _SetOnlyUnpickler(f, encoding="utf-8").load()
    lines = ["# averaged perceptron POS tagger (textblob-aptagger 0.2.0 trontagger-0.1.0.pickle)",
             "C\t" + "\t".join(_check_field(c, "class") for c in sorted(classes))]
    for word, tag in tagdict.items():
        lines.append(f"T\t{_check_field(word, 'word')}\t{_check_field(tag, 'tag')}")
    for feat, per_class in weights.items():
        cells = [f"{_check_field(c, 'class')}\t{float(w)!r}" for c, w in per_class.items()]
        lines.append("\t".join(["W", _check_field(feat, "feature")] + cells))
    _atomic_write_bytes(out, ("\n".join(lines) + "\n").encode("utf-8"))


def build(ctx):
    pydata: Path = ctx["pydata"]
    out: Path = ctx["out"] / "en"
    out.mkdir(parents=True, exist_ok=True)
    _npz_to_safetensors(pydata / "g2p_en" / "checkpoint20.npz", out / "g2p_en.safetensors")
    _copy(pydata / "g2p_en" / "homographs.en", out / "homographs.en")
    _copy(pydata / "wordsegment" / "unigrams.txt", out / "wordsegment_unigrams.txt")
    _copy(pydata / "wordsegment" / "bigrams.txt", out / "wordsegment_bigrams.txt")
    _tagger(pydata / "textblob_aptagger" / "trontagger-0.1.0.pickle", out / "tagger.tsv")
    _copy(pydata / "budoux" / "models" / "ja.json", out / "budoux_ja.json")
    _copy(pydata / "budoux" / "models" / "zh-hans.json", out / "budoux_zh-hans.json")
    (out / "VERSION").write_text(FORMAT_VERSION + "\n")
    print(f"    wrote {out}")
