"""REST API v1 for shared O&M (共享运维): the equipment register, service tickets and their actions, photos, SLA
alerts, provider KPIs, device tokens and the telemetry ingest (docs/maintenance.md).

Who sees what: officials every record; an enterprise account the equipment it owns or maintains and the tickets on it
(another firm's ticket answers 404). The telemetry ingest is authorised by a device token (``X-Device-Token``), not
by an account."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.governance.principals import Principal, Role
from chainatlas.maintenance.store import Scope
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.web.auth import authorize
from chainatlas.web.errors import answered, refusal, refused

RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # as api_collab and api_risk: an id beyond this is a 422, not a 500

router = APIRouter(prefix="/api/v1/maintenance", tags=["maintenance"])
Caller = Annotated[Principal, Depends(authorize)]


def scope_of(principal: Principal) -> Scope:
    """An enterprise account's own records (as owner or provider); officials all."""
    return Scope(principal.enterprise_uscc or "-") if principal.role == Role.enterprise else Scope()


class TicketIn(BaseModel):
    equipment_id: str = Field(min_length=1, max_length=40)
    priority: str = Field(pattern="^P[1-4]$", description="P1 line stopped … P4 question or preventive")
    fault: str = Field(min_length=2, max_length=2000)


class ActionIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)
    technician: str | None = Field(default=None, max_length=100, description="assign: the engineer sent")


class Reading(BaseModel):
    at: str = Field(description="ISO 8601 with a zone, e.g. 2026-03-02T08:00:00+08:00")
    metrics: dict[str, float] = Field(default_factory=dict, description="metric name → value, e.g. spindle_temp_c")
    alarm: str | None = Field(default=None, max_length=40, description="an alarm code the device reports")


class ReadingsIn(BaseModel):
    readings: list[Reading] = Field(max_length=1000)


