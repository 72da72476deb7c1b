"""共享运维 pages and API on the demo city: a ticket worked through the pages by the firm and its provider, photos,
telemetry with a device token, twins and exports — and provider isolation on every route: another provider or firm
gets 404 for the ticket and the machine, and never sees them in a list."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.governance.principals import add_user, issue_token
from chainatlas.web.app import api_routes, create_app
from tests.helpers.routes import fill

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(engine: Engine, name: str, uscc: str) -> TestClient:
    add_user(engine, name, "enterprise", enterprise=uscc)
    return TestClient(create_app(), follow_redirects=False,
                      headers={"Authorization": f"Bearer {issue_token(engine, name, label='t')}"})


@pytest.fixture()
def parties(demo_copy: Engine) -> dict[str, Any]:
    """A firm F with a machine maintained by provider P; the other provider Q; a firm G with no part in it."""
    e = db.equipment.c
    with demo_copy.connect() as conn:
        providers = conn.execute(select(db.solution_provider.c.uscc).where(db.solution_provider.c.shared_om.is_(True))
                                 .order_by(db.solution_provider.c.uscc)).scalars().all()
        p, q = providers[0], providers[1]
        machine = conn.execute(select(e.equipment_id, e.owner_uscc).where(e.provider_uscc == p).order_by(e.equipment_id)).first()
        assert machine is not None
        firm = machine.owner_uscc
        g = conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.uscc.not_in(
            select(e.owner_uscc).where(e.owner_uscc.is_not(None)))).order_by(db.enterprise.c.uscc)).scalars().first()
    return {"engine": demo_copy, "p": p, "q": q, "f": firm, "g": g, "machine": machine.equipment_id,
            "F": _client(demo_copy, "om-firm", firm), "P": _client(demo_copy, "om-provider", p),
            "Q": _client(demo_copy, "om-other-provider", q), "G": _client(demo_copy, "om-stranger", g)}


def test_a_ticket_worked_through_the_pages(parties: dict[str, Any]) -> None:
    f_, p_ = parties["F"], parties["P"]
    desk = f_.get("/maintenance?format=json").json()
    assert desk["equipment"] and all(m["owner_uscc"] == parties["f"] or m["provider_uscc"] == parties["f"] for m in desk["equipment"])
    assert parties["machine"] in {m["equipment_id"] for m in desk["reportable"]}
    assert "共享运维" in f_.get("/maintenance").text
    made = f_.post("/maintenance/tickets", data={"equipment_id": parties["machine"], "priority": "P2", "fault": "主轴异响（测试）"})
    assert made.status_code == 303
    url = made.headers["location"]
    tid = int(url.rsplit("/", 1)[1])
    assert f_.get(f"{url}?format=json").json()["actions"] == ["cancel"]
    assert p_.get(f"{url}?format=json").json()["actions"] == ["assign"]
    assert p_.post(f"{url}/confirm", data={}).status_code == 403  # not the provider's step
    assert p_.post(f"{url}/assign", data={"technician": "测试工程师"}).status_code == 303
    assert p_.post(f"{url}/arrive", data={}).status_code == 303
    assert p_.post(f"{url}/resolve", data={}).status_code == 422  # a resolution needs a note
    assert p_.post(f"{url}/resolve", data={"note": "更换轴承"}).status_code == 303
    assert f_.post(f"{url}/arrive", data={}).status_code == 403
    assert f_.post(f"{url}/confirm", data={}).status_code == 303
    view = f_.get(f"{url}?format=json").json()
    assert view["ticket"]["state"] == "confirmed" and view["ticket"]["technician"] == "测试工程师"
    assert [ev["state_to"] for ev in view["events"]] == ["open", "assigned", "on_site", "resolved", "confirmed"]
    assert {s["target"] for s in view["sla"]} == {"respond", "on_site", "resolve"}
    assert all(s["state"] == "met" for s in view["sla"])  # minutes against hours
    assert f_.post(f"{url}/confirm", data={}).status_code == 409  # already closed
    page = p_.get(url)
    assert page.status_code == 200 and "更换轴承" in page.text
    sheet = f_.get(f"{url}?format=xlsx&table=events")
    assert load_workbook(io.BytesIO(sheet.content)).active.max_row == 6
    rows = f_.get("/maintenance?format=json").json()["tickets"]
    assert tid in {r["id"] for r in rows}
    kpis = p_.get("/maintenance/providers?format=json").json()["providers"]
    assert [k["provider_uscc"] for k in kpis] == [parties["p"]] and kpis[0]["confirmed"] >= 1


def test_photos_and_telemetry(parties: dict[str, Any]) -> None:
    f_, p_, q_ = parties["F"], parties["P"], parties["Q"]
    made = f_.post("/api/v1/maintenance/tickets", json={"equipment_id": parties["machine"], "priority": "P3", "fault": "漏油"})
    assert made.status_code == 201
    tid = made.json()["ticket"]["id"]
    up = f_.post(f"/api/v1/maintenance/tickets/{tid}/photos", files={"photo": ("a.png", PNG, "image/png")})
    assert up.status_code == 201
    pid = up.json()["photo_id"]
    got = p_.get(f"/api/v1/maintenance/tickets/{tid}/photos/{pid}")
    assert got.content == PNG and got.headers["content-type"] == "image/png"
    assert q_.get(f"/api/v1/maintenance/tickets/{tid}/photos/{pid}").status_code == 404
    fake = f_.post(f"/api/v1/maintenance/tickets/{tid}/photos", files={"photo": ("a.png", b"GIF89a....", "image/png")})
    assert fake.status_code == 422
    token = f_.post(f"/api/v1/maintenance/equipment/{parties['machine']}/tokens").json()["token"]
    device = TestClient(create_app())
    body = {"readings": [{"at": "2026-03-02T08:00:00+08:00", "metrics": {"vibration_mm_s": 2.0}}]}
    assert device.post("/api/v1/maintenance/telemetry", json=body, headers={"X-Device-Token": token}).status_code == 201
    assert device.post("/api/v1/maintenance/telemetry", json=body, headers={"X-Device-Token": "dev_wrong"}).status_code == 401
    assert device.post("/api/v1/maintenance/telemetry", json=body).status_code == 401
    late = {"readings": [{"at": "2026-03-02T08:00:00", "metrics": {"x": 1}}]}
    bad = device.post("/api/v1/maintenance/telemetry", json=late, headers={"X-Device-Token": token})
    assert bad.status_code == 422 and "zone" in bad.text
    assert f_.delete(f"/api/v1/maintenance/equipment/{parties['machine']}/tokens").json() == {"revoked": 1}
    assert device.post("/api/v1/maintenance/telemetry", json=body, headers={"X-Device-Token": token}).status_code == 401
    assert TestClient(create_app()).get("/api/v1/maintenance/sla").json()["alarm_rules"]


def test_isolation_on_every_route(parties: dict[str, Any]) -> None:
    """Every maintenance route with a ticket or machine in its path, called by the other provider and by a stranger
    on F's ticket and machine: 404, and the lists and KPIs never show them."""
    f_ = parties["F"]
    tid = f_.post("/api/v1/maintenance/tickets", json={"equipment_id": parties["machine"], "priority": "P4",
                                                        "fault": "隔离测试"}).json()["ticket"]["id"]
    pid = f_.post(f"/api/v1/maintenance/tickets/{tid}/photos", files={"photo": ("a.png", PNG, "image/png")}).json()["photo_id"]
    values = {"ticket_id": tid, "equipment_id": parties["machine"], "photo_id": pid, "action": "assign"}
    routes = sorted({(m, r.path) for r in api_routes(create_app().routes) for m in r.methods
                     if "maintenance" in r.path and ("{ticket_id}" in r.path or "{equipment_id}" in r.path) and m != "HEAD"})
    assert len(routes) >= 12
    for who in ("Q", "G"):
        c: TestClient = parties[who]
        for method, path in routes:
            url = fill(path, values)
            assert url is not None
            kwargs: dict[str, Any] = {}
            if path.endswith("/photos"):
                kwargs["files"] = {"photo": ("a.png", PNG, "image/png")}
            elif method == "POST" and path.startswith("/api/"):
                kwargs["json"] = {"technician": "x", "note": "x"}
            elif method == "POST":
                kwargs["data"] = {"technician": "x", "note": "x"}
            resp = c.request(method, url, **kwargs)
            assert resp.status_code == 404, (who, method, path, resp.status_code)
            assert parties["f"] not in resp.text and "隔离测试" not in resp.text
        for url in ("/maintenance?format=json", "/api/v1/maintenance/tickets", "/api/v1/maintenance/equipment",
                    "/api/v1/maintenance/alerts", "/maintenance/providers?format=json", "/maintenance?format=csv&table=tickets"):
            text = c.get(url).text
            assert "隔离测试" not in text and parties["machine"] not in text and parties["f"] not in text, (who, url)
        opened = c.post("/api/v1/maintenance/tickets", json={"equipment_id": parties["machine"], "priority": "P4", "fault": "x 故障"})
        assert opened.status_code == 404
    # the ticket is untouched and the firm still sees it
    assert f_.get(f"/api/v1/maintenance/tickets/{tid}").json()["ticket"]["state"] == "open"
    assert parties["P"].get(f"/api/v1/maintenance/tickets/{tid}").status_code == 200
    officials = TestClient(create_app())
    assert officials.get("/maintenance").status_code == 401  # signed-in accounts only
