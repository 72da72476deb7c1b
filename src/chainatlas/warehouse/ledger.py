"""Stock, occupancy and storage fees of public overseas warehouses, computed from receipts and orders (pure; Polars).

Conventions (docs/warehouse.md):

* **Stock** of an exporter's SKU on day *d* = pieces received on or before *d* − pieces shipped on or before *d*.
* **Volume per piece** of an exporter's SKU in a warehouse = Σ received m³ ÷ Σ received pieces (and likewise pallet
  places per piece); stock volume = pieces in stock × volume per piece.
* **Occupancy** of a warehouse on day *d* = stock volume at the end of *d* ÷ capacity in m³ (and pallets ÷ pallet
  places, where given).
* **Storage fee** = Σ over days of the stock volume at the end of the day (m³·days) × the warehouse's rate per m³
  per day: the day goods arrive is charged, the day they leave is not (the end-of-day rule of public warehouse
  tariffs).
* **Alert**: a day on which occupancy by volume or by pallet places reaches the warehouse's alert threshold
  (default 0.85).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

DEFAULT_ALERT = 0.85
KEYS = ["warehouse_id", "exporter_uscc", "sku"]


def _moves(receipts: pl.DataFrame, orders: pl.DataFrame) -> pl.DataFrame:
    """Signed piece movements per day: + received, − shipped."""
    inbound = receipts.select(*KEYS, pl.col("received_on").alias("day"), pl.col("quantity").cast(pl.Int64).alias("delta"))
    outbound = orders.select(*KEYS, pl.col("shipped_on").alias("day"), (-pl.col("quantity").cast(pl.Int64)).alias("delta"))
    return pl.concat([inbound, outbound]).group_by(*KEYS, "day").agg(pl.col("delta").sum())


def per_piece(receipts: pl.DataFrame) -> pl.DataFrame:
    """m³ and pallet places per piece of each exporter's SKU in each warehouse (Σ received ÷ Σ pieces)."""
    return receipts.group_by(KEYS).agg(
        (pl.col("volume_m3").sum() / pl.col("quantity").sum()).alias("m3_per_piece"),
        (pl.col("pallets").fill_null(0).sum() / pl.col("quantity").sum()).alias("pallets_per_piece"))


