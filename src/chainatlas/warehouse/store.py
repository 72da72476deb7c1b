"""Overseas warehouses in the database: frames for :mod:`.ledger`, and receipts and orders entered one at a time —
a receipt with its EPCIS 2.0 receiving event (an ObjectEvent at the warehouse, with the consignment's business
transaction, so the trade timeline shows the goods arriving in stock), an order with its shipping event, and an
order refused when the exporter's SKU has fewer pieces in stock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.warehouse import ledger

WAREHOUSE_URN = "urn:chainatlas:warehouse:"
SKU_URN = "urn:chainatlas:sku:"
_SCHEMAS: dict[str, dict[str, Any]] = {
    "warehouses": {"warehouse_id": pl.String, "name": pl.String, "country_code": pl.String, "city": pl.String,
                   "place": pl.String, "operator": pl.String, "capacity_m3": pl.Float64, "capacity_pallets": pl.Int64,
                   "rate_yuan_m3_day": pl.Float64, "alert_occupancy": pl.Float64},
    "receipts": {"receipt_id": pl.String, "warehouse_id": pl.String, "exporter_uscc": pl.String, "sku": pl.String,
                 "quantity": pl.Int64, "volume_m3": pl.Float64, "pallets": pl.Int64, "received_on": pl.Date,
                 "request_id": pl.String, "consignment_ref": pl.String, "event_id": pl.String},
    "orders": {"order_id": pl.String, "warehouse_id": pl.String, "exporter_uscc": pl.String, "sku": pl.String,
               "quantity": pl.Int64, "shipped_on": pl.Date, "destination_country": pl.String},
}
_TABLES = {"warehouses": db.overseas_warehouse, "receipts": db.warehouse_receipt, "orders": db.warehouse_order}


def frames(engine: Engine, warehouse_id: str | None = None) -> dict[str, pl.DataFrame]:
    """Warehouses, receipts and orders (of one warehouse, if given) as frames with fixed types."""
    out = {}
    with engine.connect() as conn:
        for name, table in _TABLES.items():
            schema = _SCHEMAS[name]
            q = select(*[table.c[c] for c in schema])
            if warehouse_id:
                q = q.where(table.c.warehouse_id == warehouse_id)
            rows = [dict(r) for r in conn.execute(q).mappings()]
            out[name] = pl.DataFrame(rows, schema=schema, orient="row")
    return out


def summary(engine: Engine, as_of: dt.date) -> list[dict[str, Any]]:
    """Each warehouse with its stock m³ and pallets at the end of ``as_of``, occupancy, alert and the number of
    exporters and SKUs in stock."""
    f = frames(engine)
    occ = ledger.occupancy(f["warehouses"], f["receipts"], f["orders"], as_of, as_of)
    st = ledger.stock(f["receipts"], f["orders"], as_of).filter(pl.col("on_hand") > 0)
    counts = st.group_by("warehouse_id").agg(pl.col("exporter_uscc").n_unique().alias("exporters"), pl.len().alias("skus"))
    out = f["warehouses"].join(occ.drop("day"), on="warehouse_id", how="left").join(counts, on="warehouse_id", how="left")
    return out.with_columns(pl.col("exporters").fill_null(0), pl.col("skus").fill_null(0)).sort("warehouse_id").to_dicts()


def _one(engine: Engine, table: Any, key: str, value: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c[key] == value)).mappings().first()
    return dict(row) if row else None


def _event(kind: str, warehouse: dict[str, Any], row: dict[str, Any], day: dt.date, mode: str | None = None
           ) -> dict[str, Any]:
    """The EPCIS ObjectEvent of a receipt (receiving) or an order (shipping) at the warehouse, at noon UTC of the day;
    a receipt names the consignment's transport document (an air waybill when ``mode`` is air, else a bill of
    lading), so it joins the consignment's timeline."""
    from chainatlas.trade.clearance import CONSIGNMENT_TYPES

    place = {"id": WAREHOUSE_URN + warehouse["warehouse_id"]}
    ev: dict[str, Any] = {
        "type": "ObjectEvent", "eventTime": f"{day.isoformat()}T12:00:00Z", "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE", "bizStep": "receiving" if kind == "receipt" else "shipping",
        "disposition": "sellable_accessible" if kind == "receipt" else "in_transit",
        "quantityList": [{"epcClass": f"{SKU_URN}{row['exporter_uscc']}:{row['sku']}", "quantity": int(row["quantity"])}],
        "readPoint": place, "bizLocation": place,
        "ca:exporter": row["exporter_uscc"], "ca:warehouse": warehouse["warehouse_id"],
        "ca:" + kind: row["receipt_id" if kind == "receipt" else "order_id"]}
    if warehouse.get("place"):
        ev["ca:port"] = warehouse["place"]
    if mode:
        ev["ca:mode"] = mode
    if kind == "receipt" and row.get("consignment_ref"):
        ev["ca:destination"] = warehouse.get("place") or warehouse["warehouse_id"]
        ev["bizTransactionList"] = [{"type": CONSIGNMENT_TYPES[1] if mode == "air" else CONSIGNMENT_TYPES[0],
                                     "bizTransaction": row["consignment_ref"]}]
    return ev


