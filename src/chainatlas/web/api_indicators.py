"""REST API v1 for the city's indicators against their targets (城市指标与目标) — the cockpit's data. Aggregates:
open to all, with small cells suppressed for those without row access to supply links; targets set by admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.indicators import registry, store
from chainatlas.indicators.report import headline, report
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.settings import home_of
from chainatlas.web.auth import Principal, authorize, has_rows
from chainatlas.web.errors import refusal

router = APIRouter(prefix="/api/v1/indicators", tags=["indicators"])
IndicatorId = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9_]+$")]


class TargetIn(BaseModel):
    value: float
    year: int = Field(ge=2000, le=2100)
    source: str = Field(min_length=1, max_length=500, description="the document that sets the target")
    chain: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=1000)


@router.get("", summary="Every indicator: latest value (as-of date, source) and progress to its nearest target")
def list_indicators(request: Request) -> Any:
    return jsonable_encoder(headline(db.get_engine(), home=home_of(), rows_ok=has_rows(request, "supply_links")))


@router.get("/{indicator_id}", summary="One indicator: series, targets, gap, growth needed per year, projection")
def get_indicator(request: Request, indicator_id: IndicatorId) -> Any:
    try:
        return jsonable_encoder(report(db.get_engine(), indicator_id, home=home_of(),
                                       rows_ok=has_rows(request, "supply_links")))
    except NotFound as exc:
        raise refusal(exc) from exc


@router.post("/{indicator_id}/targets", summary="Add a city-set target (admins), with the document that sets it")
def add_target(indicator_id: IndicatorId, body: TargetIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        registry.indicator(indicator_id)
        return store.add_target(db.get_engine(), indicator_id, value=body.value, year=body.year, source=body.source,
                                chain=body.chain, note=body.note, actor=principal.name)
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from exc
