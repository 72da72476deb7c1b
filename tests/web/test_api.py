"""API v1 and the pages' JSON twins and table exports, against the demo city."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from chainatlas.web.app import create_app
from tests.helpers.exchange import ENTERPRISES


@pytest.fixture(scope="module")
def client(demo_engine: Engine, admin_token: str) -> TestClient:
    return TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})


def test_overview_counts_match_the_demo(client: TestClient) -> None:
    body = client.get("/api/v1/overview").json()
    assert body["enterprises"] == 5000 and body["supply_links"] > 40_000
    assert {c["id"] for c in body["by_chain"]} == {"nev", "electronics", "equipment", "superhard", "biomed", "semiconductor"}
    assert len(body["by_district"]) == 12
    assert sum(d["enterprises"] for d in body["by_district"]) == body["local_enterprises"]
    assert client.get("/?format=json").json() == body  # the page's JSON twin is the same data


def test_enterprise_filters_and_profile(client: TestClient) -> None:
    found = client.get("/api/v1/enterprises", params={"region": "410105", "per_page": 5}).json()
    assert found["total"] > 0 and all(e["region_code"] == "410105" for e in found["items"])
    leaders = client.get("/api/v1/enterprises", params={"flag": "is_chain_leader"}).json()
    assert 6 <= leaders["total"] <= 12
    seg = client.get("/api/v1/enterprises", params={"segment": "nev.cell"}).json()
    uscc = seg["items"][0]["uscc"]
    profile = client.get(f"/api/v1/enterprises/{uscc}").json()
    assert any(s["segment_code"] == "nev.cell" for s in profile["segments"])
    assert profile["provenance"]["revenue_yuan"]["source"] == "示例数据 demo"
    assert client.get(f"/enterprises/{uscc}?format=json").json()["enterprise"]["uscc"] == uscc
    assert client.get("/api/v1/enterprises/NOPE").status_code == 404
    assert client.get("/api/v1/enterprises", params={"flag": "is_bogus"}).status_code == 422


def test_chains_links_and_spec(client: TestClient) -> None:
    chains = client.get("/api/v1/chains").json()
    assert len(chains) == 6
    nev = client.get("/api/v1/chains/nev").json()
    assert any(s["code"] == "nev.cell" and s["stage"] == "midstream" for s in nev["segments"])
    links = client.get("/api/v1/supply-links", params={"period": "2025", "per_page": 3}).json()
    assert links["total"] > 0 and all(x["period"] == "2025" for x in links["items"])
    schema = client.get("/api/v1/spec/enterprises.schema.json")
    assert schema.status_code == 200 and schema.json()["required"] == ["uscc", "name", "region_code", "industry_code"]
    assert client.get("/api/v1/spec/nope.schema.json").status_code == 404
    assert "/api/v1/enterprises" in client.get("/openapi.json").json()["paths"]


def test_tables_export_to_csv_and_xlsx(client: TestClient) -> None:
    csv_resp = client.get("/enterprises", params={"region": "4101", "format": "csv"})
    assert csv_resp.status_code == 200 and csv_resp.content.startswith(b"\xef\xbb\xbf")
    xlsx = client.get("/", params={"format": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws is not None and ws.max_row == 7  # header + six chains


def test_api_import_rejects_bad_file_and_reports(demo_copy: Engine, admin_token: str) -> None:
    client = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    bad = ENTERPRISES.replace(",410105,", ",419999,")
    resp = client.post("/api/v1/imports", files={"files": ("bad.csv", bad.encode(), "text/csv")})
    assert resp.status_code == 422
    body = resp.json()
    assert not body["written"] and body["problems"][0]["column"] == "行政区划代码"
    ok = client.post("/api/v1/imports", params={"dry_run": True}, files={"files": ("good.csv", ENTERPRISES.encode(), "text/csv")})
    assert ok.status_code == 200 and ok.json()["rows"] == {"enterprises": 3} and not ok.json()["written"]


def test_pages_render_in_both_languages(client: TestClient) -> None:
    zh = client.get("/")
    assert "产业链" in zh.text and 'lang="zh-CN"' in zh.text
    en = client.get("/?lang=en")
    assert "Enterprises by chain" in en.text and en.cookies.get("lang") == "en"
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200


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


@pytest.mark.parametrize("url", ["/?format=csv&table=by_district", "/?format=xlsx&table=tiers", "/chains?format=csv",
                                 "/chains?format=json", "/audit?format=csv", "/grants?format=xlsx", "/grants?format=json",
                                 "/chains/nev/targets?format=csv", "/enterprises?format=xlsx"])
def test_every_table_exports(client: TestClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 200 and len(resp.content) > 20, url
    if "format=csv" in url:
        assert resp.content.startswith(b"\xef\xbb\xbf")
