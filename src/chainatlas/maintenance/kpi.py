"""Service KPIs of shared O&M providers (运维服务指标), from their tickets' state changes.

Per provider, over a period [start, end):

* **MTTR** (mean time to restoration, IEC 60050-192:2015, 192-07-23) = mean of the *resolve* clock (sla.py: hours from
  opening to the final resolution, the owner's confirmation waits not counted) over the tickets whose final
  resolution falls in the period;
* **first-time-fix rate** (一次修复率, the field-service measure) = tickets confirmed in the period that needed at most
  one on-site visit and were never reopened ÷ tickets confirmed in the period;
* **SLA attainment** = tickets finally resolved in the period with all three clocks met ÷ tickets finally resolved in
  the period;
* counts of tickets opened, resolved and confirmed in the period, and, as of now, open tickets with a breached clock.

>>> from datetime import datetime as T
>>> f = facts([("open", "open", T(2026, 3, 2, 8)), ("assign", "assigned", T(2026, 3, 2, 8, 30)),
...            ("arrive", "on_site", T(2026, 3, 2, 10)), ("resolve", "resolved", T(2026, 3, 2, 14)),
...            ("confirm", "confirmed", T(2026, 3, 3, 9))], "P2", now=T(2026, 3, 5))
>>> f["restore_hours"], f["visits"], f["reopens"], f["first_time_fix"], f["sla_met"]
(6.0, 1, 0, True, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from chainatlas.maintenance import sla
from chainatlas.maintenance.workflow import CLOSED


def facts(events: Sequence[tuple[str, str, dt.datetime]], priority: str, now: dt.datetime) -> dict[str, Any]:
    """What the KPIs need of one ticket, from its events (action, new state, when), oldest first."""
    states = [(to, at) for _, to, at in events]
    clock = sla.clocks(states, now)
    marks = sla.status(states, priority, now)
    last = states[-1][0]
    confirmed_at = states[-1][1] if last == "confirmed" else None
    resolved = clock["resolve"]
    visits = sum(1 for _, to, _ in events if to == "on_site")
    reopens = sum(1 for a, _, _ in events if a == "reopen")
    return {
        "opened_at": states[0][1], "state": last, "resolved_at": resolved.stopped_at, "confirmed_at": confirmed_at,
        "restore_hours": round(resolved.hours, 3) if resolved.stopped else None, "visits": visits, "reopens": reopens,
        "first_time_fix": (visits <= 1 and reopens == 0) if confirmed_at else None,
        "sla_met": all(m.state == "met" for m in marks) if resolved.stopped else None,
        "breached_now": last not in CLOSED and any(m.state == "breached" for m in marks),
        **{f"sla_{m.target}": m.state for m in marks},
    }


def provider_kpis(frame: pl.DataFrame, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """One row per provider of ``frame`` (one row per ticket: ``provider_uscc`` and the columns of :func:`facts`) with
    the KPIs of the module docstring over [start, end).

    >>> from datetime import datetime as T
    >>> rows = [{"provider_uscc": "A", "opened_at": T(2026, 3, 1), "resolved_at": T(2026, 3, 1, 6), "restore_hours": 6.0,
    ...          "confirmed_at": T(2026, 3, 2), "first_time_fix": True, "sla_met": True, "breached_now": False},
    ...         {"provider_uscc": "A", "opened_at": T(2026, 3, 3), "resolved_at": T(2026, 3, 4), "restore_hours": 24.0,
    ...          "confirmed_at": T(2026, 3, 5), "first_time_fix": False, "sla_met": False, "breached_now": False},
    ...         {"provider_uscc": "A", "opened_at": T(2026, 3, 6), "resolved_at": None, "restore_hours": None,
    ...          "confirmed_at": None, "first_time_fix": None, "sla_met": None, "breached_now": True}]
    >>> k = provider_kpis(pl.DataFrame(rows), T(2026, 3, 1), T(2026, 4, 1)).row(0, named=True)
    >>> k["opened"], k["resolved"], k["mttr_hours"], k["first_time_fix_rate"], k["sla_met_rate"], k["open_breached"]
    (3, 2, 15.0, 0.5, 0.5, 1)
    """
    def within(c: str) -> pl.Expr:
        return pl.col(c).is_not_null() & (pl.col(c) >= start) & (pl.col(c) < end)

    if frame.is_empty():
        return pl.DataFrame(schema={"provider_uscc": pl.String, "opened": pl.UInt32, "resolved": pl.UInt32,
                                    "confirmed": pl.UInt32, "mttr_hours": pl.Float64, "first_time_fix_rate": pl.Float64,
                                    "sla_met_rate": pl.Float64, "open_breached": pl.UInt32})
    return (
        frame.group_by("provider_uscc")
        .agg(
            within("opened_at").sum().cast(pl.UInt32).alias("opened"),
            within("resolved_at").sum().cast(pl.UInt32).alias("resolved"),
            within("confirmed_at").sum().cast(pl.UInt32).alias("confirmed"),
            pl.col("restore_hours").filter(within("resolved_at")).mean().alias("mttr_hours"),
            pl.col("first_time_fix").filter(within("confirmed_at")).cast(pl.Float64).mean().alias("first_time_fix_rate"),
            pl.col("sla_met").filter(within("resolved_at")).cast(pl.Float64).mean().alias("sla_met_rate"),
            pl.col("breached_now").sum().cast(pl.UInt32).alias("open_breached"),
        )
        .sort("provider_uscc")
    )
