"""The ``chainatlas`` command line — a thin shell over the library."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from chainatlas import db
from chainatlas.exchange.importer import ImportReport
from chainatlas.settings import get_settings, home_of

if TYPE_CHECKING:
    import polars as pl

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
        from chainatlas.bootstrap import NotInitialised, require_initialised

        try:
            require_initialised(engine)
        except NotInitialised as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None
        _state["checked"] = url
    return engine


def _progress(unit: str = "行/rows") -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} " + unit),
                    TimeElapsedColumn(), console=console, transient=False)


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
        raise typer.BadParameter("scale must be s, m or l")
    out = out or get_settings().data_dir / "demo" / scale
    console.print(f"生成示例城市 / generating demo city scale={scale} seed={seed} → {out}")
    files = generate(scale, seed, out)
    if not load:
        return
    engine = _engine(check=False)
    init_database(engine)
    with _progress() as bar:
        task = bar.add_task("导入/import", total=None)
        report = import_files([files.enterprises, files.placements, files.transactions], engine=engine,
                              progress=lambda n, label: bar.update(task, advance=n, description=label))
    _print_report(report)
    if not report.ok:
        raise typer.Exit(1)
    from chainatlas.demo.trade import load_trade_demo

    job = load_trade_demo(engine, _home(None), seed=seed)
    console.print(f"示例外贸事件 / demo trade events: {job['stored']} (EPCIS capture {job['captureID']})")


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
        raise typer.BadParameter(f"unknown table {table}; tables: {', '.join(TABLES)}")
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
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Serve the web workbench and the API (Web 工作台与接口)."""
    import uvicorn

    from chainatlas.web.app import create_app

    _engine()  # an uninitialised database is refused here with the one clear message, not on every page
    from chainatlas.settings import MissingSetup, require_file
    from chainatlas.web.app import VENDOR

    try:  # a plain clone without `make install` would serve pages without their scripts
        for sub in VENDOR.values():
            require_file(get_settings().assets_dir / sub, "前端资源", "front-end assets")
        require_file(get_settings().epcis_schema, " EPCIS 2.0 JSON Schema", "the EPCIS 2.0 JSON Schema")
    except MissingSetup as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if _state["db"]:
        import os

        os.environ["CHAINATLAS_DATABASE_URL"] = _state["db"]
    typer.echo(f"ChainAtlas: http://{host}:{port}/  (API docs /docs)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")


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


@app.command()
def atlas(
    chain: Annotated[str, typer.Argument(help="Chain id, e.g. nev")],
    period: Annotated[str | None, typer.Option(help="Period (default: latest)")] = None,
    home: Annotated[str | None, typer.Option(help="Home area prefix (default: settings)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File for xlsx")] = None,
) -> None:
    """The chain atlas (产业链图谱): per segment, local base, local share and status 强/较强/弱/缺."""
    from chainatlas.analysis.atlas import chain_atlas
    from chainatlas.analysis.reports import ATLAS_COLUMNS, atlas_workbook
    from chainatlas.analysis.snapshot import load_snapshot

    try:
        result = chain_atlas(load_snapshot(_engine()), chain, home=_home(home), period=period)
    except KeyError as exc:
        raise typer.BadParameter(f"unknown chain {chain}") from exc
    _report(result, fmt, lambda: atlas_workbook(result), output or Path(f"atlas-{chain}-{result['period']}.xlsx"),
            lambda: _emit(result["segments"], fmt, f"{chain} {result['period']} home={result['home']} as_of={result['as_of']}",
                          ATLAS_COLUMNS))


