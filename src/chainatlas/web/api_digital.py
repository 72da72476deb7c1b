"""REST API v1 for 智改数转 services: the solution catalogue (search, compare, one offer with its reference cases),
the self-assessment questionnaire, scoring and storing an assessment, a firm's subscriptions and recorded spending,
and digital maturity along a chain and among a leader's suppliers (docs/digital.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.governance.principals import Principal
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.web.auth import authorize
from chainatlas.web.errors import refusal, refused

router = APIRouter(prefix="/api/v1/digital", tags=["digital"])
Units = Annotated[int, Query(ge=1, le=100_000, description="devices or seats the firm needs")]
Months = Annotated[int, Query(ge=1, le=120, description="months the firm would use it")]
Day = Annotated[dt.date | None, Query(description="the day (default: today)")]


class AnswersIn(BaseModel):
    answers: dict[str, str | None] = Field(description="item id → choice (a–d); an item left out is unanswered")
    on: dt.date | None = Field(default=None, description="assessment date (default: today)")


def offers_view(*, scenario: str | None = None, segment: str | None = None, text: str | None = None,
                max_monthly: float | None = None, units: int = 1, months: int = 12,
                compare: list[str] | None = None) -> dict[str, Any]:
    """The catalogue search and, when ``compare`` names offers, those side by side — shared by the page and the API."""
    from chainatlas import vocabulary
    from chainatlas.solutions import catalogue
    from chainatlas.solutions import store as solution_store

    offers = solution_store.offers(db.get_engine())
    found = catalogue.search(offers, scenario=scenario, segment=segment, text=text, max_monthly=max_monthly,
                             units=units, months=months)
    side = catalogue.compare(offers, compare, units, months).to_dicts() if compare else []
    return {"filters": {"scenario": scenario, "segment": segment, "text": text, "max_monthly": max_monthly,
                        "units": units, "months": months, "compare": compare or []},
            "scenarios": {k: m.zh for k, m in vocabulary.DIGITAL_SCENARIOS.items()},
            "offers": found.to_dicts(), "comparison": side}


def offer_view(offer_id: str) -> dict[str, Any]:
    from chainatlas.registry.queries import enterprise_names
    from chainatlas.solutions import store as solution_store

    engine = db.get_engine()
    offers = solution_store.offers(engine)
    row = offers.filter(offers["offer_id"] == offer_id)
    if row.is_empty():
        raise refused(404, f"没有方案 {offer_id}", f"no offer {offer_id}")
    cases = solution_store.cases(engine, offer_id).to_dicts()
    names = enterprise_names(engine, [c["customer_uscc"] for c in cases])
    return {"offer": row.row(0, named=True), "cases": [{**c, "customer_name": names.get(c["customer_uscc"], "")} for c in cases]}


def assessment_view(uscc: str, result: dict[str, Any] | None = None) -> dict[str, Any]:
    """A firm's latest assessment (or ``result``, just submitted), its history, the questionnaire, and the offers
    recommended for its gaps — for offers made for the firm's own segments or for any."""
    from chainatlas.digital import store
    from chainatlas.digital.assessment import questionnaire
    from chainatlas.registry.queries import enterprise_names
    from chainatlas.solutions import catalogue
    from chainatlas.solutions import store as solution_store

    engine = db.get_engine()
    names = enterprise_names(engine, [uscc])
    if uscc not in names:
        raise refused(404, f"企业 {uscc} 不在企业库中", f"enterprise {uscc} is not in the register")
    if result is None:
        try:
            result = store.latest(engine, uscc)
        except NotFound:
            result = None
    recs = []
    if result is not None:
        with engine.connect() as conn:
            segs = [s for (s,) in conn.execute(db.placement.select().with_only_columns(db.placement.c.segment_code)
                                               .where(db.placement.c.uscc == uscc))]
        recs = catalogue.recommend(result["gaps"], solution_store.offers(engine), segments=segs)
    q = questionnaire()
    return {"uscc": uscc, "name": names[uscc], "result": result, "history": store.history(engine, uscc),
            "recommendations": recs, "reference": q.rule_set.reference, "questions": assessment_view_questions(),
            "groups": {g: {"zh": zh, "en": en} for g, (zh, en) in q.groups.items()}}


