"""Stock, occupancy, fees and alerts of an overseas warehouse on a fixture small enough to check by hand
(docs/warehouse.md gives the same numbers)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from chainatlas.warehouse import ledger

D = dt.date


@pytest.fixture()
def books() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    # W: 10 m³, 10 pallet places, 2 yuan per m³ per day, alert at 0.5.
    # E1/A: 20 pieces, 4 m³, 4 pallets on 1 March; 10 shipped on 4 March, 10 on 6 March.
    # E2/B: 5 pieces, 2.5 m³, 1 pallet on 3 March; 5 shipped on 5 March.
    w = pl.DataFrame({"warehouse_id": ["W"], "capacity_m3": [10.0], "capacity_pallets": [10],
                      "rate_yuan_m3_day": [2.0], "alert_occupancy": [0.5]})
    r = pl.DataFrame({"warehouse_id": ["W", "W"], "exporter_uscc": ["E1", "E2"], "sku": ["A", "B"], "quantity": [20, 5],
                      "volume_m3": [4.0, 2.5], "pallets": [4, 1], "received_on": [D(2026, 3, 1), D(2026, 3, 3)]})
    o = pl.DataFrame({"warehouse_id": ["W"] * 3, "exporter_uscc": ["E1", "E1", "E2"], "sku": ["A", "A", "B"],
                      "quantity": [10, 10, 5], "shipped_on": [D(2026, 3, 4), D(2026, 3, 6), D(2026, 3, 5)]})
    return w, r, o


def test_stock_on_a_day(books: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]) -> None:
    _w, r, o = books
    s = ledger.stock(r, o, D(2026, 3, 4)).sort("sku")
    assert s.select("sku", "received", "shipped", "on_hand", "volume_m3", "pallets").rows() == [
        ("A", 20, 10, 10, 2.0, 2.0), ("B", 5, 0, 5, 2.5, 1.0)]


def test_occupancy_by_day_and_alert(books: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]) -> None:
    w, r, o = books
    occ = ledger.occupancy(w, r, o, D(2026, 2, 28), D(2026, 3, 7))
    # end-of-day m³: 28 Feb 0; 1–2 Mar 4; 3 Mar 6.5; 4 Mar 4.5; 5 Mar 2; 6–7 Mar 0
    assert occ["volume_m3"].to_list() == [0.0, 4.0, 4.0, 6.5, 4.5, 2.0, 0.0, 0.0]
    assert occ["occupancy"].to_list() == [0.0, 0.4, 0.4, 0.65, 0.45, 0.2, 0.0, 0.0]
    assert occ["alert"].to_list() == [False, False, False, True, False, False, False, False]
    spells = ledger.alerts(occ)
    assert spells.select("first_day", "last_day", "days", "peak_occupancy").rows() == [(D(2026, 3, 3), D(2026, 3, 3), 1, 0.65)]


def test_pallets_alone_raise_an_alert(books: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]) -> None:
    w, r, o = books
    occ = ledger.occupancy(w.with_columns(pl.lit(8).alias("capacity_pallets")), r, o, D(2026, 3, 1), D(2026, 3, 1))
    # 4 m³ of 10 is below 0.5, but 4 pallets of 8 reach it
    assert occ.select("occupancy", "pallet_occupancy", "alert").row(0) == (0.4, 0.5, True)


def test_fees_by_exporter_and_month(books: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]) -> None:
    w, r, o = books
    f = ledger.fees(w, r, o, D(2026, 3, 1), D(2026, 3, 31))
    # E1: 4 m³ on 1, 2, 3 March, 2 m³ on 4, 5 March = 16 m³·days → 32 yuan; E2: 2.5 m³ on 3, 4 March = 5 → 10 yuan
    assert f.select("exporter_uscc", "m3_days", "fee_yuan").rows() == [("E1", 16.0, 32.0), ("E2", 5.0, 10.0)]


def test_fees_split_by_month() -> None:
    w = pl.DataFrame({"warehouse_id": ["W"], "rate_yuan_m3_day": [1.0]})
    r = pl.DataFrame({"warehouse_id": ["W"], "exporter_uscc": ["E"], "sku": ["A"], "quantity": [1], "volume_m3": [1.0],
                      "pallets": [None], "received_on": [D(2026, 3, 30)]}, schema_overrides={"pallets": pl.Int64})
    o = pl.DataFrame({"warehouse_id": ["W"], "exporter_uscc": ["E"], "sku": ["A"], "quantity": [1],
                      "shipped_on": [D(2026, 4, 3)]})
    f = ledger.fees(w, r, o, D(2026, 3, 1), D(2026, 4, 30))
    assert f.select("month", "m3_days").rows() == [("2026-03", 2.0), ("2026-04", 2.0)]


def test_shortfalls_find_an_order_beyond_the_stock(books: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]) -> None:
    _w, r, o = books
    assert ledger.shortfalls(r, o).height == 0
    more = pl.concat([o, pl.DataFrame({"warehouse_id": ["W"], "exporter_uscc": ["E2"], "sku": ["B"], "quantity": [2],
                                       "shipped_on": [D(2026, 3, 2)]})])
    # shipped on 2 March, before B arrived on 3 March: 2 short that day, and still 2 short after the 5 of 5 March
    assert ledger.shortfalls(r, more).select("sku", "day", "missing").rows() == [("B", D(2026, 3, 2), 2),
                                                                                 ("B", D(2026, 3, 5), 2)]
