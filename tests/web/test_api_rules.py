"""Tiers and policies through the API on the demo city: JSON twins, the pre-filled application, an enterprise's
own view, and the department confirmation over HTTP."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.governance.principals import add_user, issue_token
from chainatlas.web.app import create_app


def test_tiers_and_policies_over_http(demo_engine: Engine, admin_token: str) -> None:
    client = TestClient(create_app())
    auth = {"Authorization": f"Bearer {admin_token}"}
    on = "2026-06-30"
    summary = client.get(f"/api/v1/tiers?date={on}", headers=auth).json()
    assert {r["tier"] for r in summary} == {"innovative", "specialised", "little_giant", "chain_leader"}
    assert {r["rule_set"] for r in summary if r["tier"] == "specialised"} == {"specialised_2026"}
    page_twin = client.get(f"/tiers?date={on}&format=json", headers=auth).json()
    counts = client.get(f"/api/v1/tiers/counts?by=district&date={on}", headers=auth).json()
    met = sum(r["met"] for r in counts if r["tier"] == "innovative")
    assert met == sum(1 for r in summary if r["tier"] == "innovative" and r["status"] == "met") > 0
    assert page_twin["date"] == on and page_twin["pool"] == [
        {k: v for k, v in r.items() if k != "chains"} for r in sorted(
            (r for r in client.get(f"/api/v1/tiers/pools?date={on}", headers=auth).json() if r["tier"] == "specialised"),
            key=lambda r: (r["short"], r["uscc"]))]

    mine = client.get(f"/api/v1/enterprises/{summary[0]['uscc']}/policies?date={on}", headers=auth).json()
    assert {p["policy"] for p in mine["policies"]} == {"compute_voucher", "model_voucher", "digital_lightweight", "srdi_credit", "internship"}
    # a firm on the fast track of the compute voucher: its pre-filled application names what is missing
    scr = client.post(f"/api/v1/policies/compute_voucher/screenings?date={on}", headers=auth)
    assert scr.status_code == 201, scr.text
    sid = scr.json()["id"]
    fast = client.get(f"/api/v1/screenings/{sid}/candidates?list=fast_track", headers=auth).json()
    assert fast and all(c["missing"] for c in fast)
    from chainatlas.rules.inputs import PROFILE_NAMES

    firm = next(c for c in fast if all(m in PROFILE_NAMES for m in c["missing"]))
    app = client.get(f"/api/v1/enterprises/{firm['uscc']}/policies/compute_voucher/application?date={on}", headers=auth).json()
    assert app["missing"] == firm["missing"]
    xlsx = client.get(f"/enterprises/{firm['uscc']}/policies/compute_voucher/application.xlsx", headers=auth)
    assert xlsx.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert ws is not None
    headers = [c.value for c in ws[1]]
    assert headers[0] == "统一社会信用代码" and ws.cell(row=3, column=1).value == firm["uscc"]
    missing_col = headers.index({"compute_spend_yuan": "算力采购金额（元）", "credit_ok": "信用良好"}.get(firm["missing"][0], headers[1])) + 1
    assert ws.cell(row=3, column=missing_col).value is None

    # the issuing department confirms over HTTP; another department may not
    industry = add_user(demo_engine, "ind-api", "department", department="industry")
    tax = add_user(demo_engine, "tax-api", "department", department="tax")
    h_ind = {"Authorization": f"Bearer {issue_token(demo_engine, industry.name)}"}
    h_tax = {"Authorization": f"Bearer {issue_token(demo_engine, tax.name)}"}
    cand = client.get(f"/api/v1/screenings/{sid}/candidates?list=candidate", headers=auth).json()[0]
    refused = client.post(f"/api/v1/candidates/{cand['id']}/decision", json={"decision": "approved"}, headers=h_tax)
    assert refused.status_code == 403
    ok = client.post(f"/api/v1/candidates/{cand['id']}/decision", json={"decision": "approved", "note": "ok"}, headers=h_ind)
    assert ok.status_code == 200, ok.text
    book = client.get("/api/v1/policies/compute_voucher/ledger", headers=auth).json()
    assert book["used_yuan"] == cand["amount_yuan"] and book["grants"][-1]["uscc"] == cand["uscc"]
    sandbox = client.get("/api/v1/policies/compute_voucher/sandbox?set=compute_voucher.rate=0.15&date=2026-06-30", headers=auth).json()
    assert sandbox["after"]["qualified"] == sandbox["before"]["qualified"]
    assert sandbox["after"]["budget_needed_yuan"] < sandbox["before"]["budget_needed_yuan"]
    assert client.get("/api/v1/policies/compute_voucher/sandbox?set=rate", headers=auth).status_code == 422


def test_cli_policies_and_tier_workbook(demo_engine: Engine, tmp_path: object) -> None:
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from chainatlas.cli import app as cli

    runner = CliRunner()
    listed = runner.invoke(cli, ["policies", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert {p["id"] for p in json.loads(listed.output)} >= {"compute_voucher", "internship"}
    screened = runner.invoke(cli, ["policies", "screen", "internship", "--date", "2026-06-30", "--format", "json"])
    assert screened.exit_code == 0, screened.output
    lists = json.loads(screened.output)
    assert lists["candidate"] and all(c["amount_yuan"] > 0 and not c["missing"] for c in lists["candidate"])
    assert all(c["missing"] for c in lists["fast_track"])
    assert runner.invoke(cli, ["policies", "screen", "no_such_policy"]).exit_code != 0
    out = Path(str(tmp_path)) / "tiers.xlsx"
    res = runner.invoke(cli, ["tiers", "evaluate", "--date", "2026-06-30", "--format", "xlsx", "--output", str(out)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out, read_only=True)
    assert {"tiers", "criteria"} <= set(wb.sheetnames)
    bad = runner.invoke(cli, ["tiers", "evaluate", "--date", "2026-13-01"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
