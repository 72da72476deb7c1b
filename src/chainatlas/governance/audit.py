"""A tamper-evident audit log: append-only, each record carrying the hash of the previous one.

hash_n = SHA-256(prev_hash ‖ canonical JSON of record n without its hashes); the first record's prev_hash is 64
zeros. Altering, deleting or reordering any record breaks every later link; truncating the tail is caught by the
head file (``<data_dir>/audit.head``) that stores the latest id and hash outside the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.settings import get_settings

GENESIS = "0" * 64
FIELDS = ("id", "ts", "actor", "role", "action", "purpose", "grant_id", "dataset", "params", "rows", "outcome")
_lock = threading.Lock()


def _digest(prev: str, record: dict[str, Any]) -> str:
    body = json.dumps({k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in record.items() if k in FIELDS},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode()).hexdigest()


def _head_file(engine: Engine) -> Path:
    name = hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return get_settings().data_dir / f"audit-{name}.head"


def record(engine: Engine, *, actor: str, role: str, action: str, params: dict[str, Any] | None = None,
           outcome: str = "ok", rows: int | None = None, purpose: str | None = None, grant_id: int | None = None,
           dataset: str | None = None) -> int:
    """Append one record (serialised: the chain has one head)."""
    a = db.audit_log
    with _lock, engine.begin() as conn:
        last = conn.execute(select(a.c.id, a.c.hash).order_by(a.c.id.desc()).limit(1)).first()
        prev = last.hash if last else GENESIS
        new_id = (int(last.id) + 1) if last else 1
        rec: dict[str, Any] = {"id": new_id, "ts": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
               "actor": actor, "role": role, "action": action[:200], "purpose": purpose, "grant_id": grant_id,
               "dataset": dataset, "params": json.dumps(params or {}, ensure_ascii=False, sort_keys=True, default=str),
               "rows": rows, "outcome": outcome}
        h = _digest(prev, rec)
        conn.execute(a.insert().values(**rec, prev_hash=prev, hash=h))
    head = _head_file(engine)
    head.parent.mkdir(parents=True, exist_ok=True)
    head.write_text(json.dumps({"id": new_id, "hash": h}), encoding="utf-8")
    return new_id


@dataclass
class Verdict:
    ok: bool
    records: int
    first_broken: int | None = None
    reason: str = ""


def verify(engine: Engine) -> Verdict:
    """Walk the chain; name the first record that was altered, deleted, inserted or reordered, or a lost tail."""
    prev, n, expected_id = GENESIS, 0, 1
    for rec in iter_records(engine):
        n += 1
        if rec["id"] != expected_id:
            return Verdict(False, n, rec["id"], f"record {expected_id} is missing or out of order")
        if rec["prev_hash"] != prev:
            return Verdict(False, n, rec["id"], "prev_hash does not match the previous record (deleted or reordered)")
        if _digest(prev, rec) != rec["hash"]:
            return Verdict(False, n, rec["id"], "record content does not match its hash (altered)")
        prev, expected_id = rec["hash"], expected_id + 1
    head = _head_file(engine)
    if head.exists():
        h = json.loads(head.read_text(encoding="utf-8"))
        if h["id"] >= expected_id or (h["id"] == expected_id - 1 and h["hash"] != prev):
            return Verdict(False, n, expected_id if h["id"] >= expected_id else h["id"],
                           f"the log ends before the last record written (id {h['id']}): truncated")
    return Verdict(True, n)


def iter_records(engine: Engine, start: dt.datetime | None = None, end: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    a = db.audit_log
    stmt = select(a).order_by(a.c.id)
    if start:
        stmt = stmt.where(a.c.ts >= start)
    if end:
        stmt = stmt.where(a.c.ts < end)
    with engine.connect() as conn:
        for r in conn.execute(stmt).mappings():
            yield dict(r)
