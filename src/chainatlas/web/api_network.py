"""REST API v1 for the cargo network (货运网络): lanes from the platform's EPCIS events, a hub's lanes, and what a
candidate second hub would gather."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.encoders import jsonable_encoder

from chainatlas import db
from chainatlas.network.lanes import candidate_hub, hub_view, lanes
from chainatlas.trade.consignments import consignment_events

router = APIRouter(prefix="/api/v1/network", tags=["trade"])
Mode = Annotated[str | None, Query(pattern="^(air|rail|sea|road)$")]
Place = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{3,5}$", description="IATA airport (CGO) or UN/LOCODE (DEDUI)")]


@router.get("/lanes", summary="Lanes (origin, destination, mode) with shipments, on-time share, transit, dwell, clearance")
def list_lanes(mode: Mode = None, by: Annotated[str, Query(pattern="^(all|month|week)$")] = "all") -> Any:
    return jsonable_encoder(lanes(consignment_events(db.get_engine()), by=None if by == "all" else by, mode=mode))


@router.get("/hubs/{place}", summary="A hub's lanes (from or to it), and the lanes a candidate hub there would gather")
def hub(place: Place, mode: Mode = None) -> Any:
    rows = lanes(consignment_events(db.get_engine()), by=None, mode=mode)
    return jsonable_encoder({**hub_view(rows, place.upper()), "candidate": candidate_hub(rows, place.upper())})
