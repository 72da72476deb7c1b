"""POST /api/v1/consolidation/plan: the command's answer over HTTP, errors as 422 with where and why."""

from __future__ import annotations

from fastapi.testclient import TestClient

from chainatlas.consolidation.demo import demo_files


def test_plan_answers_like_the_command(client: TestClient) -> None:
    ships, caps = demo_files(shipments_per_lane=3)
    res = client.post("/api/v1/consolidation/plan", json={"shipments": ships, "capacity": caps, "time_limit": 5})
    assert res.status_code == 200, res.text
    body = res.json()
    assert {a["shipment"] for a in body["assignments"]} == {s["id"] for s in ships}
    assert all(u["check"] == [] for u in body["units"]) and body["gap"] == 0.0
    assert {c["shipment"] for c in body["costs"]} == {s["id"] for s in ships}


def test_bad_rows_and_duplicates_are_422(client: TestClient) -> None:
    ships, caps = demo_files(shipments_per_lane=2)
    bad = [ships[0] | {"latest_arrival": "2020-01-01"}]
    res = client.post("/api/v1/consolidation/plan", json={"shipments": bad, "capacity": caps})
    assert res.status_code == 422 and "shipments[0]" in res.text and "latest_arrival" in res.text
    res = client.post("/api/v1/consolidation/plan", json={"shipments": [ships[0], ships[0]], "capacity": caps})
    assert res.status_code == 422 and "duplicate shipment id" in res.text
    assert client.post("/api/v1/consolidation/plan", json={"shipments": [], "capacity": caps}).status_code == 422


def test_anonymous_callers_are_refused(demo_engine: object) -> None:
    from chainatlas.web.app import create_app

    res = TestClient(create_app()).post("/api/v1/consolidation/plan", json={"shipments": [{}], "capacity": [{}]})
    assert res.status_code in (401, 403)
