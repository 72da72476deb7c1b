"""A tamper-evident audit log: append-only, each record carrying the hash of the previous one.

hash_n = SHA-256(prev_hash ‖ canonical JSON of record n without its hashes); the first record's prev_hash is 64
zeros. Altering, deleting or reordering any record breaks every later link. What the chain alone cannot show —
a removed tail, or a whole log rewritten with fresh hashes — is caught against copies kept outside the database:

- the **head** (``<audit_head_dir>/audit-<instance>.head``: instance, id, hash, time of the newest record), bound to
  the database *instance* (a random id made once, table ``db_instance``), not to its URL. Every append first checks
  the database's tail against the head and refuses — and alerts the checkpoint sink — when they disagree, so a
  truncation cannot be hidden by the next write; a missing head while records exist is refused too;
- **checkpoints** ``{instance, id, hash, time}`` every ``audit_checkpoint_every`` records (and on demand) to a sink
  a department keeps: a file on another volume, syslog, or a webhook. ``verify(…, checkpoints=FILE)`` proves a
  truncation or rewrite against that outside copy.

A deliberate restore (a backup put back) is acknowledged with :func:`reanchor`, which appends a record naming the
old head and the reason, and moves the head; nothing else moves a head backwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from chainatlas import db
from chainatlas.clock import utc_iso, utcnow
from chainatlas.messages import BilingualError
from chainatlas.settings import get_settings

GENESIS = "0" * 64
FIELDS = ("id", "ts", "actor", "role", "action", "purpose", "grant_id", "dataset", "params", "rows", "outcome")
REANCHOR = "audit re-anchor"
_lock = threading.Lock()
log = logging.getLogger("chainatlas.audit")


class AuditIntegrityError(BilingualError):
    """The database's audit tail does not continue the head kept outside it: nothing more is appended until an
    administrator looks (``chainatlas audit verify``) and, after a deliberate restore, re-anchors."""


def _digest(prev: str, record: dict[str, Any]) -> str:
    body = json.dumps({k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in record.items() if k in FIELDS},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode()).hexdigest()


def instance_id(conn: Connection) -> str:
    """The database instance's id (made once by migration 0011; kept by copies and backups of the database)."""
    value = conn.execute(select(db.db_instance.c.value).where(db.db_instance.c.key == "instance_id")).scalar()
    if value is None:
        raise AuditIntegrityError("数据库缺少实例标识（db_instance）", "the database has no instance id (db_instance)")
    return str(value)


def _head_dir() -> Path:
    s = get_settings()
    return s.audit_head_dir or s.data_dir


def head_path(instance: str) -> Path:
    """Where the head of ``instance``'s audit log is kept."""
    return _head_dir() / f"audit-{instance}.head"


def _legacy_head(engine: Engine) -> Path:
    """Before heads were bound to the instance they were named by the database URL; read once, then replaced."""
    return get_settings().data_dir / f"audit-{location(engine)}.head"


def read_head(engine: Engine, instance: str) -> dict[str, Any] | None:
    """The head kept for ``instance`` (or the legacy URL-named one), None when there is none."""
    for path, legacy in ((head_path(instance), False), (_legacy_head(engine), True)):
        if path.exists():
            head = json.loads(path.read_text(encoding="utf-8"))
            if legacy:  # it names no instance; it is replaced by the instance's own head at the next append
                head |= {"instance": instance, "legacy": True}
            return dict(head)
    return None


def location(engine: Engine) -> str:
    """Where a database is reached from (a digest of its URL): not what binds the head — the instance id does — but
    what tells a copy of the database at another location apart from an older state of the same one."""
    return hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:12]


def _write_head(engine: Engine, instance: str, rec_id: int, h: str) -> None:
    path = head_path(instance)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"instance": instance, "id": rec_id, "hash": h, "location": location(engine),
                               "time": utc_iso()}), encoding="utf-8")
    tmp.replace(path)  # atomic: a crash leaves the old head or the new one, never half of one


