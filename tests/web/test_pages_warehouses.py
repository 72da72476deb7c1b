"""Public overseas warehouse pages and API on the demo city: occupancy, stock, fees and their JSON/CSV/XLSX twins; an
enterprise sees only its own goods; receipts capture EPCIS events; an order beyond the stock is refused."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.governance.principals import add_user, issue_token
from chainatlas.warehouse import ledger, store
from chainatlas.web.app import create_app


def test_list_and_detail_pages_with_their_twins(client: TestClient, demo_engine: Engine) -> None:
    page = client.get("/warehouses?as_of=2026-03-31")
    assert page.status_code == 200 and "公共海外仓" in page.text and "示例汉堡公共海外仓" in page.text
    rows = client.get("/warehouses?format=json&as_of=2026-03-31").json()["warehouses"]
    assert {r["warehouse_id"] for r in rows} == {"HWC-DE-HAM", "HWC-NL-RTM", "HWC-LU-LUX"}
    # the list's figures are the ledger's on the same day
    f = store.frames(demo_engine)
    occ = ledger.occupancy(f["warehouses"], f["receipts"], f["orders"], dt.date(2026, 3, 31), dt.date(2026, 3, 31))
    expected = dict(zip(occ["warehouse_id"], occ["occupancy"], strict=True))
    assert {r["warehouse_id"]: r["occupancy"] for r in rows} == expected
    view = client.get("/warehouses/HWC-DE-HAM?format=json&as_of=2026-04-15").json()
    assert view["warehouse"]["warehouse_id"] == "HWC-DE-HAM" and view["receipts"] and view["fees"]
    assert view["occupancy"][-1]["day"] == "2026-04-15" and max(f["month"] for f in view["fees"]) == "2026-04"
    # every receipt of the demo carries the EPCIS receiving event captured for it
    with demo_engine.connect() as conn:
        stored = set(conn.execute(select(db.epcis_event.c.event_id)).scalars())
    assert all(r["event_id"] in stored for r in view["receipts"])
    # the demo's Hamburg warehouse passes its alert threshold for a while
    assert view["alerts"] and all(a["peak_occupancy"] >= 0.85 for a in view["alerts"])
    # stock on the day = received − shipped, per SKU
    for s in view["stock"]:
        got = sum(r["quantity"] for r in view["receipts"] if r["sku"] == s["sku"] and r["received_on"] <= "2026-04-15")
        out = sum(o["quantity"] for o in view["orders"] if o["sku"] == s["sku"] and o["shipped_on"] <= "2026-04-15")
        assert s["on_hand"] == got - out > 0
    sheet = client.get("/warehouses/HWC-DE-HAM?format=xlsx&table=fees&as_of=2026-04-15")
    assert load_workbook(io.BytesIO(sheet.content)).active.max_row == len(view["fees"]) + 1
    assert client.get("/warehouses/HWC-DE-HAM?format=csv&table=occupancy&as_of=2026-04-15").text.count("\n") == len(view["occupancy"]) + 1
    assert client.get("/warehouses/NOPE").status_code == 404
    assert "Overseas warehouses" in client.get("/warehouses?lang=en").text


def test_an_enterprise_sees_its_own_goods_only(demo_engine: Engine, demo_copy: Engine) -> None:
    f = store.frames(demo_copy)
    owners = f["receipts"].filter(pl.col("warehouse_id") == "HWC-LU-LUX")["exporter_uscc"].unique().sort().to_list()
    assert len(owners) >= 2
    mine, other = owners[0], owners[1]
    add_user(demo_copy, "wh-ent", "enterprise", enterprise=mine)
    c = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(demo_copy, 'wh-ent', label='t')}"})
    view = c.get("/warehouses/HWC-LU-LUX?format=json&as_of=2026-03-20").json()
    assert view["receipts"] and {r["exporter_uscc"] for r in view["receipts"]} == {mine}
    for key in ("stock", "fees", "orders"):
        assert all(r["exporter_uscc"] == mine for r in view[key])
    assert other not in c.get("/warehouses/HWC-LU-LUX?format=csv&table=receipts").text
    listing = c.get("/api/v1/warehouses").json()
    assert listing and all("exporters" not in r for r in listing)
    # and it may enter goods only for itself
    body = {"receipt_id": "RK-T-1", "exporter_uscc": other, "sku": "X", "quantity": 1, "volume_m3": 0.1,
            "received_on": "2026-04-01"}
    assert c.post("/api/v1/warehouses/HWC-LU-LUX/receipts", json=body).status_code == 403
    # the consolidation page shows its own shipments only, others' cartons in a shared unit without owner
    cons = c.get("/consolidation?format=json").json()
    assert cons["costs"] and {r["exporter_uscc"] for r in cons["costs"]} == {mine}
    own = {r["shipment"] for r in cons["costs"]}
    for u in cons["units"]:
        unit = c.get(f"/consolidation/units/{u['id']}?format=json").json()["unit"]
        assert {p["shipment"] for p in unit["placements"]} <= own | {"—"}


def test_receipt_and_order_through_the_api(demo_copy: Engine, admin_token: str) -> None:
    c = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    exporter = store.frames(demo_copy)["receipts"]["exporter_uscc"][0]
    body = {"receipt_id": "RK-API-1", "exporter_uscc": exporter, "sku": "API-SKU", "quantity": 10, "volume_m3": 2.0,
            "pallets": 2, "received_on": "2026-06-01", "consignment_ref": "urn:chainatlas:bt:PD-API"}
    res = c.post("/api/v1/warehouses/HWC-NL-RTM/receipts", json=body)
    assert res.status_code == 201, res.text
    event_id = res.json()["event_id"]
    with demo_copy.connect() as conn:
        assert conn.execute(select(db.epcis_event.c.event_type).where(db.epcis_event.c.event_id == event_id)).scalar() == "ObjectEvent"
    assert c.post("/api/v1/warehouses/HWC-NL-RTM/receipts", json=body).status_code == 422  # the same receipt twice
    order = {"order_id": "CK-API-1", "exporter_uscc": exporter, "sku": "API-SKU", "quantity": 11, "shipped_on": "2026-06-03"}
    refused = c.post("/api/v1/warehouses/HWC-NL-RTM/orders", json=order)
    assert refused.status_code == 422 and "not enough stock" in refused.text and "库存不足" in refused.text
    # an order dated before the goods arrived is refused too
    early = c.post("/api/v1/warehouses/HWC-NL-RTM/orders", json={**order, "quantity": 4, "shipped_on": "2026-05-30"})
    assert early.status_code == 422
    assert c.post("/api/v1/warehouses/HWC-NL-RTM/orders", json={**order, "quantity": 4}).status_code == 201
    view = c.get("/api/v1/warehouses/HWC-NL-RTM/stock?as_of=2026-06-03").json()
    assert [s["on_hand"] for s in view["stock"] if s["sku"] == "API-SKU"] == [6]
    assert c.post("/api/v1/warehouses/NOPE/receipts", json={**body, "receipt_id": "RK-API-2"}).status_code == 404
