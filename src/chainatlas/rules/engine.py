"""Evaluate rule sets over a table of enterprises (vectorised, Polars) and explain one enterprise.

Statuses are three-valued: met (true), unmet (false), unknown (null). A missing input is never zero: a leaf
over a missing input is unknown. ``all_of`` and ``any_of`` follow Kleene logic (an unknown is decisive only
when nothing else decides: unmet AND unknown is unmet, met OR unknown is met). A score item over a missing
input counts between its lowest and highest points; a score's minimum is met when the lowest possible total
reaches it, unmet when even the highest possible total does not, unknown otherwise.

Columns written for rule set ``S`` and criterion ``c``: ``S:c`` (status), ``S:c:pts`` (points of a point item),
``S:c:lo`` / ``S:c:hi`` (bounds of a score's total), ``S:c:short`` (how many unmet leaves stand between the
enterprise and ``c``: 0 when met or when only unknowns remain — the cultivation-pool measure).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from chainatlas.rules.model import Band, Criterion, RuleSet, resolve

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"


def col(rs: RuleSet | str, c: Criterion | str, suffix: str = "") -> str:
    """The column name of a criterion's result."""
    name = f"{rs if isinstance(rs, str) else rs.id}:{c if isinstance(c, str) else c.id}"
    return f"{name}:{suffix}" if suffix else name


def _band_expr(x: pl.Expr, b: Band) -> pl.Expr:
    conds = []
    if b.min is not None:
        conds.append(x >= b.min if b.closed in ("left", "both") else x > b.min)
    if b.max is not None:
        conds.append(x <= b.max if b.closed in ("right", "both") else x < b.max)
    return pl.all_horizontal(conds) if conds else x.is_not_null()


def _points_expr(c: Criterion) -> pl.Expr:
    x = pl.col(c.input or "")
    if c.points is not None:
        pts = c.points
        if set(pts) <= {"true", "false"}:  # a flag scored both ways
            return pl.when(x).then(pts.get("true")).when(~x).then(pts.get("false")).otherwise(None).cast(pl.Float64)
        return x.cast(pl.String).str.to_lowercase().replace_strict(pts, default=None, return_dtype=pl.Float64)
    if c.bands is not None:
        expr: Any = pl
        for b in c.bands:
            expr = expr.when(_band_expr(x, b)).then(b.points)
        return expr.otherwise(None).cast(pl.Float64)  # type: ignore[no-any-return]
    return x.cast(pl.Float64).clip(0, c.points_from_max)


def _leaf_expr(c: Criterion, on: dt.date, tiers: dict[str, str]) -> pl.Expr:
    if c.tier is not None:
        return pl.col(tiers[c.tier]) if c.tier in tiers else pl.lit(None, dtype=pl.Boolean)
    x = pl.col(c.input or "")
    if c.is_ is not None:
        return x.cast(pl.Boolean) == c.is_
    if c.in_ is not None:
        return x.is_in(list(c.in_))
    if c.any_in is not None:
        return x.list.eval(pl.element().is_in(list(c.any_in))).list.any()
    v = resolve(c.value, on)
    ops: dict[str, pl.Expr] = {">=": x >= v, ">": x > v, "<=": x <= v, "<": x < v, "==": x == v, "!=": x != v}
    return ops[c.op or "=="]


@dataclass
class Compiled:
    """A rule set compiled for one date: the Polars expressions, layer by layer (children before parents)."""

    rule_set: RuleSet
    layers: list[list[pl.Expr]]