def _capture(engine: Engine, event: dict[str, Any], actor: str) -> str:
    from chainatlas.trade import intake
    from chainatlas.trade.capture import check_document
    from chainatlas.trade.clearance import TRADE_NS

    doc = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ca": TRADE_NS}], "type": "EPCISDocument", "schemaVersion": "2.0",
           "creationDate": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
           "epcisBody": {"eventList": [event]}}
    checked = check_document(doc)
    if not checked.ok:
        raise InvalidInput("EPCIS 事件未通过检查：" + "；".join(p.zh for p in checked.problems[:3]),
                           "the EPCIS event failed its checks: " + "; ".join(p.en for p in checked.problems[:3]))
    job = intake.capture(engine, doc, actor)
    if not job.get("success"):
        raise InvalidInput("EPCIS 事件未能保存", "the EPCIS event could not be stored")
    return str(checked.hash_ids[0])


def _warehouse(engine: Engine, warehouse_id: str) -> dict[str, Any]:
    w = _one(engine, db.overseas_warehouse, "warehouse_id", warehouse_id)
    if w is None:
        raise NotFound(f"海外仓 {warehouse_id} 不存在", f"no warehouse {warehouse_id}")
    return w


def receive(engine: Engine, row: dict[str, Any], actor: str) -> dict[str, Any]:
    """Record one receipt (the exchange-spec columns of ``warehouse_receipts``) with its EPCIS receiving event."""
    w = _warehouse(engine, row["warehouse_id"])
    if _one(engine, db.warehouse_receipt, "receipt_id", row["receipt_id"]):
        raise InvalidInput(f"入库单号 {row['receipt_id']} 已存在", f"receipt {row['receipt_id']} exists")
    if int(row["quantity"]) < 1 or float(row["volume_m3"]) <= 0:
        raise InvalidInput("件数须为正整数，体积须为正数", "quantity must be a positive integer and volume positive")
    request = _one(engine, db.consol_request, "request_id", row["request_id"]) if row.get("request_id") else None
    event_id = _capture(engine, _event("receipt", w, row, row["received_on"], request["mode"] if request else None), actor)
    values = {c: row.get(c) for c in _SCHEMAS["receipts"] if c != "event_id"} | {"event_id": event_id, "source": actor,
                                                                                "as_of": dt.date.today()}
    with engine.begin() as conn:
        conn.execute(db.warehouse_receipt.insert().values(**values))
    return values


def ship(engine: Engine, row: dict[str, Any], actor: str) -> dict[str, Any]:
    """Record one outbound order, refused when the exporter's SKU has fewer pieces in stock on that day; with its
    EPCIS shipping event."""
    w = _warehouse(engine, row["warehouse_id"])
    if _one(engine, db.warehouse_order, "order_id", row["order_id"]):
        raise InvalidInput(f"出库单号 {row['order_id']} 已存在", f"order {row['order_id']} exists")
    f = frames(engine, row["warehouse_id"])
    new = pl.DataFrame([{c: row.get(c) for c in _SCHEMAS["orders"]}], schema=_SCHEMAS["orders"], orient="row")
    short = ledger.shortfalls(f["receipts"], pl.concat([f["orders"], new])).filter(
        (pl.col("exporter_uscc") == row["exporter_uscc"]) & (pl.col("sku") == row["sku"]))
    if short.height:
        day, missing = short.row(0, named=True)["day"], short.row(0, named=True)["missing"]
        raise InvalidInput(f"库存不足：货号 {row['sku']} 在 {day} 将缺 {missing} 件",
                           f"not enough stock: SKU {row['sku']} would be {missing} pieces short on {day}")
    _capture(engine, _event("order", w, row, row["shipped_on"]), actor)
    values = {c: row.get(c) for c in _SCHEMAS["orders"]} | {"source": actor, "as_of": dt.date.today()}
    with engine.begin() as conn:
        conn.execute(db.warehouse_order.insert().values(**values))
    return values
