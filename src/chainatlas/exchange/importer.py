"""Import (导入): read files, validate every row, then write all of them in one transaction — or none.

Two passes keep memory bounded: pass 1 streams each file in batches, validates them and spills the
valid, typed rows to temporary Parquet files (transaction lines are aggregated into supply links on
the way); pass 2 writes the spilled rows inside a single database transaction. When any row fails and
``skip_invalid`` is not set, pass 2 never starts: nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from chainatlas import db
from chainatlas.chains.infer import SegmentMatcher
from chainatlas.chains.templates import load_chains
from chainatlas.clock import utcnow
from chainatlas.exchange import spec as S
from chainatlas.exchange.cells import split_codes
from chainatlas.exchange.fastpath import aggregate_lines_fast
from chainatlas.exchange.problems import MAX_LISTED, Problem, write_report
from chainatlas.exchange.readers import LINE, ReadError, Sheet, open_file
from chainatlas.exchange.validate import Context, validate_batch
from chainatlas.registry.codes import country_codes, place_codes
from chainatlas.settings import get_settings

Progress = Callable[[int, str], None]
IGNORED_HEADERS = {"序号", "no", "no.", "#"}
WRITE_CHUNK = 5_000
REFERENCES = {
    "enterprise_profiles": ("uscc",),
    "placements": ("uscc",),
    "supply_links": ("supplier_uscc", "buyer_uscc"),
    "transactions": ("seller_uscc", "buyer_uscc"),
    "shipment_requests": ("exporter_uscc",),
    "warehouse_receipts": ("exporter_uscc",),
    "warehouse_orders": ("exporter_uscc",),
    "solution_providers": ("uscc",),
    "solution_cases": ("customer_uscc",),
    "solution_subscriptions": ("customer_uscc",),
    "equipment": ("owner_uscc",),
}
REFERRED = frozenset(c.refers_to for t in S.TABLES.values() for c in t.columns if c.refers_to)
# tables written as they are: exchange table → (database table, key columns)
PLAIN_TABLES = {
    "shipment_requests": (db.consol_request, ("request_id",)), "shipment_cartons": (db.consol_carton, ("request_id", "line")),
    "capacity_offers": (db.consol_offer, ("offer_id",)), "overseas_warehouses": (db.overseas_warehouse, ("warehouse_id",)),
    "warehouse_receipts": (db.warehouse_receipt, ("receipt_id",)), "warehouse_orders": (db.warehouse_order, ("order_id",)),
    "solution_providers": (db.solution_provider, ("uscc",)), "solution_offers": (db.solution_offer, ("offer_id",)),
    "solution_cases": (db.solution_case, ("case_id",)),
    "solution_subscriptions": (db.solution_subscription, ("subscription_id",)),
    "equipment": (db.equipment, ("equipment_id",)),
}


@dataclass
class ImportReport:
    """What an import did (导入报告), returned by :func:`import_files` and, as ``to_dict()``, by ``POST
    /api/v1/imports`` and the import page: rows read, valid per table and invalid; the problems (file, sheet, row,
    column, value, reason in Chinese and English); whether anything was written; links aggregated from invoice
    lines; and ``seconds``, the wall time of the invoice-line steps and of writing a links file."""

    files: list[str]
    dry_run: bool
    rows: dict[str, int] = field(default_factory=dict)  # valid rows per table
    rows_read: int = 0
    rows_invalid: int = 0
    problems: list[Problem] = field(default_factory=list)
    n_problems: int = 0
    written: bool = False
    links_from_transactions: int = 0
    lines_kept: int = 0
    report_paths: list[str] = field(default_factory=list)
    job_id: int | None = None
    # wall seconds per step of the invoice-line fast path (goods, grouping, parties) and of writing the links
    # file (links_file), summed over files: where an import's time went (docs/benchmarks.md, step by step)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.n_problems == 0

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        d = asdict(self)
        d["ok"] = self.ok
        return d


def build_context(conn: Connection, *, parties: bool = True) -> Context:
    """Code lists from the database, and (unless ``parties`` is off) the enterprises it already holds."""
    regions = frozenset(r for (r,) in conn.execute(select(db.region.c.code)))
    codes = [c for (c,) in conn.execute(select(db.industry.c.code))]
    industries: dict[str, str] = {}
    for c in codes:
        industries[c] = c
        industries.setdefault(c[1:], c) if len(c) > 1 else None
    segments = frozenset(s for (s,) in conn.execute(select(db.segment.c.code)))
    chains = frozenset(s for (s,) in conn.execute(select(db.chain.c.id)))
    known = {u for (u,) in conn.execute(select(db.enterprise.c.uscc))} if parties else set()
    keys = {name: {k for (k,) in conn.execute(select(PLAIN_TABLES[name][0].c[S.TABLES[name].keys[0]]))}
            for name in REFERRED}
    return Context(regions, industries, country_codes(), segments, chains, known, places=place_codes(), known_keys=keys)


@dataclass
class _Part:
    sheet: Sheet
    table: str
    rename: dict[str, str]
    spill: list[Path] = field(default_factory=list)


def column_mapping(t: S.TableSpec, headers: list[str], file: str, sheet: str, how: str) -> tuple[dict[str, str], list[Problem]]:
    """File header → spec column name for table ``t``, and a problem per unknown, repeated or missing column."""
    hm = t.header_map()
    rename: dict[str, str] = {}
    problems: list[Problem] = []
    for h in headers:
        key = S.normalise_header(h)
        if key in hm and hm[key] not in rename.values():
            rename[h] = hm[key]
        elif key not in IGNORED_HEADERS:
            problems.append(Problem(file, sheet, 1, h, "", f"未知列或重复列（表「{t.zh}」没有此列）",
                                    f"unknown or repeated column (table '{t.name}' has no such column)"))
    missing = [c for c in t.required if c not in rename.values()]
    if missing:
        zh = "、".join(t.column(c).zh for c in missing)
        problems.append(Problem(file, sheet, 1, ", ".join(missing), "", f"缺少必填列：{zh}（识别为表「{t.zh}」，依据：{how}）",
                                f"missing required columns {missing} (table '{t.name}', recognised by {how})"))
    return rename, problems


def _plan(paths: list[Path], table: str | None, encoding: str, report: ImportReport) -> list[_Part]:
    parts: list[_Part] = []
    for path in paths:
        try:
            sheets = open_file(path, encoding)
        except ReadError as exc:
            report.problems.append(exc.problem)
            report.n_problems += 1
            continue
        for sh in sheets:
            if table:
                if table not in S.TABLES:
                    raise ValueError(f"unknown table {table}; tables: {', '.join(S.TABLES)}")
                name, how = table, "--table"
            else:
                found, how = S.recognise_table(sh.headers, sh.name or None)
                if found is None:
                    report.problems.append(Problem(
                        path.name, sh.name, 0, "", ", ".join(sh.headers[:8]),
                        f"无法识别表类型（{how}）；请用 --table 指定",
                        f"cannot recognise the table ({how}); give --table"))
                    report.n_problems += 1
                    continue
                name = found
            t = S.TABLES[name]
            if not t.importable:
                report.problems.append(Problem(path.name, sh.name, 0, "", name,
                                               f"「{t.zh}」是参考表，不能导入（由软件随附数据维护）",
                                               f"'{name}' is a reference table and cannot be imported"))
                report.n_problems += 1
                continue
            rename, problems = column_mapping(t, sh.headers, path.name, sh.name, how)
            report.problems.extend(problems)
            report.n_problems += len(problems)
            if any(c not in rename.values() for c in t.required):
                continue  # a missing required column: nothing of this sheet can be checked
            parts.append(_Part(sh, name, rename))
    return parts


def _required(engine: Engine | None) -> Engine:
    if engine is None:
        raise ValueError("import_files needs an engine (only a dry run with a context runs without a database)")
    return engine


def import_files(
    paths: list[Path] | list[str],
    *,
    table: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    keep_lines: bool = False,
    encoding: str = "auto",
    period: str = "year",
    engine: Engine | None = None,
    progress: Progress | None = None,
    write_reports: bool = True,
    display_names: dict[str, str] | None = None,
    context: Context | None = None,
    links_out: Path | None = None,
    only_party: str | None = None,
    collect: dict[str, list[pl.DataFrame]] | None = None,
    check_parties: bool = True,
) -> ImportReport:
    """Import ``paths`` into the database; see the module docstring for the all-or-nothing rule.

    ``period`` is ``year`` or ``quarter``: how transaction lines are bucketed into supply-link periods.
    ``context`` replaces the code lists and known enterprises read from the database (batch runs);
    ``links_out`` also writes the supply links aggregated from invoice lines to a Parquet file (an
    analytic snapshot); with ``dry_run`` that is the database-free batch mode for very large files.
    ``only_party`` refuses every row not about that enterprise (an enterprise account correcting its data).
    ``collect`` receives the valid, typed rows per table when nothing failed (a file evaluated without storing, e.g.
    ``chainatlas consolidate``); ``check_parties`` off accepts enterprises the database does not know.
    ``engine`` is the database to check against and write to; only a dry run with a ``context`` needs none.
    """
    files = [Path(p) for p in paths]
    names = display_names or {}
    report = ImportReport([names.get(str(p), p.name) for p in files], dry_run)
    settings = get_settings()
    today = dt.date.today()
    tmpdir = Path(tempfile.mkdtemp(prefix="chainatlas-import-"))
    parts = _plan(files, table, encoding, report)
    try:
        if context is None:
            with _required(engine).connect() as conn:
                ctx = build_context(conn)
        else:
            ctx = context
        ctx.only_party = only_party
        matcher = SegmentMatcher.from_chains(load_chains())
        txn_partials: list[pl.DataFrame] = []
        seen_names: dict[str, tuple[str, int, str]] = {}
        for tname in S.IMPORT_ORDER:
            t = S.TABLES[tname]
            for part in (p for p in parts if p.table == tname):
                sh = part.sheet
                label = names.get(str(sh.path), sh.path.name)
                originals = {v: k for k, v in part.rename.items()}
                if tname == "transactions" and not keep_lines and not only_party:
                    fast = aggregate_lines_fast(sh, part.rename, ctx, matcher, period, label)
                    if fast is not None:  # every line valid: no need for the row-by-row pass
                        report.rows_read += fast.lines
                        report.rows[tname] = report.rows.get(tname, 0) + fast.lines
                        txn_partials.append(fast.links)
                        for step, took in fast.seconds.items():
                            report.seconds[step] = report.seconds.get(step, 0.0) + took
                        if progress:
                            progress(fast.lines, label)
                        continue
                try:
                    for i, batch in enumerate(sh.batches(settings.import_batch_rows)):
                        batch = batch.select([LINE, *part.rename]).rename(part.rename)
                        res = validate_batch(batch, t, ctx, file=label, sheet=sh.name, original_headers=originals,
                                             references=REFERENCES.get(tname, ()) if check_parties else (),
                                             listed_so_far=len(report.problems))
                        report.rows_read += batch.height
                        valid = _defaults(res.valid, t, label, today)
                        if tname == "enterprises":
                            valid, extra = _name_conflicts(valid, seen_names, label, sh.name, originals)
                            for p in extra:
                                res.problems.append(p)
                                res.n_problems += 1
                                res.n_bad += 1
                            ctx.known_parties.update(valid["uscc"].to_list())
                        if tname in REFERRED:
                            ctx.known_keys.setdefault(tname, set()).update(valid[t.keys[0]].to_list())
                        report.problems.extend(res.problems[: max(0, MAX_LISTED - len(report.problems))])
                        report.n_problems += res.n_problems
                        report.rows_invalid += res.n_bad
                        report.rows[tname] = report.rows.get(tname, 0) + valid.height
                        if tname == "transactions":
                            valid = _with_segment_and_period(valid, matcher, period)
                            txn_partials.append(_aggregate(valid))
                            if keep_lines:
                                spill = tmpdir / f"{id(part)}-{i}.parquet"
                                _line_rows(valid).write_parquet(spill)
                                part.spill.append(spill)
                        else:
                            spill = tmpdir / f"{id(part)}-{i}.parquet"
                            # plain tables keep the line: checks across rows (stock) point at it
                            (valid if tname in PLAIN_TABLES else valid.drop(LINE)).write_parquet(spill)
                            part.spill.append(spill)
                        if progress:
                            progress(batch.height, label)
                except ReadError as exc:
                    report.problems.append(exc.problem)
                    report.n_problems += 1
        if engine is not None and any(p.table in ("warehouse_receipts", "warehouse_orders") for p in parts):
            for problem in _stock_problems(engine, parts, names):
                report.problems.append(problem)
                report.n_problems += 1
        links = None
        if txn_partials:
            links = txn_partials[0] if len(txn_partials) == 1 else _aggregate(pl.concat(txn_partials, how="diagonal_relaxed"))
        report.links_from_transactions = 0 if links is None else links.height
        if links_out is not None and links is not None and (skip_invalid or not report.n_problems):
            began = time.perf_counter()
            links.drop("lines").write_parquet(links_out, compression="snappy")  # snappy: as DuckDB and Spark write
            report.seconds["links_file"] = time.perf_counter() - began
        if report.n_problems and write_reports and files:
            report.report_paths = [str(p) for p in write_report(report.problems, files[0])]
        if collect is not None and not report.n_problems:
            for part in parts:
                collect.setdefault(part.table, []).extend(pl.read_parquet(spill) for spill in part.spill)
        if (report.n_problems and not skip_invalid) or dry_run:
            return report
        with _required(engine).begin() as conn:
            for tname in S.IMPORT_ORDER:
                for part in (p for p in parts if p.table == tname):
                    for spill in part.spill:
                        frame = pl.read_parquet(spill)
                        if tname == "transactions":
                            report.lines_kept += frame.height
                        _write(conn, tname, frame)
            if links is not None:
                _write(conn, "supply_links", links.drop("lines"))
            report.job_id = _record_job(conn, report)
        report.written = True
        return report
    finally:
        for part in parts:
            part.sheet.cleanup()
        shutil.rmtree(tmpdir, ignore_errors=True)


def _stock_problems(engine: Engine, parts: list[_Part], names: dict[str, str]) -> list[Problem]:
    """Orders of the import that ship more pieces of an exporter's SKU than the warehouse holds (receipts and orders
    stored and in the import together): one problem per order line on the first day the stock would go below zero."""
    from chainatlas.warehouse import ledger, store

    stored = store.frames(engine)
    new: dict[str, list[pl.DataFrame]] = {"warehouse_receipts": [], "warehouse_orders": []}
    where: list[tuple[str, str]] = []
    for part in parts:
        if part.table in new:
            for spill in part.spill:
                frame = pl.read_parquet(spill)
                if part.table == "warehouse_orders":
                    frame = frame.with_columns(pl.lit(len(where)).alias("__part"))
                    where.append((names.get(str(part.sheet.path), part.sheet.path.name), part.sheet.name))
                new[part.table].append(frame)
    imported = {t: pl.concat(fs, how="diagonal_relaxed") for t, fs in new.items() if fs}
    receipts_new = imported.get("warehouse_receipts")
    receipts = stored["receipts"] if receipts_new is None else pl.concat([stored["receipts"], _like(receipts_new, stored["receipts"])])
    orders_new = imported.get("warehouse_orders")
    if orders_new is None:
        return []
    known = set(orders_new["order_id"].to_list())
    before = stored["orders"].filter(~pl.col("order_id").is_in(list(known)))  # a re-imported order replaces itself
    orders = pl.concat([before, _like(orders_new, stored["orders"])])
    short = ledger.shortfalls(receipts, orders)
    if not short.height:
        return []
    first = short.group_by(ledger.KEYS).agg(pl.col("day").min().alias("short_from"), pl.col("missing").max())
    bad = orders_new.join(first, on=ledger.KEYS).filter(pl.col("shipped_on") == pl.col("short_from"))
    problems = []
    for r in bad.sort(LINE).iter_rows(named=True):
        file, sheet = where[r["__part"]]
        problems.append(Problem(file, sheet, int(r[LINE]), S.WAREHOUSE_ORDERS.column("quantity").zh, str(r["quantity"]),
                                f"库存不足：{r['exporter_uscc']} 的货号 {r['sku']} 在 {r['short_from']} 起缺 {r['missing']} 件"
                                "（已存与本次导入的出入库合计）",
                                f"not enough stock: {r['exporter_uscc']}'s SKU {r['sku']} is {r['missing']} pieces short from "
                                f"{r['short_from']} (stored and imported movements together)"))
    return problems


def _like(frame: pl.DataFrame, model: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the columns and types of ``model`` (a column it lacks is null)."""
    return frame.select([(pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c) for c, t in model.schema.items()])


