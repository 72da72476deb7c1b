"""Property-based API fuzzing (Schemathesis) against the whole OpenAPI schema, as each role: no 5xx, no stack
traces. A bounded number of examples per operation and role (``max_examples``)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.web.app import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
ROLES = ("admin", "analyst", "department", "enterprise", "public")


@pytest.fixture(scope="module")
def tokens(admin_token: str, demo_engine: Engine) -> dict[str, str]:
    from chainatlas.governance.principals import add_user, issue_token

    with demo_engine.connect() as conn:
        firm = conn.execute(select(db.enterprise.c.uscc).order_by(db.enterprise.c.uscc).limit(1)).scalar_one()
    out = {"admin": admin_token}
    for role, extra in (("analyst", {}), ("department", {"department": "customs"}), ("enterprise", {"enterprise": firm})):
        add_user(demo_engine, f"fuzz-{role}", role, **extra)
        out[role] = issue_token(demo_engine, f"fuzz-{role}")
    return out


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, tokens: dict[str, str], role: str) -> None:
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
    response = case.call(headers=headers)
    assert response.status_code < 500, (role, case.method, case.path, response.text[:300])
    assert "Traceback" not in response.text
