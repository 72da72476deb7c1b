"""The consolidation pages: the demo week per lane, a unit's load plan, their JSON twins and table exports."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook


def test_pages_and_their_twins(client: TestClient) -> None:
    page = client.get("/consolidation")
    assert page.status_code == 200 and "货代拼单" in page.text
    data = client.get("/consolidation?format=json").json()
    assert data["units"] and data["lanes"] and data["costs"]
    assert {r["mode"] for r in data["lanes"]} == {"air", "rail", "sea"}
    # the lane rows add up to the costs of their shipments
    assert sum(r["shipments"] for r in data["lanes"]) == len(data["costs"])
    assert abs(sum(r["pooled"] for r in data["lanes"]) - data["pooled_total"]) < 1e-6
    assert all(u["violations"] == 0 for u in data["units"])
    unit = data["units"][0]["id"]
    detail = client.get(f"/consolidation/units/{unit}?format=json").json()
    assert detail["unit"]["id"] == unit and len(detail["unit"]["placements"]) == data["units"][0]["cartons"]
    sheet = client.get(f"/consolidation/units/{unit}?format=xlsx&table=placements")
    assert sheet.status_code == 200
    ws = load_workbook(io.BytesIO(sheet.content)).active
    assert ws.max_row == len(detail["unit"]["placements"]) + 1
    csv = client.get("/consolidation?format=csv&table=costs")
    assert csv.status_code == 200 and csv.text.count("\n") >= len(data["costs"])
    assert client.get("/consolidation/units/NOPE").status_code == 404
    en = client.get("/consolidation?lang=en")
    assert "Consolidation" in en.text and "Pooling per lane and week" in en.text
