"""Answers to the self-assessment from a file: JSON or YAML (item → choice), or the questionnaire's own sheet filled in
(CSV or XLSX from ``chainatlas digital questionnaire --format xlsx``, or any sheet with the columns item / 题目 and
answer / 答案) — so that a firm can answer in Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from chainatlas.messages import InvalidInput

ITEM = ("item", "题目")
ANSWER = ("answer", "答案")


def read_answers(path: Path) -> dict[str, Any]:
    """Item → choice from ``path``; an unreadable file, or a sheet without the item and answer columns, is an error
    saying which."""
    if path.suffix.lower() in (".json", ".yaml", ".yml"):
        import yaml

        try:
            given = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{path.name} 无法解析：{exc}", f"{path.name} cannot be parsed: {exc}") from None
        if not isinstance(given, dict):
            raise InvalidInput(f"{path.name} 应为 题目 → 选项 的映射", f"{path.name} must map items to choices")
        return given
    from chainatlas.exchange.readers import ReadError, open_file

    try:
        sheets = open_file(path)
    except ReadError as exc:
        raise InvalidInput(f"{path.name} 无法读取：{exc.problem.reason_zh}", f"{path.name} cannot be read: {exc.problem.reason_en}") from None
    out: dict[str, Any] = {}
    try:
        for sheet in sheets:
            for batch in sheet.batches(10_000):
                cols = {c.strip().lower(): c for c in batch.columns}
                item = next((cols[h] for h in ITEM if h in cols), None)
                answer = next((cols[h] for h in ANSWER if h in cols), None)
                if item is None or answer is None:
                    raise InvalidInput(f"{path.name}（{sheet.name}）缺少“题目/item”或“答案/answer”列",
                                       f"{path.name} ({sheet.name}) needs the columns item and answer")
                for k, v in zip(batch[item].cast(pl.String).to_list(), batch[answer].cast(pl.String).to_list(), strict=True):
                    if k:
                        out[k.strip()] = v
    finally:
        for sheet in sheets:
            sheet.cleanup()
    return out
