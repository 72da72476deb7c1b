"""Capture error behaviour ``proceed`` (REST binding ``GS1-Capture-Error-Behaviour``): valid events stored, the
others listed; ``rollback`` (the default) stores none. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.trade import intake, repository


def _doc(bad_step: str = "no_such_step") -> dict[str, Any]:
    def ev(day: int, step: str) -> dict[str, Any]:
        return {"type": "ObjectEvent", "eventTime": f"2026-04-0{day}T08:00:00Z", "eventTimeZoneOffset": "+08:00",
                "epcList": [f"urn:epc:id:sgtin:6901234.000001.{900 + day}"], "action": "OBSERVE", "bizStep": step}
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": "2026-04-05T00:00:00Z",
            "epcisBody": {"eventList": [ev(1, "shipping"), ev(2, bad_step), ev(3, "receiving")]}}


def test_rollback_stores_nothing_proceed_stores_the_valid_events(any_engine: Engine) -> None:
    rolled = intake.capture(any_engine, _doc(), "t")
    assert (rolled["success"], rolled["stored"], rolled["captureErrorBehaviour"]) == (False, 0, "rollback")
    assert repository.count(any_engine) == 0
    job = intake.capture(any_engine, _doc(), "t", proceed=True)
    assert (job["success"], job["captureErrorBehaviour"], job["events"], job["stored"], job["duplicates"]) == (
        False, "proceed", 3, 2, 0)
    assert {p["pointer"].split("/")[3] for p in job["errors"]} == {"1"}
    assert sorted(e["bizStep"] for e in repository.query(any_engine, {})["events"]) == ["receiving", "shipping"]
    again = intake.capture(any_engine, _doc(), "t", proceed=True)
    assert (again["stored"], again["duplicates"]) == (0, 2)


def test_proceed_still_refuses_a_broken_document(any_engine: Engine) -> None:
    doc = _doc()
    doc["type"] = "EPCISQueryDocument"
    assert intake.capture(any_engine, doc, "t", proceed=True)["stored"] == 0
    doc = _doc()
    for ev in doc["epcisBody"]["eventList"]:
        ev["bizStep"] = "nonsense"
    job = intake.capture(any_engine, doc, "t", proceed=True)
    assert job["stored"] == 0 and not job["success"] and job["errors"][0]["pointer"] == "/epcisBody/eventList"
    assert repository.count(any_engine) == 0


def test_header_through_the_binding(demo_copy: Engine, admin_token: str) -> None:
    from chainatlas.web.app import create_app

    client = TestClient(create_app())
    h = {"Authorization": f"Bearer {admin_token}"}
    doc = _doc()
    for ev in doc["epcisBody"]["eventList"]:
        ev["epcList"] = [ev["epcList"][0].replace(".90", ".80")]
    refused = client.post("/epcis/capture", json=doc, headers=h)
    assert refused.status_code == 400 and refused.headers["content-type"].startswith("application/problem+json")
    done = client.post("/epcis/capture", json=doc, headers={**h, "GS1-Capture-Error-Behaviour": "proceed"})
    assert done.status_code == 202 and done.json()["stored"] == 2 and len(done.json()["errors"]) == 1
    assert client.get(done.headers["Location"], headers=h).json()["captureErrorBehaviour"] == "proceed"
    assert client.post("/epcis/capture", json=doc, headers={**h, "GS1-Capture-Error-Behaviour": "maybe"}).status_code == 400