@app.command("supporting-rate")
def supporting_rate_cmd(
    chain: Annotated[str | None, typer.Option(help="Chain id")] = None,
    buyer: Annotated[str | None, typer.Option(help="Buyer USCC (e.g. a chain leader)")] = None,
    period: Annotated[str | None, typer.Option(help="Period")] = None,
    home: Annotated[str | None, typer.Option(help="Home area prefix: 4101 city, 41 province")] = None,
    by_segment: Annotated[bool, typer.Option("--by-segment", help="Break down by the segment of the goods")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Local supporting rate (本地配套率): numerator, denominator and rate per period."""
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.analysis.supporting_rate import supporting_rate

    result = supporting_rate(load_snapshot(_engine()), home=_home(home), chain=chain, buyer=buyer, period=period,
                             by_segment=by_segment)
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, default=str, indent=1))
    else:
        _emit(result["rows"], fmt, f"本地配套率 / supporting rate home={result['home']} chain={chain or '-'} buyer={buyer or '-'}")


@app.command()
def targets(
    chain: Annotated[str, typer.Argument(help="Chain id")],
    segment: Annotated[str | None, typer.Option(help="Only this segment (default: weak and missing ones)")] = None,
    top: Annotated[int, typer.Option(help="How many")] = 20,
    period: Annotated[str | None, typer.Option(help="Period")] = None,
    home: Annotated[str | None, typer.Option(help="Home area prefix")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File for xlsx")] = None,
) -> None:
    """Attraction targets (精准招商清单) for weak and missing segments, with score components."""
    from chainatlas.analysis.reports import TARGET_COLUMNS, targets_workbook
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.analysis.targets import attraction_targets

    try:
        result = attraction_targets(load_snapshot(_engine()), chain, home=_home(home), segment=segment, top=top, period=period)
    except KeyError as exc:
        raise typer.BadParameter(f"unknown chain {chain}") from exc
    def table() -> None:
        rows = [{**it, **{f"c_{k}": v for k, v in it["components"].items()}} for it in result["items"]]
        cols = [c for c in TARGET_COLUMNS if c[0] in ("rank", "name", "segment_name_zh", "score", "supply_value_yuan", "local_buyers")]
        _emit(rows, fmt, f"{chain} 招商清单 period={result['period']}", cols + [(f"c_{k}", k) for k in result["weights"]])

    _report(result, fmt, lambda: targets_workbook(result), output or Path(f"targets-{chain}.xlsx"), table)


risk_app = typer.Typer(help="Supply-chain resilience (供应链韧性)", no_args_is_help=True)
app.add_typer(risk_app, name="risk")


@risk_app.command("rei")
def risk_rei(
    nodes: Annotated[Path | None, typer.Option(help="nodes.csv (or one XLSX with sheets nodes/edges, or JSON)")] = None,
    edges: Annotated[Path | None, typer.Option(help="edges.csv")] = None,
    chain: Annotated[str | None, typer.Option(help="Derive the network of a chain from the platform's supply links")] = None,
    home: Annotated[str | None, typer.Option(help="Home area prefix")] = None,
    ttr_weeks: Annotated[float, typer.Option(help="--chain: time-to-recover of every node (weeks)")] = 8.0,
    stock_weeks: Annotated[float, typer.Option(help="--chain: inventory, in weeks of output")] = 1.0,
    headroom: Annotated[float, typer.Option(help="--chain: capacity ÷ current output")] = 1.0,
    overrides: Annotated[Path | None, typer.Option(help="--chain: CSV with node_id and any of capacity, inventory, "
                                                        "demand, unit_profit, ttr (per-node values that replace derived ones)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File for xlsx")] = None,
) -> None:
    """Risk exposure index (REI), time-to-survive and criticality per node (Simchi-Levi et al. 2015)."""
    from chainatlas.risk.network import chain_network, read_network
    from chainatlas.risk.rei import ranked_rows

    if chain:
        from chainatlas.analysis.snapshot import load_snapshot

        snap = load_snapshot(_engine())
        if snap.chain_segments(chain).height == 0:
            raise typer.BadParameter(f"未找到产业链 / no chain {chain}")
        from chainatlas.risk.network import read_overrides

        try:
            per_node = read_overrides(overrides) if overrides else None
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        net = chain_network(snap, chain, home=_home(home), ttr_weeks=ttr_weeks, stock_weeks=stock_weeks,
                            headroom=headroom, overrides=per_node)
    elif nodes:
        try:
            net = read_network(nodes, edges)
        except (ValueError, KeyError) as exc:
            raise typer.BadParameter(str(exc)) from exc
    else:
        raise typer.BadParameter("give --nodes/--edges or --chain")
    with _progress("节点/nodes") as bar:
        task = bar.add_task("求解 / solving", total=len(net.nodes))
        rows = ranked_rows(net, progress=lambda d, t: bar.update(task, completed=d, total=t))
    if chain:
        from chainatlas.risk.network import ranking

        rows = ranking(snap, chain, rows, home=_home(home))
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "xlsx":
        from chainatlas.analysis.reports import tables_workbook

        path = output or Path("rei.xlsx")
        path.write_bytes(tables_workbook("风险暴露指数 / risk exposure index", {"home": home, "period": None}, {"REI": rows}))
        console.print(f"已写入 / written → {path}")
    else:
        _emit(rows[:50], "table", "风险暴露指数 / risk exposure index (top 50)")


@risk_app.command("exposure")
def risk_exposure_cmd(
    enterprise: Annotated[str, typer.Option(help="USCC of the enterprise (a chain leader, say)")],
    tiers: Annotated[int, typer.Option(help="How many tiers upstream")] = 5,
    period: Annotated[str | None, typer.Option(help="Period (default: latest)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Multi-tier exposure: suppliers by tier, single sources, concentration (HHI), geography, imports."""
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.risk.exposure import exposure

    result = exposure(load_snapshot(_engine()), enterprise, tiers=tiers, period=period)
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, default=str, indent=1))
        return
    _emit(result["tiers"], "table", f"{enterprise} {result['period']} — 各级供应商 / suppliers by tier")
    _emit(result["single_sources"][:30], "table", "单一来源 / single sources")
    _emit(result["provinces"][:15], "table", "按省份 / by province")
    console.print(f"进口依赖度 / import dependency: {result['import_dependency']:.1%}")


