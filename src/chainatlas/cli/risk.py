"""chainatlas risk: resilience (REI / time to survive, exposure, scenarios)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import (
    _emit,
    _engine,
    _home,
    _progress,
    app,
    console,
)
from chainatlas.messages import Message

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
    engine: Annotated[str, typer.Option(help="local (this machine's cores) or spark (one task per chunk of nodes)")] = "local",
    master: Annotated[str | None, typer.Option(help="--engine spark: the Spark master (default: CHAINATLAS_SPARK_MASTER)")] = None,
) -> None:
    """Risk exposure index (REI), time-to-survive and criticality per node (Simchi-Levi et al. 2015)."""
    from chainatlas.risk.network import chain_network, read_network
    from chainatlas.risk.rei import ranked_rows

    if chain:
        from chainatlas.analysis.snapshot import load_snapshot

        snap = load_snapshot(_engine())
        if snap.chain_segments(chain).height == 0:
            raise typer.BadParameter(str(Message(f"未找到产业链 {chain}", f"no chain {chain}")))
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
        raise typer.BadParameter(str(Message("请给出 --nodes/--edges 或 --chain", "give --nodes/--edges or --chain")))
    if engine not in ("local", "spark"):
        raise typer.BadParameter(str(Message("--engine 应为 local 或 spark", "--engine must be local or spark")))
    chunk_map = None
    if engine == "spark":
        from chainatlas.batch.rei import spark_chunk_map
        from chainatlas.batch.spark import session

        chunk_map = spark_chunk_map(session(master))
    with _progress("节点/nodes") as bar:
        task = bar.add_task("求解 / solving", total=len(net.nodes))
        rows = ranked_rows(net, progress=lambda d, t: bar.update(task, completed=d, total=t), chunk_map=chunk_map)
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
            console.print(f"[red]{exc}[/red]", soft_wrap=True)
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
