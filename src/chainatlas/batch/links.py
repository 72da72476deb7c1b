"""Invoice lines → supply links as a batch job, on one machine (``local``) or on Spark (``spark``).

Both engines apply the exchange spec's rules for ``transactions`` as :func:`~chainatlas.exchange.validate.column_rules`
declares them (compiled to Polars or to Spark from :mod:`chainatlas.expr`), require every seller and buyer to be a
known enterprise with a valid USCC (:func:`~chainatlas.exchange.validate.party_ok_rule`), give each distinct goods
line its segment with the same :class:`~chainatlas.chains.infer.SegmentMatcher`, and sum the amounts per supplier,
buyer, period, segment and source (Σ amount, tax excluded, rounded half to even to the fen).

Spark plan: (1) every line's rule flags and parsed keys, grouped by seller, buyer, year[, quarter], goods and source
(one shuffle); (2) the distinct parties and goods of the groups — parties checked against the known enterprises,
goods given their segments on the driver; (3) if nothing is wrong, the groups regrouped per segment and written.
Only when something is wrong does a second pass number the lines and write every problem (file, row, column, value,
rule, zh/en) to ``rejects/``. All-or-nothing: with rejects, ``links/`` is written only with ``keep_valid`` (the
valid lines' links). The commit marker (:mod:`chainatlas.batch.output`) is written last.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chainatlas import expr as X
from chainatlas.batch import output as O
from chainatlas.exchange.problems import Problem
from chainatlas.exchange.spec import TRANSACTIONS
from chainatlas.exchange.validate import Context, Rule, column_rules, party_ok_rule, reference_rule

Phase = Callable[[str], None]
PARTIES = ("seller_uscc", "buyer_uscc")
KEYS = ("seller_uscc", "buyer_uscc", "goods_name", "goods_tax_code", "source")  # grouped on, checked per group
REJECT_COLUMNS = ("file", "row", "column", "value", "rule", "reason_zh", "reason_en")


@dataclass
class Summary:
    """What a run did; written as the commit marker."""

    engine: str
    inputs: list[str]
    output: str
    lines: int = 0
    lines_rejected: int = 0
    problems: int = 0
    links: int = 0
    written: bool = False
    keep_valid: bool = False
    period: str = "year"
    seconds: float = 0.0
    master: str | None = None
    started: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


def batch_context(known: Iterable[str], today: dt.date | None = None) -> Context:
    """The context of a database-free run: code lists shipped with the package and the ``known`` enterprises."""
    from chainatlas.chains.templates import load_chains
    from chainatlas.registry.codes import country_codes, industries

    chains = load_chains()
    segments = frozenset(c.full_code(s.code) for c in chains for s in c.segments)
    return Context(frozenset(), {i.code: i.code for i in industries()}, country_codes(), segments,
                   frozenset(c.id for c in chains), set(known), today=today or dt.date.today())


def _label(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


# ---- local engine -----------------------------------------------------------------------------------------------

def local_links(inputs: list[str], output: str, ctx: Context, *, period: str = "year", keep_valid: bool = False,
                phase: Phase | None = None) -> Summary:
    """Today's fast path (:func:`~chainatlas.exchange.importer.import_files` in batch mode) writing the batch layout.

    Rejects are the import's listed problems (at most ``MAX_LISTED``; ``problems`` counts them all)."""
    import polars as pl

    from chainatlas.exchange.importer import import_files

    t0 = time.perf_counter()
    out = Path(output)
    summary = Summary("local", inputs, output, keep_valid=keep_valid, period=period)
    out.mkdir(parents=True, exist_ok=True)
    (out / O.MARKER).unlink(missing_ok=True)
    for sub in (O.LINKS, O.REJECTS):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir()
    if phase:
        phase("checking and aggregating")
    links_file = out / O.LINKS / "part-00000.parquet"
    report = import_files(inputs, table="transactions", dry_run=True, context=ctx, links_out=links_file, period=period,
                          write_reports=False, skip_invalid=keep_valid, engine=None)
    summary.lines = report.rows_read
    summary.lines_rejected = report.rows_invalid
    summary.problems = report.n_problems
    code, per_value = _rule_codes(ctx)
    rejects = pl.DataFrame([{"file": p.file, "row": p.row, "column": p.column, "value": p.value,
                             "rule": code.get(p.reason_en, per_value if p.value else "header"),
                             "reason_zh": p.reason_zh, "reason_en": p.reason_en} for p in report.problems],
                           schema=dict.fromkeys(REJECT_COLUMNS, pl.String) | {"row": pl.Int64})
    rejects.write_parquet(out / O.REJECTS / "part-00000.parquet")
    if links_file.exists():
        summary.links = pl.scan_parquet(links_file).select(pl.len()).collect().item()
        summary.written = True
    summary.seconds = round(time.perf_counter() - t0, 3)
    (out / O.MARKER).write_text(summary.to_json(), encoding="utf-8")
    return summary


