"""Excel templates (导入模板): headers, a notes row and drop-down lists for coded columns."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.exchange.cells import set_xlsx_value
from chainatlas.exchange.readers import CODE_SHEET, NOTES_MARK
from chainatlas.exchange.spec import EVIDENCE, KIND_DOC, TABLES, Kind


def write_template(table: str, path: Path, engine: Engine | None = None, *, columns: list[str] | None = None,
                   rows: list[dict[str, object]] | None = None, highlight: set[str] | None = None) -> Path:
    """Write an XLSX template for ``table``: row 1 the Chinese headers (English names in comments),
    row 2 notes (starting with ※, skipped on import), drop-downs for yes/no, stage, evidence, listed choices, and —
    when a database is given — for division, industry and segment codes from a code sheet.

    ``columns`` keeps only those columns (in the spec's order); ``rows`` pre-fills data rows; cells of the
    ``highlight`` columns left empty are marked yellow (what a pre-filled application still asks for)."""
    full = TABLES[table]
    spec = full if columns is None else type(full)(full.name, full.zh, full.description_zh, full.description_en,
                                                    tuple(c for c in full.columns if c.name in columns), full.keys)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.zh
    codes = wb.create_sheet(CODE_SHEET)
    lists: dict[Kind, list[str]] = {Kind.boolean: ["是", "否"], Kind.stage: ["upstream", "midstream", "downstream"],
                                    Kind.evidence: list(EVIDENCE)}
    if engine is not None:
        with engine.connect() as conn:
            lists[Kind.region] = [r for (r,) in conn.execute(select(db.region.c.code).where(db.region.c.level != "province").order_by(db.region.c.code))]
            lists[Kind.industry] = [r for (r,) in conn.execute(select(db.industry.c.code).where(db.industry.c.level.in_(["class", "division"])).order_by(db.industry.c.code))]
            lists[Kind.segment] = [r for (r,) in conn.execute(select(db.segment.c.code).order_by(db.segment.c.code))]
    ranges: dict[Kind, str] = {}
    for j, (kind, values) in enumerate(lists.items(), start=1):
        letter = codes.cell(row=1, column=j).column_letter
        codes.cell(row=1, column=j, value=KIND_DOC[kind][0][:20])
        for i, v in enumerate(values, start=2):
            set_xlsx_value(codes.cell(row=i, column=j), v)
        ranges[kind] = f"'{CODE_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for j, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=j, value=col.zh)
        cell.font = Font(bold=True, color="C00000" if col.required else "000000")
        cell.fill = head_fill
        cell.comment = Comment(f"{col.name}\n{col.description_en}", "ChainAtlas")
        req = "必填" if col.required else "选填"
        unit = f"，单位：{col.unit}" if col.unit else ""
        note = ws.cell(row=2, column=j, value=f"{NOTES_MARK}{req}。{col.description_zh}{unit}。{KIND_DOC[col.kind][0]}"
                       + (f"。例：{col.example}" if col.example else ""))
        note.alignment = Alignment(wrap_text=True, vertical="top")
        note.font = Font(italic=True, color="666666", size=9)
        ws.column_dimensions[cell.column_letter].width = max(14, len(col.zh) * 2 + 4)
        if col.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True, showErrorMessage=True)
            ws.add_data_validation(dv)
            dv.add(f"{cell.column_letter}3:{cell.column_letter}100000")
        elif col.kind in ranges:
            dv = DataValidation(type="list", formula1=ranges[col.kind], allow_blank=not col.required,
                                showErrorMessage=True, errorTitle="代码无效", error=f"请从下拉列表选择（{CODE_SHEET}）")
            ws.add_data_validation(dv)
            dv.add(f"{cell.column_letter}3:{cell.column_letter}100000")
    todo = PatternFill("solid", fgColor="FFF2CC")
    for i, row in enumerate(rows or [], start=3):
        for j, col in enumerate(spec.columns, start=1):
            value = row.get(col.name)
            cell = set_xlsx_value(ws.cell(row=i, column=j), ("是" if value else "否") if isinstance(value, bool) else value)
            if value is None and col.name in (highlight or set()):
                cell.fill = todo
    ws.freeze_panes = "A3"
    ws.row_dimensions[2].height = 60
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
