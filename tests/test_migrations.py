"""The migrated schema equals the declared metadata, on SQLite and PostgreSQL (no drift)."""

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from chainatlas import db
from chainatlas.bootstrap import init_database, table_counts
from chainatlas.migrate import current_revision, head_revision, upgrade
from tests.conftest import pg_schema


def test_migrations_match_metadata(any_engine: Engine) -> None:
    with any_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []
    assert current_revision(any_engine) == head_revision() == "0021"


def test_init_is_idempotent(any_engine: Engine) -> None:
    first = table_counts(any_engine, ("region", "industry", "segment"))
    assert init_database(any_engine)["region"] == first["region"]
    assert first["industry"] == 905 and first["segment"] == 85


@contextlib.contextmanager
def _blank(dialect: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database (no migration applied) of ``dialect``."""
    if dialect == "sqlite":
        yield db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    else:
        with pg_schema("m") as e:
            yield e


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_0020_moves_each_documents_context_to_its_capture(dialect: str, tmp_path: Path) -> None:
    """Events stored before 0020 carried their document's @context; after it, the capture holds it and queries
    still answer each event with its own document's context."""
    from chainatlas.trade import repository

    with _blank(dialect, tmp_path) as engine:
        upgrade(engine, "0019")
        ctx = [{"ex": "https://example.org/ns/"}]
        with engine.begin() as conn:
            for job, context in ((1, ctx), (2, [])):
                conn.execute(text("INSERT INTO epcis_capture (id, success, running, created_by, created_at, events, stored) "
                                  "VALUES (:id, true, false, 'test', '2026-12-01 00:00:00', 1, 1)"), {"id": job})
                conn.execute(text(
                    "INSERT INTO epcis_event (event_id, declaration, event_type, event_time, tz_offset, record_time, "
                    "capture_id, body, context) VALUES (:eid, false, 'ObjectEvent', '2026-12-01 00:00:00', '+08:00', "
                    "'2026-12-01 00:00:00', :job, :body, :ctx)"),
                    {"eid": f"ni:///sha-256;{job}", "job": job, "ctx": json.dumps(context),
                     "body": json.dumps({"type": "ObjectEvent", "eventTime": "2026-12-01T00:00:00Z", "ex:n": job})})
        upgrade(engine)
        with engine.connect() as conn:
            assert "context" not in {c["name"] for c in inspect(conn).get_columns("epcis_event")}
            moved = dict(conn.execute(text("SELECT id, context FROM epcis_capture ORDER BY id")).all())
        assert {k: json.loads(v) for k, v in moved.items()} == {1: ctx, 2: []}
        got = repository.query(engine, {"orderDirection": "ASC"})
        assert [e["ex:n"] for e in got["events"]] == [1, 2] and got["contexts"] == [ctx, []]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_0021_gives_the_side_rows_their_events_time(dialect: str, tmp_path: Path) -> None:
    """EPC and transaction rows stored before 0021 get their event's time, so lookups page in the index; a side row
    of no stored event is dropped (it answered no query)."""
    from chainatlas.trade import repository

    epc, bol = "https://id.gs1.org/00/106141412345678908", "urn:epcglobal:cbv:bt:0614141000005:BL-1"
    with _blank(dialect, tmp_path) as engine:
        upgrade(engine, "0020")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO epcis_capture (id, success, running, created_by, created_at, events, stored, "
                              "context) VALUES (1, true, false, 'test', '2026-12-01 00:00:00', 2, 2, '[]')"))
            for pk, day in ((1, "02"), (2, "01")):
                conn.execute(text(
                    "INSERT INTO epcis_event (id, event_id, declaration, event_type, event_time, tz_offset, record_time, "
                    "capture_id, body) VALUES (:pk, :eid, false, 'ObjectEvent', :t, '+08:00', '2026-12-03 00:00:00', 1, :body)"),
                    {"pk": pk, "eid": f"ni:///sha-256;{pk}", "t": f"2026-12-{day} 00:00:00",
                     "body": json.dumps({"type": "ObjectEvent", "eventTime": f"2026-12-{day}T00:00:00Z", "n": pk})})
            for pk in (1, 2, 9):  # 9: no such event
                conn.execute(text("INSERT INTO epcis_epc (event_pk, role, epc, canon) VALUES (:pk, 'epc', :e, :e)"),
                             {"pk": pk, "e": epc})
                conn.execute(text("INSERT INTO epcis_attr (event_pk, kind, type, value) "
                                  "VALUES (:pk, 'bizTransaction', 'bol', :v)"), {"pk": pk, "v": bol})
        upgrade(engine)
        with engine.connect() as conn:
            for table in ("epcis_epc", "epcis_attr"):
                got = conn.execute(text(f"SELECT x.event_pk, x.event_time = e.event_time FROM {table} x "
                                        "JOIN epcis_event e ON e.id = x.event_pk ORDER BY x.event_pk")).all()
                assert [tuple(r) for r in got] == [(1, True), (2, True)]
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 2
        for params in ({"MATCH_epc": epc}, {"EQ_bizTransaction_bol": bol}):
            assert [e["n"] for e in repository.query(engine, {**params, "orderDirection": "ASC"})["events"]] == [2, 1]
