"""Consignments (货物/运单) seen through their EPCIS events: one per transport document (bill of lading, air
waybill), with mode, origin and destination, exporter (linked to the enterprise record and, through its placement
with the highest confidence, to a chain segment), current status (the latest
business step), clearance intervals and cold-chain excursions; and each consignment's timeline."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from chainatlas import db, vocabulary
from chainatlas.trade.clearance import CONSIGNMENT_TYPES, TRADE_NS, consignment_times
from chainatlas.trade.hashid import namespaces

COLD_CHAIN_MAX = 8.0  # °C: a cold-chain reading above this is an excursion (2–8 °C products)
COLD_CHAIN_MIN = 2.0  # °C: …and below this
SHOCK_MAX = 98.1  # m/s² (10 g): an acceleration reading above this is a shock
STATUS_ZH = {step: vocabulary.label("biz_step", step) for step in (  # the steps a consignment's status is read from
    "consigning", "collecting", "arriving", "urn:chainatlas:bizstep:declaring", "inspecting",
    "urn:chainatlas:bizstep:releasing", "departing", "receiving")}


EVENT_SCHEMA: dict[str, pl.DataType] = {
    "consignment": pl.String(), "event_time": pl.Datetime("us"), "biz_step": pl.String(), "status_zh": pl.String(),
    "mode": pl.String(), "port": pl.String(), "destination": pl.String(), "exporter": pl.String(),
    "max_temperature": pl.Float64(), "min_temperature": pl.Float64(), "max_acceleration": pl.Float64(),
    "gross_weight_kg": pl.Float64(), "declared_value_yuan": pl.Float64()}
TEMPERATURE = ("Temperature", "gs1:Temperature")
ACCELERATION = ("Acceleration", "gs1:Acceleration")  # uom MSK (m/s²); a reading in g (uom "G"?) is not converted


def consignment_events(engine: Engine, refs: list[str] | None = None) -> pl.DataFrame:
    """The stored events that carry a consignment's transport document (bill of lading, air waybill), in time order
    per consignment — all consignments, or those in ``refs``. Mode, port, destination and exporter come from the
    event's extensions in ``{https://ns.chainatlas.org/trade/}`` (any prefix bound to it); without a port extension
    the port is the event's business location. ``max_temperature`` / ``min_temperature``: the highest / lowest
    temperature sensor reading (°C); ``max_acceleration``: the highest acceleration reading (m/s², shock)."""
    ev, at, cap = db.epcis_event.c, db.epcis_attr.c, db.epcis_capture.c
    stmt = (select(at.value, ev.event_time, ev.biz_step, ev.biz_location, ev.body, cap.context)
            .join(db.epcis_event, ev.id == at.event_pk).join(db.epcis_capture, cap.id == ev.capture_id)
            .where(at.kind == "bizTransaction", at.type.in_(CONSIGNMENT_TYPES)).order_by(at.value, ev.event_time))
    if refs is not None:
        stmt = stmt.where(at.value.in_(refs))
    rows = []
    with engine.connect() as conn:
        for r in conn.execute(stmt).mappings():
            body, ns = json.loads(r["body"]), namespaces(json.loads(r["context"] or "[]"))
            ext = {k.split(":", 1)[1]: v for k, v in body.items() if ":" in k and ns.get(k.split(":", 1)[0]) == TRADE_NS}
            reports = [rep for el in body.get("sensorElementList") or [] for rep in el.get("sensorReport") or []]
            temps = [rep.get("maxValue", rep.get("value")) for rep in reports if rep.get("type") in TEMPERATURE]
            lows = [rep.get("minValue", rep.get("value")) for rep in reports if rep.get("type") in TEMPERATURE]
            shocks = [rep.get("maxValue", rep.get("value")) for rep in reports if rep.get("type") in ACCELERATION]
            rows.append({"consignment": r["value"], "event_time": r["event_time"], "biz_step": r["biz_step"],
                         "status_zh": STATUS_ZH.get(r["biz_step"], r["biz_step"]), "mode": ext.get("mode"),
                         "port": ext.get("port") or r["biz_location"], "destination": ext.get("destination"),
                         "exporter": ext.get("exporter"),
                         "max_temperature": max((t for t in temps if t is not None), default=None),
                         "min_temperature": min((t for t in lows if t is not None), default=None),
                         "max_acceleration": max((a for a in shocks if a is not None), default=None),
                         "gross_weight_kg": _number(ext.get("grossWeightKg")),
                         "declared_value_yuan": _number(ext.get("declaredValueYuan"))})
    return pl.DataFrame(rows, schema=EVENT_SCHEMA)


def exporter_consignments(engine: Engine, uscc: str) -> list[str]:
    """The transport documents (consignment refs) of the events that name ``uscc`` as exporter — found through the
    index of extension fields, without reading the repository."""
    f, at = db.epcis_field.c, db.epcis_attr.c
    events = select(f.event_pk).where(f.scope == "top", f.name == f"{TRADE_NS}exporter", f.value == uscc)
    with engine.connect() as conn:
        return list(conn.execute(select(at.value).distinct().where(
            at.event_pk.in_(events), at.kind == "bizTransaction", at.type.in_(CONSIGNMENT_TYPES))).scalars())


def _number(v: Any) -> float | None:
    """An extension's value as a number, or None (absent, or not a number)."""
    try:
        return None if v is None or isinstance(v, bool) else float(v)
    except (TypeError, ValueError):
        return None


