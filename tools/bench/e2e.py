#!/usr/bin/env python3
"""End-to-end speed of `gpt-sovits speak` side by side with upstream's TTS.run (PyTorch, CPU, fp32).

    OPENBLAS_CORETYPE=... /work/oracle-venv/bin/python tools/bench/e2e.py --upstream /work/upstream \
        [--ours build/gpt-sovits] [--reps 3] [--tokens-per-segment 60] [--threads 1] [--work DIR]

Both sides synthesise the same three texts (short ~30, medium ~110, long ~400 characters; Chinese with a
few English words) with the same full-size random-init v2 weights and the same synthetic 5 s reference
clip, on the same machine, in one run, interleaved:

  ours      the gpt-sovits binary, a fresh process per run (`speak --stats`: load, reference, frontend,
            T2S and SoVITS are reported separately; peak RSS and CPU time from wait4). One warm-up run
            per text first. Streaming: `--stream 1` (one chunk per text segment) and `--stream 3`
            (fixed 16-token chunks); first_chunk_s is measured from the start of synthesis, after the
            models and the reference are ready.
  upstream  TTS_infer_pack/TTS.py `TTS.run`, unchanged, in one Python worker process per text (models
            loaded once, one warm-up call). Each timed call starts from an empty prompt cache, so the
            reference features (set_ref_audio + the prompt text's BERT) are recomputed like ours; the
            stage split is the line TTS.run itself prints (t1-t0 reference, t2-t1 frontend, t_34 T2S,
            t_45 SoVITS). Streaming: `return_fragment=True` (= ours --stream 1) and `streaming_mode=True,
            fixed_length_chunk=True` (= ours --stream 3), prompt cache warm, first chunk = time from the
            TTS.run call to its first yield (the generator is then closed). Peak RSS = the worker's
            ru_maxrss after its non-streaming calls (models loaded, torch and the frontend imported).

Equal work on both sides. A random-weight GPT almost never emits EOS, and upstream's decode loops are
hard-coded to 1500 steps, so every segment runs exactly N = --tokens-per-segment + 1 T2S steps (one
prefill + N-1 cached decode steps) and SoVITS decodes N-1... precisely:
  * ours: `--max-tokens N --top-k 1`: the step cap stops after N steps and, as upstream's
    infer_panel_batch_infer does, keeps N-1 = --tokens-per-segment tokens (the last one is dropped).
  * upstream: TTS.run passes early_stop_num = configs.hz * configs.max_sec; the worker sets hz = 1 and
    max_sec = --tokens-per-segment, so the loop stops after N steps and keeps the same N-1 tokens
    (streaming: all N tokens on both sides). EOS is made impossible with a forward hook on
    ar_predict_layer that sets the EOS logit to -inf (greedy: never sampled, never the argmax).
  * both: top_k 1 (greedy), seed 1, cut1, text_lang zh, batch_size 1, parallel_infer True (TTS.run's
    default), SoVITS noise left at upstream's 0.5 (noise does not change the speed).
  The script checks the token and segment counts of every run and the audio length of both sides.

Upstream's frontend uses the stand-ins of tools/golden/frontend_corpus.py (script-based language
detection, pypinyin instead of g2pW, the NLTK tagger from .deps/data) through tools/golden/e2e.py's
setup_upstream_pipeline (which also registers the unused ffmpeg/peft imports); the reference clip is
tools/golden/e2e.py's voice_clip. Nothing of upstream is copied; the upstream checkout is not modified.

Threads: ours OPENBLAS_NUM_THREADS = --threads (MLX's CPU backend itself runs one stream), upstream
torch.set_num_threads(--threads). OPENBLAS_CORETYPE is passed through unchanged to both sides.
Prints a markdown table (medians over --reps) plus the conditions and the exact command lines; the raw
per-run numbers go to WORK/results.json.
"""
import argparse
import contextlib
import copy
import importlib.util
import io
import json
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tools" / "golden"
LARGE = Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large"))