def _defaults(frame: pl.DataFrame, t: S.TableSpec, label: str, today: dt.date) -> pl.DataFrame:
    """Fill the columns a file may leave out: source (file name), as_of (import date), and the rest."""
    cols = set(frame.columns)
    add: list[pl.Expr] = []
    if "source" in {c.name for c in t.columns}:
        add.append((pl.col("source").fill_null(label) if "source" in cols else pl.lit(label)).alias("source"))
    if "as_of" in {c.name for c in t.columns}:
        add.append((pl.col("as_of").fill_null(today) if "as_of" in cols else pl.lit(today)).alias("as_of"))
    if t.name == "enterprises":
        add.append((pl.col("country_code").fill_null("CN") if "country_code" in cols else pl.lit("CN")).alias("country_code"))
    if t.name == "placements":
        add.append((pl.col("evidence").fill_null("declared") if "evidence" in cols else pl.lit("declared")).alias("evidence"))
        add.append((pl.col("confidence").fill_null(1.0) if "confidence" in cols else pl.lit(1.0)).alias("confidence"))
    if t.name == "supply_links":
        for c in ("segment_code", "product"):
            add.append((pl.col(c).fill_null("") if c in cols else pl.lit("")).alias(c))
    return frame.with_columns(add) if add else frame


def _name_conflicts(
    frame: pl.DataFrame, seen: dict[str, tuple[str, int, str]], label: str, sheet: str, originals: dict[str, str]
) -> tuple[pl.DataFrame, list[Problem]]:
    """One USCC with two different names in one import is an error on the later row."""
    problems: list[Problem] = []
    keep: list[bool] = []
    for uscc, name, line in frame.select("uscc", "name", LINE).iter_rows():
        prev = seen.get(uscc)
        if prev and prev[0] != name:
            problems.append(Problem(label, sheet, int(line), originals.get("name", "name"), name,
                                    f"同一统一社会信用代码 {uscc} 对应两个不同名称（另见 {prev[2]} 第{prev[1]}行「{prev[0]}」）",
                                    f"USCC {uscc} has two different names (see {prev[2]} row {prev[1]} '{prev[0]}')"))
            keep.append(False)
        else:
            seen.setdefault(uscc, (name, int(line), label))
            keep.append(True)
    return frame.filter(pl.Series(keep, dtype=pl.Boolean)), problems