def consignments(engine: Engine, events: pl.DataFrame | None = None) -> list[dict[str, Any]]:
    """One row per consignment (newest first); ``events``: :func:`consignment_events` when already read."""
    frame = consignment_events(engine) if events is None else events
    if frame.height == 0:
        return []
    times = consignment_times(frame)
    summary = frame.group_by("consignment").agg(
        pl.col("event_time").min().alias("booked"), pl.col("event_time").max().alias("last_event"),
        pl.col("status_zh").last().alias("status_zh"), pl.col("biz_step").last().alias("status"),
        pl.col("mode").drop_nulls().first(), pl.col("port").drop_nulls().first().alias("origin"),
        pl.col("destination").drop_nulls().first(), pl.col("exporter").drop_nulls().first(),
        pl.col("max_temperature").max(), pl.col("min_temperature").min(), pl.col("max_acceleration").max())
    e, p, sg = db.enterprise.c, db.placement.c, db.segment.c
    exporters = summary["exporter"].drop_nulls().unique().to_list()
    with engine.connect() as conn:
        names = dict(conn.execute(select(e.uscc, e.name).where(e.uscc.in_(exporters))).all())
        # the exporter's chain segment: its placement with the highest confidence
        placed: dict[str, tuple[str, str]] = {}
        for uscc, code, chain, _conf in conn.execute(
                select(p.uscc, p.segment_code, sg.chain_id, p.confidence).join(db.segment, sg.code == p.segment_code)
                .where(p.uscc.in_(exporters)).order_by(p.uscc, p.confidence.desc(), p.segment_code)).all():
            placed.setdefault(uscc, (code, chain))
    out = summary.join(times.select("consignment", "channel", "arrival_to_release", "declaration_to_release"),
                       on="consignment", how="left").with_columns(
        ((pl.col("max_temperature") > COLD_CHAIN_MAX) | (pl.col("min_temperature") < COLD_CHAIN_MIN)).fill_null(False).alias("excursion"),
        (pl.col("max_acceleration") > SHOCK_MAX).fill_null(False).alias("shock"),
        pl.col("exporter").replace_strict(names, default=None).alias("exporter_name"),
        pl.col("exporter").replace_strict({k: v[0] for k, v in placed.items()}, default=None).alias("segment_code"),
        pl.col("exporter").replace_strict({k: v[1] for k, v in placed.items()}, default=None).alias("chain_id"))
    return out.sort("booked", descending=True).to_dicts()


def timeline(engine: Engine, ref: str) -> list[dict[str, Any]]:
    """The consignment's events in time order."""
    return consignment_events(engine, [ref]).to_dicts()


@cache
def _airport_countries() -> dict[str, str]:
    import airportsdata

    return {code: a["country"] for code, a in airportsdata.load("IATA").items()}


def place_country(code: str | None) -> str | None:
    """The country (ISO 3166-1 alpha-2) of a place code: an IATA airport (3 letters, from ``airportsdata``) or a UN/LOCODE
    (5 characters, whose first two are the country).

    >>> place_country("LUX"), place_country("DEDUI"), place_country("??")
    ('LU', 'DE', None)
    """
    if not code:
        return None
    if len(code) == 5 and code[:2].isalpha():
        return code[:2].upper()
    return _airport_countries().get(code.upper()) if len(code) == 3 else None


def destinations_by_country(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consignments per destination country (from :func:`consignments`), most first, with their share."""
    counts: dict[str, int] = {}
    for r in rows:
        country = place_country(r.get("destination"))
        if country:
            counts[country] = counts.get(country, 0) + 1
    total = sum(counts.values())
    return [{"country_code": k, "consignments": n, "share": round(n / total, 4)}
            for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
