"""REST API v1 for enterprise tiers (梯度培育) and policies without application (免申即享): evaluations, the tier
card, cultivation pools, policy screening, department confirmation, the ledger, the sandbox and "my policies"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from chainatlas import db
from chainatlas.messages import NotFound
from chainatlas.rules import ledger, service, tiers
from chainatlas.rules import policies as P
from chainatlas.rules.inputs import read_inputs
from chainatlas.rules.model import RuleError
from chainatlas.web.auth import Principal, authorize, count_rows
from chainatlas.web.errors import refusal, refused

router = APIRouter(prefix="/api/v1", tags=["rules"])
DateQ = Annotated[dt.date | None, Query(description="Evaluation date (default today): picks the rule sets and the data as of it")]
USCC = Annotated[str, Path(max_length=24)]
POLICY = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9_]+$")]


def _on(date: dt.date | None) -> dt.date:
    return date or dt.date.today()


def policy_or_404(policy_id: str) -> P.Policy:
    try:
        return service.policy(policy_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None


def _found(compute: Callable[[], Any]) -> Any:
    """The library's answer, a 404 for a firm or policy it does not know."""
    try:
        return compute()
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/tiers", summary="Per local enterprise and tier: status (met / unmet / unknown), score, shortfall")
def list_tiers(response: Response, date: DateQ = None, tier: Annotated[str | None, Query(max_length=20)] = None,
               status: Annotated[str | None, Query(pattern="^(met|unmet|unknown)$")] = None) -> Any:
    summary = tiers.city_summary(db.get_engine(), _on(date))
    if tier:
        summary = summary.filter(pl.col("tier") == tier)
    if status:
        summary = summary.filter(pl.col("status") == status)
    count_rows(response, summary.height)
    return jsonable_encoder(summary.to_dicts())


@router.get("/tiers/counts", summary="Counts per chain or district and tier: met, held, unknown, in the cultivation pool")
def tier_counts(by: Annotated[str, Query(pattern="^(chains|district)$")] = "chains", date: DateQ = None) -> Any:
    summary = tiers.city_summary(db.get_engine(), _on(date))
    return jsonable_encoder(tiers.status_counts(summary, by).to_dicts())


@router.get("/tiers/pools", summary="Cultivation pools (培育库): firms within 1–2 unmet criteria of a tier")
def tier_pools(response: Response, date: DateQ = None, max_short: Annotated[int, Query(ge=1, le=5)] = 2) -> Any:
    summary = tiers.city_summary(db.get_engine(), _on(date))
    rows = tiers.pools(summary, max_short).to_dicts()
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


def firm_inputs(uscc: str, on: dt.date) -> pl.DataFrame:
    """One local enterprise's rule inputs (one row), or 404."""
    return _found(lambda: service.firm_inputs(db.get_engine(), uscc, on))  # type: ignore[no-any-return]


def tier_card_of(uscc: str, on: dt.date) -> dict[str, Any]:
    """The tier card with the source and as-of date of every value (the page and its JSON twin), or 404."""
    return _found(lambda: service.tier_card(db.get_engine(), uscc, on))  # type: ignore[no-any-return]


@router.get("/tiers/{uscc}", summary="An enterprise's tier card: status per tier and what is missing for the next (差什么)")
def tier_card(uscc: USCC, date: DateQ = None) -> Any:
    return jsonable_encoder(tier_card_of(uscc, _on(date)))


@router.get("/policies", summary="The policies, with validity, department and budget")
def list_policies(date: DateQ = None) -> Any:
    return jsonable_encoder(service.policy_rows(db.get_engine(), _on(date)))


@router.get("/policies/{policy_id}", summary="One policy: its criteria, benefit formula and parameters, and the budget used")
def policy_detail(policy_id: POLICY, date: DateQ = None) -> Any:
    on = _on(date)
    p = policy_or_404(policy_id)
    return jsonable_encoder({**service.policy_row(db.get_engine(), p, on), "eligibility": p.rule_set.raw.get("eligibility"),
                             "benefit": p.rule_set.raw.get("benefit")})


@router.post("/policies/{policy_id}/screenings", status_code=201,
             summary="Screen all local enterprises and store the candidate and 快申快享 lists for confirmation")
