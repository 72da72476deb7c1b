"""Background jobs (chainatlas.jobs): progress and result recorded, failures kept with their message, the
completion hook, the newest job for the same parameters, and a job whose worker is gone reported as failed."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine, update

from chainatlas import db, jobs


def test_a_job_records_progress_and_result(engine: Engine) -> None:
    def work(progress: jobs.Progress) -> dict[str, int]:
        for i in range(1, 4):
            progress(i, 3)
        return {"answer": 42}

    job_id = jobs.submit(engine, "test.sum", {"n": 3}, "tester", work)
    done = jobs.wait(engine, job_id)
    assert done is not None and done["status"] == "done" and done["result"] == {"answer": 42}
    assert (done["done"], done["total"], done["percent"]) == (3, 3, 100.0) and done["finished_at"] is not None
    assert jobs.latest(engine, "test.sum", {"n": 3})["id"] == job_id  # type: ignore[index]
    assert jobs.latest(engine, "test.sum", {"n": 4}) is None


def test_a_failing_job_keeps_its_message(engine: Engine) -> None:
    def work(progress: jobs.Progress) -> None:
        raise ValueError("没有数据 / no data")

    job_id = jobs.submit(engine, "test.fail", {}, "tester", work)
    failed = jobs.wait(engine, job_id)
    assert failed is not None and failed["status"] == "failed" and "no data" in failed["message"]


def test_wait_returns_when_the_job_ends_not_before(engine: Engine) -> None:
    release = threading.Event()

    def work(progress: jobs.Progress) -> str:
        release.wait(5)
        return "ok"

    job_id = jobs.submit(engine, "test.block", {}, "tester", work)
    assert jobs.get(engine, job_id)["status"] in ("queued", "running")  # type: ignore[index]
    threading.Timer(0.2, release.set).start()
    assert jobs.wait(engine, job_id)["result"] == "ok"  # type: ignore[index]


def test_a_job_without_a_worker_is_reported_failed(engine: Engine) -> None:
    job_id = jobs.create(engine, "test.orphan", {}, "tester")
    with engine.begin() as conn:  # as if the process that ran it stopped long ago
        conn.execute(update(db.job).where(db.job.c.id == job_id).values(
            status="running", created_at=dt.datetime(2020, 1, 1)))
    orphan = jobs.get(engine, job_id)
    assert orphan is not None and orphan["status"] == "failed" and "stopped" in orphan["message"]
    assert jobs.wait(engine, job_id)["status"] == "failed"  # type: ignore[index]  # not started here: as it stands


def test_unknown_job(engine: Engine) -> None:
    assert jobs.get(engine, 999_999) is None and jobs.wait(engine, 999_999) is None
