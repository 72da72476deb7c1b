"""chainatlas warehouse list / stock / fees on the demo city: the command's figures are the ledger's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from chainatlas.cli import app
from chainatlas.warehouse import ledger, store


def test_list_stock_fees(demo_engine: Engine, tmp_path: Path) -> None:
    runner = CliRunner()
    f = store.frames(demo_engine, "HWC-DE-HAM")
    occ = ledger.occupancy(f["warehouses"], f["receipts"], f["orders"], dt.date(2026, 3, 1), dt.date(2026, 5, 31))
    alert_day = ledger.alerts(occ)["first_day"][0]  # the demo's Hamburg warehouse is in alert for a while
    res = runner.invoke(app, ["warehouse", "list", "--as-of", alert_day.isoformat(), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["warehouse_id"]: r for r in json.loads(res.output)}
    assert rows["HWC-DE-HAM"]["alert"] is True and set(rows) == {"HWC-DE-HAM", "HWC-NL-RTM", "HWC-LU-LUX"}
    res = runner.invoke(app, ["warehouse", "stock", "HWC-DE-HAM", "--as-of", "2026-04-01", "--format", "json"])
    assert res.exit_code == 0
    expected = ledger.stock(f["receipts"], f["orders"], dt.date(2026, 4, 1))
    assert sum(r["on_hand"] for r in json.loads(res.output)) == expected["on_hand"].sum() > 0
    out = tmp_path / "fees.xlsx"
    res = runner.invoke(app, ["warehouse", "fees", "HWC-DE-HAM", "--from", "2026-03-01", "--to", "2026-04-30",
                              "--format", "xlsx", "-o", str(out)])
    assert res.exit_code == 0
    fees = ledger.fees(f["warehouses"], f["receipts"], f["orders"], dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    assert load_workbook(out).active.max_row == fees.height + 1
    assert runner.invoke(app, ["warehouse", "stock", "NOPE"]).exit_code == 2
    assert runner.invoke(app, ["warehouse", "fees", "HWC-DE-HAM", "--from", "2026-04-30", "--to", "2026-03-01"]).exit_code == 2