@risk_app.command("scenario")
def risk_scenario_cmd(
    disrupt: Annotated[list[str], typer.Option(help="What stops (repeatable): enterprise:USCC, region:4101, country:DE, "
                                                     "segment:nev.pack, or the bare value")],
    weeks: Annotated[float, typer.Option(help="Weeks of disruption")],
    name: Annotated[str | None, typer.Option(help="Save under this name (re-runnable, comparable)")] = None,
    stock_weeks: Annotated[float, typer.Option(help="Weeks of input stock every firm holds")] = 2.0,
    recovery_weeks: Annotated[float, typer.Option(help="Weeks to ramp back to full output")] = 4.0,
    horizon: Annotated[int | None, typer.Option(help="Weeks simulated (default: weeks + recovery + 12)")] = None,
    period: Annotated[str | None, typer.Option(help="Period of the supply links (default: latest)")] = None,
    home: Annotated[str | None, typer.Option(help="Home area prefix")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File for xlsx")] = None,
) -> None:
    """Disruption scenario (断供情景): impact per chain leader and per chain (lost output, weeks until impact)."""
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.risk import store
    from chainatlas.risk.scenario import ScenarioSpec, parse_disruption, run_scenario

    try:
        spec = ScenarioSpec(name or "cli", [parse_disruption(d) for d in disrupt], weeks, horizon, stock_weeks,
                            recovery_weeks, period, _home(home))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    engine = _engine()
    with _progress("周/weeks") as bar:
        task = bar.add_task("推演 / simulating", total=None)
        try:
            if name:
                scenario_id = store.save(engine, spec, "cli")
                result = store.run_saved(engine, scenario_id, lambda d, t: bar.update(task, completed=d, total=t))
            else:
                result = run_scenario(load_snapshot(engine), spec, lambda d, t: bar.update(task, completed=d, total=t))
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, default=str, indent=1))
        return
    if fmt == "xlsx":
        from chainatlas.analysis.reports import tables_workbook

        path = output or Path("scenario.xlsx")
        path.write_bytes(tables_workbook(f"断供情景 — {spec.name}", {"period": result["period"], "home": spec.home},
                                         {k: result[k] for k in ("leaders", "chains", "top_impacted", "timeline")}))
        console.print(f"已写入 / written → {path}")
        return
    console.print(result["summary"])
    cols = ("name", "lost_output_yuan", "first_impact_week", "min_level", "weeks_impacted")
    _emit([{k: r[k] for k in cols} for r in result["leaders"][:30]], "table", "链主影响 / impact per chain leader")
    _emit([{k: c[k] for k in ("chain_id", "impacted", "lost_output_yuan", "lost_weeks_of_output", "first_impact_week")}
           for c in result["chains"]], "table", "产业链影响 / impact per chain")


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


