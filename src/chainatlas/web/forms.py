"""Cells of the workbench's HTML forms: an empty field is None, a bad one a bilingual 422."""

from __future__ import annotations

import datetime as dt

from chainatlas.web.errors import refused


def form_date(value: str, field: str) -> dt.date | None:
    """A YYYY-MM-DD field.

    >>> form_date("2026-03-01", "on"), form_date("", "on")
    (datetime.date(2026, 3, 1), None)
    """
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise refused(422, f"{field} 应为 YYYY-MM-DD", f"{field} must be YYYY-MM-DD") from None


def form_number(value: str, field: str) -> float | None:
    """A number field; thousands separators are allowed.

    >>> form_number("1,200.5", "budget"), form_number(" ", "budget")
    (1200.5, None)
    """
    if not value.strip():
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError:
        raise refused(422, f"{field} 应为数字", f"{field} must be a number") from None
