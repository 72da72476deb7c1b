"""The public overseas warehouse pages (公共海外仓): every warehouse with its stock and occupancy on a day, occupancy
alerts, and one warehouse's occupancy over time (chart), stock per exporter and SKU, storage fees per exporter and
month, receipts (with their EPCIS receiving events) and orders. Officials see every exporter; an enterprise sees the
warehouses' occupancy and its own stock, fees and movements. JSON twins; tables export to CSV/XLSX
(docs/warehouse.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
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
AsOf = Annotated[dt.date | None, Query(description="the day (default: today)")]


def _own(frame: pl.DataFrame, principal: Principal) -> pl.DataFrame:
    if principal.role != Role.enterprise:
        return frame
    return frame.filter(pl.col("exporter_uscc") == (principal.enterprise_uscc or ""))


def warehouse_view(warehouse_id: str, principal: Principal, as_of: dt.date) -> dict[str, Any]:
    """One warehouse: its row, occupancy by day and fees per exporter and month from the first movement to
    ``as_of``, alert spells in that time, stock on ``as_of``, and every receipt and order."""
    from chainatlas.warehouse import ledger, store

    f = store.frames(db.get_engine(), warehouse_id)
    if not f["warehouses"].height:
        raise refused(404, "未找到该海外仓", f"warehouse {warehouse_id} not found")
    days = [d for d in pl.concat([f["receipts"]["received_on"], f["orders"]["shipped_on"]]).to_list() if d is not None]
    start, end = min([as_of, *days]), as_of
    occ = ledger.occupancy(f["warehouses"], f["receipts"], f["orders"], start, end)
    stock = _own(ledger.stock(f["receipts"], f["orders"], as_of), principal).filter(pl.col("on_hand") > 0)
    fees = _own(ledger.fees(f["warehouses"], f["receipts"], f["orders"], start, end), principal)
    receipts, orders = _own(f["receipts"], principal).sort("received_on"), _own(f["orders"], principal).sort("shipped_on")
    names = enterprise_names(db.get_engine(), list(set(receipts["exporter_uscc"].to_list())))
    return {"warehouse": f["warehouses"].row(0, named=True), "as_of": as_of, "occupancy": occ.to_dicts(),
            "alerts": ledger.alerts(occ).to_dicts(), "stock": _named(stock, names), "fees": _named(fees, names),
            "receipts": _named(receipts, names), "orders": _named(orders, names)}




def _named(frame: pl.DataFrame, names: dict[str, str]) -> list[dict[str, Any]]:
    """Rows with the exporter's registered name after its USCC."""
    return [{**r, "exporter_name": names.get(r["exporter_uscc"], "")} for r in frame.to_dicts()]


@router.get("/warehouses", response_class=HTMLResponse)
def warehouses_page(request: Request, principal: Annotated[Principal, Depends(authorize)], as_of: AsOf = None) -> Response:
    from chainatlas.warehouse import store

    day = as_of or dt.date.today()
    rows = store.summary(db.get_engine(), day)
    if principal.role == Role.enterprise:  # the warehouses' load is public service information; the stock counts are not
        rows = [{k: v for k, v in r.items() if k not in ("exporters", "skus")} for r in rows]
    download = table_download(request, {"warehouses": rows}, "warehouses")
    return download or render(request, "warehouses.html", jsonable_encoder({"as_of": day, "warehouses": rows}))


@router.get("/warehouses/{warehouse_id}", response_class=HTMLResponse)
def warehouse_page(request: Request, warehouse_id: str, principal: Annotated[Principal, Depends(authorize)],
                   as_of: AsOf = None) -> Response:
    view = warehouse_view(warehouse_id, principal, as_of or dt.date.today())
    download = table_download(request, {k: view[k] for k in ("occupancy", "alerts", "stock", "fees", "receipts", "orders")},
                              f"warehouse-{warehouse_id}")
    return download or render(request, "warehouse.html", jsonable_encoder(view))