tiers_app = typer.Typer(help="Enterprise tiers (梯度培育: 创新型 → 专精特新 → 小巨人 → 链主)", no_args_is_help=True)
policies_app = typer.Typer(help="Policies without application (免申即享)", no_args_is_help=True)
app.add_typer(tiers_app, name="tiers")
app.add_typer(policies_app, name="policies")


def _date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"日期应为 YYYY-MM-DD / date must be YYYY-MM-DD: {value}") from None


def _tier_frame(uscc: str | None, input_file: Path | None, on: dt.date) -> pl.DataFrame:
    import polars as pl

    from chainatlas.rules.inputs import ProfileFileError, read_inputs, read_profile_file

    if input_file is not None:
        try:
            frame = read_profile_file(input_file, _engine(), on)
        except ProfileFileError as exc:
            for p in exc.problems[:50]:
                console.print(f"[red]{p}[/red]")
            raise typer.Exit(1) from None
    else:
        frame = read_inputs(_engine(), on)
    if uscc:
        frame = frame.filter(pl.col("uscc") == uscc.upper())
        if frame.is_empty():
            raise typer.BadParameter(f"没有本地企业 {uscc} / no local enterprise {uscc}")
    return frame


@tiers_app.command("evaluate")
def tiers_evaluate(
    uscc: Annotated[str | None, typer.Option(help="Only this enterprise (USCC)")] = None,
    input_file: Annotated[Path | None, typer.Option("--input", help="Evaluate a profile file (CSV/XLSX/Parquet) without storing it")] = None,
    date: Annotated[str | None, typer.Option(help="Evaluation date YYYY-MM-DD (default today): picks the rule sets and data")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
    output: Annotated[Path, typer.Option(help="XLSX file to write (with --format xlsx)")] = Path("tiers.xlsx"),
) -> None:
    """Per enterprise and tier: met / unmet / unknown, the score, and every criterion (value, threshold, points)."""
    from chainatlas.analysis.reports import tables_workbook, write
    from chainatlas.rules import tiers

    on = _date(date)
    frame = _tier_frame(uscc, input_file, on)
    evaluated = tiers.evaluate_tiers(frame, on)
    if fmt == "json":
        typer.echo(json.dumps(tiers.results(evaluated, on), ensure_ascii=False, default=str, indent=1))
        return
    summary = tiers.summary(evaluated, on).drop("short", "held").to_dicts()
    if fmt == "xlsx":
        criteria = [{"uscc": r["uscc"], "tier": r["tier"], "rule_set": r["rule_set"], **{k: c.get(k) for k in (
            "depth", "id", "status", "input", "value", "threshold", "gap", "points", "max_points", "reference")},
            "label": c["label"]["zh"]} for r in tiers.results(evaluated, on) for c in r["criteria"]]
        data = tables_workbook(f"梯度培育评估 / tier evaluation {on}", {"date": on.isoformat(), "enterprises": frame.height},
                               {"tiers": summary, "criteria": criteria})
        console.print(f"已写入 / written → {write(data, output)}")
        return
    _emit(summary, fmt, f"梯度培育 / tiers on {on}")
    if uscc or frame.height == 1:
        for r in tiers.results(evaluated, on):
            rows = [{"criterion": "  " * c["depth"] + c["label"]["zh"], "status": c["status"], "value": c.get("value"),
                     "threshold": c.get("threshold"), "gap": c.get("gap"), "points": c.get("points")} for c in r["criteria"]]
            _emit(rows, fmt, f"{r['tier']} · {r['rule_set']} · {r['status']}")


@policies_app.command("list")
def policies_list(
    date: Annotated[str | None, typer.Option(help="Only policies in force on this date")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The policies: validity, department, budget and what is already granted."""
    from chainatlas.rules import service

    rows = service.policy_rows(_engine(), _date(date), in_force_only=date is not None)
    if fmt == "json":
        _emit(rows, fmt, "政策 / policies")
        return
    _emit([{"id": r["id"], "label": r["label"]["zh"], "department": r["department_zh"], "effective_from": r["effective_from"],
            "effective_to": r["effective_to"], "in_force": r["in_force"], "budget_yuan": r["budget_yuan"],
            "granted_yuan": r["granted_yuan"], "example": r["example"]} for r in rows], fmt, "政策 / policies")


@policies_app.command("screen")
def policies_screen(
    policy: Annotated[str, typer.Argument(help="Policy id (see `chainatlas policies list`)")],
    date: Annotated[str | None, typer.Option(help="Evaluation date YYYY-MM-DD (default today)")] = None,
    save: Annotated[bool, typer.Option(help="Store the lists for department confirmation")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Screen all local enterprises: the candidate list (免申即享) and the fast-track list (快申快享) with what is missing."""
    import getpass

    from chainatlas.rules import service
    from chainatlas.rules.model import RuleError

    on = _date(date)
    try:
        lists = service.screening_lists(_engine(), policy, on, save=save, actor=f"cli:{getpass.getuser()}")
    except service.NotFound as exc:
        raise typer.BadParameter(f"{exc}; see `chainatlas policies list`") from None
    except RuleError as exc:
        raise typer.BadParameter(str(exc)) from None
    if lists["screening_id"]:
        console.print(f"筛查已保存 / screening saved: #{lists['screening_id']}")
    if fmt == "json":
        typer.echo(json.dumps({"policy": policy, "date": on.isoformat(), "screening_id": lists["screening_id"],
                               **{k: [{x: c[x] for x in ("uscc", "name", "amount_yuan", "missing")} for c in lists[k]]
                                  for k in ("candidate", "fast_track")}}, ensure_ascii=False, default=str, indent=1))
        return
    label = service.policy(policy).rule_set.label_zh
    for which, title in (("candidate", "候选名单（免申即享）/ candidates"), ("fast_track", "快申快享（需补充）/ fast track")):
        _emit([{"uscc": c["uscc"], "name": c["name"], "amount_yuan": c["amount_yuan"], "missing": ", ".join(c["missing"])}
               for c in lists[which]], fmt, f"{label} · {title} · {len(lists[which])}")


users_app = typer.Typer(help="User accounts and API tokens (用户与令牌)", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log (审计日志)", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


def _audit_ready() -> None:
    """An audited command first checks that its record can be written: nothing is done that could not be audited."""
    from chainatlas.governance import audit as audit_log

    try:
        audit_log.check(_engine())
    except audit_log.AuditIntegrityError as exc:
        console.print(f"[red]审计链异常，已拒绝执行 / audit chain refused: {exc}[/red]")
        console.print("检查 / check: chainatlas audit verify")
        raise typer.Exit(3) from None


def _cli_audit(action: str, params: dict[str, object], outcome: str = "ok", dataset: str | None = None) -> None:
    import getpass

    from chainatlas.governance import audit as audit_log

    try:
        audit_log.record(_engine(), actor=f"cli:{getpass.getuser()}", role="admin", action=f"chainatlas {action}",
                         params=params, outcome=outcome, dataset=dataset)
    except audit_log.AuditIntegrityError as exc:
        console.print(f"[red]审计记录无法写入 / the audit record could not be written: {exc}[/red]")
        raise typer.Exit(3) from None


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[str, typer.Option(help="admin, analyst, department or enterprise")],
    enterprise: Annotated[str | None, typer.Option(help="USCC an enterprise account is bound to")] = None,
    department: Annotated[str | None, typer.Option(help="customs, port, transport, tax, market_supervision, industry, hrss or finance")] = None,
    token: Annotated[bool, typer.Option("--token", help="Also issue an API token (printed once)")] = False,
    password: Annotated[str | None, typer.Option(help="Password for web sign-in (prompted when omitted and no --token)")] = None,
) -> None:
    """Create a user (创建用户)."""
    _audit_ready()
    from chainatlas.governance.principals import add_user, issue_token

    if password is None and not token:
        password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    try:
        add_user(_engine(), name, role, password=password, enterprise=enterprise, department=department)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _cli_audit("users add", {"name": name, "role": role, "enterprise": enterprise, "department": department})
    console.print(f"已创建 / created {name} ({role})")
    if token:
        typer.echo(issue_token(_engine(), name))


@users_app.command("list")
def users_list() -> None:
    """List users (用户列表)."""
    from chainatlas.governance.principals import list_users

    _emit(list_users(_engine()), "table", "用户 / users")


@users_app.command("revoke")
def users_revoke(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Deactivate a user and revoke its tokens and sessions (吊销)."""
    _audit_ready()
    from chainatlas.governance.principals import revoke_user

    try:
        n = revoke_user(_engine(), name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _cli_audit("users revoke", {"name": name})
    console.print(f"已吊销 / revoked {name} ({n} tokens)")


@audit_app.command("verify")
def audit_verify(
    checkpoints: Annotated[Path | None, typer.Option(help="Checkpoints kept outside the database (JSON Lines from the "
                                                          "file sink, or syslog lines) to compare every record with")] = None,
) -> None:
    """Check the audit chain, its head and (given) the outside checkpoints; exit 1 and name the first broken record."""
    from chainatlas.governance.audit import verify

    v = verify(_engine(), checkpoints)
    if v.ok:
        extra = f", {v.checkpoints} checkpoints agree" if checkpoints else ""
        console.print(f"审计链完整 / audit chain intact: {v.records} records (instance {v.instance}){extra}")
        return
    console.print(f"[red]审计链异常 / audit chain broken at record {v.first_broken}: {v.reason_zh} / {v.reason}[/red]")
    raise typer.Exit(1)


@audit_app.command("reanchor")
def audit_reanchor(
    reason: Annotated[str, typer.Option(help="Why (e.g. 'restored the backup of 2026-11-30 after disk failure')")],
) -> None:
    """After a deliberate restore: accept the database's present tail, record the old head and the reason (重新锚定)."""
    import getpass

    from chainatlas.governance.audit import reanchor, verify

    engine = _engine()
    before = verify(engine)
    if not before.ok and before.reason.startswith(("record", "prev_hash")) and "differs from the head" not in before.reason:
        console.print(f"[red]链本身已损坏，不能重新锚定 / the chain itself is broken at record {before.first_broken}: "
                      f"{before.reason}[/red]")
        raise typer.Exit(1)
    rec = reanchor(engine, actor=f"cli:{getpass.getuser()}", reason=reason)
    console.print(f"已重新锚定 / re-anchored at record {rec} (was: {before.reason or 'intact'})")


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Write a checkpoint of the newest record to the configured sink now (CHAINATLAS_AUDIT_CHECKPOINT_SINK)."""
    from chainatlas.governance.audit import checkpoint

    c = checkpoint(_engine())
    console.print(json.dumps(c, ensure_ascii=False) if c else "审计日志为空 / the audit log is empty")


@audit_app.command("export")
def audit_export(
    start: Annotated[str | None, typer.Option("--from", help="From (ISO date/time, inclusive)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="To (ISO date/time, exclusive)")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON Lines file")] = Path("audit.jsonl"),
) -> None:
    """Export audit records as JSON Lines (导出审计记录)."""
    _audit_ready()
    import datetime as dt

    from chainatlas.governance.audit import iter_records

    n = 0
    with output.open("w", encoding="utf-8") as fh:
        for r in iter_records(_engine(), dt.datetime.fromisoformat(start) if start else None,
                              dt.datetime.fromisoformat(end) if end else None):
            fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            n += 1
    _cli_audit("audit export", {"from": start, "to": end, "rows": n}, dataset="audit")
    console.print(f"已导出 / exported {n} → {output}")


def main() -> None:
    from chainatlas.settings import MissingSetup

    try:
        app(prog_name="chainatlas")
    except MissingSetup as exc:  # a plain clone without `make install`: say what to run, no traceback
        console.print(f"[red]{exc}[/red]")
        sys.exit(2)


if __name__ == "__main__":
    main()
    sys.exit(0)
