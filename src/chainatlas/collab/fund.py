"""专项引导基金: payments of accepted milestones charged to the fund's yearly budget (``fund.yaml``).

The same rule as the policy ledger (:mod:`chainatlas.rules.ledger`): a payment that would take the year's total past
the budget is refused, and the ledger shows budget, paid and remaining per year.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, Engine, func, select

from chainatlas import db
from chainatlas.clock import utcnow
from chainatlas.messages import Refused

FUND = Path(__file__).with_name("fund.yaml")


@lru_cache(maxsize=1)
def fund() -> dict[str, Any]:
    """The fund's declaration: label, department, reference and budget per year."""
    data: dict[str, Any] = yaml.safe_load(FUND.read_text(encoding="utf-8"))
    return data


def budget(year: int) -> float:
    """The fund's budget for ``year`` (0 when none is declared).

    >>> budget(2026), budget(1999)
    (30000000.0, 0.0)
    """
    return float(fund()["budget_yuan_per_year"].get(year, 0))


def _paid_in(conn: Connection, year: int) -> float:
    p = db.collab_payment.c
    return float(conn.execute(select(func.coalesce(func.sum(p.amount_yuan), 0)).where(p.year == year)).scalar() or 0)


def charge(conn: Connection, *, demand_id: str, milestone_id: int | None, uscc: str, amount: float, year: int,
           actor: str) -> None:
    """Record a payment; refused (:class:`~chainatlas.collab.access.Refused`) beyond the year's budget."""
    used = _paid_in(conn, year)
    if used + amount > budget(year) + 0.005:
        raise Refused(f"引导基金 {year} 年度预算不足：预算 {budget(year):,.2f} 元，已付 {used:,.2f} 元，本次 {amount:,.2f} 元",
                          f"the fund's {year} budget is exceeded: budget {budget(year):,.2f}, paid {used:,.2f}, "
                          f"this payment {amount:,.2f} yuan")
    conn.execute(db.collab_payment.insert().values(demand_id=demand_id, milestone_id=milestone_id, uscc=uscc, year=year,
                                                   amount_yuan=round(amount, 2), paid_by=actor, paid_at=utcnow()))


def ledger(engine: Engine, year: int) -> dict[str, Any]:
    """Budget, paid and remaining of ``year``, with the payments (newest first)."""
    p = db.collab_payment.c
    with engine.connect() as conn:
        paid = _paid_in(conn, year)
        rows = [dict(r._mapping) for r in conn.execute(select(db.collab_payment).where(p.year == year)
                                                       .order_by(p.paid_at.desc(), p.id.desc()))]
    return {"fund": fund()["label"], "year": year, "budget_yuan": budget(year), "paid_yuan": paid,
            "remaining_yuan": budget(year) - paid, "payments": rows}
