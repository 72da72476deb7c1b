"""Workbench pages of resilience (韧性): the REI ranking of a chain (REI against spend), the scenario builder with
progress, a scenario's results, scenarios side by side. Each has a JSON twin and its tables export to CSV/XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from chainatlas import db, jobs
from chainatlas.analysis.snapshot import data_version
from chainatlas.messages import Message
from chainatlas.registry import queries
from chainatlas.risk import store
from chainatlas.risk.scenario import compare, parse_disruption
from chainatlas.settings import home_of
from chainatlas.web.errors import refused
from chainatlas.web.i18n import code_label, language
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)
KIND_NAMES = {"enterprise": Message("企业", "enterprise"), "region": Message("地区", "region"),
              "country": Message("国家/地区", "country"), "segment": Message("环节", "segment")}


def disruption_names(texts: list[str], lang: str) -> dict[str, str]:
    """Each disruption (``segment:nev.pack``, ``region:3205`` …) in words: 环节：电池包, 地区：江苏省苏州市 …"""
    parsed = {t: parse_disruption(t) for t in texts}
    engine = db.get_engine()
    regions = queries.division_names(engine, [d.value for d in parsed.values() if d.kind == "region"])
    countries = queries.country_names(engine, lang)
    firms = queries.enterprise_names(engine, [d.value for d in parsed.values() if d.kind == "enterprise"])
    names = {"region": regions, "country": countries, "enterprise": firms}
    sep = "：" if lang == "zh" else ": "
    return {t: KIND_NAMES[d.kind].text(lang) + sep + (code_label("segment", d.value, lang) if d.kind == "segment"
                                                      else names[d.kind].get(d.value, d.value)) for t, d in parsed.items()}


@router.get("/risk", response_class=HTMLResponse)
def risk_home(request: Request) -> Response:
    scenarios = store.list_all(db.get_engine())
    chains = queries.list_chains(db.get_engine())
    names = disruption_names(sorted({d for s in scenarios for d in s["disrupt"]}), language(request))
    return table_download(request, {"scenarios": scenarios}, "scenarios") or render(
        request, "risk.html", {"scenarios": scenarios, "chains": chains, "disruption_names": names})


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
        request, "risk_scenario.html", {**saved, "disruption_names": disruption_names(saved["spec"]["disrupt"], language(request))})
