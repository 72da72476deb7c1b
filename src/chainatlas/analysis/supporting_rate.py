"""Local supporting rate (本地配套率).

Definition (docs/metrics.md): for buyers B, period P and home area H (a division-code prefix),

    rate = Σ value(supplier ∈ H, buyer ∈ B, P) / Σ value(buyer ∈ B, P)

with value the purchase value in yuan (tax excluded) of the supply links. B is one buyer (a chain leader),
or — for a chain — the chain's enterprises in the city (``buyers_home``, default the settings' home region),
counting only purchases of the chain's segments' goods. ``home`` decides which *suppliers* count as local, so
widening it from the city (4101) to the province (41) never lowers a rate: the buyers stay the same.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from chainatlas.analysis.snapshot import Snapshot, in_period, is_local
from chainatlas.settings import home_of


def _local_suppliers(snap: Snapshot, home: str) -> pl.DataFrame:
    return snap.enterprises.select(pl.col("uscc").alias("supplier_uscc"), is_local(home).alias("supplier_local"))


def chain_buyers(snap: Snapshot, chain_id: str, home: str) -> pl.Series:
    """The chain's local buyers: local enterprises placed on any of the chain's segments."""
    codes = snap.chain_segments(chain_id)["code"]
    placed = snap.placements.filter(pl.col("segment_code").is_in(codes.implode()))["uscc"].unique()
    local = snap.enterprises.filter(is_local(home) & pl.col("uscc").is_in(placed.implode()))
    return local["uscc"]


def purchases(snap: Snapshot, *, home: str, chain: str | None = None, buyer: str | None = None,
              period: str | None = None, buyers_home: str | None = None) -> pl.DataFrame:
    """The purchases counted for a rate, each marked local or not."""
    buyers_home = home_of(buyers_home)
    links = snap.links
    if buyer:
        links = links.filter(pl.col("buyer_uscc") == buyer)
    if chain:
        links = links.filter(pl.col("segment_code").is_in(snap.chain_segments(chain)["code"].implode()))
        if not buyer:
            links = links.filter(pl.col("buyer_uscc").is_in(chain_buyers(snap, chain, buyers_home).implode()))
    if period:
        links = links.filter(in_period(period))
    return links.join(_local_suppliers(snap, home), on="supplier_uscc", how="left").with_columns(
        pl.col("supplier_local").fill_null(False))


def rate_table(links: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """numerator, denominator and rate grouped by ``by`` (rate is null where nothing was bought).

    >>> df = pl.DataFrame({"period": ["2025"] * 3, "value_yuan": [30.0, 50.0, 20.0], "supplier_local": [True, False, True]})
    >>> rate_table(df, ["period"]).row(0)
    ('2025', 50.0, 100.0, 0.5)

    With buyer and supplier columns the table also counts the distinct buyers, suppliers and local suppliers
    behind each cell (for small-cell suppression).
    """
    sums = [pl.col("value_yuan").filter(pl.col("supplier_local")).sum().alias("numerator"),
            pl.col("value_yuan").sum().alias("denominator")]
    if "buyer_uscc" in links.columns:
        sums += [pl.col("buyer_uscc").n_unique().alias("buyers"), pl.col("supplier_uscc").n_unique().alias("suppliers"),
                 pl.col("supplier_uscc").filter(pl.col("supplier_local")).n_unique().alias("local_suppliers")]
    return links.group_by(by).agg(sums).with_columns(
        pl.when(pl.col("denominator") > 0).then(pl.col("numerator") / pl.col("denominator")).otherwise(None).alias("rate")
    ).sort(by)


def supporting_rate(snap: Snapshot, *, home: str, chain: str | None = None, buyer: str | None = None,
                    period: str | None = None, by_segment: bool = False, buyers_home: str | None = None) -> dict[str, Any]:
    """The rate per period (the trend), optionally per segment of the goods bought.

    On the three-firm example (:func:`~chainatlas.analysis.snapshot.example`: A buys packs for 300 yuan from B, local,
    and for 100 from C, in Suzhou):

    >>> from chainatlas.analysis.snapshot import example
    >>> snap = example()
    >>> row = supporting_rate(snap, home="4101")["rows"][0]
    >>> row["numerator"], row["denominator"], row["rate"]  # 300 ÷ (300 + 100)
    (300.0, 400.0, 0.75)
    """
    links = purchases(snap, home=home, chain=chain, buyer=buyer, period=period, buyers_home=buyers_home)
    by = ["period", "segment_code"] if by_segment else ["period"]
    table = rate_table(links, by)
    if by_segment:
        table = table.join(snap.segments.select(pl.col("code").alias("segment_code"), "name_zh", "name_en"),
                           on="segment_code", how="left").sort(by)
    return {"home": home, "chain": chain, "buyer": buyer, "period": period, "as_of": snap.as_of,
            "data_version": snap.version, "rows": table.to_dicts()}


def leaders_rates(snap: Snapshot, *, home: str, chain: str | None = None, buyers_home: str | None = None) -> pl.DataFrame:
    """Each chain leader of the city's supporting rate per period (all its purchases).

    The table of all leaders is computed once per snapshot (data version) and home; ``chain`` then keeps the
    leaders placed on the chain. A leader's rate reads only its own purchases, so filtering afterwards gives the
    same rows as filtering first."""
    buyers_home = home_of(buyers_home)
    table: pl.DataFrame = snap.memo(("leaders_rates", home, buyers_home), lambda: _all_leaders_rates(snap, home, buyers_home),
                                    persist=True)
    if chain:
        table = table.filter(pl.col("buyer_uscc").is_in(chain_buyers(snap, chain, buyers_home).implode()))
    return table


def _all_leaders_rates(snap: Snapshot, home: str, buyers_home: str) -> pl.DataFrame:
    leaders = snap.enterprises.filter(pl.col("is_chain_leader").fill_null(False) & is_local(buyers_home))
    links = snap.links.filter(pl.col("buyer_uscc").is_in(leaders["uscc"].implode()))
    links = links.join(_local_suppliers(snap, home), on="supplier_uscc", how="left").with_columns(pl.col("supplier_local").fill_null(False))
    table = rate_table(links, ["buyer_uscc", "period"])
    return table.join(leaders.select(pl.col("uscc").alias("buyer_uscc"), "name"), on="buyer_uscc").sort(["buyer_uscc", "period"])


def multi_tier_rate(snap: Snapshot, *, buyer: str, period: str, home: str, tiers: int = 3) -> list[dict[str, Any]]:
    """Value bought locally through the first ``tiers`` tiers, as a share of the buyer's purchases.

    Method (docs/metrics.md): tier 1 is the ordinary rate. For deeper tiers, the part of a purchase from a
    non-local supplier s that embodies local inputs is s's local content e(s) — its purchases from local
    suppliers (and, recursively, the local content of its non-local suppliers) divided by its total purchases
    — assuming s's value added is not local. e is computed by fixed-point iteration, one tier per step:

        e₀(s) = 0;  e_{k+1}(s) = Σ_t v(t,s) · (loc(t) + (1 − loc(t)) · e_k(t)) / Σ_t v(t,s)
        rate_N(b) = Σ_s v(s,b) · (loc(s) + (1 − loc(s)) · e_{N−1}(s)) / Σ_s v(s,b)
    """
    links = snap.links.filter(in_period(period)).group_by("supplier_uscc", "buyer_uscc").agg(pl.col("value_yuan").sum())
    loc = snap.enterprises.select(pl.col("uscc"), is_local(home).alias("loc"))
    links = links.join(loc.rename({"uscc": "supplier_uscc"}), on="supplier_uscc", how="left").with_columns(pl.col("loc").fill_null(False))
    totals = links.group_by("buyer_uscc").agg(pl.col("value_yuan").sum().alias("total"))
    e = pl.DataFrame({"supplier_uscc": [], "e": []}, schema={"supplier_uscc": pl.String, "e": pl.Float64})
    out = []
    for n in range(1, tiers + 1):
        weighted = links.join(e, on="supplier_uscc", how="left").with_columns(
            (pl.col("value_yuan") * (pl.col("loc").cast(pl.Float64) + (~pl.col("loc")).cast(pl.Float64) * pl.col("e").fill_null(0.0))).alias("lv"))
        mine = weighted.filter(pl.col("buyer_uscc") == buyer)
        den = float(mine["value_yuan"].sum())
        num = float(mine["lv"].sum())
        out.append({"tiers": n, "numerator": num, "denominator": den, "rate": num / den if den else None})
        e = weighted.group_by("buyer_uscc").agg(pl.col("lv").sum()).join(totals, on="buyer_uscc").select(
            pl.col("buyer_uscc").alias("supplier_uscc"), (pl.col("lv") / pl.col("total")).alias("e"))
    return out
