"""Shipment requests, cartons and capacity offers kept in the database (exchange tables ``shipment_requests``,
``shipment_cartons``, ``capacity_offers``) or given as exchange-spec files, as the planner's shipments and units.

Every row goes through the same reader as the JSON shape (:func:`~chainatlas.consolidation.model.shipment_from_dict`),
so a stored request and a JSON one are checked alike."""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.consolidation.model import Shipment, Unit, shipment_from_dict, unit_from_dict
from chainatlas.messages import InvalidInput, Message

TABLES = ("shipment_requests", "shipment_cartons", "capacity_offers")


def shipment_dicts(requests: Iterable[Mapping[str, Any]], cartons: Iterable[Mapping[str, Any]]
                   ) -> tuple[list[dict[str, Any]], dict[str, Message]]:
    """Requests and their carton lines (exchange-spec rows) in the JSON shape; requests without cartons are set
    aside with the reason.

    >>> req = {"request_id": "P1", "exporter_uscc": "U", "mode": "rail", "origin": "CNCGO", "destination": "DEHAM",
    ...        "ready_date": dt.date(2026, 3, 2), "latest_arrival": dt.date(2026, 3, 30)}
    >>> lines = [{"request_id": "P1", "line": 2, "count": 3, "length_cm": 80, "width_cm": 60, "height_cm": 60,
    ...           "gross_kg": 100, "stackable": None}]
    >>> ships, missing = shipment_dicts([req, {**req, "request_id": "P2"}], lines)
    >>> ships[0]["cartons"][0]["count"], ships[0]["cartons"][0]["stackable"], list(missing)
    (3, True, ['P2'])
    """
    by_request: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in cartons:
        by_request[str(c["request_id"])].append(c)
    out, missing = [], {}
    for r in requests:
        rid = str(r["request_id"])
        lines = sorted(by_request.get(rid, []), key=lambda c: int(c["line"]))
        if not lines:
            missing[rid] = Message("没有装箱明细", "no cartons given")
            continue
        out.append({
            "id": rid, "exporter_uscc": r["exporter_uscc"], "origin": r["origin"], "destination": r["destination"],
            "mode": r["mode"], "ready_date": str(r["ready_date"]), "latest_arrival": str(r["latest_arrival"]),
            "dg_class": r.get("dg_class"), "temperature_min_c": r.get("temperature_min_c"),
            "temperature_max_c": r.get("temperature_max_c"), "declared_value": r.get("declared_value_yuan"),
            "cartons": [{"length_cm": c["length_cm"], "width_cm": c["width_cm"], "height_cm": c["height_cm"],
                         "gross_kg": c["gross_kg"], "count": int(c["count"]),
                         "stackable": True if c.get("stackable") is None else bool(c["stackable"]),
                         "this_way_up": bool(c.get("this_way_up")), "fragile": bool(c.get("fragile"))} for c in lines]})
    return out, missing


