"""The consolidation pages (货代拼单 · 示例): the demo city's SME exporters' shipments for one week on three real lanes,
pooled into containers, rail boxes and ULDs — per lane and week, each unit's 3D load plan with its loading sequence,
and each exporter's cost pooled and alone. JSON twin; tables export to CSV/XLSX (docs/consolidation.md)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from chainatlas import db
from chainatlas.analysis.snapshot import data_version
from chainatlas.settings import home_of
from chainatlas.web.errors import refused
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)
_plans: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def _demo_plan() -> dict[str, Any]:
    """The demo week's plan for this database's exporters, computed once per data version."""
    from chainatlas.consolidation.demo import demo_files
    from chainatlas.consolidation.model import shipment_from_dict, unit_from_dict
    from chainatlas.consolidation.plan import consolidate

    engine = db.get_engine()
    key = f"{engine.url}|{data_version(engine)}"
    with _lock:
        if key not in _plans:
            e = db.enterprise.c
            with engine.connect() as conn:
                rows = conn.execute(select(e.uscc, e.name).where(e.region_code.like(f"{home_of()}%"), e.is_above_scale.is_(True))
                                    .order_by(e.uscc).limit(12)).all()
            names = {u: n for u, n in rows}
            ships_raw, caps_raw = demo_files([u for u, _ in rows] or None)
            ships = [shipment_from_dict(r, f"demo[{i}]") for i, r in enumerate(ships_raw)]
            units = [unit_from_dict(r, f"demo-capacity[{i}]") for i, r in enumerate(caps_raw)]
            result = consolidate(ships, units, time_limit=5.0)
            result["names"] = names
            result["lanes"] = _lanes(ships_raw, result)
            _plans.clear()
            _plans[key] = result
        return _plans[key]


def _lanes(ships: list[dict[str, Any]], result: dict[str, Any]) -> list[dict[str, Any]]:
    """Per lane and week of departure: shipments, units, pooled cost, alone and saving."""
    lane_of = {s["id"]: (s["mode"], s["origin"], s["destination"]) for s in ships}
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


def _unit_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": u["id"], "equipment": u["equipment"], "mode": u["mode"], "departure": u["departure"],
             "shipments": len({p["shipment"] for p in u["placements"]}), "cartons": len(u["placements"]),
             "utilisation": u["utilisation"], "weight_kg": u["weight_kg"], "price": u["price"], "violations": len(u["check"])}
            for u in result["units"]]


@router.get("/consolidation", response_class=HTMLResponse)
def consolidation_page(request: Request) -> Response:
    result = _demo_plan()
    names = result["names"]
    costs = [{**c, "exporter_name": names.get(c["exporter_uscc"], "")} for c in result["costs"]]
    download = table_download(request, {"lanes": result["lanes"], "units": _unit_rows(result), "costs": costs},
                              "consolidation")
    pooled = sum(c["pooled"] for c in costs)
    alone = sum(c["alone"] or 0.0 for c in costs)
    data = {"lanes": result["lanes"], "units": _unit_rows(result), "costs": costs, "unassigned": result["unassigned"],
            "gap": result["gap"], "status": result["status"], "pooled_total": pooled, "alone_total": alone,
            "saving_share": (alone - pooled) / alone if alone else None}
    return download or render(request, "consolidation.html", jsonable_encoder(data))


@router.get("/consolidation/units/{unit_id}", response_class=HTMLResponse)
def consolidation_unit_page(request: Request, unit_id: str) -> Response:
    result = _demo_plan()
    unit = next((u for u in result["units"] if u["id"] == unit_id), None)
    if unit is None:
        raise refused(404, "未找到该箱/集装器", f"unit {unit_id} not found")
    names = result["names"]
    costs = [{**c, "exporter_name": names.get(c["exporter_uscc"], "")} for c in result["costs"] if c["unit"] == unit_id]
    download = table_download(request, {"placements": unit["placements"], "costs": costs}, f"load-plan-{unit_id}")
    return download or render(request, "consolidation_unit.html", jsonable_encoder({"unit": unit, "costs": costs}))
