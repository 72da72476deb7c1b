"""The city cockpit (城市驾驶舱, a full-screen page for a wall display) and an indicator's page (trend, targets, gap,
growth needed, projection). JSON twins; tables export to CSV/XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response

from chainatlas import db
from chainatlas.indicators.report import HEADLINE_ZH, headline, headline_rows, report
from chainatlas.messages import NotFound
from chainatlas.settings import home_of
from chainatlas.web.auth import has_rows
from chainatlas.web.errors import refusal
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)


def atlas_summary(rows_ok: bool) -> list[dict[str, Any]]:
    """Per chain, how many segments are strong, medium, weak and missing (the atlas statuses)."""
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.analysis.views import atlas_for
    from chainatlas.registry.queries import list_chains

    engine = db.get_engine()
    snap = load_snapshot(engine)
    out = []
    for c in list_chains(engine):
        atlas = atlas_for(snap, c["id"], home=home_of(), rows_ok=rows_ok)
        counts = {s: sum(1 for x in atlas["segments"] if x["status"] == s) for s in ("strong", "medium", "weak", "missing")}
        out.append({"chain": c["id"], "name_zh": c["name_zh"], "name_en": c["name_en"], "period": atlas["period"],
                    "as_of": atlas["as_of"], **counts})
    return out


@router.get("/cockpit", response_class=HTMLResponse)
def cockpit_page(request: Request) -> Response:
    from chainatlas.trade import alerts
    from chainatlas.trade.consignments import consignments, destinations_by_country

    engine = db.get_engine()
    rows_ok = has_rows(request, "supply_links")
    tiles = headline(engine, home=home_of(), rows_ok=rows_ok)
    chains = atlas_summary(rows_ok)
    open_alerts = [a for a in alerts.inbox(engine) if a["status"] != "resolved"]
    by_kind = {k: sum(1 for a in open_alerts if a["kind"] == k) for k in sorted({a["kind"] for a in open_alerts})}
    table = headline_rows(tiles)
    download = table_download(request, {"indicators": table, "chains": chains}, "cockpit")
    data = {"tiles": tiles, "chains": chains, "alerts": by_kind, "open_alerts": len(open_alerts), "home": home_of(),
            "destinations": destinations_by_country(consignments(engine))}
    return download or render(request, "cockpit.html", jsonable_encoder(data))


@router.get("/cockpit/report.xlsx")
def monthly_report(request: Request) -> Response:
    """The monthly report of the cockpit for the 链长 office: indicators, chains, open alerts and lanes, one sheet each."""
    import datetime as dt

    from chainatlas.indicators.report import monthly_workbook
    from chainatlas.network.lanes import lanes
    from chainatlas.trade import alerts
    from chainatlas.trade.consignments import consignment_events
    from chainatlas.web.tabular import xlsx_response

    engine = db.get_engine()
    rows_ok = has_rows(request, "supply_links")
    indicators = [{zh: r[k] for k, zh in HEADLINE_ZH.items()}
                  for r in headline_rows(headline(engine, home=home_of(), rows_ok=rows_ok))]
    open_alerts = [{k: a[k] for k in ("consignment", "kind", "status", "occurred_at")}
                   for a in alerts.inbox(engine) if a["status"] != "resolved"]
    data = monthly_workbook({"指标与目标": indicators, "产业链环节": atlas_summary(rows_ok), "待处理预警": open_alerts,
                             "货运线路": lanes(consignment_events(engine), by=None)},
                            f"城市驾驶舱月报 {dt.date.today():%Y-%m} · ChainAtlas")
    return xlsx_response(data, f"cockpit-report-{dt.date.today():%Y-%m}")


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_page(request: Request, indicator_id: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9_]+$")]) -> Response:
    try:
        data = report(db.get_engine(), indicator_id, home=home_of(), rows_ok=has_rows(request, "supply_links"))
    except NotFound as exc:
        raise refusal(exc) from exc
    points = [{"chain": s["chain"], **p} for s in data["series"] for p in s["points"]]
    progress = [{"chain": s["chain"], **{k: v for k, v in p.items() if k not in ("projection", "note")},
                 **({"projection": p["projection"]["value"], "projection_low": p["projection"]["low"],
                     "projection_high": p["projection"]["high"]} if p["projection"] else {})}
                for s in data["series"] for p in s["progress"]]
    download = table_download(request, {"series": points, "progress": progress}, f"indicator-{indicator_id}")
    return download or render(request, "indicator.html", jsonable_encoder(data))
