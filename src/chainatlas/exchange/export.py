"""Export (导出) of any exchange table to CSV, XLSX, JSON Lines or Parquet — the formats import reads,
so an export re-imports unchanged (round trip). Rows are streamed from the database in batches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.exchange.cells import escape_frame, xlsx_row
from chainatlas.exchange.importer import PLAIN_TABLES
from chainatlas.exchange.spec import TABLES, TableSpec

# the database table each exchange table is stored in; the importer's plain tables (stored as they are) are taken
# from its own list, so a table added there is exported too
DB_TABLE = {
    "enterprises": db.enterprise, "supply_links": db.supply_link, "transactions": db.transaction_line,
    "chains": db.chain, "segments": db.segment, "placements": db.placement, "regions": db.region,
    "industries": db.industry, "enterprise_profiles": db.enterprise_attribute, "official_statistics": db.official_statistic,
    "tech_demands": db.collab_demand, "tech_capabilities": db.collab_capability, "internships": db.internship,
    **{name: table for name, (table, _keys) in PLAIN_TABLES.items()},
}
FORMATS = ("csv", "xlsx", "jsonl", "parquet")
BATCH = 100_000


def _schema(spec: TableSpec) -> dict[str, pl.DataType]:
    from chainatlas.exchange.spec import Kind

    types: dict[Kind, pl.DataType] = {
        Kind.money: pl.Float64(), Kind.number: pl.Float64(), Kind.latitude: pl.Float64(), Kind.longitude: pl.Float64(),
        Kind.integer: pl.Int64(), Kind.boolean: pl.Boolean(), Kind.date: pl.Date(),
    }
    return {c.name: types.get(c.kind, pl.String()) for c in spec.columns}


def iter_table(engine: Engine, table: str, where: object | None = None, batch: int = BATCH) -> Iterator[pl.DataFrame]:
    """Batches of ``table`` with the spec's column names and types."""
    spec = TABLES[table]
    if table == "enterprise_profiles":
        yield from _iter_profiles(engine, spec, batch)
        return
    t = DB_TABLE[table]
    db_cols = {"transactions": {"seller_uscc", "buyer_uscc"}}.get(table, set())
    cols = [t.c[c.name] for c in spec.columns if c.name in t.c or c.name in db_cols]
    stmt = select(*cols)
    if where is not None:
        stmt = stmt.where(where)  # type: ignore[arg-type]
    key_cols = [t.c[k] for k in spec.keys if k in t.c]
    stmt = stmt.order_by(*key_cols)
    schema = {k: v for k, v in _schema(spec).items() if k in t.c}
    with engine.connect().execution_options(stream_results=True) as conn:
        result = conn.execute(stmt)
        names = list(result.keys())
        while chunk := result.fetchmany(batch):
            yield pl.DataFrame([dict(zip(names, r, strict=True)) for r in chunk], schema=schema, orient="row")
    return


def _iter_profiles(engine: Engine, spec: TableSpec, batch: int) -> Iterator[pl.DataFrame]:
    """The indicators as the spec's rows: one per enterprise, as-of date and source (kept long in
    ``enterprise_attribute``; a row re-imports to the same values)."""
    a = db.enterprise_attribute
    names = [c.name for c in spec.columns if c.name not in ("uscc", "source", "as_of")]
    schema = _schema(spec)
    stmt = select(a.c.uscc, a.c.as_of, a.c.source, a.c.attribute, a.c.value).where(a.c.attribute.in_(names)).order_by(
        a.c.uscc, a.c.as_of, a.c.source)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    long = pl.DataFrame([tuple(r) for r in rows], schema={"uscc": pl.String, "as_of": pl.Date, "source": pl.String,
                                                          "attribute": pl.String, "value": pl.String}, orient="row")
    if long.is_empty():
        return
    wide = long.pivot(on="attribute", index=["uscc", "as_of", "source"], values="value")
    casts = []
    for name in names:
        if name not in wide.columns:
            casts.append(pl.lit(None, dtype=schema[name]).alias(name))
        elif schema[name] == pl.Boolean():
            casts.append((pl.col(name) == "true").alias(name))
        else:
            casts.append(pl.col(name).cast(schema[name], strict=False).alias(name))
    frame = wide.with_columns(casts).select([c.name for c in spec.columns])
    yield from frame.iter_slices(batch)


def export_table(engine: Engine, table: str, fmt: str, path: Path, headers: str = "en") -> int:
    """Write ``table`` to ``path`` in ``fmt``; ``headers`` ``zh`` writes the Chinese column names.

    Returns the number of rows written. CSV is UTF-8 with a BOM so that Excel opens it correctly. Formula-like
    text is neutralised (:mod:`chainatlas.exchange.cells`); import undoes the CSV escape, so the round trip holds.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table}; tables: {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}; formats: {', '.join(FORMATS)}")
    spec = TABLES[table]
    rename = {c.name: c.zh for c in spec.columns} if headers == "zh" else {}
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    stored = set(_schema(spec)) if table == "enterprise_profiles" else set(DB_TABLE[table].c.keys())
    empty = pl.DataFrame(schema={k: v for k, v in _schema(spec).items() if k in stored})
    batches = iter_table(engine, table)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        writer = None
        for b in batches:
            arrow = b.rename(rename).to_arrow()
            writer = writer or pq.ParquetWriter(path, arrow.schema)
            writer.write_table(arrow)
            n += b.height
        if writer is None:
            empty.rename(rename).write_parquet(path)
        else:
            writer.close()
    elif fmt == "csv":
        with path.open("wb") as fh:
            fh.write(b"\xef\xbb\xbf")
            first = True
            for b in batches:
                escape_frame(b.rename(rename)).write_csv(fh, include_header=first)
                first = False
                n += b.height
            if first:
                empty.rename(rename).write_csv(fh)
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for b in batches:
                for row in b.rename(rename).iter_rows(named=True):
                    fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                n += b.height
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(spec.zh)
        ws.append([rename.get(c, c) for c in empty.columns])
        for b in batches:
            for values in b.iter_rows():
                ws.append(xlsx_row(ws, values))
            n += b.height
        wb.save(path)
    return n