def _rule_codes(ctx: Context) -> tuple[dict[str, str], str]:
    """Reason (English) → rule code, for the problems the row-by-row import reports, and the code of the rule whose
    reasons are per value (the USCC's: which character is wrong). Any other reason is a header problem (no value)."""
    names = [c.name for c in TRANSACTIONS.columns]
    rules, _ = column_rules(TRANSACTIONS, names, dict.fromkeys(names, X.TEXT), ctx)
    per_value = {r.code for r in rules if r.detail is not None}
    assert len(per_value) == 1, per_value  # one kind of per-value reason, or the rejects could not tell them apart
    return {r.reason_en: r.code for r in [*rules, *(reference_rule(p) for p in PARTIES)]}, per_value.pop()


# ---- Spark engine -----------------------------------------------------------------------------------------------

def spark_input_type(dtype: Any) -> str:
    """What the rules need to know of a Spark column type (see :func:`chainatlas.exchange.validate.input_type`)."""
    from pyspark.sql import types as T

    if isinstance(dtype, T.StringType):
        return X.TEXT
    if isinstance(dtype, T.DateType):
        return X.DATE
    if isinstance(dtype, T.TimestampType | T.TimestampNTZType):
        return X.DATETIME
    if isinstance(dtype, T.BooleanType):
        return X.BOOLEAN
    return X.NUMERIC if isinstance(dtype, T.NumericType) else X.TEXT


@dataclass
class _Input:
    uri: str
    label: str
    kind: str  # parquet or csv
    frame: Any  # renamed to the spec's column names
    headers: dict[str, str]  # spec name → the file's header
    rules: list[Rule]
    parsed: dict[str, X.Expr]


def _read(spark: Any, uri: str, fmt: str | None, encoding: str) -> tuple[Any, str]:
    kind = fmt or ("csv" if uri.lower().endswith((".csv", ".csv.gz", ".txt")) else "parquet")
    if kind == "csv":
        return spark.read.options(header=True, inferSchema=False, encoding=encoding, mode="PERMISSIVE").csv(uri), kind
    return spark.read.parquet(uri), kind


def _prepare(spark: Any, uris: list[str], ctx: Context, fmt: str | None, encoding: str) -> tuple[list[_Input], list[Problem]]:
    from chainatlas.exchange.importer import column_mapping

    inputs: list[_Input] = []
    problems: list[Problem] = []
    for uri in uris:
        frame, kind = _read(spark, uri, fmt, encoding)
        label = _label(uri)
        headers = [h.lstrip("\ufeff") for h in frame.columns]
        frame = frame.toDF(*headers)
        rename, found = column_mapping(TRANSACTIONS, headers, label, "", "--engine spark")
        problems += found
        if any(c not in rename.values() for c in TRANSACTIONS.required):
            continue
        frame = frame.select([frame[f"`{h}`"].alias(n) for h, n in rename.items()])
        present = list(rename.values())
        dtypes = {c: spark_input_type(frame.schema[c].dataType) for c in present}
        rules, parsed = column_rules(TRANSACTIONS, present, dtypes, ctx)
        rules += [reference_rule(p) for p in PARTIES]
        inputs.append(_Input(uri, label, kind, frame, {n: h for h, n in rename.items()}, rules, parsed))
    return inputs, problems


