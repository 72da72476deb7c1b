"""Workbench pages of 企业出题、院所解题: the published list (榜单) with filters, a demand's page (matches, bids, the
steps the viewer may take, milestones), capabilities, the bureau's pipeline, "my demands / my bids / inbox" of an
organisation, and internships (产教融合). JSON twins and CSV/XLSX exports; forms post back and redirect."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainatlas import db
from chainatlas.collab import internships as I
from chainatlas.collab import store
from chainatlas.collab import workflow as W
from chainatlas.collab.access import acts_for, is_bureau
from chainatlas.collab.fund import fund as fund_declaration
from chainatlas.messages import InvalidInput, NotFound, Refused
from chainatlas.registry import queries
from chainatlas.rules.ledger import granted_in_year
from chainatlas.web.auth import Principal, authorize
from chainatlas.web.errors import refusal, refused
from chainatlas.web.forms import form_date, form_number
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)
DemandId = Annotated[str, Path(max_length=40)]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
LIST = ("demand_id", "title", "uscc", "chain_id", "segment_code", "budget_min_yuan", "budget_max_yuan", "deadline",
        "visibility", "state", "bid_count", "updated_at")
Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=200)]


def segment_groups() -> list[dict[str, Any]]:
    """Every chain's segment codes, for the segment picker."""
    from chainatlas.chains.templates import load_chains

    return [{"chain": c.id, "segments": [c.full_code(s.code) for s in c.segments]} for c in load_chains()]


@router.get("/collab", response_class=HTMLResponse)
def list_page(request: Request, principal: Annotated[Principal, Depends(authorize)], chain: str = "", segment: str = "",
              state: str = "", budget_min: str = "", q: str = "") -> Response:
    engine = db.get_engine()
    if state and state not in W.STATES:
        raise refused(422, "未知状态", "unknown state")
    rows = W.demands(engine, principal, chain_id=chain or None, segment_code=segment or None, state=state or None,
                     budget_min=form_number(budget_min, "budget_min"), text=q[:50] or None)
    listed = [{k: r[k] for k in LIST} for r in rows]
    download = table_download(request, {"demands": listed}, "collab-demands")
    return download or render(request, "collab.html", {
        "demands": listed, "total": len(listed), "chains": queries.list_chains(engine), "states": list(W.STATES),
        "filters": {"chain": chain, "segment": segment, "state": state, "budget_min": budget_min, "q": q},
        "can_post": principal.role.value == "enterprise" or is_bureau(principal), "segment_groups": segment_groups()})


