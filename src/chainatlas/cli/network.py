"""chainatlas network: the cargo lanes built from the platform's EPCIS events."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import _emit, _engine, app, console
from chainatlas.messages import Message

network_app = typer.Typer(help="货运网络 the cargo network (lanes from EPCIS events)", no_args_is_help=True)
app.add_typer(network_app, name="network")
COLUMNS = [("origin", "起运地 origin"), ("destination", "目的地 destination"), ("mode", "方式 mode"),
           ("shipments", "票数 shipments"), ("on_time_share", "准点率 on time"), ("transit_median_hours", "在途中位(h)"),
           ("hub_dwell_median_hours", "枢纽停留中位(h)"), ("clearance_median_hours", "通关中位(h)")]


@network_app.command("lanes")
def lanes_command(mode: Annotated[str | None, typer.Option(help="air, rail or sea")] = None,
                  by: Annotated[str, typer.Option(help="all, month or week")] = "all",
                  fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
                  output: Annotated[Path, typer.Option(help="XLSX file (with --format xlsx)")] = Path("lanes.xlsx")) -> None:
    """Lanes (origin, destination, mode — IATA or UN/LOCODE codes such as CGO, LUX, DEDUI) with shipments, on-time
    share and medians of transit, hub dwell and clearance."""
    from chainatlas.network.lanes import lanes
    from chainatlas.trade.consignments import consignment_events

    if by not in ("all", "month", "week"):
        raise typer.BadParameter(str(Message("by 须为 all、month 或 week", "by must be all, month or week")))
    rows = lanes(consignment_events(_engine()), by=None if by == "all" else by, mode=mode)
    if fmt == "xlsx":
        from chainatlas.web.tabular import xlsx_bytes

        output.write_bytes(xlsx_bytes(rows, output.stem))
        console.print(f"已写入 / written → {output}")
        return
    columns = COLUMNS if by == "all" else [*COLUMNS[:3], (by, by), *COLUMNS[3:], ("growth", "增长 growth")]
    _emit(rows, fmt, "货运线路 / cargo lanes", columns)