def _groups(inp: _Input, period: str, flags: bool) -> Any:
    """Σ amount and lines per supplier, buyer, year[, quarter], goods line and source, keys as the spec parses them;
    with ``flags``, ``bad`` counts the lines that break a rule (party codes are checked later, once per distinct code:
    their flags are off here).

    As in the local fast path, lines are grouped on their raw key cells first and the key columns' rules and parsing
    run once per group (far fewer than lines): only the other columns' rules run per line. Keys that normalise alike
    (a code in lower case, a name with a trailing space) meet again in the links' own group-by."""
    from pyspark.sql import functions as F

    offs = {f"__{w}_{p}": F.lit(False) for p in PARTIES for w in ("bad", "unknown")}
    p = inp.parsed
    date = X.to_spark(p["invoice_date"])
    frame = inp.frame.withColumns({k: F.lit(None).cast("string") for k in KEYS if k not in p} | offs)
    per_line = [r.bad for r in inp.rules if r.column not in KEYS]
    lines = frame.select(*KEYS, F.year(date).alias("__year"),
                         (F.quarter(date) if period != "year" else F.lit(0)).alias("__quarter"),
                         X.to_spark(p["amount_yuan"]).alias("amount_yuan"),
                         *([X.to_spark(X.any_of(per_line)).cast("long").alias("__bad")] if flags else []))
    raw = lines.groupBy(*KEYS, "__year", "__quarter").agg(
        F.sum("amount_yuan").alias("value_yuan"), F.count(F.lit(1)).alias("lines"),
        *([F.sum("__bad").alias("__bad")] if flags else []))
    raw = raw.withColumns(offs)
    key_bad = X.to_spark(X.any_of(r.bad for r in inp.rules if r.column in KEYS))
    parsed = {k: X.to_spark(p[k]) if k in p else F.lit(None).cast("string") for k in KEYS}
    return raw.select(parsed["seller_uscc"].alias("supplier_uscc"), parsed["buyer_uscc"].alias("buyer_uscc"), "__year",
                      "__quarter", parsed["goods_name"].alias("goods_name"), parsed["goods_tax_code"].alias("goods_tax_code"),
                      F.coalesce(parsed["source"], F.lit(inp.label)).alias("source"), "value_yuan", "lines",
                      *([F.greatest(F.col("__bad"), F.when(key_bad, F.col("lines")).otherwise(0)).alias("bad")] if flags else []))


def _segments(spark: Any, goods: list[tuple[str | None, str | None]]) -> Any:
    from chainatlas.chains.infer import SegmentMatcher
    from chainatlas.chains.templates import load_chains

    matcher = SegmentMatcher.from_chains(load_chains())
    rows = [(g, c, matcher.match(g, c) if g is not None else None) for g, c in goods]
    return spark.createDataFrame(rows, "goods_name string, goods_tax_code string, segment_code string")


def _known(spark: Any, known: str | None, ctx: Context) -> Any:
    """The known enterprises as a one-column frame ``code``: from a Parquet/CSV file with a ``uscc`` column, else the
    context's set."""
    if known:
        frame, _ = _read(spark, known, None, "utf-8")
        column = next(c for c in frame.columns if c.lstrip("\ufeff") in ("uscc", "统一社会信用代码"))
        return frame.select(frame[f"`{column}`"].alias("code")).distinct()
    return spark.createDataFrame([(c,) for c in sorted(ctx.known_parties)], "code string")


def _links(groups: Any, segments: Any, period: str) -> Any:
    from pyspark.sql import functions as F

    year = F.col("__year").cast("string")
    per = year if period == "year" else F.concat(year, F.lit("Q"), F.col("__quarter").cast("string"))
    joined = groups.join(F.broadcast(segments), on=[groups.goods_name.eqNullSafe(segments.goods_name),
                                                   groups.goods_tax_code.eqNullSafe(segments.goods_tax_code)], how="left")
    return (joined.groupBy(groups.supplier_uscc, groups.buyer_uscc, per.alias("period"), segments.segment_code,
                           F.concat(F.lit("transactions:"), groups.source).alias("source"))
            .agg(F.bround(F.sum("value_yuan"), 2).alias("value_yuan"))
            .select("supplier_uscc", "buyer_uscc", "period", "segment_code", "source", "value_yuan",
                    F.lit("").alias("product")))


