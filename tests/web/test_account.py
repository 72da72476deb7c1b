"""Sign-in mechanics as an attacker would try them: lock-out and its end, CSRF on every state-changing route,
cookie flags, token expiry and revocation, and no open redirect through ``next=``."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from chainatlas import db
from chainatlas.governance.principals import MAX_FAILURES, add_user, issue_token, revoke_user
from chainatlas.settings import get_settings
from chainatlas.web.app import api_routes, create_app
from tests.helpers.routes import fill as fill_path

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _signed_in(engine: Engine, name: str, password: str) -> TestClient:
    add_user(engine, name, "admin", password=password)
    client = TestClient(create_app(), follow_redirects=False)
    assert client.post("/login", data={"name": name, "password": password}).status_code == 303
    return client


def test_lockout_counts_failures_and_ends(demo_engine: Engine) -> None:
    add_user(demo_engine, "signin-lock", "analyst", password="the-right-one")
    client = TestClient(create_app(), follow_redirects=False)
    for _ in range(MAX_FAILURES):
        assert client.post("/login", data={"name": "signin-lock", "password": "wrong"}).status_code == 401
    locked = client.post("/login", data={"name": "signin-lock", "password": "the-right-one"})
    assert locked.status_code == 401 and "set-cookie" not in locked.headers  # locked even with the right password
    with demo_engine.begin() as conn:  # the lock's 15 minutes have passed
        conn.execute(update(db.principal).where(db.principal.c.name == "signin-lock").values(
            locked_until=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)))
    assert client.post("/login", data={"name": "signin-lock", "password": "the-right-one"}).status_code == 303


def test_unknown_user_and_wrong_password_answer_alike(demo_engine: Engine) -> None:
    add_user(demo_engine, "signin-known", "analyst", password="pw-known-1")
    client = TestClient(create_app(), follow_redirects=False)
    unknown = client.post("/login", data={"name": "signin-nobody", "password": "x"})
    wrong = client.post("/login", data={"name": "signin-known", "password": "x"})
    assert unknown.status_code == wrong.status_code == 401
    strip = re.compile(r'name="next" value="[^"]*"')
    assert strip.sub("", unknown.text) == strip.sub("", wrong.text)  # nothing tells which names exist


def test_every_state_changing_route_needs_the_csrf_token(demo_engine: Engine) -> None:
    client = _signed_in(demo_engine, "signin-csrf", "csrf-password-1")
    routes = sorted({(m, r.path) for r in api_routes(create_app().routes) for m in r.methods if m in UNSAFE})
    assert len(routes) > 15
    fill = {"grant_id": "1", "decision": "approve", "job_id": "1", "scenario_id": "1", "alert_id": "1", "action": "acknowledge",
            "policy_id": "internship", "screening_id": "1", "candidate_id": "1", "query_name": "q", "subscription_id": "1",
            "uscc": "91410105MA44AAAA12"}
    checked = 0
    for method, path in routes:
        if path == "/login":
            continue  # before sign-in there is no session to ride on
        url = fill_path(path, fill, default="x")
        resp = client.request(method, url)
        assert resp.status_code == 403 and "CSRF" in resp.text, f"{method} {path}: {resp.status_code}"
        checked += 1
    assert checked == len(routes) - 1


def test_cookie_flags(demo_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    add_user(demo_engine, "signin-cookie", "analyst", password="cookie-password-1")
    client = TestClient(create_app(), follow_redirects=False)
    cookie = client.post("/login", data={"name": "signin-cookie", "password": "cookie-password-1"}).headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie and "Secure" not in cookie
    monkeypatch.setenv("CHAINATLAS_SECURE_COOKIES", "true")
    get_settings.cache_clear()
    try:
        secure = TestClient(create_app(), follow_redirects=False).post(
            "/login", data={"name": "signin-cookie", "password": "cookie-password-1"}).headers["set-cookie"]
        assert "Secure" in secure
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_session_ends_at_logout_and_revocation(demo_engine: Engine) -> None:
    client = _signed_in(demo_engine, "signin-end", "end-password-1")
    assert client.get("/api/v1/me").json()["name"] == "signin-end"
    page = client.get("/import")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/api/v1/enterprises").status_code == 401
    other = _signed_in(demo_engine, "signin-rev", "rev-password-1")
    revoke_user(demo_engine, "signin-rev")
    assert other.get("/api/v1/enterprises").status_code == 401


def test_tokens_expire_are_revoked_and_unknown_ones_are_refused(demo_engine: Engine) -> None:
    add_user(demo_engine, "signin-machine", "admin")
    client = TestClient(create_app())
    good, expired = issue_token(demo_engine, "signin-machine"), issue_token(demo_engine, "signin-machine", days=-1)
    assert client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    for bad in (expired, good[:-1] + ("A" if good[-1] != "A" else "B"), "", "x" * 500):
        assert client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {bad}"}).status_code == 401
    revoke_user(demo_engine, "signin-machine")
    assert client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {good}"}).status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "/\t/evil.example", "https://evil.example/",
                                    "http:evil.example", "javascript:alert(1)", "/%2F%2Fevil.example", "\\\\evil.example"])
def test_no_open_redirect_through_next(demo_engine: Engine, target: str) -> None:
    add_user(demo_engine, f"signin-next-{abs(hash(target)) % 10**8}", "analyst", password="next-password-1")
    client = TestClient(create_app(), follow_redirects=False)
    resp = client.post("/login", data={"name": f"signin-next-{abs(hash(target)) % 10**8}", "password": "next-password-1",
                                       "next": target})
    assert resp.status_code == 303
    location = resp.headers["location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc and location.startswith("/")
    assert not location.startswith(("//", "/\\")) and not any(c < " " or c == "\\" for c in location)
    page = client.get("/login", params={"next": target})
    hidden = page.text.split('name="next" value="')[1].split('"')[0]
    assert not urlsplit(hidden).netloc and not hidden.startswith(("//", "/\\")) and "\\" not in hidden
