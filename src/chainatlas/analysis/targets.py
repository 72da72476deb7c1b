"""Attraction targets (精准招商): non-local enterprises to bring to the city for the chain's weak and missing
segments, ranked by a score whose components are shown so that an officer can read why.

Components, each in [0, 1] (docs/metrics.md):

* ``supply``    以链招商 — value the firm already supplies (goods of the segment) to the chain's local buyers
                in the period: log(1 + v) / log(1 + max v);
* ``buyers``    number of the chain's local buyers it supplies / the largest such number;
* ``size``      log(1 + revenue) / log(1 + max revenue);
* ``growth``    change of that supply value from the previous period, clipped to ±100 %, mapped to [0, 1]
                (0.5 when there is no previous period);
* ``tier``      小巨人 1.0, 专精特新 0.7, 上市 0.6, 高新技术企业 0.4, else 0;
* ``fit``       the placement's confidence on the segment (declared = 1); 0.5 when known only from supplies;
* ``proximity`` same province as the home area 1.0, elsewhere in China 0.6, abroad 0.2 (or
                1 / (1 + km / 500) when both have coordinates).

score = Σ weight × component, weights in ``WEIGHTS`` (sum 1).
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from chainatlas.analysis.atlas import chain_atlas, chain_frames
from chainatlas.analysis.snapshot import Snapshot, in_period, is_local

WEIGHTS = {"supply": 0.30, "buyers": 0.15, "size": 0.15, "growth": 0.10, "tier": 0.10, "fit": 0.10, "proximity": 0.10}
HOME_CENTRE = {"4101": (34.746, 113.625)}  # Zhengzhou city centre (WGS-84), for distances


def _log_norm(col: str) -> pl.Expr:
    top = pl.col(col).max()
    return pl.when(top > 0).then((pl.col(col) + 1).log() / (top + 1).log()).otherwise(0.0)


TARGET_COLUMNS = ["name", "region_code", "country_code", "revenue_yuan", "employees", "is_srdi", "is_little_giant",
                  "is_listed", "is_high_tech", "lat", "lon"]


def candidate_pool(snap: Snapshot, chain_id: str, home: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Computed once per snapshot, chain and home area (and kept in the frame store): every non-local enterprise
    placed on one of the chain's segments or supplying the chain's local buyers there, one row per (firm, segment)
    with its placement confidence (``fit``, null when known only from supplies) and register columns; and the
    non-local suppliers' sales to those buyers per (firm, segment, period): value and distinct local buyers. A
    request then only filters these by its segments and periods."""

    def compute() -> dict[str, pl.DataFrame]:
        codes = snap.chain_segments(chain_id)["code"].implode()
        supply = (chain_frames(snap, chain_id, home)["links"].filter(~pl.col("supplier_local"))
                  .group_by("supplier_uscc", "segment_code", "period")
                  .agg(pl.col("value_yuan").sum().alias("supply_value_yuan"),
                       pl.col("buyer_uscc").n_unique().alias("local_buyers")))
        placed = snap.placements.filter(pl.col("segment_code").is_in(codes)).select(
            pl.col("uscc").alias("supplier_uscc"), "segment_code", pl.col("confidence").alias("fit"),
            pl.lit(True).alias("placed"))
        register = snap.enterprises.select(pl.col("uscc").alias("supplier_uscc"), *TARGET_COLUMNS)
        pairs = pl.concat([placed.select("supplier_uscc", "segment_code"),
                           supply.select("supplier_uscc", "segment_code")]).unique()
        pool = (pairs.join(register, on="supplier_uscc").filter(~is_local(home))
                .join(placed, on=["supplier_uscc", "segment_code"], how="left"))
        return {"pool": pool, "supply": supply}

    frames = snap.memo(("target_pool", chain_id, home), compute, persist=True)
    return frames["pool"], frames["supply"]


