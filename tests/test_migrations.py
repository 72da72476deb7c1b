"""The migrated schema equals the declared metadata, on SQLite and PostgreSQL (no drift)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from chainatlas import db
from chainatlas.bootstrap import init_database, table_counts
from chainatlas.migrate import current_revision, head_revision


def test_migrations_match_metadata(any_engine: Engine) -> None:
    with any_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []
    assert current_revision(any_engine) == head_revision() == "0019"


def test_init_is_idempotent(any_engine: Engine) -> None:
    first = table_counts(any_engine, ("region", "industry", "segment"))
    assert init_database(any_engine)["region"] == first["region"]
    assert first["industry"] == 905 and first["segment"] == 85
