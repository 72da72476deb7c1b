"""Workbench pages of the foreign-trade service (外贸供应链): consignments with their status and clearance time,
one consignment's timeline. JSON twins (``?format=json``) and CSV/XLSX exports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from chainatlas import db
from chainatlas.trade.clearance import clearance_stats, consignment_times, milestone_events
from chainatlas.trade.consignments import consignments, timeline
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_response

router = APIRouter(include_in_schema=False)


@router.get("/trade", response_class=HTMLResponse)
def trade_page(request: Request) -> Response:
    engine = db.get_engine()
    rows = consignments(engine)
    times = consignment_times(milestone_events(engine))
    try:
        target = float(request.query_params.get("target", "24"))
    except ValueError as exc:
        raise HTTPException(422, "target must be a number of hours / 目标须为小时数") from exc
    stats = clearance_stats(times, by=("mode", "channel"), target_hours=target).to_dicts() if times.height else []
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        table = request.query_params.get("table", "consignments")
        tables = {"consignments": rows, "clearance": stats}
        if table not in tables:
            raise HTTPException(422, "table must be consignments or clearance")
        return table_response(tables[table], fmt, f"trade-{table}")
    return render(request, "trade.html", {"consignments": rows, "clearance": stats, "target_hours": target,
                                          "excursions": sum(1 for r in rows if r["excursion"])})


@router.get("/trade/consignments/{ref:path}", response_class=HTMLResponse)
def consignment_page(request: Request, ref: Annotated[str, Path(max_length=300)]) -> Response:
    events = timeline(db.get_engine(), ref)
    if not events:
        raise HTTPException(404, f"没有该运单 / no consignment {ref}")
    if request.query_params.get("format") in ("csv", "xlsx"):
        return table_response(events, request.query_params["format"], "consignment-timeline")
    return render(request, "consignment.html", {"ref": ref, "events": events})
