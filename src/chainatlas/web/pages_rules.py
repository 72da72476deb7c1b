"""Workbench pages for tiers (梯度培育) and policies (免申即享): counts by chain and district with the cultivation
pools, an enterprise's tier card (差什么), the policy list, one policy's screening / confirmation / ledger /
sandbox, and an enterprise's "my policies". JSON twins (``?format=json``) and CSV/XLSX exports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import polars as pl
from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainatlas import db
from chainatlas.rules import ledger, service, tiers
from chainatlas.rules import policies as P
from chainatlas.rules.engine import threshold
from chainatlas.rules.inputs import INPUTS, read_inputs
from chainatlas.rules.model import Criterion, RuleError, resolve
from chainatlas.web.api_rules import (
    enterprise_policies,
    parse_overrides,
    policy_or_404,
    tier_card_of,
)
from chainatlas.web.auth import Principal, authorize
from chainatlas.web.errors import refusal, refused
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)


def walk_depth(c: Criterion, depth: int = 0) -> list[tuple[Criterion, int]]:
    """The criteria top-down with their depth (for an indented list)."""
    return [(c, depth), *[x for k in c.children for x in walk_depth(k, depth + 1)]]


def benefit_text(p: P.Policy, on: dt.date) -> str:
    """The benefit formula with the parameter values in force on ``on``."""
    b = p.benefit
    cap = resolve(b.cap_per_firm_year, on)
    if b.base:
        text = f"{INPUTS[b.base].zh} × {float(resolve(b.rate, on)):g}"
    elif b.count:
        text = f"{INPUTS[b.count].zh} × {float(resolve(b.per_unit, on)):,.0f} 元"
    else:
        text = f"{float(resolve(b.fixed, on)):,.0f} 元 × {float(resolve(b.rate, on)):g}"
    return text + (f"，单户年度上限 {float(cap):,.0f} 元" if cap is not None else "")


def _date(request: Request) -> dt.date:
    raw = request.query_params.get("date")
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise refused(422, "date 应为 YYYY-MM-DD", "date must be YYYY-MM-DD") from None


def input_labels() -> dict[str, str]:
    return {k: v.zh for k, v in INPUTS.items()}


@router.get("/tiers", response_class=HTMLResponse)
def tiers_page(request: Request) -> Response:
    on = _date(request)
    summary = tiers.city_summary(db.get_engine(), on)
    by_chain = tiers.status_counts(summary, "chains").to_dicts()
    by_district = tiers.status_counts(summary, "district").to_dicts()
    tier = request.query_params.get("tier", "specialised")
    pool = tiers.pools(summary).filter(pl.col("tier") == tier).sort("short", "uscc").drop("chains").to_dicts()
    totals = summary.group_by("tier").agg((pl.col("status") == "met").sum().alias("met"), pl.col("held").sum().alias("held"),
                                          (pl.col("status") == "unknown").sum().alias("unknown")).to_dicts()
    rule_sets = {t: {"id": rs.id, "label": rs.label_zh, "reference": rs.reference, "example": rs.example}
                 for t, rs in tiers.sets_on(on).items()}
    download = table_download(request, {"pool": pool, "by_chain": by_chain, "by_district": by_district,
                                        "all": summary.drop("chains").to_dicts()}, f"tiers-{on}")
    if download:
        return download
    return render(request, "tiers.html", {"date": on.isoformat(), "tier": tier, "tiers": tiers.TIERS, "totals": totals,
                                          "rule_sets": rule_sets, "by_chain": by_chain, "by_district": by_district, "pool": pool})


@router.get("/tiers/{uscc}", response_class=HTMLResponse)
def tier_card_page(request: Request, uscc: Annotated[str, Path(max_length=24)]) -> Response:
    card = tier_card_of(uscc, _date(request))
    if request.query_params.get("format") in ("csv", "xlsx"):
        rows = [{"tier": t["tier"], **{k: c.get(k) for k in ("depth", "id", "status", "input", "value", "threshold", "gap",
                                                               "points", "reference")}, "label": c["label"]["zh"]}
                for t in card["tiers"] for c in tiers.flatten(t["tree"])]
        return table_download(request, {"criteria": rows}, f"tier-card-{uscc}") or Response(status_code=422)
    return render(request, "tier_card.html", {**card, "inputs": input_labels()})


@router.get("/policies", response_class=HTMLResponse)
def policies_page(request: Request) -> Response:
    on = _date(request)
    engine = db.get_engine()
    rows = service.policy_rows(engine, on)
    download = table_download(request, {"policies": [{**r, "label": r["label"]["zh"]} for r in rows]}, "policies")
    return download or render(request, "policies.html", {"date": on.isoformat(), "policies": rows})


@router.get("/policies/{policy_id}", response_class=HTMLResponse)
def policy_page(request: Request, policy_id: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9_]+$")]) -> Response:
    on = _date(request)
    engine = db.get_engine()
    p = policy_or_404(policy_id)
    runs = ledger.screenings(engine, policy_id)
    sid = request.query_params.get("screening")
    current = next((r for r in runs if str(r["id"]) == sid), runs[0] if runs else None)
    items = ledger.candidates(engine, screening_id=current["id"]) if current else []
    book = ledger.ledger(engine, policy_id, on)
    sandbox = None
    overrides = request.query_params.getlist("set")
    if overrides:
        try:
            sandbox = P.sandbox(p, read_inputs(engine, on), on, parse_overrides(overrides))
        except RuleError as exc:
            raise HTTPException(422, str(exc)) from exc
    tunable = [{"name": c.id, "label": c.label_zh, "value": c.value} for c in p.rule_set.criteria() if c.op and c.kind == "leaf"]
    names = {"rate": "补贴比例 / rate", "per_unit": "每单位金额 / per unit", "cap_per_firm_year": "单户年度上限 / cap per firm-year",
             "fixed": "固定额度 / fixed amount"}
    tunable += [{"name": k, "label": names[k], "value": v} for k, v in (p.rule_set.raw.get("benefit") or {}).items() if k in names]
    tunable.append({"name": "budget_yuan", "label": "预算 / budget", "value": p.budget_yuan})
    download = table_download(request, {
        "candidates": [c for c in items if c["list"] == "candidate"], "fast_track": [c for c in items if c["list"] == "fast_track"],
        "ledger": book["grants"]}, f"policy-{policy_id}")
    if download:
        return download
    criteria = [{"depth": d, "id": c.id, "label": c.label_zh, "label_en": c.label_en, "kind": c.kind,
                 "input": c.input, "threshold": threshold(c, on), "reference": c.reference} for c, d in walk_depth(p.rule_set.rule)]
    return render(request, "policy.html", {"policy": service.policy_row(db.get_engine(), p, on), "date": on.isoformat(), "screenings": runs,
                                           "criteria": criteria, "benefit": benefit_text(p, on),
                                           "screening": current, "candidates": items, "ledger": book, "sandbox": sandbox,
                                           "tunable": tunable, "inputs": input_labels()})


@router.post("/policies/{policy_id}/screenings")
def screen_form(policy_id: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9_]+$")],
                principal: Annotated[Principal, Depends(authorize)], date: Annotated[str, Form()] = "") -> Response:
    policy_or_404(policy_id)
    try:
        on = dt.date.fromisoformat(date) if date else dt.date.today()
        s = ledger.screen(db.get_engine(), policy_id, on, principal.name)
    except (ValueError, RuleError) as exc:
        raise HTTPException(422, str(exc)) from exc
    return RedirectResponse(f"/policies/{policy_id}?screening={s['id']}&date={on}", status_code=303)


@router.post("/candidates/{candidate_id}/decision")
def decision_form(candidate_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: Annotated[Principal, Depends(authorize)],
                  decision: Annotated[str, Form()], note: Annotated[str, Form()] = "") -> Response:
    try:
        done = ledger.decide(db.get_engine(), candidate_id, decision, principal, note)
    except ledger.WorkflowError as exc:
        raise refusal(exc) from exc
    return RedirectResponse(f"/policies/{done['policy_id']}?screening={done['screening_id']}#c{candidate_id}", status_code=303)


@router.get("/enterprises/{uscc}/policies", response_class=HTMLResponse)
def my_policies_page(request: Request, uscc: Annotated[str, Path(max_length=24)]) -> Response:
    data = enterprise_policies(uscc, _date(request))
    download = table_download(request, {"policies": [{**p, "label": p["label"]["zh"]} for p in data["policies"]]}, f"policies-{uscc}")
    return download or render(request, "my_policies.html", {**data, "inputs": input_labels()})


@router.get("/enterprises/{uscc}/policies/{policy_id}/application.xlsx")
def application_xlsx(uscc: Annotated[str, Path(max_length=24)],
                     policy_id: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9_]+$")]) -> Response:
    """快申快享: the enterprise-indicator template pre-filled for this firm, with the inputs the policy still needs
    marked; filled in, it is imported like any file (an enterprise account may import its own rows)."""
    import tempfile
    from pathlib import Path as FilePath

    from chainatlas.exchange.template import write_template
    from chainatlas.web.api_rules import application

    app = application(uscc, policy_id, dt.date.today())
    cols = ["uscc", *app["missing"], *[k for k in app["prefilled"] if k not in app["missing"]], "source", "as_of"]
    row = {"uscc": uscc, "source": "企业填报", "as_of": dt.date.today(), **app["prefilled"]}
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template("enterprise_profiles", FilePath(tmp) / "a.xlsx", columns=cols, rows=[row], highlight=set(app["missing"]))
        data = path.read_bytes()
    from chainatlas.web.tabular import xlsx_response

    return xlsx_response(data, f"application-{policy_id}-{uscc}")
