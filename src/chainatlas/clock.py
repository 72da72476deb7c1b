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
    """ISO 8601 text with a zone (``Z`` or ``±hh:mm``) as a naive UTC datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)
