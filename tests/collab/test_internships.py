"""产教融合: months over overlapping placements, 6 months per host, and the subsidy's input from the records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.collab import internships as I
from chainatlas.exchange.importer import import_files
from chainatlas.registry.uscc import make_uscc

H1, H2 = make_uscc("91410100MA0000011"), make_uscc("91410100MA0000012")
d = dt.date


def test_overlapping_placements_count_once_and_183_days_make_six_months() -> None:
    spans = [(d(2025, 3, 1), d(2025, 6, 30)), (d(2025, 6, 1), d(2025, 8, 30))]  # 122 + 61 new days
    assert I.union_days(spans) == 183 and I.REQUIRED_DAYS == 183
    assert I.union_days([(d(2025, 3, 1), d(2025, 8, 29))]) == 182  # one day short
    assert I.union_days(spans, until=d(2025, 4, 30)) == 61


def test_import_counts_interns_per_host_and_feeds_the_subsidy_input(engine: Engine, tmp_path: Path) -> None:
    ents = tmp_path / "enterprises.csv"
    ents.write_text("uscc,name,region_code,industry_code\n"
                    f"{H1},示例电池公司,410105,C3841\n{H2},示例模具公司,410122,C3525\n", encoding="utf-8")
    rows = [  # student a: 2 overlapping placements at H1 → 183 days; b: 3 months at H1 + 3 months at H2 (6 in all, no host 6)
        ("SX1", "a", H1, "2025-03-01", "2025-06-30"), ("SX2", "a", H1, "2025-06-01", "2025-08-30"),
        ("SX3", "b", H1, "2025-03-01", "2025-05-31"), ("SX4", "b", H2, "2025-06-01", "2025-09-30"),
        ("SX5", "c", H2, "2026-01-01", "2026-12-31")]  # ongoing
    f = tmp_path / "internships.csv"
    f.write_text("实习编号,学校,学生编号,专业,实习企业统一社会信用代码,产业导师,开始日期,结束日期\n" + "".join(
        f"{i},示例职业技术学院,{s},新能源汽车技术,{h},王工,{a},{b}\n" for i, s, h, a, b in rows), encoding="utf-8")
    report = import_files([ents, f], engine=engine)
    assert report.n_problems == 0, report.problems
    assert I.interns_6m(engine, d(2026, 6, 1)) == {H1: 1, H2: 0}  # completed in 2025, the subsidy's 上年度
    from chainatlas.rules.inputs import provenance, read_inputs

    inputs = {u: n for u, n in read_inputs(engine, d(2026, 6, 1)).select("uscc", "interns_6m").iter_rows()}
    assert inputs == {H1: 1, H2: 0}
    assert provenance(engine, H1, d(2026, 6, 1))["interns_6m"] == {"source": I.SOURCE, "as_of": "2025-12-31"}
    today = d(2026, 6, 1)
    st = {s["student_ref"]: s for s in I.students(engine, today=today)}
    assert st["a"]["reached"] and st["b"]["reached"] and st["b"]["hosts"] == 2  # cumulative across hosts
    assert not st["c"]["reached"] and st["c"]["will_reach"] and st["c"]["months_done"] == 5.0
    host = {h["host_uscc"]: h for h in I.by_host(engine, today=today)}
    assert host[H1]["completed_6m_last_year"] == 1 and host[H2]["current"] == 1


def test_an_internship_ending_before_it_starts_is_refused_whole(engine: Engine, tmp_path: Path) -> None:
    f = tmp_path / "internships.csv"
    f.write_text("internship_id,school,student_ref,major,host_uscc,start_on,end_on\n"
                 f"SX1,示例学院,a,机电,{H1},2025-03-01,2025-06-30\nSX2,示例学院,b,机电,{H1},2025-06-01,2025-05-01\n",
                 encoding="utf-8")
    report = import_files([f], engine=engine)
    assert report.n_problems == 1 and report.problems[0].row == 3 and "end_on" in report.problems[0].reason_en
    with engine.connect() as conn:
        assert conn.execute(select(db.internship)).first() is None  # all or nothing
