"""chainatlas epcis and chainatlas trade: the EPCIS repository, clearance, trace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import (
    _audit_ready,
    _cli_audit,
    _emit,
    _engine,
    app,
    console,
)

epcis_app = typer.Typer(help="EPCIS 2.0 event repository (外贸供应链事件)", no_args_is_help=True)
app.add_typer(epcis_app, name="epcis")


@epcis_app.command("capture")
def epcis_capture(files: Annotated[list[Path], typer.Argument(help="EPCISDocument files (JSON / JSON-LD)")],
                  proceed: Annotated[bool, typer.Option(help="Store the valid events and list the rejected ones "
                                                             "(capture error behaviour proceed)")] = False) -> None:
    """Capture EPCIS documents: each file all-or-nothing (unless --proceed); events already stored (same hash ID)
    are not stored twice."""
    _audit_ready()
    from chainatlas.trade import intake

    engine = _engine()
    failed = 0
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            console.print(f"[red]✗ {path}: 无法读取 JSON / cannot read JSON: {exc}[/red]", soft_wrap=True)
            failed += 1
            continue
        job = intake.capture(engine, doc, "cli", proceed=proceed)
        if proceed and job["stored"] and job["errors"]:
            failed += 1
            console.print(f"[yellow]! {path}: 已存储 / stored {job['stored']}, {len(job['errors'])} 处问题的事件未存储 / "
                          f"events with problems left out[/yellow]", soft_wrap=True)
            for problem in job["errors"][:20]:
                console.print(f"  {problem['pointer']}: {problem['detail']}", soft_wrap=True)
            continue
        if not job["success"]:
            failed += 1
            console.print(f"[red]✗ {path}: {len(job['errors'])} 处问题，未存储 / problems, nothing stored[/red]", soft_wrap=True)
            for problem in job["errors"][:20]:
                console.print(f"  {problem['pointer']}: {problem['detail']}", soft_wrap=True)
            continue
        if job["alerts"]:
            console.print(f"  预警 / alerts raised: {job['alerts']}")
        console.print(f"✓ {path}: 事件 / events {job['events']}, 新存储 / stored {job['stored']}, "
                      f"重复 / duplicates {job['duplicates']} (capture {job['captureID']})", soft_wrap=True)
    _cli_audit("epcis capture", {"files": [str(f) for f in files]}, "ok" if not failed else "rejected", "epcis_events")
    if failed:
        raise typer.Exit(1)


trade_app = typer.Typer(help="Foreign-trade supply chain (外贸供应链)", no_args_is_help=True)
app.add_typer(trade_app, name="trade")


@trade_app.command("clearance")
def trade_clearance(
    interval: Annotated[str, typer.Option(help="arrival_to_release, declaration_to_release, arrival_to_declaration, "
                                                "release_to_departure")] = "arrival_to_release",
    by: Annotated[str, typer.Option(help="Group by (comma-separated): mode, port, channel, month")] = "mode,port,channel",
    mode: Annotated[str | None, typer.Option(help="Only this mode: air, rail, sea, road")] = None,
    port: Annotated[str | None, typer.Option(help="Only this port (IATA / UN/LOCODE)")] = None,
    period: Annotated[str | None, typer.Option(help="Only consignments released in this month (YYYY-MM)")] = None,
    target: Annotated[float | None, typer.Option(help="Target in hours (share within it is reported)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Clearance time after the WCO Time Release Study: mean, median, p90 and outliers per group (hours)."""
    import polars as pl

    from chainatlas.trade.clearance import clearance_stats, consignment_times
    from chainatlas.trade.consignments import consignment_events

    times = consignment_times(consignment_events(_engine()))
    for col, value in (("mode", mode), ("port", port), ("month", period)):
        if value:
            times = times.filter(pl.col(col) == value)
    try:
        stats = clearance_stats(times, interval=interval, by=tuple(b for b in by.split(",") if b), target_hours=target)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _emit(stats.to_dicts(), fmt, f"通关时间 / clearance time: {interval} (hours)")


@trade_app.command("trace")
def trade_trace(
    epc: Annotated[str, typer.Argument(help="EPC URN or Digital Link")],
    direction: Annotated[str, typer.Option(help="back (where from) or forward (where to)")] = "back",
    depth: Annotated[int, typer.Option(help="Steps at most")] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Trace an object through aggregation and transformation events (可追溯)."""
    from chainatlas.trade.trace import trace

    try:
        rows = trace(_engine(), epc, direction, depth)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _emit(rows, fmt, f"追溯 / trace {direction}: {epc}")
