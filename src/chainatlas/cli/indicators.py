"""chainatlas indicators: the city's indicators against their targets, and the import of official statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import _audit_ready, _cli_audit, _emit, _engine, _home, app, console
from chainatlas.messages import Message, NotFound

indicators_app = typer.Typer(help="城市指标与目标 city indicators against their targets", no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")
LIST_COLUMNS = [("indicator", "指标 id"), ("name", "名称 name"), ("chain", "产业链 chain"), ("period", "期间 period"),
                ("value", "数值 value"), ("unit", "单位 unit"), ("target", "目标 target"), ("target_year", "年 year"),
                ("gap", "差距 gap"), ("growth_needed", "需年均增长 growth needed"), ("as_of", "数据日期 as of"),
                ("source", "来源 source")]


def _xlsx(rows: list[dict[str, object]], path: Path) -> None:
    from chainatlas.web.tabular import xlsx_bytes

    path.write_bytes(xlsx_bytes(rows, path.stem))
    console.print(f"已写入 / written → {path}")


@indicators_app.command("list")
def list_command(fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
                 output: Annotated[Path, typer.Option(help="XLSX file (with --format xlsx)")] = Path("indicators.xlsx")) -> None:
    """Every indicator's latest value, with its date and source, against its nearest target."""
    from chainatlas.indicators.report import headline, headline_rows

    rows = headline_rows(headline(_engine(), home=_home(None)))
    if fmt == "xlsx":
        _xlsx(rows, output)
    else:
        _emit(rows, fmt, "城市指标 / indicators", LIST_COLUMNS)


@indicators_app.command("show")
def show_command(indicator_id: Annotated[str, typer.Argument(help="e.g. airport_cargo_tonnes")],
                 fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
                 output: Annotated[Path | None, typer.Option(help="XLSX file (with --format xlsx)")] = None) -> None:
    """One indicator: its series and, per target, the gap, the growth needed and the projection."""
    import json

    from chainatlas.indicators.report import report

    try:
        r = report(_engine(), indicator_id, home=_home(None))
    except NotFound as exc:
        raise typer.BadParameter(str(Message(f"{exc.zh}；见 `chainatlas indicators list`",
                                             f"{exc.en}; see `chainatlas indicators list`"))) from None
    if fmt == "json":
        typer.echo(json.dumps(r, ensure_ascii=False, default=str, indent=1))
        return
    rows = [{"chain": s["chain"], **p} for s in r["series"] for p in s["points"]]
    if fmt == "xlsx":
        _xlsx(rows, output or Path(f"indicator-{indicator_id}.xlsx"))
        return
    _emit(rows, "table", f"{r['indicator']['name']['zh']} / {r['indicator']['name']['en']}")
    for s in r["series"]:
        for p in s["progress"]:
            proj, need = p["projection"], p["growth_needed"]
            line = f"{s['chain'] or ''} 目标/target {p['value']:g} ({p['year']}) · 差距/gap {p['gap']}"
            if need is not None:
                line += f" · 需年均增长/growth needed {need:.1%}"
            if proj:
                line += f" · 趋势外推/projection {proj['value']:.1f} [{proj['low']:.1f}, {proj['high']:.1f}]"
            console.print(line, soft_wrap=True)


@indicators_app.command("import")
def import_command(files: Annotated[list[Path], typer.Argument(help="CSV or XLSX of official statistics")]) -> None:
    """Import official statistics (table official_statistics), all or nothing, like any import."""
    _audit_ready()
    from chainatlas.exchange.importer import import_files

    report = import_files(files, table="official_statistics", engine=_engine())
    for p in report.problems[:20]:
        console.print(f"[red]✗[/red] {p}", soft_wrap=True)
    if not report.ok:
        console.print(f"[red]未写入任何数据 / nothing written[/red]: {report.n_problems} 个问题 / problems")
        _cli_audit("indicators import", {"files": [f.name for f in files]}, outcome="failed", dataset="indicators")
        raise typer.Exit(1)
    _cli_audit("indicators import", {"files": [f.name for f in files]}, dataset="indicators")
    console.print(f"✓ 已导入 / imported: {report.rows}")
