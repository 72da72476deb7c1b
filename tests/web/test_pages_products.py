"""数据即服务 on the demo city: the catalogue and a product page for anyone; a grant requested and approved through the
API, a token for that product only, its data with small cells blanked; refusals for another product, no token, a
stranger's usage; an import through the API adds a quality snapshot."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from chainatlas.governance.principals import add_user, issue_token
from chainatlas.products import build
from chainatlas.products.catalogue import product
from chainatlas.web.app import create_app
from tests.helpers.exchange import ENT_HEADER


def _as(engine: Engine, name: str, role: str, **extra: str) -> TestClient:
    add_user(engine, name, role, **extra)  # type: ignore[arg-type]
    return TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(engine, name, label='t')}"})


def test_catalogue_and_product_pages_are_public(demo_engine: Engine) -> None:
    anyone = TestClient(create_app())
    items = anyone.get("/products?format=json").json()["products"]
    assert {p["id"] for p in items} == {"enterprise_register", "chain_segments", "clearance_lanes"}
    assert all(p["quality"] and p["quality"]["rows"] > 0 for p in items)
    page = anyone.get("/products/chain_segments")
    assert page.status_code == 200 and "产业链环节图谱" in page.text and "许可条款" in page.text
    sheet = anyone.get("/products?format=xlsx")
    assert load_workbook(io.BytesIO(sheet.content)).active.max_row == 4
    assert anyone.get("/products/nope").status_code == 404
    assert anyone.get("/api/v1/products/chain_segments/data").status_code == 401  # no token


def test_grant_token_data_and_usage(demo_copy: Engine) -> None:
    analyst = _as(demo_copy, "dp-analyst", "analyst")
    industry = _as(demo_copy, "dp-industry", "department", department="industry")
    customs = _as(demo_copy, "dp-customs", "department", department="customs")
    assert analyst.post("/api/v1/products/chain_segments/tokens").status_code == 403  # no grant yet
    gid = analyst.post("/api/v1/grants", json={"dataset": "product.chain_segments", "purpose": "chain_analysis"}).json()["id"]
    assert customs.post(f"/api/v1/grants/{gid}/approve").status_code == 403  # not the owner
    assert industry.post(f"/api/v1/grants/{gid}/approve").status_code == 200
    issued = analyst.post("/api/v1/products/chain_segments/tokens")
    assert issued.status_code == 201
    token = issued.json()["token"]
    device = TestClient(create_app())
    got = device.get("/api/v1/products/chain_segments/data", headers={"X-Product-Token": token})
    assert got.status_code == 200
    body = got.json()
    expected = build.rows(demo_copy, product("chain_segments"), "4101")
    assert body["count"] == expected.height > 0
    withheld = [r for r in body["rows"] if r["suppressed"]]
    assert withheld and all(r[f] is None for r in withheld for f in r["suppressed"].split(","))
    other = device.get("/api/v1/products/enterprise_register/data", headers={"X-Product-Token": token})
    assert other.status_code == 403 and "scoped" in other.text
    usage = industry.get("/api/v1/products/chain_segments/usage").json()
    assert [(u["grantee"], u["calls"], u["refused"]) for u in usage] == [("dp-analyst", 1, 0)]
    assert customs.get("/api/v1/products/chain_segments/usage").status_code == 403
    assert analyst.get("/api/v1/products/chain_segments/usage").status_code == 403
    page = industry.get("/products/chain_segments?format=json").json()
    assert page["owner_view"] and page["usage"][0]["calls"] == 1
    assert analyst.delete("/api/v1/products/chain_segments/tokens").json() == {"revoked": 1}
    assert device.get("/api/v1/products/chain_segments/data", headers={"X-Product-Token": token}).status_code == 401


def test_an_import_adds_a_quality_snapshot(demo_copy: Engine) -> None:
    admin = _as(demo_copy, "dp-admin", "admin")
    before = len(admin.get("/api/v1/products/enterprise_register").json()["history"])
    from chainatlas.registry.uscc import make_uscc

    firm = make_uscc("91410105MA4DPQQQ1")
    csv = f"{ENT_HEADER}\n{firm},郑州数据产品测试有限公司（示例）,410105,C3841,1000000,2026-06-30\n".encode()
    done = admin.post("/api/v1/imports", files=[("files", ("ents.csv", csv, "text/csv"))])
    assert done.status_code in (200, 201) and done.json()["written"]
    history = admin.get("/api/v1/products/enterprise_register").json()["history"]
    assert len(history) == before + 1 and history[0]["import_job_id"] is not None
    assert history[0]["rows"] == history[1]["rows"] + 1