def attraction_targets(snap: Snapshot, chain_id: str, *, home: str, segment: str | None = None, top: int = 20,
                       period: str | None = None) -> dict[str, Any]:
    r"""Ranked attraction targets (精准招商) for the chain's weak and missing segments: the non-local firms that already
    supply its local firms there, scored (docs/metrics.md).

    Three firms (示例): A (Zhengzhou) makes cars and buys packs from B (Zhengzhou); B buys cells for 100 yuan from C
    (Suzhou). The city has no cell maker, so C is the target for the missing segment:

    >>> from chainatlas.analysis.snapshot import tiny
    >>> snap = tiny([{"uscc": "A", "region_code": "410105", "is_chain_leader": True}, {"uscc": "B", "region_code": "410122"},
    ...              {"uscc": "C", "region_code": "320505", "country_code": "CN"}],
    ...             [{"supplier_uscc": "B", "buyer_uscc": "A", "period": "2025", "value_yuan": 300, "segment_code": "nev.pack"},
    ...              {"supplier_uscc": "C", "buyer_uscc": "B", "period": "2025", "value_yuan": 100, "segment_code": "nev.cell"}],
    ...             {"A": "nev.vehicle", "B": "nev.pack", "C": "nev.cell"})
    >>> [(t["uscc"], t["segment_code"], t["supply_value_yuan"], t["local_buyers"])
    ...  for t in attraction_targets(snap, "nev", home="4101")["items"]]
    [('C', 'nev.cell', 100.0, 1)]
    """
    atlas = chain_atlas(snap, chain_id, home=home, period=period)
    period = atlas["period"]
    gaps = [s for s in atlas["segments"] if s["status"] in ("weak", "missing")]
    wanted = [segment] if segment else [s["code"] for s in gaps]
    prev = None
    periods = atlas["periods"]
    if period in periods and periods.index(period) > 0:
        prev = periods[periods.index(period) - 1]
    pool, supply_all = candidate_pool(snap, chain_id, home)
    in_wanted = pl.col("segment_code").is_in(pl.Series(wanted, dtype=pl.String).implode())
    supply = supply_all.filter(in_period(period) & in_wanted).drop("period")
    supply_prev = supply_all.filter(in_period(prev) & in_wanted).select(
        "supplier_uscc", "segment_code", pl.col("supply_value_yuan").alias("prev_supply_value_yuan"))
    # a candidate is placed on the segment, or supplied the chain's local buyers there in the period
    cands = (pool.filter(in_wanted)
             .join(supply, on=["supplier_uscc", "segment_code"], how="left")
             .filter(pl.col("placed").is_not_null() | pl.col("supply_value_yuan").is_not_null())
             .join(supply_prev, on=["supplier_uscc", "segment_code"], how="left")
             .with_columns(pl.col("supply_value_yuan").fill_null(0.0), pl.col("local_buyers").fill_null(0),
                           pl.col("fit").fill_null(0.5), pl.col("revenue_yuan").fill_null(0.0)))
    if cands.height == 0:
        return {"chain": chain_id, "period": period, "home": home, "segments": wanted, "weights": WEIGHTS, "items": [],
                "as_of": snap.as_of}
    growth = (pl.col("supply_value_yuan") - pl.col("prev_supply_value_yuan")) / pl.col("prev_supply_value_yuan")
    centre = HOME_CENTRE.get(home[:4])
    province = home[:2]
    cands = cands.with_columns(
        _log_norm("supply_value_yuan").alias("c_supply"),
        pl.when(pl.col("local_buyers").max() > 0).then(pl.col("local_buyers") / pl.col("local_buyers").max()).otherwise(0.0).alias("c_buyers"),
        _log_norm("revenue_yuan").alias("c_size"),
        pl.when(pl.col("prev_supply_value_yuan") > 0).then((growth.clip(-1, 1) + 1) / 2).otherwise(0.5).alias("c_growth"),
        pl.when(pl.col("is_little_giant").fill_null(False)).then(1.0).when(pl.col("is_srdi").fill_null(False)).then(0.7)
        .when(pl.col("is_listed").fill_null(False)).then(0.6).when(pl.col("is_high_tech").fill_null(False)).then(0.4)
        .otherwise(0.0).alias("c_tier"),
        pl.col("fit").alias("c_fit"),
        pl.when(pl.col("country_code").fill_null("CN") != "CN").then(0.2)
        .when(pl.col("region_code").fill_null("").str.starts_with(province)).then(1.0).otherwise(0.6).alias("c_proximity"),
    )
    if centre is not None:
        lat0, lon0 = centre
        km = 6371.0 * 2 * ((((pl.col("lat").radians() - math.radians(lat0)) / 2).sin() ** 2
                            + math.cos(math.radians(lat0)) * pl.col("lat").radians().cos()
                            * (((pl.col("lon").radians() - math.radians(lon0)) / 2).sin() ** 2)).sqrt().arcsin())
        cands = cands.with_columns(pl.when(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
                                   .then(1 / (1 + km / 500)).otherwise(pl.col("c_proximity")).alias("c_proximity"))
    score = sum((pl.col(f"c_{k}") * w for k, w in WEIGHTS.items()), pl.lit(0.0))
    cands = cands.with_columns(score.alias("score")).sort(["score", "supplier_uscc"], descending=[True, False]).head(top)
    names = snap.segments.select(pl.col("code").alias("segment_code"), pl.col("name_zh").alias("segment_name_zh"),
                                 pl.col("name_en").alias("segment_name_en"))
    cands = cands.join(names, on="segment_code", how="left").sort(["score", "supplier_uscc"], descending=[True, False])
    items = []
    for rank, r in enumerate(cands.iter_rows(named=True), start=1):
        items.append({
            "rank": rank, "uscc": r["supplier_uscc"], "name": r["name"], "region_code": r["region_code"],
            "country_code": r["country_code"], "segment_code": r["segment_code"], "segment_name_zh": r["segment_name_zh"],
            "segment_name_en": r["segment_name_en"], "score": round(r["score"], 4),
            "supply_value_yuan": r["supply_value_yuan"], "prev_supply_value_yuan": r["prev_supply_value_yuan"],
            "local_buyers": r["local_buyers"], "revenue_yuan": r["revenue_yuan"], "employees": r["employees"],
            "is_srdi": r["is_srdi"], "is_little_giant": r["is_little_giant"], "is_listed": r["is_listed"],
            "is_high_tech": r["is_high_tech"],
            "components": {k: round(r[f"c_{k}"], 4) for k in WEIGHTS},
        })
    return {"chain": chain_id, "period": period, "home": home, "segments": wanted, "weights": WEIGHTS, "items": items,
            "as_of": snap.as_of, "data_version": snap.version}
