"""The actual values of the indicators (实际值), each point with its period, source and as-of date: computed by the
platform from its own data, or read from the imported official statistics. Definitions: ``indicators.yaml`` and
``docs/metrics.md`` (城市驾驶舱指标)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, func, select

from chainatlas import db
from chainatlas.indicators.registry import Indicator

Point = dict[str, Any]  # period, value, source, as_of
TIER_INDICATORS = {"innovative_firms": "innovative", "srdi_firms": "specialised", "little_giant_firms": "little_giant"}


def _point(period: str, value: float | None, source: str, as_of: Any) -> Point:
    return {"period": period, "value": None if value is None else round(float(value), 4), "source": source,
            "as_of": as_of.isoformat() if isinstance(as_of, dt.date) else as_of}


def official(engine: Engine, indicator_id: str) -> list[Point]:
    """The imported official statistics of an indicator, by period."""
    o = db.official_statistic.c
    with engine.connect() as conn:
        rows = conn.execute(select(o.period, o.value, o.publisher, o.published_on)
                            .where(o.indicator_id == indicator_id).order_by(o.period)).all()
    return [_point(p, v, pub, on) for p, v, pub, on in rows]


def supporting_rate_by_chain(engine: Engine, home: str, rows_ok: bool) -> dict[str, list[Point]]:
    """Per chain, its local supporting rate (%) per period; small cells suppressed unless ``rows_ok``
    (:func:`chainatlas.analysis.views.rates_for`)."""
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.analysis.views import rates_for
    from chainatlas.registry.queries import list_chains

    snap = load_snapshot(engine)
    src = "平台计算：供应关系（增值税发票汇总） / computed from supply links"
    return {c["id"]: [_point(r["period"], None if r["rate"] is None else r["rate"] * 100, src, snap.as_of)
                      for r in rates_for(snap, home=home, rows_ok=rows_ok, chain=c["id"])["rows"]]
            for c in list_chains(engine)}


def tier_counts(engine: Engine, on: dt.date) -> dict[str, int]:
    """Local firms meeting or holding each tier on ``on``, computed once per data version (the snapshot's memo)."""
    import polars as pl

    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.rules import tiers

    def compute() -> dict[str, int]:
        s = tiers.city_summary(engine, on)
        done = s.filter((pl.col("status") == "met") | pl.col("held")) if s.height else s
        return {t: done.filter(pl.col("tier") == t).height for t in tiers.TIERS}

    return load_snapshot(engine).memo(("tier_counts", on.isoformat()), compute)  # type: ignore[no-any-return]


def tier_firms(engine: Engine, tier: str, years: list[int]) -> list[Point]:
    """Local firms meeting or holding ``tier`` on 31 December of each year (today for this year)."""
    today = dt.date.today()
    out = []
    for year in years:
        on = min(dt.date(year, 12, 31), today)
        out.append(_point(str(year), tier_counts(engine, on).get(tier, 0),
                          "平台计算：梯度培育规则 / computed with the tier rules", on))
    return out


def clearance_median_hours(engine: Engine) -> list[Point]:
    """The median arrival-to-release time per month of release."""
    from chainatlas.trade.clearance import clearance_stats, consignment_times
    from chainatlas.trade.consignments import consignment_events

    times = consignment_times(consignment_events(engine))
    if times.height == 0:
        return []
    rows = clearance_stats(times, by=("month",), target_hours=24).sort("month").to_dicts()
    return [_point(r["month"], r["median"], "平台计算：EPCIS 事件 / computed from EPCIS events", r["month"]) for r in rows]


def policy_granted(engine: Engine) -> list[Point]:
    """The policy ledger's amounts per budget year (万元)."""
    g = db.policy_grant.c
    with engine.connect() as conn:
        rows = conn.execute(select(g.year, func.sum(g.amount_yuan), func.max(g.granted_at)).group_by(g.year)
                            .order_by(g.year)).all()
    return [_point(str(y), float(a or 0) / 1e4, "平台计算：惠企政策发放台账 / the policy ledger", last.date() if last else None)
            for y, a, last in rows]


def trade_lanes(engine: Engine) -> list[Point]:
    """Lanes with a departure in each month — the lanes of :func:`chainatlas.network.lanes.lanes` by month."""
    from chainatlas.network.lanes import lanes
    from chainatlas.trade.consignments import consignment_events

    per_month: dict[str, int] = {}
    for r in lanes(consignment_events(engine), by="month"):
        per_month[r["month"]] = per_month.get(r["month"], 0) + 1
    return [_point(m, n, "平台计算：EPCIS 事件 / computed from EPCIS events", m) for m, n in sorted(per_month.items())]


def collab_accepted(engine: Engine) -> list[Point]:
    """Demands of the open calls accepted (验收) per year of acceptance — the workflow's events."""
    e = db.collab_event.c
    with engine.connect() as conn:
        rows = conn.execute(select(e.demand_id, e.at).where(e.kind == "state", e.state_to == "accepted")).all()
    per_year: dict[int, set[str]] = {}
    last: dict[int, dt.date] = {}
    for did, at in rows:
        per_year.setdefault(at.year, set()).add(did)
        last[at.year] = max(last.get(at.year, at.date()), at.date())
    return [_point(str(y), len(ds), "平台计算：揭榜挂帅流程 / the open-call workflow", last[y])
            for y, ds in sorted(per_year.items())]


def actuals(engine: Engine, ind: Indicator, *, home: str, rows_ok: bool = True) -> dict[str, list[Point]]:
    """The series of ``ind``: ``{"": points}``, or one series per chain for a per-chain indicator; ``rows_ok`` off
    suppresses what rests on fewer than three firms."""
    if ind.kind == "official":
        return {"": official(engine, ind.id)}
    if ind.id == "supporting_rate":
        return supporting_rate_by_chain(engine, home, rows_ok)
    if ind.id in TIER_INDICATORS:
        from chainatlas.analysis.snapshot import load_snapshot

        years = sorted({int(p[:4]) for p in load_snapshot(engine).periods()} | {dt.date.today().year})
        return {"": tier_firms(engine, TIER_INDICATORS[ind.id], years)}
    computed = {"clearance_median_hours": clearance_median_hours, "policy_granted_yuan": policy_granted,
                "trade_lanes": trade_lanes, "collab_accepted": collab_accepted}
    return {"": computed[ind.id](engine)}
