"""REST API v1 for trade alerts (预警): the inbox, acknowledge / resolve with a note, webhook subscriptions, and
the consignments and clearance statistics behind the /trade page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.trade import alerts
from chainatlas.trade.consignments import consignments
from chainatlas.web.auth import Principal, authorize, count_rows

router = APIRouter(prefix="/api/v1/trade", tags=["trade"])


class NoteIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class WebhookIn(BaseModel):
    url: str = Field(max_length=500)
    kinds: list[str] = Field(default_factory=lambda: ["*"], max_length=5)


@router.get("/consignments", summary="Consignments with status, clearance intervals and excursions")
def list_consignments(response: Response) -> Any:
    rows = consignments(db.get_engine())
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


@router.get("/trace", summary="Trace an object back (where from) or forward (where to) through aggregation and transformation")
def trace_epc(response: Response, epc: Annotated[str, Query(max_length=300)],
              direction: Annotated[str, Query(pattern="^(back|forward)$")] = "back",
              depth: Annotated[int, Query(ge=1, le=50)] = 10) -> Any:
    from chainatlas.trade.trace import trace

    rows = trace(db.get_engine(), epc, direction, depth)
    count_rows(response, len(rows))
    return jsonable_encoder({"epc": epc, "direction": direction, "reached": rows})


@router.get("/alerts", summary="The alert inbox (newest first)")
def list_alerts(response: Response, status: Annotated[str | None, Query(pattern="^(open|acknowledged|resolved)$")] = None) -> Any:
    rows = alerts.inbox(db.get_engine(), status)
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


@router.post("/alerts/{alert_id}/{action}", summary="acknowledge or resolve (a note is required to resolve)")
def alert_action(alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)], action: Annotated[str, Path(pattern="^(acknowledge|resolve)$")],
                 body: NoteIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(alerts.transition(db.get_engine(), alert_id, action, principal.name, body.note))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.post("/webhooks", status_code=201, summary="Subscribe a URL to new alerts (JSON POST per alert)")
def add_webhook(body: WebhookIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return {"id": alerts.subscribe(db.get_engine(), body.url, body.kinds, principal.name)}
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
