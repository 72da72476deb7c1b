"""Benchmark: the chain atlas, supporting rates of all chain leaders and attraction targets at scales m and l.

ChainAtlas: a Polars snapshot built from the demo city's Parquet files (cold = a new snapshot, its tables read
on first use, + compute; warm = compute on the loaded snapshot). ``stored``: the same in a new process that finds
the derived frames a previous process kept in a frame store (``analysis.framestore``) for the same files. Competent peers, same run (``peers.py``): DuckDB SQL per task (cold = views over the
Parquet files, first query; warm = the same queries on tables loaded into DuckDB's memory), and a hand-written
lazy Polars plan per task (atlas, leaders) over the files. Second baseline: a straightforward pandas + NetworkX
implementation (per-segment and per-leader filtering, the chain DAG in NetworkX). Results are checked equal.

    .venv/bin/python benchmarks/bench_atlas.py --scale m [--runs 3] [--warm 3] [--impls ours,stored,duckdb,polars]
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


def ours(scale: str, reps: int = 3, store: Path | None = None) -> dict[str, object]:
    """Each task on a new snapshot (cold: the files are read when the task first needs them; with ``store``, the
    derived frames a previous process kept there are read instead), then warm repetitions on it."""
    from chainatlas.analysis.atlas import chain_atlas
    from chainatlas.analysis.snapshot import from_files
    from chainatlas.analysis.supporting_rate import leaders_rates
    from chainatlas.analysis.targets import attraction_targets

    folder = OUT / scale
    segs = segments_frame()
    res: dict[str, object] = {}
    for name, fn in (("atlas", lambda snap: chain_atlas(snap, CHAIN, home=HOME, period="2025")),
                     ("leaders", lambda snap: leaders_rates(snap, home=HOME, buyers_home=HOME)),
                     ("targets", lambda snap: attraction_targets(snap, CHAIN, home=HOME, period="2025", top=20))):
        t = time.perf_counter()
        snap = from_files(folder / "enterprises.parquet", folder / "placements.parquet", links_file(scale), segs,
                          store=store)
        out = fn(snap)
        cold = time.perf_counter() - t
        warm = []
        for _ in range(reps):
            t = time.perf_counter()
            fn(snap)
            warm.append(time.perf_counter() - t)
        res[name] = {"cold": cold, "warm": statistics.median(warm) if warm else 0.0}
        res[f"result_{name}"] = out
    atlas, leaders = res.pop("result_atlas"), res.pop("result_leaders")
    res["check_targets"] = [t["uscc"] for t in res.pop("result_targets")["items"]]  # type: ignore[index]
    res.update(_peer_checks(atlas["segments"], leaders.to_dicts()))  # type: ignore[index,attr-defined]
    return res


def stored(scale: str, reps: int = 3) -> dict[str, object]:
    """Ours in a new process that finds the frames a previous process stored for the same files (``prime``)."""
    return ours(scale, reps, store=OUT / scale / "frames")


def prime(scale: str, reps: int = 0) -> dict[str, object]:
    """Fill the frame store from scratch (not timed)."""
    import shutil

    shutil.rmtree(OUT / scale / "frames", ignore_errors=True)
    return ours(scale, 0, store=OUT / scale / "frames")


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


def _peer_checks(atlas: list[dict[str, object]], leaders: list[dict[str, object]]) -> dict[str, object]:
    return {"check_atlas": {s["code"]: [s["local_enterprises"], round(s["inputs_value_yuan"], 2),  # type: ignore[call-overload]
                                        round(s["inputs_local_value_yuan"], 2)] for s in atlas},  # type: ignore[call-overload]
            "check_leaders": sorted((r["buyer_uscc"], r["period"], round(r["numerator"], 2)) for r in leaders)}  # type: ignore[call-overload]


def duckdb_peer(scale: str, reps: int = 3) -> dict[str, object]:
    sys.path.insert(0, str(Path(__file__).parent))
    import peers

    folder = OUT / scale
    files = (folder / "enterprises.parquet", folder / "placements.parquet", links_file(scale))
    segs = segments_frame()
    res: dict[str, object] = {}
    for name, fn in (("atlas", lambda con: peers.atlas_duckdb(con, CHAIN, HOME, "2025")),
                     ("leaders", lambda con: peers.leaders_duckdb(con, HOME)),
                     ("targets", lambda con: peers.targets_duckdb(con, CHAIN, HOME, "2025", 20))):
        t = time.perf_counter()
        con = peers.duckdb_snapshot(*files, segs, in_memory=False)  # cold: straight from the Parquet files
        out = fn(con)
        cold = time.perf_counter() - t
        con.close()
        con = peers.duckdb_snapshot(*files, segs, in_memory=True)  # warm: tables in DuckDB's memory
        fn(con)
        warm = []
        for _ in range(reps):
            t = time.perf_counter()
            fn(con)
            warm.append(time.perf_counter() - t)
        con.close()
        res[name] = {"cold": cold, "warm": statistics.median(warm)}
        res[f"result_{name}"] = out
    res.update(_peer_checks(res.pop("result_atlas")["segments"], res.pop("result_leaders")))  # type: ignore[index,arg-type]
    res["check_targets"] = [r["supplier_uscc"] for r in res.pop("result_targets")]  # type: ignore[attr-defined]
    return res


def polars_peer(scale: str, reps: int = 3) -> dict[str, object]:
    sys.path.insert(0, str(Path(__file__).parent))
    import peers

    folder = OUT / scale
    ents, pls, links = folder / "enterprises.parquet", folder / "placements.parquet", links_file(scale)
    segs = segments_frame()
    res = timed([("atlas", lambda: peers.atlas_polars(ents, pls, links, segs, CHAIN, HOME, "2025")),
                 ("leaders", lambda: peers.leaders_polars(ents, links, HOME))], reps, {}, 0.0)
    res.update(_peer_checks(res.pop("result_atlas"), res.pop("result_leaders")))  # type: ignore[arg-type]
    return res


CHILDREN = {"ours": ours, "stored": stored, "prime": prime, "duckdb": duckdb_peer, "polars": polars_peer,
            "baseline": baseline}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="m")
    ap.add_argument("--child", default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warm", type=int, default=3, help="warm repetitions per task (median)")
    ap.add_argument("--impls", default="ours,duckdb,polars,baseline")
    args = ap.parse_args()
    if args.child:
        out = CHILDREN[args.child](args.scale, args.warm)
        print(json.dumps(out, default=str))
        return
    links_file(args.scale)
    impls = args.impls.split(",")
    runs: dict[str, list[dict[str, object]]] = {impl: [] for impl in impls}
    if "stored" in impls:
        subprocess.run([sys.executable, __file__, "--scale", args.scale, "--child", "prime"], check=True, capture_output=True)
    for _ in range(args.runs):
        for impl in impls:
            proc = subprocess.run([sys.executable, __file__, "--scale", args.scale, "--child", impl, "--warm", str(args.warm)], check=True,
                                  capture_output=True, text=True)
            runs[impl].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    a = runs["ours"][0]
    for impl in impls:
        b = runs[impl][0]
        assert a["check_atlas"] == b["check_atlas"], f"atlas figures differ ({impl})"
        assert [list(x) for x in a["check_leaders"]] == [list(x) for x in b["check_leaders"]], f"leader figures differ ({impl})"  # type: ignore[union-attr]
        if "check_targets" in b:
            assert a["check_targets"] == b["check_targets"], f"targets differ ({impl})"
    summary: dict[str, object] = {"scale": args.scale, "runs": args.runs}
    for task in ("atlas", "leaders", "targets"):
        row: dict[str, float] = {}
        med = {(impl, kind): statistics.median(r[task][kind] for r in runs[impl])  # type: ignore[index]
               for impl in impls if task in runs[impl][0] for kind in ("cold", "warm")}
        for (impl, kind), seconds in med.items():
            row[f"{impl}_{kind}_s"] = float(f"{seconds:.3g}")  # three significant digits: warm may be µs
            if impl != "ours":  # ratios from the unrounded medians
                row[f"{impl}_ratio_{kind}"] = round(seconds / med["ours", kind], 2)
        summary[task] = row
    summary["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
