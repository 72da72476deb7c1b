"""chainatlas tiers and chainatlas policies: rules as code."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainatlas.cli.common import (
    _date,
    _emit,
    _engine,
    app,
    console,
)
from chainatlas.messages import Message, NotFound

if TYPE_CHECKING:
    import polars as pl


tiers_app = typer.Typer(help="Enterprise tiers (梯度培育: 创新型 → 专精特新 → 小巨人 → 链主)", no_args_is_help=True)
policies_app = typer.Typer(help="Policies without application (免申即享)", no_args_is_help=True)
app.add_typer(tiers_app, name="tiers")
app.add_typer(policies_app, name="policies")




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
            raise typer.BadParameter(str(Message(f"没有本地企业 {uscc}", f"no local enterprise {uscc}")))
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
    except NotFound as exc:
        raise typer.BadParameter(str(Message(f"{exc.zh}；见 `chainatlas policies list`", f"{exc.en}; see `chainatlas policies list`"))) from None
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
