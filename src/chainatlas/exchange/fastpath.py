"""Fast path for invoice lines: aggregate first, check each distinct value once.

A file of invoice lines repeats the same sellers, buyers and goods many times. This path streams the
file through Polars' streaming engine: it applies the per-row rules of
:func:`~chainatlas.exchange.validate.column_checks` to the columns that vary per line (date, amounts,
invoice number), counts the lines that break any of them (from Parquet in a light pass of its own, from CSV
within the one pass), and sums amounts per (seller, buyer, period, segment, source): a large Parquet file in
several passes, each over the sellers of one hash bucket (setting ``import_pass_lines``), which bounds memory. The same rules are applied to the *distinct* goods names, tax codes and sources, and
each distinct seller and buyer must be a known enterprise (known enterprises passed the USCC check
when they were imported). Each distinct goods line gets its segment before the pass.

If anything at all is wrong, or a key cell would need normalising (spaces, lower case), it returns
``None`` and the importer runs the row-by-row pass, which names every problem's row, column and value:
the all-or-nothing rule and the report are unchanged; only a clean file takes the short road.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import polars as pl

from chainatlas.chains.infer import SegmentMatcher
from chainatlas.exchange.readers import Sheet
from chainatlas.exchange.spec import TRANSACTIONS, Kind
from chainatlas.exchange.validate import Context, column_checks, parse_expr
from chainatlas.settings import get_settings

KEYS = ["seller_uscc", "buyer_uscc", "goods_name", "goods_tax_code", "source"]
# A Parquet file of at least MIN_SPLIT_LINES lines is grouped in at least MIN_PASSES passes: at `m` (2.5M lines)
# four passes brought the peak from 640 to 490 MB at no measured cost in time (docs/benchmarks.md)
MIN_SPLIT_LINES = 1_000_000
MIN_PASSES = 4


def grouping_passes(n_lines: int, lines_per_pass: int) -> int:
    """Passes that group a Parquet file of ``n_lines`` invoice lines: at most ``lines_per_pass`` lines each (setting
    ``import_pass_lines``), and at least ``MIN_PASSES`` for a file of ``MIN_SPLIT_LINES`` lines or more.

    >>> [grouping_passes(n, 4_000_000) for n in (20_000, 2_500_000, 12_646_182, 50_000_000)]
    [1, 4, 4, 13]
    """
    return max(-(-n_lines // lines_per_pass), MIN_PASSES if n_lines >= MIN_SPLIT_LINES else 1)


@dataclass
class FastResult:
    links: pl.DataFrame  # supplier_uscc, buyer_uscc, period, segment_code, source, value_yuan, lines, product
    lines: int
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per step, in the order they ran


def _scan(sheet: Sheet) -> pl.LazyFrame | None:
    if sheet.fmt == "parquet":
        return pl.scan_parquet(sheet.path)
    if sheet.fmt == "csv":
        src = sheet._tmp[0] if sheet._tmp else sheet.path
        return pl.scan_csv(src, infer_schema=False, encoding="utf8", missing_columns="insert")
    return None  # XLSX and JSONL are read row by row anyway


def _any_bad(frame: pl.DataFrame, columns: list[str], ctx: Context) -> bool:
    """Whether any rule of the exchange spec fails for ``columns`` of ``frame``."""
    if not columns or frame.height == 0:
        return False
    # party columns' own check (check character) is run by the caller on the same distinct values
    frame = frame.with_columns([pl.lit(False).alias(f"__bad_{c}") for c in columns
                                if TRANSACTIONS.column(c).kind in (Kind.uscc, Kind.party)])
    checks, _ = column_checks(TRANSACTIONS, columns, frame, ctx)
    if not checks:
        return False
    return bool(frame.select(pl.any_horizontal([c.bad.fill_null(False) for c in checks]).any()).item())


def _keys_ok(distinct: pl.DataFrame, k: str, ctx: Context) -> bool:
    """The spec's rules for key column ``k``, on its distinct values; cells needing normalisation fail."""
    kind = TRANSACTIONS.column(k).kind
    normalised = parse_expr(k, kind, pl.String(), ctx)
    if not distinct.select((normalised == pl.col(k)).or_(pl.col(k).is_null()).all()).item():
        return False  # would need trimming or upper-casing: leave it to the row-by-row pass
    return not _any_bad(distinct, [k], ctx)


