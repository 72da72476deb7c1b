"""智改数转 pages: the solution catalogue (search and side-by-side comparison), one offer with its reference cases,
a firm's digital card (self-assessment form and result, gaps with recommended offers, subscriptions and recorded
spending), and maturity along a chain and among a leader's suppliers. JSON twins; tables export to CSV/XLSX
(docs/digital.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from chainatlas import db
from chainatlas.governance.principals import Principal
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.web.api_digital import assessment_view, offer_view, offers_view
from chainatlas.web.auth import authorize
from chainatlas.web.errors import refusal
from chainatlas.web.forms import form_date, form_number
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)
Day = Annotated[dt.date | None, Query(description="the day (default: today)")]


@router.get("/digital", response_class=HTMLResponse)
def catalogue_page(request: Request, scenario: str = "", segment: str = "", text: str = "", max_monthly: str = "",
                   units: Annotated[int, Query(ge=1, le=100_000)] = 1, months: Annotated[int, Query(ge=1, le=120)] = 12,
                   compare: Annotated[list[str] | None, Query()] = None) -> Response:
    view = offers_view(scenario=scenario or None, segment=segment or None, text=text or None,
                       max_monthly=form_number(max_monthly, "max_monthly"), units=units, months=months, compare=compare)
    download = table_download(request, {"offers": view["offers"], "comparison": view["comparison"]}, "digital-offers")
    return download or render(request, "digital.html", jsonable_encoder(view))


@router.get("/digital/offers/{offer_id}", response_class=HTMLResponse)
def offer_page(request: Request, offer_id: str) -> Response:
    view = offer_view(offer_id)
    download = table_download(request, {"cases": view["cases"]}, f"offer-{offer_id}")
    return download or render(request, "digital_offer.html", jsonable_encoder(view))


def _card(uscc: str, result: dict[str, Any] | None = None) -> dict[str, Any]:
    from chainatlas.solutions import store as solution_store

    view = assessment_view(uscc, result)
    engine = db.get_engine()
    year = dt.date.today().year - 1
    spend = solution_store.recorded_spend(engine, year, uscc).to_dicts()
    view |= {"subscriptions": solution_store.subscription_frame(engine, uscc).sort("start_date").to_dicts(),
             "spend_year": year, "spend": spend[0] if spend else None}
    return view


@router.get("/digital/enterprises/{uscc}", response_class=HTMLResponse)
def card_page(request: Request, uscc: str, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    view = _card(uscc)
    tables = {"gaps": (view["result"] or {}).get("gaps", []), "history": view["history"],
              "subscriptions": view["subscriptions"]}
    download = table_download(request, tables, f"digital-{uscc}")
    return download or render(request, "digital_card.html", jsonable_encoder(view))


@router.post("/digital/enterprises/{uscc}", response_class=HTMLResponse)
async def submit_page(request: Request, uscc: str, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    from chainatlas.digital import store
    from chainatlas.digital.assessment import questionnaire

    form = await request.form()
    answers = {q.id: str(form.get(q.id) or "") or None for q in questionnaire().questions}
    on = form_date(str(form.get("on") or ""), "on") or dt.date.today()
    try:
        result = store.submit(db.get_engine(), uscc, answers, on, by=principal.name)
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from None
    view = _card(uscc, result) | {"saved": True}
    return render(request, "digital_card.html", jsonable_encoder(view))


@router.get("/digital/maturity/{chain_id}", response_class=HTMLResponse)
def maturity_page(request: Request, chain_id: str, principal: Annotated[Principal, Depends(authorize)], on: Day = None) -> Response:
    from chainatlas.digital import store

    day = on or dt.date.today()
    try:
        rows = store.segment_maturity(db.get_engine(), chain_id, day)
    except NotFound as exc:
        raise refusal(exc) from None
    leaders = store.chain_leaders(db.get_engine(), chain_id)
    with db.get_engine().connect() as conn:
        chains = [dict(r) for r in conn.execute(select(db.chain.c.id, db.chain.c.name_zh, db.chain.c.name_en)
                                                .order_by(db.chain.c.id)).mappings()]
    view = {"chain_id": chain_id, "on": day, "segments": rows, "leaders": leaders, "chains": chains}
    download = table_download(request, {"segments": rows}, f"maturity-{chain_id}")
    return download or render(request, "digital_maturity.html", jsonable_encoder(view))


@router.get("/digital/leaders/{uscc}", response_class=HTMLResponse)
def leader_page(request: Request, uscc: str, principal: Annotated[Principal, Depends(authorize)], on: Day = None) -> Response:
    from chainatlas.digital import store

    try:
        view = store.leader_maturity(db.get_engine(), uscc, on or dt.date.today())
    except NotFound as exc:
        raise refusal(exc) from None
    download = table_download(request, {"suppliers": view["suppliers"]}, f"leader-suppliers-{uscc}")
    return download or render(request, "digital_leader.html", jsonable_encoder(view))
