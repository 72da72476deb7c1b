"""chainatlas warehouse: public overseas warehouses (公共海外仓) — occupancy, stock and storage fees (docs/warehouse.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from chainatlas.cli.common import _engine, _out, app, console
from chainatlas.messages import Message

warehouse_app = typer.Typer(help="公共海外仓 overseas warehouses: occupancy, stock, fees", no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")
Fmt = Annotated[str, typer.Option("--format", help="table, json or xlsx")]
Output = Annotated[Path, typer.Option("-o", "--output", help="XLSX file (with --format xlsx)")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="the day, YYYY-MM-DD (default today)")]


def _day(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise typer.BadParameter(str(Message("日期须为 YYYY-MM-DD", "dates are YYYY-MM-DD"))) from None


@warehouse_app.command("list")
def list_command(as_of: AsOf = None, fmt: Fmt = "table", output: Output = Path("warehouses.xlsx")) -> None:
    """Every warehouse with its stock m³, pallets and occupancy at the end of the day, and whether it is in alert."""
    from chainatlas.warehouse import store

    cols = ("warehouse_id", "name", "country_code", "city", "capacity_m3", "volume_m3", "occupancy", "pallet_occupancy",
            "alert", "exporters", "skus")
    rows = [{k: r.get(k) for k in cols} for r in store.summary(_engine(), _day(as_of))]
    _out(rows, fmt, output, "公共海外仓 / overseas warehouses")


@warehouse_app.command("stock")
def stock_command(warehouse_id: str, as_of: AsOf = None, fmt: Fmt = "table",
                  output: Output = Path("stock.xlsx")) -> None:
    """Pieces received, shipped and in stock per exporter and SKU on the day, with their m³ and pallet places."""
    import polars as pl

    from chainatlas.warehouse import ledger

    f = _frames(warehouse_id)
    rows = ledger.stock(f["receipts"], f["orders"], _day(as_of)).filter(pl.col("on_hand") > 0).to_dicts()
    _out(rows, fmt, output, f"库存 / stock {warehouse_id}")


@warehouse_app.command("fees")
def fees_command(warehouse_id: str, start: Annotated[str, typer.Option("--from", help="first day, YYYY-MM-DD")],
                 end: Annotated[str, typer.Option("--to", help="last day, YYYY-MM-DD")], fmt: Fmt = "table",
                 output: Output = Path("fees.xlsx")) -> None:
    """Storage fees per exporter and month: m³·days (end-of-day stock volume) × the warehouse's rate."""
    from chainatlas.warehouse import ledger

    first, last = _day(start), _day(end)
    if last < first:
        raise typer.BadParameter(str(Message("--to 早于 --from", "--to is before --from")))
    f = _frames(warehouse_id)
    _out(ledger.fees(f["warehouses"], f["receipts"], f["orders"], first, last).to_dicts(), fmt, output,
         f"仓储费 / storage fees {warehouse_id}")


def _frames(warehouse_id: str) -> dict[str, Any]:
    from chainatlas.warehouse import store

    f = store.frames(_engine(), warehouse_id)
    if not f["warehouses"].height:
        console.print(f"[red]{Message(f'海外仓 {warehouse_id} 不存在', f'no warehouse {warehouse_id}')}[/red]")
        raise typer.Exit(2)
    return f
