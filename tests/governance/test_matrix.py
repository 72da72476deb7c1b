"""Authorization matrix generated from the application's own route table: every route × every role.

A new route without a policy, or whose check does not hold, fails here. Enterprise A can never read
enterprise B's record or links through any route, export, search or error message."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.governance.catalogue import row_access
from chainatlas.governance.policy import policy_for
from chainatlas.governance.principals import PUBLIC, Role, add_user, issue_token, principal_for_token
from chainatlas.web.app import api_routes, create_app
from tests.helpers.routes import fill as fill_path


@pytest.fixture(scope="module")
def world(demo_engine: Engine) -> dict[str, object]:
    with demo_engine.connect() as conn:
        a, b = [r for (r,) in conn.execute(select(db.supply_link.c.buyer_uscc).distinct().order_by(db.supply_link.c.buyer_uscc).limit(2))]
        b_name = conn.execute(select(db.enterprise.c.name).where(db.enterprise.c.uscc == b)).scalar_one()
    tokens = {}
    for role, extra in ((Role.analyst, {}), (Role.department, {"department": "tax"}), (Role.enterprise, {"enterprise": a})):
        add_user(demo_engine, f"matrix-{role.value}", role.value, **extra)  # type: ignore[arg-type]
        tokens[role] = issue_token(demo_engine, f"matrix-{role.value}")
    add_user(demo_engine, "matrix-admin", "admin")
    tokens[Role.admin] = issue_token(demo_engine, "matrix-admin")
    return {"a": a, "b": b, "b_name": b_name, "tokens": tokens, "client": TestClient(create_app(), follow_redirects=False)}


def _routes() -> list[tuple[str, str]]:
    app = create_app()
    routes = sorted({(m, r.path) for r in api_routes(app.routes) for m in r.methods if m != "HEAD"})
    assert len(routes) > 30
    return routes


def test_every_route_has_a_policy() -> None:
    missing = [(m, p) for m, p in _routes() if policy_for(m, p) is None]
    assert not missing, f"routes without an access policy: {missing}"


@pytest.mark.parametrize(("method", "path"), _routes())
def test_route_by_role(world: dict[str, object], method: str, path: str) -> None:
    client: TestClient = world["client"]  # type: ignore[assignment]
    tokens: dict[Role, str] = world["tokens"]  # type: ignore[assignment]
    fill = {"uscc": world["a"], "chain_id": "nev", "table": "enterprises", "token": "0123456789abcdef", "grant_id": "999999",
            "job_id": "999999", "scenario_id": "999999", "decision": "approve", "capture_id": "999999",
            "event_id": "urn:uuid:0", "epc": "urn:epc:id:sgtin:0614141.107346.1", "event_type": "ObjectEvent", "ref": "urn:chainatlas:bt:BL-0", "alert_id": "999999", "action": "acknowledge",
            "policy_id": "internship", "screening_id": "999999", "candidate_id": "999999", "query_name": "nosuch",
            "subscription_id": "0", "project_id": "999999", "indicator_id": "gdp_yuan", "place": "CGO",
            "demand_id": "XQ-NONE", "capability_id": "CG-NONE", "bid_id": "999999", "milestone_id": "999999",
            "unit_id": "NO-UNIT", "warehouse_id": "NO-WH", "offer_id": "NO-OFFER",
            "ticket_id": "999999", "equipment_id": "NO-EQ", "photo_id": "1", "product_id": "enterprise_register"}
    url = fill_path(path, fill)
    assert url is not None, path
    policy = policy_for(method, path)
    assert policy is not None
    engine = db.get_engine()
    for role in Role:
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
        resp = client.request(method, url, headers=headers)
        principal = principal_for_token(engine, tokens[role]) if role in tokens else PUBLIC
        assert principal is not None
        rows = policy.rows or any(p in fill for p in policy.rows_if)
        if role == Role.enterprise and policy.own and rows:
            data_ok = any(p in fill and fill[p] == world["a"] for p in policy.own)
        elif policy.dataset and rows:
            data_ok = row_access(engine, principal, policy.dataset_for(fill) or "").allowed
        else:
            data_ok = True
        allowed = policy.allows(role) and data_ok
        if policy.credential:  # authorised by its own header, never by an account: none given, nobody gets in
            assert resp.status_code in (401, 422), f"{method} {path} as {role.value}: {resp.status_code}"
            continue
        denied = resp.status_code in (401, 403)
        assert denied != allowed, f"{method} {path} as {role.value}: {resp.status_code}"
        if not allowed:
            assert resp.status_code == (401 if role == Role.public else 403)


def test_enterprise_a_never_sees_b(world: dict[str, object]) -> None:
    client: TestClient = world["client"]  # type: ignore[assignment]
    a, b, b_name = world["a"], world["b"], str(world["b_name"])
    h = {"Authorization": f"Bearer {world['tokens'][Role.enterprise]}"}  # type: ignore[index]
    forbidden = [f"/api/v1/enterprises/{b}", f"/enterprises/{b}", f"/enterprises/{b}?format=json", f"/enterprises/{b}?format=csv",
                 f"/enterprises/{b}?format=xlsx&table=top_suppliers", f"/api/v1/enterprises?q={b_name}", "/enterprises?format=csv",
                 f"/api/v1/supply-links?supplier={b}", f"/api/v1/supply-links?buyer={b}", "/api/v1/supply-links",
                 f"/api/v1/supporting-rate?buyer={b}", f"/leaders/{b}", "/api/v1/placements", "/api/v1/leaders",
                 "/chains/nev/targets?format=xlsx", f"/tiers/{b}", f"/api/v1/tiers/{b}", f"/tiers/{b}?format=csv",
                 f"/enterprises/{b}/policies", f"/api/v1/enterprises/{b}/policies", "/api/v1/tiers", "/api/v1/tiers/pools"]
    for url in forbidden:
        resp = client.get(url, headers=h)
        assert resp.status_code == 403, url
        assert b_name not in resp.text and b not in resp.text, url
    own = client.get("/api/v1/supply-links", params={"buyer": a}, headers=h).json()
    assert own["total"] > 0 and all(x["buyer_uscc"] == a for x in own["items"])
    assert client.get(f"/api/v1/enterprises/{a}", headers=h).json()["enterprise"]["uscc"] == a
