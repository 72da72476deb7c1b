"""Enterprise tiers (梯度培育): 创新型 → 专精特新 → 小巨人 → 链主, each by the rule set in force on the date.

The 2022 measures (工信部企业〔2022〕63号) apply up to 2026-03-31, the 2026 measures (工信部企业〔2026〕2号) from
2026-04-01; 链主 is a pluggable local rule set (an example ships). A higher tier's prerequisite ("holds
专精特新") is met by the designation held or by meeting the lower tier's rule on the same date.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.engine import Engine

from chainatlas.rules.engine import (
    UNKNOWN,
    Compiled,
    col,
    compile_rule_set,
    evaluate,
    explain,
    missing_inputs,
    unmet_leaves,
)
from chainatlas.rules.inputs import INPUTS
from chainatlas.rules.model import HERE, RuleError, RuleSet, load_yaml, parse_rule_set

TIERS: dict[str, tuple[str, str]] = {
    "innovative": ("创新型中小企业", "innovative SME"),
    "specialised": ("专精特新中小企业", "specialised SME (专精特新)"),
    "little_giant": ("专精特新“小巨人”企业", "little giant"),
    "chain_leader": ("链主企业", "chain leader"),
}
HELD = {"specialised": "is_srdi", "little_giant": "is_little_giant", "chain_leader": "is_chain_leader",
        "innovative": "is_innovative"}


def _folders(kind: str) -> list[Path]:
    from chainatlas.settings import get_settings

    extra = get_settings().rules_dir
    return [HERE / kind, *([extra / kind] if extra and (extra / kind).is_dir() else [])]


@cache
def load_sets(kind: str = "tiers") -> dict[str, RuleSet]:
    """Rule sets of ``kind`` (tiers or policies) by id; a local folder's file replaces a shipped one of the same id."""
    out: dict[str, RuleSet] = {}
    names = set(INPUTS)
    for folder in _folders(kind):
        for path in sorted(folder.glob("*.yaml")):
            raw = load_yaml(path)
            rs = parse_rule_set(raw, path.name, names)
            if kind == "tiers" and rs.tier not in TIERS:
                raise RuleError(path.name, f"未知梯度 {rs.tier}", f"unknown tier {rs.tier}")
            out[rs.id] = rs
    return out


def sets_on(on: dt.date) -> dict[str, RuleSet]:
    """The tier rule set in force on ``on``, per tier (the latest ``effective_from`` when several are)."""
    out: dict[str, RuleSet] = {}
    for rs in sorted(load_sets("tiers").values(), key=lambda r: r.effective_from):
        if rs.in_force(on) and rs.tier:
            out[rs.tier] = rs
    return {t: out[t] for t in TIERS if t in out}


def status_columns(on: dt.date) -> dict[str, str]:
    """Tier → the column holding its status, for the rule sets in force on ``on`` (what "holds 专精特新" reads)."""
    return {tier: col(rs, rs.rule) for tier, rs in sets_on(on).items()}


def compile_tiers(on: dt.date) -> list[Compiled]:
    """All tier rule sets in force on ``on``, compiled in tier order: each sees the statuses of the tiers below it."""
    columns = status_columns(on)
    order = list(columns)
    return [compile_rule_set(rs, on, {t: columns[t] for t in order[:i]}) for i, rs in enumerate(sets_on(on).values())]


