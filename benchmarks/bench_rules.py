"""Benchmark: all tier rule sets plus 20 policies over the ``l`` city's enterprises (fictional, about 1M firms).

Ours: every criterion of the four tier rule sets in force on the date and of 20 policies (the 5 shipped examples
and 15 variants of them with other thresholds), with the policies' amounts, compiled to Polars expressions and
evaluated in one lazy plan (``chainatlas.rules.engine.evaluate``). Competent peer, same run: the same rules
hand-written as vectorised Polars (``peers.rules_polars``: Kleene logic of nullable booleans, literals for the
thresholds; decisions and amounts only), runs interleaved with ours. Baseline: a per-enterprise Python
loop that walks the same criterion trees with the same three-valued logic. Both are checked to agree on every
status of the firms the baseline evaluated.

    .venv/bin/python benchmarks/bench_rules.py [--scale l] [--runs 3] [--baseline-firms all|N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from chainatlas.rules import policies as P
from chainatlas.rules import tiers
from chainatlas.rules.engine import col, compile_rule_set, evaluate
from chainatlas.rules.model import Criterion, RuleSet, resolve

OUT = Path(__file__).parent / "out"
ON = dt.date(2026, 6, 30)


def city_frame(scale: str, folder: Path | None = None) -> pl.DataFrame:
    """Enterprises of the scale's demo city with indicators for every domestic firm (not only the local ones)."""
    from chainatlas.chains.templates import load_chains
    from chainatlas.demo.city import generate
    from chainatlas.demo.profiles import generate_profiles
    from chainatlas.rules.inputs import sme_expr

    folder = folder or OUT / f"rules-{scale}"
    if not (folder / "all_profiles.parquet").exists():
        files = generate(scale, out_dir=folder, enterprises_only=True)
        ents = pl.read_parquet(files.enterprises)
        generate_profiles(ents, home="", seed=7).write_parquet(folder / "all_profiles.parquet")
    ents = pl.read_parquet(folder / "enterprises.parquet").filter(pl.col("region_code").is_not_null())
    prof = pl.read_parquet(folder / "all_profiles.parquet").drop("source", "as_of")
    key = {c.full_code(s.code) for c in load_chains() for s in c.segments if s.key}
    placed = pl.read_parquet(folder / "placements.parquet").select(
        "uscc", pl.col("segment_code").is_in(list(key)).alias("key_segment"), pl.lit(True).alias("in_chain"))
    frame = ents.select("uscc", "name", "revenue_yuan", "rd_spend_yuan", "employees", "region_code", "is_srdi",
                        "is_little_giant", "is_chain_leader").join(prof, on="uscc", how="left").join(placed, on="uscc", how="left")
    return frame.with_columns(sme_expr().alias("is_sme"), pl.col("region_code").alias("district"))


def twenty_policies() -> list[P.Policy]:
    """The shipped policies and three variants of each with the first threshold at 0.8×, 1.2× and 1.5×."""
    base = list(P.policies().values())
    out = list(base)
    for p in base:
        first = next((c for c in p.rule_set.criteria() if c.op and not isinstance(c.value, dict) and isinstance(c.value, int | float)), None)
        for k, factor in enumerate((0.8, 1.2, 1.5)):
            if len(out) >= 20:
                break
            v = P.with_parameters(p, {first.id: float(first.value) * factor}) if first else p
            out.append(replace(v, rule_set=replace(v.rule_set, id=f"{p.id}_v{k + 1}")))
    return out[:20]


def compile_all(pols: list[P.Policy]) -> tuple[list[Any], list[pl.Expr]]:
    compiled = tiers.compile_tiers(ON)
    compiled += [compile_rule_set(p.rule_set, ON, tiers.status_columns(ON)) for p in pols]
    amounts = [P.amount_expr(p, ON).alias(f"{p.id}:amount") for p in pols]
    return compiled, amounts


def ours(frame: pl.DataFrame, pols: list[P.Policy]) -> pl.DataFrame:
    compiled, amounts = compile_all(pols)
    return evaluate(frame, compiled).with_columns(amounts)


# --- baseline: the straightforward per-enterprise loop -------------------------------------------------


def _points(c: Criterion, firm: dict[str, Any]) -> float | None:
    if c.kind == "max_of":
        los = [p if p is not None else k.min_points() for k in c.children for p in [_points(k, firm)]]
        his = [p if p is not None else k.max_points() for k in c.children for p in [_points(k, firm)]]
        return max(los) if max(los) == max(his) else None
    v = firm.get(c.input or "")
    if v is None:
        return None
    if c.points is not None:
        key = str(v).lower()
        return c.points.get(key)
    if c.bands is not None:
        return next((b.points for b in c.bands if b.contains(v)), None)
    return min(max(float(v), 0.0), c.points_from_max or 0.0)


