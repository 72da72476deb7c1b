"""The consolidation pages (货代拼单): the stored shipment requests and capacity offers (imported through the exchange
spec; in the demo city, one fictional week on three real lanes) pooled into containers, rail boxes and ULDs — per lane
and week, each unit's 3D load plan with its loading sequence, and each exporter's cost pooled and alone. Officials see
every exporter; an enterprise sees its own shipments and costs, and in a shared unit the others' cartons without
their owner. JSON twin; tables export to CSV/XLSX (docs/consolidation.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response

from chainatlas import db
from chainatlas.governance.principals import Principal, Role
from chainatlas.registry.queries import enterprise_names
from chainatlas.web.auth import authorize
from chainatlas.web.errors import refused
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)
OTHER = "—"  # another exporter's shipment, as an enterprise sees it in a shared unit




def _visible(principal: Principal) -> dict[str, Any]:
    """The stored plan as ``principal`` may see it."""
    from chainatlas.consolidation.store import lanes, stored_inputs, stored_plan

    engine = db.get_engine()
    result = stored_plan(engine)
    if principal.role != Role.enterprise:
        return result
    mine = principal.enterprise_uscc or ""
    own = {c["shipment"] for c in result["costs"] if c["exporter_uscc"] == mine}
    units = [{**u, "placements": [p if p["shipment"] in own else {**p, "shipment": OTHER} for p in u["placements"]]}
             for u in result["units"] if any(p["shipment"] in own for p in u["placements"])]
    costs = [c for c in result["costs"] if c["shipment"] in own]
    shipments, _units, _missing = stored_inputs(engine, exporter=mine)
    view = {**result, "units": units, "costs": costs,
            "assignments": [a for a in result["assignments"] if a["shipment"] in own],
            "unassigned": [u for u in result["unassigned"] if u["shipment"] in {s.id for s in shipments}]}
    view["lanes"] = lanes(shipments, view)
    return view


def _unit_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": u["id"], "equipment": u["equipment"], "mode": u["mode"], "departure": u["departure"],
             "shipments": len({p["shipment"] for p in u["placements"]}), "cartons": len(u["placements"]),
             "utilisation": u["utilisation"], "weight_kg": u["weight_kg"], "price": u["price"], "violations": len(u["check"])}
            for u in result["units"]]


@router.get("/consolidation", response_class=HTMLResponse)
def consolidation_page(request: Request, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    result = _visible(principal)
    names = enterprise_names(db.get_engine(), list({c["exporter_uscc"] for c in result["costs"]}))
    costs = [{**c, "exporter_name": names.get(c["exporter_uscc"], "")} for c in result["costs"]]
    download = table_download(request, {"lanes": result["lanes"], "units": _unit_rows(result), "costs": costs},
                              "consolidation")
    pooled = sum(c["pooled"] for c in costs)
    alone = sum(c["alone"] or 0.0 for c in costs)
    data = {"lanes": result["lanes"], "units": _unit_rows(result), "costs": costs, "unassigned": result["unassigned"],
            "gap": result["gap"], "status": result["status"], "pooled_total": pooled, "alone_total": alone,
            "saving_share": (alone - pooled) / alone if alone else None}
    return download or render(request, "consolidation.html", jsonable_encoder(data))


@router.get("/consolidation/units/{unit_id}", response_class=HTMLResponse)
def consolidation_unit_page(request: Request, unit_id: str, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    result = _visible(principal)
    unit = next((u for u in result["units"] if u["id"] == unit_id), None)
    if unit is None:
        raise refused(404, "未找到该箱/集装器", f"unit {unit_id} not found")
    costs = [c for c in result["costs"] if c["unit"] == unit_id]
    names = enterprise_names(db.get_engine(), list({c["exporter_uscc"] for c in costs}))
    costs = [{**c, "exporter_name": names.get(c["exporter_uscc"], "")} for c in costs]
    download = table_download(request, {"placements": unit["placements"], "costs": costs}, f"load-plan-{unit_id}")
    return download or render(request, "consolidation_unit.html", jsonable_encoder({"unit": unit, "costs": costs}))