def stock(receipts: pl.DataFrame, orders: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Pieces received, shipped and in stock per warehouse, exporter and SKU on ``as_of``, with their volume and
    pallet places.

    >>> r = pl.DataFrame({"warehouse_id": ["W"], "exporter_uscc": ["E"], "sku": ["A"], "quantity": [10],
    ...                   "volume_m3": [2.0], "pallets": [2], "received_on": [dt.date(2026, 3, 1)]})
    >>> o = pl.DataFrame({"warehouse_id": ["W"], "exporter_uscc": ["E"], "sku": ["A"], "quantity": [4],
    ...                   "shipped_on": [dt.date(2026, 3, 5)]})
    >>> stock(r, o, dt.date(2026, 3, 5)).select("received", "shipped", "on_hand", "volume_m3").row(0)
    (10, 4, 6, 1.2)
    """
    moves = _moves(receipts, orders).filter(pl.col("day") <= as_of)
    out = moves.group_by(KEYS).agg(pl.col("delta").filter(pl.col("delta") > 0).sum().alias("received"),
                                   (-pl.col("delta").filter(pl.col("delta") < 0).sum()).alias("shipped"))
    out = out.with_columns((pl.col("received") - pl.col("shipped")).alias("on_hand")).join(per_piece(receipts), on=KEYS)
    return out.with_columns((pl.col("on_hand") * pl.col("m3_per_piece")).round(4).alias("volume_m3"),
                            (pl.col("on_hand") * pl.col("pallets_per_piece")).round(2).alias("pallets")
                            ).drop("m3_per_piece", "pallets_per_piece").sort(KEYS)


def _daily(receipts: pl.DataFrame, orders: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Stock volume and pallets at the end of each day of [start, end], per warehouse, exporter and SKU."""
    moves = _moves(receipts, orders)
    days = pl.DataFrame({"day": pl.date_range(start, end, "1d", eager=True)})
    keys = moves.select(KEYS).unique()
    opening = moves.filter(pl.col("day") < start).group_by(KEYS).agg(pl.col("delta").sum().alias("opening"))
    grid = keys.join(days, how="cross").join(moves.filter(pl.col("day") >= start), on=[*KEYS, "day"], how="left")
    grid = grid.join(opening, on=KEYS, how="left").sort([*KEYS, "day"]).with_columns(
        (pl.col("opening").fill_null(0) + pl.col("delta").fill_null(0).cum_sum().over(KEYS)).alias("on_hand"))
    grid = grid.join(per_piece(receipts), on=KEYS, how="left")
    return grid.select(*KEYS, "day", "on_hand", (pl.col("on_hand") * pl.col("m3_per_piece")).alias("volume_m3"),
                       (pl.col("on_hand") * pl.col("pallets_per_piece")).alias("pallets"))


def occupancy(warehouses: pl.DataFrame, receipts: pl.DataFrame, orders: pl.DataFrame, start: dt.date,
              end: dt.date) -> pl.DataFrame:
    """Per warehouse and day: stock m³ and pallets at the end of the day, occupancy by volume and by pallet places,
    and whether either reaches the warehouse's alert threshold.

    >>> w = pl.DataFrame({"warehouse_id": ["W"], "capacity_m3": [4.0], "capacity_pallets": [None],
    ...                   "alert_occupancy": [0.5]})
    >>> r = pl.DataFrame({"warehouse_id": ["W"], "exporter_uscc": ["E"], "sku": ["A"], "quantity": [10],
    ...                   "volume_m3": [2.0], "pallets": [None], "received_on": [dt.date(2026, 3, 2)]})
    >>> o = r.head(0).select("warehouse_id", "exporter_uscc", "sku", "quantity", pl.col("received_on").alias("shipped_on"))
    >>> occupancy(w, r, o, dt.date(2026, 3, 1), dt.date(2026, 3, 2))["occupancy"].to_list()
    [0.0, 0.5]
    """
    daily = _daily(receipts, orders, start, end).group_by("warehouse_id", "day").agg(
        pl.col("volume_m3").sum(), pl.col("pallets").sum())
    days = pl.DataFrame({"day": pl.date_range(start, end, "1d", eager=True)})
    grid = warehouses.select("warehouse_id", "capacity_m3", "capacity_pallets", "alert_occupancy").join(days, how="cross")
    grid = grid.join(daily, on=["warehouse_id", "day"], how="left").with_columns(
        pl.col("volume_m3").fill_null(0.0), pl.col("pallets").fill_null(0.0))
    return grid.select(
        "warehouse_id", "day", pl.col("volume_m3").round(3), pl.col("pallets").round(1),
        (pl.col("volume_m3") / pl.col("capacity_m3")).round(4).alias("occupancy"),
        (pl.col("pallets") / pl.col("capacity_pallets")).round(4).alias("pallet_occupancy"),
        (pl.max_horizontal(pl.col("volume_m3") / pl.col("capacity_m3"),
                           (pl.col("pallets") / pl.col("capacity_pallets")).fill_null(0.0))
         >= pl.col("alert_occupancy").fill_null(DEFAULT_ALERT)).alias("alert"),
    ).sort("warehouse_id", "day")


def fees(warehouses: pl.DataFrame, receipts: pl.DataFrame, orders: pl.DataFrame, start: dt.date,
         end: dt.date) -> pl.DataFrame:
    """Storage fees per warehouse, exporter and month over [start, end]: m³·days (end-of-day stock volume, summed
    over days) × the rate per m³ per day.

    >>> w = pl.DataFrame({"warehouse_id": ["W"], "rate_yuan_m3_day": [2.0]})
    >>> r = pl.DataFrame({"warehouse_id": ["W"], "exporter_uscc": ["E"], "sku": ["A"], "quantity": [10],
    ...                   "volume_m3": [3.0], "pallets": [None], "received_on": [dt.date(2026, 3, 1)]})
    >>> o = pl.DataFrame({"warehouse_id": ["W"], "exporter_uscc": ["E"], "sku": ["A"], "quantity": [10],
    ...                   "shipped_on": [dt.date(2026, 3, 11)]})
    >>> fees(w, r, o, dt.date(2026, 3, 1), dt.date(2026, 3, 31)).select("m3_days", "fee_yuan").row(0)
    (30.0, 60.0)
    """
    daily = _daily(receipts, orders, start, end).with_columns(pl.col("day").dt.strftime("%Y-%m").alias("month"))
    out = daily.group_by("warehouse_id", "exporter_uscc", "month").agg(pl.col("volume_m3").sum().alias("m3_days"))
    out = out.join(warehouses.select("warehouse_id", "rate_yuan_m3_day"), on="warehouse_id")
    return out.select("warehouse_id", "exporter_uscc", "month", pl.col("m3_days").round(3),
                      "rate_yuan_m3_day", (pl.col("m3_days") * pl.col("rate_yuan_m3_day")).round(2).alias("fee_yuan")
                      ).filter(pl.col("m3_days") > 0).sort("warehouse_id", "exporter_uscc", "month")


def alerts(occ: pl.DataFrame) -> pl.DataFrame:
    """Spells of consecutive alert days per warehouse: first day, last day, days and the peak occupancy."""
    flagged = occ.sort("warehouse_id", "day").with_columns(
        (pl.col("alert") != pl.col("alert").shift(1).over("warehouse_id").fill_null(False)).cum_sum().over("warehouse_id")
        .alias("spell"))
    return flagged.filter(pl.col("alert")).group_by("warehouse_id", "spell").agg(
        pl.col("day").min().alias("first_day"), pl.col("day").max().alias("last_day"), pl.len().alias("days"),
        pl.col("occupancy").max().alias("peak_occupancy")).drop("spell").sort("warehouse_id", "first_day")


def shortfalls(receipts: pl.DataFrame, orders: pl.DataFrame) -> pl.DataFrame:
    """Orders that ship more than was in stock: the exporter's SKU, the day and the pieces missing (should be empty;
    an order refused at entry never gets here, an imported one may)."""
    moves = _moves(receipts, orders).sort([*KEYS, "day"])
    moves = moves.with_columns(pl.col("delta").cum_sum().over(KEYS).alias("on_hand"))
    return moves.filter(pl.col("on_hand") < 0).select(*KEYS, "day", (-pl.col("on_hand")).alias("missing"))
