"""Shared fixtures. The test session uses its own data folder and SQLite file (set before the
settings are first read); PostgreSQL tests use CHAINATLAS_TEST_PG_URL in a schema of their own."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SESSION_DIR = Path(tempfile.mkdtemp(prefix="chainatlas-tests-"))
os.environ["CHAINATLAS_DATA_DIR"] = str(SESSION_DIR)
os.environ["CHAINATLAS_DATABASE_URL"] = f"sqlite:///{SESSION_DIR / 'demo.sqlite'}"
os.environ.setdefault("CHAINATLAS_HOME_REGION", "4101")

from sqlalchemy import Engine, text  # noqa: E402

from chainatlas import db  # noqa: E402
from chainatlas.bootstrap import init_database  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT / "artifacts"
PG_URL = os.environ.get("CHAINATLAS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture()
def engine(tmp_path: Path) -> Engine:
    """A fresh, initialised SQLite database."""
    e = db.make_engine(f"sqlite:///{tmp_path / 'test.sqlite'}")
    init_database(e)
    return e


@contextlib.contextmanager
def pg_schema(prefix: str = "t") -> Iterator[Engine]:
    """An engine on a new, empty PostgreSQL schema of the real server (dropped afterwards)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = db.make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    e = db.make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        yield e
    finally:
        e.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture()
def pg_engine() -> Iterator[Engine]:
    """A fresh, initialised PostgreSQL schema on the real server (dropped afterwards)."""
    with pg_schema() as e:
        init_database(e)
        yield e


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        e = db.make_engine(f"sqlite:///{tmp_path / 'any.sqlite'}")
        init_database(e)
        yield e
    else:
        yield request.getfixturevalue("pg_engine")


SLOW = ("tests/exchange/test_large_file.py", "tests/governance/test_fuzz.py", "tests/test_self_contained.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers from what a test uses, so that none can be forgotten: ``pg`` (the PostgreSQL fixtures), ``browser``
    (the Chromium fixtures), ``slow`` (the modules in SLOW). ``make test`` runs them all; for a quick local run:
    ``pytest -m "not slow and not browser"``; ``spark`` marks the tests on Spark (tests/batch)."""
    for item in items:
        path = str(item.path.relative_to(PROJECT)) if item.path.is_relative_to(PROJECT) else ""
        params = getattr(item, "callspec", None)
        fixtures = getattr(item, "fixturenames", ())
        if "pg_engine" in fixtures or (params is not None and params.params.get("any_engine") == "postgresql"):
            item.add_marker(pytest.mark.pg)
        if "page" in fixtures or "base_url" in fixtures:  # the Chromium fixtures of tests/web/conftest.py
            item.add_marker(pytest.mark.browser)
        if path in SLOW:
            item.add_marker(pytest.mark.slow)
        if path.startswith("tests/batch/") or "spark" in fixtures:
            item.add_marker(pytest.mark.spark)


ADMIN_PASSWORD = "admin-test-password"


@pytest.fixture(scope="session")
def demo_engine() -> Engine:
    """The session database with the demo city (scale s) loaded, as `make run` builds it, and an admin."""
    from chainatlas.demo.city import load_demo
    from chainatlas.governance.principals import add_user

    e = db.get_engine()
    init_database(e)
    report = load_demo("s", out_dir=SESSION_DIR / "demo-s", engine=e)
    assert report.ok, report.problems[:5]
    add_user(e, "admin", "admin", password=ADMIN_PASSWORD)
    return e


@pytest.fixture(scope="session")
def admin_token(demo_engine: Engine) -> str:
    from chainatlas.governance.principals import issue_token

    return issue_token(demo_engine, "admin", label="tests")


@pytest.fixture()
def demo_copy(demo_engine: Engine, admin_token: str, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the demo city of its own (SQLite's online backup) that the app and the CLI use for this test: a
    test that writes — captures, imports, placement changes — changes nothing another test reads."""
    import sqlite3

    from chainatlas.settings import get_settings

    copy = tmp_path / "demo-copy.sqlite"
    src = sqlite3.connect(str(SESSION_DIR / "demo.sqlite"))
    dst = sqlite3.connect(str(copy))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    # a copy is a fork of the audit log: it keeps its own head (copied), as a deliberate copy should
    heads = tmp_path / "heads"
    heads.mkdir()
    for head in SESSION_DIR.glob("audit-*.head"):
        (heads / head.name).write_bytes(head.read_bytes())
    old = os.environ["CHAINATLAS_DATABASE_URL"]
    os.environ["CHAINATLAS_DATABASE_URL"] = f"sqlite:///{copy}"
    os.environ["CHAINATLAS_AUDIT_HEAD_DIR"] = str(heads)
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    try:
        yield db.get_engine()
    finally:
        db.get_engine().dispose()
        os.environ["CHAINATLAS_DATABASE_URL"] = old
        del os.environ["CHAINATLAS_AUDIT_HEAD_DIR"]
        get_settings.cache_clear()
        db.get_engine.cache_clear()

