"""How a batch job's output is committed, so that a reader never takes a partial output for a whole one.

An output folder holds ``links/`` (Parquet), ``rejects/`` (Parquet) and, written last, ``_CHAINATLAS_SUCCESS.json``
(the summary). A job first removes the marker, then writes, then writes the marker: a job that fails or is killed
leaves no marker, and :func:`committed_summary` (what every reader calls) refuses such a folder. Spark's own
``_SUCCESS`` files inside ``links/`` say only that one dataset was written, not that the job ended.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chainatlas.messages import Message

MARKER = "_CHAINATLAS_SUCCESS.json"
LINKS = "links"
REJECTS = "rejects"


class IncompleteOutput(ValueError):
    """The folder has no commit marker: the job that wrote it did not finish."""


def join(base: str, name: str) -> str:
    """``base``/``name`` for a path or a URI.

    >>> join("s3a://bucket/run/", "links")
    's3a://bucket/run/links'
    """
    return base.rstrip("/") + "/" + name


def incomplete(where: str) -> IncompleteOutput:
    """The bilingual error a reader raises on a folder without the commit marker."""
    return IncompleteOutput(str(Message(f"{where} 不是完整的批处理输出（缺少 {MARKER}：作业未完成或被中断）",
                                        f"{where} is not a complete batch output (no {MARKER}: the job did not finish)")))


def committed_summary(folder: Path) -> dict[str, Any]:
    """The summary of a committed local output folder; :class:`IncompleteOutput` if the job did not finish."""
    marker = folder / MARKER
    if not marker.is_file():
        raise incomplete(str(folder))
    summary: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
    return summary


def read_links(folder: Path) -> Any:
    """The supply links of a committed output folder, as a Polars frame (refused where the job did not finish)."""
    import polars as pl

    committed_summary(folder)
    parts = sorted((folder / LINKS).glob("*.parquet"))
    if not parts:
        return pl.DataFrame(schema={"supplier_uscc": pl.String, "buyer_uscc": pl.String, "period": pl.String,
                                    "segment_code": pl.String, "source": pl.String, "value_yuan": pl.Float64,
                                    "product": pl.String})
    return pl.read_parquet(parts)
