"""免申即享 workflow on SQLite and PostgreSQL: screening → confirmation by the issuing department → ledger,
with the budget and per-firm caps enforced and every decision in the audit log."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from chainatlas import db
from chainatlas.governance.principals import Principal, Role
from chainatlas.rules import ledger
from chainatlas.rules import policies as P
from chainatlas.rules.ledger import WorkflowError
from tests.helpers.rules import frame_of

ON = dt.date(2026, 5, 1)
HRSS = Principal(1, "hrss-user", Role.department, department="hrss")
INDUSTRY = Principal(2, "industry-user", Role.department, department="industry")


def firms() -> pl.DataFrame:
    """Four fictional firms for the internship subsidy (6,000 yuan per intern, at most 120,000 per firm)."""
    rows = [("F1", 10, True), ("F2", 30, True), ("F3", None, True), ("F4", 2, False)]
    return pl.concat([frame_of({"interns_6m": n, "credit_ok": ok}).with_columns(pl.lit(u).alias("uscc"), pl.lit(f"示例{u}").alias("name"))
                      for u, n, ok in rows], how="diagonal_relaxed")


def test_screen_lists(any_engine: Engine) -> None:
    s = ledger.screen(any_engine, "internship", ON, "analyst", inputs=firms())
    assert (s["candidates"], s["fast_track"], s["amount_yuan"]) == (2, 1, 180_000)  # 60,000 + 120,000 (capped)
    cands = {c["uscc"]: c for c in ledger.candidates(any_engine, screening_id=s["id"])}
    assert cands["F1"]["amount_yuan"] == 60_000 and cands["F2"]["amount_yuan"] == 120_000
    assert cands["F3"]["list"] == "fast_track" and cands["F3"]["missing"] == ["interns_6m"]
    assert "F4" not in cands  # not eligible: credit


def test_confirmation_ledger_and_audit(any_engine: Engine) -> None:
    s = ledger.screen(any_engine, "internship", ON, "analyst", inputs=firms())
    cands = {c["uscc"]: c for c in ledger.candidates(any_engine, screening_id=s["id"])}
    with pytest.raises(WorkflowError) as err:
        ledger.decide(any_engine, cands["F1"]["id"], "approved", INDUSTRY)
    assert err.value.status == 403  # not the issuing department
    done = ledger.decide(any_engine, cands["F1"]["id"], "approved", HRSS, "核验无误")
    assert done["decision"] == "approved" and done["decided_by"] == "hrss-user"
    with pytest.raises(WorkflowError, match="already"):
        ledger.decide(any_engine, cands["F1"]["id"], "rejected", HRSS, "重复")
    with pytest.raises(WorkflowError, match="note"):
        ledger.decide(any_engine, cands["F2"]["id"], "rejected", HRSS, "")
    ledger.decide(any_engine, cands["F2"]["id"], "rejected", HRSS, "实习协议不完整")
    with pytest.raises(WorkflowError, match="fast-track"):
        ledger.decide(any_engine, cands["F3"]["id"], "approved", HRSS)
    book = ledger.ledger(any_engine, "internship", ON)
    assert book["used_yuan"] == 60_000 and book["remaining_yuan"] == 3_000_000 - 60_000
    assert [g["uscc"] for g in book["grants"]] == ["F1"]
    with any_engine.connect() as conn:
        actions = [a for (a,) in conn.execute(select(db.audit_log.c.action).order_by(db.audit_log.c.id))]
    assert actions[-2:] == ["policy approved internship", "policy rejected internship"]


def test_per_firm_cap_counts_earlier_grants_in_the_year(any_engine: Engine) -> None:
    s1 = ledger.screen(any_engine, "internship", ON, "analyst", inputs=firms())
    f2 = next(c for c in ledger.candidates(any_engine, screening_id=s1["id"]) if c["uscc"] == "F2")
    ledger.decide(any_engine, f2["id"], "approved", HRSS)  # 120,000: the cap
    s2 = ledger.screen(any_engine, "internship", ON, "analyst", inputs=firms())
    again = {c["uscc"]: c for c in ledger.candidates(any_engine, screening_id=s2["id"])}
    assert "F2" not in again  # nothing left under the cap this year: no candidate with 0 yuan
    assert again["F1"]["amount_yuan"] == 60_000


def test_budget_is_never_exceeded(any_engine: Engine) -> None:
    tight = P.with_parameters(P.get("internship"), {"budget_yuan": 100_000})
    screened = P.screen_frame(tight, firms(), ON)
    assert screened.filter(pl.col("eligible").fill_null(False))["amount_yuan"].sum() == 180_000
    s = ledger.screen(any_engine, "internship", ON, "analyst", inputs=firms())
    cands = {c["uscc"]: c for c in ledger.candidates(any_engine, screening_id=s["id"])}
    with any_engine.begin() as conn:  # an earlier grant has used most of the 3,000,000 budget
        conn.execute(db.policy_grant.insert().values(policy_id="internship", uscc="OTHER", year=2026, amount_yuan=2_900_000,
                                                     candidate_id=999_999, granted_by="t", granted_at=dt.datetime(2026, 4, 1)))
    with pytest.raises(WorkflowError, match="budget"):
        ledger.decide(any_engine, cands["F2"]["id"], "approved", HRSS)  # 120,000 > 100,000 left
    with any_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.policy_grant)).scalar() == 1  # nothing half-written
        assert conn.execute(select(db.policy_candidate.c.decision).where(
            db.policy_candidate.c.id == cands["F2"]["id"])).scalar() == "pending"
    ledger.decide(any_engine, cands["F1"]["id"], "approved", HRSS)  # 60,000 still fits


def test_sandbox_before_and_after() -> None:
    result = P.sandbox(P.get("internship"), firms(), ON, {"intern.per_intern": 3000, "interns": 11})
    assert result["before"] == {"qualified": 2, "unknown": 1, "budget_needed_yuan": 180_000, "budget_yuan": 3_000_000,
                                "within_budget": True}
    # threshold 11 interns: only F2 (30) qualifies, at 3,000 each → 90,000 (under the cap)
    assert result["after"]["qualified"] == 1 and result["after"]["budget_needed_yuan"] == 90_000
