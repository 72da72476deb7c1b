"""What every command group shares: the root app, the database of this invocation, progress, tables, audit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from chainatlas import db
from chainatlas.messages import Message
from chainatlas.settings import get_settings, home_of

app = typer.Typer(help="ChainAtlas 产业链图谱平台 — command line", no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
_state: dict[str, str | None] = {"db": None}


@app.callback()
def _main(
    database: Annotated[str | None, typer.Option("--db", help="Database URL (default: CHAINATLAS_DATABASE_URL or the SQLite file)")] = None,
) -> None:
    _state["db"] = database
    _state["checked"] = None


def _engine(check: bool = True) -> Engine:
    """The database of this invocation; unless ``check`` is off, one that ``chainatlas init`` has prepared."""
    url = _state["db"] or get_settings().resolved_database_url()
    engine = db.get_engine(url)
    if check and _state.get("checked") != url:
        from chainatlas.migrate import NotInitialised, require_initialised

        try:
            require_initialised(engine)
        except NotInitialised as exc:
            console.print(f"[red]{exc}[/red]", soft_wrap=True)
            raise typer.Exit(2) from None
        _state["checked"] = url
    return engine


def _progress(unit: str = "行/rows") -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} " + unit),
                    TimeElapsedColumn(), console=console, transient=False)



def _home(home: str | None) -> str:
    return home_of(home)


def _emit(rows: list[dict[str, object]], fmt: str, title: str, columns: list[tuple[str, str]] | None = None) -> None:
    """Print rows as a table (default) or JSON."""
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
        return
    if not rows:
        console.print(f"{title}: 没有数据 / no rows")
        return
    from rich.table import Table

    cols = columns or [(k, k) for k in (rows[0].keys() if rows else [])]
    table = Table(title=title)
    for _, head in cols:
        table.add_column(head)
    for r in rows:
        table.add_row(*[_fmt(r.get(k)) for k, _ in cols])
    Console().print(table)


def _out(rows: list[dict[str, Any]], fmt: str, output: Path, title: str,
         columns: list[tuple[str, str]] | None = None) -> None:
    """Rows as a table (default; ``columns`` picks and names what fits a terminal), JSON on stdout, or an XLSX file
    at ``output`` (every column)."""
    if fmt not in ("table", "json", "xlsx"):
        raise typer.BadParameter(str(Message("format 须为 table、json 或 xlsx", "format must be table, json or xlsx")))
    if fmt == "xlsx":
        from chainatlas.web.tabular import xlsx_bytes

        output.write_bytes(xlsx_bytes(rows, output.stem))
        console.print(f"已写入 / written → {output}")
        return
    _emit(rows, fmt, title, columns if fmt == "table" else None)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:,.0f}"
    return "" if v is None else str(v)


def _report(result: dict[str, object], fmt: str, workbook: Callable[[], bytes], path: Path, table: Callable[[], None]) -> None:
    """An analysis result as an XLSX file, JSON on stdout, or a table."""
    from chainatlas.analysis.reports import write

    if fmt == "xlsx":
        console.print(f"已写入 / written → {write(workbook(), path)}")
    elif fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, default=str, indent=1))
    else:
        table()


def _date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(str(Message(f"日期应为 YYYY-MM-DD：{value}", f"date must be YYYY-MM-DD: {value}"))) from None


def _audit_ready() -> None:
    """An audited command first checks that its record can be written: nothing is done that could not be audited."""
    from chainatlas.governance import audit as audit_log

    try:
        audit_log.check(_engine())
    except audit_log.AuditIntegrityError as exc:
        console.print(f"[red]{Message(f'审计链异常，已拒绝执行：{exc.zh}', f'audit chain refused: {exc.en}')}[/red]")
        console.print("检查 / check: chainatlas audit verify")
        raise typer.Exit(3) from None


def _cli_audit(action: str, params: dict[str, object], outcome: str = "ok", dataset: str | None = None) -> None:
    import getpass

    from chainatlas.governance import audit as audit_log

    try:
        audit_log.record(_engine(), actor=f"cli:{getpass.getuser()}", role="admin", action=f"chainatlas {action}",
                         params=params, outcome=outcome, dataset=dataset)
    except audit_log.AuditIntegrityError as exc:
        console.print(f"[red]{Message(f'审计记录无法写入：{exc.zh}', f'the audit record could not be written: {exc.en}')}[/red]")
        raise typer.Exit(3) from None


