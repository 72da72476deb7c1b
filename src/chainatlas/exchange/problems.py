"""Import problems: where (file, sheet, row, column), what (value) and why (Chinese and English)."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path

from chainatlas.exchange.cells import csv_escape, xlsx_row

MAX_LISTED = 10_000  # problems listed one by one per import; beyond that only counted


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int  # line in a CSV/JSONL file, row number in an XLSX sheet; 0 = the file as a whole
    column: str
    value: str
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f"[{self.sheet}]" if self.sheet else "") + (f" 第{self.row}行/row {self.row}" if self.row else "")
        col = f" 列/column「{self.column}」" if self.column else ""
        val = f" 值/value「{self.value}」" if self.value else ""
        return f"{where}{col}{val}: {self.reason_zh} / {self.reason_en}"


REPORT_HEADERS = ["文件 file", "工作表 sheet", "行 row", "列 column", "值 value", "原因 reason", "reason"]


def problem_rows(problems: list[Problem]) -> list[list[object]]:
    """The problems as report rows (file, sheet, row, column, value, reasons)."""
    return [[p.file, p.sheet, p.row, p.column, p.value, p.reason_zh, p.reason_en] for p in problems]


def write_report(problems: list[Problem], base: Path) -> list[Path]:
    """Write the problems as ``<base>.report.csv`` (UTF-8 with BOM, opens in Excel) and ``.report.xlsx``."""
    from openpyxl import Workbook

    csv_path = base.with_name(base.name + ".report.csv")
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REPORT_HEADERS)
        w.writerows([csv_escape(v) for v in r] for r in problem_rows(problems))
    xlsx_path = base.with_name(base.name + ".report.xlsx")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题清单 problems")
    ws.append(REPORT_HEADERS)
    for r in problem_rows(problems):
        ws.append(xlsx_row(ws, r))
    wb.save(xlsx_path)
    return [csv_path, xlsx_path]


def as_dicts(problems: list[Problem]) -> list[dict[str, object]]:
    """The problems as dictionaries (JSON answers)."""
    return [asdict(p) for p in problems]
