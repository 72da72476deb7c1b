"""Tiers and policies over a database, composed once for every shell: the CLI, the API and the pages return these
same fields under the same names (a policy row, a tier card, "my policies", the pre-filled application, the
screening lists)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine

from chainatlas.exchange.spec import PROFILES
from chainatlas.messages import NotFound
from chainatlas.rules import ledger, tiers
from chainatlas.rules import policies as P
from chainatlas.rules.engine import explain
from chainatlas.rules.inputs import provenance, read_inputs
from chainatlas.rules.model import resolve


def policy(policy_id: str) -> P.Policy:
    """The policy ``policy_id`` or :class:`NotFound`."""
    try:
        return P.get(policy_id)
    except KeyError:
        raise NotFound(f"没有政策 {policy_id}", f"no policy {policy_id}") from None


def firm_inputs(engine: Engine, uscc: str, on: dt.date) -> pl.DataFrame:
    """One local enterprise's rule inputs as of ``on`` (one row), or :class:`NotFound`."""
    frame = read_inputs(engine, on, uscc=uscc)
    if frame.is_empty():
        raise NotFound(f"没有本地企业 {uscc}", f"no local enterprise {uscc}")
    return frame


def tier_card(engine: Engine, uscc: str, on: dt.date) -> dict[str, Any]:
    """The tier card (status per tier, what is missing for the next) with the source and as-of date of every value."""
    row = tiers.evaluate_tiers(firm_inputs(engine, uscc, on), on).row(0, named=True)
    return {**tiers.card(row, on), "provenance": provenance(engine, uscc, on)}


def policy_row(engine: Engine, p: P.Policy, on: dt.date) -> dict[str, Any]:
    """A policy as every list shows it: label, department, validity, whether in force on ``on``, budget, granted."""
    rs = p.rule_set
    return {"id": p.id, "label": {"zh": rs.label_zh, "en": rs.label_en}, "department": p.department,
            "department_zh": p.department_zh, "effective_from": rs.effective_from, "effective_to": rs.effective_to,
            "in_force": rs.in_force(on), "budget_yuan": resolve(p.budget_yuan, on),
            "granted_yuan": ledger.used_budget(engine, p.id), "example": rs.example, "reference": rs.reference,
            "note": rs.note}


def policy_rows(engine: Engine, on: dt.date, *, in_force_only: bool = False) -> list[dict[str, Any]]:
    """Every policy (or those in force on ``on``) as :func:`policy_row`."""
    return [policy_row(engine, p, on) for p in P.policies().values() if not in_force_only or p.rule_set.in_force(on)]


def enterprise_policies(engine: Engine, uscc: str, on: dt.date) -> dict[str, Any]:
    """"My policies" (我的政策): for one firm, every policy in force — qualified, almost (and why), what to provide —
    and its applications in the ledger."""
    frame = firm_inputs(engine, uscc, on)
    evaluated = {}
    for pid, pol in P.policies().items():
        if pol.rule_set.in_force(on):
            evaluated[pid] = P.screen_frame(pol, frame, on, ledger.granted_in_year(engine, pid, on.year)).row(0, named=True)
    row = frame.row(0, named=True)
    return {"uscc": uscc, "name": row.get("name"), "date": on.isoformat(), "policies": P.for_enterprise(row, on, evaluated),
            "applications": ledger.candidates(engine, uscc=uscc)}


def application(engine: Engine, uscc: str, policy_id: str, on: dt.date) -> dict[str, Any]:
    """快申快享: the profile inputs a policy reads, the firm's known values filled, the missing ones named (with labels)."""
    pol = policy(policy_id)
    row = P.screen_frame(pol, firm_inputs(engine, uscc, on), on).row(0, named=True)
    missing = P.missing_for(pol, explain(row, pol.rule_set, on), row)
    profile_cols = {c.name: c for c in PROFILES.columns}
    used = sorted((pol.rule_set.rule.inputs() | set(pol.benefit.inputs())) & set(profile_cols))
    return {"policy": policy_id, "uscc": uscc, "name": row.get("name"), "date": on.isoformat(),
            "missing": [m for m in missing if m in profile_cols],
            "missing_labels": {m: {"zh": profile_cols[m].zh, "en": profile_cols[m].description_en} for m in missing if m in profile_cols},
            "not_from_profile": [m for m in missing if m not in profile_cols],
            "prefilled": {k: row.get(k) for k in used if row.get(k) is not None}}


def screening_lists(engine: Engine, policy_id: str, on: dt.date, *, save: bool = False, actor: str = "") -> dict[str, Any]:
    """Screen every local enterprise: the candidate list (免申即享) and the fast-track list (快申快享) with what each
    firm is missing. ``save`` stores them for the department's confirmation (``screening_id``)."""
    pol = policy(policy_id)
    if save:
        s = ledger.screen(engine, policy_id, on, actor)
        items = ledger.candidates(engine, screening_id=s["id"])
        return {"policy": policy_id, "date": on.isoformat(), "screening_id": s["id"],
                **{w: [c for c in items if c["list"] == w] for w in ("candidate", "fast_track")}}
    screened = P.screen_frame(pol, read_inputs(engine, on), on, ledger.granted_in_year(engine, policy_id, on.year))
    return {"policy": policy_id, "date": on.isoformat(), "screening_id": None, **P.lists(pol, screened, on)}
