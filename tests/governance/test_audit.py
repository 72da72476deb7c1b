"""The audit chain detects alteration, deletion, reordering and truncation; reads and writes are recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select, update
from typer.testing import CliRunner

from chainatlas import db
from chainatlas.cli import app as cli
from chainatlas.governance import audit
from chainatlas.web.app import create_app


@pytest.fixture()
def chained(engine: Engine) -> Engine:
    for i in range(5):
        audit.record(engine, actor=f"u{i}", role="analyst", action="GET /api/v1/enterprises", params={"page": i}, rows=i)
    assert audit.verify(engine).ok
    return engine


def test_altered_record_is_named(chained: Engine) -> None:
    with chained.begin() as conn:
        conn.execute(update(db.audit_log).where(db.audit_log.c.id == 3).values(actor="someone-else"))
    v = audit.verify(chained)
    assert not v.ok and v.first_broken == 3 and "altered" in v.reason


def test_deleted_record_is_named(chained: Engine) -> None:
    with chained.begin() as conn:
        conn.execute(delete(db.audit_log).where(db.audit_log.c.id == 2))
    v = audit.verify(chained)
    assert not v.ok and v.first_broken == 3


def test_reordered_records_are_caught(chained: Engine) -> None:
    with chained.begin() as conn:
        rows = {r.id: dict(r._mapping) for r in conn.execute(select(db.audit_log).where(db.audit_log.c.id.in_([2, 4])))}
        for a, b in ((2, 4), (4, 2)):
            vals = {k: v for k, v in rows[b].items() if k != "id"}
            conn.execute(update(db.audit_log).where(db.audit_log.c.id == a).values(**vals))
    v = audit.verify(chained)
    assert not v.ok and v.first_broken == 2


def test_truncated_tail_is_caught(chained: Engine) -> None:
    with chained.begin() as conn:
        conn.execute(delete(db.audit_log).where(db.audit_log.c.id >= 4))
    v = audit.verify(chained)
    assert not v.ok and "truncated" in v.reason


def test_cli_verify_exits_nonzero_on_tampering(chained: Engine, tmp_path: Path) -> None:
    url = chained.url.render_as_string(hide_password=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", url, "audit", "verify"]).exit_code == 0
    out = tmp_path / "a.jsonl"
    assert runner.invoke(cli, ["--db", url, "audit", "export", "-o", str(out)]).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    with chained.begin() as conn:
        conn.execute(update(db.audit_log).where(db.audit_log.c.id == 4).values(rows=999))
    res = runner.invoke(cli, ["--db", url, "audit", "verify"])
    assert res.exit_code == 1 and "4" in res.output


def test_reads_of_non_public_data_and_denials_are_recorded(demo_engine: Engine, admin_token: str) -> None:
    client = TestClient(create_app())
    with demo_engine.connect() as conn:
        before = conn.execute(select(db.audit_log.c.id).order_by(db.audit_log.c.id.desc()).limit(1)).scalar() or 0
    client.get("/api/v1/enterprises", params={"region": "410105", "purpose": "链长办季度分析"},
               headers={"Authorization": f"Bearer {admin_token}"})
    client.get("/api/v1/enterprises")  # public: denied, recorded
    client.get("/api/v1/overview")  # public material: not recorded
    with demo_engine.connect() as conn:
        new = conn.execute(select(db.audit_log).where(db.audit_log.c.id > before).order_by(db.audit_log.c.id)).mappings().all()
    assert [(r["actor"], r["action"], r["outcome"]) for r in new] == [
        ("admin", "GET /api/v1/enterprises", "ok"), ("public", "GET /api/v1/enterprises", "denied")]
    assert new[0]["purpose"] == "链长办季度分析" and '"region": "410105"' in new[0]["params"]
    assert audit.verify(demo_engine).ok


def test_row_counts_and_the_owners_view(demo_engine: Engine, admin_token: str) -> None:
    from chainatlas.governance.principals import add_user, issue_token

    client = TestClient(create_app())
    h = {"Authorization": f"Bearer {admin_token}"}
    client.get("/api/v1/enterprises", params={"per_page": 7, "purpose": "抽样核对"}, headers=h)
    client.get("/api/v1/supply-links", params={"per_page": 4}, headers=h)
    with demo_engine.connect() as conn:
        last = conn.execute(select(db.audit_log).order_by(db.audit_log.c.id.desc()).limit(2)).mappings().all()
    assert [(r["dataset"], r["rows"]) for r in reversed(last)] == [("enterprises", 7), ("supply_links", 4)]
    add_user(demo_engine, "audit-tax", "department", department="tax")
    tax = {"Authorization": f"Bearer {issue_token(demo_engine, 'audit-tax')}"}
    seen = client.get("/api/v1/audit", headers=tax).json()
    assert seen["verified"] and seen["records"]
    assert {r["dataset"] for r in seen["records"]} <= {"supply_links", "transactions"}  # who read the tax office's data
    assert client.get("/api/v1/audit", headers=h).json()["records"][-1]["dataset"] is not None
