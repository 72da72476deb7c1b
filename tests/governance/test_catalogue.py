"""Grants: an analyst sees rows only after the owner approves; revocation, expiry, region filters; the public
sees aggregates with small cells suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.governance.catalogue import decide, request_grant, row_access
from chainatlas.governance.principals import add_user, issue_token, principal_for_token
from chainatlas.web.app import create_app


@pytest.fixture(scope="module")
def people(demo_engine: Engine) -> dict[str, str]:
    add_user(demo_engine, "grant-analyst", "analyst")
    add_user(demo_engine, "grant-tax", "department", department="tax")
    add_user(demo_engine, "grant-customs", "department", department="customs")
    return {n: issue_token(demo_engine, n) for n in ("grant-analyst", "grant-tax", "grant-customs")}


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_request_approve_revoke(demo_engine: Engine, people: dict[str, str]) -> None:
    client = TestClient(create_app())
    analyst, tax, customs = people["grant-analyst"], people["grant-tax"], people["grant-customs"]
    assert client.get("/api/v1/supply-links", headers=_h(analyst)).status_code == 403
    assert client.get("/api/v1/supply-links", headers=_h(tax)).status_code == 200  # the owner reads its own dataset
    req = client.post("/api/v1/grants", json={"dataset": "supply_links", "purpose": "chain_analysis",
                                              "note": "新能源汽车链配套分析"}, headers=_h(analyst))
    assert req.status_code == 200 and req.json()["status"] == "requested"
    gid = req.json()["id"]
    assert client.get("/api/v1/supply-links", headers=_h(analyst)).status_code == 403  # requested is not approved
    assert client.post(f"/api/v1/grants/{gid}/approve", headers=_h(customs)).status_code == 403  # not the owner
    assert client.post(f"/api/v1/grants/{gid}/approve", headers=_h(tax)).json()["status"] == "approved"
    assert client.get("/api/v1/supply-links", headers=_h(analyst)).status_code == 200
    assert client.post(f"/api/v1/grants/{gid}/approve", headers=_h(tax)).status_code == 422  # already approved
    assert any(g["id"] == gid for g in client.get("/api/v1/grants", headers=_h(tax)).json())
    assert not client.get("/api/v1/grants", headers=_h(customs)).json()
    assert client.post(f"/api/v1/grants/{gid}/revoke", headers=_h(tax)).json()["status"] == "revoked"
    assert client.get("/api/v1/supply-links", headers=_h(analyst)).status_code == 403


def test_expired_grant_and_region_filter(demo_engine: Engine, people: dict[str, str]) -> None:
    analyst = principal_for_token(demo_engine, people["grant-analyst"])
    tax = principal_for_token(demo_engine, people["grant-tax"])
    market = add_user(demo_engine, "grant-market", "department", department="market_supervision")
    assert analyst and tax
    old = request_grant(demo_engine, analyst, "supply_links", "statistics", valid_from=dt.date(2024, 1, 1),
                        valid_to=dt.date(2024, 12, 31))
    assert decide(demo_engine, old, tax, "approve")["status"] == "expired"
    assert not row_access(demo_engine, analyst, "supply_links").allowed
    gid = request_grant(demo_engine, analyst, "enterprises", "investment_attraction", region_prefix="410105")
    decide(demo_engine, gid, market, "approve")
    client = TestClient(create_app())
    h = _h(people["grant-analyst"])
    assert client.get("/api/v1/enterprises", params={"region": "410105"}, headers=h).status_code == 200
    assert client.get("/api/v1/enterprises", params={"region": "410122"}, headers=h).status_code == 403
    assert client.get("/api/v1/enterprises", headers=h).status_code == 403  # the whole city is outside the grant
    inside = client.get("/api/v1/enterprises", params={"region": "410105", "per_page": 1}, headers=h).json()["items"][0]
    assert client.get(f"/api/v1/enterprises/{inside['uscc']}", headers=h).status_code == 200


def test_public_sees_suppressed_aggregates(demo_engine: Engine, admin_token: str) -> None:
    client = TestClient(create_app())
    public = client.get("/api/v1/chains/nev/atlas").json()
    full = client.get("/api/v1/chains/nev/atlas", headers=_h(admin_token)).json()
    assert public["suppression"]["min_enterprises"] == 3 and "suppression" not in full
    for p, f in zip(public["segments"], full["segments"], strict=True):
        assert p["local_enterprises"] == f["local_enterprises"] and p["status"] == f["status"]
        small = f["inputs_buyers"] < 3 or f["inputs_suppliers"] < 3
        if small and f["inputs_value_yuan"]:
            assert p["inputs_value_yuan"] is None and "inputs_value_yuan" in p["suppressed"]
        if not small and f["local_suppliers_serving"] >= 3:
            assert p["inputs_value_yuan"] == f["inputs_value_yuan"] and p["local_share"] == f["local_share"]
    suppressed = [s for ch in ("nev", "electronics", "semiconductor", "superhard")
                  for s in client.get(f"/api/v1/chains/{ch}/atlas").json()["segments"] + client.get(f"/api/v1/chains/{ch}/atlas").json()["flows"]
                  if s.get("suppressed")]
    assert suppressed, "the demo city has small cells, and the public must not see them"
    page = client.get("/chains/nev")
    assert page.status_code == 200 and "suppression-note" in page.text
    assert client.get("/api/v1/supporting-rate", params={"buyer": full["segments"][0]["code"]}).status_code == 401


def test_enterprise_corrects_only_its_own_record(demo_engine: Engine) -> None:
    from sqlalchemy import select

    from chainatlas import db

    with demo_engine.connect() as conn:
        (a, a_name, a_region, a_ind), (b, *_rest) = conn.execute(select(
            db.enterprise.c.uscc, db.enterprise.c.name, db.enterprise.c.region_code, db.enterprise.c.industry_code)
            .where(db.enterprise.c.region_code.is_not(None)).order_by(db.enterprise.c.uscc).limit(2)).all()
    add_user(demo_engine, "self-service", "enterprise", enterprise=a)
    h = _h(issue_token(demo_engine, "self-service"))
    client = TestClient(create_app())
    mine = f"uscc,name,region_code,industry_code,employees,as_of\n{a},{a_name},{a_region},{a_ind},321,2026-01-31\n"
    ok = client.post("/api/v1/imports", files={"files": ("mine.csv", mine.encode())}, headers=h)
    assert ok.status_code == 200 and ok.json()["written"]
    theirs = mine.replace(a, b)
    refused = client.post("/api/v1/imports", files={"files": ("theirs.csv", theirs.encode())}, headers=h)
    assert refused.status_code == 422 and "only rows about itself" in refused.json()["problems"][0]["reason_en"]
    assert client.get(f"/api/v1/enterprises/{a}", headers=h).json()["enterprise"]["employees"] == 321


def test_grant_fields_and_link_visibility(demo_engine: Engine, people: dict[str, str]) -> None:
    analyst = principal_for_token(demo_engine, people["grant-analyst"])
    market = principal_for_token(demo_engine, issue_token(demo_engine, "grant-market"))
    assert analyst and market
    gid = request_grant(demo_engine, analyst, "enterprises", "statistics", fields=["region_code", "employees"])
    decide(demo_engine, gid, market, "approve")
    client = TestClient(create_app())
    h = _h(people["grant-analyst"])
    items = client.get("/api/v1/enterprises", params={"per_page": 3}, headers=h).json()["items"]
    assert items and all(set(i) <= {"uscc", "name", "region_code", "employees"} for i in items)
    profile = client.get(f"/api/v1/enterprises/{items[0]['uscc']}", headers=h).json()
    assert profile["enterprise"]["revenue_yuan"] is None and profile["fields_limited"]
    assert set(profile["provenance"]) <= {"region_code", "employees"}
    assert profile["top_suppliers"] == [] and not profile["links_shown"]  # no grant on supply links
