"""chainatlas maintenance: 共享运维 — the equipment register, tickets with their SLA clocks, SLA alerts, provider KPIs
(MTTR, first-time-fix rate) and device tokens, read as an operator of the platform sees them (every record).
docs/maintenance.md."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import _date, _engine, _out, app, console
from chainatlas.maintenance.store import Scope
from chainatlas.messages import InvalidInput, NotFound

om_app = typer.Typer(help="共享运维 shared O&M: equipment, tickets, SLA alerts, provider KPIs, device tokens",
                     no_args_is_help=True)
app.add_typer(om_app, name="maintenance")
Fmt = Annotated[str, typer.Option("--format", help="table, json or xlsx")]
Output = Annotated[Path, typer.Option("-o", "--output", help="XLSX file (with --format xlsx)")]
ALL = Scope()
TICKET_COLS = [("id", "工单 ticket"), ("equipment_id", "设备 equipment"), ("priority", "优先级"), ("state", "状态 state"),
               ("opened_at", "报修 opened"), ("sla_respond", "响应 respond"), ("sla_on_site", "到场 on site"),
               ("sla_resolve", "修复 resolve")]


def _fail(exc: InvalidInput | NotFound) -> None:
    console.print(f"[red]{exc}[/red]")
    raise typer.Exit(2)


@om_app.command("equipment")
def equipment_command(owner: Annotated[str | None, typer.Option(help="the firm using it (USCC)")] = None,
                      provider: Annotated[str | None, typer.Option(help="its O&M provider (USCC)")] = None,
                      fmt: Fmt = "table", output: Output = Path("equipment.xlsx")) -> None:
    """The equipment register, with the number of open tickets per machine."""
    from chainatlas.maintenance import store

    rows = store.equipment(_engine(), ALL, owner=owner, provider=provider).to_dicts()
    _out(rows, fmt, output, "设备台账 / equipment", [("equipment_id", "设备 equipment"), ("equipment_type", "类型 type"),
                                                     ("owner_name", "企业 firm"), ("tenure", "自有/租赁"),
                                                     ("provider_name", "服务商 provider"), ("open_tickets", "未关闭 open")])


@om_app.command("tickets")
def tickets_command(state: Annotated[str | None, typer.Option(help="open, assigned, on_site, resolved, confirmed, cancelled")] = None,
                    provider: Annotated[str | None, typer.Option(help="the provider (USCC)")] = None,
                    owner: Annotated[str | None, typer.Option(help="the firm (USCC)")] = None,
                    fmt: Fmt = "table", output: Output = Path("tickets.xlsx")) -> None:
    """Tickets, newest first, with the state of their three SLA clocks now."""
    from chainatlas.maintenance import store

    rows = store.tickets(_engine(), ALL, state=state, provider=provider, owner=owner)
    _out(rows, fmt, output, "工单 / tickets", TICKET_COLS)


@om_app.command("ticket")
def ticket_command(ticket_id: Annotated[int, typer.Argument(help="the ticket number")]) -> None:
    """One ticket: its record, SLA clocks and timeline (JSON)."""
    from chainatlas.maintenance import store

    try:
        view = store.ticket(_engine(), ticket_id, ALL)
    except NotFound as exc:
        _fail(exc)
    typer.echo(json.dumps(view, ensure_ascii=False, default=str, indent=1))


@om_app.command("alerts")
def alerts_command(fmt: Fmt = "table", output: Output = Path("alerts.xlsx")) -> None:
    """Open tickets whose SLA clock is breached or at risk, the most urgent first."""
    from chainatlas.maintenance import store

    _out(store.alerts(_engine(), ALL), fmt, output, "服务等级告警 / SLA alerts",
         [("ticket_id", "工单 ticket"), ("equipment_id", "设备"), ("priority", "优先级"), ("state", "状态"),
          ("target", "计时 clock"), ("level", "告警 level")])


@om_app.command("kpi")
def kpi_command(start: Annotated[str | None, typer.Option(help="first day (default: 89 days before --end)")] = None,
                end: Annotated[str | None, typer.Option(help="last day (default: today)")] = None,
                fmt: Fmt = "table", output: Output = Path("providers.xlsx")) -> None:
    """Per provider over the period: tickets opened, resolved, confirmed; MTTR; first-time-fix rate; SLA attainment."""
    from chainatlas.maintenance import store

    last = _date(end) if end else dt.date.today()
    first = _date(start) if start else last - dt.timedelta(days=89)
    try:
        rows = store.provider_kpis(_engine(), ALL, first, last)
    except InvalidInput as exc:
        _fail(exc)
    _out(rows, fmt, output, f"服务商运维指标 / provider KPIs {first} – {last}",
         [("provider_name", "服务商 provider"), ("opened", "报修"), ("resolved", "修复"), ("mttr_hours", "MTTR h"),
          ("first_time_fix_rate", "一次修复率 FTFR"), ("sla_met_rate", "达标率 SLA"), ("open_breached", "超时未关闭")])


@om_app.command("token")
def token_command(equipment_id: Annotated[str, typer.Argument(help="the machine")],
                  revoke: Annotated[bool, typer.Option("--revoke", help="revoke its tokens instead")] = False) -> None:
    """Issue a telemetry token for a machine (printed once), or revoke its tokens."""
    from chainatlas.maintenance import store

    try:
        if revoke:
            console.print(f"已吊销 / revoked: {store.revoke_device_tokens(_engine(), equipment_id, scope=ALL)}")
        else:
            typer.echo(store.issue_device_token(_engine(), equipment_id, actor="cli", scope=ALL))
    except NotFound as exc:
        _fail(exc)
