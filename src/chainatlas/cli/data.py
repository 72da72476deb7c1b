"""Data commands: init, demo, import, export, template, spec, place."""

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
    _home,
    _progress,
    app,
    console,
)
from chainatlas.exchange.importer import ImportReport
from chainatlas.messages import Message
from chainatlas.settings import get_settings


@app.command()
def init() -> None:
    """Create or migrate the database and load the code tables and chain templates (初始化数据库)."""
    from chainatlas.bootstrap import init_database
    from chainatlas.governance.principals import ensure_admin

    engine = _engine(check=False)
    counts = init_database(engine)
    console.print("数据库已就绪 / database ready: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    password = ensure_admin(engine)
    if password:
        console.print(f"[bold]本地管理员 / local administrator: 用户名 admin  密码 {password}[/bold]  "
                      "（仅显示这一次，请妥善保存 / shown only this once — keep it safe）")


@app.command()
def demo(
    scale: Annotated[str, typer.Option(help="s ≈ 5k firms/50k links, m ≈ 200k/1M, l ≈ 1M/5M (files only)")] = "s",
    seed: Annotated[int, typer.Option(help="Random seed (deterministic output)")] = 20260301,
    out: Annotated[Path | None, typer.Option(help="Folder for the generated files")] = None,
    load: Annotated[bool, typer.Option(help="Import the generated files into the database")] = True,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing when the database already holds enterprises")] = False,
) -> None:
    """Build the fictional demo city (示例城市, all data labelled 示例)."""
    from chainatlas.bootstrap import init_database, is_empty

    if if_empty and load:
        engine = _engine(check=False)
        init_database(engine)
        if not is_empty(engine):
            console.print("数据库已有数据，跳过示例城市 / database not empty, demo skipped")
            return
    from chainatlas.demo.city import generate
    from chainatlas.exchange.importer import import_files

    if scale not in ("s", "m", "l"):
        raise typer.BadParameter(str(Message("规模须为 s、m 或 l", "scale must be s, m or l")))
    out = out or get_settings().data_dir / "demo" / scale
    console.print(f"生成示例城市 / generating demo city scale={scale} seed={seed} → {out}")
    files = generate(scale, seed, out)
    if not load:
        return
    engine = _engine(check=False)
    init_database(engine)
    with _progress() as bar:
        task = bar.add_task("导入/import", total=None)
        report = import_files(files.import_paths(), engine=engine,
                              progress=lambda n, label: bar.update(task, advance=n, description=label))
    _print_report(report)
    if not report.ok:
        raise typer.Exit(1)
    from chainatlas.demo.trade import load_trade_demo

    job = load_trade_demo(engine, _home(None), seed=seed)
    console.print(f"示例外贸事件 / demo trade events: {job['stored']} (EPCIS capture {job['captureID']})")
    from chainatlas.demo.collab import load_collab_demo

    with console.status("示例技术需求、成果与实习 / demo demands, capabilities, internships (语义向量 embeddings …)"):
        states = load_collab_demo(engine, seed=seed)
    console.print(f"示例揭榜挂帅 / demo open calls: {sum(states.values())} ({', '.join(f'{k} {v}' for k, v in states.items())})")
    from chainatlas.demo.consolidation import load_consolidation_demo
    from chainatlas.demo.digital import load_digital_demo

    with console.status("示例拼单与公共海外仓 / demo consolidation and overseas warehouses"):
        load_consolidation_demo(engine, _home(None), seed=seed)
    with console.status("示例智改数转服务 / demo digital transformation services"):
        load_digital_demo(engine, _home(None), seed=seed)
    console.print("示例拼单、海外仓与智改数转服务已导入 / demo consolidation, warehouses and digital services loaded")


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV, XLSX, JSONL or Parquet files")],
    table: Annotated[str | None, typer.Option(help="Table, when it cannot be recognised from columns or sheet names")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Write the valid rows and report the rest")] = False,
    keep_lines: Annotated[bool, typer.Option("--keep-lines", help="Keep raw transaction lines (sensitive)")] = False,
    encoding: Annotated[str, typer.Option(help="CSV encoding: auto, utf-8 or gb18030")] = "auto",
    period: Annotated[str, typer.Option(help="Bucket transaction lines by year or quarter")] = "year",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Import files (导入): validate every row, then write all or nothing."""
    _audit_ready()
    from chainatlas.exchange.importer import import_files

    with _progress() as bar:
        task = bar.add_task("校验/validate", total=None)
        report = import_files(files, table=table, dry_run=dry_run, skip_invalid=skip_invalid, keep_lines=keep_lines,
                              encoding=encoding, period=period, engine=_engine(),
                              progress=lambda n, label: bar.update(task, advance=n, description=label))
    if not dry_run:
        _cli_audit("import", {"files": [str(f) for f in files], "rows": report.rows, "written": report.written},
                   outcome="ok" if report.ok else "refused", dataset="imports")
        from chainatlas.refresh import after_import

        after_import(_engine(), report.written)  # analysis frames prepared, products' quality measured
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, default=str, indent=1))
    else:
        _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


def _print_report(report: ImportReport) -> None:
    for p in report.problems[:50]:
        console.print(f"[red]✗[/red] {p}")
    if report.n_problems > 50:
        console.print(f"… 共 {report.n_problems} 个问题 / {report.n_problems} problems in all")
    rows = ", ".join(f"{k} {v}" for k, v in report.rows.items())
    if report.ok:
        verb = "校验通过（未写入，--dry-run）/ valid (dry run, nothing written)" if report.dry_run else "已导入 / imported"
        console.print(f"[green]✓[/green] {verb}: {rows}" + (f"; 由发票行汇总供应关系 / links from lines {report.links_from_transactions}" if report.links_from_transactions else ""))
    elif report.written:
        console.print(f"[yellow]![/yellow] 已写入有效行，跳过 {report.rows_invalid} 行 / wrote valid rows, skipped {report.rows_invalid}: {rows}")
    else:
        console.print(f"[red]未写入任何数据 / nothing written[/red]: {report.n_problems} 个问题 / problems")
    for path in report.report_paths:
        console.print(f"问题报告 / report: {path}")


@app.command()
def export(
    table: Annotated[str, typer.Argument(help="enterprises, enterprise_profiles, supply_links, transactions, chains, segments, placements, regions, industries")],
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx, jsonl or parquet")] = "csv",
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file")] = Path("export.csv"),
    headers: Annotated[str, typer.Option(help="Column headers: en (spec names) or zh (Chinese)")] = "en",
) -> None:
    """Export a table (导出); the file re-imports unchanged."""
    _audit_ready()
    from chainatlas.exchange.export import export_table

    n = export_table(_engine(), table, fmt, output, headers)
    _cli_audit("export", {"table": table, "format": fmt, "output": str(output), "rows": n}, dataset=table)
    console.print(f"已导出 / exported {n} 行/rows → {output}")


@app.command()
def template(
    table: Annotated[str, typer.Argument(help="Table name")],
    output: Annotated[Path, typer.Option("-o", "--output", help="XLSX file to write")] = Path("template.xlsx"),
) -> None:
    """Write an Excel import template (导入模板) with notes and drop-down lists."""
    from chainatlas.exchange.spec import TABLES
    from chainatlas.exchange.template import write_template

    if table not in TABLES:
        raise typer.BadParameter(str(Message(f"未知数据表 {table}；可用：{'、'.join(TABLES)}",
                                                     f"unknown table {table}; tables: {', '.join(TABLES)}")))
    engine = None
    try:
        engine = _engine(check=False)
        from chainatlas.bootstrap import table_counts

        table_counts(engine, ("region",))
    except Exception:  # no database yet: the template still works, without code drop-downs
        engine = None
    write_template(table, output, engine)
    console.print(f"模板已写入 / template written → {output}")


@app.command()
def spec(
    output: Annotated[Path, typer.Option("-o", "--output", help="Markdown file")] = Path("docs/exchange-spec.md"),
) -> None:
    """Write the data-exchange specification document (数据交互规范) from the schemas."""
    from chainatlas.exchange.specdoc import render_markdown

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_markdown(), encoding="utf-8")
    console.print(f"规范已写入 / specification written → {output}")




@app.command()
def place(chain: Annotated[str | None, typer.Option(help="Only this chain")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False) -> None:
    """Re-run segment placement (环节归属); declared placements and analysts' overrides win."""
    from chainatlas.chains.placement import report_dict, run_placement

    report = report_dict(run_placement(_engine(), chain))
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    console.print(f"已归属 / placed: {report['placed']} ({report['by_evidence']}); 已应用人工调整 / overrides: {report['overrides_applied']}")
    console.print(f"未归属企业 / unplaced: {len(report['unplaced'])}; 低置信度 / low confidence (<0.5): {len(report['low_confidence'])}")
    _emit(report["unplaced"][:30], "table", "未归属企业（前30）/ unplaced (first 30)")
    _emit(report["low_confidence"][:30], "table", "低置信度归属（前30）/ low-confidence placements (first 30)")
