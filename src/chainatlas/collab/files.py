"""Demands and capabilities from files (JSONL, CSV, XLSX) for matching without storing them.

A file needs at least an id and a text column; title, keywords (separated by ， , ; 、 or spaces) and segment codes
are used when present. Headers may be English or Chinese (编号 / 描述 …). The same :class:`Posting` objects come from
the stored tables, so a file and the database are matched by one code path.
"""

from __future__ import annotations

import re
from pathlib import Path

from chainatlas.collab.matching import Posting
from chainatlas.exchange.readers import ReadError, open_file
from chainatlas.messages import InvalidInput

HEADERS = {
    "id": ("id", "编号", "需求编号", "成果编号", "demand_id", "capability_id"),
    "text": ("text", "描述", "内容", "需求描述", "成果描述", "问题描述", "description"),
    "title": ("title", "标题", "名称", "需求名称", "成果名称"),
    "keywords": ("keywords", "关键词"),
    "segments": ("segment", "segments", "segment_code", "环节", "环节代码"),
}
_SPLIT = re.compile(r"[，,;；、\s]+")


def _column(headers: list[str], field: str) -> str | None:
    wanted = {h.lower() for h in HEADERS[field]}
    return next((h for h in headers if h and h.strip().lower() in wanted), None)


def read_postings(path: Path) -> list[Posting]:
    """Every row of ``path`` as a :class:`Posting`; raises :class:`InvalidInput` naming the file, row and column of
    the first problem (missing id/text column, empty id or text, a repeated id)."""
    try:
        sheets = open_file(path)
    except ReadError as exc:
        raise InvalidInput(f"{path.name}：{exc.problem.reason_zh}", f"{path.name}: {exc.problem.reason_en}") from None
    out: list[Posting] = []
    seen: dict[str, str] = {}
    for sheet in sheets:
        cols = {f: _column(sheet.headers, f) for f in HEADERS}
        if cols["id"] is None or cols["text"] is None:
            if len(sheets) > 1:
                continue  # an XLSX's notes or code sheet
            raise InvalidInput(f"{sheet.label}：缺少 id（编号）或 text（描述）列；现有列：{'、'.join(sheet.headers)}",
                               f"{sheet.label}: an id and a text column are required; columns: {', '.join(sheet.headers)}")
        try:
            for batch in sheet.batches(10_000):
                for row in batch.iter_rows(named=True):
                    line = row["__line"]
                    pid = str(row[cols["id"]] or "").strip()
                    text = str(row[cols["text"]] or "").strip()
                    where = f"{sheet.label} 第{line}行"
                    if not pid:
                        raise InvalidInput(f"{where}：编号为空", f"{sheet.label} row {line}: the id is empty")
                    if not text:
                        raise InvalidInput(f"{where}：{pid} 的描述为空", f"{sheet.label} row {line}: {pid} has no text")
                    if pid in seen:
                        raise InvalidInput(f"{where}：编号 {pid} 重复（另见{seen[pid]}）",
                                           f"{sheet.label} row {line}: id {pid} repeats ({seen[pid]})")
                    seen[pid] = where
                    out.append(Posting(
                        pid, text, title=str(row.get(cols["title"] or "", "") or "").strip(),
                        keywords=tuple(k for k in _SPLIT.split(str(row.get(cols["keywords"] or "", "") or "")) if k),
                        segments=tuple(k for k in _SPLIT.split(str(row.get(cols["segments"] or "", "") or "")) if k)))
        finally:
            sheet.cleanup()
    if not out:
        raise InvalidInput(f"{path.name}：没有数据行", f"{path.name}: no data rows")
    return out