@contextlib.contextmanager
def _appending() -> Iterator[None]:
    """One appender at a time, across threads and across processes (the CLI beside the server): a lock file in the
    head folder, so that the instance, the tail and the head are read in the append's own transaction."""
    lock = _head_dir() / "audit.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with _lock, lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def tail_problem(last: Any, head: dict[str, Any] | None, instance: str, here: str = "") -> tuple[str, str] | None:
    """Why the database's last record (``last``: id, hash or None) does not continue ``head`` (zh, en), or None;
    ``here`` is this database's :func:`location`."""
    tail_id, tail_hash = (int(last.id), str(last.hash)) if last is not None else (0, GENESIS)
    elsewhere = bool(head and here and head.get("location") not in (None, here))
    copy_zh, copy_en = ("审计头最后由位于其他位置的本库副本写入：两个副本已分叉，请只保留一个并重新锚定",
                        "the head was last moved by a copy of this database at another location: the two copies have "
                        "forked — keep one, and re-anchor it (`chainatlas audit reanchor --reason …`)")
    if head is None:
        if tail_id == 0:
            return None
        return ("审计头文件缺失：无法证明日志末尾完整（若为有意恢复，请运行 chainatlas audit reanchor）",
                f"the audit head file is missing while the log holds {tail_id} records: the tail cannot be proven "
                "(after a deliberate restore run `chainatlas audit reanchor --reason …`)")
    if head.get("instance") != instance:
        return (f"审计头文件属于另一个数据库实例（{head.get('instance')}），不是本库（{instance}）",
                f"the audit head belongs to database instance {head.get('instance')}, not to this one ({instance})")
    if elsewhere and (head["id"] > tail_id or head["hash"] != tail_hash):
        return copy_zh, copy_en
    if head["id"] > tail_id:
        return (f"审计日志在第 {tail_id} 条结束，但最后写入的是第 {head['id']} 条：末尾记录被删除，或恢复了旧备份"
                "（若为有意恢复，请运行 chainatlas audit reanchor）",
                f"truncated: the log ends at record {tail_id} but record {head['id']} was the last one written: its tail was "
                "deleted, or an older backup of this database was restored (after a deliberate restore run "
                "`chainatlas audit reanchor --reason …`)")
    if head["id"] == tail_id and head["hash"] != tail_hash:
        return (f"第 {tail_id} 条记录与审计头不一致：本库是另一副本（已分叉），或记录被整体改写",
                f"record {tail_id} differs from the head: this database is a copy that was written to separately "
                "(forked), or the log was rewritten")
    if head["id"] < tail_id:
        return (f"第 {head['id'] + 1}–{tail_id} 条记录写入时未更新审计头（在别处写入或被插入）",
                f"records {head['id'] + 1}–{tail_id} were added without moving the head (written elsewhere, or forged)")
    return None


def _append(conn: Connection, rec: dict[str, Any], prev: str) -> str:
    h = _digest(prev, rec)
    conn.execute(db.audit_log.insert().values(**rec, prev_hash=prev, hash=h))
    return h




def _tail(conn: Connection) -> Any:
    """The last record's id and hash (None for an empty log)."""
    a = db.audit_log
    return conn.execute(select(a.c.id, a.c.hash).order_by(a.c.id.desc()).limit(1)).first()


def _chain(engine: Engine, fields: Callable[[Any, dict[str, Any] | None, tuple[str, str] | None], dict[str, Any]],
           *, enforce: bool = True) -> int:
    """Append one record, built by ``fields(tail, head, problem)``, under the append lock; move the head. With
    ``enforce`` a tail that does not continue the head is refused (and alerted) instead."""
    with _appending():
        with engine.begin() as conn:
            instance = instance_id(conn)
            last = _tail(conn)
            head = read_head(engine, instance)
            problem = tail_problem(last, head, instance, location(engine))
            if problem and enforce:
                alert(instance, problem, last)
                raise AuditIntegrityError(*problem)
            new_id = (int(last.id) + 1) if last else 1
            h = _append(conn, {"id": new_id, "ts": utcnow(seconds=True), **fields(last, head, problem)}, last.hash if last else GENESIS)
        _write_head(engine, instance, new_id, h)
        if head and head.get("legacy"):
            _legacy_head(engine).unlink(missing_ok=True)
    return new_id


