"""The inputs the rules read, one row per local enterprise, as of an evaluation date.

Three sources, each documented in ``docs/rules.md``:

* the enterprise register (``enterprises`` table of the exchange spec): revenue, R&D spending, employees,
  district, industry, held designations (专精特新, 小巨人, 链主);
* the enterprise indicators (``enterprise_profiles`` table of the exchange spec): the latest value of each
  indicator with an as-of date on or before the evaluation date (kept per source and date in
  ``enterprise_attribute``); a value never given stays unknown;
* the platform's analytics: chains and segments the firm is placed on, whether one is a key segment, and the
  firm's own local supporting rate (本地配套率) and local supplier count over its latest period of purchases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Engine

from chainatlas import db
from chainatlas.analysis.snapshot import Snapshot
from chainatlas.exchange.spec import ENTERPRISES, PROFILES, Column, Kind, TableSpec


@dataclass(frozen=True)
class Input:
    name: str
    zh: str
    en: str
    source: str  # register | profile | analytics
    dtype: type[pl.DataType]


def _dtype(kind: Kind) -> type[pl.DataType]:
    return {Kind.boolean: pl.Boolean, Kind.integer: pl.Int64, Kind.money: pl.Float64, Kind.number: pl.Float64,
            Kind.date: pl.Date}.get(kind, pl.String)


REGISTER = ("revenue_yuan", "rd_spend_yuan", "employees", "region_code", "industry_code", "is_above_scale",
            "is_high_tech", "is_srdi", "is_little_giant", "is_chain_leader", "founded_on")
ANALYTICS = (
    Input("chains", "所在产业链", "chains the firm is placed on", "analytics", pl.List),
    Input("segments", "所在环节", "segments the firm is placed on", "analytics", pl.List),
    Input("in_chain", "位于本市产业链", "placed on one of the city's chains", "analytics", pl.Boolean),
    Input("key_segment", "位于关键环节", "placed on a key segment", "analytics", pl.Boolean),
    Input("local_supply_rate", "本地配套率（本企业采购）", "local supporting rate of the firm's purchases", "analytics", pl.Float64),
    Input("local_suppliers", "本地供应商数", "local suppliers of the firm", "analytics", pl.Int64),
    Input("is_sme", "中小企业", "small or medium enterprise (工信部联企业〔2011〕300号, industry: <1000 staff or <4亿元 revenue)",
          "analytics", pl.Boolean),
    Input("district", "所在区县", "district (county-level division code)", "analytics", pl.String),
)
INPUTS: dict[str, Input] = {
    **{c.name: Input(c.name, c.zh, c.description_en, "register", _dtype(c.kind)) for c in ENTERPRISES.columns if c.name in REGISTER},
    **{c.name: Input(c.name, c.zh, c.description_en, "profile", _dtype(c.kind))
       for c in PROFILES.columns if c.name not in ("uscc", "source", "as_of")},
    **{i.name: i for i in ANALYTICS},
}
PROFILE_NAMES = [c.name for c in PROFILES.columns if c.name not in ("uscc", "source", "as_of")]


def typed(frame: pl.DataFrame) -> pl.DataFrame:
    """Cast the known input columns of ``frame`` (e.g. read from CSV as text) to their types; unparsable → error."""
    casts = []
    for name in frame.columns:
        spec = INPUTS.get(name)
        if spec is None or spec.dtype is pl.List or frame.schema[name] == spec.dtype:
            continue
        if spec.dtype is pl.Boolean:
            s = pl.col(name).cast(pl.String).str.to_lowercase()
            casts.append(pl.when(s.is_in(["true", "1", "是", "y", "yes"])).then(True)
                         .when(s.is_in(["false", "0", "否", "n", "no"])).then(False).otherwise(None).alias(name))
        else:
            casts.append(pl.col(name).cast(spec.dtype, strict=True).alias(name))
    return frame.with_columns(casts) if casts else frame


def sme_expr() -> pl.Expr:
    """中小企业 (industry row of 工信部联企业〔2011〕300号): fewer than 1,000 employees or revenue below 400 million
    yuan; unknown when neither is known and the known one does not decide."""
    e, r = pl.col("employees"), pl.col("revenue_yuan")
    return pl.any_horizontal(e < 1000, r < 400_000_000)


def attributes_as_of(engine: Engine, on: dt.date, names: list[str], uscc: str | None = None) -> pl.DataFrame:
    """The latest value of each attribute with an as-of date on or before ``on`` (wide: one row per uscc); of one
    enterprise when ``uscc`` is given. Two sources on the same date: the last by source name (as in
    :func:`provenance`)."""
    t = db.enterprise_attribute
    q = select(t.c.uscc, t.c.attribute, t.c.as_of, t.c.source, t.c.value).where(t.c.attribute.in_(names), t.c.as_of <= on)
    if uscc is not None:
        q = q.where(t.c.uscc == uscc)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    long = pl.DataFrame([tuple(r) for r in rows], schema={"uscc": pl.String, "attribute": pl.String,
                                                          "as_of": pl.Date, "source": pl.String, "value": pl.String},
                        orient="row")
    if long.is_empty():
        return pl.DataFrame({"uscc": []}, schema={"uscc": pl.String})
    latest = long.sort("as_of", "source").group_by("uscc", "attribute").agg(pl.col("value").last())
    wide = latest.pivot(on="attribute", index="uscc", values="value")
    return typed(wide)


def read_inputs(engine: Engine, on: dt.date, home: str | None = None, uscc: str | None = None) -> pl.DataFrame:
    """Every local enterprise (register in ``home``, default the city) with all rule inputs as of ``on`` — or only
    the one with ``uscc`` (a tier card, "my policies": its attributes alone are read)."""
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.settings import home_of

    home = home_of(home)
    snap = load_snapshot(engine)
    ents = snap.enterprises.filter(pl.col("region_code").cast(pl.String).str.starts_with(home))
    if uscc is not None:
        ents = ents.filter(pl.col("uscc") == uscc)
    keep = ["uscc", "name", *[c for c in REGISTER if c in ents.columns]]
    base = ents.select(keep)
    prof = attributes_as_of(engine, on, [*PROFILE_NAMES, "revenue_yuan", "rd_spend_yuan", "employees"], uscc)
    # a register value dated on or before the evaluation date wins over the register's latest one
    dated = [c for c in ("revenue_yuan", "rd_spend_yuan", "employees") if c in prof.columns and c in base.columns]
    frame = base.join(prof, on="uscc", how="left", suffix="_dated")
    if dated:
        frame = frame.with_columns([pl.coalesce(f"{c}_dated", c).cast(INPUTS[c].dtype).alias(c) for c in dated]).drop(
            [f"{c}_dated" for c in dated])
    frame = with_recorded_interns(engine, frame, on, uscc)
    frame = with_recorded_spend(engine, frame, on, uscc)
    return typed(frame.join(analytics(snap, home), on="uscc", how="left").with_columns(
        sme_expr().alias("is_sme"), pl.col("region_code").alias("district"),
        pl.col("in_chain").fill_null(False), pl.col("key_segment").fill_null(False)))


def with_recorded_interns(engine: Engine, frame: pl.DataFrame, on: dt.date, uscc: str | None = None) -> pl.DataFrame:
    """``interns_6m`` from the internship records (:func:`chainatlas.collab.internships.interns_6m`) for every firm
    that hosts interns on the platform, in place of the declared figure; other firms keep what they declared."""
    from chainatlas.collab.internships import interns_6m

    recorded = interns_6m(engine, on, host=uscc)  # one firm's card reads its own records only
    if not recorded:
        return frame
    rec = pl.DataFrame({"uscc": list(recorded), "__interns": list(recorded.values())},
                       schema={"uscc": pl.String, "__interns": pl.Int64})
    declared = pl.col("interns_6m").cast(pl.Int64, strict=False) if "interns_6m" in frame.columns else pl.lit(None, pl.Int64)
    return frame.join(rec, on="uscc", how="left").with_columns(
        pl.coalesce("__interns", declared).alias("interns_6m")).drop("__interns")


def with_recorded_spend(engine: Engine, frame: pl.DataFrame, on: dt.date, uscc: str | None = None) -> pl.DataFrame:
    """Last year's lightweight, compute and model spending from the subscription records
    (:func:`chainatlas.solutions.store.recorded_spend`) in place of the declared figures, for every firm and kind with
    a subscription running in that year; other firms and kinds keep what they declared."""
    from chainatlas.solutions.store import recorded_spend
    from chainatlas.solutions.subscriptions import SPEND_INPUTS

    rec = recorded_spend(engine, on.year - 1, uscc)
    if rec.is_empty():
        return frame
    rec = rec.rename({k: f"__{k}" for k in SPEND_INPUTS})
    out = frame.join(rec, on="uscc", how="left")
    declared = {k: pl.col(k).cast(pl.Float64, strict=False) if k in frame.columns else pl.lit(None, pl.Float64)
                for k in SPEND_INPUTS}
    return out.with_columns([pl.coalesce(f"__{k}", declared[k]).alias(k) for k in SPEND_INPUTS]).drop(
        [f"__{k}" for k in SPEND_INPUTS])


def analytics(snap: Snapshot, home: str) -> pl.DataFrame:
    """Chains, segments, key-segment flag, and the firm's own local supporting rate over its latest period."""
    from chainatlas.analysis.snapshot import is_local

    # an empty table reads with untyped (null) columns: give them their types
    placements = snap.placements.select(pl.col("uscc", "segment_code").cast(pl.String))
    ents = snap.enterprises.with_columns(pl.col("uscc", "region_code").cast(pl.String))
    links_all = snap.links.select(pl.col("supplier_uscc", "buyer_uscc", "period").cast(pl.String),
                                  pl.col("value_yuan").cast(pl.Float64))
    placed = placements.join(snap.segments.select(pl.col("code").cast(pl.String).alias("segment_code"), "chain_id", "is_key"),
                                  on="segment_code", how="inner")
    per_firm = placed.group_by("uscc").agg(pl.col("chain_id").unique().sort().alias("chains"),
                                           pl.col("segment_code").unique().sort().alias("segments"),
                                           pl.col("is_key").fill_null(False).any().alias("key_segment"),
                                           pl.lit(True).alias("in_chain"))
    local = ents.select(pl.col("uscc").alias("supplier_uscc"), is_local(home).alias("local"))
    links = links_all.join(local, on="supplier_uscc", how="left").with_columns(pl.col("local").fill_null(False))
    latest = links.group_by("buyer_uscc").agg(pl.col("period").max().alias("latest"))
    links = links.join(latest, on="buyer_uscc").filter(pl.col("period") == pl.col("latest"))
    rates = links.group_by(pl.col("buyer_uscc").alias("uscc")).agg(
        (pl.col("value_yuan").filter(pl.col("local")).sum() / pl.col("value_yuan").sum()).alias("local_supply_rate"),
        pl.col("supplier_uscc").filter(pl.col("local")).n_unique().cast(pl.Int64).alias("local_suppliers"))
    return per_firm.join(rates, on="uscc", how="full", coalesce=True)


