"""REST API v1 for the chain atlas, supporting rates, attraction targets and placements."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.analysis import reports, views
from chainatlas.analysis.snapshot import load_snapshot
from chainatlas.analysis.supporting_rate import leaders_rates, multi_tier_rate
from chainatlas.analysis.targets import attraction_targets
from chainatlas.chains import placement
from chainatlas.governance import catalogue
from chainatlas.settings import home_of
from chainatlas.web.auth import Principal, authorize, count_rows, has_rows
from chainatlas.web.errors import refused
from chainatlas.web.tabular import xlsx_response

router = APIRouter(prefix="/api/v1", tags=["analysis"])
Home = Annotated[str | None, Query(description="home area prefix: 4101 city, 41 province (default: settings)", pattern=r"^\d{2}(\d{2}(\d{2})?)?$")]


def _home(home: str | None) -> str:
    try:
        return home_of(home)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/chains/{chain_id}/atlas", summary="Chain atlas (产业链图谱): segments, statuses, flows")
def atlas(request: Request, chain_id: str, period: str | None = None, home: Home = None, format: str = "json") -> Any:
    try:
        result = views.atlas_for(load_snapshot(db.get_engine()), chain_id, home=_home(home), period=period,
                                 rows_ok=has_rows(request, "supply_links"))
    except KeyError as exc:
        raise refused(404, "未找到产业链", f"chain {chain_id} not found") from exc
    if format == "xlsx":
        return xlsx_response(reports.atlas_workbook(result), f"atlas-{chain_id}-{result['period']}")
    return jsonable_encoder(result)


@router.get("/chains/{chain_id}/districts", summary="The chain on the map (产业链地图): firms, purchases and rate per county")
def districts(request: Request, chain_id: str, period: str | None = None, segment: str | None = None,
              home: Home = None) -> Any:
    try:
        return jsonable_encoder(views.districts_for(db.get_engine(), load_snapshot(db.get_engine()), chain_id,
                                                    home=_home(home), period=period, segment=segment or None,
                                                    rows_ok=has_rows(request, "supply_links")))
    except KeyError as exc:
        raise refused(404, "未找到产业链", f"chain {chain_id} not found") from exc


@router.get("/supporting-rate", summary="Local supporting rate (本地配套率): numerator, denominator, rate per period")
def rate(request: Request, chain: str | None = None, buyer: str | None = None, period: str | None = None,
         home: Home = None, by_segment: bool = False) -> Any:
    return jsonable_encoder(views.rates_for(load_snapshot(db.get_engine()), home=_home(home), rows_ok=has_rows(request, "supply_links"),
                                            chain=chain, buyer=buyer, period=period, by_segment=by_segment))


@router.get("/supporting-rate/multi-tier", summary="Multi-tier local supporting rate of one buyer")
def rate_multi_tier(buyer: str, period: str, home: Home = None, tiers: Annotated[int, Query(ge=1, le=10)] = 3) -> Any:
    return {"buyer": buyer, "period": period, "home": _home(home),
            "rows": multi_tier_rate(load_snapshot(db.get_engine()), buyer=buyer, period=period, home=_home(home), tiers=tiers)}


@router.get("/leaders", summary="Chain leaders (链主) and their supporting rates per period")
def leaders(response: Response, chain: str | None = None, home: Home = None) -> Any:
    rows = leaders_rates(load_snapshot(db.get_engine()), home=_home(home), chain=chain).to_dicts()
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


@router.get("/chains/{chain_id}/targets", summary="Attraction targets (精准招商清单) with score components")
def targets(response: Response, chain_id: str, segment: str | None = None, top: Annotated[int, Query(ge=1, le=500)] = 20,
            period: str | None = None, home: Home = None, format: str = "json") -> Any:
    try:
        result = attraction_targets(load_snapshot(db.get_engine()), chain_id, home=_home(home), segment=segment, top=top, period=period)
    except KeyError as exc:
        raise refused(404, "未找到产业链", f"chain {chain_id} not found") from exc
    if format == "xlsx":
        out = xlsx_response(reports.targets_workbook(result), f"targets-{chain_id}")
        count_rows(out, len(result["items"]))
        return out
    count_rows(response, len(result["items"]))
    return jsonable_encoder(result)


@router.get("/placements", summary="Placements of enterprises on segments (环节归属)")
def placements(response: Response, uscc: str | None = None, segment: str | None = None,
               limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> Any:
    from sqlalchemy import select

    p = db.placement
    stmt = select(p).limit(limit)
    if uscc:
        stmt = stmt.where(p.c.uscc == uscc)
    if segment:
        stmt = stmt.where(p.c.segment_code == segment)
    with db.get_engine().connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


class OverrideIn(BaseModel):
    uscc: str
    segment_code: str
    action: str = Field(pattern="^(confirm|move|remove)$")
    to_segment: str | None = None
    note: str | None = None


@router.post("/placements/overrides", summary="Confirm, move or remove a placement (recorded with who and when)")
def create_override(body: OverrideIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(placement.override(db.get_engine(), uscc=body.uscc, segment_code=body.segment_code, action=body.action,
                                                   to_segment=body.to_segment, note=body.note, actor=principal.name))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.get("/catalogue", summary="The data catalogue (数据目录): datasets, owners, classification levels")
def get_catalogue() -> Any:
    return {"datasets": catalogue.catalogue(), "purposes": catalogue.PURPOSES}


class GrantIn(BaseModel):
    dataset: str
    purpose: str
    note: str = ""
    fields: list[str] | None = None
    region_prefix: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@router.get("/grants", summary="Grants I hold or decide on (授权)")
def get_grants(principal: Annotated[Principal, Depends(authorize)]) -> Any:
    return jsonable_encoder(catalogue.list_grants(db.get_engine(), principal))


@router.post("/grants", summary="Request a grant for rows of a dataset (申请授权)")
def post_grant(body: GrantIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        gid = catalogue.request_grant(db.get_engine(), principal, body.dataset, body.purpose, note=body.note, fields=body.fields,
                                      region_prefix=body.region_prefix, valid_from=body.valid_from, valid_to=body.valid_to)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return jsonable_encoder(catalogue.grant_dict(db.get_engine(), gid))


@router.post("/grants/{grant_id}/{decision}", summary="Approve, reject or revoke a grant (the dataset's owner)")
def decide_grant(grant_id: Annotated[int, Path(ge=1, le=2**31 - 1)], decision: str, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    return jsonable_encoder(decide(grant_id, principal, decision))


def decide(grant_id: int, principal: Principal, decision: str) -> dict[str, Any]:
    """A grant decision, with the library's refusals as HTTP errors (404 / 403 / 422)."""
    try:
        return catalogue.decide(db.get_engine(), grant_id, principal, decision)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except PermissionError as exc:
        raise HTTPException(403, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.post("/placements/run", summary="Re-run placement inference (chainatlas place)")
def run_placement(chain: str | None = None) -> Any:
    try:
        return placement.report_dict(placement.run_placement(db.get_engine(), chain))
    except KeyError as exc:
        raise refused(404, f"未找到产业链 {chain}", f"chain {chain} not found") from exc
