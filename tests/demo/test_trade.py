"""The demo city's trade flows: consignments, clearance statistics and the trade pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.demo.trade import trade_document
from chainatlas.trade.capture import check_document
from chainatlas.trade.consignments import consignments, timeline
from tests.helpers.epcis import DEMO_CONSIGNMENTS


def test_demo_document_is_valid_and_deterministic() -> None:
    exporters = [("91410100MA0000000X", "示例企业")]
    a, b = trade_document(exporters, 30, seed=7), trade_document(exporters, 30, seed=7)
    assert a == b and check_document(a).ok
    assert {e["ca:mode"] for e in a["epcisBody"]["eventList"]} == {"air", "rail", "sea"}
    assert all(e["ca:demo"] == "示例" for e in a["epcisBody"]["eventList"])


def test_demo_consignments(demo_engine: Engine) -> None:
    rows = consignments(demo_engine)
    assert len(rows) == DEMO_CONSIGNMENTS
    assert {r["mode"] for r in rows} == {"air", "rail", "sea"}
    assert any(r["channel"] == "inspected" for r in rows) and any(r["channel"] == "green" for r in rows)
    assert any(r["excursion"] for r in rows) and all(r["mode"] == "air" for r in rows if r["max_temperature"] is not None)
    assert all(r["exporter_name"] for r in rows)  # linked to the enterprise records
    assert all(r["segment_code"] and r["segment_code"].startswith(r["chain_id"] + ".") for r in rows)  # and a segment
    held = max(rows, key=lambda r: r["arrival_to_release"] or 0)
    assert held["channel"] == "inspected"  # the longest releases are the inspected ones
    steps = [e["biz_step"] for e in timeline(demo_engine, rows[0]["consignment"])]
    assert steps[0] == "consigning" and "urn:chainatlas:bizstep:releasing" in steps


def test_trade_pages(demo_engine: Engine, admin_token: str) -> None:
    from chainatlas.web.app import create_app

    client = TestClient(create_app())
    auth = {"Authorization": f"Bearer {admin_token}"}
    page = client.get("/trade", params={"format": "json", "target": "24"}, headers=auth).json()
    assert len(page["consignments"]) == DEMO_CONSIGNMENTS and page["clearance"]
    green = [s for s in page["clearance"] if s["channel"] == "green"]
    assert all(s["within_target"] == 1.0 for s in green)  # demo: green-channel release within 0.5–4 h + declaration
    csv = client.get("/trade", params={"format": "csv", "table": "clearance"}, headers=auth)
    assert csv.status_code == 200 and csv.text.count("\n") == len(page["clearance"]) + 1
    ref = page["consignments"][0]["consignment"]
    one = client.get(f"/trade/consignments/{ref}", params={"format": "json"}, headers=auth).json()
    assert one["ref"] == ref and len(one["events"]) >= 7
    assert client.get("/trade/consignments/urn:chainatlas:bt:nope", headers=auth).status_code == 404
    assert client.get("/trade").status_code in (401, 303)