def _with_segment_and_period(frame: pl.DataFrame, matcher: SegmentMatcher, period: str) -> pl.DataFrame:
    """Segment of each line (from its goods name / tax code) and its period (year or quarter)."""
    if "goods_tax_code" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("goods_tax_code"))
    keys = frame.select("goods_name", "goods_tax_code").unique()
    seg = [matcher.match(g, c) for g, c in keys.iter_rows()]
    keys = keys.with_columns(pl.Series("segment_code", seg, dtype=pl.String))
    year = pl.col("invoice_date").dt.year().cast(pl.String)
    per = year if period == "year" else year + pl.lit("Q") + pl.col("invoice_date").dt.quarter().cast(pl.String)
    return frame.join(keys, on=["goods_name", "goods_tax_code"], how="left", nulls_equal=True).with_columns(
        per.alias("period")
    )


def _aggregate(frame: pl.DataFrame) -> pl.DataFrame:
    """Σ amount (tax excluded) per supplier, buyer, period, segment and source."""
    if "value_yuan" in frame.columns:  # a partial aggregate: add partials up
        return frame.group_by("supplier_uscc", "buyer_uscc", "period", "segment_code", "source").agg(
            pl.col("value_yuan").sum(), pl.col("lines").sum(), pl.lit("").alias("product"))
    return frame.group_by(
        pl.col("seller_uscc").alias("supplier_uscc"), "buyer_uscc", "period", "segment_code",
        pl.lit("transactions:").add(pl.col("source")).alias("source"),
    ).agg(pl.col("amount_yuan").sum().round(2).alias("value_yuan"), pl.len().alias("lines"), pl.lit("").alias("product"))


