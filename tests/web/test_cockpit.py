"""The cockpit and an indicator's page (``web/pages_indicators.py``, ``web/api_indicators.py``): tiles with value,
as-of date and source; the seed's targets with gap and growth needed; city-set targets by admins only; exports."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.governance.principals import add_user, issue_token
from chainatlas.web.app import create_app


def test_cockpit_tiles_and_their_twin(client: TestClient) -> None:
    twin = client.get("/cockpit", params={"format": "json"}).json()
    tiles = {(t["indicator"]["id"], t["chain"]): t for t in twin["tiles"]}
    cargo = tiles[("airport_cargo_tonnes", None)]
    assert cargo["latest"]["period"] == "2025" and "示例" in cargo["latest"]["source"] and cargo["latest"]["as_of"]
    target = cargo["target"]
    assert (target["value"], target["year"]) == (110.0, 2030) and "110万吨" in target["source"]
    assert target["gap"] == pytest.approx(110 - cargo["latest"]["value"])
    assert target["growth_needed"] == pytest.approx((110 / cargo["latest"]["value"]) ** (1 / 5) - 1)
    assert target["projection"]["low"] <= target["projection"]["value"] <= target["projection"]["high"]
    assert {c for i, c in tiles if i == "supporting_rate"} == {"nev", "electronics", "equipment", "superhard", "biomed",
                                                               "semiconductor"}
    assert all(t["latest"] is None or (t["latest"]["source"] and t["latest"]["as_of"]) for t in twin["tiles"])
    assert len(twin["chains"]) == 6 and all(c["missing"] + c["weak"] + c["medium"] + c["strong"] > 0 for c in twin["chains"])
    page = client.get("/cockpit")
    assert page.status_code == 200 and "城市驾驶舱" in page.text and 'http-equiv="refresh"' in page.text
    assert client.get("/cockpit", params={"format": "xlsx", "table": "indicators"}).status_code == 200


def test_indicator_page_and_targets_set_by_admins(demo_copy: Engine, admin_token: str) -> None:
    admin = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    made = admin.post("/api/v1/indicators/supporting_rate/targets",
                      json={"value": 60, "year": 2028, "chain": "nev", "source": "示例：市链长办文件（虚构）"})
    assert made.status_code == 200, made.text
    r = admin.get("/api/v1/indicators/supporting_rate").json()
    nev = next(s for s in r["series"] if s["chain"] == "nev")
    assert [(p["value"], p["year"], p["set_by"]) for p in nev["progress"]] == [(60.0, 2028, "admin")]
    assert not next(s for s in r["series"] if s["chain"] == "biomed")["progress"]  # set for nev only
    assert admin.post("/api/v1/indicators/supporting_rate/targets", json={"value": 1, "year": 2028, "source": " "}).status_code == 422
    assert admin.post("/api/v1/indicators/gdp_yuan/targets", json={"value": 1, "year": 2028, "chain": "nev",
                                                                   "source": "x"}).status_code == 422
    assert admin.get("/api/v1/indicators/nope").status_code == 404
    add_user(demo_copy, "ind-analyst", "analyst")
    analyst = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(demo_copy, 'ind-analyst')}"})
    assert analyst.post("/api/v1/indicators/gdp_yuan/targets", json={"value": 1, "year": 2028, "source": "x"}).status_code == 403
    page = admin.get("/indicators/supporting_rate")
    assert page.status_code == 200 and "示例：市链长办文件（虚构）" in page.text
    csv = admin.get("/indicators/gdp_yuan", params={"format": "csv", "table": "series"})
    assert csv.status_code == 200 and csv.content.count(b"\n") == 6  # header + 2021–2025
    anon = TestClient(create_app())
    assert anon.get("/cockpit").status_code == 200 and anon.get("/api/v1/indicators").status_code == 200
    assert anon.get("/cockpit/report.xlsx").status_code == 401  # alerts and lanes: officials only
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(admin.get("/cockpit/report.xlsx").content))
    assert wb.sheetnames == ["指标与目标", "产业链环节", "待处理预警", "货运线路"]
    ws = wb["指标与目标"]
    assert str(ws["A1"].value).startswith("城市驾驶舱月报") and ws["A3"].value == "指标" and ws.max_row > 10
