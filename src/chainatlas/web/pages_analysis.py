"""Workbench pages of the atlas: chain panorama with flows, attraction targets, chain-leader pages.
Each has a JSON twin (``?format=json``) and its tables export to CSV/XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from chainatlas import db
from chainatlas.analysis import reports, views
from chainatlas.analysis.snapshot import load_snapshot
from chainatlas.analysis.supporting_rate import supporting_rate
from chainatlas.analysis.targets import attraction_targets
from chainatlas.chains import placement
from chainatlas.registry import queries
from chainatlas.settings import get_settings, home_of
from chainatlas.web.auth import Principal, authorize, has_rows
from chainatlas.web.errors import refused
from chainatlas.web.i18n import language
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_response, xlsx_response

router = APIRouter(include_in_schema=False)


def _home(request: Request) -> str:
    try:
        return home_of(request.query_params.get("home"))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/chains", response_class=HTMLResponse)
def chains_page(request: Request) -> Response:
    data = {"chains": queries.overview(db.get_engine())["by_chain"]}
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        return table_response(data["chains"], fmt, "chains")
    return render(request, "chains.html", data)


@router.get("/chains/{chain_id}", response_class=HTMLResponse)
def chain_page(request: Request, chain_id: str, period: str | None = None) -> Response:
    try:
        data = views.chain_page(db.get_engine(), load_snapshot(db.get_engine()), chain_id, home=_home(request), period=period or None,
                                rows_ok=has_rows(request, "supply_links"))
    except KeyError as exc:
        raise refused(404, "未找到产业链", f"chain {chain_id} not found") from exc
    fmt = request.query_params.get("format")
    if fmt == "xlsx":
        return xlsx_response(reports.atlas_workbook(data), f"atlas-{chain_id}")
    if fmt == "csv":
        return table_response([{k: v for k, v in r.items() if k not in ("feeds_into", "suppressed")} for r in data["segments"]],
                              "csv", f"atlas-{chain_id}")
    return render(request, "chain.html", jsonable_encoder(data))


@router.get("/chains/{chain_id}/map", response_class=HTMLResponse)
def chain_map_page(request: Request, chain_id: str, period: str | None = None, segment: str | None = None) -> Response:
    """The chain's firms, purchases and supporting rate per county of the home city, on a map and in its table twin."""
    engine = db.get_engine()
    try:
        data = views.districts_for(engine, load_snapshot(engine), chain_id, home=_home(request), period=period or None,
                                   segment=segment or None, rows_ok=has_rows(request, "supply_links"))
    except KeyError as exc:
        raise refused(404, "未找到产业链", f"chain {chain_id} not found") from exc
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        return table_response([{k: v for k, v in r.items() if k != "suppressed"} for r in data["rows"]], fmt,
                              f"map-{chain_id}-{data['period']}")
    data["chain_info"] = queries.get_chain(engine, chain_id)
    data["measure"] = request.query_params.get("measure") or "enterprises"
    return render(request, "chain_map.html", jsonable_encoder(data))


@router.get("/maps/district.geojson", include_in_schema=False)
def district_boundaries() -> Response:
    """The home city's county boundaries (``CHAINATLAS_DISTRICT_MAP``) for the maps."""
    path = get_settings().district_map
    if not path.exists():
        raise refused(404, f"未找到区县边界文件 {path.name}", f"no county boundary file {path.name}")
    return FileResponse(path, media_type="application/geo+json")


@router.get("/chains/{chain_id}/targets", response_class=HTMLResponse)
def targets_page(request: Request, chain_id: str, segment: str | None = None, top: int = 30) -> Response:
    try:
        result = attraction_targets(load_snapshot(db.get_engine()), chain_id, home=_home(request), segment=segment or None, top=top)
    except KeyError as exc:
        raise refused(404, "未找到产业链", f"chain {chain_id} not found") from exc
    fmt = request.query_params.get("format")
    if fmt == "xlsx":
        return xlsx_response(reports.targets_workbook(result), f"targets-{chain_id}")
    if fmt == "csv":
        return table_response([{**{k: v for k, v in it.items() if k != "components"}, **it["components"]} for it in result["items"]],
                              "csv", f"targets-{chain_id}")
    result["chain_info"] = queries.get_chain(db.get_engine(), chain_id)
    return render(request, "targets.html", jsonable_encoder(result))


@router.get("/leaders/{uscc}", response_class=HTMLResponse)
def leader_page(request: Request, uscc: str) -> Response:
    home = _home(request)
    profile = queries.get_enterprise(db.get_engine(), uscc)
    if profile is None:
        raise refused(404, "未找到企业", f"enterprise {uscc} not found")
    snap = load_snapshot(db.get_engine())
    trend = supporting_rate(snap, home=home, buyer=uscc)
    by_segment = supporting_rate(snap, home=home, buyer=uscc, by_segment=True)
    latest = trend["rows"][-1]["period"] if trend["rows"] else None
    nonlocal_suppliers = [s for s in profile["top_suppliers"] if not s["local"]]
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        return table_response([r for r in by_segment["rows"] if r["period"] == latest], fmt, f"leader-{uscc}-by-segment")
    data = {"enterprise": profile["enterprise"], "home": home, "as_of": snap.as_of, "data_version": snap.version,
            "trend": trend["rows"], "by_segment": [r for r in by_segment["rows"] if r["period"] == latest],
            "period": latest, "nonlocal_suppliers": nonlocal_suppliers}
    return render(request, "leader.html", jsonable_encoder(data))


@router.get("/risk/exposure/{uscc}", response_class=HTMLResponse)
def exposure_page(request: Request, uscc: str, tiers: int = 5) -> Response:
    from chainatlas.risk.exposure import exposure

    profile = queries.get_enterprise(db.get_engine(), uscc, with_links=False)
    if profile is None:
        raise refused(404, "未找到企业", f"enterprise {uscc} not found")
    result = exposure(load_snapshot(db.get_engine()), uscc, tiers=max(1, min(tiers, 10)))
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        table = request.query_params.get("table", "suppliers")
        if table not in ("suppliers", "inputs", "single_sources", "provinces", "countries"):
            raise refused(422, "表格须为 suppliers、inputs、single_sources、provinces 或 countries", "table must be suppliers, inputs, single_sources, provinces or countries")
        return table_response(result[table], fmt, f"exposure-{uscc}-{table}")
    engine = db.get_engine()
    names = queries.province_names(engine)
    lang_en = language(request) == "en"
    for p in result["provinces"]:
        p["province_name"] = names.get(p["province"] or "", p["province"] or ("abroad" if lang_en else "境外"))
    countries = queries.country_names(engine, "en" if lang_en else "zh")
    for c in result["countries"]:
        c["country_name"] = countries.get(c["country_code"] or "", c["country_code"])
    return render(request, "exposure.html", jsonable_encoder({**result, "enterprise": profile["enterprise"]}))


@router.post("/enterprises/{uscc}/placements")
def placement_action(uscc: str, principal: Annotated[Principal, Depends(authorize)], segment_code: Annotated[str, Form()],
                     action: Annotated[str, Form()], to_segment: Annotated[str, Form()] = "") -> Response:
    try:
        placement.override(db.get_engine(), uscc=uscc, segment_code=segment_code, action=action, to_segment=to_segment or None,
                           actor=principal.name)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return RedirectResponse(f"/enterprises/{uscc}", status_code=303)
