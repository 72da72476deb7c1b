"""Time in one convention: the store keeps naive datetimes in UTC; text leaves with its zone.

>>> to_utc("2026-03-01T08:00:00+08:00")
datetime.datetime(2026, 3, 1, 0, 0)
>>> utcnow().tzinfo is None and utcnow(seconds=True).microsecond == 0
True
"""

from __future__ import annotations

import datetime as dt


def utcnow(*, seconds: bool = False) -> dt.datetime:
    """Now, in UTC, without a zone (as stored); ``seconds`` drops the fraction (audit and ledger records)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return now.replace(microsecond=0) if seconds else now


def utc_iso() -> str:
    """Now as ISO 8601 text with its zone, to the second (checkpoints, heads, alerts)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def to_utc(text: str) -> dt.datetime:
    """ISO 8601 text as a naive UTC datetime: a zone (``Z`` or ``±hh:mm``) is converted, text without one is taken as
    already in UTC (the store's convention) — callers that must refuse zone-less input check it first.

    >>> to_utc("2026-03-01T00:00:00.5"), to_utc("2026-03-01T02:00:00Z") == to_utc("2026-03-01T10:00:00+08:00")
    (datetime.datetime(2026, 3, 1, 0, 0, 0, 500000), True)
    """
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t
