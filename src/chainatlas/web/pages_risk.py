"""Workbench pages of resilience (韧性): the REI ranking of a chain (REI against spend), the scenario builder with
progress, a scenario's results, scenarios side by side. Each has a JSON twin and its tables export to CSV/XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from chainatlas import db, jobs
from chainatlas.analysis.snapshot import data_version
from chainatlas.registry import queries
from chainatlas.risk import store
from chainatlas.risk.scenario import compare
from chainatlas.settings import home_of
from chainatlas.web.errors import refused
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)


@router.get("/risk", response_class=HTMLResponse)
def risk_home(request: Request) -> Response:
    scenarios = store.list_all(db.get_engine())
    chains = queries.list_chains(db.get_engine())
    return table_download(request, {"scenarios": scenarios}, "scenarios") or render(
        request, "risk.html", {"scenarios": scenarios, "chains": chains})


@router.get("/risk/ranking/{chain_id}", response_class=HTMLResponse)
def ranking_page(request: Request, chain_id: str) -> Response:
    """The last REI job of this chain on the current data (or its progress, or a button to start it)."""
    home = home_of()
    engine = db.get_engine()
    chain = next((c for c in queries.list_chains(engine) if c["id"] == chain_id), None)
    if chain is None:
        raise refused(404, "未找到产业链", f"chain {chain_id} not found")
    job = jobs.latest(engine, "risk.rei", {"chain": chain_id, "home": home, "data_version": data_version(engine)})
    rows = (job["result"] or {}).get("rows", []) if job and job["status"] == "done" else []
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
    data = {"chain": chain, "home": home, "rows": rows,
            "job": None if job is None else {k: job[k] for k in ("id", "status", "done", "total", "percent", "message")}}
    return table_download(request, {"ranking": rows}, f"rei-{chain_id}") or render(request, "risk_ranking.html", data)


@router.get("/risk/scenarios/compare", response_class=HTMLResponse)
def compare_page(request: Request, ids: Annotated[list[Annotated[int, Query(ge=1, le=2**31 - 1)]], Query(min_length=1, max_length=6)]) -> Response:
    saved = [store.get(db.get_engine(), i) for i in ids]
    if any(s is None or s["result"] is None for s in saved):
        raise refused(404, "情景不存在或尚未运行", "scenario not found or not run yet")
    rows = compare([s["result"] for s in saved if s])
    data = {"scenarios": [{"id": s["id"], "name": s["name"], "summary": s["result"]["summary"]} for s in saved if s],
            "leaders": rows, "qs": "&".join(f"ids={i}" for i in ids)}
    return table_download(request, {"leaders": rows}, "scenarios-compare") or render(request, "risk_compare.html", data)


@router.get("/risk/scenarios/{scenario_id}", response_class=HTMLResponse)
def scenario_page(request: Request, scenario_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    saved = store.get(db.get_engine(), scenario_id)
    if saved is None:
        raise refused(404, "未找到情景", f"scenario {scenario_id} not found")
    res = saved["result"] or {"leaders": [], "chains": [], "top_impacted": [], "timeline": []}
    return table_download(request, {"leaders": res["leaders"], "chains": res["chains"], "top_impacted": res["top_impacted"],
                             "timeline": res["timeline"]}, f"scenario-{scenario_id}") or render(
        request, "risk_scenario.html", saved)
