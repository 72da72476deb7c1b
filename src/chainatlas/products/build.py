"""The rows each data product publishes, computed from the stored data (small cells suppressed where the product
says so)."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.analysis.suppression import MIN_ENTERPRISES, suppress_atlas
from chainatlas.products.catalogue import Product


def enterprise_register(engine: Engine) -> pl.DataFrame:
    """The register's public fields, by USCC."""
    e = db.enterprise
    with engine.connect() as conn:
        return db.read_frame(conn, e).select("uscc", "name", "region_code", "industry_code", "founded_on").sort("uscc")


def chain_segments(engine: Engine, home: str) -> pl.DataFrame:
    """Every chain's atlas segments (latest period), with small cells blanked (suppress_atlas)."""
    from chainatlas.analysis.atlas import chain_atlas
    from chainatlas.analysis.snapshot import load_snapshot

    snap = load_snapshot(engine)
    with engine.connect() as conn:
        chains = [c for (c,) in conn.execute(select(db.chain.c.id).order_by(db.chain.c.id))]
    rows: list[dict[str, Any]] = []
    for chain in chains:
        atlas = suppress_atlas(chain_atlas(snap, chain, home=home))
        rows += [{"chain": chain, "period": atlas["period"], **{k: s.get(k) for k in (
            "code", "name_zh", "stage", "local_enterprises", "output_value_yuan", "inputs_value_yuan",
            "inputs_local_value_yuan", "local_share", "status")}, "suppressed": ",".join(s.get("suppressed", []))}
                 for s in atlas["segments"]]
    schema = {"chain": pl.String, "period": pl.String, "code": pl.String, "name_zh": pl.String, "stage": pl.String,
              "local_enterprises": pl.Int64, "output_value_yuan": pl.Float64, "inputs_value_yuan": pl.Float64,
              "inputs_local_value_yuan": pl.Float64, "local_share": pl.Float64, "status": pl.String, "suppressed": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def suppress_small_groups(stats: pl.DataFrame, values: tuple[str, ...], minimum: int = MIN_ENTERPRISES) -> pl.DataFrame:
    """``stats`` with ``values`` blanked on rows of fewer than ``minimum`` (column ``n``), named in ``suppressed``.

    >>> s = suppress_small_groups(pl.DataFrame({"n": [2, 5], "median": [3.0, 4.0]}), ("median",))
    >>> s.rows()
    [(2, None, 'median'), (5, 4.0, '')]
    """
    small = pl.col("n") < minimum
    return stats.with_columns([pl.when(small).then(None).otherwise(pl.col(v)).alias(v) for v in values]
                              + [pl.when(small).then(pl.lit(",".join(values))).otherwise(pl.lit("")).alias("suppressed")])


def clearance_lanes(engine: Engine) -> pl.DataFrame:
    """Arrival-to-release hours per lane — mode, port of clearance, destination (trade/clearance.py) — groups of fewer
    than 3 consignments blanked."""
    from chainatlas.trade.clearance import clearance_stats, consignment_times
    from chainatlas.trade.consignments import consignment_events

    times = consignment_times(consignment_events(engine))
    schema = {"mode": pl.String, "port": pl.String, "destination": pl.String, "n": pl.UInt32, "mean": pl.Float64, "median": pl.Float64,
              "p90": pl.Float64, "within_target": pl.Float64, "suppressed": pl.String}
    if times.height == 0:
        return pl.DataFrame(schema=schema)
    if "destination" not in times.columns:
        times = times.with_columns(pl.lit(None, dtype=pl.String).alias("destination"))
    stats = clearance_stats(times, by=("mode", "port", "destination"), target_hours=24).drop("outliers")
    return suppress_small_groups(stats, ("mean", "median", "p90", "within_target")).select(list(schema))


def rows(engine: Engine, p: Product, home: str) -> pl.DataFrame:
    """The rows product ``p`` publishes now."""
    if p.id == "enterprise_register":
        return enterprise_register(engine)
    if p.id == "chain_segments":
        return chain_segments(engine, home)
    return clearance_lanes(engine)
