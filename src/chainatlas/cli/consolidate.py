"""``chainatlas consolidate``: pool shipments into containers, rail boxes and ULDs from files, without storing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from chainatlas.cli.common import _emit, app, console
from chainatlas.messages import InvalidInput, Message


@app.command("consolidate")
def consolidate_command(
    shipments: Annotated[list[Path] | None, typer.Option(
        help="拼单货票 shipments: a JSON array (docs/consolidation.md), or exchange-spec files with the tables "
             "shipment_requests and shipment_cartons (XLSX template, CSV …); repeatable")] = None,
    capacity: Annotated[list[Path] | None, typer.Option(
        help="运力报价 capacity offers: a JSON array, or exchange-spec files with the table capacity_offers; repeatable")] = None,
    stored: Annotated[bool, typer.Option("--stored", help="plan the requests and offers stored in the database instead")] = False,
    ready_from: Annotated[str | None, typer.Option("--from", help="with --stored: requests ready on or after (YYYY-MM-DD)")] = None,
    ready_to: Annotated[str | None, typer.Option("--to", help="with --stored: requests ready on or before (YYYY-MM-DD)")] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds for the assignment search per lane")] = 10.0,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
    shapley: Annotated[bool, typer.Option("--shapley", help="also share the pooling saving by the Shapley value")] = False,
    min_support: Annotated[float, typer.Option("--min-support", help="share of each carton's base that must be supported")] = 0.7,
    pack_tries: Annotated[int, typer.Option("--pack-tries", help="loading orders searched when a unit's cartons do not all fit at first (0: off)")] = 0,
    output: Annotated[Path, typer.Option("-o", "--output", help="XLSX file (with --format xlsx)")] = Path("consolidation.xlsx"),
) -> None:
    """Which shipment goes into which unit on which departure (CP-SAT, with the optimality gap), a checked 3D load
    plan per unit, and each exporter's cost pooled and alone. Files are evaluated, never stored; --stored plans what
    was imported (chainatlas import)."""
    from chainatlas.consolidation.plan import consolidate

    if fmt not in ("table", "json", "xlsx"):
        raise typer.BadParameter(str(Message("format 须为 table、json 或 xlsx", "format must be table, json or xlsx")))
    if time_limit <= 0 or not 0 <= min_support <= 1 or not 0 <= pack_tries <= 1000:
        raise typer.BadParameter(str(Message("time-limit 须为正数，min-support 在 0 与 1 之间，pack-tries 在 0 与 1000 之间",
                                             "time-limit must be positive, min-support between 0 and 1, pack-tries "
                                             "between 0 and 1000")))
    try:
        ships, units, set_aside = _inputs(shipments or [], capacity or [], stored, ready_from, ready_to)
    except InvalidInput as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("拼单 consolidating", total=None)

        def report(_stage: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = consolidate(ships, units, time_limit=time_limit, min_support=min_support, with_shapley=shapley,
                             progress=report, set_aside=set_aside, pack_tries=pack_tries)
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    if fmt == "xlsx":
        from chainatlas.consolidation.sheets import workbook

        output.write_bytes(workbook(result))
        console.print(f"已写入 / written → {output}")
        return
    _emit([{"unit": u["id"], "equipment": u["equipment"], "departure": u["departure"], "shipments":
            len({p["shipment"] for p in u["placements"]}), "cartons": len(u["placements"]), "utilisation": u["utilisation"],
            "weight_kg": u["weight_kg"], "price": u["price"], "check": "ok" if not u["check"] else f"{len(u['check'])} ⚠"}
           for u in result["units"]], "table", "拼单结果 Units")
    _emit(result["costs"], "table", "费用分摊 Costs",
          [("shipment", "货票 shipment"), ("exporter_uscc", "出口企业 exporter"), ("unit", "箱 unit"),
           ("alone", "单独 alone"), ("pooled", "拼单 pooled"), ("saving", "节省 saving")])
    if result["unassigned"]:
        _emit(result["unassigned"], "table", "未分配 Unassigned")
    console.print(f"总费用 total {result['total_cost']:,.2f} · 单独合计 alone {result['alone_total']:,.2f} · "
                  f"差距 gap {result['gap']:.2%} · {result['status']}")


def _inputs(shipments: list[Path], capacity: list[Path], stored: bool, ready_from: str | None, ready_to: str | None
            ) -> tuple[list[Any], list[Any], dict[str, Message]]:
    """Shipments, units and the requests set aside, from JSON files, exchange-spec files or the database."""
    import datetime as dt

    from chainatlas.consolidation import store
    from chainatlas.consolidation.model import read_shipments, read_units

    if stored:
        if shipments or capacity:
            raise InvalidInput("--stored 不能与 --shipments/--capacity 同用", "--stored excludes --shipments and --capacity")
        try:
            start, end = (dt.date.fromisoformat(d) if d else None for d in (ready_from, ready_to))
        except ValueError:
            raise InvalidInput("--from/--to 须为 YYYY-MM-DD", "--from/--to must be YYYY-MM-DD") from None
        from chainatlas import db

        return store.stored_inputs(db.get_engine(), ready_from=start, ready_to=end)
    if not shipments or not capacity:
        raise InvalidInput("请给出 --shipments 和 --capacity，或 --stored", "give --shipments and --capacity, or --stored")
    as_json = [p for p in [*shipments, *capacity] if p.suffix.lower() == ".json"]
    if len(as_json) not in (0, len(shipments) + len(capacity)):
        raise InvalidInput("JSON 文件与交换规范文件不能混用", "JSON files and exchange-spec files cannot be mixed")
    if as_json:
        if len(shipments) != 1 or len(capacity) != 1:
            raise InvalidInput("JSON 格式：--shipments 与 --capacity 各一个文件", "JSON: one --shipments and one --capacity file")
        return read_shipments(shipments[0]), read_units(capacity[0]), {}
    return store.file_inputs(list(dict.fromkeys(shipments)), [p for p in dict.fromkeys(capacity) if p not in shipments])
