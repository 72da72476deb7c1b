"""共享运维 pages: the service desk (SLA alerts, tickets, the equipment register, a form to report a fault), one ticket
(timeline, SLA clocks, the caller's next actions, photos), one machine (its tickets, a telemetry token) and the
providers' KPIs. JSON twins; tables export to CSV/XLSX (docs/maintenance.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainatlas import db, vocabulary
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import InvalidInput
from chainatlas.web.api_maintenance import kpi_period, scope_of
from chainatlas.web.auth import authorize
from chainatlas.web.errors import answered, refusal
from chainatlas.web.forms import form_date
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(authorize)]
TICKET_COLUMNS = ("id", "equipment_id", "owner_uscc", "provider_uscc", "priority", "state", "fault", "technician",
                  "origin", "opened_at", "resolved_at", "confirmed_at", "restore_hours", "visits", "reopens",
                  "sla_respond", "sla_on_site", "sla_resolve")



@router.get("/maintenance", response_class=HTMLResponse)
def desk_page(request: Request, principal: Caller, state: str = "", provider: str = "") -> Response:
    from chainatlas.maintenance import store

    engine, scope = db.get_engine(), scope_of(principal)
    if state and state not in vocabulary.TICKET_STATES:
        raise refusal(InvalidInput(f"状态须为 {'/'.join(vocabulary.TICKET_STATES)}",
                                   f"state must be one of {', '.join(vocabulary.TICKET_STATES)}"))
    rows = store.tickets(engine, scope, state=state or None, provider=provider or None)
    machines = store.equipment(engine, scope).to_dicts()
    alerts = store.alerts(engine, scope)
    tickets = [{k: r[k] for k in TICKET_COLUMNS} for r in rows]
    view = {"state": state, "provider": provider, "alerts": alerts,
            "tickets": tickets, "equipment": machines,
            # a firm reports faults on the machines it uses (with a provider); officials watch
            "reportable": [m for m in machines if m["provider_uscc"] and principal.role == Role.enterprise
                           and m["owner_uscc"] == principal.enterprise_uscc],
            "priorities": {k: m.as_dict() for k, m in vocabulary.TICKET_PRIORITIES.items()}}
    download = table_download(request, {"tickets": tickets, "alerts": alerts, "equipment": machines},
                              "maintenance")
    return download or render(request, "maintenance.html", jsonable_encoder(view))


@router.post("/maintenance/tickets", response_class=HTMLResponse)
async def open_page(request: Request, principal: Caller) -> Response:
    from chainatlas.maintenance import store

    form = await request.form()
    tid = answered(store.open_ticket, db.get_engine(), str(form.get("equipment_id") or ""), str(form.get("priority") or ""),
                str(form.get("fault") or ""), actor=principal.name, scope=scope_of(principal))
    return RedirectResponse(f"/maintenance/tickets/{tid}", status_code=303)


@router.get("/maintenance/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(request: Request, ticket_id: int, principal: Caller) -> Response:
    from chainatlas.maintenance import store
    from chainatlas.maintenance.workflow import ACTIONS

    view = answered(store.ticket, db.get_engine(), ticket_id, scope_of(principal))
    view["action_labels"] = {k: a.label.as_dict() for k, a in ACTIONS.items()}
    view["note_required"] = [k for k, a in ACTIONS.items() if a.note_required]
    download = table_download(request, {"events": view["events"], "sla": view["sla"]}, f"ticket-{ticket_id}")
    return download or render(request, "maintenance_ticket.html", jsonable_encoder(view))


@router.post("/maintenance/tickets/{ticket_id}/photos", response_class=HTMLResponse)
async def photo_page(request: Request, ticket_id: int, principal: Caller) -> Response:
    from chainatlas.maintenance import store

    form = await request.form()
    upload = form.get("photo")
    if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
        raise refusal(InvalidInput("请选择照片文件", "choose a photo file"))
    data = await upload.read(store.MAX_PHOTO_BYTES + 1)  # type: ignore[union-attr]
    answered(store.add_photo, db.get_engine(), ticket_id, data, getattr(upload, "content_type", "") or "",
          actor=principal.name, scope=scope_of(principal))
    return RedirectResponse(f"/maintenance/tickets/{ticket_id}", status_code=303)


@router.post("/maintenance/tickets/{ticket_id}/{action}", response_class=HTMLResponse)
async def act_page(request: Request, ticket_id: int, action: str, principal: Caller) -> Response:
    from chainatlas.maintenance import store

    form = await request.form()
    answered(store.act, db.get_engine(), ticket_id, action, actor=principal.name, scope=scope_of(principal),
          admin=principal.role == Role.admin, note=str(form.get("note") or ""), technician=str(form.get("technician") or ""))
    return RedirectResponse(f"/maintenance/tickets/{ticket_id}", status_code=303)


def _machine_view(principal: Principal, equipment_id: str, token: str | None = None) -> dict[str, Any]:
    from chainatlas.maintenance import store

    engine, scope = db.get_engine(), scope_of(principal)
    machine = answered(store.one_equipment, engine, equipment_id, scope)
    tickets = [{k: r[k] for k in TICKET_COLUMNS} for r in store.tickets(engine, scope, equipment_id=equipment_id)]
    return {"equipment": machine, "tickets": tickets, "token": token,
            "party": scope.party(machine["owner_uscc"], machine["provider_uscc"])}


@router.get("/maintenance/equipment/{equipment_id}", response_class=HTMLResponse)
def equipment_page(request: Request, equipment_id: str, principal: Caller) -> Response:
    view = _machine_view(principal, equipment_id)
    download = table_download(request, {"tickets": view["tickets"]}, f"equipment-{equipment_id}")
    return download or render(request, "maintenance_equipment.html", jsonable_encoder(view))


@router.post("/maintenance/equipment/{equipment_id}/tokens", response_class=HTMLResponse)
def token_page(request: Request, equipment_id: str, principal: Caller) -> Response:
    from chainatlas.maintenance import store

    token = answered(store.issue_device_token, db.get_engine(), equipment_id, actor=principal.name, scope=scope_of(principal))
    return render(request, "maintenance_equipment.html", jsonable_encoder(_machine_view(principal, equipment_id, token)))


@router.get("/maintenance/providers", response_class=HTMLResponse)
def providers_page(request: Request, principal: Caller, start: str = "", end: str = "") -> Response:
    from chainatlas.maintenance import sla, store

    first, last = kpi_period(form_date(start, "start"), form_date(end, "end"))
    rows = answered(store.provider_kpis, db.get_engine(), scope_of(principal), first, last)
    pol = sla.policy_on(last)
    view = {"start": first, "end": last, "providers": rows, "targets": pol.targets, "reference": pol.reference,
            "at_risk_share": pol.at_risk_share}
    download = table_download(request, {"providers": rows}, "maintenance-providers")
    return download or render(request, "maintenance_providers.html", jsonable_encoder(view))
