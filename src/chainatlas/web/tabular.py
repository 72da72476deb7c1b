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


def xlsx_response(data: bytes, filename: str) -> Response:
    """An XLSX workbook as a download."""
    return Response(data, media_type=XLSX_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})


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
                        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(filename[:31])
    ws.append(xlsx_row(ws, titles))
    for r in rows:
        ws.append(xlsx_row(ws, [_cell(r.get(c)) for c in cols]))
    out = io.BytesIO()
    wb.save(out)
    return xlsx_response(out.getvalue(), filename)


def table_download(request: Request, tables: dict[str, list[dict[str, Any]]], name: str) -> Response | None:
    """The table named by ``?table=`` (default: the first) as ``?format=csv|xlsx``; None when no download is asked."""
    fmt = request.query_params.get("format")
    if fmt not in ("csv", "xlsx"):
        return None
    table = request.query_params.get("table", next(iter(tables)))
    if table not in tables:
        raise refused(422, f"表格须为：{'、'.join(tables)}", f"table must be one of {', '.join(tables)}")
    return table_response(tables[table], fmt, f"{name}-{table}")