def screen(policy_id: POLICY, principal: Annotated[Principal, Depends(authorize)], date: DateQ = None) -> Any:
    policy_or_404(policy_id)
    try:
        return jsonable_encoder(ledger.screen(db.get_engine(), policy_id, _on(date), principal.name))
    except RuleError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.get("/policies/{policy_id}/screenings", summary="Screenings of a policy, newest first")
def list_screenings(policy_id: POLICY) -> Any:
    policy_or_404(policy_id)
    return jsonable_encoder(ledger.screenings(db.get_engine(), policy_id))


@router.get("/screenings/{screening_id}/candidates", summary="A screening's firms: candidates (免申即享) and fast track (快申快享)")
def screening_candidates(response: Response, screening_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                         list_: Annotated[str | None, Query(alias="list", pattern="^(candidate|fast_track)$")] = None,
                         decision: Annotated[str | None, Query(pattern="^(pending|approved|rejected)$")] = None) -> Any:
    if ledger.screening(db.get_engine(), screening_id) is None:
        raise refused(404, f"没有筛查 {screening_id}", f"no screening {screening_id}")
    rows = ledger.candidates(db.get_engine(), screening_id=screening_id, which=list_, decision=decision)
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


class DecisionIn(BaseModel):
    decision: str = Field(pattern="^(approved|rejected)$")
    note: str = Field(default="", max_length=2000)


@router.post("/candidates/{candidate_id}/decision", summary="Approve or reject a candidate (the issuing department)")
def decide(candidate_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: DecisionIn,
           principal: Annotated[Principal, Depends(authorize)]) -> Any:
    try:
        return jsonable_encoder(ledger.decide(db.get_engine(), candidate_id, body.decision, principal, body.note))
    except ledger.WorkflowError as exc:
        raise refusal(exc) from exc


@router.get("/policies/{policy_id}/ledger", summary="Grants of a policy and its budget: used and remaining")
def policy_ledger(response: Response, policy_id: POLICY, date: DateQ = None) -> Any:
    policy_or_404(policy_id)
    book = ledger.ledger(db.get_engine(), policy_id, _on(date))
    count_rows(response, len(book["grants"]))
    return jsonable_encoder(book)


def parse_overrides(values: list[str]) -> dict[str, float]:
    """``name=value`` pairs (a parameter, a criterion id, budget_yuan, rate, per_unit, cap_per_firm_year)."""
    out = {}
    for v in values:
        name, _, num = v.partition("=")
        try:
            out[name.strip()] = float(num)
        except ValueError:
            raise refused(422, "set 应为 名称=数值", f"set must be name=number: {v}") from None
    return out


@router.get("/policies/{policy_id}/sandbox", summary="Sandbox: firms qualifying and budget needed before and after a change")
def sandbox(policy_id: POLICY, date: DateQ = None,
            set_: Annotated[list[str], Query(alias="set", max_length=10, description="name=value, e.g. intern.per_intern=3000")] = []) -> Any:  # noqa: B006
    on = _on(date)
    p = policy_or_404(policy_id)
    try:
        return jsonable_encoder(P.sandbox(p, read_inputs(db.get_engine(), on), on, parse_overrides(set_)))
    except RuleError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.get("/enterprises/{uscc}/policies", summary="My policies: qualified, almost (and why), what to provide")
def my_policies(uscc: USCC, date: DateQ = None) -> Any:
    on = _on(date)
    return jsonable_encoder(enterprise_policies(uscc, on))


def enterprise_policies(uscc: str, on: dt.date) -> dict[str, Any]:
    return _found(lambda: service.enterprise_policies(db.get_engine(), uscc, on))  # type: ignore[no-any-return]


@router.get("/enterprises/{uscc}/policies/{policy_id}/application",
            summary="快申快享: the pre-filled application — the firm's known inputs for the policy and exactly what is missing")
def application_json(uscc: USCC, policy_id: POLICY, date: DateQ = None) -> Any:
    return jsonable_encoder(application(uscc, policy_id, _on(date)))


def application(uscc: str, policy_id: str, on: dt.date) -> dict[str, Any]:
    """The pre-filled application (快申快享), or 404."""
    return _found(lambda: service.application(db.get_engine(), uscc, policy_id, on))  # type: ignore[no-any-return]
