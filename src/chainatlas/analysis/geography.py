"""The chain on the map (产业链地图, the "N图" of an atlas): per county-level division of the home city, the chain's
firms, what the chain's local firms buy from suppliers there, and the local supporting rate of the chain's firms
located there. Definitions: ``docs/metrics.md`` (地图指标).

- ``enterprises``: local enterprises placed on the chain (or the segment) whose registered division is the county.
- ``purchases_yuan``: in the period, the value of the chain's goods (supply links whose segment is in the chain, or
  the segment) bought by the chain's local firms from suppliers registered in the county; ``suppliers`` and
  ``buyers`` count the firms on each side.
- ``rate``: for the chain's local firms registered in the county, the share of their purchases of the chain's goods
  that comes from local suppliers (the local supporting rate, 本地配套率, restricted to buyers in the county);
  ``rate_buyers``, ``rate_suppliers`` and ``rate_local_suppliers`` count the firms it rests on.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from chainatlas.analysis.atlas import chain_frames
from chainatlas.analysis.snapshot import Snapshot, in_period


def district_measures(snap: Snapshot, chain_id: str, *, home: str, period: str | None = None,
                      segment: str | None = None) -> dict[str, Any]:
    """The chain's measures per county of ``home`` (a 4-digit city prefix) for ``period`` (default: the latest).

    On the three-firm example (A in 410105 buys 300 from B in 410122 and 100 from C in Suzhou): A's county has one
    chain firm, buys nothing from its own county's suppliers, and A's rate is 300 / 400; B's county sold 300 to the
    chain and has no buyer of its own.

    >>> from chainatlas.analysis.snapshot import example
    >>> m = district_measures(example(), "nev", home="4101")
    >>> [(r["region_code"], r["enterprises"], r["purchases_yuan"], r["rate"]) for r in m["rows"]]
    [('410105', 1, 0.0, 0.75), ('410122', 1, 300.0, None)]
    """
    frames = chain_frames(snap, chain_id, home)
    periods = snap.periods()
    period = period or (periods[-1] if periods else None)
    regions = snap.enterprises.select("uscc", pl.col("region_code").fill_null(""))
    placed = frames["local_placed"]
    links = frames["links"].filter(in_period(period))
    if segment:
        placed = placed.filter(pl.col("segment_code") == segment)
        links = links.filter(pl.col("segment_code") == segment)
    firms = (placed.select("uscc").unique().join(regions, on="uscc")
             .group_by("region_code").agg(pl.len().alias("enterprises")))
    by_supplier = (links.join(regions.rename({"uscc": "supplier_uscc"}), on="supplier_uscc")
                   .filter(pl.col("supplier_local"))
                   .group_by("region_code").agg(pl.col("value_yuan").sum().round(2).alias("purchases_yuan"),
                                                pl.col("supplier_uscc").n_unique().alias("suppliers"),
                                                pl.col("buyer_uscc").n_unique().alias("buyers")))
    local_suppliers = pl.when(pl.col("supplier_local")).then(pl.col("supplier_uscc"))
    by_buyer = (links.join(regions.rename({"uscc": "buyer_uscc"}), on="buyer_uscc")
                .group_by("region_code").agg(
                    pl.col("value_yuan").filter(pl.col("supplier_local")).sum().round(2).alias("rate_numerator"),
                    pl.col("value_yuan").sum().round(2).alias("rate_denominator"),
                    pl.col("buyer_uscc").n_unique().alias("rate_buyers"),
                    pl.col("supplier_uscc").n_unique().alias("rate_suppliers"),
                    local_suppliers.drop_nulls().n_unique().alias("rate_local_suppliers")))
    counties = pl.concat([f.select("region_code") for f in (firms, by_supplier, by_buyer)]).unique()
    rows = (counties.filter(pl.col("region_code").str.starts_with(home) & (pl.col("region_code").str.len_chars() == 6))
            .join(firms, on="region_code", how="left").join(by_supplier, on="region_code", how="left")
            .join(by_buyer, on="region_code", how="left")
            .with_columns(pl.col("enterprises", "suppliers", "buyers", "rate_buyers", "rate_suppliers",
                                 "rate_local_suppliers").fill_null(0),
                          pl.col("purchases_yuan").fill_null(0.0),
                          (pl.col("rate_numerator") / pl.col("rate_denominator")).round(4).alias("rate"))
            .sort("region_code"))
    return {"chain": chain_id, "segment": segment, "home": home, "period": period, "as_of": snap.as_of,
            "data_version": snap.version, "rows": rows.to_dicts()}
