"""Multi-tier exposure of one enterprise (多级供应链暴露): who it depends on, through how many tiers, how
concentrated, where.

Value weighting: a tier-1 supplier s weighs w(s) = v(s→E) / Σ v(·→E). A tier-(k+1) supplier t of a tier-k supplier
s adds w(s) · v(t→s) / Σ v(·→s) (paths multiply shares; a supplier reached along several paths sums them). At every
tier the weights of the firms that buy something add up to the weight of that tier's buyers.

Per input (the segment of the goods a buyer buys): the number of suppliers and the Herfindahl–Hirschman index
HHI = Σ share² (1 = a single supplier); an input with one supplier is a *single source*. Geography: the weights by
province (first two digits of the division code) and by country; import dependency = weight of suppliers outside
China. One period (default: the latest).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from chainatlas.analysis.snapshot import Snapshot


def exposure(snap: Snapshot, uscc: str, *, tiers: int = 5, period: str | None = None) -> dict[str, Any]:
    periods = snap.periods()
    period = period or (periods[-1] if periods else None)
    links = snap.links.filter(pl.col("period") == period).group_by("supplier_uscc", "buyer_uscc", "segment_code").agg(
        pl.col("value_yuan").sum())
    bought = links.group_by("buyer_uscc").agg(pl.col("value_yuan").sum().alias("total"))
    shares = links.join(bought, on="buyer_uscc").with_columns((pl.col("value_yuan") / pl.col("total")).alias("share"))
    ents = snap.enterprises.select("uscc", "name", "region_code", "country_code")
    frontier = pl.DataFrame({"buyer_uscc": [uscc], "weight": [1.0]})
    seen: list[pl.DataFrame] = []
    inputs: list[pl.DataFrame] = []
    for tier in range(1, tiers + 1):
        step = shares.join(frontier, on="buyer_uscc")
        if step.height == 0:
            break
        step = step.with_columns((pl.col("weight") * pl.col("share")).alias("w"), pl.lit(tier).alias("tier"))
        inputs.append(step.group_by("buyer_uscc", "segment_code", "tier").agg(
            pl.col("supplier_uscc").n_unique().alias("suppliers"),
            (((pl.col("value_yuan") / pl.col("value_yuan").sum()) ** 2).sum()).alias("hhi"),
            pl.col("supplier_uscc").first().alias("first_supplier"),
            pl.col("w").sum().alias("weight"),
        ))
        tier_frame = step.group_by("supplier_uscc").agg(pl.col("w").sum().alias("weight")).with_columns(pl.lit(tier).alias("tier"))
        seen.append(tier_frame)
        frontier = tier_frame.select(pl.col("supplier_uscc").alias("buyer_uscc"), "weight")
    if not seen:
        return {"uscc": uscc, "period": period, "tiers": [], "inputs": [], "single_sources": [], "provinces": [],
                "countries": [], "import_dependency": 0.0}
    network = pl.concat(seen).join(ents.rename({"uscc": "supplier_uscc"}), on="supplier_uscc", how="left").with_columns(
        pl.col("country_code").fill_null("CN"), pl.col("region_code").str.slice(0, 2).alias("province"))
    per_tier = network.group_by("tier").agg(pl.len().alias("suppliers"), pl.col("weight").sum()).sort("tier")
    inp = pl.concat(inputs).sort(["tier", "weight"], descending=[False, True])
    single = inp.filter(pl.col("suppliers") == 1).join(ents.select(pl.col("uscc").alias("first_supplier"), pl.col("name").alias("supplier_name")),
                                                       on="first_supplier", how="left")
    total_weight = float(network["weight"].sum())

    def by(col: str) -> list[dict[str, Any]]:
        g = network.group_by(col).agg(pl.col("weight").sum()).with_columns((pl.col("weight") / total_weight).alias("share"))
        return g.sort("share", descending=True).to_dicts()

    foreign = float(network.filter(pl.col("country_code") != "CN")["weight"].sum()) / total_weight if total_weight else 0.0
    return {"uscc": uscc, "period": period, "tiers": per_tier.to_dicts(), "inputs": inp.to_dicts(),
            "single_sources": single.to_dicts(), "provinces": by("province"), "countries": by("country_code"),
            "import_dependency": foreign,
            "suppliers": network.sort(["tier", "weight"], descending=[False, True]).select(
                "tier", "supplier_uscc", "name", "region_code", "country_code", "weight").to_dicts()}
