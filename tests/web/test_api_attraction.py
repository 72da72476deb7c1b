"""招商跟踪 through the API and the pages (``web/api_attraction.py``, ``web/pages_attraction.py``): a project opened
from the target list, progress recorded, the board and its exports, "if landed" — and enterprises, departments and
the public kept out."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.governance.principals import add_user, issue_token
from chainatlas.web.app import create_app


def test_from_target_to_signed_with_the_board(demo_copy: Engine, admin_token: str) -> None:
    client = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    target = client.get("/api/v1/chains/nev/targets", params={"segment": "nev.auto_chip", "top": 1}).json()["items"][0]
    made = client.post("/api/v1/attraction/projects", json={
        "chain_id": "nev", "target_uscc": target["uscc"], "target_name": target["name"], "segment_code": "nev.auto_chip",
        "officer": "zhang", "expected_investment_yuan": 2e8, "expected_jobs": 120, "next_action_on": "2026-01-05",
        "source": {"from": "targets", "rank": 1, "score": target["score"]}})
    assert made.status_code == 200, made.text
    pid = made.json()["id"]
    assert client.post("/api/v1/attraction/projects", json={"chain_id": "nev", "target_uscc": target["uscc"],
                                                            "target_name": "again"}).status_code == 422
    step = client.post(f"/api/v1/attraction/projects/{pid}/events", json={
        "stage_to": "visit", "note": "实地考察", "attachments": ["考察纪要.docx"],
        "next_action_on": "2030-01-01"})
    assert step.status_code == 200 and step.json()["stage"] == "visit"
    back = client.post(f"/api/v1/attraction/projects/{pid}/events", json={"stage_to": "contact"})
    assert back.status_code == 422 and "只能前进" in back.json()["detail"]
    got = client.get(f"/api/v1/attraction/projects/{pid}").json()
    assert [e["stage_to"] for e in got["events"]] == ["lead", "visit"] and got["events"][1]["attachments"] == ["考察纪要.docx"]
    landed = got["if_landed"]
    assert landed["before"]["status"] == "missing" and landed["after"]["local_enterprises"] == 1
    board = client.get("/api/v1/attraction/board", params={"chain": "nev"}).json()
    assert next(c for c in board["columns"] if c["stage"] == "visit")["count"] == 1 and not board["overdue"]
    assert client.get("/attraction?format=json").json()["total"] == 1
    csv = client.get("/attraction", params={"format": "csv", "table": "projects"})
    assert csv.status_code == 200 and target["uscc"].encode() in csv.content
    assert client.get(f"/attraction/projects/{pid}", params={"format": "xlsx", "table": "events"}).status_code == 200
    page = client.get(f"/attraction/projects/{pid}")
    assert page.status_code == 200 and "落地后" in page.text and "考察" in page.text
    assert client.get("/api/v1/attraction/projects/999999").status_code == 404


def test_only_analysts_see_attraction(demo_copy: Engine) -> None:
    with demo_copy.connect() as conn:
        firm = conn.execute(select(db.enterprise.c.uscc).order_by(db.enterprise.c.uscc).limit(1)).scalar_one()
    add_user(demo_copy, "firm", "enterprise", password="firm-pass-1", enterprise=firm)
    add_user(demo_copy, "tax-user", "department", password="tax-pass-1", department="tax")
    add_user(demo_copy, "officer", "analyst", password="officer-pass-1")
    for name, status in (("firm", 403), ("tax-user", 403), ("officer", 200)):
        c = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(demo_copy, name)}"})
        assert c.get("/api/v1/attraction/board").status_code == status, name
        assert c.get("/attraction", headers={"accept": "application/json"}).status_code == status, name
    anon = TestClient(create_app())
    assert anon.get("/api/v1/attraction/projects").status_code == 401
    officer = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(demo_copy, 'officer')}"})
    made = officer.post("/api/v1/attraction/projects", json={"chain_id": "nev", "target_name": "展会线索（示例）"}).json()
    assert made["officer"] == "officer" and made["created_by"] == "officer"  # assigned to the caller by default
