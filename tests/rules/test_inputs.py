"""Rule inputs read from the database as of a date, and profile files evaluated without being stored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from chainatlas import db
from chainatlas.exchange.importer import import_files
from chainatlas.registry.uscc import make_uscc
from chainatlas.rules.inputs import ProfileFileError, read_inputs, read_profile_file

A = make_uscc("91410105MA0000001")
B = make_uscc("91410105MA0000002")


def _load(engine: Engine, tmp: Path) -> None:
    (tmp / "ent.csv").write_text(
        "统一社会信用代码,企业名称,行政区划代码,行业代码,营业收入（元）,从业人数,数据日期\n"
        f"{A},示例甲有限公司,410105,C3841,30000000,120,2025-12-31\n"
        f"{B},示例乙有限公司,410105,C3841,,,2025-12-31\n", encoding="utf-8")
    (tmp / "prof.csv").write_text(
        "统一社会信用代码,研发费用占比,资产负债率,知识产权类别,主营业务收入增长率,数据日期,数据来源\n"
        f"{A},0.02,0.6,class1,-0.05,2024-12-31,企业填报\n"
        f"{A},0.045,,,,2025-12-31,企业填报\n", encoding="utf-8")
    report = import_files([tmp / "ent.csv", tmp / "prof.csv"], engine=engine, write_reports=False)
    assert report.ok, report.problems


def test_latest_value_on_or_before_the_date(any_engine: Engine, tmp_path: Path) -> None:
    _load(any_engine, tmp_path)
    late = read_inputs(any_engine, dt.date(2026, 5, 1)).filter(uscc=A).row(0, named=True)
    assert late["rd_ratio"] == 0.045 and late["debt_ratio"] == 0.6 and late["ip_class"] == "class1"
    assert late["main_revenue_growth"] == -0.05  # negative growth is a value, not an error
    assert late["is_sme"] is True  # 120 employees
    early = read_inputs(any_engine, dt.date(2025, 6, 30)).filter(uscc=A).row(0, named=True)
    assert early["rd_ratio"] == 0.02
    b = read_inputs(any_engine, dt.date(2026, 5, 1)).filter(uscc=B).row(0, named=True)
    assert b["rd_ratio"] is None and b["is_sme"] is None  # never given: unknown, never zero


def test_bad_profile_rows_are_refused_whole(any_engine: Engine, tmp_path: Path) -> None:
    _load(any_engine, tmp_path)
    (tmp_path / "bad.csv").write_text("统一社会信用代码,资产负债率,知识产权类别\n"
                                      f"{A},1.7,class3\n", encoding="utf-8")
    with any_engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(db.enterprise_attribute)).scalar()
    report = import_files([tmp_path / "bad.csv"], table="enterprise_profiles", engine=any_engine, write_reports=False)
    assert not report.ok
    texts = " ".join(p.reason_en for p in report.problems)
    assert "class3" in " ".join(str(p.value) for p in report.problems) and "one of" in texts
    with any_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.enterprise_attribute)).scalar() == before


def test_profile_file_is_evaluated_not_stored(engine: Engine, tmp_path: Path, monkeypatch: object) -> None:
    _load(engine, tmp_path)
    f = tmp_path / "what-if.xlsx"
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["uscc", "rd_ratio", "ip_class", "main_revenue_growth", "debt_ratio", "strategic_emerging", "main_business_share"])
    ws.append([A, 0.05, "high_value_class1", 0.15, 0.5, "是", 0.7])
    wb.save(f)
    frame = read_profile_file(f, engine, dt.date(2026, 5, 1))
    row = frame.row(0, named=True)
    assert row["rd_ratio"] == 0.05 and row["revenue_yuan"] == 30_000_000  # register value from the database
    with engine.connect() as conn:
        stored = conn.execute(select(db.enterprise_attribute.c.value).where(
            db.enterprise_attribute.c.uscc == A, db.enterprise_attribute.c.attribute == "rd_ratio")).scalars().all()
    assert "0.05" not in stored

    ws.append([A, "abc"])
    wb.save(f)
    try:
        read_profile_file(f, engine, dt.date(2026, 5, 1))
    except ProfileFileError as exc:
        assert exc.problems and exc.problems[0].column == "rd_ratio" and exc.problems[0].value == "abc"
    else:
        raise AssertionError("a bad cell must be refused")


def test_cli_tiers_evaluate_json(engine: Engine, tmp_path: Path) -> None:
    from chainatlas.cli import app

    _load(engine, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    res = CliRunner().invoke(app, ["--db", url, "tiers", "evaluate", "--uscc", A, "--date", "2026-05-01", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert [r["tier"] for r in out] == ["innovative", "specialised", "little_giant", "chain_leader"]
    innov = out[0]
    assert innov["uscc"] == A and innov["status"] in ("met", "unmet", "unknown")
    rd = next(c for c in innov["criteria"] if c["id"] == "rd_ratio")
    assert rd["value"] == 0.045 and rd["points"] == 15 and rd["status"] == "met"


def test_enterprise_page_does_not_show_the_indicators(engine: Engine, tmp_path: Path) -> None:
    """The indicators are the enterprise_profiles dataset (its own owner and grants), not the register's."""
    from chainatlas.registry.queries import get_enterprise

    _load(engine, tmp_path)
    found = get_enterprise(engine, A)
    assert found is not None
    assert "revenue_yuan" in found["provenance"]
    assert not {"rd_ratio", "debt_ratio", "ip_class"} & set(found["provenance"])
    assert all(h["attribute"] != "rd_ratio" for h in found["history"])


def test_profiles_export_and_reimport_unchanged(any_engine: Engine, tmp_path: Path) -> None:
    import polars as pl

    from chainatlas.exchange.export import export_table

    _load(any_engine, tmp_path)
    out = tmp_path / "profiles.csv"
    assert export_table(any_engine, "enterprise_profiles", "csv", out) == 2
    frame = pl.read_csv(out)
    assert frame["rd_ratio"].to_list() == [0.02, 0.045] and frame["ip_class"].to_list() == ["class1", None]
    with any_engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(db.enterprise_attribute)).scalar()
    assert import_files([out], table="enterprise_profiles", engine=any_engine, write_reports=False).ok
    with any_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.enterprise_attribute)).scalar() == before


def test_provenance_of_each_value_on_the_date(engine: Engine, tmp_path: Path) -> None:
    from chainatlas.rules.inputs import provenance

    _load(engine, tmp_path)
    late = provenance(engine, A, dt.date(2026, 5, 1))
    assert late["rd_ratio"] == {"source": "企业填报", "as_of": "2025-12-31"}
    assert late["debt_ratio"] == {"source": "企业填报", "as_of": "2024-12-31"}  # not given again in 2025
    assert provenance(engine, A, dt.date(2025, 6, 30))["rd_ratio"]["as_of"] == "2024-12-31"