class ProfileFileError(ValueError):
    """A profile file with problems: the list says where, what and why (zh / en)."""

    def __init__(self, problems: Sequence[object]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


def _file_spec() -> TableSpec:
    """The columns a profile file may carry: the indicators, register figures and designations, analytics overrides."""
    register = [c for c in ENTERPRISES.columns if c.name in REGISTER and c.kind != Kind.region and c.name != "industry_code"]
    extra = [Column("is_sme", "中小企业", Kind.boolean, "中小企业（缺省由从业人数和营业收入判断）", "SME (default: from employees and revenue)"),
             Column("in_chain", "位于本市产业链", Kind.boolean, "缺省取自图谱", "default: from the atlas"),
             Column("key_segment", "位于关键环节", Kind.boolean, "缺省取自图谱", "default: from the atlas"),
             Column("local_supply_rate", "本地配套率", Kind.number, "缺省取自供应关系", "default: from supply links", maximum=1.0),
             Column("local_suppliers", "本地供应商数", Kind.integer, "缺省取自供应关系", "default: from supply links")]
    cols = [c for c in PROFILES.columns if c.name not in ("source", "as_of")] + register + extra
    return TableSpec("profile_input", "企业培育指标（评估用）", "", "", columns=tuple(cols), keys=("uscc",))


def read_profile_file(path: Path, engine: Engine | None, on: dt.date) -> pl.DataFrame:
    """Profiles from a CSV / XLSX / Parquet file (Chinese or English headers), checked like an import and never
    stored; enterprises the database knows get their register and analytics values where the file is silent."""
    from chainatlas.exchange.importer import build_context
    from chainatlas.exchange.readers import LINE, ReadError, open_file
    from chainatlas.exchange.spec import normalise_header
    from chainatlas.exchange.validate import validate_batch

    spec = _file_spec()
    try:
        sheets = open_file(path)
    except ReadError as exc:
        raise ProfileFileError([exc.problem]) from None
    if engine is not None:
        with engine.connect() as conn:
            ctx = build_context(conn)
    else:
        from chainatlas.exchange.validate import Context
        from chainatlas.registry.codes import country_codes

        ctx = Context(frozenset(), {}, country_codes(), frozenset(), frozenset())
    hm = spec.header_map()
    frames, problems = [], []
    for sh in sheets:
        try:
            for batch in sh.batches(200_000):
                rename = {h: hm[normalise_header(h)] for h in batch.columns if h != LINE and normalise_header(h) in hm}
                res = validate_batch(batch.select([LINE, *rename]).rename(rename), spec, ctx, file=path.name, sheet=sh.name,
                                     original_headers={v: k for k, v in rename.items()})
                problems += res.problems
                frames.append(res.valid.drop(LINE))
        finally:
            sh.cleanup()
    if problems:
        raise ProfileFileError(problems)
    given = typed(pl.concat(frames, how="diagonal_relaxed")) if frames else pl.DataFrame({"uscc": []}, schema={"uscc": pl.String})
    merged = given
    if engine is not None:
        known = read_inputs(engine, on).filter(pl.col("uscc").is_in(given["uscc"].implode()))
        merged = given.join(known, on="uscc", how="left", suffix="_db")
        both = [c for c in given.columns if f"{c}_db" in merged.columns]
        merged = merged.with_columns([pl.coalesce(c, f"{c}_db").alias(c) for c in both]).drop([f"{c}_db" for c in both])
    if "is_sme" not in given.columns:  # from the file's size figures where it has them, else as the database knew it
        sme = pl.coalesce(sme_expr(), pl.col("is_sme")) if "is_sme" in merged.columns else sme_expr()
        merged = merged.with_columns(sme.alias("is_sme"))
    return merged


def provenance(engine: Engine, uscc: str, on: dt.date) -> dict[str, dict[str, str]]:
    """For one enterprise, the source and as-of date of each attribute value used on ``on`` (the latest on or
    before it) — shown beside every value on the tier card."""
    t = db.enterprise_attribute
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.attribute, t.c.as_of, t.c.source).where(t.c.uscc == uscc, t.c.as_of <= on)
                            .order_by(t.c.attribute, t.c.as_of, t.c.source)).all()
    out = {a: {"source": s, "as_of": d.isoformat()} for a, d, s in rows}  # later rows overwrite earlier ones
    from chainatlas.collab.internships import SOURCE, interns_6m

    if interns_6m(engine, on, host=uscc):
        out["interns_6m"] = {"source": SOURCE, "as_of": dt.date(on.year - 1, 12, 31).isoformat()}
    from chainatlas.solutions.store import SPEND_SOURCE, recorded_spend

    spend = recorded_spend(engine, on.year - 1, uscc)
    for k in spend.columns[1:]:
        if spend[k].is_not_null().any():
            out[k] = {"source": SPEND_SOURCE, "as_of": dt.date(on.year - 1, 12, 31).isoformat()}
    return out