def aggregate_lines_fast(
    sheet: Sheet, rename: dict[str, str], ctx: Context, matcher: SegmentMatcher, period: str, label: str
) -> FastResult | None:
    """Invoice lines of a Parquet file aggregated into supply links in one lazy Polars plan (batch mode)."""
    lf = _scan(sheet)
    if lf is None:
        return None
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def done(step: str) -> None:
        nonlocal clock
        seconds[step] = time.perf_counter() - clock
        clock = time.perf_counter()

    try:
        lf = lf.select(list(rename)).rename(rename)
        schema = lf.collect_schema()
        present = list(schema)
        if "goods_tax_code" not in present:
            lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias("goods_tax_code"))
        keys = [k for k in KEYS if k in present]
        # 1. distinct goods: checked once each, and given their segment
        goods = lf.select(pl.col("goods_name").cast(pl.String), pl.col("goods_tax_code").cast(pl.String)).unique().collect(engine="streaming")
        if not all(_keys_ok(goods.select(k), k, ctx) for k in ("goods_name", "goods_tax_code") if k in keys):
            return None
        goods = goods.with_columns(pl.Series("segment_code", [matcher.match(g, c) for g, c in goods.iter_rows()], dtype=pl.String))
        done("goods")
        # 2. per-line rules. From Parquet they are counted in a pass of their own (a few columns, no grouping:
        # cheap) — as an aggregate inside the group-by they cost more than the grouping itself. A CSV file is
        # parsed once only: there the count is an aggregate of the one pass.
        per_line = [c for c in present if c not in keys]
        probe = pl.DataFrame(schema={c: schema[c] for c in per_line})
        checks, parsed = column_checks(TRANSACTIONS, per_line, probe, ctx)
        bad_line = pl.any_horizontal([c.bad.fill_null(False) for c in checks] or [pl.lit(False)])
        own_pass = sheet.fmt == "parquet"
        # 3. amounts summed per supply link. Where each goods name has one segment (whatever its tax code),
        # the segment is a lookup on the name (a hash probe per line); else a join on name and tax code.
        # grouped on integer year (and quarter) and on the source only where the file has one: fewer and
        # cheaper hash keys; the period's text and the constant source are added to the links afterwards
        date = parsed["invoice_date"]
        when = [date.dt.year().alias("__year")] + ([date.dt.quarter().alias("__quarter")] if period != "year" else [])
        by_source = "source" in keys
        lines = lf.select(pl.col("seller_uscc").cast(pl.String).alias("supplier_uscc"), pl.col("buyer_uscc").cast(pl.String),
                          *when, pl.col("goods_name").cast(pl.String), pl.col("goods_tax_code").cast(pl.String),
                          *([pl.col("source").cast(pl.String).fill_null(label)] if by_source else []),
                          parsed["amount_yuan"].alias("amount_yuan"), *([] if own_pass else [bad_line.alias("__bad")]))
        if goods.select(pl.col("segment_code").n_unique().over("goods_name").max()).item() == 1:
            by_name = dict(zip(goods["goods_name"], goods["segment_code"], strict=True))
            lines = lines.with_columns(pl.col("goods_name").replace_strict(by_name, return_dtype=pl.String).alias("segment_code"))
        else:
            lines = lines.join(goods.lazy(), on=["goods_name", "goods_tax_code"], how="left", nulls_equal=True)
        group = ["supplier_uscc", "buyer_uscc", *(w.meta.output_name() for w in when), "segment_code",
                 *(["source"] if by_source else [])]
        year_text = pl.col("__year").cast(pl.String)

        def grouped(part: pl.Expr | None = None) -> pl.LazyFrame:
            return ((lines if part is None else lines.filter(part)).group_by(group)
                    .agg(pl.col("amount_yuan").sum().round(2).alias("value_yuan"), pl.len().alias("lines"),
                         *([] if own_pass else [pl.col("__bad").sum().alias("__bad")]))
                    .with_columns((year_text if period == "year" else year_text + pl.lit("Q") + pl.col("__quarter").cast(pl.String)).alias("period"),
                                  *([] if by_source else [pl.lit(label).alias("source")])))
        if own_pass:
            # A large file is grouped in passes, each over the sellers of one hash bucket: a link belongs to
            # exactly one pass, and each pass's table holds a fraction of the links (at `l`, 12.6M lines, the grouping
            # alone peaks at 1.8 GB in one pass and 1.1 GB in four; the whole import at 1.9 and 1.5 GB; docs/benchmarks.md). Re-reading Parquet columns is cheap; a CSV
            # file would be parsed again per pass, so it is grouped in one.
            n_lines = int(lf.select(pl.len()).collect().item())  # from the file's metadata
            passes = grouping_passes(n_lines, get_settings().import_pass_lines)
            bucket = pl.col("supplier_uscc").hash() % passes
            counted, links = pl.collect_all([lf.select(bad_line.sum()), grouped(bucket == 0 if passes > 1 else None)],
                                            engine="streaming")
            n_bad = int(counted.item())
            if passes > 1 and not n_bad:
                links = pl.concat([links, *(grouped(bucket == i).collect(engine="streaming") for i in range(1, passes))])
        else:
            links = grouped().collect(engine="streaming")
            n_bad = int(links["__bad"].sum())
            links = links.drop("__bad")
    except pl.exceptions.PolarsError:
        return None  # unreadable or oddly typed: the row-by-row pass reports it properly
    if n_bad:
        return None
    done("grouping")
    # 4. parties: every distinct code must be a known enterprise. Known enterprises passed the check
    # character when they were imported, and a code needing trimming or upper-casing is not among them,
    # so one anti-join settles it; a failure sends the file to the row-by-row pass, which says which.
    # Every code of every link is probed as it is, without taking the distinct codes first: building the
    # distinct set costs more than the probes it saves (at `l`, 1.7 s against 1.0 s, and 0.9 s on the streaming
    # engine; docs/benchmarks.md).
    known = pl.DataFrame({"code": pl.Series(list(ctx.known_parties), dtype=pl.String)})
    codes = pl.concat([links.lazy().select(pl.col(c).alias("code")) for c in ("supplier_uscc", "buyer_uscc")])
    if codes.join(known.lazy(), on="code", how="anti", nulls_equal=True).select(pl.len()).collect(engine="streaming").item():
        return None  # a null code is kept by the anti-join too (nulls_equal), so it also fails here
    if "source" in keys and not _keys_ok(links.select(pl.col("source").unique()), "source", ctx):
        return None
    links = links.select("supplier_uscc", "buyer_uscc", "period", "segment_code",
                         (pl.lit("transactions:") + pl.col("source")).alias("source"), "value_yuan", "lines",
                         pl.lit("").alias("product"))
    done("parties")
    return FastResult(links, int(links["lines"].sum()), seconds)
