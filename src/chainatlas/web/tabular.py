"""Responses for tables: every list the product shows can be had as JSON, CSV or XLSX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from chainatlas.exchange.cells import csv_escape, xlsx_row
from chainatlas.web.errors import refused

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(v: Any) -> Any:
    """Lists and mappings go into one cell as JSON; everything else as it is."""
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return v


def attachment(filename: str) -> str:
    """A Content-Disposition header for ``filename``: an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987), so
    that Chinese file names arrive as they are.

    >>> print(attachment("问卷.xlsx"))
    attachment; filename="__.xlsx"; filename*=UTF-8''%E9%97%AE%E5%8D%B7.xlsx
    """
    from urllib.parse import quote

    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(data: bytes, filename: str) -> Response:
    """An XLSX workbook as a download."""
    return Response(data, media_type=XLSX_TYPE, headers={"Content-Disposition": attachment(f"{filename}.xlsx")})


def table_response(rows: Sequence[dict[str, Any]], fmt: str, filename: str, headers: dict[str, str] | None = None) -> Response:
    """``rows`` as a CSV (UTF-8 with BOM, for Excel) or XLSX download; column titles from ``headers``.
    Formula-like text is neutralised (:mod:`chainatlas.exchange.cells`)."""
    cols = list(rows[0].keys()) if rows else list((headers or {}).keys())
    titles = [(headers or {}).get(c, c) for c in cols]
    if fmt == "csv":
        buf = io.StringIO()
        buf.write("\ufeff")
        w = csv.writer(buf)
        w.writerow([csv_escape(t) for t in titles])
        for r in rows:
            w.writerow(["" if r.get(c) is None else csv_escape(_cell(r.get(c))) for c in cols])
        return Response(buf.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": attachment(f"{filename}.csv")})
    return xlsx_response(xlsx_bytes(rows, filename, headers), filename)


def xlsx_bytes(rows: Sequence[dict[str, Any]], sheet: str, headers: dict[str, str] | None = None) -> bytes:
    """``rows`` as an XLSX workbook with one sheet named ``sheet`` (formula-like text neutralised)."""
    from openpyxl import Workbook

    cols = list(rows[0].keys()) if rows else list((headers or {}).keys())
    titles = [(headers or {}).get(c, c) for c in cols]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(xlsx_row(ws, titles))
    for r in rows:
        ws.append(xlsx_row(ws, [_cell(r.get(c)) for c in cols]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_download(request: Request, tables: dict[str, list[dict[str, Any]]], name: str) -> Response | None:
    """The table named by ``?table=`` (default: the first) as ``?format=csv|xlsx``; None when no download is asked."""
    fmt = request.query_params.get("format")
    if fmt not in ("csv", "xlsx"):
        return None
    table = request.query_params.get("table", next(iter(tables)))
    if table not in tables:
        raise refused(422, f"表格须为：{'、'.join(tables)}", f"table must be one of {', '.join(tables)}")
    return table_response(tables[table], fmt, f"{name}-{table}")
