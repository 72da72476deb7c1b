"""Sign-in, lock-out, CSRF, token expiry and revocation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.governance.principals import (
    MAX_FAILURES,
    LoginError,
    add_user,
    issue_token,
    login,
    revoke_user,
)
from chainatlas.web.app import create_app


def test_lockout_after_repeated_failures(engine: Engine) -> None:
    add_user(engine, "li", "analyst", password="right-password")
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginError):
            login(engine, "li", "wrong")
    with pytest.raises(LoginError) as exc:
        login(engine, "li", "right-password")  # locked, even with the right password
    assert "locked" in exc.value.en


def test_passwords_are_hashed_with_argon2(engine: Engine) -> None:
    from sqlalchemy import select

    from chainatlas import db

    add_user(engine, "wang", "analyst", password="s3cret-pass")
    with engine.connect() as conn:
        h = conn.execute(select(db.principal.c.password_hash).where(db.principal.c.name == "wang")).scalar_one()
    assert h.startswith("$argon2id$") and "s3cret-pass" not in h


def test_token_expiry_and_revocation(demo_engine: Engine) -> None:
    client = TestClient(create_app())
    add_user(demo_engine, "machine-1", "department", department="market_supervision")  # owns enterprises
    good = issue_token(demo_engine, "machine-1")
    expired = issue_token(demo_engine, "machine-1", days=-1)
    assert client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    assert client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    revoke_user(demo_engine, "machine-1")
    assert client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {good}"}).status_code == 401


def test_session_cookie_and_csrf(demo_engine: Engine) -> None:
    add_user(demo_engine, "zhao", "analyst", password="zhao-password")
    client = TestClient(create_app(), follow_redirects=False)
    assert client.post("/login", data={"name": "zhao", "password": "bad"}).status_code == 401
    resp = client.post("/login", data={"name": "zhao", "password": "zhao-password", "next": "//evil.example/"})
    assert resp.status_code == 303 and resp.headers["location"] == "/"
    cookie = resp.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/import")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    no_token = client.post("/import", files={"files": ("e.csv", b"a,b\n1,2\n")})
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    with_token = client.post("/import", files={"files": ("e.csv", b"a,b\n1,2\n")}, data={"csrf_token": csrf})
    assert with_token.status_code == 200  # validated (and refused: unknown table) — not blocked
    assert client.get("/api/v1/me").json()["name"] == "zhao"