PROMPT_TEXT = "大家好，欢迎收听今天的节目。"
TEXTS = {
    "short": "今天天气很好，我们一起去公园散步，顺便用iPhone拍照。",
    "medium": ("上周我们发布了新版本的语音合成工具，它可以在普通的CPU上运行，不需要Python环境。"
               "测试的时候，我们用了一段五秒钟的参考音频，效果比预想的好很多。"
               "下一步打算支持更多的语言，比如English和日语，同时继续优化速度。"),
    "long": ("人工智能的发展正在改变我们的生活方式。从早上醒来的那一刻起，手机上的语音助手就会告诉你今天的天气和日程安排。"
             "在上班的路上，导航软件会根据实时路况为你规划最快的路线，而车里播放的播客，也许就是由AI合成的声音朗读的。"
             "到了公司，你打开电脑，用ChatGPT帮你整理会议记录，再让它把要点翻译成English发给海外的同事。"
             "午休的时候，你戴上耳机，听一本有声书，朗读者的声音温暖而清晰，很难相信那其实是一个模型生成的。"
             "当然，这些技术也带来了新的问题，比如隐私保护、版权归属，以及声音被冒用的风险。"
             "晚上回到家，孩子用平板电脑上的学习软件练习英语口语，软件会实时纠正他的发音，并给出评分。"
             "这一切听起来像是科幻小说里的情节，可它已经悄悄地成为了日常生活的一部分。"
             "我们能做的，是理解这些工具的原理，善用它们的长处，同时对它们的局限保持清醒的认识。"),
}
TEXT_LANG = "zh"
CUT = "cut1"
SEED = 1
FRAGMENT_INTERVAL = 0.3
MIN_CHUNK = 16
OVERLAP = 2
CLIP_SECONDS, CLIP_SR, CLIP_SEED = 5.0, 48000, 2024