def spark_links(spark: Any, inputs: list[str], output: str, ctx: Context, *, known: str | None = None,
                period: str = "year", keep_valid: bool = False, fmt: str | None = None, encoding: str = "utf-8",
                phase: Phase | None = None) -> Summary:
    """Invoice lines at ``inputs`` (Parquet or CSV URIs) → ``output``/links, rejects and the commit marker, on Spark.

    ``known`` is a Parquet/CSV URI of the known enterprises (column ``uscc``); without it, ``ctx.known_parties``."""
    from pyspark.sql import functions as F
    from pyspark.storagelevel import StorageLevel

    from chainatlas.batch import spark as S

    t0 = time.perf_counter()
    say = phase or (lambda _: None)
    summary = Summary("spark", inputs, output, keep_valid=keep_valid, period=period, master=spark.sparkContext.master)
    S.delete(spark, O.join(output, O.MARKER))  # from here on, the folder is not a complete output
    for sub in (O.LINKS, O.REJECTS):
        S.delete(spark, O.join(output, sub))
    say("reading")
    prepared, header_problems = _prepare(spark, inputs, ctx, fmt, encoding)
    known_codes = _known(spark, known, ctx).persist(StorageLevel.MEMORY_AND_DISK)
    say("checking and grouping lines")
    groups = None
    for inp in prepared:
        g = _groups(inp, period, True)
        groups = g if groups is None else groups.unionByName(g)
    bad_codes: dict[str, str] = {}
    if groups is not None:
        groups = groups.persist(StorageLevel.MEMORY_AND_DISK)
        totals = groups.agg(F.sum("lines"), F.sum("bad")).first()
        summary.lines, bad_lines = int(totals[0] or 0), int(totals[1] or 0)
        say("checking parties")
        codes = (groups.select(F.col("supplier_uscc").alias("code")).union(groups.select(F.col("buyer_uscc").alias("code")))
                 .dropna().distinct())
        checked = codes.withColumn("valid", X.to_spark(party_ok_rule("code", True)))
        unknown = checked.filter("valid").join(known_codes, on="code", how="left_anti").withColumn("why", F.lit("unknown"))
        invalid = checked.filter(~F.col("valid")).withColumn("why", F.lit("invalid"))
        bad_codes = {r["code"]: r["why"] for r in invalid.unionByName(unknown).select("code", "why").collect()}
    else:
        bad_lines = 0
    clean = not header_problems and not bad_lines and not bad_codes
    rejects_uri = O.join(output, O.REJECTS)
    write_links = groups is not None and (clean or (keep_valid and not header_problems))
    if not clean:
        say("writing rejects")
        rejects, valid_groups = _rejects(spark, prepared, header_problems, bad_codes, period, keep_valid)
        rejects = rejects.persist(StorageLevel.MEMORY_AND_DISK)
        rejects.write.mode("overwrite").parquet(rejects_uri)
        counts = rejects.agg(F.count(F.lit(1)), F.countDistinct("file", "row")).first()
        summary.problems, summary.lines_rejected = int(counts[0]), int(counts[1])
        rejects.unpersist()
        if write_links and groups is not None:
            groups.unpersist()
            groups = valid_groups.persist(StorageLevel.MEMORY_AND_DISK) if valid_groups is not None else None
    else:
        spark.createDataFrame([], ", ".join(f"{c} {'bigint' if c == 'row' else 'string'}" for c in REJECT_COLUMNS)) \
            .write.mode("overwrite").parquet(rejects_uri)
    if write_links and groups is not None:
        say("segments and links")
        goods = [(r[0], r[1]) for r in groups.select("goods_name", "goods_tax_code").distinct().collect()]
        links = _links(groups, _segments(spark, goods), period)
        links.write.mode("overwrite").parquet(O.join(output, O.LINKS))
        summary.links = spark.read.parquet(O.join(output, O.LINKS)).count()
        summary.written = True
    if groups is not None:
        groups.unpersist()
    known_codes.unpersist()
    summary.seconds = round(time.perf_counter() - t0, 3)
    S.write_text(spark, O.join(output, O.MARKER), summary.to_json())
    say("committed")
    return summary


