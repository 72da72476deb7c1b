"""Workbench pages of the foreign-trade service (外贸供应链): consignments with their status and clearance time,
one consignment's timeline. JSON twins (``?format=json``) and CSV/XLSX exports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainatlas import db
from chainatlas.registry import queries
from chainatlas.trade import alerts as trade_alerts
from chainatlas.trade.clearance import clearance_stats, consignment_times
from chainatlas.trade.consignments import (
    COLD_CHAIN_MAX,
    COLD_CHAIN_MIN,
    SHOCK_MAX,
    consignment_events,
    consignments,
    destinations_by_country,
    timeline,
)
from chainatlas.web.auth import Principal, authorize
from chainatlas.web.errors import refused
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download, table_response

router = APIRouter(include_in_schema=False)


@router.get("/trade", response_class=HTMLResponse)
def trade_page(request: Request) -> Response:
    engine = db.get_engine()
    events = consignment_events(engine)  # read once: the list and the statistics come from the same events
    rows = consignments(engine, events)
    times = consignment_times(events)
    try:
        target = float(request.query_params.get("target", "24"))
    except ValueError as exc:
        raise refused(422, "目标须为小时数", "target must be a number of hours") from exc
    stats = clearance_stats(times, by=("mode", "channel"), target_hours=target).to_dicts() if times.height else []
    trend = clearance_stats(times, by=("month",), target_hours=target).sort("month").to_dicts() if times.height else []
    alerts = trade_alerts.inbox(engine)
    destinations = queries.with_country_names(engine, destinations_by_country(rows))
    download = table_download(request, {"consignments": rows, "clearance": stats, "trend": trend, "alerts": alerts,
                                        "destinations": destinations}, "trade")
    if download:
        return download
    inbox = [a for a in alerts if a["status"] != "resolved"]
    return render(request, "trade.html", {"consignments": rows, "clearance": stats, "trend": trend, "target_hours": target,
                                          "excursions": sum(1 for r in rows if r["excursion"]),
                                          "shocks": sum(1 for r in rows if r["shock"]), "alerts": inbox,
                                          "destinations": destinations})


@router.get("/trade/trace", response_class=HTMLResponse)
def trace_page(request: Request) -> Response:
    from chainatlas.trade.trace import trace

    epc = request.query_params.get("epc", "").strip()
    direction = request.query_params.get("direction", "back")
    if direction not in ("back", "forward"):
        raise refused(422, "方向须为 back 或 forward", "direction: back or forward")
    rows = trace(db.get_engine(), epc, direction) if epc else []
    if request.query_params.get("format") in ("csv", "xlsx"):
        return table_response(rows, request.query_params["format"], "trace")
    return render(request, "trace.html", {"epc": epc, "direction": direction, "reached": rows})


@router.post("/trade/alerts/{alert_id}/{action}")
def alert_form(alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)], action: Annotated[str, Path(pattern="^(acknowledge|resolve)$")],
               principal: Annotated[Principal, Depends(authorize)], note: Annotated[str, Form()] = "") -> Response:
    try:
        trade_alerts.transition(db.get_engine(), alert_id, action, principal.name, note or None)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return RedirectResponse("/trade#alerts", status_code=303)


@router.get("/trade/consignments/{ref:path}", response_class=HTMLResponse)
def consignment_page(request: Request, ref: Annotated[str, Path(max_length=300)]) -> Response:
    events = timeline(db.get_engine(), ref)
    if not events:
        raise refused(404, "没有该运单", f"no consignment {ref}")
    if request.query_params.get("format") in ("csv", "xlsx"):
        return table_response(events, request.query_params["format"], "consignment-timeline")
    return render(request, "consignment.html", {"ref": ref, "events": events, "cold_chain_max": COLD_CHAIN_MAX,
                                                "cold_chain_min": COLD_CHAIN_MIN, "shock_max": SHOCK_MAX})
