"""The 免申即享 workflow in the database: screening → candidate list → department confirmation → grant ledger.

* A screening stores the candidate list and the 快申快享 list of one policy on one date, each firm with its
  explanation (the criteria tree at screening time) and missing inputs.
* A candidate is approved or rejected (with a note) by a user of the policy's issuing department (or an admin);
  approval writes a grant to the ledger, charged to the year of the screening date, and is refused when it would
  exceed the policy's budget or the firm's cap for that year. Every decision is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from chainatlas import db
from chainatlas.clock import utcnow
from chainatlas.governance import audit
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import Refused
from chainatlas.rules import policies as P
from chainatlas.rules.inputs import read_inputs
from chainatlas.rules.model import resolve


class WorkflowError(Refused):
    """A refused step of the 免申即享 workflow (:class:`~chainatlas.messages.Refused`)."""




def granted_in_year(engine: Engine, policy_id: str, year: int) -> pl.DataFrame:
    """uscc, granted_yuan: what the ledger holds per firm for the policy in ``year``."""
    g = db.policy_grant
    with engine.connect() as conn:
        rows = conn.execute(select(g.c.uscc, func.sum(g.c.amount_yuan)).where(
            g.c.policy_id == policy_id, g.c.year == year).group_by(g.c.uscc)).all()
    return pl.DataFrame([(u, float(a or 0)) for u, a in rows], schema={"uscc": pl.String, "granted_yuan": pl.Float64},
                        orient="row")


def _granted(conn: Any, policy_id: str, uscc: str | None = None, year: int | None = None) -> float:
    """Σ ledger amounts of a policy (of one firm, of one year)."""
    g = db.policy_grant
    q = select(func.coalesce(func.sum(g.c.amount_yuan), 0)).where(g.c.policy_id == policy_id)
    if uscc is not None:
        q = q.where(g.c.uscc == uscc)
    if year is not None:
        q = q.where(g.c.year == year)
    return float(conn.execute(q).scalar() or 0)


def used_budget(engine: Engine, policy_id: str) -> float:
    """Σ of the amounts granted under a policy (all years)."""
    with engine.connect() as conn:
        return _granted(conn, policy_id)


def screen(engine: Engine, policy_id: str, on: dt.date, actor: str, inputs: pl.DataFrame | None = None) -> dict[str, Any]:
    """Screen ``policy_id`` on ``on`` and store the two lists; returns the screening with its lists."""
    policy = P.get(policy_id)
    frame = read_inputs(engine, on) if inputs is None else inputs
    screened = P.screen_frame(policy, frame, on, granted_in_year(engine, policy_id, on.year))
    lists = P.lists(policy, screened, on)
    total = round(sum(c["amount_yuan"] or 0 for c in lists["candidate"]), 2)
    now = utcnow(seconds=True)
    with engine.begin() as conn:
        sid = int(conn.execute(db.policy_screening.insert().values(
            policy_id=policy_id, on_date=on, created_by=actor, created_at=now, candidates=len(lists["candidate"]),
            fast_track=len(lists["fast_track"]), amount_yuan=total)).inserted_primary_key[0])  # type: ignore[index]
        rows = [{"screening_id": sid, "policy_id": policy_id, "uscc": c["uscc"], "name": c["name"], "list": which,
                 "amount_yuan": c["amount_yuan"], "missing": json.dumps(c["missing"]),
                 "explanation": json.dumps(c["explanation"], ensure_ascii=False, default=str), "decision": "pending"}
                for which, items in lists.items() for c in items]
        for i in range(0, len(rows), 1000):
            conn.execute(db.policy_candidate.insert(), rows[i:i + 1000])
    audit.record(engine, actor=actor, role="", action=f"policy screen {policy_id}",
                 params={"policy": policy_id, "date": on.isoformat(), "screening": sid},
                 rows=len(rows), dataset="enterprise_profiles")
    return screening(engine, sid) or {}


def screening(engine: Engine, screening_id: int) -> dict[str, Any] | None:
    """One stored screening; None when unknown."""
    s = db.policy_screening
    with engine.connect() as conn:
        row = conn.execute(select(s).where(s.c.id == screening_id)).mappings().first()
    return _plain(dict(row)) if row else None


def screenings(engine: Engine, policy_id: str | None = None) -> list[dict[str, Any]]:
    """The stored screenings of a policy, newest first."""
    s = db.policy_screening
    q = select(s).order_by(s.c.id.desc())
    if policy_id:
        q = q.where(s.c.policy_id == policy_id)
    with engine.connect() as conn:
        return [_plain(dict(r)) for r in conn.execute(q).mappings()]


def candidates(engine: Engine, *, screening_id: int | None = None, policy_id: str | None = None,
               uscc: str | None = None, which: str | None = None, decision: str | None = None,
               detail: bool = False) -> list[dict[str, Any]]:
    """Candidates of a screening (or of a policy / a firm), optionally one list or one decision state."""
    c = db.policy_candidate
    cols = [x for x in c.c if detail or x.name != "explanation"]
    q = select(*cols).order_by(c.c.id)
    for column, value in ((c.c.screening_id, screening_id), (c.c.policy_id, policy_id), (c.c.uscc, uscc),
                          (c.c.list, which), (c.c.decision, decision)):
        if value is not None:
            q = q.where(column == value)
    with engine.connect() as conn:
        out = [_plain(dict(r)) for r in conn.execute(q).mappings()]
    for r in out:
        r["missing"] = json.loads(r["missing"])
        if detail:
            r["explanation"] = json.loads(r["explanation"])
    return out


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in row.items()}


def decide(engine: Engine, candidate_id: int, decision: str, principal: Principal, note: str = "") -> dict[str, Any]:
    """Approve or reject one candidate. Only the issuing department's users (or an admin) decide; a decided
    candidate stays decided; approval is refused beyond the budget or the firm's yearly cap."""
    if decision not in ("approved", "rejected"):
        raise WorkflowError("决定应为 approved 或 rejected", "decision must be approved or rejected", 422)
    c, s = db.policy_candidate, db.policy_screening
    with engine.connect() as conn:
        row = conn.execute(select(c, s.c.on_date).join(s, s.c.id == c.c.screening_id).where(c.c.id == candidate_id)).mappings().first()
    if row is None:
        raise WorkflowError(f"没有候选 {candidate_id}", f"no candidate {candidate_id}", 404)
    policy = P.get(row["policy_id"])
    if principal.role != Role.admin and not (principal.role == Role.department and principal.department == policy.department):
        raise WorkflowError(f"只有发文部门（{policy.department_zh}）的用户可以确认", f"only users of the issuing department ({policy.department}) may confirm", 403)
    if row["decision"] != "pending":
        raise WorkflowError(f"该候选已{row['decision']}，不能再次决定", f"candidate already {row['decision']}")
    if row["list"] != "candidate" and decision == "approved":
        raise WorkflowError("快申快享名单中的企业须先补齐材料并重新筛查", "a fast-track firm must supply the missing inputs and be screened again")
    if decision == "rejected" and not note.strip():
        raise WorkflowError("驳回须填写理由", "a rejection needs a note", 422)
    on = row["on_date"] if isinstance(row["on_date"], dt.date) else dt.date.fromisoformat(str(row["on_date"]))
    amount = float(row["amount_yuan"] or 0)
    now = utcnow(seconds=True)
    with engine.begin() as conn:
        if decision == "approved":
            g = db.policy_grant
            cap = resolve(policy.benefit.cap_per_firm_year, on)
            already = _granted(conn, policy.id, row["uscc"], on.year)
            if cap is not None and already + amount > float(cap) + 0.005:
                raise WorkflowError(f"超过单个企业年度上限（已发放 {already:,.2f} 元，上限 {float(cap):,.2f} 元）",
                                    f"exceeds the per-firm yearly cap (granted {already:,.2f}, cap {float(cap):,.2f} yuan)")
            budget = resolve(policy.budget_yuan, on)
            used = _granted(conn, policy.id)
            if budget is not None and used + amount > float(budget) + 0.005:
                raise WorkflowError(f"超过政策预算（已用 {used:,.2f} 元，预算 {float(budget):,.2f} 元，本次 {amount:,.2f} 元）",
                                    f"exceeds the policy budget (used {used:,.2f}, budget {float(budget):,.2f}, this {amount:,.2f} yuan)")
            conn.execute(g.insert().values(policy_id=policy.id, uscc=row["uscc"], year=on.year, amount_yuan=amount,
                                           candidate_id=candidate_id, granted_by=principal.name, granted_at=now))
        done = conn.execute(c.update().where(c.c.id == candidate_id, c.c.decision == "pending").values(
            decision=decision, note=note or None, decided_by=principal.name, decided_at=now))
        if done.rowcount != 1:  # decided meanwhile by someone else: nothing of this attempt stays
            raise WorkflowError("该候选已被他人决定", "candidate was decided meanwhile")
    audit.record(engine, actor=principal.name, role=principal.role.value, action=f"policy {decision} {policy.id}",
                 params={"candidate": candidate_id, "uscc": row["uscc"], "amount_yuan": amount, "note": note})
    return candidates(engine, screening_id=row["screening_id"], uscc=row["uscc"])[0]


def ledger(engine: Engine, policy_id: str, on: dt.date | None = None) -> dict[str, Any]:
    """Grants of a policy and its budget: used and remaining."""
    policy = P.get(policy_id)
    g = db.policy_grant
    with engine.connect() as conn:
        grants = [_plain(dict(r)) for r in conn.execute(select(g).where(g.c.policy_id == policy_id).order_by(g.c.id)).mappings()]
    budget = resolve(policy.budget_yuan, on or dt.date.today())
    used = round(sum(float(x["amount_yuan"]) for x in grants), 2)
    return {"policy": policy_id, "budget_yuan": budget, "used_yuan": used,
            "remaining_yuan": None if budget is None else round(float(budget) - used, 2), "grants": grants}
