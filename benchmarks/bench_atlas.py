"""Benchmark: the chain atlas, supporting rates of all chain leaders and attraction targets at scales m and l.

ChainAtlas: a Polars snapshot built from the demo city's Parquet files (cold = load + compute; warm = compute
on the loaded snapshot). Baseline, same run: a straightforward pandas + NetworkX implementation of the same
figures (per-segment and per-leader filtering, the chain DAG in NetworkX). Results are checked equal.

    .venv/bin/python benchmarks/bench_atlas.py --scale m [--runs 3] [--warm 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

OUT = Path(__file__).parent / "out"
CHAIN = "nev"
HOME = "4101"


def links_file(scale: str) -> Path:
    """The scale's supply links (aggregated from its invoice lines by the import fast path), cached."""
    folder = OUT / scale
    links = folder / "links.parquet"
    if not (folder / "transactions.parquet").exists():
        subprocess.run([sys.executable, "-m", "chainatlas.cli", "demo", "--scale", scale, "--no-load", "--out", str(folder)], check=True)
    if not links.exists():
        from chainatlas.chains.templates import load_chains
        from chainatlas.exchange.importer import import_files
        from chainatlas.exchange.validate import Context
        from chainatlas.registry.codes import country_codes, industries

        parties = set(pl.read_parquet(folder / "enterprises.parquet", columns=["uscc"])["uscc"].to_list())
        ctx = Context(frozenset(), {i.code: i.code for i in industries()}, country_codes(),
                      frozenset(c.full_code(s.code) for c in load_chains() for s in c.segments), frozenset(), parties)
        assert import_files([folder / "transactions.parquet"], dry_run=True, context=ctx, links_out=links, write_reports=False).ok
    return links


def segments_frame() -> pl.DataFrame:
    from chainatlas.chains.templates import load_chains, segment_rows

    _, rows = segment_rows(load_chains())
    return pl.DataFrame(rows).with_columns(pl.col("feeds_into").str.json_decode(pl.List(pl.String))).select(
        "code", "chain_id", "name_zh", "name_en", "stage", "is_key", "feeds_into")


def timed(tasks: list[tuple[str, Callable[[], object]]], reps: int, res: dict[str, object], t_load: float) -> dict[str, object]:
    """Cold (load + first call) and warm (median of ``reps`` further calls) time per task; keeps each first
    result under ``result_<task>`` for the equality check."""
    for name, fn in tasks:
        t = time.perf_counter()
        out = fn()
        cold = time.perf_counter() - t
        warm = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            warm.append(time.perf_counter() - t)
        res[name] = {"cold": cold + t_load, "compute_first": cold, "warm": statistics.median(warm)}
        res[f"result_{name}"] = out
    return res


def ours(scale: str, reps: int = 3) -> dict[str, object]:
    from chainatlas.analysis.atlas import chain_atlas
    from chainatlas.analysis.snapshot import from_files
    from chainatlas.analysis.supporting_rate import leaders_rates
    from chainatlas.analysis.targets import attraction_targets

    folder = OUT / scale
    t0 = time.perf_counter()
    snap = from_files(folder / "enterprises.parquet", folder / "placements.parquet", links_file(scale), segments_frame())
    t_load = time.perf_counter() - t0
    res = timed([("atlas", lambda: chain_atlas(snap, CHAIN, home=HOME, period="2025")),
                 ("leaders", lambda: leaders_rates(snap, home=HOME, buyers_home=HOME)),
                 ("targets", lambda: attraction_targets(snap, CHAIN, home=HOME, period="2025", top=20))],
                reps, {"load": t_load}, t_load)
    atlas, leaders = res.pop("result_atlas"), res.pop("result_leaders")
    res.pop("result_targets")
    res["check_atlas"] = {s["code"]: [s["local_enterprises"], round(s["inputs_value_yuan"], 2), round(s["inputs_local_value_yuan"], 2)]
                          for s in atlas["segments"]}  # type: ignore[index]
    res["check_leaders"] = sorted((r["buyer_uscc"], r["period"], round(r["numerator"], 2)) for r in leaders.to_dicts())  # type: ignore[attr-defined]
    return res


