"""Workbench pages of 招商跟踪: the pipeline board (per chain and officer, overdue reminders) and a project's page
(timeline, progress form, "if landed"). JSON twins and CSV/XLSX exports; forms post back and redirect."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainatlas import db
from chainatlas.attraction import projects as P
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.registry import queries
from chainatlas.web.api_attraction import with_landing
from chainatlas.web.auth import Principal, authorize
from chainatlas.web.errors import refusal
from chainatlas.web.forms import form_date, form_number
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)
EXPORT = ("id", "chain_id", "segment_code", "target_uscc", "target_name", "officer", "stage", "expected_investment_yuan",
          "expected_jobs", "landing_region", "next_action_on", "overdue", "created_at", "updated_at")


@router.get("/attraction", response_class=HTMLResponse)
def board_page(request: Request, chain: str | None = None, officer: str | None = None) -> Response:
    engine = db.get_engine()
    board = P.board(engine, chain_id=chain or None, officer=officer or None)
    rows = [{k: r[k] for k in EXPORT} for c in board["columns"] for r in c["items"]]
    overdue = [{k: r[k] for k in EXPORT} for r in board["overdue"]]
    download = table_download(request, {"projects": rows, "overdue": overdue, "by_officer": board["by_officer"],
                                        "by_chain": board["by_chain"]}, "attraction")
    return download or render(request, "attraction.html", {
        **board, "filters": {"chain": chain or "", "officer": officer or ""}, "chains": queries.list_chains(engine),
        "officers": P.officers(engine), "stages": list(P.STAGES), "today": dt.date.today()})


@router.get("/attraction/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, project_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    try:
        project = with_landing(request, P.project(db.get_engine(), project_id))
    except NotFound as exc:
        raise refusal(exc) from exc
    download = table_download(request, {"events": project["events"]}, f"attraction-{project_id}")
    nxt = [s for s in P.STAGES if P.can_move(project["stage"], s)]
    return download or render(request, "attraction_project.html", {**project, "next_stages": nxt,
                                                                     "today": dt.date.today().isoformat()})


@router.post("/attraction/projects")
def open_form(principal: Annotated[Principal, Depends(authorize)], chain_id: Annotated[str, Form(max_length=32)],
              target_name: Annotated[str, Form(max_length=200)], target_uscc: Annotated[str, Form(max_length=18)] = "",
              segment_code: Annotated[str, Form(max_length=64)] = "", officer: Annotated[str, Form(max_length=100)] = "",
              expected_investment_yuan: Annotated[str, Form(max_length=30)] = "",
              expected_jobs: Annotated[str, Form(max_length=10)] = "", next_action_on: Annotated[str, Form(max_length=10)] = "",
              rank: Annotated[str, Form(max_length=10)] = "", score: Annotated[str, Form(max_length=20)] = "",
              period: Annotated[str, Form(max_length=10)] = "", note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    jobs = form_number(expected_jobs, "expected_jobs")
    source = {"from": "targets", "rank": rank, "score": score, "period": period} if rank else None
    try:
        p = P.open_project(db.get_engine(), chain_id=chain_id, target_name=target_name, target_uscc=target_uscc or None,
                           segment_code=segment_code or None, officer=officer or principal.name, actor=principal.name,
                           expected_investment_yuan=form_number(expected_investment_yuan, "expected_investment_yuan"),
                           expected_jobs=int(jobs) if jobs is not None else None,
                           next_action_on=form_date(next_action_on, "next_action_on"), source=source, note=note or None)
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/attraction/projects/{p['id']}", status_code=303)


@router.post("/attraction/projects/{project_id}/events")
def event_form(project_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: Annotated[Principal, Depends(authorize)],
               on: Annotated[str, Form(max_length=10)] = "", stage_to: Annotated[str, Form(max_length=12)] = "",
               note: Annotated[str, Form(max_length=2000)] = "", attachments: Annotated[str, Form(max_length=2000)] = "",
               next_action_on: Annotated[str, Form(max_length=10)] = "", officer: Annotated[str, Form(max_length=100)] = "",
               landing_region: Annotated[str, Form(max_length=6)] = "") -> Response:
    try:
        P.record(db.get_engine(), project_id, actor=principal.name, on=form_date(on, "on") or dt.date.today(),
                 stage_to=stage_to or None, note=note or None,
                 attachments=[a for a in attachments.replace("；", ";").replace("\n", ";").split(";")],
                 next_action_on=form_date(next_action_on, "next_action_on"), officer=officer or None,
                 landing_region=landing_region or None)
    except (InvalidInput, NotFound) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/attraction/projects/{project_id}", status_code=303)
