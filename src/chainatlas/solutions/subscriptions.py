"""What SMEs pay under their subscriptions (方案订阅记录), per calendar year and kind of spending — the recorded figures
the lightweight-transformation subsidy and the compute and model vouchers read in place of declared numbers.

A subscription is billed for every calendar month in which it runs on at least one day (from ``start_date`` to
``end_date``, or open-ended); spending in a year = ``monthly_yuan`` × months billed in that year. Deposits are
refundable and not counted. Scenarios ``compute`` and ``model`` count as compute and model spending; every other
scenario as lightweight digital transformation (docs/digital.md)."""

from __future__ import annotations

import datetime as dt

import polars as pl

KINDS = {"compute": "compute_spend_yuan", "model": "model_spend_yuan"}
LIGHTWEIGHT = "digital_spend_yuan"
SPEND_INPUTS = (LIGHTWEIGHT, *KINDS.values())


def months_billed(start: dt.date, end: dt.date | None, year: int) -> int:
    """Calendar months of ``year`` in which a subscription from ``start`` to ``end`` (None: still running) runs.

    >>> months_billed(dt.date(2025, 3, 15), None, 2025), months_billed(dt.date(2025, 3, 15), dt.date(2025, 3, 16), 2025)
    (10, 1)
    >>> months_billed(dt.date(2024, 6, 1), dt.date(2025, 2, 1), 2025), months_billed(dt.date(2026, 1, 1), None, 2025)
    (2, 0)
    """
    first, last = max(start, dt.date(year, 1, 1)), min(end or dt.date(year, 12, 31), dt.date(year, 12, 31))
    return max(0, (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1)


def months_expr(year: int) -> pl.Expr:
    """:func:`months_billed` over the columns ``start_date`` and ``end_date``."""
    first = pl.max_horizontal(pl.col("start_date"), pl.lit(dt.date(year, 1, 1)))
    last = pl.min_horizontal(pl.col("end_date").fill_null(dt.date(year, 12, 31)), pl.lit(dt.date(year, 12, 31)))
    n = (last.dt.year() * 12 + last.dt.month()) - (first.dt.year() * 12 + first.dt.month()) + 1
    return pl.max_horizontal(n.cast(pl.Int64), pl.lit(0))


def spend_in_year(subscriptions: pl.DataFrame, year: int) -> pl.DataFrame:
    """Per subscriber with a subscription running in ``year``: lightweight, compute and model spending in that year
    (yuan); a kind the firm has no subscription of is null, not zero (it stays as declared). ``subscriptions`` carry
    their offer's ``scenario``."""
    subs = subscriptions.with_columns(
        months_expr(year).alias("months"),
        pl.col("scenario").replace_strict(KINDS, default=LIGHTWEIGHT).alias("kind"))
    subs = subs.filter(pl.col("months") > 0).with_columns(
        (pl.col("monthly_yuan").cast(pl.Float64) * pl.col("months")).alias("spend"))
    if subs.is_empty():
        return pl.DataFrame(schema={"uscc": pl.String, **{k: pl.Float64 for k in SPEND_INPUTS}})
    wide = subs.group_by(pl.col("customer_uscc").alias("uscc"), "kind").agg(pl.col("spend").sum()).pivot(
        on="kind", index="uscc", values="spend")
    return wide.with_columns([pl.lit(None, pl.Float64).alias(k) for k in SPEND_INPUTS if k not in wide.columns]).select(
        "uscc", *SPEND_INPUTS).sort("uscc")
