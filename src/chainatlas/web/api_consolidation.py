"""REST API v1 for consolidation (货代拼单): a set of shipments and capacity offers in, the plan out — evaluated,
never stored (docs/consolidation.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from chainatlas.messages import InvalidInput
from chainatlas.web.errors import refusal

router = APIRouter(prefix="/api/v1/consolidation", tags=["trade"])


class PlanIn(BaseModel):
    shipments: list[dict[str, Any]] = Field(min_length=1, max_length=500, description="the shipments (docs/consolidation.md)")
    capacity: list[dict[str, Any]] = Field(min_length=1, max_length=500, description="the capacity offers")
    time_limit: float = Field(default=10.0, gt=0, le=60, description="seconds for the assignment search per lane")
    min_support: float = Field(default=0.7, ge=0, le=1, description="share of each carton's base that must be supported")
    shapley: bool = Field(default=False, description="also share the pooling saving by the Shapley value")
    pack_tries: int = Field(default=0, ge=0, le=200, description="loading orders searched when a unit's cartons do not all fit at first")


@router.post("/plan", summary="Pool shipments into containers, rail boxes and ULDs: assignment, checked 3D plans, costs")
def plan(body: PlanIn) -> Any:
    """The same answer as ``chainatlas consolidate --format json``; a bad row is a 422 that says where and why."""
    from chainatlas.consolidation.model import shipment_from_dict, unit_from_dict
    from chainatlas.consolidation.plan import consolidate

    try:
        ships = [shipment_from_dict(r, f"shipments[{i}]") for i, r in enumerate(body.shipments)]
        units = [unit_from_dict(r, f"capacity[{i}]") for i, r in enumerate(body.capacity)]
        for what, items in (("shipment", ships), ("capacity", units)):
            ids = [x.id for x in items]
            if len(set(ids)) != len(ids):
                dup = next(i for i in ids if ids.count(i) > 1)
                raise InvalidInput(f"{what} 编号 {dup} 重复", f"duplicate {what} id {dup}")
    except InvalidInput as exc:
        raise refusal(exc) from None
    return consolidate(ships, units, time_limit=body.time_limit, min_support=body.min_support, with_shapley=body.shapley,
                       pack_tries=body.pack_tries)
