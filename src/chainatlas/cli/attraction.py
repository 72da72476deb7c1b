"""chainatlas attraction: the 招商跟踪 projects and the overdue follow-ups, for a morning list or a cron mail."""

from __future__ import annotations

from typing import Annotated

import typer

from chainatlas.cli.common import _emit, _engine, app

attraction_app = typer.Typer(help="招商跟踪 investment-attraction follow-up", no_args_is_help=True)
app.add_typer(attraction_app, name="attraction")
COLUMNS = [("id", "#"), ("target_name", "招商对象 target"), ("chain_id", "产业链 chain"), ("segment_code", "环节 segment"),
           ("stage", "阶段 stage"), ("officer", "招商人员 officer"), ("next_action_on", "跟进日期 due")]


@attraction_app.command("projects")
def projects_command(chain: Annotated[str | None, typer.Option(help="Only this chain")] = None,
                     officer: Annotated[str | None, typer.Option(help="Only this officer's projects")] = None,
                     overdue: Annotated[bool, typer.Option(help="Only open projects past their follow-up date")] = False,
                     fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table") -> None:
    """List projects, newest first (exit code 1 with --overdue when any is overdue, for scripts)."""
    from chainatlas.attraction import projects as P

    rows = P.projects(_engine(), chain_id=chain, officer=officer, overdue=overdue)
    _emit([{k: r[k] for k, _ in COLUMNS} for r in rows], fmt, "招商项目 / attraction projects", COLUMNS)
    if overdue and rows:
        raise typer.Exit(1)
