"""chainatlas digital: 智改数转 — the solution catalogue, a firm's subscriptions and recorded spending, the digital
maturity self-assessment, and maturity along a chain (docs/digital.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from chainatlas.cli.common import _date, _engine, _out, app, console
from chainatlas.messages import InvalidInput, Message, NotFound

digital_app = typer.Typer(help="智改数转 digital transformation: offers, subscriptions, self-assessment, maturity",
                          no_args_is_help=True)
app.add_typer(digital_app, name="digital")
Fmt = Annotated[str, typer.Option("--format", help="table, json or xlsx")]
Output = Annotated[Path, typer.Option("-o", "--output", help="XLSX file (with --format xlsx)")]
Units = Annotated[int, typer.Option("--units", min=1, help="devices or seats the firm needs")]
Months = Annotated[int, typer.Option("--months", min=1, help="months the firm would use it")]
SHORT = [("offer_id", "方案 offer"), ("name", "名称 name"), ("scenario", "场景 scenario"), ("monthly_yuan", "月费 /month"),
         ("total_yuan", "合计 total"), ("cases", "案例 cases")]
COST_COLS = ("offer_id", "name", "provider_name", "scenario", "segment_code", "monthly_yuan", "term_months", "total_yuan",
             "deposit_yuan", "implementation_days", "cases")


def _fail(exc: InvalidInput | NotFound) -> None:
    console.print(f"[red]{exc}[/red]")
    raise typer.Exit(2)


@digital_app.command("offers")
def offers_command(scenario: Annotated[str | None, typer.Option(help="scenario code, e.g. equipment_iot")] = None,
                   segment: Annotated[str | None, typer.Option(help="chain segment the firm is on")] = None,
                   text: Annotated[str | None, typer.Option("--text", help="words in the name or description")] = None,
                   max_monthly: Annotated[float | None, typer.Option(help="at most this many yuan a month")] = None,
                   units: Units = 1, months: Months = 12, fmt: Fmt = "table", output: Output = Path("offers.xlsx")) -> None:
    """Search the catalogue: what each offer costs a month and over the term for the given units, cheapest first."""
    from chainatlas.solutions import catalogue
    from chainatlas.solutions import store as solution_store

    found = catalogue.search(solution_store.offers(_engine()), scenario=scenario, segment=segment, text=text,
                             max_monthly=max_monthly, units=units, months=months)
    _out(found.select(COST_COLS).to_dicts(), fmt, output, "轻量化解决方案 / offers", SHORT)


@digital_app.command("compare")
def compare_command(offer_ids: Annotated[list[str], typer.Argument(help="offer codes, in the order to show")],
                    units: Units = 1, months: Months = 12, fmt: Fmt = "table", output: Output = Path("compare.xlsx")) -> None:
    """Offers side by side for the given units and months."""
    from chainatlas.solutions import catalogue
    from chainatlas.solutions import store as solution_store

    found = catalogue.compare(solution_store.offers(_engine()), offer_ids, units, months)
    missing = [o for o in offer_ids if o not in found["offer_id"].to_list()]
    if missing:
        _fail(NotFound(f"没有方案：{', '.join(missing)}", f"no such offer: {', '.join(missing)}"))
    _out(found.select(COST_COLS).to_dicts(), fmt, output, "方案对比 / comparison", SHORT)


@digital_app.command("spend")
def spend_command(year: Annotated[int, typer.Option(help="calendar year")],
                  uscc: Annotated[str | None, typer.Option(help="one subscriber")] = None,
                  fmt: Fmt = "table", output: Output = Path("spend.xlsx")) -> None:
    """Lightweight, compute and model spending per subscriber in a year, from the subscription records (what the
    subsidy and vouchers read in the following year)."""
    from chainatlas.solutions import store as solution_store

    _out(solution_store.recorded_spend(_engine(), year, uscc).to_dicts(), fmt, output, f"订阅支出 / spending {year}")


@digital_app.command("questionnaire")
def questionnaire_command(fmt: Fmt = "table", output: Output = Path("questionnaire.xlsx")) -> None:
    """The self-assessment's questions, choices and points; as XLSX it is the answer sheet: fill in the answer column
    (a–d) and pass it to ``chainatlas digital assess``."""
    from chainatlas.digital.assessment import questionnaire

    rows: list[dict[str, Any]] = [{"item": q.id, "group": q.group, "question": q.question_zh, "question_en": q.question_en,
                                   **{c.key: f"{c.zh}（{c.points:g}分）" for c in q.choices}, "answer": ""}
                                  for q in questionnaire().questions]
    _out(rows, fmt, output, "数字化水平自评问卷 / questionnaire", [("item", "题目 item"), ("question", "问题"), ("a", "a"),
                                                                      ("b", "b"), ("c", "c"), ("d", "d")])


@digital_app.command("assess")
def assess_command(answers: Annotated[Path, typer.Argument(help="JSON/YAML item → choice (a–d), or the questionnaire sheet "
                                                                  "(CSV/XLSX) with its answer column filled in", exists=True)],
                   uscc: Annotated[str | None, typer.Option(help="store it for this enterprise (else only scored)")] = None,
                   on: Annotated[str | None, typer.Option("--on", help="assessment date, YYYY-MM-DD (default today)")] = None,
                   fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table") -> None:
    """Score a self-assessment: total and per dimension, the level (when the answers decide it), the gaps and the
    offers that close them. With --uscc it is kept and its level recorded as the firm's digital_level."""
    from chainatlas.digital import assessment, store
    from chainatlas.digital.answers import read_answers
    from chainatlas.solutions import catalogue
    from chainatlas.solutions import store as solution_store

    try:
        given = read_answers(answers)
    except InvalidInput as exc:
        _fail(exc)
    day = _date(on)
    try:
        result = store.submit(_engine(), uscc, given, day, by="cli") if uscc else assessment.assess(given, day)
    except (InvalidInput, NotFound) as exc:
        _fail(exc)
    result["recommendations"] = catalogue.recommend(result["gaps"], solution_store.offers(_engine()))
    if fmt == "json":
        typer.echo(json.dumps({k: v for k, v in result.items() if k != "explanation"}, ensure_ascii=False, default=str,
                              indent=1))
        return
    s = result["score"]
    score = f"{s['value']:g}" if s["value"] is not None else f"{s['low']:g}–{s['high']:g}"
    level = result["level"] if result["level"] is not None else "{}–{}".format(*result["level_range"])
    console.print(f"得分 / score {score} · 等级 / level {level} · 已答 / answered {result['answered']}/{result['items_total']}")
    for d in result["dimensions"]:
        console.print(f"  {d['label']['zh']}: {d['low']:g}" + (f"–{d['high']:g}" if d["high"] != d["low"] else "") + f" / {d['max']:g}")
    for r in result["recommendations"]:
        offers = ", ".join(f"{o['offer_id']} {o['name']}" for o in r["offers"]) or "—"
        console.print(f"  差距 / gap {r['label']['zh']} (−{r['lost']:g}) → {offers}")
    if uscc:
        console.print(str(Message(f"已保存（编号 {result['id']}）", f"stored (id {result['id']})")))


@digital_app.command("maturity")
def maturity_command(chain: Annotated[str, typer.Argument(help="chain id, e.g. nev")],
                     on: Annotated[str | None, typer.Option("--on", help="day, YYYY-MM-DD (default today)")] = None,
                     fmt: Fmt = "table", output: Output = Path("maturity.xlsx")) -> None:
    """Digital maturity per segment of a chain: firms placed, firms with a known level, count per level, mean."""
    from chainatlas.digital import store

    try:
        rows = store.segment_maturity(_engine(), chain, _date(on))
    except NotFound as exc:
        _fail(exc)
    cols = [("code", "环节 segment"), ("firms", "企业 firms"), ("known", "已知 known"),
            *[(f"level_{lv}", f"{lv}级") for lv in range(5)], ("mean_level", "平均 mean")]
    _out(rows, fmt, output, f"数字化水平 / maturity — {chain}", cols)