def _numbered(spark: Any, inp: _Input) -> Any:
    """The input's lines with ``__row``: the line number of a CSV file (the header is line 1), the 1-based row of a
    Parquet file, as the row-by-row import names them."""
    from pyspark.sql import functions as F

    if inp.kind == "parquet":  # the file source's hidden _metadata column is there only before a projection
        raw = spark.read.parquet(inp.uri)
        original = {h.lstrip("\ufeff"): h for h in raw.columns}
        return raw.select(*[raw[f"`{original[h]}`"].alias(n) for n, h in inp.headers.items()],
                          (F.col("_metadata.row_index") + 1).alias("__row"), F.col("_metadata.file_name").alias("__file"))
    first = 2
    indexed = inp.frame.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1] + first))
    from pyspark.sql.types import LongType, StructType

    schema = StructType([*inp.frame.schema.fields]).add("__row", LongType())
    return spark.createDataFrame(indexed, schema).withColumn("__file", F.lit(inp.label))


def _rejects(spark: Any, prepared: list[_Input], header_problems: list[Problem], bad_codes: dict[str, str], period: str,
             keep_valid: bool) -> tuple[Any, Any]:
    """Every problem of every line (file, row, column, value, rule, zh, en), and the groups of the valid lines."""
    from pyspark.sql import functions as F

    from chainatlas.exchange.validate import _uscc_detail

    invalid = sorted(c for c, why in bad_codes.items() if why == "invalid")
    unknown = sorted(c for c, why in bad_codes.items() if why == "unknown")
    detail = {c: _uscc_detail(c) for c in invalid}
    frames = []
    valid_groups = None
    for inp in prepared:
        numbered = _numbered(spark, inp)
        keys = {p: X.to_spark(inp.parsed[p]) for p in PARTIES}
        numbered = numbered.withColumns({f"__bad_{p}": keys[p].isin(invalid) if invalid else F.lit(False) for p in PARTIES}
                                        | {f"__unknown_{p}": keys[p].isin(unknown) if unknown else F.lit(False) for p in PARTIES})
        numbered = numbered.withColumn("__line_bad", X.to_spark(X.any_of(r.bad for r in inp.rules))).persist()
        entries = []
        for r in inp.rules:
            value = F.coalesce(F.col(f"`{r.column}`").cast("string"), F.lit(""))
            zh, en = F.lit(r.reason_zh), F.lit(r.reason_en)
            if r.detail is not None and detail:
                lookup = F.create_map(*[F.lit(x) for c, (dz, de) in detail.items() for x in (c, dz)])
                lookup_en = F.create_map(*[F.lit(x) for c, (dz, de) in detail.items() for x in (c, de)])
                key = X.to_spark(inp.parsed[r.column])
                zh, en = F.coalesce(F.try_element_at(lookup, key), zh), F.coalesce(F.try_element_at(lookup_en, key), en)
            entries.append(F.when(F.coalesce(X.to_spark(r.bad), F.lit(False)), F.struct(
                F.lit(inp.headers.get(r.column, r.column)).alias("column"), value.alias("value"), F.lit(r.code).alias("rule"),
                zh.alias("reason_zh"), en.alias("reason_en"))))
        found = (numbered.filter("__line_bad").select("__file", "__row", F.explode(F.filter(F.array(*entries), lambda e: e.isNotNull())).alias("p"))
                 .select(F.col("__file").alias("file"), F.col("__row").alias("row"), "p.*"))
        frames.append(found)
        if keep_valid:
            good = numbered.filter(~F.col("__line_bad")).drop("__line_bad")
            g = _groups(_Input(inp.uri, inp.label, inp.kind, good, inp.headers, inp.rules, inp.parsed), period, False)
            valid_groups = g if valid_groups is None else valid_groups.unionByName(g)
    header_rows = [(p.file, p.row, p.column, p.value, "header", p.reason_zh, p.reason_en) for p in header_problems]
    schema = "file string, row bigint, column string, value string, rule string, reason_zh string, reason_en string"
    rejects = spark.createDataFrame(header_rows, schema)
    for f in frames:
        rejects = rejects.unionByName(f)
    return rejects, valid_groups


def read_rejects(folder: Path) -> Any:
    """The rejects of a committed local output folder (Polars), refused where the job did not finish."""
    import polars as pl

    O.committed_summary(folder)
    parts = sorted((folder / O.REJECTS).glob("*.parquet"))
    return pl.read_parquet(parts) if parts else pl.DataFrame(schema=dict.fromkeys(REJECT_COLUMNS, pl.String))

