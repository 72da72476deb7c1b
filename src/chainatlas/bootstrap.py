"""``chainatlas init``: migrate the schema and load the reference data (codes, chain templates)."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import Engine, func, select

from chainatlas import db
from chainatlas.chains.templates import load_chains, segment_rows
from chainatlas.migrate import upgrade
from chainatlas.registry.codes import countries, industries, regions


def init_database(engine: Engine) -> dict[str, int]:
    """Apply migrations, then upsert divisions, countries, industries, chains and segments.

    Idempotent: running it again changes nothing. Returns the row count of each reference table.
    """
    upgrade(engine)
    chain_rows, seg_rows = segment_rows(load_chains())
    with engine.begin() as conn:
        db.upsert(conn, db.region, [asdict(r) for r in regions()], ["code"])
        db.upsert(conn, db.country, [asdict(c) for c in countries()], ["alpha2"])
        db.upsert(conn, db.industry, [asdict(i) for i in industries()], ["code"])
        db.upsert(conn, db.chain, chain_rows, ["id"])
        db.upsert(conn, db.segment, seg_rows, ["code"])
    return table_counts(engine, ("region", "country", "industry", "chain", "segment"))


def table_counts(engine: Engine, tables: tuple[str, ...]) -> dict[str, int]:
    """The number of rows of each of ``tables``."""
    with engine.connect() as conn:
        return {t: int(conn.execute(select(func.count()).select_from(db.metadata.tables[t])).scalar_one()) for t in tables}


def is_empty(engine: Engine) -> bool:
    """True when the database holds no enterprise yet (``make run`` then loads the demo city)."""
    return table_counts(engine, ("enterprise",))["enterprise"] == 0
