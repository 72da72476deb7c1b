"""Formula injection (OWASP CSV injection): no CSV or XLSX the product writes carries a live formula, and the
export → import round trip still returns every value unchanged."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.analysis.reports import tables_workbook, targets_workbook
from chainatlas.bootstrap import init_database
from chainatlas.exchange.cells import TRIGGERS, csv_escape, csv_unescape
from chainatlas.exchange.export import export_table
from chainatlas.exchange.importer import import_files
from chainatlas.exchange.problems import Problem, write_report
from chainatlas.exchange.template import write_template
from chainatlas.registry.uscc import make_uscc
from chainatlas.web.tabular import table_response
from tests.helpers.exchange import write

NAMES = ["=1+2", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "'=already quoted", "=HYPERLINK(\"http://x\")"]
A, B = make_uscc("91410105MA45AAAA1"), make_uscc("91410122MA45BBBB2")


def _assert_no_formula(xlsx: bytes) -> None:
    """No cell of any sheet is a formula (<f> element), and no text cell was turned into one."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = load_workbook(io.BytesIO(xlsx))
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def _csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


def _dangerous(cell: str) -> bool:
    return cell.startswith(TRIGGERS)


def test_escape_is_one_to_one_and_undone_by_import() -> None:
    for s in [*NAMES, "", "a", "'", "''", "'a", "'''@", "\tx", "\rx", "郑州"]:
        escaped = csv_escape(s)
        assert not _dangerous(escaped)
        assert csv_unescape(escaped) == s
    assert csv_escape(-5) == -5 and csv_escape(1.5) == 1.5  # numbers stay numbers


@pytest.fixture()
def hostile(any_engine: Engine, tmp_path: Path) -> Engine:
    rows = "\n".join(f"{make_uscc(f'9141010{i}MA46HWXT{i}')},\"{csv_escape(n).replace(chr(34), chr(34) * 2)}\",410105,C3841,{1000 + i},2025-12-31"
                     for i, n in enumerate(NAMES))
    text = "统一社会信用代码,企业名称,行政区划代码,行业代码,营业收入（元）,数据日期\n" + \
        f"{A},郑州甲（示例）,410105,C3841,5,2025-12-31\n{B},郑州乙（示例）,410122,C3612,7,2025-12-31\n" + rows + "\n"
    # a CSV given to the product follows its convention: one apostrophe before a formula-like text is dropped
    lines = "供方统一社会信用代码,需方统一社会信用代码,期间,金额（元）,环节代码\n" + f"{A},{B},2025,1000,nev.cell\n"
    r = import_files([write(tmp_path / "e.csv", text), write(tmp_path / "l.csv", lines)], engine=any_engine)
    assert r.ok, r.problems
    with any_engine.connect() as conn:
        stored = set(conn.execute(select(db.enterprise.c.name)).scalars())
    assert set(NAMES) <= stored
    return any_engine


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_neutralises_formulas_and_round_trips(hostile: Engine, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"enterprises.{fmt}"
    export_table(hostile, "enterprises", fmt, out)
    if fmt == "csv":
        cells = _csv_cells(out.read_text(encoding="utf-8"))
        assert not [c for c in cells if _dangerous(c)]
        assert "'=1+2" in cells and "''=already quoted" in cells
    else:
        _assert_no_formula(out.read_bytes())
        ws = load_workbook(out).worksheets[0]
        values = [c.value for row in ws.iter_rows() for c in row]
        assert "=1+2" in values and "@SUM(A1)" in values  # the text itself, as a string cell
        header = [c.value for c in ws[1]]
        revenue = [c for c in ws[chr(65 + header.index("revenue_yuan"))] if c.row > 1]
        assert all(c.data_type == "n" and isinstance(c.value, (int, float)) for c in revenue)  # numbers stay numbers
    target = db.make_engine(f"sqlite:///{tmp_path / 'target.sqlite'}")
    init_database(target)
    assert import_files([out], engine=target).ok
    with target.connect() as conn:
        names = set(conn.execute(select(db.enterprise.c.name)).scalars())
    assert set(NAMES) <= names  # unchanged after the round trip


def test_page_downloads_neutralise_formulas() -> None:
    rows = [{"name": n, "value": -3.5, "n": 2} for n in NAMES]
    csv_body = table_response(rows, "csv", "t", headers={"name": "=名称"}).body
    cells = _csv_cells(bytes(csv_body).decode("utf-8"))
    assert not [c for c in cells if _dangerous(c) and c != "-3.5"]
    assert "-3.5" in cells  # a negative number is a number, written as such
    xlsx = bytes(table_response(rows, "xlsx", "t").body)
    _assert_no_formula(xlsx)
    ws = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    assert [c.value for c in ws["A"]][1:] == NAMES and [c.value for c in ws["B"]][1:] == [-3.5] * len(NAMES)


def test_reports_templates_and_problem_lists_neutralise_formulas(hostile: Engine, tmp_path: Path) -> None:
    _assert_no_formula(tables_workbook("=标题", {"period": "2025"}, {"t": [{"=k": n, "v": 1} for n in NAMES]}))
    _assert_no_formula(targets_workbook({"chain": "=nev", "weights": {"supply": 1.0}, "items": [
        {"rank": 1, "name": n, "components": {"supply": 0.5}} for n in NAMES]}))
    t = write_template("enterprises", tmp_path / "t.xlsx", hostile, rows=[{"uscc": A, "name": n} for n in NAMES])
    _assert_no_formula(t.read_bytes())
    csv_path, xlsx_path = write_report([Problem("f.csv", "", 2, "企业名称", n, "原因", "=reason") for n in NAMES], tmp_path / "r")
    assert not [c for c in _csv_cells(csv_path.read_text(encoding="utf-8-sig")) if _dangerous(c)]
    _assert_no_formula(xlsx_path.read_bytes())