@router.get("/collab/demands/{demand_id}", response_class=HTMLResponse)
def demand_page(request: Request, demand_id: DemandId, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    engine = db.get_engine()
    try:
        d = W.demand(engine, demand_id, principal)
        matches = store.matches_for_demand(engine, demand_id, principal, top=10)
    except NotFound as exc:
        raise refusal(exc) from exc
    rows = [{"rank": i, "capability_id": m["capability_id"], "title": m["title"], "org_name": m["org_name"],
             "score": m["score"], "shared_terms": "、".join(m["why"]["shared_terms"]),
             "expanded_terms": "、".join(m["why"]["expanded_terms"]), "dense": m["why"].get("dense")}
            for i, m in enumerate(matches["matches"], 1)]
    bids = [{k: b[k] for k in ("id", "uscc", "team", "budget_yuan", "state", "created_at")} for b in d["bids"]]
    download = table_download(request, {"matches": rows, "bids": bids, "milestones": d["milestones"],
                                        "events": d["events"]}, f"collab-{demand_id}")
    mine = principal.enterprise_uscc
    return download or render(request, "collab_demand.html", {
        **d, "matches": matches["matches"], "match_mode": matches["mode"], "today": dt.date.today().isoformat(),
        "may_bid": d["open_for_bids"] and principal.role.value == "enterprise" and mine != d["uscc"]
        and not any(b["uscc"] == mine and b["state"] != "withdrawn" for b in d["bids"]),
        "my_uscc": mine or "",
        "may_edit": d["state"] in ("draft", "review") and bool(set(d["acting_as"]) & {"owner", "bureau"})})


@router.post("/collab/demands")
def post_demand_form(principal: Annotated[Principal, Depends(authorize)], title: Short, text: Text,
                     segment_code: Annotated[str, Form(max_length=64)] = "", budget_min_yuan: Annotated[str, Form(max_length=30)] = "",
                     budget_max_yuan: Annotated[str, Form(max_length=30)] = "", deadline: Annotated[str, Form(max_length=10)] = "",
                     visibility: Annotated[str, Form(max_length=12)] = "public", invited: Annotated[str, Form(max_length=2000)] = "",
                     uscc: Annotated[str, Form(max_length=18)] = "") -> Response:
    try:
        row = store.post_demand(db.get_engine(), principal, {
            "title": title, "text": text, "segment_code": segment_code or None, "budget_min_yuan": form_number(budget_min_yuan, "budget_min_yuan"),
            "budget_max_yuan": form_number(budget_max_yuan, "budget_max_yuan"), "deadline": deadline or None,
            "visibility": visibility or "public", "invited": invited or None, "uscc": uscc or None})
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/collab/demands/{row['demand_id']}", status_code=303)


@router.post("/collab/demands/{demand_id}/edit")
def edit_form(demand_id: DemandId, principal: Annotated[Principal, Depends(authorize)], title: Short, text: Text,
              budget_min_yuan: Annotated[str, Form(max_length=30)] = "", budget_max_yuan: Annotated[str, Form(max_length=30)] = "",
              deadline: Annotated[str, Form(max_length=10)] = "", visibility: Annotated[str, Form(max_length=12)] = "public",
              invited: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        store.edit_demand(db.get_engine(), demand_id, principal, {
            "title": title, "text": text, "budget_min_yuan": form_number(budget_min_yuan, "budget_min_yuan"),
            "budget_max_yuan": form_number(budget_max_yuan, "budget_max_yuan"), "deadline": deadline or None,
            "visibility": visibility, "invited": invited})
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/collab/demands/{demand_id}", status_code=303)


@router.post("/collab/demands/{demand_id}/steps")
def step_form(demand_id: DemandId, principal: Annotated[Principal, Depends(authorize)],
              to: Annotated[str, Form(max_length=16)], note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        W.move(db.get_engine(), demand_id, to, principal, note=note or None)
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/collab/demands/{demand_id}", status_code=303)


@router.post("/collab/demands/{demand_id}/bids")
def bid_form(demand_id: DemandId, principal: Annotated[Principal, Depends(authorize)], approach: Text, team: Short,
             budget_yuan: Annotated[str, Form(max_length=30)], milestones: Annotated[str, Form(max_length=4000)]) -> Response:
    """Milestones as lines ``名称, YYYY-MM-DD, 金额``."""
    ms: list[dict[str, Any]] = []
    for i, line in enumerate(x for x in milestones.splitlines() if x.strip()):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if len(parts) < 2:
            raise refused(422, f"第{i + 1}行里程碑应为“名称, 日期, 金额”", f"milestone line {i + 1}: title, date, amount")
        ms.append({"title": parts[0], "due_on": parts[1], "amount_yuan": parts[2] if len(parts) > 2 else 0})
    try:
        W.submit_bid(db.get_engine(), demand_id, principal, approach=approach, team=team,
                     budget_yuan=form_number(budget_yuan, "budget_yuan") or 0.0, milestones=ms)
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/collab/demands/{demand_id}", status_code=303)


@router.post("/collab/bids/{bid_id}/decision")
def decision_form(bid_id: RowId, principal: Annotated[Principal, Depends(authorize)],
                  to: Annotated[str, Form(max_length=12)], note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        b = W.decide_bid(db.get_engine(), bid_id, to, principal, note or None)
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/collab/demands/{b['demand_id']}", status_code=303)


@router.post("/collab/milestones/{milestone_id}/{action}")
def milestone_form(milestone_id: RowId, action: Annotated[str, Path(pattern="^(report|accept)$")],
                   principal: Annotated[Principal, Depends(authorize)], text: Annotated[str, Form(max_length=5000)] = "",
                   on: Annotated[str, Form(max_length=10)] = "") -> Response:
    when = form_date(on, "on") or dt.date.today()
    try:
        d = (W.report_milestone(db.get_engine(), milestone_id, principal, report=text, on=when) if action == "report"
             else W.accept_milestone(db.get_engine(), milestone_id, principal, on=when, note=text or None))
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/collab/demands/{d['demand_id']}", status_code=303)


@router.get("/collab/capabilities", response_class=HTMLResponse)
def capabilities_page(request: Request, chain: str = "", q: str = "") -> Response:
    engine = db.get_engine()
    rows = store.capabilities(engine, chain_id=chain or None, text=q[:50] or None)
    cols = ("capability_id", "title", "org_name", "team", "keywords", "trl", "chain_id", "segment_code", "patents")
    listed = [{k: r[k] for k in cols} for r in rows]
    download = table_download(request, {"capabilities": listed}, "collab-capabilities")
    return download or render(request, "collab_capabilities.html", {
        "capabilities": listed, "total": len(listed), "chains": queries.list_chains(engine),
        "filters": {"chain": chain, "q": q}})


@router.get("/collab/capabilities/{capability_id}", response_class=HTMLResponse)
def capability_page(request: Request, capability_id: Annotated[str, Path(max_length=40)],
                    principal: Annotated[Principal, Depends(authorize)]) -> Response:
    engine = db.get_engine()
    try:
        cap = store.capability(engine, capability_id)
        matches = store.matches_for_capability(engine, capability_id, principal, top=10)
    except NotFound as exc:
        raise refusal(exc) from exc
    rows = [{"rank": i, "demand_id": m["demand_id"], "title": m["title"], "state": m["state"], "score": m["score"],
             "shared_terms": "、".join(m["why"]["shared_terms"])} for i, m in enumerate(matches["matches"], 1)]
    download = table_download(request, {"matches": rows}, f"collab-{capability_id}")
    may_edit = cap["state"] == "active" and (is_bureau(principal) or acts_for(principal, cap["uscc"]))
    return download or render(request, "collab_capability.html", {**cap, "matches": matches["matches"],
                                                                    "match_mode": matches["mode"], "may_edit": may_edit})


@router.post("/collab/capabilities/{capability_id}/edit")
def capability_edit_form(capability_id: Annotated[str, Path(max_length=40)], principal: Annotated[Principal, Depends(authorize)],
                         title: Short, text: Text, keywords: Annotated[str, Form(max_length=500)] = "",
                         trl: Annotated[str, Form(max_length=2)] = "", contact: Annotated[str, Form(max_length=200)] = "") -> Response:
    level = form_number(trl, "trl")
    try:
        store.edit_capability(db.get_engine(), capability_id, principal, {
            "title": title, "text": text, "keywords": keywords or None, "contact": contact or None,
            "trl": int(level) if level is not None else None})
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/collab/capabilities/{capability_id}", status_code=303)


@router.get("/collab/pipeline", response_class=HTMLResponse)
def pipeline_page(request: Request, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    data = W.pipeline(db.get_engine(), principal)
    download = table_download(request, {"states": data["states"], "overdue_milestones": data["overdue_milestones"],
                                        "payments": data["fund"]["payments"]}, "collab-pipeline")
    return download or render(request, "collab_pipeline.html", {**data, "fund_label": fund_declaration()["label"]})


@router.get("/collab/mine", response_class=HTMLResponse)
def mine_page(request: Request, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    engine = db.get_engine()
    mine = W.demands(engine, principal, mine=True)
    bids = W.my_bids(engine, principal)
    inbox = W.notices(engine, principal)
    download = table_download(request, {"demands": [{k: r[k] for k in LIST} for r in mine], "bids": bids,
                                        "notices": inbox}, "collab-mine")
    return download or render(request, "collab_mine.html", {"demands": mine, "bids": bids, "notices": inbox,
                                                              "uscc": principal.enterprise_uscc})


@router.get("/collab/internships", response_class=HTMLResponse)
def internships_page(request: Request, school: str = "", major: str = "") -> Response:
    engine = db.get_engine()
    everyone = I.students(engine)
    students = [s for s in everyone if (not school or s["school"] == school) and (not major or s["major"] == major)]
    schools = I.by_school(everyone)
    hosts = I.by_host(engine)
    year = dt.date.today().year  # the internship subsidy's ledger: what each host was granted this budget year
    granted = dict(granted_in_year(engine, "internship", year).iter_rows())
    for h in hosts:
        h["subsidy_granted_yuan"] = granted.get(h["host_uscc"], 0.0)
    download = table_download(request, {"students": students, "schools": schools, "hosts": hosts}, "internships")
    return download or render(request, "collab_internships.html", {
        "students": students[:100], "short": sum(not s["reached"] for s in students), "total": len(students),
        "schools": schools, "hosts": hosts[:100], "required_months": I.REQUIRED_MONTHS,
        "filters": {"school": school, "major": major}})
