"""Scenarios and the REI ranking through the API and the CLI, on the demo city."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainatlas.cli import app
from chainatlas.web.app import create_app


def _follow(client: TestClient, url: str, auth: dict[str, str]) -> dict[str, Any]:
    """The job's status through the API once the job has ended (its own completion, not a polling loop)."""
    from chainatlas import db, jobs

    jobs.wait(db.get_engine(), int(url.rsplit("/", 1)[1]))
    job: dict[str, Any] = client.get(url, headers=auth).json()
    assert job["status"] in ("done", "failed"), job
    return job


def test_scenarios_saved_rerun_compared(demo_engine: object, admin_token: str) -> None:
    client = TestClient(create_app())
    auth = {"Authorization": f"Bearer {admin_token}"}
    body = {"name": "电池包断供 4 周", "disrupt": ["segment:nev.pack"], "weeks": 4, "stock_weeks": 1, "recovery_weeks": 2}
    started = client.post("/api/v1/risk/scenarios", json=body, headers=auth)
    assert started.status_code == 202, started.text
    job = _follow(client, started.json()["status_url"], auth)
    assert job["status"] == "done" and job["done"] == job["total"] == job["result"]["horizon_weeks"]
    first = job["result"]
    assert first["summary"]["disrupted_segments"] == ["nev.pack"] and first["summary"]["impacted_leaders"] >= 1
    hit = [r for r in first["leaders"] if r["first_impact_week"] is not None]
    # one week of transport lead time and one week of stock: no leader can feel it before week 1
    assert hit and min(r["first_impact_week"] for r in hit) >= 1
    nev = next(c for c in first["chains"] if c["chain_id"] == "nev")
    assert nev["impacted"] >= 1 and nev["first_impact_week"] >= 1  # the links stop; buyers feel it after lead time
    assert sum(c["lost_output_yuan"] for c in first["chains"]) >= max(r["lost_output_yuan"] for r in hit) - 1e-6
    longer = client.post("/api/v1/risk/scenarios", params={"wait": True}, headers=auth,
                         json={**body, "name": "电池包断供 8 周", "weeks": 8})
    assert longer.status_code == 200
    assert longer.json()["summary"]["lost_local_output_yuan"] > first["summary"]["lost_local_output_yuan"]
    sid = started.json()["scenario_id"]
    again = client.post(f"/api/v1/risk/scenarios/{sid}/run", params={"wait": True}, headers=auth).json()
    assert again["summary"] == first["summary"]  # re-runnable: same data, same answer
    listed = client.get("/api/v1/risk/scenarios", headers=auth).json()
    assert {sid, longer.json()["scenario_id"]} <= {s["id"] for s in listed}
    side = client.get("/api/v1/risk/scenarios/compare", params={"ids": [sid, longer.json()["scenario_id"]]}, headers=auth).json()
    top = side["leaders"][0]
    assert top["lost_1"] >= top["lost_0"]
    bad = client.post("/api/v1/risk/scenarios", json={**body, "disrupt": ["somewhere"]}, headers=auth)
    assert bad.status_code == 422 and "cannot read" in bad.text
    assert client.post("/api/v1/risk/scenarios", json=body).status_code == 401
    assert client.get("/api/v1/jobs/999999", headers=auth).status_code == 404


def test_chain_ranking_job_and_cli(demo_engine: object, admin_token: str, tmp_path: Path) -> None:
    client = TestClient(create_app())
    auth = {"Authorization": f"Bearer {admin_token}"}
    started = client.post("/api/v1/risk/rei", json={"chain": "nev"}, headers=auth)
    assert started.status_code == 202
    job = _follow(client, started.json()["status_url"], auth)
    rows = job["result"]["rows"]
    assert job["status"] == "done" and rows[0]["rei"] == 1.0
    assert all(0 <= r["rei"] <= 1 for r in rows if r["rei"] is not None)
    assert {"spend_yuan", "tier", "region_code", "name"} <= set(rows[0])
    page = client.get("/risk/ranking/nev", params={"format": "json"}, headers=auth).json()
    assert page["job"]["status"] == "done" and len(page["rows"]) == len(rows)
    assert client.get("/risk/ranking/nev", params={"format": "csv"}, headers=auth).text.count("\n") == len(rows) + 1
    assert client.post("/api/v1/risk/rei", json={"chain": "nope"}, headers=auth).status_code == 404
    # a per-node override: the top node recovers at once → its impact vanishes
    top = rows[0]["node_id"]
    (tmp_path / "over.csv").write_text(f"node_id,ttr\n{top},0\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["risk", "rei", "--chain", "nev", "--overrides", str(tmp_path / "over.csv"), "--format", "json"])
    assert res.exit_code == 0, res.output
    cli_rows = {r["node_id"]: r for r in json.loads(res.stdout)}
    assert cli_rows[top]["pi"] == 0 and cli_rows[top]["rei"] == 0
    (tmp_path / "bad.csv").write_text("node_id,speed\nX,1\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["risk", "rei", "--chain", "nev", "--overrides", str(tmp_path / "bad.csv")])
    assert res.exit_code != 0 and "unknown columns" in res.output


def test_scenario_cli(demo_engine: object, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["risk", "scenario", "--disrupt", "segment:nev.pack", "--weeks", "3", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["spec"]["disrupt"] == ["segment:nev.pack"] and out["horizon_weeks"] == 3 + 4 + 12
    res = CliRunner().invoke(app, ["risk", "scenario", "--disrupt", "country:ZW", "--disrupt", "region:99", "--weeks", "3"])
    assert res.exit_code == 1 and "none of country:ZW, region:99" in res.output
    res = CliRunner().invoke(app, ["risk", "scenario", "--disrupt", "segment:nev.pack", "--weeks", "3", "--name", "cli",
                                   "--format", "xlsx", "-o", str(tmp_path / "s.xlsx")])
    assert res.exit_code == 0 and (tmp_path / "s.xlsx").stat().st_size > 0
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "s.xlsx")
    assert wb.sheetnames == ["leaders", "chains", "top_impacted", "timeline"]
