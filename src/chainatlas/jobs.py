"""Background jobs with progress (后台任务): long computations (REI of a chain, disruption scenarios) run in a
worker thread; their status, progress and result live in the ``job`` table so any page, API client or CLI can follow
them (``GET /api/v1/jobs/{id}``).

A job that was running when the process stopped stays ``running`` with no worker: :func:`get` reports it
``failed`` once its row has not moved for ``STALE_AFTER``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine, select, update

from chainatlas import db
from chainatlas.clock import utcnow

Progress = Callable[[int, int], None]
Work = Callable[[Progress], Any]
STALE_AFTER = dt.timedelta(hours=6)
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="chainatlas-job")
_alive: set[int] = set()
_running: dict[int, Future[None]] = {}  # jobs submitted by this process, until they end
_alive_lock = threading.Lock()




def create(engine: Engine, kind: str, params: dict[str, Any], actor: str) -> int:
    """Record a new job (status ``queued``); returns its id."""
    with engine.begin() as conn:
        res = conn.execute(db.job.insert().values(kind=kind, status="queued", done=0, total=None, params=json.dumps(
            params, ensure_ascii=False, default=str), created_by=actor, created_at=utcnow()))
        return int(res.inserted_primary_key[0])  # type: ignore[index]


def _set(engine: Engine, job_id: int, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(db.job).where(db.job.c.id == job_id).values(**values))


def run(engine: Engine, job_id: int, work: Work) -> Any:
    """Run ``work`` now, recording progress (at most twice a second) and the outcome; returns the result."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= 0.5 or done >= total:
            last[0] = time.monotonic()
            _set(engine, job_id, done=done, total=total)

    _set(engine, job_id, status="running")
    with _alive_lock:
        _alive.add(job_id)
    try:
        result = work(progress)
    except Exception as exc:  # the job's record is the place where failures are reported
        _set(engine, job_id, status="failed", message=str(exc)[:2000], finished_at=utcnow())
        raise
    finally:
        with _alive_lock:
            _alive.discard(job_id)
    _set(engine, job_id, status="done", result=json.dumps(result, ensure_ascii=False, default=str), finished_at=utcnow())
    return result


def submit(engine: Engine, kind: str, params: dict[str, Any], actor: str, work: Work) -> int:
    """Create the job and start it in a worker thread; returns its id at once."""
    job_id = create(engine, kind, params, actor)

    def background() -> None:
        with contextlib.suppress(Exception):  # recorded in the job row by run()
            run(engine, job_id, work)

    future = _pool.submit(background)
    with _alive_lock:
        _running[job_id] = future
    future.add_done_callback(lambda _f: _forget(job_id))
    return job_id


def _forget(job_id: int) -> None:
    with _alive_lock:
        _running.pop(job_id, None)


def wait(engine: Engine, job_id: int, timeout: float = 120) -> dict[str, Any] | None:
    """Wait until a job this process started has ended (its own completion, not polling), then its record — for the
    CLI and tests; a job started elsewhere is returned as it stands."""
    with _alive_lock:
        future = _running.get(job_id)
    if future is not None:
        future.result(timeout=timeout)
    return get(engine, job_id)


def get(engine: Engine, job_id: int, *, with_result: bool = True) -> dict[str, Any] | None:
    """A job's record: status, progress (``percent``), parameters and result; None when there is no such job."""
    with engine.connect() as conn:
        row = conn.execute(select(db.job).where(db.job.c.id == job_id)).mappings().first()
    if row is None:
        return None
    out = dict(row)
    out["params"] = json.loads(out["params"])
    out["result"] = json.loads(out["result"]) if with_result and out["result"] else None
    if out["status"] in ("queued", "running") and job_id not in _alive and utcnow() - out["created_at"] > STALE_AFTER:
        out["status"], out["message"] = "failed", "工作进程已停止 / the worker stopped before the job finished"
    out["percent"] = round(100 * out["done"] / out["total"], 1) if out["total"] else (100.0 if out["status"] == "done" else 0.0)
    return out


def latest(engine: Engine, kind: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The newest job of ``kind`` with exactly these parameters (for pages that show the last computation)."""
    key = json.dumps(params, ensure_ascii=False, default=str)
    with engine.connect() as conn:
        job_id = conn.execute(select(db.job.c.id).where(db.job.c.kind == kind, db.job.c.params == key)
                              .order_by(db.job.c.id.desc()).limit(1)).scalar()
    return None if job_id is None else get(engine, int(job_id))
