"""Analytic snapshots: the tables the analyses need, as Polars frames, cached per data version.

The transactional store (SQLite/PostgreSQL) is read once per data version — the newest import job and the
placement table's size — and the analyses then run on columnar frames in memory ("warm"). The same
snapshot can be built from Parquet files (``from_files``) for batch work outside the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine, func, select

from chainatlas import db
from chainatlas.analysis.framestore import FrameStore, namespace

ENTERPRISE_COLS = ["uscc", "name", "country_code", "region_code", "industry_code", "lat", "lon", "revenue_yuan",
                   "employees", "is_above_scale", "is_high_tech", "is_srdi", "is_little_giant", "is_chain_leader",
                   "is_listed", "as_of"]


Table = pl.DataFrame | Callable[[], pl.DataFrame]


@dataclass(frozen=True)
class Snapshot:
    """The analyses' tables at one data version. ``enterprises``, ``placements`` and ``links`` may be given as
    loaders, called on first use: a request answered from stored frames (``store``) then never reads them."""

    enterprises_table: Table
    placements_table: Table  # uscc, segment_code, evidence, confidence
    links_table: Table  # supplier_uscc, buyer_uscc, period, segment_code, value_yuan
    segments: pl.DataFrame  # code, chain_id, name_zh, name_en, stage, is_key, feeds_into (list)
    version: str
    as_of: dt.date | None
    store: FrameStore | None = field(default=None, compare=False, repr=False)
    _memo: dict[tuple[str, ...], Any] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def _table(self, name: str, table: Table) -> pl.DataFrame:
        if isinstance(table, pl.DataFrame):
            return table
        with self._lock:
            if ("table", name) not in self._memo:
                self._memo[("table", name)] = table()
        return self._memo[("table", name)]  # type: ignore[no-any-return]

    @property
    def enterprises(self) -> pl.DataFrame:
        return self._table("enterprises", self.enterprises_table)

    @property
    def placements(self) -> pl.DataFrame:
        return self._table("placements", self.placements_table)

    @property
    def links(self) -> pl.DataFrame:
        return self._table("links", self.links_table)

    def load_tables(self) -> None:
        """Read every table now (a rebuilt snapshot is loaded before it replaces the previous one)."""
        for table in (self.enterprises, self.placements, self.links):
            table.height  # noqa: B018

    def memo(self, key: tuple[str, ...], compute: Callable[[], Any], *, persist: bool = False) -> Any:
        """A derived value computed once per snapshot (data version) and reused by later requests. With ``persist``
        (frames only) it is also kept in the snapshot's ``store``, where a later process finds it."""
        if key not in self._memo:
            stored = self.store.load(key) if persist and self.store is not None else None
            if stored is None:
                stored = compute()
                if persist and self.store is not None:
                    self.store.save(key, stored)
            self._memo[key] = stored
        return self._memo[key]

    def periods(self) -> list[str]:
        frame = self.memo(("periods",), lambda: self.links.select(pl.col("period").unique().sort()), persist=True)
        return frame["period"].to_list()  # type: ignore[no-any-return]

    def chain_segments(self, chain_id: str) -> pl.DataFrame:
        return self.segments.filter(pl.col("chain_id") == chain_id)


def polars_type(column: Any) -> pl.DataType:
    """The Polars type of a SQLAlchemy column, so that a frame has its types even when the table is empty (an
    untyped empty frame makes every later join fail with a SchemaError)."""
    from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric

    kind = column.type
    if isinstance(kind, Boolean):
        return pl.Boolean()
    if isinstance(kind, Integer):
        return pl.Int64()
    if isinstance(kind, (Float, Numeric)):
        return pl.Float64()
    if isinstance(kind, DateTime):
        return pl.Datetime("us")
    if isinstance(kind, Date):
        return pl.Date()
    return pl.String()


def _frame(engine: Engine, table: str, cols: list[str]) -> pl.DataFrame:
    t = db.metadata.tables[table]
    with engine.connect() as conn:
        res = conn.execute(select(*[t.c[c] for c in cols]))
        rows = res.fetchall()
    schema = {c: polars_type(t.c[c]) for c in cols}
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row", infer_schema_length=None)


def opaque_version(*parts: object) -> str:
    """A version label that says nothing about the server (no URL, path or counter leaves it in clear).

    >>> opaque_version(3, 10, 0) == opaque_version(3, 10, 0) != opaque_version(4, 10, 0)
    True
    >>> len(opaque_version("x"))
    19
    """
    return "dv-" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:16]


