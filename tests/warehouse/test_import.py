"""Warehouses, receipts and orders through the exchange spec: they import all-or-nothing on both databases, a
receipt refers to a warehouse given before or in the same import, and an order beyond the stock (stored and imported
movements together) is refused with the line that causes it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, func, select

from chainatlas import db
from chainatlas.exchange.importer import import_files
from chainatlas.warehouse import ledger, store
from tests.helpers.exchange import ENTERPRISES, A, B, write

WAREHOUSES = """海外仓编号,海外仓名称,国家代码,城市,地点代码,运营方,库容（立方米）,托盘位,仓储费率（元/立方米·天）,预警占用率
W1,示例公共海外仓甲,DE,Hamburg,DEHAM,X-DE-0123456789AB,10,10,2,0.5
"""
RECEIPTS = f"""入库单号,海外仓编号,出口企业统一社会信用代码,货号,件数,体积（立方米）,托盘数,入库日期
R1,W1,{A},A,20,4,4,2026-03-01
R2,W1,{B},B,5,2.5,1,2026-03-03
"""
ORDERS = f"""出库单号,海外仓编号,出口企业统一社会信用代码,货号,件数,出库日期,目的国家
O1,W1,{A},A,10,2026-03-04,DE
O2,W1,{A},A,10,2026-03-06,AT
O3,W1,{B},B,5,2026-03-05,PL
"""


def _files(tmp_path: Path, orders: str = ORDERS) -> list[Path]:
    return [write(tmp_path / "ents.csv", ENTERPRISES), write(tmp_path / "wh.csv", WAREHOUSES),
            write(tmp_path / "in.csv", RECEIPTS), write(tmp_path / "out.csv", orders)]


def test_the_fixture_imports_and_gives_the_hand_checked_figures(any_engine: Engine, tmp_path: Path) -> None:
    report = import_files(_files(tmp_path), engine=any_engine)
    assert report.ok, report.problems[:3]
    f = store.frames(any_engine)
    fees = ledger.fees(f["warehouses"], f["receipts"], f["orders"], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert fees.select("m3_days", "fee_yuan").rows() == [(16.0, 32.0), (5.0, 10.0)]  # docs/warehouse.md


def test_an_order_beyond_the_stock_is_refused(engine: Engine, tmp_path: Path) -> None:
    over = ORDERS.replace(f"O2,W1,{A},A,10", f"O2,W1,{A},A,11")
    report = import_files(_files(tmp_path, over), engine=engine)
    assert not report.written
    [p] = report.problems
    assert (p.file, p.row, p.column) == ("out.csv", 3, "件数") and "not enough stock" in p.reason_en and "库存不足" in p.reason_zh
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.warehouse_order)).scalar() == 0
    # stored receipts count: import the receipts first, then a valid order file on its own
    assert import_files(_files(tmp_path)[:3], engine=engine).ok
    assert import_files([write(tmp_path / "o.csv", ORDERS)], engine=engine).ok
    late = f"出库单号,海外仓编号,出口企业统一社会信用代码,货号,件数,出库日期\nO4,W1,{B},B,1,2026-03-09\n"
    assert not import_files([write(tmp_path / "late.csv", late)], engine=engine).written  # B is all shipped


def test_a_receipt_needs_a_known_warehouse(engine: Engine, tmp_path: Path) -> None:
    files = _files(tmp_path)
    report = import_files([files[0], files[2]], engine=engine)
    assert not report.written and {p.column for p in report.problems} == {"海外仓编号"}
    assert all(p.reason_en.startswith("unknown reference") for p in report.problems)
