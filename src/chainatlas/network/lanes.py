"""The cargo network (货运网络, 双枢纽): lanes built from the platform's own EPCIS events. A consignment's lane is
(origin, destination, mode): the place of its departure event, the destination it declares, its transport mode.

Per consignment (:func:`legs`): departed = its first ``departing`` event; arrived = the first ``arriving`` after it;
transit = arrived − departed (hours); on time = transit ≤ the plan for the mode (the ``late`` alert's rule,
:data:`chainatlas.trade.alerts.RULES`); hub dwell = departed − the first ``arriving`` at the origin (time at the
departure hub, hours); clearance = arrival to release (WCO TRS, :func:`chainatlas.trade.clearance.consignment_times`).
Per lane and period (:func:`lanes`): shipments, the share on time among those arrived, and medians of transit, hub
dwell and clearance; growth = shipments of the period ÷ shipments of the one before − 1; gross weight (kg) and declared value (yuan) are
summed as the bookings declare them (extensions ``grossWeightKg``, ``declaredValueYuan``; blank where none does).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from chainatlas.trade.alerts import RULES
from chainatlas.trade.clearance import consignment_times
from chainatlas.trade.consignments import place_country

LANE = ("origin", "destination", "mode")


def legs(events: pl.DataFrame) -> pl.DataFrame:
    """One row per consignment that departed: lane, departed, arrived, transit, on time, hub dwell, clearance.

    >>> import datetime as dt
    >>> t = lambda h: dt.datetime(2026, 3, 2) + dt.timedelta(hours=h)
    >>> ev = pl.DataFrame({"consignment": ["A"] * 4, "biz_step": ["arriving", "departing", "arriving", "receiving"],
    ...     "event_time": [t(0), t(10), t(30), t(40)], "mode": ["air"] * 4, "port": ["CGO", "CGO", "LUX", "LUX"],
    ...     "destination": ["LUX"] * 4})
    >>> legs(ev).select("origin", "destination", "transit_hours", "on_time", "hub_dwell_hours", "month").row(0)
    ('CGO', 'LUX', 20.0, True, 10.0, '2026-03')
    """
    plan = pl.col("mode").replace_strict(RULES["transit_plan_hours"], default=None, return_dtype=pl.Float64)
    dep = (events.filter(pl.col("biz_step") == "departing").group_by("consignment")
           .agg(pl.col("event_time").min().alias("departed"), pl.col("port").first().alias("origin"),
                pl.col("mode").drop_nulls().first(), pl.col("destination").drop_nulls().first()))
    arr = (events.filter(pl.col("biz_step") == "arriving").join(dep.select("consignment", "departed", "origin"), on="consignment")
           .group_by("consignment").agg(
               pl.col("event_time").filter(pl.col("event_time") > pl.col("departed")).min().alias("arrived"),
               pl.col("event_time").filter((pl.col("port") == pl.col("origin")) & (pl.col("event_time") <= pl.col("departed")))
               .min().alias("at_hub")))

    def hours(a: str, b: str) -> pl.Expr:
        return (pl.col(b) - pl.col(a)).dt.total_seconds() / 3600

    out = dep.join(arr, on="consignment", how="left").with_columns(
        hours("departed", "arrived").alias("transit_hours"), hours("at_hub", "departed").alias("hub_dwell_hours"),
        pl.col("departed").dt.strftime("%Y-%m").alias("month"), pl.col("departed").dt.strftime("%G-W%V").alias("week"))
    out = out.with_columns((pl.col("transit_hours") <= plan).alias("on_time"))
    declared = [c for c in ("gross_weight_kg", "declared_value_yuan") if c in events.columns]
    if declared:  # what the booking declares, once per consignment
        out = out.join(events.group_by("consignment").agg(pl.col(declared).max()), on="consignment", how="left")
    if events.height and {"biz_step", "event_time", "mode", "port"} <= set(events.columns):
        times = consignment_times(events).select("consignment", "arrival_to_release")
        out = out.join(times, on="consignment", how="left")
    else:  # no events (an empty repository): the same columns, no rows
        out = out.with_columns(pl.lit(None, pl.Float64).alias("arrival_to_release"))
    return out.sort("consignment")


def lanes(events: pl.DataFrame, *, by: str | None = "month", mode: str | None = None) -> list[dict[str, Any]]:
    """Per lane (and per ``month`` or ``week``, or over all with ``by=None``): shipments, on-time share, medians of
    transit, hub dwell and clearance, and growth against the previous period."""
    return lanes_of(legs(events), by=by, mode=mode)


def lanes_of(leg: pl.DataFrame, *, by: str | None = "month", mode: str | None = None) -> list[dict[str, Any]]:
    """:func:`lanes` from consignments already read as :func:`legs` (for several views of the same events)."""
    if mode:
        leg = leg.filter(pl.col("mode") == mode)
    keys = [*LANE, *([by] if by else [])]
    agg = (leg.group_by(keys).agg(
        pl.len().alias("shipments"),
        pl.col("on_time").drop_nulls().mean().round(4).alias("on_time_share"),
        pl.col("transit_hours").median().round(2).alias("transit_median_hours"),
        pl.col("hub_dwell_hours").median().round(2).alias("hub_dwell_median_hours"),
        pl.col("arrival_to_release").median().round(2).alias("clearance_median_hours"),
        *[(pl.col(c).sum() if c in leg.columns else pl.lit(None, pl.Float64)).alias(c)
          for c in ("gross_weight_kg", "declared_value_yuan")])
        .sort(keys))
    if by:
        agg = agg.with_columns((pl.col("shipments") / pl.col("shipments").shift(1).over(list(LANE)) - 1).round(4)
                               .alias("growth"))
    return agg.to_dicts()


def hub_view(rows: list[dict[str, Any]], hub: str) -> dict[str, Any]:
    """The lanes that start or end at ``hub`` (an IATA or UN/LOCODE place), from :func:`lanes` rows."""
    mine = [r for r in rows if hub in (r["origin"], r["destination"])]
    return {"hub": hub, "lanes": mine, "shipments": sum(r["shipments"] for r in mine),
            "outbound": sum(r["shipments"] for r in mine if r["origin"] == hub),
            "inbound": sum(r["shipments"] for r in mine if r["destination"] == hub)}


def candidate_hub(rows: list[dict[str, Any]], hub: str) -> dict[str, Any]:
    """"Replicate the dual hub": the lanes that would move through a candidate hub — those to destinations in the
    hub's country (the traffic a second hub there would gather), with their shipments."""
    country = place_country(hub)
    mine = [r for r in rows if country and place_country(r["destination"]) == country]
    return {"hub": hub, "country": country, "lanes": mine, "shipments": sum(r["shipments"] for r in mine),
            "destinations": sorted({r["destination"] for r in mine})}


def air_lines(rows: list[dict[str, Any]], hub: str) -> list[dict[str, Any]]:
    """The air lanes from ``hub`` with both ends' coordinates (``airportsdata``), for a map of lines."""
    import airportsdata

    airports = airportsdata.load("IATA")
    out = []
    for r in rows:
        a, b = airports.get(r["origin"]), airports.get(r["destination"])
        if r["mode"] == "air" and r["origin"] == hub and a and b:
            out.append({"from": r["origin"], "to": r["destination"], "shipments": r["shipments"],
                        "coords": [[a["lon"], a["lat"]], [b["lon"], b["lat"]]], "to_name": b["city"]})
    return out