def baseline(scale: str, reps: int = 3) -> dict[str, object]:
    import networkx as nx
    import pandas as pd

    folder = OUT / scale
    t0 = time.perf_counter()
    ents = pd.read_parquet(folder / "enterprises.parquet")
    pls = pd.read_parquet(folder / "placements.parquet")
    links = pd.read_parquet(links_file(scale))
    segs = segments_frame().to_pandas()
    t_load = time.perf_counter() - t0
    res: dict[str, object] = {"load": t_load}

    def atlas() -> dict[str, list[float]]:
        g = nx.DiGraph()
        chain = segs[segs.chain_id == CHAIN]
        for _, s in chain.iterrows():
            g.add_node(s.code)
            for t in s.feeds_into:
                g.add_edge(s.code, t)
        local = set(ents[ents.region_code.fillna("").str.startswith(HOME)].uscc)
        in_chain = set(pls[pls.segment_code.isin(list(g.nodes))].uscc)
        buyers = local & in_chain
        out = {}
        for code in nx.topological_sort(g):
            firms = set(pls[pls.segment_code == code].uscc) & local
            seg_links = links[(links.period == "2025") & (links.segment_code == code) & links.buyer_uscc.isin(buyers)]
            local_value = seg_links[seg_links.supplier_uscc.isin(local)].value_yuan.sum()
            out[code] = [len(firms), round(float(seg_links.value_yuan.sum()), 2), round(float(local_value), 2)]
        return out

    def leaders() -> list[tuple[str, str, float]]:
        local = set(ents[ents.region_code.fillna("").str.startswith(HOME)].uscc)
        rows = []
        for uscc in ents[ents.is_chain_leader.fillna(False) & ents.uscc.isin(local)].uscc:
            mine = links[links.buyer_uscc == uscc]
            for period, grp in mine.groupby("period"):
                rows.append((uscc, period, round(float(grp[grp.supplier_uscc.isin(local)].value_yuan.sum()), 2)))
        return sorted(rows)

    def targets() -> list[str]:
        a = atlas()
        local = set(ents[ents.region_code.fillna("").str.startswith(HOME)].uscc)
        gaps = [c for c, (n, v, lv) in a.items() if n == 0 or (v and lv / v < 0.25)]
        in_chain = set(pls[pls.segment_code.isin(list(a))].uscc) & local
        cands = links[(links.period == "2025") & links.segment_code.isin(gaps) & links.buyer_uscc.isin(in_chain)
                      & ~links.supplier_uscc.isin(local)]
        score = cands.groupby("supplier_uscc").value_yuan.sum().sort_values(ascending=False)
        return list(score.index[:20])

    res = timed([("atlas", atlas), ("leaders", leaders), ("targets", targets)], reps, res, t_load)
    res["check_atlas"], res["check_leaders"] = res.pop("result_atlas"), res.pop("result_leaders")
    res.pop("result_targets")
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="m")
    ap.add_argument("--child", default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warm", type=int, default=3, help="warm repetitions per task (median)")
    args = ap.parse_args()
    if args.child:
        out = (ours if args.child == "ours" else baseline)(args.scale, args.warm)
        print(json.dumps(out, default=str))
        return
    links_file(args.scale)
    runs: dict[str, list[dict[str, object]]] = {"ours": [], "baseline": []}
    for _ in range(args.runs):
        for impl in ("ours", "baseline"):
            proc = subprocess.run([sys.executable, __file__, "--scale", args.scale, "--child", impl, "--warm", str(args.warm)], check=True,
                                  capture_output=True, text=True)
            runs[impl].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    a, b = runs["ours"][0], runs["baseline"][0]
    assert {k: v for k, v in a["check_atlas"].items()} == b["check_atlas"], "atlas figures differ"  # type: ignore[union-attr]
    assert [list(x) for x in a["check_leaders"]] == [list(x) for x in b["check_leaders"]], "leader figures differ"  # type: ignore[union-attr]
    summary: dict[str, object] = {"scale": args.scale, "runs": args.runs}
    for task in ("atlas", "leaders", "targets"):
        row = {}
        for impl in ("ours", "baseline"):
            for kind in ("cold", "warm"):
                row[f"{impl}_{kind}_s"] = round(statistics.median(r[task][kind] for r in runs[impl]), 4)  # type: ignore[index]
        row["ratio_cold"] = round(row["baseline_cold_s"] / row["ours_cold_s"], 1)
        row["ratio_warm"] = round(row["baseline_warm_s"] / row["ours_warm_s"], 1)
        summary[task] = row
    summary["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
