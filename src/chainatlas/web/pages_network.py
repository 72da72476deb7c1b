"""The cargo network page (货运网络 · 双枢纽): lanes from the platform's own events, the CGO hub view, a candidate
second hub, and the air lanes on a world map. JSON twin; tables export to CSV/XLSX."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response

from chainatlas import db
from chainatlas.network.lanes import air_lines, candidate_hub, hub_view, lanes_of, legs
from chainatlas.trade.consignments import consignment_events
from chainatlas.web.errors import refused
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)
HOME_HUB = "CGO"  # Zhengzhou Xinzheng International Airport


@router.get("/network", response_class=HTMLResponse)
def network_page(request: Request, mode: str | None = None, by: str = "month", candidate: str = "KUL") -> Response:
    if by not in ("month", "week", "all"):
        raise refused(422, "by 须为 month、week 或 all", "by must be month, week or all")
    if mode and mode not in ("air", "rail", "sea", "road"):
        raise refused(422, "运输方式须为 air、rail、sea 或 road", "mode must be air, rail, sea or road")
    leg = legs(consignment_events(db.get_engine()))  # read and walked once for both views
    total = lanes_of(leg, by=None, mode=mode or None)
    periodic = lanes_of(leg, by=None if by == "all" else by, mode=mode or None)
    hub = hub_view(total, HOME_HUB)
    cand = candidate_hub(total, candidate.strip().upper()[:5])
    download = table_download(request, {"lanes": total, "by_period": periodic, "candidate": cand["lanes"]}, "network")
    data = {"lanes": total, "by_period": periodic, "by": by, "mode": mode or "", "hub": hub, "candidate": cand,
            "air_lines": air_lines(total, HOME_HUB)}
    return download or render(request, "network.html", jsonable_encoder(data))
