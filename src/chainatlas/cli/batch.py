"""chainatlas batch: batch jobs on one machine or on a Spark cluster (invoice lines → supply links, loading them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import _engine, app, console
from chainatlas.messages import Message

batch_app = typer.Typer(help="Batch jobs, local or on Spark (批处理)", no_args_is_help=True)
app.add_typer(batch_app, name="batch")

PHASES = ("reading", "checking and grouping lines", "checking parties", "writing rejects", "segments and links", "committed")


@batch_app.command("links")
def batch_links(
    inputs: Annotated[list[str], typer.Option("--input", help="Invoice lines: Parquet or CSV, a path or any URI Spark "
                                                              "reads (hdfs://, s3a://); repeatable")],
    output: Annotated[str, typer.Option(help="Output folder/URI: links/, rejects/ and the commit marker")],
    engine: Annotated[str, typer.Option(help="local (one machine, the import's fast path) or spark")] = "local",
    enterprises: Annotated[str | None, typer.Option(help="Known enterprises (Parquet/CSV with a uscc column); "
                                                         "default: the database's")] = None,
    period: Annotated[str, typer.Option(help="year or quarter")] = "year",
    keep_valid: Annotated[bool, typer.Option("--keep-valid", help="Write the valid lines' links even if some lines "
                                                                  "are rejected")] = False,
    master: Annotated[str | None, typer.Option(help="Spark master (default: CHAINATLAS_SPARK_MASTER, local[*])")] = None,
    input_format: Annotated[str | None, typer.Option("--input-format", help="parquet or csv (default: by extension)")] = None,
) -> None:
    """Invoice lines → supply links, all-or-nothing, with a rejects dataset and a summary (docs/spark.md)."""
    from chainatlas.batch import links as L

    if engine not in ("local", "spark") or period not in ("year", "quarter"):
        raise typer.BadParameter(str(Message("--engine 应为 local 或 spark，--period 应为 year 或 quarter",
                                             "--engine must be local or spark, --period year or quarter")))
    known: set[str] = set()
    if enterprises is None:
        from chainatlas.exchange.importer import build_context

        with _engine().connect() as conn:
            known = build_context(conn).known_parties
    elif engine == "local":
        import polars as pl

        path = Path(enterprises)
        frame = pl.read_parquet(path) if path.suffix != ".csv" else pl.read_csv(path, infer_schema=False)
        column = next((c for c in frame.columns if c.lstrip("\ufeff") in ("uscc", "统一社会信用代码")), None)
        if column is None:
            raise typer.BadParameter(str(Message(f"{enterprises} 没有 uscc（统一社会信用代码）列",
                                                 f"{enterprises} has no uscc column")))
        known = set(frame[column].drop_nulls().to_list())
    ctx = L.batch_context(known)
    with console.status("…") as status:
        def phase(name: str) -> None:
            status.update(f"{name} …")
            console.print(f"[dim]· {name}[/dim]")

        if engine == "spark":
            from chainatlas.batch.spark import session

            summary = L.spark_links(session(master), inputs, output, ctx, known=enterprises, period=period,
                                    keep_valid=keep_valid, fmt=input_format, phase=phase)
        else:
            if any("://" in i for i in [*inputs, output]):
                raise typer.BadParameter(str(Message("local 引擎只读写本地路径；URI 请用 --engine spark",
                                                     "the local engine reads and writes local paths; use --engine spark for URIs")))
            summary = L.local_links(inputs, output, ctx, period=period, keep_valid=keep_valid, phase=phase)
    typer.echo(summary.to_json())
    if summary.problems:
        said = Message(f"{summary.problems} 个问题，{summary.lines_rejected} 行被拒；详见 {output}/rejects",
                       f"{summary.problems} problems, {summary.lines_rejected} lines rejected; see {output}/rejects")
        console.print(f"[red]{said}[/red]", soft_wrap=True)
        raise typer.Exit(1)


@batch_app.command("load")
def batch_load(
    folder: Annotated[Path, typer.Argument(help="A committed output folder of `batch links`")],
) -> None:
    """Load the supply links of a committed batch output into the database (the supply_links import)."""
    from chainatlas.batch import output as O
    from chainatlas.exchange.importer import import_files

    try:
        summary = O.committed_summary(folder)
    except O.IncompleteOutput as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    parts = sorted((folder / O.LINKS).glob("*.parquet"))
    if not summary.get("written") or not parts:
        said = Message("该输出没有写出供应关系（有被拒行且未用 --keep-valid）",
                       "this output wrote no links (lines were rejected and --keep-valid was not given)")
        console.print(f"[red]{said}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    report = import_files([str(p) for p in parts], table="supply_links", engine=_engine())
    typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, default=str, indent=1))
    if not report.ok:
        raise typer.Exit(1)