def _line_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Raw lines kept with --keep-lines, keyed by a hash of their content."""
    cols = ["seller_uscc", "buyer_uscc", "invoice_no", "invoice_date", "amount_yuan", "tax_yuan", "goods_name",
            "goods_tax_code", "source"]
    for c in cols:
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(c))
    frame = frame.select(cols)
    key = pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in cols[:-1]], separator="|")
    return frame.with_columns(key.map_elements(_sha1, return_dtype=pl.String).alias("line_id"))


def _sha1(s: str) -> str:
    import hashlib

    return hashlib.sha1(s.encode()).hexdigest()


POSTING_TABLES = {"tech_demands": (db.collab_demand, "demand_id"), "tech_capabilities": (db.collab_capability, "capability_id"),
                  "internships": (db.internship, "internship_id")}


def posting_rows(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of ``tech_demands``, ``tech_capabilities`` or ``internships`` as the database keeps them: a demand's state
    defaults to draft and its visibility to public, a capability is active, the chain follows the segment, the invited
    USCCs are joined with 、, and both carry the time they were written (an import and the workbench alike)."""
    if table == "internships":
        return rows
    now = utcnow()
    names = [c.name for c in S.TABLES[table].columns]
    out = []
    for r in rows:
        row = {k: r.get(k) for k in names}
        if not row.get("chain_id") and row.get("segment_code"):
            row["chain_id"] = str(row["segment_code"]).split(".")[0]
        if table == "tech_demands":
            row["state"] = row.get("state") or "draft"
            row["visibility"] = row.get("visibility") or "public"
            row["invited"] = "、".join(split_codes(row.get("invited"))) or None
        else:
            row["state"] = row.get("state") or "active"
        out.append({**row, "created_at": now, "updated_at": now})
    return out
