"""The audit log against copies kept outside the database: a truncation is not hidden by the next write, a missing
head is not taken for an empty one, a restored backup and a copied file are named as such, a deliberate restore is
re-anchored, and periodic checkpoints in an outside sink prove truncations and rewrites."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select, update
from typer.testing import CliRunner

from chainatlas import db
from chainatlas.bootstrap import init_database
from chainatlas.cli import app as cli
from chainatlas.governance import audit
from chainatlas.settings import get_settings

runner = CliRunner()


@pytest.fixture()
def sink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Checkpoints every 2 records to a file "on another volume" (a folder of its own here)."""
    path = tmp_path / "other-volume" / "audit-checkpoints.jsonl"
    monkeypatch.setenv("CHAINATLAS_AUDIT_CHECKPOINT_SINK", str(path))
    monkeypatch.setenv("CHAINATLAS_AUDIT_CHECKPOINT_EVERY", "2")
    get_settings.cache_clear()
    yield path
    monkeypatch.undo()
    get_settings.cache_clear()


def _fill(engine: Engine, n: int = 5) -> None:
    for i in range(n):
        audit.record(engine, actor=f"u{i}", role="analyst", action="GET /api/v1/enterprises", params={"page": i})


def _truncate(engine: Engine, from_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(db.audit_log).where(db.audit_log.c.id >= from_id))


def _instance(engine: Engine) -> str:
    with engine.connect() as conn:
        return audit.instance_id(conn)


def test_a_truncation_is_not_hidden_by_the_next_write(engine: Engine, sink: Path) -> None:
    _fill(engine)
    _truncate(engine, 4)
    with pytest.raises(audit.AuditIntegrityError, match="truncated"):
        audit.record(engine, actor="x", role="admin", action="POST /import")
    v = audit.verify(engine)
    assert not v.ok and "truncated" in v.reason and "截断" not in v.reason and v.reason_zh
    with engine.connect() as conn:
        assert conn.execute(select(db.audit_log.c.id).order_by(db.audit_log.c.id.desc())).scalar() == 3  # nothing appended
    alerts = [json.loads(line) for line in sink.read_text(encoding="utf-8").splitlines() if '"alert"' in line]
    assert alerts and alerts[-1]["tail_id"] == 3 and "truncated" in alerts[-1]["en"]


def test_a_deleted_head_file_is_not_an_empty_log(engine: Engine) -> None:
    _fill(engine, 3)
    audit.head_path(_instance(engine)).unlink()
    v = audit.verify(engine)
    assert not v.ok and "head file is missing" in v.reason
    with pytest.raises(audit.AuditIntegrityError, match="missing"):
        audit.record(engine, actor="x", role="admin", action="POST /import")
    _truncate(engine, 2)  # and a truncation is still caught with the head gone
    assert not audit.verify(engine).ok


def test_the_head_is_bound_to_the_instance_not_the_url(engine: Engine, tmp_path: Path) -> None:
    _fill(engine, 3)
    head = json.loads(audit.head_path(_instance(engine)).read_text(encoding="utf-8"))
    assert head["instance"] == _instance(engine) and head["id"] == 3
    other = db.make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    init_database(other)
    assert _instance(other) != _instance(engine)
    assert audit.verify(other).ok and audit.verify(engine).ok  # each its own head


def test_a_copied_file_written_to_is_named_a_fork(engine: Engine, tmp_path: Path) -> None:
    _fill(engine, 3)
    src = Path(engine.url.database or "")
    engine.dispose()  # the last connection closed: SQLite folds its write-ahead log into the file
    copy = tmp_path / "copy.sqlite"
    shutil.copy(src, copy)
    copied = db.make_engine(f"sqlite:///{copy}")
    assert _instance(copied) == _instance(engine)
    audit.record(copied, actor="on-the-copy", role="admin", action="POST /import")  # the copy moves the shared head
    v = audit.verify(engine)
    assert not v.ok and "copy of this database at another location" in v.reason and "forked" in v.reason
    with pytest.raises(audit.AuditIntegrityError, match="forked"):
        audit.record(engine, actor="x", role="admin", action="POST /import")


