"""chainatlas digital on the demo city: the command's figures are the library's; the questionnaire sheet round-trips
through Excel (fill in the answer column, score it, store it); errors name the file, item or offer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from chainatlas import db
from chainatlas.cli import app
from chainatlas.solutions import catalogue
from chainatlas.solutions import store as solution_store
from tests.helpers.digital import ANSWERS


def test_offers_compare_spend_and_maturity(demo_engine: Engine, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["digital", "offers", "--units", "10", "--format", "json"])
    assert res.exit_code == 0, res.output
    expected = catalogue.search(solution_store.offers(demo_engine), units=10)
    assert [(r["offer_id"], r["total_yuan"]) for r in json.loads(res.output)] == list(zip(expected["offer_id"], expected["total_yuan"], strict=True))
    res = runner.invoke(app, ["digital", "compare", "SZ-003", "SZ-001", "--format", "json"])
    assert [r["offer_id"] for r in json.loads(res.output)] == ["SZ-003", "SZ-001"]
    res = runner.invoke(app, ["digital", "compare", "SZ-001", "NOPE"])
    assert res.exit_code == 2 and "NOPE" in res.output
    res = runner.invoke(app, ["digital", "spend", "--year", "2025", "--format", "json"])
    assert json.loads(res.output) == solution_store.recorded_spend(demo_engine, 2025).to_dicts()
    out = tmp_path / "maturity.xlsx"
    res = runner.invoke(app, ["digital", "maturity", "nev", "--on", "2026-07-01", "--format", "xlsx", "-o", str(out)])
    assert res.exit_code == 0 and load_workbook(out).active.max_row > 10
    assert runner.invoke(app, ["digital", "maturity", "nope"]).exit_code == 2


def test_the_questionnaire_sheet_round_trips_through_excel(demo_copy: Engine, tmp_path: Path) -> None:
    runner = CliRunner()
    sheet = tmp_path / "问卷.xlsx"
    assert runner.invoke(app, ["digital", "questionnaire", "--format", "xlsx", "-o", str(sheet)]).exit_code == 0
    wb = load_workbook(sheet)
    ws = wb.active
    head = [c.value for c in ws[1]]
    item_col, answer_col = head.index("item") + 1, head.index("answer") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row, answer_col, ANSWERS[ws.cell(row, item_col).value].upper())  # capitals are fine
    wb.save(sheet)
    res = runner.invoke(app, ["digital", "assess", str(sheet), "--on", "2026-03-01", "--format", "json"])
    assert res.exit_code == 0, res.output
    scored = json.loads(res.output)
    assert scored["score"]["value"] == 44.0 and scored["level"] == 2 and scored["recommendations"]
    with demo_copy.connect() as conn:
        firm = conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.region_code.like("4101%"))
                            .order_by(db.enterprise.c.uscc)).scalars().first()
    res = runner.invoke(app, ["digital", "assess", str(sheet), "--uscc", firm, "--on", "2026-11-30"])
    assert res.exit_code == 0 and "stored" in res.output
    from chainatlas.rules.inputs import read_inputs

    inputs = read_inputs(demo_copy, dt.date(2026, 12, 1), uscc=firm).to_dicts()[0]
    assert inputs["digital_level"] == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("equipment: z\n", encoding="utf-8")
    res = runner.invoke(app, ["digital", "assess", str(bad)])
    assert res.exit_code == 2 and "equipment" in res.output
    empty = tmp_path / "empty.csv"
    empty.write_text("题目,备注\nequipment,x\n", encoding="utf-8")
    res = runner.invoke(app, ["digital", "assess", str(empty)])
    assert res.exit_code == 2 and "answer" in res.output