def data_version(engine: Engine) -> str:
    """Changes whenever an import lands or a placement changes; opaque (it is shown to anonymous users)."""
    with engine.connect() as conn:
        job = conn.execute(select(func.max(db.import_job.c.id))).scalar() or 0
        n_pl = conn.execute(select(func.count()).select_from(db.placement)).scalar() or 0
        last = conn.execute(select(func.max(db.placement_override.c.id))).scalar() or 0
    return opaque_version(job, n_pl, last)


_cache: dict[str, Snapshot] = {}
_lock = threading.Lock()
_building: dict[str, threading.Lock] = {}


def load_snapshot(engine: Engine) -> Snapshot:
    """The snapshot of ``engine``'s data, rebuilt when the data version changed — by one request at a time. While
    one request rebuilds it, the others are answered from the previous snapshot (labelled with its own, older data
    version) instead of waiting or building the same thing again: under continuous imports every request would
    otherwise find a new version and rebuild, and readers starved (docs/benchmarks.md, "Serving under load").

    The first snapshot of a process reads its tables lazily, so a request answered from stored frames
    (:mod:`~chainatlas.analysis.framestore`) does not read them at all; a rebuild reads them before it replaces the
    previous snapshot."""
    key = str(engine.url)
    version = data_version(engine)
    with _lock:
        previous = _cache.get(key)
        builder = _building.setdefault(key, threading.Lock())
    if previous is not None and previous.version == version:
        return previous
    if not builder.acquire(blocking=previous is None):  # a rebuild is under way: the previous snapshot answers
        assert previous is not None
        return previous
    try:
        version = data_version(engine)
        return _cached(key, version) or _build(engine, key, version, eager=previous is not None)
    finally:
        builder.release()


def _cached(key: str, version: str) -> Snapshot | None:
    with _lock:
        cached = _cache.get(key)
    return cached if cached is not None and cached.version == version else None


def frame_store(engine: Engine, version: str, segments: pl.DataFrame) -> FrameStore | None:
    """Where ``engine``'s derived frames at ``version`` are kept (setting ``frame_store``; none when it is off or when
    the database has no instance id).

    The namespace is stricter than the data version, because stored frames outlive the process: a copy of a database
    (a test's copy, a restored backup) keeps the instance id and counts its imports from the same number, so the
    newest import's time and summary and the newest placement change's time are part of it too."""
    from chainatlas.settings import get_settings

    root = get_settings().resolved_frame_store()
    if root is None:
        return None
    job, ov = db.import_job, db.placement_override
    with engine.connect() as conn:
        instance = conn.execute(select(db.db_instance.c.value).where(db.db_instance.c.key == "instance_id")).scalar()
        last_job = conn.execute(select(job.c.id, job.c.created_at, job.c.summary).order_by(job.c.id.desc()).limit(1)).first()
        last_override = conn.execute(select(ov.c.id, ov.c.created_at).order_by(ov.c.id.desc()).limit(1)).first()
    if not instance:
        return None
    fingerprint = hashlib.sha256(repr((tuple(last_job or ()), tuple(last_override or ()))).encode()).hexdigest()[:24]
    return FrameStore(root, namespace(instance, version, fingerprint, segments=segments))


def _build(engine: Engine, key: str, version: str, *, eager: bool = False) -> Snapshot:
    def ents() -> pl.DataFrame:
        frame = _frame(engine, "enterprise", ENTERPRISE_COLS)
        return frame.with_columns(pl.col(c).cast(pl.Float64) for c in ("lat", "lon", "revenue_yuan"))

    def links() -> pl.DataFrame:
        frame = _frame(engine, "supply_link", ["supplier_uscc", "buyer_uscc", "period", "segment_code", "value_yuan"])
        return frame.with_columns(pl.col("value_yuan").cast(pl.Float64))

    def placements() -> pl.DataFrame:
        return _frame(engine, "placement", ["uscc", "segment_code", "evidence", "confidence"])

    segs = _frame(engine, "segment", ["code", "chain_id", "name_zh", "name_en", "stage", "is_key", "feeds_into"])
    segs = segs.with_columns(pl.col("feeds_into").str.json_decode(pl.List(pl.String)))
    with engine.connect() as conn:
        as_of = conn.execute(select(func.max(db.enterprise.c.as_of))).scalar()
    snap = Snapshot(ents, placements, links, segs, version, as_of, store=frame_store(engine, version, segs))
    if eager:
        snap.load_tables()
    with _lock:
        _cache[key] = snap
    return snap


