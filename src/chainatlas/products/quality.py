"""Measured quality of a data product (数据质量), recomputed on each import and kept with its history.

* **rows**: rows the product publishes;
* **completeness** per field: the share of published rows where the field has a value (a suppressed cell counts as
  empty: it is withheld, not missing in the source — the count of suppressed cells is given beside it);
* **validity**: the share of the source exchange table's stored rows that pass the exchange spec's checks again
  (the same column checks an import runs: check characters, code lists, ranges, dates) — None for a product with no
  exchange table (the EPCIS events were checked at capture);
* **freshness**: days from the latest data (the source's latest ``as_of``, period end or event time) to the day of
  measurement;
* **provenance**: the share of the source's rows that name their source (``source`` neither empty nor blank).

>>> f = pl.DataFrame({"a": [1, None, 3, 4], "b": ["x", "y", None, None], "suppressed": ["", "", "b", ""]})
>>> q = completeness(f, ("a", "b"))
>>> q["rows"], q["completeness"], q["suppressed_cells"]
(4, {'a': 0.75, 'b': 0.5}, 1)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, case, func, select

from chainatlas import db
from chainatlas.exchange.export import DB_TABLE


def completeness(frame: pl.DataFrame, fields: tuple[str, ...]) -> dict[str, Any]:
    """Rows, the non-empty share per field, and the cells withheld by suppression (column ``suppressed``)."""
    n = frame.height
    share = {f: (round(1 - frame[f].null_count() / n, 4) if n else None) for f in fields}
    withheld = 0
    if "suppressed" in frame.columns and n:
        withheld = int(frame.select(pl.col("suppressed").fill_null("").str.split(",").list.eval(
            pl.element().filter(pl.element() != "")).list.len().sum()).item())
    return {"rows": n, "completeness": share, "suppressed_cells": withheld}


def validity(engine: Engine, table: str, batch_rows: int = 200_000) -> float | None:
    """The share of ``table``'s stored rows passing the exchange spec's column checks again (None when empty)."""
    from chainatlas.exchange import spec as S
    from chainatlas.exchange.importer import build_context
    from chainatlas.exchange.readers import LINE
    from chainatlas.exchange.validate import validate_batch

    t = S.TABLES[table]
    stored = DB_TABLE[table]
    cols = [c.name for c in t.columns if c.name in stored.c]
    with engine.connect() as conn:
        ctx = build_context(conn, parties=False)
        frame = db.read_frame(conn, stored)
    if frame.height == 0:
        return None
    bad = 0
    text = frame.select([pl.col(c).cast(pl.String) for c in cols]).with_row_index(LINE, offset=1)
    for start in range(0, text.height, batch_rows):
        part = text.slice(start, batch_rows)
        res = validate_batch(part, t, ctx, file=table, sheet="", original_headers={}, listed_so_far=10**9)
        bad += res.n_bad
    return round(1 - bad / frame.height, 4)


def source_facts(engine: Engine, table: str | None, today: dt.date) -> dict[str, Any]:
    """Freshness (days since the latest data) and provenance (share of rows naming a source) of a product's source:
    an exchange table, or the EPCIS events when ``table`` is None."""
    if table is None:
        e = db.epcis_event
        with engine.connect() as conn:
            latest = conn.execute(select(func.max(e.c.event_time))).scalar_one_or_none()
        return {"latest": latest.date() if latest else None,
                "freshness_days": (today - latest.date()).days if latest else None, "provenance": None}
    stored = DB_TABLE[table]
    with engine.connect() as conn:
        named_row = case((func.trim(stored.c.source) != "", 1))  # null or blank: no source named
        n, named = conn.execute(select(func.count(), func.count(named_row))).one()
        if "as_of" in stored.c:
            latest = conn.execute(select(func.max(stored.c.as_of))).scalar_one_or_none()
        else:  # supply links: the end of the latest period (2025 → 2025-12-31, 2025Q3 → 2025-09-30)
            period = conn.execute(select(func.max(stored.c.period))).scalar_one_or_none()
            latest = period_end(period) if period else None
    return {"latest": latest, "freshness_days": (today - latest).days if latest else None,
            "provenance": round(named / n, 4) if n else None}


def period_end(period: str) -> dt.date:
    """The last day of a period of the exchange spec.

    >>> period_end("2025"), period_end("2025Q3")
    (datetime.date(2025, 12, 31), datetime.date(2025, 9, 30))
    """
    year = int(period[:4])
    if "Q" not in period:
        return dt.date(year, 12, 31)
    q = int(period[-1])
    return (dt.date(year + (q == 4), q * 3 % 12 + 1, 1)) - dt.timedelta(days=1)