@router.get("/offers", summary="Search the catalogue; each offer's monthly and term cost for the units given")
def offers(scenario: str | None = None, segment: str | None = None, text: str | None = None,
           max_monthly: Annotated[float | None, Query(ge=0)] = None, units: Units = 1, months: Months = 12,
           compare: Annotated[list[str] | None, Query(description="offer ids to show side by side")] = None) -> Any:
    return offers_view(scenario=scenario, segment=segment, text=text, max_monthly=max_monthly, units=units, months=months,
                       compare=compare)


@router.get("/offers/{offer_id}", summary="One offer with its provider and reference cases (customer-reported)")
def offer(offer_id: str) -> Any:
    return offer_view(offer_id)


@router.get("/questionnaire", summary="The self-assessment's questions, choices, points and dimensions")
def questionnaire_route() -> Any:
    from chainatlas.digital.assessment import questionnaire

    q = questionnaire()
    return {"id": q.rule_set.id, "reference": q.rule_set.reference, "example_items": q.rule_set.example,
            "levels": [{"level": lv, "min": m} for lv, m in q.levels],
            "groups": {g: {"zh": zh, "en": en} for g, (zh, en) in q.groups.items()},
            "questions": assessment_view_questions()}


def assessment_view_questions() -> list[dict[str, Any]]:
    from chainatlas.digital.assessment import questionnaire

    return [{"id": x.id, "group": x.group, "label": {"zh": x.label_zh, "en": x.label_en},
             "question": {"zh": x.question_zh, "en": x.question_en}, "scenarios": list(x.scenarios),
             "choices": [{"key": c.key, "zh": c.zh, "en": c.en, "points": c.points} for c in x.choices]}
            for x in questionnaire().questions]


@router.post("/score", summary="Score answers without storing them: total, dimensions, level, gaps")
def score(body: AnswersIn) -> Any:
    from chainatlas.digital import assessment

    try:
        return assessment.assess(body.answers, body.on or dt.date.today())
    except InvalidInput as exc:
        raise refusal(exc) from None


@router.get("/assessments/{uscc}", summary="A firm's latest assessment, history and recommended offers")
def latest_assessment(uscc: str) -> Any:
    return assessment_view(uscc)


@router.post("/assessments/{uscc}", status_code=201,
             summary="Store a firm's assessment; a decided level becomes its digital_level (source: self-assessment)")
def submit(uscc: str, body: AnswersIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    from chainatlas.digital import store

    try:
        result = store.submit(db.get_engine(), uscc, body.answers, body.on or dt.date.today(), by=principal.name)
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from None
    return assessment_view(uscc, result)


@router.get("/subscriptions/{uscc}", summary="A firm's subscriptions and the spending they record per year")
def subscriptions(uscc: str, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> Any:
    from chainatlas.solutions import store as solution_store

    engine = db.get_engine()
    y = year or dt.date.today().year - 1
    spend = solution_store.recorded_spend(engine, y, uscc).to_dicts()
    return {"uscc": uscc, "year": y, "subscriptions": solution_store.subscription_frame(engine, uscc).to_dicts(),
            "spend": spend[0] if spend else None}


@router.get("/maturity/{chain_id}", summary="Digital maturity per segment of a chain (levels of the local firms)")
def maturity(chain_id: str, on: Day = None) -> Any:
    from chainatlas.digital import store

    try:
        return store.segment_maturity(db.get_engine(), chain_id, on or dt.date.today())
    except NotFound as exc:
        raise refusal(exc) from None


@router.get("/leaders/{uscc}/suppliers", summary="龙头+配套: a leader's suppliers and their maturity")
def leader(uscc: str, on: Day = None) -> Any:
    from chainatlas.digital import store

    try:
        return store.leader_maturity(db.get_engine(), uscc, on or dt.date.today())
    except NotFound as exc:
        raise refusal(exc) from None