def _status(c: Criterion, firm: dict[str, Any], tier_status: dict[str, bool | None]) -> bool | None:
    if c.kind in ("all_of", "any_of"):
        kids = [_status(k, firm, tier_status) for k in c.children]
        if c.kind == "all_of":
            return False if False in kids else (None if None in kids else True)
        return True if True in kids else (None if None in kids else False)
    if c.kind == "score":
        checks = []
        for g, gmin in [("", c.score_min or 0.0), *[(g, m[0]) for g, m in c.groups.items()]]:
            items = [k for k in c.children if not g or k.group == g]
            pts = [(_points(k, firm), k) for k in items]
            lo = sum(p if p is not None else k.min_points() for p, k in pts)
            hi = sum(p if p is not None else k.max_points() for p, k in pts)
            checks.append(True if lo >= gmin else False if hi < gmin else None)
        return False if False in checks else (None if None in checks else True)
    if c.is_points:
        return True if _points(c, firm) is not None else None
    if c.tier is not None:
        return tier_status.get(c.tier)
    v = firm.get(c.input or "")
    if v is None:
        return None
    if c.is_ is not None:
        return bool(v) == c.is_
    if c.in_ is not None:
        return v in c.in_
    t = resolve(c.value, ON)
    return {">=": v >= t, ">": v > t, "<=": v <= t, "<": v < t, "==": v == t, "!=": v != t}[c.op or "=="]


def _amount(p: P.Policy, firm: dict[str, Any]) -> float | None:
    b = p.benefit
    if b.base:
        x = firm.get(b.base)
        raw = None if x is None else float(x) * float(resolve(b.rate, ON))
    elif b.count:
        x = firm.get(b.count)
        raw = None if x is None else float(x) * float(resolve(b.per_unit, ON))
    else:
        raw = float(resolve(b.fixed, ON)) * float(resolve(b.rate, ON))
    cap = resolve(b.cap_per_firm_year, ON)
    return None if raw is None else round(min(raw, float(cap)) if cap is not None else raw, 2)


def loop(rows: list[dict[str, Any]], sets: list[RuleSet], pols: list[P.Policy]) -> list[dict[str, Any]]:
    out = []
    for firm in rows:
        res: dict[str, Any] = {}
        tier_status: dict[str, bool | None] = {}
        for rs in sets:
            tier_status[rs.tier or ""] = res[col(rs, rs.rule)] = _status(rs.rule, firm, tier_status)
        for p in pols:
            res[col(p.rule_set, p.rule_set.rule)] = _status(p.rule_set.rule, firm, tier_status)
            res[f"{p.id}:amount"] = _amount(p, firm)
        out.append(res)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="l")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline-firms", default="all", help="all, or how many firms the loop evaluates (0: none)")
    args = ap.parse_args()
    frame = city_frame(args.scale)
    pols = twenty_policies()
    sets = list(tiers.sets_on(ON).values())
    n_criteria = sum(len(rs.criteria()) for rs in sets) + sum(len(p.rule_set.criteria()) for p in pols)
    print(f"{frame.height:,} firms, {len(sets)} tier rule sets + {len(pols)} policies, {n_criteria} criteria", flush=True)
    sys.path.insert(0, str(Path(__file__).parent))
    from peers import rules_polars

    times, peer_times = [], []
    for _ in range(args.runs):  # interleaved with the hand-written peer
        t = time.perf_counter()
        result = ours(frame, pols)
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        peer = rules_polars(frame)
        peer_times.append(time.perf_counter() - t)
        print(f"  ours {times[-1]:.2f} s, hand-written Polars {peer_times[-1]:.2f} s", flush=True)
    peer_keys = [k for k in peer.columns if k != "uscc"]
    peer_diff = sum(int(result[k].cast(pl.String).fill_null("?").ne(peer[k].cast(pl.String).fill_null("?")).sum())
                    for k in peer_keys)
    assert peer_diff == 0, f"{peer_diff} results differ between ours and the hand-written Polars rules"
    n_base = frame.height if args.baseline_firms == "all" else min(frame.height, int(args.baseline_firms))
    base_s, diff, keys = 0.0, 0, []
    if n_base:
        rows = frame.head(n_base).to_dicts()
        t = time.perf_counter()
        base = loop(rows, sets, pols)
        base_s = time.perf_counter() - t
        print(f"  loop {base_s:.2f} s over {n_base:,} firms", flush=True)
        keys = list(base[0])
        mine = result.head(n_base).select(keys).to_dicts()
        diff = sum(1 for a, b in zip(mine, base, strict=True) for k in keys
                   if (a[k] != b[k]) and not (isinstance(a[k], float) and isinstance(b[k], float) and abs(a[k] - b[k]) < 0.01))
        assert diff == 0, f"{diff} results differ between the vectorised rules and the loop"
    ours_med = statistics.median(times)
    out = {"machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, polars {pl.__version__}",
           "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]), "firms": frame.height, "rule_sets": len(sets),
           "policies": len(pols), "criteria": n_criteria, "ours_seconds": [round(x, 2) for x in times],
           "ours_median_s": round(ours_med, 2), "peer_seconds": [round(x, 2) for x in peer_times],
           "peer_median_s": round(statistics.median(peer_times), 2),
           "ratio_vs_peer": round(statistics.median(peer_times) / ours_med, 2),
           "peer_results_compared": frame.height * len(peer_keys), "peer_results_differing": peer_diff,
           "loop_firms": n_base, "loop_seconds": round(base_s, 2),
           "results_compared": n_base * len(keys), "results_differing": diff}
    if n_base == frame.height:
        out["speedup"] = round(base_s / ours_med, 1)
    else:
        out["note"] = "the loop ran over a prefix only: no speedup is claimed for the whole city"
    print(json.dumps(out, indent=1))
    OUT.mkdir(exist_ok=True)
    (OUT / "rules.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
