"""Policies without application (免申即享): eligibility rules, a benefit formula, a budget, an issuing department.

Screening evaluates a policy over all local enterprises on a date: firms whose eligibility is met form the
candidate list with their proposed amount; firms whose eligibility is unknown form the 快申快享 list with a
pre-filled application naming exactly the missing inputs; firms that fail are left out (an enterprise still sees
"almost qualified and why" under "my policies").

Benefit = min(base × rate, cap per firm per year − already granted that year), or per unit × count with the same
cap, or a fixed amount × rate (e.g. a credit line × the risk-compensation share reserved from the fund).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from chainatlas.rules.engine import (
    Compiled,
    col,
    compile_rule_set,
    evaluate,
    explain,
    missing_inputs,
    unmet_leaves,
)
from chainatlas.rules.model import RuleError, RuleSet, resolve
from chainatlas.rules.tiers import compile_tiers, load_sets, status_columns


@dataclass(frozen=True)
class Benefit:
    base: str | None = None  # input holding the amount the rate applies to
    count: str | None = None  # input holding a count (interns …)
    rate: Any = 1.0
    per_unit: Any = None
    fixed: Any = None
    cap_per_firm_year: Any = None

    def inputs(self) -> list[str]:
        return [x for x in (self.base, self.count) if x]


@dataclass(frozen=True)
class Policy:
    rule_set: RuleSet
    department: str
    department_zh: str
    budget_yuan: Any
    benefit: Benefit

    @property
    def id(self) -> str:
        return self.rule_set.id


def _benefit(raw: dict[str, Any], where: str) -> Benefit:
    b = Benefit(base=raw.get("base"), count=raw.get("count"), rate=raw.get("rate", 1.0), per_unit=raw.get("per_unit"),
                fixed=raw.get("fixed"), cap_per_firm_year=raw.get("cap_per_firm_year"))
    if sum(x is not None for x in (b.base, b.count, b.fixed)) != 1:
        raise RuleError(where, "benefit 须且仅须给出 base、count、fixed 之一", "benefit needs exactly one of base, count, fixed")
    if b.count and b.per_unit is None:
        raise RuleError(where, "count 须配 per_unit", "count needs per_unit")
    return b


def policies() -> dict[str, Policy]:
    """All policies (shipped examples and the local folder's), by id."""
    out = {}
    for rs in load_sets("policies").values():
        raw = rs.raw
        dep = raw.get("department") or {}
        out[rs.id] = Policy(rs, str(dep.get("code", "")), str(dep.get("zh", "")), raw.get("budget_yuan"),
                            _benefit(raw.get("benefit") or {}, rs.id))
    return out


def get(policy_id: str) -> Policy:
    """The policy ``policy_id`` (KeyError when unknown)."""
    found = policies().get(policy_id)
    if not found:
        raise KeyError(policy_id)
    return found


def with_parameters(policy: Policy, overrides: dict[str, Any]) -> Policy:
    """The policy with some values replaced — for the sandbox. Keys: ``budget_yuan``, ``rate``, ``per_unit``,
    ``cap_per_firm_year``, ``fixed``, a criterion id (a leaf's threshold) or a parameter name."""
    def sub(v: Any, key: str) -> Any:  # by field name, or by the name of the parameter it refers to
        if key in overrides:
            return float(overrides[key])
        if isinstance(v, dict) and v.get("param") in overrides:
            return float(overrides[v["param"]])
        return v

    b = policy.benefit
    ben = Benefit(b.base, b.count, sub(b.rate, "rate"), sub(b.per_unit, "per_unit"), sub(b.fixed, "fixed"),
                  sub(b.cap_per_firm_year, "cap_per_firm_year"))
    rule = policy.rule_set.rule

    def swap(c: Any) -> Any:
        if c.op and (c.id in overrides or (isinstance(c.value, dict) and c.value.get("param") in overrides)):
            return replace(c, value=sub(c.value, c.id))
        return replace(c, children=tuple(swap(k) for k in c.children)) if c.children else c

    rs = replace(policy.rule_set, rule=swap(rule))
    return replace(policy, rule_set=rs, benefit=ben, budget_yuan=overrides.get("budget_yuan", policy.budget_yuan))


def missing_for(policy: Policy, tree: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """What a firm must still provide for a policy: the unknown inputs of its eligibility (explanation ``tree``) and
    the benefit's own inputs it lacks."""
    return list(dict.fromkeys(missing_inputs(tree) + [i for i in policy.benefit.inputs() if row.get(i) is None]))


def compile_policy(policy: Policy, on: dt.date) -> list[Compiled]:
    """The tier rule sets (policies may ask for a tier) then the policy's eligibility."""
    return [*compile_tiers(on), compile_rule_set(policy.rule_set, on, status_columns(on))]


def amount_expr(policy: Policy, on: dt.date, granted_col: str | None = None) -> pl.Expr:
    """The proposed benefit per firm (null while its base input is unknown), capped per firm and year."""
    b = policy.benefit
    if b.base:
        raw = pl.col(b.base).cast(pl.Float64) * float(resolve(b.rate, on))
    elif b.count:
        raw = pl.col(b.count).cast(pl.Float64) * float(resolve(b.per_unit, on))
    else:
        raw = pl.lit(float(resolve(b.fixed, on)) * float(resolve(b.rate, on)))
    cap = resolve(b.cap_per_firm_year, on)
    if cap is not None:
        room = pl.lit(float(cap)) - (pl.col(granted_col).fill_null(0.0) if granted_col else 0.0)
        # min_horizontal skips nulls: an unknown base must stay unknown, not become the cap
        raw = pl.when(raw.is_null()).then(None).otherwise(pl.min_horizontal(raw, room.clip(lower_bound=0.0)))
    return raw.round(2)


def screen_frame(policy: Policy, inputs: pl.DataFrame, on: dt.date, granted: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every firm with eligibility status and proposed amount; ``granted`` (uscc, granted_yuan) is what the
    ledger already holds for the firm this year."""
    if not policy.rule_set.in_force(on):
        raise RuleError(policy.id, f"政策在 {on} 不在有效期内", f"policy not in force on {on}")
    frame = inputs
    if granted is not None and granted.height:
        frame = frame.join(granted, on="uscc", how="left")
    else:
        frame = frame.with_columns(pl.lit(0.0).alias("granted_yuan"))
    evaluated = evaluate(frame, compile_policy(policy, on))
    s = col(policy.rule_set, policy.rule_set.rule)
    return evaluated.with_columns(amount_expr(policy, on, "granted_yuan").alias("amount_yuan"),
                                  pl.col(s).alias("eligible"), pl.col(s + ":short").alias("short"))


def lists(policy: Policy, screened: pl.DataFrame, on: dt.date) -> dict[str, list[dict[str, Any]]]:
    """The candidate list (eligible, amount known and > 0) and the 快申快享 list (eligibility unknown, or the
    amount's input missing), each firm with its explanation and missing inputs."""
    out: dict[str, list[dict[str, Any]]] = {"candidate": [], "fast_track": []}
    subset = screened.filter(pl.col("eligible").is_null() | (pl.col("eligible") & (pl.col("amount_yuan").is_null()
                                                                                   | (pl.col("amount_yuan") > 0))))
    for row in subset.iter_rows(named=True):
        tree = explain(row, policy.rule_set, on)
        which = "candidate" if row["eligible"] and row["amount_yuan"] is not None else "fast_track"
        out[which].append({"uscc": row["uscc"], "name": row.get("name"), "amount_yuan": row["amount_yuan"],
                           "missing": missing_for(policy, tree, row), "explanation": tree})
    return out


def for_enterprise(row: dict[str, Any], on: dt.date, evaluated: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """"My policies" for one firm: per policy in force, qualified / almost (unmet criteria, fewest first) /
    to provide (unknown inputs), with the proposed amount."""
    out = []
    for pid, pol in policies().items():
        if not pol.rule_set.in_force(on) or pid not in evaluated:
            continue
        r = evaluated[pid]
        tree = explain(r, pol.rule_set, on)
        status = tree["status"]
        out.append({"policy": pid, "label": {"zh": pol.rule_set.label_zh, "en": pol.rule_set.label_en},
                    "department": pol.department_zh, "example": pol.rule_set.example, "status": status,
                    "amount_yuan": r.get("amount_yuan") if status == "met" else None,
                    "unmet": [{k: x.get(k) for k in ("id", "label", "input", "value", "threshold", "gap")}
                              for x in unmet_leaves(tree)],
                    "missing": missing_for(pol, tree, r), "short": r.get(col(pol.rule_set, pol.rule_set.rule, "short"))})
    rank = {"met": 0, "unknown": 1, "unmet": 2}
    return sorted(out, key=lambda p: (rank[p["status"]], p["short"] or 0))


def sandbox(policy: Policy, inputs: pl.DataFrame, on: dt.date, overrides: dict[str, Any]) -> dict[str, Any]:
    """Before and after a parameter change: firms qualifying, firms unknown, and the budget needed."""

    def run(p: Policy) -> dict[str, Any]:
        f = screen_frame(p, inputs, on)
        ok = f.filter(pl.col("eligible").fill_null(False))
        need = float(ok["amount_yuan"].fill_null(0).sum())
        budget = resolve(p.budget_yuan, on)
        return {"qualified": ok.height, "unknown": f.filter(pl.col("eligible").is_null()).height,
                "budget_needed_yuan": round(need, 2), "budget_yuan": budget,
                "within_budget": None if budget is None else need <= float(budget)}

    return {"policy": policy.id, "date": on.isoformat(), "overrides": overrides, "before": run(policy),
            "after": run(with_parameters(policy, overrides))}
