"""The sensitive routes against an expectation written by hand from the roles table of docs/access-control.md —
not from ``governance/policy.py``, which the app enforces and ``test_matrix.py`` walks. A change to the policy
table that loosens one of these fails here even if the matrix still agrees with itself.

A = allowed (any answer but 401/403), D = denied (403; 401 for the public).
Roles: public · enterprise (bound to firm a) · department tax (owns supply links and invoice lines) · analyst
without grants · admin."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.governance.principals import add_user, issue_token
from chainatlas.web.app import create_app

ROLES = ("public", "enterprise", "tax", "analyst", "admin")

# route → expected outcome per role, in the order of ROLES; {a}/{b}: the enterprise's own USCC / another firm's
EXPECTED: list[tuple[str, str, str]] = [
    # aggregates are public (docs: "aggregates only: the overview, the chain atlas … the data catalogue")
    ("GET", "/api/v1/overview", "AAAAA"),
    ("GET", "/api/v1/chains/nev/atlas", "AAAAA"),
    ("GET", "/api/v1/catalogue", "AAAAA"),
    # the audit log: admins all of it, a department the records touching its datasets; nobody else
    ("GET", "/api/v1/audit", "DDADA"),
    # enterprise rows belong to market supervision: tax and analysts need a grant; a firm sees only itself
    ("GET", "/api/v1/enterprises", "DDDDA"),
    ("GET", "/api/v1/enterprises/{a}", "DADDA"),
    ("GET", "/api/v1/enterprises/{b}", "DDDDA"),
    # supply links belong to tax; a firm sees the links where it is buyer or supplier
    ("GET", "/api/v1/supply-links", "DDADA"),
    ("GET", "/api/v1/supply-links?buyer={a}", "DAADA"),
    ("GET", "/api/v1/supply-links?buyer={b}", "DDADA"),
    # imports: departments, analysts (the chain office collects files) and firms (their own rows); never the public
    ("POST", "/api/v1/imports", "DAAAA"),
    # EPCIS (docs/trade.md): firms and officials capture; officials query, a firm its own events; never the public
    ("POST", "/epcis/capture", "DAAAA"),
    ("GET", "/epcis/events", "DAAAA"),
    # a firm's tier card and policies rest on its indicators (enterprise_profiles): the firm itself, and officials
    # by grant — never another firm
    ("GET", "/api/v1/tiers/{a}", "DADDA"),
    ("GET", "/api/v1/tiers/{b}", "DDDDA"),
    ("GET", "/api/v1/enterprises/{b}/policies", "DDDDA"),
]


@pytest.fixture(scope="module")
def setup(demo_engine: Engine) -> dict[str, object]:
    with demo_engine.connect() as conn:
        a, b = [r for (r,) in conn.execute(select(db.supply_link.c.buyer_uscc).distinct()
                                           .order_by(db.supply_link.c.buyer_uscc).limit(2))]
    tokens: dict[str, str] = {}
    for name, role, extra in (("enterprise", "enterprise", {"enterprise": a}), ("tax", "department", {"department": "tax"}),
                              ("analyst", "analyst", {}), ("admin", "admin", {})):
        add_user(demo_engine, f"sensitive-{name}", role, **extra)
        tokens[name] = issue_token(demo_engine, f"sensitive-{name}")
    return {"a": a, "b": b, "tokens": tokens, "client": TestClient(create_app(), follow_redirects=False)}


@pytest.mark.parametrize(("method", "path", "expected"), EXPECTED, ids=[f"{m} {p}" for m, p, _ in EXPECTED])
def test_sensitive_route(setup: dict[str, object], method: str, path: str, expected: str) -> None:
    client: TestClient = setup["client"]  # type: ignore[assignment]
    tokens: dict[str, str] = setup["tokens"]  # type: ignore[assignment]
    url = path.format(a=setup["a"], b=setup["b"])
    for role, want in zip(ROLES, expected, strict=True):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
        code = client.request(method, url, headers=headers).status_code
        if want == "A":
            assert code not in (401, 403), f"{method} {url} as {role}: {code}, expected allowed"
        else:
            assert code == (401 if role == "public" else 403), f"{method} {url} as {role}: {code}, expected denied"