ENTERPRISE_ATTRS = [c.name for c in S.ENTERPRISES.columns if c.name not in ("uscc", "source", "as_of")]


def _rows(frame: pl.DataFrame) -> Iterator[list[dict[str, Any]]]:
    for chunk in frame.iter_slices(WRITE_CHUNK):
        yield chunk.to_dicts()


def _write(conn: Connection, tname: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    if tname == "enterprises":
        _write_enterprises(conn, frame)
    elif tname == "enterprise_profiles":
        _write_attributes(conn, frame, [c.name for c in S.PROFILES.columns if c.name not in ("uscc", "source", "as_of")])
    elif tname == "placements":
        for rows in _rows(frame):
            db.upsert(conn, db.placement, rows, ["uscc", "segment_code"])
    elif tname == "supply_links":
        keep = [c.name for c in S.SUPPLY_LINKS.columns if c.name in frame.columns]
        for rows in _rows(frame.select(keep)):
            db.upsert(conn, db.supply_link, rows, list(S.SUPPLY_LINKS.keys))
    elif tname == "transactions":
        for rows in _rows(frame):
            db.upsert(conn, db.transaction_line, rows, ["line_id"])
    elif tname == "official_statistics":
        for rows in _rows(frame):
            db.upsert(conn, db.official_statistic, rows, ["indicator_id", "period"])
    elif tname in PLAIN_TABLES:
        table, keys = PLAIN_TABLES[tname]
        if tname == "shipment_cartons":  # a shipment's cartons are replaced as a whole: no stale size lines remain
            ids = frame["request_id"].unique().to_list()
            for start in range(0, len(ids), WRITE_CHUNK):
                conn.execute(table.delete().where(table.c.request_id.in_(ids[start:start + WRITE_CHUNK])))
        names = [c for c in frame.columns if c in table.c]
        for rows in _rows(frame.select(names)):
            db.upsert(conn, table, rows, list(keys))
    elif tname in POSTING_TABLES:
        table, key = POSTING_TABLES[tname]
        for rows in _rows(frame):
            db.upsert(conn, table, posting_rows(tname, rows), [key])


def _write_enterprises(conn: Connection, frame: pl.DataFrame) -> None:
    """Upsert enterprises: a newer ``as_of`` wins, blank cells never erase known values, and every
    attribute value is kept in ``enterprise_attribute`` with its source and as-of date (history)."""
    from sqlalchemy.dialects import postgresql, sqlite

    t = db.enterprise
    present = [c for c in frame.columns if c in t.c]
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(t)
    update = {c: func.coalesce(stmt.excluded[c], t.c[c]) for c in present if c != "uscc"}
    stmt = stmt.on_conflict_do_update(index_elements=["uscc"], set_=update, where=t.c.as_of <= stmt.excluded.as_of)
    for rows in _rows(frame.select(present)):
        conn.execute(stmt, rows)
    _write_attributes(conn, frame, ENTERPRISE_ATTRS)


def _write_attributes(conn: Connection, frame: pl.DataFrame, names: list[str]) -> None:
    """Attribute values, one row per (enterprise, attribute, as-of date, source): the history the rules read."""
    attrs = [c for c in names if c in frame.columns]
    if not attrs:
        return
    long = frame.select("uscc", "source", "as_of", *[pl.col(a).cast(pl.String) for a in attrs]).unpivot(
        index=["uscc", "source", "as_of"], on=attrs, variable_name="attribute", value_name="value"
    ).filter(pl.col("value").is_not_null())
    for rows in _rows(long):
        db.upsert(conn, db.enterprise_attribute, rows, ["uscc", "attribute", "as_of", "source"])


def _record_job(conn: Connection, report: ImportReport) -> int:
    summary = {"rows": report.rows, "rows_read": report.rows_read, "rows_invalid": report.rows_invalid,
               "n_problems": report.n_problems, "links_from_transactions": report.links_from_transactions,
               "lines_kept": report.lines_kept}
    res = conn.execute(db.import_job.insert().values(
        created_at=utcnow(), files=json.dumps(report.files, ensure_ascii=False),
        status="written" if report.n_problems == 0 else "written-skipping-invalid",
        summary=json.dumps(summary, ensure_ascii=False)))
    pk = res.inserted_primary_key
    return int(pk[0]) if pk else 0
