"""An indicator against its targets (指标对标): its series, the latest value, and per target the gap, the growth
needed per year and the projection of the trend (:mod:`.progress`); and the cockpit's headline of every indicator."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from chainatlas.indicators import progress
from chainatlas.indicators.registry import Target, as_dict, indicator, indicators
from chainatlas.indicators.series import Point, actuals
from chainatlas.indicators.store import targets


def _latest(points: list[Point]) -> Point | None:
    known = [p for p in points if p["value"] is not None]
    return known[-1] if known else None


def _progress(points: list[Point], target: Target, lower_is_better: bool) -> dict[str, Any]:
    latest = _latest(points)
    out: dict[str, Any] = {"value": target.value, "year": target.year, "source": target.source,
                           "note": target.note.as_dict() if target.note else None, "chain": target.chain,
                           "set_by": target.set_by}
    if latest is None:
        return {**out, "gap": None, "reached": None, "growth_needed": None, "projection": None}
    year = int(str(latest["period"])[:4])
    g = progress.gap(latest["value"], target.value, lower_is_better=lower_is_better)
    yearly = [(int(p["period"]), p["value"]) for p in points if p["value"] is not None and str(p["period"]).isdigit()]
    return {**out, "gap": round(g, 4), "reached": g <= 0,
            "growth_needed": None if lower_is_better else progress.growth_needed(latest["value"], year, target.value, target.year),
            "projection": progress.projection(yearly, target.year) if len(yearly) >= 3 else None}


def report(engine: Engine, indicator_id: str, *, home: str, rows_ok: bool = True) -> dict[str, Any]:
    """One indicator: per series (one, or one per chain) its points, the latest and the progress toward each target
    that applies to it. Raises NotFound for an unknown indicator."""
    ind = indicator(indicator_id)
    tgts = targets(engine, ind)
    series = []
    for key, points in actuals(engine, ind, home=home, rows_ok=rows_ok).items():
        chain = key or None
        mine = [t for t in tgts if t.chain in (None, chain)]
        series.append({"chain": chain, "points": points, "latest": _latest(points),
                       "progress": [_progress(points, t, ind.lower_is_better) for t in mine]})
    return {"indicator": as_dict(ind), "home": home, "series": series,
            "targets": [{"value": t.value, "year": t.year, "source": t.source, "chain": t.chain, "set_by": t.set_by,
                         "note": t.note.as_dict() if t.note else None} for t in tgts]}


def headline(engine: Engine, *, home: str, rows_ok: bool = True) -> list[dict[str, Any]]:
    """Every indicator's latest value (per chain where it is per chain) and its progress to its nearest target."""
    out = []
    for ind_id in indicators():
        r = report(engine, ind_id, home=home, rows_ok=rows_ok)
        for s in r["series"]:
            nearest = min(s["progress"], key=lambda p: p["year"]) if s["progress"] else None
            out.append({"indicator": r["indicator"], "chain": s["chain"], "latest": s["latest"], "target": nearest,
                        "trend": [p["value"] for p in s["points"]][-12:]})
    return out


# the flat headline's columns with their Chinese titles (the monthly report's sheet reads them)
HEADLINE_ZH = {"name": "指标", "chain": "产业链", "period": "期间", "value": "数值", "unit": "单位", "source": "来源",
               "as_of": "数据日期", "target": "目标", "target_year": "目标年份", "gap": "差距", "growth_needed": "需年均增长",
               "projection": "趋势外推", "target_source": "目标出处"}


def headline_rows(tiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`headline` as flat rows, one per tile, for tables and exports (names and units in Chinese)."""
    rows = []
    for t in tiles:
        latest, target = t["latest"] or {}, t["target"] or {}
        rows.append({"indicator": t["indicator"]["id"], "name": t["indicator"]["name"]["zh"], "chain": t["chain"],
                     "unit": t["indicator"]["unit"]["zh"], "period": latest.get("period"), "value": latest.get("value"),
                     "source": latest.get("source"), "as_of": latest.get("as_of"), "target": target.get("value"),
                     "target_year": target.get("year"), "gap": target.get("gap"),
                     "growth_needed": target.get("growth_needed"),
                     "projection": (target.get("projection") or {}).get("value"), "target_source": target.get("source")})
    return rows


def monthly_workbook(sheets: dict[str, list[dict[str, Any]]], title: str) -> bytes:
    """The 链长办 monthly report as one XLSX: a sheet per table (``sheets``: sheet name → rows), a title row saying
    what it is and that projections are projections; no text ever becomes a formula."""
    import io

    from openpyxl import Workbook

    from chainatlas.exchange.cells import xlsx_row

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name[:31])
        ws.append(xlsx_row(ws, [title]))
        ws.append(xlsx_row(ws, ["示例数据均为虚构；趋势外推为历史趋势的外推，不是预测 / demo data fictional; projections extrapolate the trend"]))
        cols = list(rows[0]) if rows else []
        ws.append(xlsx_row(ws, cols))
        for r in rows:
            ws.append(xlsx_row(ws, [r.get(c) if not isinstance(r.get(c), (dict, list)) else str(r.get(c)) for c in cols]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