def load_golden_e2e(upstream: Path):
    """tools/golden/e2e.py as a module. It parses sys.argv at import (its --upstream), so argv is
    swapped for the import only."""
    if "golden_e2e" in sys.modules:
        return sys.modules["golden_e2e"]
    sys.path.insert(0, str(GOLDEN))
    saved = sys.argv
    sys.argv = [str(GOLDEN / "e2e.py"), "--upstream", str(upstream)]
    try:
        spec = importlib.util.spec_from_file_location("golden_e2e", GOLDEN / "e2e.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["golden_e2e"] = mod
        spec.loader.exec_module(mod)
    finally:
        sys.argv = saved
    return mod


# ================================================================================================
# Upstream worker: one process per text, JSON lines on stdin/stdout.

def worker_main(args):
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # upstream's prints go to stderr (the log), the protocol keeps the real stdout
    sys.stdout = os.fdopen(1, "w", buffering=1)

    def send(obj):
        proto.write(json.dumps(obj) + "\n")

    golden = load_golden_e2e(args.upstream.resolve())
    import torch
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    _oracle, tts_module = golden.setup_upstream_pipeline(args.upstream.resolve())

    models = args.work / "models"
    t0 = time.perf_counter()
    cwd = os.getcwd()
    os.chdir(args.work)  # TTS_Config writes GPT_SoVITS/configs/tts_infer.yaml under the cwd
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            tts = tts_module.TTS({"custom": {
                "device": "cpu", "is_half": False, "version": "v2",
                "t2s_weights_path": str(models / "s1.ckpt"), "vits_weights_path": str(models / "s2.pth"),
                "bert_base_path": str(models / "chinese-roberta-wwm-ext-large"),
                "cnhuhbert_base_path": str(models / "chinese-hubert-base")}})
    finally:
        os.chdir(cwd)
    load_s = time.perf_counter() - t0
    assert tts.configs.version == "v2" and not tts.configs.use_vocoder and not tts.is_v2pro

    # Equal work: early_stop_num = hz * max_sec = tokens per segment; EOS never wins.
    tts.configs.hz = 1
    tts.configs.max_sec = args.tokens_per_segment
    t2s = tts.t2s_model.model
    eos = t2s.EOS

    def no_eos(_module, _inputs, logits):
        logits[..., eos] = float("-inf")
        return logits
    t2s.ar_predict_layer.register_forward_hook(no_eos)

    # Observer only: what SoVITS decode was given (segments and tokens).
    decoded = []
    for name in ("decode", "decode_streaming"):
        orig = getattr(tts.vits_model, name)

        def wrapped(codes, *a, _orig=orig, **k):
            decoded.append(int(codes.shape[-1]))
            return _orig(codes, *a, **k)
        setattr(tts.vits_model, name, wrapped)

    empty_cache = copy.deepcopy(tts.prompt_cache)
    text = TEXTS[args.text]
    line_re = re.compile(r"^(\d+\.\d+)\t(\d+\.\d+)\t(\d+\.\d+)\t(\d+\.\d+)$", re.M)
    send({"ready": True, "load_s": load_s, "torch": torch.__version__, "threads": torch.get_num_threads()})

    for line in sys.stdin:
        req = json.loads(line)
        if req["cmd"] == "quit":
            break
        mode = req["mode"]  # full | fragment | stream
        inputs = {
            "text": text, "text_lang": TEXT_LANG, "ref_audio_path": str(args.work / "ref.wav"),
            "aux_ref_audio_paths": [], "prompt_text": PROMPT_TEXT, "prompt_lang": "zh",
            "top_k": 1, "top_p": 1, "temperature": 1, "text_split_method": CUT, "batch_size": 1,
            "batch_threshold": 0.75, "split_bucket": True, "speed_factor": 1.0,
            "fragment_interval": FRAGMENT_INTERVAL, "seed": SEED, "parallel_infer": True,
            "repetition_penalty": 1.35, "return_fragment": mode == "fragment", "streaming_mode": mode == "stream",
            "fixed_length_chunk": True, "min_chunk_length": MIN_CHUNK, "overlap_length": OVERLAP,
        }
        if mode == "full":
            tts.prompt_cache = copy.deepcopy(empty_cache)  # recompute the reference side
        decoded.clear()
        buf = io.StringIO()
        c0, t0 = time.process_time(), time.perf_counter()
        first = None
        outs = []
        with contextlib.redirect_stdout(buf):
            gen = tts.run(inputs)
            for sr, audio in gen:
                if first is None:
                    first = time.perf_counter() - t0
                outs.append((sr, audio))
                if mode != "full":
                    break  # only the first-chunk latency is wanted
            gen.close()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        res = {"mode": mode, "wall_s": wall, "cpu_s": cpu, "first_chunk_s": first, "decoded": list(decoded)}
        if mode == "full":
            m = line_re.findall(buf.getvalue())
            assert m, "TTS.run printed no timing line:\n" + buf.getvalue()[-2000:]
            ref, front, t2s_s, sov = map(float, m[-1])
            assert len(outs) == 1
            sr, audio = outs[0]
            res.update(reference_s=ref, frontend_s=front, t2s_s=t2s_s, sovits_s=sov,
                       audio_s=len(audio) / sr, segments=len(decoded), tokens=sum(decoded),
                       peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
        send(res)
    send({"bye": True, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0})


# ================================================================================================
# Driver

def prepare(args):
    work = args.work
    models = work / "models"
    (models / "sv").mkdir(parents=True, exist_ok=True)
    links = {
        "s1.ckpt": LARGE / "t2s" / "s1_fullsize.ckpt",
        "s2.pth": LARGE / "sovits" / "s2_v2_fullsize.pth",
        "chinese-roberta-wwm-ext-large": LARGE / "features" / "chinese-roberta-wwm-ext-large",
        "chinese-hubert-base": LARGE / "features" / "chinese-hubert-base",
        "sv/pretrained_eres2netv2w24s4ep4.ckpt": LARGE / "sv" / "pretrained_eres2netv2w24s4ep4.ckpt",
    }
    for name, target in links.items():
        if not target.exists():
            sys.exit(f"{target} is missing: make the full-size fixtures first (tools/golden/*_fullsize.py)")
        link = models / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)
    ref = work / "ref.wav"
    if not ref.exists():
        import soundfile as sf
        golden = load_golden_e2e(args.upstream.resolve())
        sf.write(ref, golden.voice_clip(CLIP_SECONDS, CLIP_SR, CLIP_SEED), CLIP_SR, subtype="PCM_16")
    return models, ref


def ours_command(args, models, ref, text, stream, out):
    return [str(args.ours), "speak", "--gpt", str(models / "s1.ckpt"), "--sovits", str(models / "s2.pth"),
            "--models", str(models), "--ref", str(ref), "--ref-text", PROMPT_TEXT, "--ref-lang", "zh",
            "--text", text, "--lang", TEXT_LANG, "--cut", CUT, "--top-k", "1",
            "--max-tokens", str(args.tokens_per_segment + 1), "--seed", str(SEED),
            "--fragment-interval", str(FRAGMENT_INTERVAL), "--stream", str(stream),
            "--min-chunk-length", str(MIN_CHUNK), "--overlap-length", str(OVERLAP),
            "--stats", "-q", "-o", str(out)]


def run_ours(args, cmd, env):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode("utf-8", "replace")
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"ours failed ({p.returncode}): {shlex.join(cmd)}\n{err}")
    stats = None
    for line in err.splitlines():
        if line.startswith("stats "):
            stats = json.loads(line[6:])
    assert stats, err
    stats["process_wall_s"] = wall
    stats["cpu_s"] = ru.ru_utime + ru.ru_stime
    stats["maxrss_mb_wait4"] = ru.ru_maxrss / 1024.0
    return stats


