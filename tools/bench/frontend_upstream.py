#!/usr/bin/env python3
"""Upstream's Python text frontend (TextPreprocessor.preprocess, pypinyin path for zh, the same
stand-ins as tools/golden/frontend_corpus.py) on the sentences of bench/bench_frontend.cpp:
median warm time per sentence, and the cold first call.

    /work/oracle-venv/bin/python tools/bench/frontend_upstream.py --upstream /work/upstream
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))
from frontend_corpus import Oracle  # noqa: E402

# Keep in step with bench/bench_frontend.cpp.
SENTENCES = {
    "zh": ("今天上午十点，市政府召开新闻发布会，介绍了2024年城市建设的主要成果。据统计，全年新建道路120公里，"
           "改造老旧小区356个，惠及居民约8.5万户。下一步，还将加快地铁三号线建设，力争明年底前正式通车运营。", "zh"),
    "en": ("The committee met on Tuesday to review the budget; members agreed to read the report again before the vote.",
           "en"),
    "mixed_auto": ("我们今天用Python和PyTorch训练了一个model，loss降到了0.35，效果还不错。明天打算换成更大的dataset再跑一遍，看看accuracy能不能超过百分之九十。", "auto"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", type=Path, required=True)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    t0 = time.perf_counter()
    oracle = Oracle(args.upstream)
    print(f"import_and_load_s {time.perf_counter() - t0:.3f}")
    for name, (text, lang) in SENTENCES.items():
        t = time.perf_counter()
        oracle.preprocess(text, lang, "cut0")
        cold = time.perf_counter() - t
        times = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            oracle.preprocess(text, lang, "cut0")
            times.append(time.perf_counter() - t)
        print(f"upstream_frontend {name} chars={len(text)} first_call_ms={cold * 1e3:.2f} "
              f"median_ms={statistics.median(times) * 1e3:.3f}")


if __name__ == "__main__":
    main()