def kpi_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The KPI period: given, or the 90 days up to today."""
    last = end or dt.date.today()
    return start or last - dt.timedelta(days=89), last



@router.get("/sla", summary="The SLA targets per priority (dated) and the alarm rules")
def sla_targets() -> Any:
    from chainatlas.maintenance import sla, telemetry

    return {"versions": [{"effective_from": p.effective_from, "targets": p.targets, "at_risk_share": p.at_risk_share}
                         for p in sla.policies()], "reference": sla.policies()[-1].reference,
            "alarm_rules": [{"id": r.id, "label": {"zh": r.rule_set.label_zh, "en": r.rule_set.label_en},
                             "metric": r.metric, "consecutive": r.consecutive, "priority": r.priority,
                             "equipment_types": list(r.equipment_types), "reference": r.rule_set.reference}
                            for r in telemetry.rules()]}


@router.get("/equipment", summary="The equipment register as the caller may see it")
def equipment(principal: Caller, owner: str | None = None, provider: str | None = None) -> Any:
    from chainatlas.maintenance import store

    return store.equipment(db.get_engine(), scope_of(principal), owner=owner, provider=provider).to_dicts()


@router.get("/equipment/{equipment_id}", summary="One machine with its tickets")
def one_equipment(equipment_id: str, principal: Caller) -> Any:
    from chainatlas.maintenance import store

    scope = scope_of(principal)
    machine = answered(store.one_equipment, db.get_engine(), equipment_id, scope)
    return {"equipment": machine, "tickets": store.tickets(db.get_engine(), scope, equipment_id=equipment_id)}


@router.post("/equipment/{equipment_id}/tokens", status_code=201,
             summary="A new telemetry token for the machine (shown once)")
def issue_token(equipment_id: str, principal: Caller) -> Any:
    from chainatlas.maintenance import store

    token = answered(store.issue_device_token, db.get_engine(), equipment_id, actor=principal.name, scope=scope_of(principal))
    return {"equipment_id": equipment_id, "token": token}


@router.delete("/equipment/{equipment_id}/tokens", summary="Revoke the machine's telemetry tokens")
def revoke_tokens(equipment_id: str, principal: Caller) -> Any:
    from chainatlas.maintenance import store

    return {"revoked": answered(store.revoke_device_tokens, db.get_engine(), equipment_id, scope=scope_of(principal))}


@router.get("/tickets", summary="Tickets with their SLA clocks' states, newest first")
def tickets(principal: Caller, state: str | None = None, provider: str | None = None, owner: str | None = None,
            equipment_id: str | None = None) -> Any:
    from chainatlas.maintenance import store

    return store.tickets(db.get_engine(), scope_of(principal), state=state, provider=provider, owner=owner,
                         equipment_id=equipment_id)


@router.post("/tickets", status_code=201, summary="Open a ticket on a machine the caller uses (to its provider)")
def open_ticket(body: TicketIn, principal: Caller) -> Any:
    from chainatlas.maintenance import store

    scope = scope_of(principal)
    tid = answered(store.open_ticket, db.get_engine(), body.equipment_id, body.priority, body.fault, actor=principal.name,
                scope=scope)
    return store.ticket(db.get_engine(), tid, scope)


@router.get("/tickets/{ticket_id}", summary="One ticket: timeline, SLA clocks, photos, the caller's next actions")
def ticket(ticket_id: RowId, principal: Caller) -> Any:
    from chainatlas.maintenance import store

    return answered(store.ticket, db.get_engine(), ticket_id, scope_of(principal))


@router.post("/tickets/{ticket_id}/photos", status_code=201, summary="Attach a JPEG or PNG (≤ 5 MB)")
async def add_photo(ticket_id: RowId, photo: UploadFile, principal: Caller) -> Any:
    from chainatlas.maintenance import store

    data = await photo.read(store.MAX_PHOTO_BYTES + 1)
    pid = answered(store.add_photo, db.get_engine(), ticket_id, data, photo.content_type or "", actor=principal.name,
                scope=scope_of(principal))
    return {"ticket_id": ticket_id, "photo_id": pid}


@router.post("/tickets/{ticket_id}/{action}",
             summary="assign · arrive · leave · resolve (provider); confirm · reopen · cancel (owner)")
def act(ticket_id: RowId, action: str, body: ActionIn, principal: Caller) -> Any:
    from chainatlas.maintenance import store

    return answered(store.act, db.get_engine(), ticket_id, action, actor=principal.name, scope=scope_of(principal),
                 admin=principal.role == Role.admin, note=body.note, technician=body.technician)


@router.get("/tickets/{ticket_id}/photos/{photo_id}", summary="A ticket's photo", response_class=Response)
def get_photo(ticket_id: RowId, photo_id: RowId, principal: Caller) -> Response:
    from chainatlas.maintenance import store

    data, kind = answered(store.photo, db.get_engine(), ticket_id, photo_id, scope_of(principal))
    return Response(data, media_type=kind, headers={"Cache-Control": "private, max-age=3600"})


@router.get("/alerts", summary="Open tickets whose SLA clock is breached or at risk")
def alerts(principal: Caller) -> Any:
    from chainatlas.maintenance import store

    return store.alerts(db.get_engine(), scope_of(principal))


@router.get("/providers", summary="Per provider: MTTR, first-time-fix rate, SLA attainment, counts")
def providers(principal: Caller, start: Annotated[dt.date | None, Query(description="default: 89 days before end")] = None,
              end: Annotated[dt.date | None, Query(description="default: today")] = None) -> Any:
    from chainatlas.maintenance import store

    first, last = kpi_period(start, end)
    return {"start": first, "end": last,
            "providers": answered(store.provider_kpis, db.get_engine(), scope_of(principal), first, last)}


@router.post("/telemetry", status_code=201, summary="A device sends readings (X-Device-Token); alarm rules may open tickets")
def telemetry(body: ReadingsIn, x_device_token: Annotated[str | None, Header()] = None) -> Any:
    from chainatlas.maintenance import store

    if not x_device_token:
        raise refused(401, "缺少设备令牌（X-Device-Token）", "missing device token (X-Device-Token)")
    try:
        return store.ingest(db.get_engine(), x_device_token, [r.model_dump() for r in body.readings])
    except NotFound as exc:
        raise refused(401, exc.zh, exc.en) from None
    except InvalidInput as exc:
        raise refusal(exc) from None
