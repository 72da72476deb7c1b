"""招商跟踪 on SQLite and PostgreSQL: a project goes forward through its stages with dated notes, refuses going back
or changing once closed, is overdue past its follow-up date, and the board counts it where it is."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from chainatlas.attraction import projects as P
from chainatlas.messages import InvalidInput, NotFound

D = dt.date(2026, 3, 2)


def _open(engine: Engine, **kw: object) -> dict[str, object]:
    args: dict[str, object] = {"chain_id": "nev", "target_name": "苏州某电池包公司（示例）", "officer": "zhang", "actor": "zhang",
                               "target_uscc": "91320505MA1XXXXX0X", "segment_code": "nev.pack",
                               "expected_investment_yuan": 500_000_000.0, "expected_jobs": 300, "next_action_on": D, "on": D}
    return P.open_project(engine, **{**args, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize("any_engine", ["sqlite", "postgresql"], indirect=True)
def test_a_project_from_lead_to_landed(any_engine: Engine) -> None:
    p = _open(any_engine)
    assert p["stage"] == "lead" and p["open"] and [e["stage_to"] for e in p["events"]] == ["lead"]
    p = P.record(any_engine, p["id"], actor="zhang", on=D, stage_to="contact", note="电话接洽，对方有意向",
                 next_action_on=D + dt.timedelta(days=14))
    p = P.record(any_engine, p["id"], actor="zhang", on=D + dt.timedelta(days=10), note="发去园区资料",
                 attachments=["园区介绍.pdf", "  ", "政策清单.xlsx"])
    p = P.record(any_engine, p["id"], actor="li", on=D + dt.timedelta(days=20), stage_to="signed", officer="li")
    assert p["stage"] == "signed" and p["officer"] == "li"
    assert [(e["stage_from"], e["stage_to"]) for e in p["events"]] == [(None, "lead"), ("lead", "contact"), (None, None),
                                                                       ("contact", "signed")]
    assert p["events"][2]["attachments"] == ["园区介绍.pdf", "政策清单.xlsx"]
    with pytest.raises(InvalidInput, match="stages only go forward"):
        P.record(any_engine, p["id"], actor="li", on=D, stage_to="visit")
    p = P.record(any_engine, p["id"], actor="li", on=D + dt.timedelta(days=60), stage_to="landed", landing_region="410122")
    assert not p["open"] and p["landing_region"] == "410122"
    with pytest.raises(InvalidInput):
        P.record(any_engine, p["id"], actor="li", on=D, stage_to="dropped")
    P.record(any_engine, p["id"], actor="li", on=D + dt.timedelta(days=61), note="投产")  # notes stay possible
    with pytest.raises(NotFound):
        P.record(any_engine, 999_999, actor="li", on=D, note="x")


@pytest.mark.parametrize("any_engine", ["sqlite", "postgresql"], indirect=True)
def test_overdue_board_and_refusals(any_engine: Engine) -> None:
    a = _open(any_engine)
    b = _open(any_engine, target_uscc="91440300MA5XXXXX1Y", target_name="深圳某传感器公司（示例）", segment_code="nev.sensor",
              officer="wang", next_action_on=D + dt.timedelta(days=30), expected_investment_yuan=None, expected_jobs=None)
    c = _open(any_engine, target_uscc=None, target_name="展会线索（示例）", segment_code=None, next_action_on=None)
    P.record(any_engine, c["id"], actor="zhang", on=D, stage_to="dropped", note="对方无意向")
    today = D + dt.timedelta(days=1)
    assert [p["id"] for p in P.projects(any_engine, overdue=True, today=today)] == [a["id"]]  # b not due, c closed
    board = P.board(any_engine, today=today)
    counts = {c["stage"]: c["count"] for c in board["columns"]}
    assert counts["lead"] == 2 and counts["dropped"] == 1 and board["total"] == 3
    lead = next(c for c in board["columns"] if c["stage"] == "lead")
    assert lead["investment_yuan"] == 500_000_000 and lead["jobs"] == 300  # b's blanks count as nothing
    zhang = next(o for o in board["by_officer"] if o["officer"] == "zhang")
    assert (zhang["total"], zhang["overdue"], zhang["dropped"]) == (2, 1, 1)
    assert P.board(any_engine, officer="wang", today=today)["total"] == 1
    with pytest.raises(InvalidInput, match="already has an open project"):
        _open(any_engine)
    with pytest.raises(InvalidInput, match="not in chain"):
        _open(any_engine, target_uscc="X", segment_code="biomed.tcm")
    with pytest.raises(NotFound):
        _open(any_engine, chain_id="nope", segment_code=None)
    with pytest.raises(InvalidInput):
        P.record(any_engine, b["id"], actor="wang", on=D)  # nothing to record
    with pytest.raises(InvalidInput, match="future"):
        P.record(any_engine, b["id"], actor="wang", on=dt.date.today() + dt.timedelta(days=5), note="x")


def test_the_command_line_lists_the_overdue(demo_copy: Engine) -> None:
    import json

    from typer.testing import CliRunner

    from chainatlas.cli import app

    _open(demo_copy, next_action_on=dt.date(2020, 1, 1))
    res = CliRunner().invoke(app, ["attraction", "projects", "--overdue", "--format", "json"])
    assert res.exit_code == 1 and [r["stage"] for r in json.loads(res.stdout)] == ["lead"]
    res = CliRunner().invoke(app, ["attraction", "projects", "--officer", "nobody"])
    assert res.exit_code == 0 and "没有数据" in res.output
