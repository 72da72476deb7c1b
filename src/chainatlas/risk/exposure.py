"""Multi-tier exposure of one enterprise (多级供应链暴露): who it depends on, through how many tiers, how
concentrated, where.

Value weighting: a tier-1 supplier s weighs w(s) = v(s→E) / Σ v(·→E). A tier-(k+1) supplier t of a tier-k supplier
s adds w(s) · v(t→s) / Σ v(·→s) (paths multiply shares; a supplier reached along several paths sums them). At every
tier the weights of the firms that buy something add up to the weight of that tier's buyers.

Per input (the segment of the goods a buyer buys): the number of suppliers and the Herfindahl–Hirschman index
HHI = Σ share² (1 = a single supplier); an input with one supplier is a *single source*. Geography: the weights by
province (first two digits of the division code) and by country; import dependency = weight of suppliers outside
China. One period (default: the latest).

Speed: one scan of the period's links per tier, for all the enterprises asked about at once (no index to build).
Figures in docs/benchmarks.md.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from chainatlas.analysis.snapshot import Snapshot, in_period


def exposure_many(snap: Snapshot, usccs: list[str], *, tiers: int = 5, period: str | None = None
                  ) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """(suppliers per tier with their weight, inputs per tier) of several enterprises in one walk: each tier is one
    scan of the period's links for the purchases of the current frontier's buyers, whatever the number of roots.
    Enterprises that buy nothing are absent from the result."""
    periods = snap.periods()
    period = period or (periods[-1] if periods else None)
    links = snap.links.lazy().filter(in_period(period) & (pl.col("value_yuan") > 0))
    frontier = pl.DataFrame({"root": usccs, "buyer_uscc": usccs, "weight": [1.0] * len(usccs)})
    suppliers: list[pl.DataFrame] = []
    inputs: list[pl.DataFrame] = []
    for tier in range(1, tiers + 1):
        buyers = frontier["buyer_uscc"].unique()
        bought = (links.filter(pl.col("buyer_uscc").is_in(buyers.implode()))
                  .group_by("supplier_uscc", "buyer_uscc", "segment_code").agg(pl.col("value_yuan").sum())
                  .with_columns((pl.col("value_yuan") / pl.col("value_yuan").sum().over("buyer_uscc")).alias("share"),
                                (pl.col("value_yuan") / pl.col("value_yuan").sum().over("buyer_uscc", "segment_code"))
                                .alias("seg_share"))
                  .sort("buyer_uscc", "segment_code", "supplier_uscc").collect())
        if bought.height == 0:
            break
        per_input = bought.group_by("buyer_uscc", "segment_code").agg(
            pl.len().alias("suppliers"), (pl.col("seg_share") ** 2).sum().alias("hhi"),
            pl.col("supplier_uscc").first().alias("first_supplier"))
        step = frontier.join(bought, on="buyer_uscc").with_columns((pl.col("weight") * pl.col("share")).alias("w"))
        inputs.append(step.group_by("root", "buyer_uscc", "segment_code").agg(pl.col("w").sum().alias("weight"))
                      .join(per_input, on=["buyer_uscc", "segment_code"]).with_columns(pl.lit(tier).alias("tier")))
        frontier = step.group_by("root", "supplier_uscc").agg(pl.col("w").sum().alias("weight")).rename(
            {"supplier_uscc": "buyer_uscc"})
        suppliers.append(frontier.rename({"buyer_uscc": "supplier_uscc"}).with_columns(pl.lit(tier).alias("tier")))
    if not suppliers:
        return {}
    sup = pl.concat(suppliers).select("root", "tier", "supplier_uscc", "weight")
    inp = pl.concat(inputs).select("root", "buyer_uscc", "segment_code", "tier", "suppliers", "hhi", "first_supplier", "weight")
    return {root: (frame.drop("root"), inp.filter(pl.col("root") == root).drop("root"))
            for (root,), frame in sup.partition_by("root", as_dict=True).items()}


def exposure_frames(snap: Snapshot, uscc: str, *, tiers: int = 5, period: str | None = None
                    ) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """(suppliers per tier with their weight, inputs per tier) — None when the enterprise buys nothing."""
    return exposure_many(snap, [uscc], tiers=tiers, period=period).get(uscc)


def exposure(snap: Snapshot, uscc: str, *, tiers: int = 5, period: str | None = None) -> dict[str, Any]:
    """Multi-tier exposure of one enterprise (formulas in the module docstring).

    On the three-firm example (:func:`~chainatlas.analysis.snapshot.example`: A buys packs for 300 yuan from B, local,
    and for 100 from C, in Suzhou):

    >>> from chainatlas.analysis.snapshot import example
    >>> snap = example()
    >>> x = exposure(snap, "A")
    >>> x["tiers"], x["inputs"][0]["hhi"]  # HHI = 0.75² + 0.25²
    ([{'tier': 1, 'suppliers': 2, 'weight': 1.0}], 0.625)
    >>> [(p["province"], p["share"]) for p in x["provinces"]], x["import_dependency"]
    ([('41', 0.75), ('32', 0.25)], 0.0)
    """
    periods = snap.periods()
    period = period or (periods[-1] if periods else None)
    frames = exposure_frames(snap, uscc, tiers=tiers, period=period)
    if frames is None:
        return {"uscc": uscc, "period": period, "tiers": [], "inputs": [], "single_sources": [], "provinces": [],
                "countries": [], "import_dependency": 0.0, "suppliers": []}
    suppliers, inp = frames
    ents = snap.enterprises.select("uscc", "name", "region_code", "country_code")
    network = suppliers.join(ents.rename({"uscc": "supplier_uscc"}), on="supplier_uscc", how="left").with_columns(
        pl.col("country_code").fill_null("CN"), pl.col("region_code").str.slice(0, 2).alias("province"))
    per_tier = network.group_by("tier").agg(pl.len().alias("suppliers"), pl.col("weight").sum()).sort("tier")
    inp = inp.sort(["tier", "weight"], descending=[False, True])
    single = inp.filter(pl.col("suppliers") == 1).join(
        ents.select(pl.col("uscc").alias("first_supplier"), pl.col("name").alias("supplier_name")),
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
