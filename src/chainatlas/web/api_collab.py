"""REST API v1 for 企业出题、院所解题 · 揭榜挂帅 · 产教融合: demands, capabilities, their matches, the open-call
workflow (steps, bids, milestones), the bureau's pipeline and the guiding fund, notices, internships. What a caller
sees follows :func:`chainatlas.collab.workflow.can_see`; every write is audited by the route policy."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.collab import internships as I
from chainatlas.collab import store
from chainatlas.collab import workflow as W
from chainatlas.collab.fund import ledger
from chainatlas.messages import InvalidInput, NotFound, Refused
from chainatlas.web.auth import Principal, authorize, count_rows
from chainatlas.web.errors import refusal

router = APIRouter(prefix="/api/v1/collab", tags=["collab"])
DemandId = Annotated[str, Path(max_length=40)]
CapabilityId = Annotated[str, Path(max_length=40)]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
State = Annotated[str | None, Query(pattern="^(" + "|".join(W.STATES) + ")$")]



class DemandIn(BaseModel):
    title: str = Field(max_length=200)
    text: str = Field(max_length=5000)
    demand_id: str | None = Field(default=None, max_length=40, description="default: XQ-<year>-<n>")
    uscc: str | None = Field(default=None, max_length=18, description="the posting firm (the bureau posting for one)")
    chain_id: str | None = Field(default=None, max_length=32)
    segment_code: str | None = Field(default=None, max_length=64)
    budget_min_yuan: float | None = Field(default=None, ge=0)
    budget_max_yuan: float | None = Field(default=None, ge=0)
    deadline: dt.date | None = None
    visibility: str = Field(default="public", pattern="^(public|selected|bureau)$")
    invited: str | None = Field(default=None, max_length=2000, description="USCCs separated by 、 or commas")


class DemandEdit(BaseModel):
    title: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=5000)
    segment_code: str | None = Field(default=None, max_length=64)
    budget_min_yuan: float | None = Field(default=None, ge=0)
    budget_max_yuan: float | None = Field(default=None, ge=0)
    deadline: dt.date | None = None
    visibility: str | None = Field(default=None, pattern="^(public|selected|bureau)$")
    invited: str | None = Field(default=None, max_length=2000)


class CapabilityIn(BaseModel):
    title: str = Field(max_length=200)
    text: str = Field(max_length=5000)
    org_name: str = Field(max_length=200)
    capability_id: str | None = Field(default=None, max_length=40)
    uscc: str | None = Field(default=None, max_length=18)
    team: str | None = Field(default=None, max_length=200)
    keywords: str | None = Field(default=None, max_length=500)
    patents: str | None = Field(default=None, max_length=500)
    trl: int | None = Field(default=None, ge=1, le=9)
    contact: str | None = Field(default=None, max_length=200)
    segment_code: str | None = Field(default=None, max_length=64)


class StepIn(BaseModel):
    to: str = Field(pattern="^(" + "|".join(W.STATES) + ")$")
    note: str | None = Field(default=None, max_length=2000)


class MilestoneIn(BaseModel):
    title: str = Field(max_length=200)
    due_on: dt.date
    amount_yuan: float = Field(default=0, ge=0)


class BidIn(BaseModel):
    approach: str = Field(max_length=5000)
    team: str = Field(max_length=200)
    budget_yuan: float = Field(ge=0)
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=20)
    capability_id: str | None = Field(default=None, max_length=40)


class DecisionIn(BaseModel):
    to: str = Field(pattern="^(shortlisted|declined|chosen|withdrawn)$")
    note: str | None = Field(default=None, max_length=2000)


class ReportIn(BaseModel):
    on: dt.date | None = None
    text: str | None = Field(default=None, max_length=5000, description="the report (institute) or a note (bureau)")


@router.get("/demands", summary="技术需求 (榜单): the demands you may see; filter by chain, segment, state, budget, words")
def list_demands(response: Response, principal: Annotated[Principal, Depends(authorize)], chain: str | None = None,
                 segment: str | None = None, state: State = None, budget_min: Annotated[float | None, Query(ge=0)] = None,
                 mine: bool = False, q: Annotated[str | None, Query(max_length=50)] = None) -> Any:
    rows = W.demands(db.get_engine(), principal, chain_id=chain, segment_code=segment, state=state, budget_min=budget_min,
                     mine=mine, text=q)
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


@router.post("/demands", summary="Post a demand (征集, a draft) as the enterprise, or as the bureau for one")
def post_demand(body: DemandIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        row = store.post_demand(db.get_engine(), principal, body.model_dump())
        return jsonable_encoder(W.demand(db.get_engine(), row["demand_id"], principal))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.get("/demands/{demand_id}", summary="A demand with its timeline, the bids you may see, milestones and your next steps")
def get_demand(demand_id: DemandId, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(W.demand(db.get_engine(), demand_id, principal))
    except NotFound as exc:
        raise refusal(exc) from exc


@router.patch("/demands/{demand_id}", summary="Edit a demand (its enterprise or the bureau, while draft or under review)")
def edit_demand(demand_id: DemandId, body: DemandEdit, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        store.edit_demand(db.get_engine(), demand_id, principal, body.model_dump(exclude_none=True, mode="json"))
        return jsonable_encoder(W.demand(db.get_engine(), demand_id, principal))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.post("/demands/{demand_id}/steps", summary="Take a workflow step (论证, 发榜, 遴选, 签约 …) with a note")
def step(demand_id: DemandId, body: StepIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(W.move(db.get_engine(), demand_id, body.to, principal, note=body.note))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.get("/demands/{demand_id}/matches", summary="The capabilities ranked for a demand, each with its evidence")
def demand_matches(demand_id: DemandId, principal: Annotated[Principal, Depends(authorize)],
                   top: Annotated[int, Query(ge=1, le=50)] = 10) -> Any:
    try:
        return jsonable_encoder(store.matches_for_demand(db.get_engine(), demand_id, principal, top))
    except NotFound as exc:
        raise refusal(exc) from exc


@router.post("/demands/{demand_id}/bids", summary="揭榜: bid on a demand (approach, team, budget, milestones)")
def bid(demand_id: DemandId, body: BidIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(W.submit_bid(db.get_engine(), demand_id, principal, approach=body.approach, team=body.team,
                                             budget_yuan=body.budget_yuan, capability_id=body.capability_id,
                                             milestones=[m.model_dump(mode="json") for m in body.milestones]))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.post("/bids/{bid_id}/decision", summary="遴选: shortlist or decline (bureau), choose (enterprise), withdraw (bidder)")
def decide(bid_id: RowId, body: DecisionIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(W.decide_bid(db.get_engine(), bid_id, body.to, principal, body.note))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.post("/milestones/{milestone_id}/report", summary="实施: the chosen institute reports a milestone done")
def report(milestone_id: RowId, body: ReportIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(W.report_milestone(db.get_engine(), milestone_id, principal, report=body.text or "",
                                                   on=body.on or dt.date.today()))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.post("/milestones/{milestone_id}/accept", summary="验收: the bureau accepts a milestone; the fund pays its amount")
def accept(milestone_id: RowId, body: ReportIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(W.accept_milestone(db.get_engine(), milestone_id, principal, on=body.on or dt.date.today(),
                                                   note=body.text))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.get("/capabilities", summary="技术成果: active capabilities; filter by chain, organisation, words")
def list_capabilities(response: Response, chain: str | None = None, uscc: str | None = None,
                      q: Annotated[str | None, Query(max_length=50)] = None) -> Any:
    rows = store.capabilities(db.get_engine(), chain_id=chain, uscc=uscc, text=q)
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


@router.post("/capabilities", summary="Post a capability as the institute, or as the bureau for one")
def post_capability(body: CapabilityIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(store.post_capability(db.get_engine(), principal, body.model_dump()))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.get("/capabilities/{capability_id}", summary="A capability")
def get_capability(capability_id: CapabilityId) -> Any:
    try:
        return jsonable_encoder(store.capability(db.get_engine(), capability_id))
    except NotFound as exc:
        raise refusal(exc) from exc


class CapabilityEdit(BaseModel):
    title: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=5000)
    team: str | None = Field(default=None, max_length=200)
    keywords: str | None = Field(default=None, max_length=500)
    patents: str | None = Field(default=None, max_length=500)
    trl: int | None = Field(default=None, ge=1, le=9)
    contact: str | None = Field(default=None, max_length=200)
    segment_code: str | None = Field(default=None, max_length=64)


@router.patch("/capabilities/{capability_id}", summary="Edit a capability (its organisation or the bureau)")
def edit_capability(capability_id: CapabilityId, body: CapabilityEdit,
                    principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(store.edit_capability(db.get_engine(), capability_id, principal,
                                                      body.model_dump(exclude_none=True)))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.post("/capabilities/{capability_id}/withdraw", summary="Withdraw a capability (its organisation or the bureau)")
def withdraw_capability(capability_id: CapabilityId, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(store.withdraw_capability(db.get_engine(), capability_id, principal))
    except (NotFound, Refused) as exc:
        raise refusal(exc) from exc


@router.get("/capabilities/{capability_id}/matches", summary="The demands you may see ranked for a capability")
def capability_matches(capability_id: CapabilityId, principal: Annotated[Principal, Depends(authorize)],
                       top: Annotated[int, Query(ge=1, le=50)] = 10) -> Any:
    try:
        return jsonable_encoder(store.matches_for_capability(db.get_engine(), capability_id, principal, top))
    except NotFound as exc:
        raise refusal(exc) from exc


@router.get("/pipeline", summary="The bureau's pipeline: demands per state, overdue milestones, the guiding fund's year")
def pipeline(principal: Annotated[Principal, Depends(authorize)]) -> Any:
    return jsonable_encoder(W.pipeline(db.get_engine(), principal))


@router.get("/fund", summary="The guiding fund (专项引导基金): budget, paid and remaining of a year, with its payments")
def fund(year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> Any:
    return jsonable_encoder(ledger(db.get_engine(), year or dt.date.today().year))


@router.get("/notices", summary="Your organisation's inbox: demands published that match your capabilities")
def notices(principal: Annotated[Principal, Depends(authorize)], unread: bool = False) -> Any:
    return jsonable_encoder(W.notices(db.get_engine(), principal, unread=unread))


@router.get("/internships/students", summary="Students' internship months (化名编号), those short of 6 months first")
def interns(response: Response, school: str | None = None, major: str | None = None) -> Any:
    rows = I.students(db.get_engine(), school=school, major=major)
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


@router.get("/internships/hosts", summary="Host enterprises: interns, mentors, interns who completed 6 months")
def hosts(response: Response) -> Any:
    rows = I.by_host(db.get_engine())
    count_rows(response, len(rows))
    return jsonable_encoder(rows)
