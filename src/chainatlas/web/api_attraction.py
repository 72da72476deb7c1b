"""REST API v1 for 招商跟踪 (attraction follow-up): projects opened from the target list, their timeline, the board,
and what a project would change in the atlas if it landed. For the investment-attraction officers and the chain
office (analysts); enterprises never see it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.attraction import projects as P
from chainatlas.attraction.landing import for_project
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.settings import home_of
from chainatlas.web.auth import Principal, authorize, count_rows, has_rows
from chainatlas.web.errors import refusal

router = APIRouter(prefix="/api/v1/attraction", tags=["attraction"])
ProjectId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Stage = Annotated[str | None, Query(pattern="^(" + "|".join(P.STAGES) + ")$")]


class ProjectIn(BaseModel):
    chain_id: str = Field(max_length=32)
    target_name: str = Field(max_length=200)
    target_uscc: str | None = Field(default=None, max_length=18)
    segment_code: str | None = Field(default=None, max_length=64)
    officer: str | None = Field(default=None, max_length=100, description="default: the caller")
    expected_investment_yuan: float | None = Field(default=None, ge=0)
    expected_jobs: int | None = Field(default=None, ge=0)
    landing_region: str | None = Field(default=None, pattern=r"^\d{6}$")
    next_action_on: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)
    source: dict[str, Any] | None = None


class EventIn(BaseModel):
    on: dt.date | None = Field(default=None, description="the day it happened (default: today)")
    stage_to: str | None = Field(default=None, pattern="^(" + "|".join(P.STAGES) + ")$")
    note: str | None = Field(default=None, max_length=2000)
    attachments: list[str] = Field(default_factory=list, max_length=20)
    next_action_on: dt.date | None = None
    officer: str | None = Field(default=None, max_length=100)
    expected_investment_yuan: float | None = Field(default=None, ge=0)
    expected_jobs: int | None = Field(default=None, ge=0)
    landing_region: str | None = Field(default=None, pattern=r"^\d{6}$")


def with_landing(request: Request, project: dict[str, Any]) -> dict[str, Any]:
    """The project with its "if landed" row, values of single firms only for those who may read supply links."""
    return for_project(db.get_engine(), project, home=home_of(), rows_ok=has_rows(request, "supply_links"))


@router.get("/projects", summary="Projects (招商项目), newest first; filter by chain, officer, stage or overdue")
def list_projects(response: Response, chain: str | None = None, officer: str | None = None, stage: Stage = None,
                  overdue: bool = False) -> Any:
    rows = P.projects(db.get_engine(), chain_id=chain, officer=officer, stage=stage, overdue=overdue)
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


@router.post("/projects", summary="Open a project (线索) for a target, assigned to an officer (default: the caller)")
def open_project(body: ProjectIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(P.open_project(db.get_engine(), **body.model_dump(exclude={"officer"}),
                                               officer=body.officer or principal.name, actor=principal.name))
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from exc


@router.get("/projects/{project_id}", summary="A project with its timeline and its effect on the atlas if it landed")
def get_project(request: Request, project_id: ProjectId) -> Any:
    try:
        return jsonable_encoder(with_landing(request, P.project(db.get_engine(), project_id)))
    except NotFound as exc:
        raise refusal(exc) from exc


@router.post("/projects/{project_id}/events", summary="Record progress: a stage change and/or a dated note with documents")
def add_event(project_id: ProjectId, body: EventIn, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    fields = body.model_dump(exclude={"on"})
    try:
        return jsonable_encoder(P.record(db.get_engine(), project_id, actor=principal.name, on=body.on or dt.date.today(),
                                         **fields))
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from exc


@router.get("/board", summary="The pipeline board: projects per stage, per officer and per chain; the overdue ones")
def board(chain: str | None = None, officer: str | None = None) -> Any:
    return jsonable_encoder(P.board(db.get_engine(), chain_id=chain, officer=officer))