def test_a_restored_backup_is_named_and_re_anchored(engine: Engine, tmp_path: Path, sink: Path) -> None:
    _fill(engine, 4)
    src = Path(engine.url.database or "")
    engine.dispose()
    backup = tmp_path / "backup.sqlite"
    shutil.copy(src, backup)
    _fill(engine, 3)  # records 5..7 after the backup
    engine.dispose()
    shutil.copy(backup, src)  # the backup is put back
    for suffix in ("-wal", "-shm"):
        Path(str(src) + suffix).unlink(missing_ok=True)
    v = audit.verify(engine)
    assert not v.ok and "older backup" in v.reason and v.first_broken == 4
    url = engine.url.render_as_string(hide_password=False)
    res = runner.invoke(cli, ["--db", url, "import", str(tmp_path / "none.csv")])
    assert res.exit_code == 3 and "audit" in res.output  # an audited command refuses before it acts
    res = runner.invoke(cli, ["--db", url, "audit", "reanchor", "--reason", "恢复 2026-11-30 备份 / restored backup"])
    assert res.exit_code == 0, res.output
    v = audit.verify(engine)
    assert v.ok and v.records == 5
    last = list(audit.iter_records(engine))[-1]
    params = json.loads(last["params"])
    assert last["action"] == audit.REANCHOR and params["previous_head"]["id"] == 7 and params["tail"]["id"] == 4
    assert "restored backup" in params["reason"]
    audit.record(engine, actor="x", role="admin", action="POST /import")  # appends work again
    assert audit.verify(engine).ok
    # the outside copy keeps what happened: checkpoint 6 of the lost branch, superseded by the recorded re-anchor
    v = audit.verify(engine, checkpoints=sink)
    assert v.ok and v.superseded == 1
    lost = [c for c in audit.read_checkpoints(sink, _instance(engine)) if c["id"] == 6]
    assert len(lost) == 2 and lost[0]["hash"] != lost[1]["hash"]


def test_checkpoints_prove_a_truncation_with_the_head_gone(engine: Engine, sink: Path) -> None:
    _fill(engine, 5)
    marks = audit.read_checkpoints(sink, _instance(engine))
    assert [c["id"] for c in marks] == [2, 4] and all(len(c["hash"]) == 64 and c["time"] for c in marks)
    assert audit.verify(engine, checkpoints=sink).ok
    _truncate(engine, 3)
    audit.head_path(_instance(engine)).unlink()
    v = audit.verify(engine, checkpoints=sink)
    assert not v.ok and v.first_broken == 4 and "truncated" in v.reason
    res = runner.invoke(cli, ["--db", engine.url.render_as_string(hide_password=False), "audit", "verify",
                              "--checkpoints", str(sink)])
    assert res.exit_code == 1 and "truncated" in res.output


def test_checkpoints_prove_a_rewrite_the_chain_cannot_show(engine: Engine, sink: Path) -> None:
    _fill(engine, 5)
    records = list(audit.iter_records(engine))
    prev = audit.GENESIS
    with engine.begin() as conn:  # every record rewritten with fresh, self-consistent hashes, and a new head
        for r in records:
            h = audit._digest(prev, {**r, "actor": "rewritten"})
            conn.execute(update(db.audit_log).where(db.audit_log.c.id == r["id"]).values(actor="rewritten", prev_hash=prev, hash=h))
            prev = h
    audit._write_head(engine, _instance(engine), records[-1]["id"], prev)
    assert audit.verify(engine).ok  # the chain and the head alone cannot tell
    v = audit.verify(engine, checkpoints=sink)
    assert not v.ok and v.first_broken == 2 and "rewritten" in v.reason


def test_a_broken_chain_stops_audited_routes_before_they_act(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainatlas.governance.principals import add_user, issue_token
    from chainatlas.web.app import create_app

    monkeypatch.setenv("CHAINATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'web.sqlite'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    try:
        e = db.get_engine()
        init_database(e)
        add_user(e, "admin", "admin", password="anchor-test-pw")
        client = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(e, 'admin')}"})
        assert client.get("/api/v1/enterprises").status_code == 200
        _fill(e, 3)
        _truncate(e, 2)
        r = client.post("/api/v1/imports", files={"files": ("e.csv", b"uscc,name\n", "text/csv")})
        assert r.status_code == 503 and "truncated" in r.json()["detail"]
        assert client.get("/api/v1/enterprises").status_code == 503
        with e.connect() as conn:
            assert conn.execute(select(db.import_job.c.id)).first() is None  # the import did not run
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        db.get_engine.cache_clear()