def record(engine: Engine, *, actor: str, role: str, action: str, params: dict[str, Any] | None = None,
           outcome: str = "ok", rows: int | None = None, purpose: str | None = None, grant_id: int | None = None,
           dataset: str | None = None) -> int:
    """Append one record after checking that the database's tail continues the head; raise
    :class:`AuditIntegrityError` (and alert the checkpoint sink) when it does not."""
    new_id = _chain(engine, lambda *_: {
        "actor": actor, "role": role, "action": action[:200], "purpose": purpose, "grant_id": grant_id,
        "dataset": dataset, "outcome": outcome, "rows": rows,
        "params": json.dumps(params or {}, ensure_ascii=False, sort_keys=True, default=str)})
    if new_id % get_settings().audit_checkpoint_every == 0:
        checkpoint(engine)
    return new_id


def check(engine: Engine) -> None:
    """Raise :class:`AuditIntegrityError` when the next append would be refused (routes call this before they act,
    so that nothing is done that could not be recorded)."""
    with engine.connect() as conn:
        instance = instance_id(conn)
        last = _tail(conn)
    problem = tail_problem(last, read_head(engine, instance), instance, location(engine))
    if problem:
        raise AuditIntegrityError(*problem)


def reanchor(engine: Engine, *, actor: str, reason: str) -> int:
    """Acknowledge the database's present tail (after a deliberate restore, say): append a record naming the old
    head, the tail found and the reason, then move the head there. Audited like any other action."""
    if not reason.strip():
        raise ValueError("a reason is required / 须说明原因")

    def fields(last: Any, old: dict[str, Any] | None, problem: tuple[str, str] | None) -> dict[str, Any]:
        params = {"reason": reason, "previous_head": old, "problem": problem[1] if problem else None,
                  "tail": {"id": int(last.id), "hash": last.hash} if last else None}
        return {"actor": actor, "role": "admin", "action": REANCHOR, "purpose": None, "grant_id": None,
                "dataset": "audit", "rows": None, "outcome": "ok",
                "params": json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)}

    new_id = _chain(engine, fields, enforce=False)
    checkpoint(engine)
    return new_id


# ---- the outside copy: checkpoints and alerts ----------------------------------------------------------------------

