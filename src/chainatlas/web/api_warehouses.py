"""REST API v1 for public overseas warehouses (公共海外仓): the warehouses' occupancy, stock, and receipts and orders
entered one at a time (each captured as an EPCIS event; an order beyond the stock is refused). docs/warehouse.md."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.web.auth import authorize
from chainatlas.web.errors import refusal, refused
from chainatlas.web.pages_warehouses import AsOf, warehouse_view

router = APIRouter(prefix="/api/v1/warehouses", tags=["trade"])


class ReceiptIn(BaseModel):
    receipt_id: str = Field(min_length=1, max_length=40)
    exporter_uscc: str = Field(min_length=18, max_length=18)
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000_000)
    volume_m3: float = Field(gt=0, le=100_000)
    pallets: int | None = Field(default=None, ge=0, le=100_000)
    received_on: dt.date
    request_id: str | None = Field(default=None, max_length=40)
    consignment_ref: str | None = Field(default=None, max_length=200)


class OrderIn(BaseModel):
    order_id: str = Field(min_length=1, max_length=40)
    exporter_uscc: str = Field(min_length=18, max_length=18)
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000_000)
    shipped_on: dt.date
    destination_country: str | None = Field(default=None, min_length=2, max_length=2)


def _acts_for(principal: Principal, uscc: str) -> None:
    if principal.role == Role.enterprise and principal.enterprise_uscc != uscc:
        raise refused(403, "企业账户只能登记本企业的货物", "an enterprise account may enter only its own goods")


@router.get("", summary="Every warehouse with its stock m³, pallets and occupancy on a day")
def warehouses(principal: Annotated[Principal, Depends(authorize)], as_of: AsOf = None) -> Any:
    from chainatlas.warehouse import store

    rows = store.summary(db.get_engine(), as_of or dt.date.today())
    if principal.role == Role.enterprise:
        rows = [{k: v for k, v in r.items() if k not in ("exporters", "skus")} for r in rows]
    return rows


@router.get("/{warehouse_id}/stock", summary="One warehouse: occupancy by day, alerts, stock, fees, receipts, orders")
def stock(warehouse_id: str, principal: Annotated[Principal, Depends(authorize)], as_of: AsOf = None) -> Any:
    return warehouse_view(warehouse_id, principal, as_of or dt.date.today())


@router.post("/{warehouse_id}/receipts", status_code=201, summary="Receive goods (with an EPCIS receiving event)")
def receive(warehouse_id: str, body: ReceiptIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    from chainatlas.warehouse import store

    _acts_for(principal, body.exporter_uscc)
    try:
        return store.receive(db.get_engine(), {**body.model_dump(), "warehouse_id": warehouse_id}, principal.name)
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from None


@router.post("/{warehouse_id}/orders", status_code=201, summary="Ship goods out (refused beyond the stock)")
def ship(warehouse_id: str, body: OrderIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    from chainatlas.warehouse import store

    _acts_for(principal, body.exporter_uscc)
    try:
        return store.ship(db.get_engine(), {**body.model_dump(), "warehouse_id": warehouse_id}, principal.name)
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from None
