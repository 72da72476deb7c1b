"""Benchmark: 10M invoice lines of the `l` demo city (Parquet) → supply links, end to end.

ChainAtlas path: ``import_files`` in batch mode (read in batches, validate every cell — USCC check
characters, known parties, amounts, dates —, infer segments, aggregate, write the links to Parquet).
Competent peer, same run: one DuckDB SQL job (``peers.links_duckdb``: the same per-line rules, the USCC
check character in SQL, anti-join on known firms, ``GROUP BY``, ``COPY … TO`` Parquet). Second baseline:
a straightforward pandas implementation. Each implementation runs in its own subprocess so that peak RSS
is its own; times are end to end including reading the known enterprises.

    .venv/bin/python benchmarks/bench_import.py [--runs 3] [--scale l] [--impls chainatlas,duckdb,pandas]

Prints a JSON summary; docs/benchmarks.md records the figures with machine and command. The summary also gives
each side's median seconds per step (``median_step_seconds``): ChainAtlas' from ``ImportReport.seconds``, the
peer's per SQL step.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"


def run_chainatlas(folder: Path, result: Path) -> dict[str, float]:
    import polars as pl

    from chainatlas.chains.templates import load_chains
    from chainatlas.exchange.importer import import_files
    from chainatlas.exchange.validate import Context
    from chainatlas.registry.codes import country_codes, industries

    t0 = time.perf_counter()
    parties = set(pl.read_parquet(folder / "enterprises.parquet", columns=["uscc"])["uscc"].to_list())
    ctx = Context(frozenset(), {i.code: i.code for i in industries()}, country_codes(),
                  frozenset(c.full_code(s.code) for c in load_chains() for s in c.segments),
                  frozenset(c.id for c in load_chains()), parties)
    t1 = time.perf_counter()
    report = import_files([folder / "transactions.parquet"], dry_run=True, context=ctx, links_out=result,
                          write_reports=False, engine=None)
    t2 = time.perf_counter()
    assert report.ok, report.problems[:3]
    return {"seconds": t2 - t1, "context_seconds": t1 - t0, "rows": report.rows["transactions"],
            "links": report.links_from_transactions,
            "steps": {"known firms": t1 - t0, **report.seconds}}


def run_pandas(folder: Path, result: Path) -> dict[str, float]:
    import datetime as dt

    import pandas as pd

    from chainatlas.chains.infer import SegmentMatcher
    from chainatlas.chains.templates import load_chains
    from chainatlas.registry.uscc import is_valid_uscc

    t0 = time.perf_counter()
    parties = set(pd.read_parquet(folder / "enterprises.parquet", columns=["uscc"])["uscc"])
    t1 = time.perf_counter()
    df = pd.read_parquet(folder / "transactions.parquet")
    codes = pd.unique(pd.concat([df["seller_uscc"], df["buyer_uscc"]]))
    ok = {c: (is_valid_uscc(c) or c.startswith("X-")) and c in parties for c in codes}
    valid = (df["seller_uscc"].map(ok) & df["buyer_uscc"].map(ok) & df["amount_yuan"].notna()
             & (df["amount_yuan"] >= 0) & (df["amount_yuan"] <= 1e13)
             & (pd.to_datetime(df["invoice_date"]) <= pd.Timestamp(dt.date.today())) & df["goods_name"].notna())
    assert bool(valid.all())
    matcher = SegmentMatcher.from_chains(load_chains())
    goods = df[["goods_name", "goods_tax_code"]].drop_duplicates()
    goods["segment_code"] = [matcher.match(g, c) for g, c in zip(goods["goods_name"], goods["goods_tax_code"], strict=True)]
    df = df.merge(goods, on=["goods_name", "goods_tax_code"], how="left")
    df["period"] = pd.to_datetime(df["invoice_date"]).dt.year.astype(str)
    links = df.groupby(["seller_uscc", "buyer_uscc", "period", "segment_code"], as_index=False)["amount_yuan"].sum()
    links.to_parquet(result)
    t2 = time.perf_counter()
    return {"seconds": t2 - t1, "context_seconds": t1 - t0, "rows": len(df), "links": len(links)}


def run_duckdb(folder: Path, result: Path) -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).parent))
    import duckdb  # noqa: F401  (imported before the clock starts, as ChainAtlas' modules are)
    from peers import links_duckdb

    from chainatlas.chains.infer import SegmentMatcher  # noqa: F401

    t0 = time.perf_counter()
    steps: dict[str, float] = {}
    stats = links_duckdb(folder / "transactions.parquet", folder / "enterprises.parquet", result, timings=steps)
    t1 = time.perf_counter()
    assert stats["bad_lines"] == 0 and stats["unknown_parties"] == 0, stats
    rows = int(__import__("polars").scan_parquet(folder / "transactions.parquet").select(__import__("polars").len()).collect().item())
    return {"seconds": t1 - t0, "context_seconds": 0.0, "rows": rows, "links": stats["links"], "steps": steps}


IMPLS = {"chainatlas": run_chainatlas, "duckdb": run_duckdb, "pandas": run_pandas}


def child(impl: str, folder: Path) -> None:
    result = OUT / f"links-{impl}.parquet"
    stats = IMPLS[impl](folder, result)
    stats["seconds"] += stats["context_seconds"]  # end to end: the peers read the known firms too
    stats["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(stats))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", default="l")
    ap.add_argument("--child", default=None)
    ap.add_argument("--impls", default="chainatlas,duckdb,pandas")
    args = ap.parse_args()
    folder = OUT / args.scale
    if args.child:
        child(args.child, folder)
        return
    if not (folder / "transactions.parquet").exists():
        subprocess.run([sys.executable, "-m", "chainatlas.cli", "demo", "--scale", args.scale, "--no-load",
                        "--out", str(folder)], check=True)
    impls = args.impls.split(",")
    results: dict[str, list[dict[str, float]]] = {impl: [] for impl in impls}
    for _ in range(args.runs):
        for impl in impls:  # interleaved, so noise hits all alike
            out = subprocess.run([sys.executable, __file__, "--scale", args.scale, "--child", impl],
                                 check=True, capture_output=True, text=True, env=os.environ)
            results[impl].append(json.loads(out.stdout.strip().splitlines()[-1]))
    summary = {}
    for impl, rs in results.items():
        summary[impl] = {"median_seconds": round(statistics.median(r["seconds"] for r in rs), 2),
                         "runs_seconds": [round(r["seconds"], 2) for r in rs],
                         "peak_rss_mb": round(max(r["peak_rss_mb"] for r in rs)),
                         "rows": int(rs[0]["rows"]), "links": int(rs[0]["links"]),
                         "rows_per_second": round(rs[0]["rows"] / statistics.median(r["seconds"] for r in rs))}
        if all("steps" in r for r in rs):  # where the time went: median seconds per step, in the order run
            summary[impl]["median_step_seconds"] = {k: round(statistics.median(r["steps"][k] for r in rs), 2)
                                                    for k in rs[0]["steps"]}
    import polars as pl

    ours = pl.read_parquet(OUT / "links-chainatlas.parquet")
    keys = ["supplier_uscc", "buyer_uscc", "period", "segment_code"]
    for impl in impls:
        other = pl.read_parquet(OUT / f"links-{impl}.parquet")
        other = other.rename({k: v for k, v in {"seller_uscc": "supplier_uscc", "amount_yuan": "value_yuan"}.items()
                              if k in other.columns}).with_columns(pl.col("value_yuan").round(2))
        summary[impl]["same_links_as_chainatlas"] = ours.select([*keys, "value_yuan"]).sort(keys).equals(
            other.select([*keys, "value_yuan"]).sort(keys))
        if impl != "chainatlas":
            summary[f"speedup_vs_{impl}"] = round(summary[impl]["median_seconds"] / summary["chainatlas"]["median_seconds"], 2)
            summary[f"memory_ratio_vs_{impl}"] = round(summary["chainatlas"]["peak_rss_mb"] / summary[impl]["peak_rss_mb"], 2)
    summary["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