def from_files(enterprises: Path, placements: Path, links: Path, segments: pl.DataFrame, *,
               store: Path | None = None) -> Snapshot:
    """A snapshot from Parquet files in the exchange format (batch work, benchmarks), read on first use. With
    ``store``, derived frames are kept there for the next process; the files' paths, sizes and modification times
    name the version, so a changed file is never answered from another file's frames."""
    files = (enterprises, placements, links)
    version = opaque_version("files", *[f"{f.resolve()}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files])
    as_of = pl.scan_parquet(enterprises).select(pl.col("as_of").max()).collect().item()
    return Snapshot(lambda: pl.read_parquet(enterprises, columns=ENTERPRISE_COLS),
                    lambda: pl.read_parquet(placements, columns=["uscc", "segment_code", "evidence", "confidence"]),
                    lambda: pl.read_parquet(links, columns=["supplier_uscc", "buyer_uscc", "period", "segment_code",
                                                            "value_yuan"]),
                    segments, version, as_of, store=FrameStore(store, namespace(version, segments=segments)) if store is not None else None)


def tiny(enterprises: list[dict[str, Any]], links: list[dict[str, Any]],
         placements: dict[str, str] | None = None) -> Snapshot:
    """A snapshot from a few rows, for doctests and notebooks: ``enterprises`` need ``uscc`` and ``region_code``
    (every other register column defaults to empty), ``links`` ``supplier_uscc``, ``buyer_uscc``, ``period``,
    ``value_yuan``, ``segment_code``; ``placements`` maps a USCC to its segment; the segments are the shipped chains'.

    >>> snap = tiny([{"uscc": "A", "region_code": "410105"}], [])
    >>> snap.enterprises.height, snap.links.height, snap.segments.filter(pl.col("chain_id") == "nev").height > 5
    (1, 0, True)
    """
    from chainatlas.chains.templates import load_chains, segment_rows

    types = {c: polars_type(db.enterprise.c[c]) for c in ENTERPRISE_COLS}
    types |= {"lat": pl.Float64(), "lon": pl.Float64(), "revenue_yuan": pl.Float64()}
    ents = pl.DataFrame([{c: e.get(c) for c in ENTERPRISE_COLS} for e in enterprises], schema=types, orient="row")
    link_types = {"supplier_uscc": pl.String(), "buyer_uscc": pl.String(), "period": pl.String(),
                  "segment_code": pl.String(), "value_yuan": pl.Float64()}
    lks = pl.DataFrame([{c: r.get(c) for c in link_types} for r in links], schema=link_types, orient="row")
    pls = pl.DataFrame([{"uscc": u, "segment_code": s, "evidence": "declared", "confidence": 1.0}
                        for u, s in (placements or {}).items()],
                       schema={"uscc": pl.String(), "segment_code": pl.String(), "evidence": pl.String(),
                               "confidence": pl.Float64()}, orient="row")
    _, seg_rows = segment_rows(load_chains())
    segs = pl.DataFrame([{k: r[k] for k in ("code", "chain_id", "name_zh", "name_en", "stage", "is_key", "feeds_into")}
                         for r in seg_rows]).with_columns(pl.col("feeds_into").str.json_decode(pl.List(pl.String)))
    return Snapshot(ents, pls, lks, segs, opaque_version("tiny", len(enterprises), len(links)), None)


def example() -> Snapshot:
    """The three-firm example of the metric docstrings (示例): car maker A (Zhengzhou, 410105, a chain leader) buys
    battery packs (``nev.pack``) in 2025 for 300 yuan from B (Zhengzhou, 410122) and for 100 from C (Suzhou, 320505).

    >>> example().links["value_yuan"].sum()
    400.0
    """
    return tiny([{"uscc": "A", "region_code": "410105", "is_chain_leader": True}, {"uscc": "B", "region_code": "410122"},
                 {"uscc": "C", "region_code": "320505", "country_code": "CN"}],
                [{"supplier_uscc": s, "buyer_uscc": "A", "period": "2025", "value_yuan": v, "segment_code": "nev.pack"}
                 for s, v in (("B", 300), ("C", 100))], {"A": "nev.vehicle", "B": "nev.pack", "C": "nev.pack"})


def in_period(period: str | None) -> pl.Expr:
    """Rows of ``period``; none when there is no period (an empty database), without comparing to a bare None."""
    return pl.col("period") == pl.lit(period, dtype=pl.String)


def is_local(home: str) -> pl.Expr:
    """An enterprise is local when its division code starts with the home prefix (4101 city, 41 province)."""
    return pl.col("region_code").fill_null("").str.starts_with(home)
