"""Indicators against targets on SQLite and PostgreSQL: official statistics imported (all or nothing) and exported
back unchanged; the gap, the growth needed and the projection computed by hand on a series growing exactly 10 % a
year; a city-set target beside the declared one."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from sqlalchemy import Engine

from chainatlas.exchange.export import export_table
from chainatlas.exchange.importer import import_files
from chainatlas.indicators.report import report
from chainatlas.indicators.store import add_target
from chainatlas.messages import InvalidInput

# 100 → 110 → 121 → 133.1: exactly 10 % a year (万吨)
CSV = """指标代码,期间,数值,发布机构,发布日期,数据来源
airport_cargo_tonnes,2022,100,示例统计局（虚构）,2023-03-20,示例
airport_cargo_tonnes,2023,110,示例统计局（虚构）,2024-03-20,示例
airport_cargo_tonnes,2024,121,示例统计局（虚构）,2025-03-20,示例
airport_cargo_tonnes,2025,133.1,示例统计局（虚构）,2026-03-20,示例
"""


@pytest.mark.parametrize("any_engine", ["sqlite", "postgresql"], indirect=True)
def test_targets_gap_growth_and_projection_by_hand(any_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "stats.csv").write_text(CSV, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("2025,133.1", "2025,-1").replace("airport_cargo_tonnes,2022", "airport_cargo,2022"), encoding="utf-8")
    refused = import_files([bad], engine=any_engine, write_reports=False)
    assert not refused.ok and refused.n_problems == 2 and not report(any_engine, "airport_cargo_tonnes", home="4101")["series"][0]["points"]
    assert import_files([tmp_path / "stats.csv"], engine=any_engine, write_reports=False).ok
    r = report(any_engine, "airport_cargo_tonnes", home="4101")
    (series,) = r["series"]
    assert [p["value"] for p in series["points"]] == [100, 110, 121, 133.1] and series["latest"]["as_of"] == "2026-03-20"
    (declared,) = series["progress"]
    assert (declared["value"], declared["year"]) == (110, 2030)
    assert declared["gap"] == pytest.approx(110 - 133.1) and declared["reached"]  # already above 110
    add_target(any_engine, "airport_cargo_tonnes", value=200, year=2030, source="示例：市定目标（虚构）", actor="admin")
    city = report(any_engine, "airport_cargo_tonnes", home="4101")["series"][0]["progress"][1]
    assert city["set_by"] == "admin" and city["gap"] == pytest.approx(66.9)
    assert city["growth_needed"] == pytest.approx((200 / 133.1) ** (1 / 5) - 1)  # 8.49 % a year, 2025 → 2030
    proj = city["projection"]
    assert proj["value"] == pytest.approx(100 * 1.1 ** 8, rel=1e-9)  # 2030 on the 10 % line: 214.36
    assert proj["low"] == pytest.approx(proj["value"], rel=1e-6) and math.isclose(proj["growth_per_year"], 0.1)
    with pytest.raises(InvalidInput):
        add_target(any_engine, "airport_cargo_tonnes", value=1, year=2030, source="", actor="admin")
    out = tmp_path / "back.csv"
    assert export_table(any_engine, "official_statistics", "csv", out) == 4
    assert import_files([out], engine=any_engine, write_reports=False).ok  # the export imports back
    assert [p["value"] for p in report(any_engine, "airport_cargo_tonnes", home="4101")["series"][0]["points"]] == [100, 110, 121, 133.1]


def test_the_public_sees_small_rates_suppressed(tmp_path: Path) -> None:
    from chainatlas import db
    from chainatlas.bootstrap import init_database
    from tests.helpers.exchange import ENTERPRISES, LINKS, A, B, write

    engine = db.make_engine(f"sqlite:///{tmp_path / 'small.sqlite'}")
    init_database(engine)
    files = [write(tmp_path / "e.csv", ENTERPRISES), write(tmp_path / "l.csv", LINKS),
             write(tmp_path / "p.csv", f"统一社会信用代码,环节代码\n{A},nev.cell\n{B},nev.vehicle\n")]
    assert import_files(files, engine=engine, write_reports=False).ok
    def nev(rows_ok: bool) -> list[object]:
        r = report(engine, "supporting_rate", home="4101", rows_ok=rows_ok)
        return [p["value"] for p in next(s for s in r["series"] if s["chain"] == "nev")["points"]]
    assert nev(True) and all(v is not None for v in nev(True))  # two local buyers: the rate is there…
    assert all(v is None for v in nev(False))  # …but rests on fewer than three firms: not for the public
