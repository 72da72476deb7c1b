"""API v1 (``web/api.py``): overview, enterprises, chains, supply links, the spec and imports, against the demo city."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.demo.collab import INSTITUTES
from chainatlas.demo.digital import PROVIDERS
from chainatlas.web.app import create_app
from tests.helpers.exchange import ENTERPRISES


def test_overview_counts_match_the_demo(client: TestClient) -> None:
    body = client.get("/api/v1/overview").json()
    # the demo's 5,000 firms, its 30 universities and institutes (揭榜挂帅's solvers, chainatlas.demo.collab) and its
    # 4 digital-solution providers (chainatlas.demo.digital)
    assert body["enterprises"] == 5000 + len(INSTITUTES) + len(PROVIDERS) and body["supply_links"] > 40_000
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


def test_api_import_rejects_bad_file_and_reports(demo_copy: Engine, admin_token: str) -> None:
    client = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    bad = ENTERPRISES.replace(",410105,", ",419999,")
    resp = client.post("/api/v1/imports", files={"files": ("bad.csv", bad.encode(), "text/csv")})
    assert resp.status_code == 422
    body = resp.json()
    assert not body["written"] and body["problems"][0]["column"] == "行政区划代码"
    ok = client.post("/api/v1/imports", params={"dry_run": True}, files={"files": ("good.csv", ENTERPRISES.encode(), "text/csv")})
    assert ok.status_code == 200 and ok.json()["rows"] == {"enterprises": 3} and not ok.json()["written"]
