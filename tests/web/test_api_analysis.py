"""The analysis API (``web/api_analysis.py``): atlas, supporting rate, targets and placement overrides."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from chainatlas.web.app import create_app


def test_atlas_rate_and_targets_endpoints(client: TestClient) -> None:
    atlas = client.get("/api/v1/chains/nev/atlas").json()
    statuses = {s["code"]: s["status"] for s in atlas["segments"]}
    assert statuses["nev.auto_chip"] == "missing" and statuses["nev.sensor"] == "missing"  # the demo's gaps
    assert {"strong", "weak"} <= set(statuses.values())
    assert atlas["period"] == "2025" and atlas["home"] == "4101" and atlas["flows"]
    rate = client.get("/api/v1/supporting-rate", params={"chain": "nev"}).json()
    assert [r["period"] for r in rate["rows"]] == ["2024", "2025"]
    assert all(0 <= r["rate"] <= 1 and r["numerator"] <= r["denominator"] for r in rate["rows"])
    wider = client.get("/api/v1/supporting-rate", params={"chain": "nev", "home": "41"}).json()
    assert all(w["rate"] >= r["rate"] for w, r in zip(wider["rows"], rate["rows"], strict=True))
    targets = client.get("/api/v1/chains/nev/targets", params={"top": 5}).json()
    assert len(targets["items"]) == 5
    assert all(not (i["region_code"] or "").startswith("4101") for i in targets["items"])
    assert [i["score"] for i in targets["items"]] == sorted((i["score"] for i in targets["items"]), reverse=True)
    assert abs(sum(targets["weights"].values()) - 1) < 1e-9
    xlsx = client.get("/api/v1/chains/nev/targets", params={"format": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content))["招商清单"]
    assert ws["A1"].value.startswith("精准招商清单") and ws["A5"].value == "排名"
    assert client.get("/api/v1/chains/nope/atlas").status_code == 404
    assert client.get("/api/v1/supporting-rate", params={"home": "x1"}).status_code == 422


def test_placement_override_via_api(demo_copy: Engine, admin_token: str) -> None:
    client = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    p = client.get("/api/v1/placements", params={"segment": "nev.cell", "limit": 1}).json()[0]
    moved = client.post("/api/v1/placements/overrides", json={"uscc": p["uscc"], "segment_code": "nev.cell",
                                                              "action": "confirm"})
    assert moved.status_code == 200
    assert any(x["segment_code"] == "nev.cell" and x["evidence"] == "analyst" for x in moved.json()["placements"])
    bad = client.post("/api/v1/placements/overrides", json={"uscc": p["uscc"], "segment_code": "nev.cell", "action": "move"})
    assert bad.status_code == 422
    assert client.get("/chains/nev?format=json").json()["chain"] == "nev"
