"""Analysis commands: atlas, supporting-rate, targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import (
    _emit,
    _engine,
    _home,
    _report,
    app,
)
from chainatlas.messages import Message


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
        raise typer.BadParameter(str(Message(f"未知产业链 {chain}", f"unknown chain {chain}"))) from exc
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
        raise typer.BadParameter(str(Message(f"未知产业链 {chain}", f"unknown chain {chain}"))) from exc
    def table() -> None:
        rows = [{**it, **{f"c_{k}": v for k, v in it["components"].items()}} for it in result["items"]]
        cols = [c for c in TARGET_COLUMNS if c[0] in ("rank", "name", "segment_name_zh", "score", "supply_value_yuan", "local_buyers")]
        _emit(rows, fmt, f"{chain} 招商清单 period={result['period']}", cols + [(f"c_{k}", k) for k in result["weights"]])

    _report(result, fmt, lambda: targets_workbook(result), output or Path(f"targets-{chain}.xlsx"), table)