def unit_dicts(offers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Capacity offers (exchange-spec rows) in the JSON shape, one per unit: an offer of n > 1 units becomes
    ``<offer>-1`` … ``<offer>-n``.

    >>> [u["id"] for u in unit_dicts([{"offer_id": "B1", "units": 2, "forwarder_uscc": "F", "mode": "sea",
    ...   "origin": "CNTAO", "destination": "NLRTM", "departure": dt.date(2026, 3, 5), "equipment": "40HQ",
    ...   "price_yuan": 15500}])]
    ['B1-1', 'B1-2']
    """
    out = []
    for o in offers:
        n = int(o.get("units") or 1)
        base = {"forwarder_uscc": o["forwarder_uscc"], "mode": o["mode"], "origin": o["origin"],
                "destination": o["destination"], "departure": str(o["departure"]), "equipment": o["equipment"],
                "price": o["price_yuan"], "min_fill": o.get("min_fill"),
                "cutoff": str(o["cutoff"]) if o.get("cutoff") else None,
                "arrival": str(o["arrival"]) if o.get("arrival") else None, "offer": o["offer_id"]}
        out += [{**base, "id": o["offer_id"] if n == 1 else f"{o['offer_id']}-{k}"} for k in range(1, n + 1)]
    return out


def _parsed(ships: list[dict[str, Any]], units: list[dict[str, Any]], where: str) -> tuple[list[Shipment], list[Unit]]:
    return ([shipment_from_dict(s, f"{where}:{s['id']}") for s in ships],
            [unit_from_dict(u, f"{where}:{u['id']}") for u in units])


def stored_inputs(engine: Engine, *, ready_from: dt.date | None = None, ready_to: dt.date | None = None,
                  exporter: str | None = None) -> tuple[list[Shipment], list[Unit], dict[str, Message]]:
    """The stored requests (ready between the two dates, of one exporter if given), every stored offer that leaves
    on or after the earliest ready date, and the requests set aside (no cartons) with the reason."""
    r, c, o = db.consol_request, db.consol_carton, db.consol_offer
    q = select(r)
    if ready_from:
        q = q.where(r.c.ready_date >= ready_from)
    if ready_to:
        q = q.where(r.c.ready_date <= ready_to)
    if exporter:
        q = q.where(r.c.exporter_uscc == exporter)
    with engine.connect() as conn:
        requests = [dict(m) for m in conn.execute(q.order_by(r.c.request_id)).mappings()]
        ids = [x["request_id"] for x in requests]
        cartons = [dict(m) for start in range(0, len(ids), 5000) for m in conn.execute(
            select(c).where(c.c.request_id.in_(ids[start:start + 5000]))).mappings()]
        earliest = min((x["ready_date"] for x in requests), default=None)
        oq = select(o).order_by(o.c.offer_id)
        if earliest:
            oq = oq.where(o.c.departure >= earliest)
        offers = [dict(m) for m in conn.execute(oq).mappings()]
    ships, missing = shipment_dicts(requests, cartons)
    shipments, units = _parsed(ships, unit_dicts(offers), "stored")
    return shipments, units, missing


def read_exchange_files(paths: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """The rows of exchange-spec files (XLSX with the template's sheets, CSV, JSON Lines, Parquet) checked like an
    import but not stored; any problem raises :class:`InvalidInput` listing where, what and why."""
    import polars as pl

    from chainatlas.exchange.importer import import_files
    from chainatlas.exchange.validate import Context
    from chainatlas.registry.codes import country_codes, place_codes

    ctx = Context(frozenset(), {}, country_codes(), frozenset(), frozenset(), places=place_codes())
    frames: dict[str, list[pl.DataFrame]] = {}
    report = import_files(paths, dry_run=True, context=ctx, collect=frames, check_parties=False, write_reports=False)
    if report.n_problems:
        head = report.problems[:10]
        more = report.n_problems - len(head)
        tail_zh, tail_en = (f"（另有 {more} 处）", f" ({more} more)") if more > 0 else ("", "")
        raise InvalidInput("；".join(f"{p.file} {p.sheet} 第{p.row}行 {p.column}：{p.reason_zh}" for p in head) + tail_zh,
                           "; ".join(f"{p.file} {p.sheet} row {p.row} {p.column}: {p.reason_en}" for p in head) + tail_en)
    return {t: [row for f in fs for row in f.to_dicts()] for t, fs in frames.items()}


def file_inputs(shipments: list[Path], capacity: list[Path]) -> tuple[list[Shipment], list[Unit], dict[str, Message]]:
    """Shipments and units from exchange-spec files (requests and cartons may be in one workbook or two files)."""
    rows = read_exchange_files([*shipments, *capacity])
    ships, missing = shipment_dicts(rows.get("shipment_requests", []), rows.get("shipment_cartons", []))
    if not ships and not missing:
        raise InvalidInput("文件中没有「拼单需求」表", "the files hold no shipment_requests table")
    shipments_, units = _parsed(ships, unit_dicts(rows.get("capacity_offers", [])), "file")
    return shipments_, units, missing


_plans: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def _version(engine: Engine) -> str:
    from sqlalchemy import func

    with engine.connect() as conn:
        job = conn.execute(select(func.max(db.import_job.c.id))).scalar() or 0
        counts = [conn.execute(select(func.count()).select_from(t)).scalar() or 0
                  for t in (db.consol_request, db.consol_carton, db.consol_offer)]
    return f"{engine.url}|{job}|{counts}"


def stored_plan(engine: Engine, *, time_limit: float = 5.0) -> dict[str, Any]:
    """The plan of every stored request and offer (:func:`~chainatlas.consolidation.plan.consolidate`), computed once
    per import: with ``lanes`` (per lane and week of departure) and ``requests`` (the stored request rows by id)."""
    from chainatlas.consolidation.plan import consolidate

    key = _version(engine)
    with _lock:
        if key not in _plans:
            shipments, units, missing = stored_inputs(engine)
            result = consolidate(shipments, units, time_limit=time_limit, set_aside=missing)
            result["lanes"] = lanes(shipments, result)
            _plans.clear()
            _plans[key] = result
        return _plans[key]


def lanes(shipments: list[Shipment], result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per lane and ISO week of departure: shipments, units, pooled cost, cost alone and the saving."""
    lane_of = {s.id: s.lane for s in shipments}
    unit_of = {a["shipment"]: a["unit"] for a in result["assignments"]}
    departure = {u["id"]: u["departure"] for u in result["units"]}
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for c in result["costs"]:
        mode, origin, dest = lane_of[c["shipment"]]
        iso = dt.date.fromisoformat(departure[unit_of[c["shipment"]]]).isocalendar()
        week = f"{iso.year}-W{iso.week:02d}"
        row = out.setdefault((mode, origin, dest, week), {"mode": mode, "origin": origin, "destination": dest, "week": week,
                                                          "shipments": 0, "units": set(), "pooled": 0.0, "alone": 0.0})
        row["shipments"] += 1
        row["units"].add(c["unit"])
        row["pooled"] += c["pooled"]
        row["alone"] += c["alone"] or 0.0
    rows = []
    for row in out.values():
        row["units"] = len(row["units"])
        row["saving"] = row["alone"] - row["pooled"]
        row["saving_share"] = row["saving"] / row["alone"] if row["alone"] else None
        rows.append(row)
    return sorted(rows, key=lambda r: (r["mode"], r["origin"], r["destination"], r["week"]))