class Worker:
    def __init__(self, args, text_name, env, log):
        self.cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--upstream", str(args.upstream),
                    "--work", str(args.work), "--threads", str(args.threads),
                    "--tokens-per-segment", str(args.tokens_per_segment), "--text", text_name]
        self.p = subprocess.Popen(self.cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                  text=True, bufsize=1)
        self.hello = self._read()

    def _read(self):
        line = self.p.stdout.readline()
        if not line:
            sys.exit(f"the upstream worker died; see its log ({self.cmd})")
        return json.loads(line)

    def run(self, mode):
        self.p.stdin.write(json.dumps({"cmd": "run", "mode": mode}) + "\n")
        return self._read()

    def close(self):
        self.p.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
        bye = self._read()
        self.p.wait()
        return bye


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def check_counts(side, text_name, r, segments_expected, tokens_per_segment):
    if r["tokens"] != r["segments"] * tokens_per_segment:
        print(f"WARNING: {side} {text_name}: {r['tokens']} tokens over {r['segments']} segments, expected "
              f"{tokens_per_segment} per segment (EOS or a short segment): the work is not equal", file=sys.stderr)
    if segments_expected is not None and r["segments"] != segments_expected:
        print(f"WARNING: {side} {text_name}: {r['segments']} segments, the other side {segments_expected}",
              file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", type=Path, required=True, help="upstream GPT-SoVITS checkout (48b1a01)")
    ap.add_argument("--ours", type=Path, default=REPO / "build" / "gpt-sovits")
    ap.add_argument("--reps", type=int, default=3, help="timed runs per text and side (medians reported)")
    ap.add_argument("--stream-reps", type=int, default=None, help="timed streaming runs (default: --reps)")
    ap.add_argument("--tokens-per-segment", type=int, default=60)
    ap.add_argument("--threads", type=int, default=1, help="OPENBLAS_NUM_THREADS (ours), torch threads (upstream)")
    ap.add_argument("--texts", default="short,medium,long")
    ap.add_argument("--work", type=Path, default=Path("/tmp/gsv-bench-e2e"), help="models folder, clip, logs")
    ap.add_argument("--no-stream", action="store_true", help="skip the streaming runs")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--text", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.work = args.work.resolve()
    if args.worker:
        return worker_main(args)

    args.ours = args.ours.resolve()
    stream_reps = args.reps if args.stream_reps is None else args.stream_reps
    args.work.mkdir(parents=True, exist_ok=True)
    models, ref = prepare(args)
    env = dict(os.environ)
    env["TQDM_DISABLE"] = "1"
    ours_env = dict(env, OPENBLAS_NUM_THREADS=str(args.threads))
    up_env = dict(env)
    log_path = args.work / "upstream_worker.log"
    log = open(log_path, "w")
    out_wav = args.work / "ours.wav"
    texts = [t.strip() for t in args.texts.split(",") if t.strip()]
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    results = {}
    loads = [load_before]

    def progress(msg):
        print(f"[{time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.1f}] {msg}", file=sys.stderr, flush=True)

    for name in texts:
        text = TEXTS[name]
        res = {"ours": {"full": [], "stream1": [], "stream3": []}, "upstream": {"full": [], "fragment": [], "stream": []}}
        progress(f"{name}: starting the upstream worker")
        worker = Worker(args, name, up_env, log)
        res["upstream"]["load_s"] = worker.hello["load_s"]
        res["upstream"]["torch_threads"] = worker.hello["threads"]
        res["upstream"]["torch"] = worker.hello["torch"]
        cmd0 = ours_command(args, models, ref, text, 0, out_wav)
        progress(f"{name}: warm-up")
        run_ours(args, cmd0, ours_env)
        worker.run("full")
        for rep in range(args.reps):
            progress(f"{name}: rep {rep + 1}/{args.reps}")
            order = ["ours", "upstream"] if rep % 2 == 0 else ["upstream", "ours"]
            for side in order:
                if side == "ours":
                    res["ours"]["full"].append(run_ours(args, cmd0, ours_env))
                else:
                    res["upstream"]["full"].append(worker.run("full"))
            loads.append(os.getloadavg())
        res["upstream"]["peak_rss_mb"] = res["upstream"]["full"][-1]["peak_rss_mb"]
        if not args.no_stream:
            for rep in range(stream_reps):
                progress(f"{name}: streaming rep {rep + 1}/{stream_reps}")
                for ours_mode, up_mode in ((1, "fragment"), (3, "stream")):
                    cmd = ours_command(args, models, ref, text, ours_mode, out_wav)
                    pair = [("ours", cmd), ("upstream", up_mode)]
                    for side, what in (pair if rep % 2 == 0 else pair[::-1]):
                        if side == "ours":
                            res["ours"][f"stream{ours_mode}"].append(run_ours(args, what, ours_env))
                        else:
                            res["upstream"][up_mode].append(worker.run(what))
                loads.append(os.getloadavg())
        bye = worker.close()
        res["upstream"]["peak_rss_mb_with_streaming"] = bye["peak_rss_mb"]
        for r in res["ours"]["full"]:
            check_counts("ours", name, r, None, args.tokens_per_segment)
        for r in res["upstream"]["full"]:
            check_counts("upstream", name, r, res["ours"]["full"][0]["segments"], args.tokens_per_segment)
        a_ours, a_up = res["ours"]["full"][0]["audio_s"], res["upstream"]["full"][0]["audio_s"]
        if abs(a_ours - a_up) > 0.01:
            print(f"WARNING: {name}: audio {a_ours:.3f} s (ours) vs {a_up:.3f} s (upstream)", file=sys.stderr)
        results[name] = res
        (args.work / "results.json").write_text(json.dumps(results, indent=1))

    report(args, results, texts, models, ref, started, loads, stream_reps)


def report(args, results, texts, models, ref, started, loads, stream_reps):
    rows = []
    head = ("| text | side | synthesis wall (s) | CPU (s) | audio (s) | RTF | reference (s) | frontend (s) | T2S (s) "
            "| SoVITS (s) | first chunk, per segment (s) | first chunk, 16-token chunks (s) | peak RSS (MB) | load (s) |")
    rows.append(head)
    rows.append("|" + "---|" * 14)
    for name in texts:
        o, u = results[name]["ours"], results[name]["upstream"]
        of, uf = o["full"], u["full"]
        ours_v = {
            "wall": med([r["reference_s"] + r["synthesis_s"] for r in of]),
            "cpu": med([r["cpu_s"] for r in of]),  # whole process, load included
            "audio": med([r["audio_s"] for r in of]),
            "ref": med([r["reference_s"] for r in of]), "front": med([r["frontend_s"] for r in of]),
            "t2s": med([r["t2s_s"] for r in of]), "sov": med([r["sovits_s"] for r in of]),
            "fc1": med([r["first_chunk_s"] for r in o["stream1"]]),
            "fc3": med([r["first_chunk_s"] for r in o["stream3"]]),
            "rss": med([r["peak_rss_mb"] for r in of]), "load": med([r["load_s"] for r in of]),
        }
        up_v = {
            "wall": med([r["wall_s"] for r in uf]), "cpu": med([r["cpu_s"] for r in uf]),
            "audio": med([r["audio_s"] for r in uf]),
            "ref": med([r["reference_s"] for r in uf]), "front": med([r["frontend_s"] for r in uf]),
            "t2s": med([r["t2s_s"] for r in uf]), "sov": med([r["sovits_s"] for r in uf]),
            "fc1": med([r["first_chunk_s"] for r in u["fragment"]]),
            "fc3": med([r["first_chunk_s"] for r in u["stream"]]),
            "rss": u["peak_rss_mb"], "load": u["load_s"],
        }
        for v in (ours_v, up_v):
            v["rtf"] = ratio(v["wall"], v["audio"])
        seg = of[0]["segments"]
        label = f"{name} ({len(TEXTS[name])} chars, {seg} seg.)"

        def row(side, v, bold=False):
            cells = [fmt(v["wall"]), fmt(v["cpu"]), fmt(v["audio"]), fmt(v["rtf"]), fmt(v["ref"]),
                     fmt(v["front"]), fmt(v["t2s"]), fmt(v["sov"]), fmt(v["fc1"], 3), fmt(v["fc3"], 3),
                     fmt(v["rss"], 2 if bold else 0), fmt(v["load"])]  # the ratio row: 0.69, not 1
            if bold:
                cells = [f"**{c}**" if c != "–" else c for c in cells]
            return f"| {label} | {side} | " + " | ".join(cells) + " |"
        rows.append(row("ours", ours_v))
        rows.append(row("upstream", up_v))
        ratios = {k: ratio(ours_v[k], up_v[k]) for k in ours_v}
        rows.append(row("ours / upstream", ratios, bold=True))

    print("\n".join(rows))
    print()
    print("- ours CPU (s) is the whole process (load included, from wait4); upstream CPU is the TTS.run call's "
          "process time. Wall = reference + frontend + T2S + SoVITS (ours: reference_s + synthesis_s; upstream: "
          "the TTS.run call with an empty prompt cache).")
    print(f"- medians of {args.reps} timed runs per side after one warm-up each (streaming: {stream_reps} runs); "
          f"{args.tokens_per_segment} tokens per segment ({args.tokens_per_segment + 1} T2S steps).")
    print()
    coretype = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    u0 = results[texts[0]]["upstream"]
    print("Conditions:")
    print(f"- started {started}; nproc {os.cpu_count()}; OPENBLAS_CORETYPE={coretype} (both sides); "
          f"ours OPENBLAS_NUM_THREADS={args.threads}; upstream torch {u0['torch']} "
          f"torch.set_num_threads({args.threads}) -> {u0['torch_threads']}")
    print(f"- uptime load average (1/5/15 min): before {'/'.join(f'{x:.2f}' for x in loads[0])}, "
          f"during {min(l[0] for l in loads[1:]):.2f}-{max(l[0] for l in loads[1:]):.2f} (1 min), "
          f"after {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("Commands:")
    print("```")
    print(f"OPENBLAS_CORETYPE={coretype} {sys.executable} tools/bench/e2e.py " + " ".join(
        shlex.quote(a) for a in sys.argv[1:]))
    for name in texts:
        print(f"# ours, {name}:")
        print(f"OPENBLAS_NUM_THREADS={args.threads} " + shlex.join(ours_command(args, models, ref, TEXTS[name], 0,
                                                                            args.work / "ours.wav")))
    print(f"# upstream: TTS.run(inputs) in {sys.executable} with inputs = dict(text=..., text_lang='{TEXT_LANG}', "
          f"ref_audio_path='{ref}', prompt_text='{PROMPT_TEXT}', prompt_lang='zh', top_k=1, top_p=1, temperature=1, "
          f"text_split_method='{CUT}', batch_size=1, speed_factor=1.0, fragment_interval={FRAGMENT_INTERVAL}, "
          f"seed={SEED}, parallel_infer=True, repetition_penalty=1.35, return_fragment=False|True, "
          f"streaming_mode=False|True, fixed_length_chunk=True, min_chunk_length={MIN_CHUNK}, "
          f"overlap_length={OVERLAP}); configs.hz=1, configs.max_sec={args.tokens_per_segment}, EOS logit -inf")
    print("```")


if __name__ == "__main__":
    main()
