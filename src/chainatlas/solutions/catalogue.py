"""The solution catalogue (轻量化解决方案目录): what an offer costs a firm over a term, search and side-by-side
comparison. Pure functions over the offers frame (columns of the ``solution_offers`` exchange table)."""

from __future__ import annotations

import polars as pl

SITE = "site"


def offer_costs(offers: pl.DataFrame, units: int = 1, months: int = 12) -> pl.DataFrame:
    """``offers`` with what each costs for ``units`` devices or seats over ``months``:

    * monthly = hardware lease per month + software price per unit per month × n, where n = ``units`` for per-seat and
      per-device prices and 1 for a per-site price;
    * term = the longer of ``months`` and the offer's shortest term (租期);
    * total = monthly × term (the refundable deposit is shown apart and not added).

    >>> o = pl.DataFrame({"offer_id": ["A", "B"], "hardware_monthly_yuan": [1000.0, None],
    ...                   "software_monthly_yuan": [50.0, 300.0], "software_unit": ["device", "site"],
    ...                   "lease_months": [24, None], "deposit_yuan": [3000.0, None]})
    >>> offer_costs(o, units=10, months=12).select("offer_id", "monthly_yuan", "term_months", "total_yuan").rows()
    [('A', 1500.0, 24, 36000.0), ('B', 300.0, 12, 3600.0)]
    """
    n = pl.when(pl.col("software_unit") == SITE).then(1).otherwise(units)
    monthly = pl.col("hardware_monthly_yuan").cast(pl.Float64).fill_null(0) + \
        pl.col("software_monthly_yuan").cast(pl.Float64).fill_null(0) * n
    term = pl.max_horizontal(pl.lit(months), pl.col("lease_months").cast(pl.Int64).fill_null(0))
    return offers.with_columns(monthly.alias("monthly_yuan"), term.alias("term_months")).with_columns(
        (pl.col("monthly_yuan") * pl.col("term_months")).alias("total_yuan"))


def search(offers: pl.DataFrame, *, scenario: str | None = None, segment: str | None = None, text: str | None = None,
           max_monthly: float | None = None, units: int = 1, months: int = 12) -> pl.DataFrame:
    """Offers for ``scenario`` fit for ``segment`` (made for it, or for any segment), whose name or description holds
    ``text``, costing at most ``max_monthly`` a month for ``units``; cheapest total first."""
    out = offer_costs(offers, units, months)
    if scenario:
        out = out.filter(pl.col("scenario") == scenario)
    if segment:
        out = out.filter(pl.col("segment_code").is_null() | (pl.col("segment_code") == segment))
    if text:
        hay = pl.concat_str([pl.col("name"), pl.col("description").fill_null("")], separator=" ").str.to_lowercase()
        out = out.filter(hay.str.contains(text.lower(), literal=True))
    if max_monthly is not None:
        out = out.filter(pl.col("monthly_yuan") <= max_monthly)
    return out.sort("total_yuan", "offer_id")


def compare(offers: pl.DataFrame, ids: list[str], units: int = 1, months: int = 12) -> pl.DataFrame:
    """The offers ``ids`` side by side, in the order given, with their costs for ``units`` over ``months``."""
    out = offer_costs(offers.filter(pl.col("offer_id").is_in(ids)), units, months)
    order = {k: i for i, k in enumerate(ids)}
    return out.sort(pl.col("offer_id").replace_strict(order, default=len(ids)))


def recommend(gaps: list[dict[str, object]], offers: pl.DataFrame, segments: list[str] | None = None, per_gap: int = 3,
              units: int = 1, months: int = 12) -> list[dict[str, object]]:
    """For each gap of an assessment (items below their best points, with the scenarios that raise them), the
    cheapest ``per_gap`` offers of those scenarios made for one of the firm's ``segments`` or for any segment."""
    costed = offer_costs(offers, units, months)
    fit = costed.filter(pl.col("segment_code").is_null() | pl.col("segment_code").is_in(segments or []))
    out = []
    for g in gaps:
        scen = list(g.get("scenarios") or [])  # type: ignore[call-overload]
        picks = fit.filter(pl.col("scenario").is_in(scen)).sort(
            pl.col("segment_code").is_null(), "total_yuan", "offer_id").head(per_gap) if scen else fit.clear()
        out.append({"item": g["id"], "label": g["label"], "lost": g["lost"], "scenarios": scen, "offers": picks.to_dicts()})
    return out