def evaluate_tiers(frame: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """Every criterion of every tier for every row of ``frame`` (columns as in :mod:`chainatlas.rules.engine`)."""
    return evaluate(frame, compile_tiers(on))


def _first_score(rs: RuleSet) -> str | None:
    return next((col(rs, c) for c in rs.criteria() if c.kind == "score"), None)


def summary(evaluated: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """One row per enterprise and tier: status, score (where the tier has one), shortfall and whether held."""
    parts = []
    for tier, rs in sets_on(on).items():
        s = col(rs, rs.rule)
        score = _first_score(rs)
        held = HELD.get(tier)
        parts.append(evaluated.select(
            "uscc", *(["name"] if "name" in evaluated.columns else []),
            pl.lit(tier).alias("tier"), pl.lit(rs.id).alias("rule_set"),
            pl.col(s).replace_strict({True: "met", False: "unmet"}, default=UNKNOWN, return_dtype=pl.String).alias("status"),
            (pl.when(pl.col(score + ":lo") == pl.col(score + ":hi")).then(pl.col(score + ":lo")) if score
             else pl.lit(None, pl.Float64)).alias("score"),
            pl.col(s + ":short").alias("short"),
            (pl.col(held).fill_null(False) if held and held in evaluated.columns else pl.lit(False)).alias("held"),
        ))
    if not parts:  # no tier rule in force on that date (before 2022-06-01)
        return pl.DataFrame(schema={"uscc": pl.String, "name": pl.String, "tier": pl.String, "rule_set": pl.String,
                                    "status": pl.String, "score": pl.Float64, "short": pl.Int32, "held": pl.Boolean})
    return pl.concat(parts, how="diagonal_relaxed")


def results(evaluated: pl.DataFrame, on: dt.date) -> list[dict[str, Any]]:
    """The JSON form: per enterprise and tier, ``uscc``, ``tier``, ``status``, ``score`` and every criterion
    (value, threshold, gap, points, status, reference)."""
    out = []
    sets = sets_on(on)
    for row in evaluated.iter_rows(named=True):
        for tier, rs in sets.items():
            tree = explain(row, rs, on)
            score = _first_score(rs)
            out.append({"uscc": row["uscc"], "name": row.get("name"), "tier": tier, "rule_set": rs.id,
                        "date": on.isoformat(), "status": tree["status"],
                        "score": _score_value(row, score), "criteria": flatten(tree)})
    return out


def _score_value(row: dict[str, Any], score: str | None) -> float | None:
    if not score:
        return None
    lo, hi = row.get(score + ":lo"), row.get(score + ":hi")
    return lo if lo == hi else None


def flatten(tree: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """A criteria tree as rows (depth-first) for tables and exports."""
    me = {k: v for k, v in tree.items() if k != "children"} | {"depth": depth}
    return [me, *[r for k in tree.get("children", []) for r in flatten(k, depth + 1)]]


def card(row: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """An enterprise's tier card: per tier the status, and toward the next tier "差什么" — the unmet criteria
    (closest path) and the inputs still unknown."""
    tiers = []
    current = None
    for tier, rs in sets_on(on).items():
        tree = explain(row, rs, on)
        held = bool(row.get(HELD.get(tier, ""), False))
        entry = {"tier": tier, "label": {"zh": TIERS[tier][0], "en": TIERS[tier][1]}, "rule_set": rs.id,
                 "rule_label": {"zh": rs.label_zh, "en": rs.label_en}, "reference": rs.reference, "example": rs.example,
                 "status": tree["status"], "held": held, "score": _score_value(row, _first_score(rs)),
                 "unmet": [_brief(x) for x in unmet_leaves(tree)], "missing": missing_inputs(tree), "tree": tree}
        tiers.append(entry)
        if tree["status"] == "met" or held:
            current = tier
    order = list(TIERS)
    nxt = next((t for t in tiers if current is None or order.index(t["tier"]) > order.index(current)), None)
    return {"uscc": row["uscc"], "name": row.get("name"), "date": on.isoformat(), "current": current,
            "next": nxt["tier"] if nxt else None, "tiers": tiers}


def _brief(leaf: dict[str, Any]) -> dict[str, Any]:
    return {k: leaf.get(k) for k in ("id", "label", "input", "value", "threshold", "gap", "points", "max_points",
                                     "status", "reference")}


def in_pool(max_short: int = 2) -> pl.Expr:
    """Cultivation pool (培育库) membership over a summary: not meeting (nor holding) the tier, but within
    ``max_short`` unmet criteria of it."""
    return (pl.col("status") != "met") & ~pl.col("held") & pl.col("short").is_between(1, max_short)


def pools(summary_frame: pl.DataFrame, max_short: int = 2) -> pl.DataFrame:
    """The firms of each tier's cultivation pool."""
    return summary_frame.filter(in_pool(max_short))


def status_counts(summary_frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """Counts of firms per ``by`` (chain or district) and tier: met, held, unknown, within 1–2 criteria."""
    frame = summary_frame.explode(by) if summary_frame.schema.get(by) == pl.List(pl.String) else summary_frame
    return frame.group_by(by, "tier").agg(
        (pl.col("status") == "met").sum().alias("met"), pl.col("held").sum().alias("held"),
        (pl.col("status") == UNKNOWN).sum().alias("unknown"),
        in_pool().sum().alias("pool"),
    ).sort(by, "tier")


def city_summary(engine: Engine, on: dt.date) -> pl.DataFrame:
    """All local enterprises evaluated on ``on``: the summary, with chains and district joined."""
    from chainatlas.rules.inputs import read_inputs

    frame = read_inputs(engine, on)
    extra = [c for c in ("chains", "district") if c in frame.columns]
    return summary(evaluate_tiers(frame, on), on).join(frame.select("uscc", *extra), on="uscc", how="left")
