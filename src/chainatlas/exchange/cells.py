"""Safe spreadsheet cells (防公式注入): every CSV and XLSX the product writes goes through here.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken for a formula by
Excel, LibreOffice and Google Sheets (OWASP, *CSV Injection*). So:

- **XLSX**: text is written as a string cell (``t="inlineStr"``/shared string), never as a formula; the value is
  unchanged, so an XLSX export re-imports exactly.
- **CSV**: such a text gets one leading apostrophe ``'`` (OWASP's advice; spreadsheet programs then show it as
  text). Import removes one apostrophe before such a character (:func:`csv_unescape`), so ``export`` → ``import``
  round-trips unchanged. A text that already starts with apostrophes followed by a trigger character gets one
  more, which keeps the mapping one-to-one.
- Numbers, dates and booleans are written as they are: ``-5`` stays a number.

>>> csv_escape("=1+2"), csv_escape("@SUM(A1)"), csv_escape("'=x"), csv_escape("郑州"), csv_escape(-5)
("'=1+2", "'@SUM(A1)", "''=x", '郑州', -5)
>>> csv_unescape(csv_escape("''+1")) == "''+1" and csv_unescape("'abc") == "'abc"
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Escape what matches NEEDS (any apostrophes, then a trigger); unescape what matches QUOTED. The same text serves
# Python's re and Polars (Rust regex).
_TRIGGER = r"[=+\-@\t\r]"
NEEDS_PATTERN = rf"^'*{_TRIGGER}"
QUOTED_PATTERN = rf"^'('*{_TRIGGER})"
ESCAPED = re.compile(NEEDS_PATTERN)


def csv_escape(value: Any) -> Any:
    """``value`` as it may stand in a CSV cell: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and ESCAPED.match(value):
        return "'" + value
    return value


def csv_unescape(value: str) -> str:
    """The inverse of :func:`csv_escape` for text read from a CSV file."""
    if value.startswith("'") and ESCAPED.match(value[1:]):
        return value[1:]
    return value


def escape_frame(frame: Any) -> Any:
    """A Polars frame with every text column passed through :func:`csv_escape` (vectorised)."""
    import polars as pl

    texts = [n for n, t in frame.schema.items() if t == pl.String]
    if not texts:
        return frame
    return frame.with_columns(
        pl.when(pl.col(n).str.contains(NEEDS_PATTERN)).then(pl.lit("'") + pl.col(n)).otherwise(pl.col(n)).alias(n)
        for n in texts)


def unescape_frame(frame: Any, columns: Iterable[str]) -> Any:
    """A Polars frame with the text ``columns`` passed through :func:`csv_unescape` (vectorised)."""
    import polars as pl

    return frame.with_columns(pl.col(n).str.replace(QUOTED_PATTERN, "$1") for n in columns)


def xlsx_cell(ws: Any, value: Any) -> Any:
    """``value`` as ``ws.append`` should get it: text that openpyxl would store as a formula (it starts with
    ``=``) becomes a string cell; anything else is returned as it is."""
    from openpyxl.cell.cell import Cell

    if not (isinstance(value, str) and value.startswith("=")):
        return value
    # row/column set so that openpyxl's write-only append can name the cell before it takes it as it is
    cell = Cell(ws, row=1, column=1, value=value)
    cell.data_type = "s"
    return cell


def xlsx_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``ws.append`` (normal or write-only sheet) in which no text becomes a formula."""
    return [xlsx_cell(ws, v) for v in values]


def set_xlsx_value(cell: Any, value: Any) -> Any:
    """Assign ``value`` to an existing openpyxl cell, text as a string cell (never a formula)."""
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def split_codes(value: str | None) -> list[str]:
    """A cell listing codes separated by 、, commas, semicolons or spaces, as a list.

    >>> split_codes("91A、91B, 91C")
    ['91A', '91B', '91C']
    """
    import re

    return [x for x in re.split(r"[、，,;；\s]+", value or "") if x]