def compile_rule_set(rs: RuleSet, on: dt.date, tiers: dict[str, str] | None = None) -> Compiled:
    """Expressions for every criterion of ``rs`` on ``on``; ``tiers`` maps a tier name to the column of its
    status (for criteria such as "holds 专精特新")."""
    tiers = tiers or {}
    depth: dict[str, int] = {}
    layers: list[list[pl.Expr]] = []

    def put(c: Criterion, exprs: list[pl.Expr]) -> None:
        d = 1 + max((depth[k.id] for k in c.children), default=-1)
        depth[c.id] = d
        while len(layers) <= d:
            layers.append([])
        layers[d] += exprs

    for c in rs.criteria():
        s = col(rs, c)
        kids = [col(rs, k) for k in c.children]
        if c.kind == "leaf" and c.is_points:
            pts = _points_expr(c)
            known = pl.when(pts.is_not_null()).then(True).otherwise(None)  # a point item is scored or unknown
            put(c, [pts.alias(s + ":pts"), known.alias(s), pl.lit(0, pl.Int32).alias(s + ":short")])
        elif c.kind == "leaf":
            st = _leaf_expr(c, on, tiers)
            put(c, [st.alias(s), (st == False).fill_null(False).cast(pl.Int32).alias(s + ":short")])  # noqa: E712
        elif c.kind == "max_of":
            lo = pl.max_horizontal([pl.col(k + ":pts").fill_null(ch.min_points()) for k, ch in zip(kids, c.children, strict=True)])
            hi = pl.max_horizontal([pl.col(k + ":pts").fill_null(ch.max_points()) for k, ch in zip(kids, c.children, strict=True)])
            put(c, [pl.when(lo == hi).then(lo).otherwise(None).alias(s + ":pts"), pl.when(lo == hi).then(True).otherwise(None).alias(s),
                    pl.lit(0, pl.Int32).alias(s + ":short")])
        elif c.kind in ("all_of", "any_of"):
            st = (pl.all_horizontal if c.kind == "all_of" else pl.any_horizontal)([pl.col(k) for k in kids])
            shorts = [pl.col(k + ":short") for k in kids]
            short = pl.sum_horizontal(shorts) if c.kind == "all_of" else pl.min_horizontal(shorts)
            put(c, [st.alias(s), pl.when(st.fill_null(False)).then(0).otherwise(short).cast(pl.Int32).alias(s + ":short")])
        else:  # score
            exprs, checks = [], []
            for g, (gmin, _, _) in [("", (c.score_min or 0.0, "", "")), *c.groups.items()]:
                items = [(k, ch) for k, ch in zip(kids, c.children, strict=True) if not g or ch.group == g]
                lo = pl.sum_horizontal([pl.col(k + ":pts").fill_null(ch.min_points()) for k, ch in items])
                hi = pl.sum_horizontal([pl.col(k + ":pts").fill_null(ch.max_points()) for k, ch in items])
                name = s if not g else f"{s}.{g}"
                exprs += [lo.alias(name + ":lo"), hi.alias(name + ":hi")]
                checks.append(pl.when(lo >= gmin).then(True).when(hi < gmin).then(False).otherwise(None))
            st = pl.all_horizontal(checks)
            exprs += [st.alias(s), (st == False).fill_null(False).cast(pl.Int32).alias(s + ":short")]  # noqa: E712
            put(c, exprs)
    return Compiled(rs, layers)


def evaluate(frame: pl.DataFrame | pl.LazyFrame, compiled: list[Compiled]) -> pl.DataFrame:
    """All criteria of all ``compiled`` rule sets over ``frame`` (one row per enterprise), in one lazy plan.
    Later rule sets may use earlier ones' statuses (tier prerequisites)."""
    lf = frame.lazy()
    missing = {i for cm in compiled for i in cm.rule_set.rule.inputs()} - set(lf.collect_schema().names())
    if missing:  # an input nobody supplied is unknown for every enterprise, not an error
        from chainatlas.rules.inputs import INPUTS

        lf = lf.with_columns([pl.lit(None, dtype=INPUTS[m].dtype if m in INPUTS else pl.Float64).alias(m)
                              for m in sorted(missing)])
    for cm in compiled:
        for layer in cm.layers:
            lf = lf.with_columns(layer)
    return lf.collect()


def status_word(v: bool | None) -> str:
    """A three-valued status as a word: met, unmet or unknown."""
    return UNKNOWN if v is None else MET if v else UNMET


def threshold(c: Criterion, on: dt.date) -> Any:
    """The criterion's test in words (comparison, flag, list, bands or points table) with parameters as of ``on``."""
    if c.op:
        return f"{c.op} {_num(resolve(c.value, on))}"
    if c.is_ is not None:
        return "是" if c.is_ else "否"
    if c.in_ is not None:
        return " / ".join(map(str, c.in_))
    if c.any_in is not None:
        return "含 " + " / ".join(map(str, c.any_in))
    if c.bands is not None:
        return "; ".join(f"{b.contains_doc()} → {b.points:g}" for b in c.bands)
    if c.points is not None:
        return "; ".join(f"{k} → {v:g}" for k, v in c.points.items())
    if c.points_from_max is not None:
        return f"0–{c.points_from_max:g}"
    return None


