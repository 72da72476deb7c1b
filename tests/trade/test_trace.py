"""Tracing through aggregation and transformation, on a hand-built chain of custody."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.trade import repository
from chainatlas.trade.capture import check_document
from chainatlas.trade.trace import trace

CELL = "urn:epc:id:sgtin:6901234.012345.{}"
PACK = "urn:epc:id:sgtin:6901234.054321.{}"
PALLET = "urn:epc:id:sscc:6901234.0000000077"
ULD = "urn:epc:id:giai:6901234.AKE12345"


def _doc() -> dict[str, Any]:
    def ev(kind: str, day: int, **f: Any) -> dict[str, Any]:
        return {"type": kind, "eventTime": f"2026-03-0{day}T08:00:00Z", "eventTimeZoneOffset": "+08:00", **f}
    # cells 1, 2 → pack 1 (transformation); cell 3 → pack 2; packs 1, 2 packed on the pallet; pallet loaded in a ULD
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": "2026-03-06T00:00:00Z", "epcisBody": {"eventList": [
                ev("TransformationEvent", 1, inputEPCList=[CELL.format(1), CELL.format(2)], outputEPCList=[PACK.format(1)]),
                ev("TransformationEvent", 2, inputEPCList=[CELL.format(3)], outputEPCList=[PACK.format(2)]),
                ev("AggregationEvent", 3, parentID=PALLET, childEPCs=[PACK.format(1), PACK.format(2)], action="ADD"),
                ev("AggregationEvent", 4, parentID=ULD, childEPCs=[PALLET], action="ADD"),
            ]}}


def test_back_and_forward(any_engine: Engine) -> None:
    checked = check_document(_doc())
    assert checked.ok, [p.as_dict() for p in checked.problems]
    repository.store(any_engine, checked, "test")
    back = trace(any_engine, ULD, "back")
    assert [(r["depth"], r["epc"], r["relation"]) for r in back] == [
        (1, PALLET, "aggregation"), (2, PACK.format(1), "aggregation"), (2, PACK.format(2), "aggregation"),
        (3, CELL.format(1), "transformation"), (3, CELL.format(2), "transformation"), (3, CELL.format(3), "transformation")]
    forward = trace(any_engine, "https://id.gs1.org/01/06901234123456/21/3", "forward")  # cell 3 as a Digital Link
    assert [r["epc"] for r in forward] == [PACK.format(2), PALLET, ULD]
    assert trace(any_engine, ULD, "forward") == [] and len(trace(any_engine, ULD, "back", depth=1)) == 1


def test_api(demo_engine: Engine, admin_token: str) -> None:
    from chainatlas.web.app import create_app

    client = TestClient(create_app())
    auth = {"Authorization": f"Bearer {admin_token}"}
    resp = client.get("/api/v1/trade/trace", params={"epc": "urn:epc:id:sscc:6901234.0000000001", "direction": "forward"},
                      headers=auth)
    assert resp.status_code == 200 and resp.json()["reached"] == []  # demo pallets are not packed further
    assert client.get("/api/v1/trade/trace", params={"epc": "x", "direction": "sideways"}, headers=auth).status_code == 422


def test_unpacking_keeps_the_history_and_repacking_continues_it(any_engine: Engine) -> None:
    """A pallet loaded in a ULD, unloaded (aggregation DELETE) and loaded on a truck: forward it reached both, and
    each of them traces back to it — unpacking ends the containment, not the history."""
    truck = "urn:epc:id:giai:6901234.TRUCK7"
    doc = _doc()
    doc["epcisBody"]["eventList"] += [
        {"type": "AggregationEvent", "eventTime": "2026-03-05T08:00:00Z", "eventTimeZoneOffset": "+08:00",
         "parentID": ULD, "childEPCs": [PALLET], "action": "DELETE"},
        {"type": "AggregationEvent", "eventTime": "2026-03-06T08:00:00Z", "eventTimeZoneOffset": "+08:00",
         "parentID": truck, "childEPCs": [PALLET], "action": "ADD"}]
    checked = check_document(doc)
    assert checked.ok
    repository.store(any_engine, checked, "test")
    forward = trace(any_engine, PALLET, "forward")
    assert [(r["epc"], r["event_time"].day) for r in forward] == [(ULD, 4), (truck, 6)]  # the ADD, not the DELETE
    assert [r["epc"] for r in trace(any_engine, truck, "back", depth=1)] == [PALLET]
    assert [r["epc"] for r in trace(any_engine, ULD, "back", depth=1)] == [PALLET]
