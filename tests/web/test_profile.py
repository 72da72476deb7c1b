"""企业画像 (``/enterprises/{uscc}`` and ``chainatlas.profile``): each domain's block appears for exactly those who may
open its full page — an admin sees all four, a firm its own tier card, policies and suppliers but not the trade
office's consignments, the market-supervision department (owner of the register) the register and trade but no
tier card (owned by industry, no grant) and no suppliers (owned by tax)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.governance.principals import add_user, issue_token
from chainatlas.trade.consignments import consignments
from chainatlas.web.app import create_app


def _exporter(engine: Engine) -> str:
    local = [c["exporter"] for c in consignments(engine) if (c.get("exporter") or "").startswith("9141")]
    return max(set(local), key=local.count)


def _blocks(engine: Engine, name: str, uscc: str) -> dict[str, object]:
    client = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(engine, name)}"})
    resp = client.get(f"/enterprises/{uscc}", params={"format": "json"})
    assert resp.status_code == 200, resp.text
    return resp.json()["blocks"]  # type: ignore[no-any-return]


def test_blocks_follow_the_access_of_their_pages(demo_copy: Engine) -> None:
    uscc = _exporter(demo_copy)
    add_user(demo_copy, "profile-admin", "admin")
    add_user(demo_copy, "profile-firm", "enterprise", enterprise=uscc)
    add_user(demo_copy, "profile-msa", "department", department="market_supervision")
    admin = _blocks(demo_copy, "profile-admin", uscc)
    assert set(admin) == {"tiers", "policies", "suppliers", "trade"}
    trade = admin["trade"]
    assert isinstance(trade, dict) and trade["total"] >= 1
    assert all(c["exporter"] == uscc for c in trade["consignments"])
    assert set(_blocks(demo_copy, "profile-firm", uscc)) == {"tiers", "policies", "suppliers"}
    assert set(_blocks(demo_copy, "profile-msa", uscc)) == {"trade"}
    page = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(demo_copy, 'profile-admin')}"}).get(
        f"/enterprises/{uscc}")
    assert all(f'id="block-{k}"' in page.text for k in ("tiers", "policies", "suppliers", "trade"))
