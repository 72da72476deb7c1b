"""Clearance time (通关时间) after the WCO Time Release Study method (Guide to Measure the Time Required for the
Release of Goods, version 3, 2018): per consignment, the time between milestones; per group (mode, port,
inspection channel, month), count, mean, median, 90th percentile and outliers, against a target.

Milestones are read from EPCIS events of the consignment (docs/trade.md, "Clearance milestones"):

=============  ==================================================================
milestone      event
=============  ==================================================================
arrival        ``bizStep`` arriving at the port (first such event)
declaration    ``bizStep`` ``urn:chainatlas:bizstep:declaring`` (customs declaration lodged)
inspection     ``bizStep`` inspecting (the consignment is in the inspection channel)
release        ``bizStep`` ``urn:chainatlas:bizstep:releasing`` (customs release)
departure      ``bizStep`` departing (first after release)
=============  ==================================================================

Intervals (hours): arrival → release (the TRS "total release time" at the port), declaration → release (customs
time), arrival → declaration, release → departure. A consignment without both ends of an interval has no value for
it (never zero). Outliers: above Q3 + 1.5·IQR of their group (Tukey's fences).
"""

from __future__ import annotations

import polars as pl

MILESTONES = {"arriving": "arrival", "urn:chainatlas:bizstep:declaring": "declaration", "inspecting": "inspection",
              "urn:chainatlas:bizstep:releasing": "release", "departing": "departure"}
INTERVALS = {"arrival_to_release": ("arrival", "release"), "declaration_to_release": ("declaration", "release"),
             "arrival_to_declaration": ("arrival", "declaration"), "release_to_departure": ("release", "departure")}
GROUPS = ("mode", "port", "destination", "channel", "month")


def consignment_times(events: pl.DataFrame) -> pl.DataFrame:
    """One row per consignment: the first time of each milestone, mode, port, destination (when the events carry
    it), channel (``inspected`` when an inspection event exists, else ``green``), the month of release, and the
    intervals in hours.

    ``events`` columns: consignment, biz_step, event_time (datetime, UTC), mode, port (as
    :func:`chainatlas.trade.consignments.consignment_events` reads them from the repository).

    >>> import datetime as dt
    >>> t = lambda h: dt.datetime(2026, 3, 1) + dt.timedelta(hours=h)
    >>> ev = pl.DataFrame({"consignment": ["A"] * 3, "biz_step": ["arriving", "urn:chainatlas:bizstep:declaring",
    ...     "urn:chainatlas:bizstep:releasing"], "event_time": [t(0), t(2), t(8)], "mode": ["air"] * 3, "port": ["CGO"] * 3})
    >>> consignment_times(ev).select("arrival_to_release", "declaration_to_release", "channel").row(0)
    (8.0, 6.0, 'green')
    """
    ms = events.with_columns(pl.col("biz_step").replace_strict(MILESTONES, default=None).alias("milestone")).filter(
        pl.col("milestone").is_not_null())
    first = ms.group_by("consignment", "milestone").agg(pl.col("event_time").min())
    wide = first.pivot(on="milestone", index="consignment", values="event_time")
    for m in set(MILESTONES.values()) - set(wide.columns):
        wide = wide.with_columns(pl.lit(None, dtype=pl.Datetime("us")).alias(m))
    carried = [c for c in ("mode", "port", "destination") if c in events.columns]
    attrs = events.group_by("consignment").agg([pl.col(c).drop_nulls().first() for c in carried])
    out = wide.join(attrs, on="consignment", how="left").with_columns(
        pl.when(pl.col("inspection").is_not_null()).then(pl.lit("inspected")).otherwise(pl.lit("green")).alias("channel"),
        pl.col("release").dt.strftime("%Y-%m").alias("month"),
        *[((pl.col(b) - pl.col(a)).dt.total_seconds() / 3600).alias(name) for name, (a, b) in INTERVALS.items()])
    return out.sort("consignment")


def clearance_stats(times: pl.DataFrame, *, interval: str = "arrival_to_release", by: tuple[str, ...] = ("mode",),
                    target_hours: float | None = None) -> pl.DataFrame:
    """Per group: consignments with a value, mean, median, p90 (linear interpolation), Tukey outliers and — with a
    target — the share released within it.

    >>> times = pl.DataFrame({"mode": ["air"] * 5, "arrival_to_release": [1.0, 2.0, 3.0, 4.0, 40.0]})
    >>> clearance_stats(times, target_hours=3).select("n", "mean", "median", "p90", "outliers", "within_target").row(0)
    (5, 10.0, 3.0, 25.6, 1, 0.6)
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval: one of {', '.join(INTERVALS)}")
    bad = [g for g in by if g not in GROUPS]
    if bad:
        raise ValueError(f"group by: {', '.join(GROUPS)} (not {', '.join(bad)})")
    v = pl.col(interval)
    q1, q3 = v.quantile(0.25, "linear"), v.quantile(0.75, "linear")
    aggs = [v.count().alias("n"), v.mean().alias("mean"), v.median().alias("median"),
            v.quantile(0.9, "linear").alias("p90"), (v > q3 + 1.5 * (q3 - q1)).sum().alias("outliers")]
    if target_hours is not None:
        aggs.append(((v <= target_hours).sum() / v.count()).alias("within_target"))
    data = times.filter(v.is_not_null())
    return (data.group_by(list(by)).agg(aggs) if by else data.select(aggs)).sort(list(by) or ["n"])


TRADE_NS = "https://ns.chainatlas.org/trade/"  # mode (air, rail, sea, road) and port (IATA / UN/LOCODE) extensions
CONSIGNMENT_TYPES = ("bol", "urn:chainatlas:btt:awb")