def _emit(payload: dict[str, Any]) -> None:
    """Send one JSON object to the configured sink (none configured: only the server log)."""
    sink = get_settings().audit_checkpoint_sink
    line = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    log.warning(line) if payload.get("kind") == "alert" else log.info(line)
    if not sink:
        return
    if sink.startswith(("http://", "https://")):
        from chainatlas import webhooks

        webhooks.post(sink, line.encode(), {"Content-Type": "application/json"})
    elif sink.startswith("syslog:"):
        import logging.handlers

        where = sink.removeprefix("syslog:").removeprefix("//")
        address: str | tuple[str, int] = "/dev/log"
        if where:
            host, _, port = where.partition(":")
            address = (host, int(port or 514))
        handler = logging.handlers.SysLogHandler(address=address)
        try:
            handler.emit(logging.LogRecord("chainatlas.audit", logging.WARNING, __file__, 0, "chainatlas-audit " + line,
                                           None, None))
        finally:
            handler.close()
    else:
        path = Path(sink.removeprefix("file://"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            with contextlib.suppress(OSError):
                import os

                os.fsync(fh.fileno())


def checkpoint(engine: Engine) -> dict[str, Any] | None:
    """Write ``{kind: checkpoint, instance, id, hash, time}`` of the newest record to the sink; None for an empty log."""
    with engine.connect() as conn:
        instance = instance_id(conn)
        last = _tail(conn)
    if last is None:
        return None
    payload = {"kind": "checkpoint", "instance": instance, "id": int(last.id), "hash": last.hash,
               "time": utc_iso()}
    _emit(payload)
    return payload


def alert(instance: str, problem: tuple[str, str], last: Any) -> None:
    """Send an integrity alert to the checkpoint sink (and the server log)."""
    _emit({"kind": "alert", "instance": instance, "tail_id": int(last.id) if last else 0, "zh": problem[0],
           "en": problem[1], "time": utc_iso()})


def read_checkpoints(path: Path, instance: str) -> list[dict[str, Any]]:
    """The checkpoints of ``instance`` in a JSON Lines file written by the file sink (or collected from syslog)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        start = line.find("{")
        if start < 0:
            continue
        with contextlib.suppress(ValueError):
            item = json.loads(line[start:])
            if item.get("kind") == "checkpoint" and item.get("instance") == instance:
                out.append(item)
    return out


# ---- verification ---------------------------------------------------------------------------------------------------

@dataclass
class Verdict:
    ok: bool
    records: int
    first_broken: int | None = None
    reason: str = ""
    reason_zh: str = ""
    instance: str = ""
    checkpoints: int = 0
    superseded: int = 0  # outside checkpoints of a branch given up by a recorded re-anchor


def verify(engine: Engine, checkpoints: Path | None = None) -> Verdict:
    """Walk the chain; name the first record that was altered, deleted, inserted or reordered; then compare the tail
    with the head, and every record with the outside checkpoints given."""
    try:
        with engine.connect() as conn:
            instance = instance_id(conn)
    except DBAPIError:
        from chainatlas.migrate import NotInitialised

        raise NotInitialised(None) from None
    prev, n, expected_id = GENESIS, 0, 1
    hashes: dict[int, str] = {}
    marks = read_checkpoints(checkpoints, instance) if checkpoints else []
    wanted = {int(c["id"]) for c in marks}
    reanchored: list[dt.datetime] = []
    for rec in iter_records(engine):
        n += 1
        if rec["id"] != expected_id:
            return Verdict(False, n, rec["id"], f"record {expected_id} is missing or out of order",
                           f"第 {expected_id} 条记录缺失或顺序被改", instance)
        if rec["prev_hash"] != prev:
            return Verdict(False, n, rec["id"], "prev_hash does not match the previous record (deleted or reordered)",
                           "prev_hash 与前一条不符（被删除或重排）", instance)
        if _digest(prev, rec) != rec["hash"]:
            return Verdict(False, n, rec["id"], "record content does not match its hash (altered)",
                           "记录内容与其哈希不符（被篡改）", instance)
        if rec["id"] in wanted:
            hashes[rec["id"]] = rec["hash"]
        if rec["action"] == REANCHOR:
            reanchored.append(rec["ts"])
        prev, expected_id = rec["hash"], expected_id + 1
    superseded = 0
    for c in sorted(marks, key=lambda c: (int(c["id"]), str(c.get("time")))):
        cid = int(c["id"])
        if hashes.get(cid) == c["hash"]:
            continue
        when = dt.datetime.fromisoformat(str(c["time"])).astimezone(dt.UTC).replace(tzinfo=None)
        if any(when <= t for t in reanchored):  # on a branch a later, recorded re-anchor gave up
            superseded += 1
            continue
        if cid >= expected_id:
            return Verdict(False, n, cid, f"truncated: checkpoint {cid} ({c.get('time')}) is beyond the log's end "
                           f"({expected_id - 1})", f"外部检查点 {cid} 超出日志末尾（{expected_id - 1}）：日志被截断",
                           instance, len(marks))
        return Verdict(False, n, cid, f"record {cid} differs from the outside checkpoint of {c.get('time')}: the log "
                       "was rewritten", f"第 {cid} 条与外部检查点不符：日志被改写", instance, len(marks))
    tail = SimpleNamespace(id=expected_id - 1, hash=prev) if n else None
    problem = tail_problem(tail, read_head(engine, instance), instance, location(engine))
    if problem:
        return Verdict(False, n, expected_id - 1 if n else None, problem[1], problem[0], instance, len(marks))
    return Verdict(True, n, instance=instance, checkpoints=len(marks), superseded=superseded)


def iter_records(engine: Engine, start: dt.datetime | None = None, end: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    """The audit records in order, optionally between two times."""
    a = db.audit_log
    stmt = select(a).order_by(a.c.id)
    if start:
        stmt = stmt.where(a.c.ts >= start)
    if end:
        stmt = stmt.where(a.c.ts < end)
    with engine.connect() as conn:
        for r in conn.execute(stmt).mappings():
            yield dict(r)