def _num(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _gap(c: Criterion, value: Any, on: dt.date) -> Any:
    """How far the value is from the threshold (≥ 0 when unmet; None when met or not numeric)."""
    if value is None or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if c.op in (">=", ">", "<=", "<"):
        t = resolve(c.value, on)
        g = (t - value) if c.op in (">=", ">") else (value - t)
        return _num(round(g, 6)) if g > 0 or (g == 0 and c.op in (">", "<")) else None
    if c.bands is not None:  # distance to the next band up
        here = next((b.points for b in c.bands if b.contains(value)), None)
        better = [b for b in c.bands if here is None or b.points > here]
        edges = [b.min - value for b in better if b.min is not None and b.min > value]
        edges += [value - b.max for b in better if b.max is not None and b.max < value]
        return _num(round(min(edges), 6)) if edges else None
    return None


def explain(row: dict[str, Any], rs: RuleSet, on: dt.date) -> dict[str, Any]:
    """The evaluation of one enterprise (a row of :func:`evaluate`'s result) as a tree: per criterion its label,
    reference, input value, threshold, gap, points and status."""

    def node(c: Criterion) -> dict[str, Any]:
        s = col(rs, c)
        out: dict[str, Any] = {"id": c.id, "label": {"zh": c.label_zh, "en": c.label_en}, "reference": c.reference,
                               "kind": c.kind, "status": status_word(row.get(s)), "short": row.get(s + ":short")}
        if c.kind == "leaf":
            value = row.get(c.input) if c.input else row.get(c.tier or "")
            out |= {"input": c.input or (f"tier:{c.tier}" if c.tier else None), "value": _plain(value),
                    "threshold": threshold(c, on), "gap": _gap(c, value, on)}
        if c.is_points:  # its status is already unknown when its points are
            out |= {"points": row.get(s + ":pts"), "max_points": c.max_points()}
        if c.kind == "score":
            out |= {"min": c.score_min, "score": _score(row, s), "groups": [
                {"group": g, "label": {"zh": zh, "en": en}, "min": gmin, "score": _score(row, f"{s}.{g}")}
                for g, (gmin, zh, en) in c.groups.items()]}
        if c.children:
            out["children"] = [node(k) for k in c.children]
        return out

    return node(rs.rule)


def _score(row: dict[str, Any], name: str) -> dict[str, Any]:
    lo, hi = row.get(name + ":lo"), row.get(name + ":hi")
    return {"value": lo if lo == hi else None, "low": lo, "high": hi}


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def leaves(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """The leaves of an explanation tree (criteria over one input), depth first."""
    if "children" not in tree:
        return [tree]
    return [leaf for k in tree["children"] for leaf in leaves(k)]


def missing_inputs(tree: dict[str, Any]) -> list[str]:
    """Inputs still unknown under a criterion that is not met: what the enterprise must provide."""
    if tree["status"] == MET:
        return []
    if "children" not in tree:
        return [tree["input"]] if tree.get("input") and tree["status"] == UNKNOWN else []
    out: list[str] = []
    for k in tree["children"]:
        for i in missing_inputs(k):
            if i not in out:
                out.append(i)
    return out


def unmet_leaves(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """The unmet leaves on the way to an unmet criterion ("差什么"): for ``any_of``, the branch closest to being met."""
    if tree["status"] == MET:
        return []
    if "children" not in tree:
        return [tree] if tree["status"] == UNMET else []
    if tree["kind"] == "any_of":
        kids = sorted(tree["children"], key=lambda k: (k.get("short") or 0, k["status"] != UNKNOWN))
        return unmet_leaves(kids[0]) if kids else []
    if tree["kind"] == "score":
        return [k for k in leaves(tree) if k.get("points") is not None and k["points"] < k["max_points"]]
    return [leaf for k in tree["children"] for leaf in unmet_leaves(k)]
