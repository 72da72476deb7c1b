"""Saved disruption scenarios (已保存的情景): named, re-runnable, comparable. Each keeps its last result and the data
version it ran on, so a page can say when a result is older than the data."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select, update

from chainatlas import db
from chainatlas.analysis.snapshot import data_version, load_snapshot
from chainatlas.clock import utcnow
from chainatlas.jobs import Progress
from chainatlas.risk.scenario import ScenarioSpec, run_scenario


def save(engine: Engine, spec: ScenarioSpec, actor: str) -> int:
    """Store a scenario's definition; returns its id."""
    with engine.begin() as conn:
        res = conn.execute(db.risk_scenario.insert().values(
            name=spec.name, spec=json.dumps(spec.to_dict(), ensure_ascii=False), created_by=actor, created_at=utcnow()))
        return int(res.inserted_primary_key[0])  # type: ignore[index]


def get(engine: Engine, scenario_id: int) -> dict[str, Any] | None:
    """A saved scenario with its last result and whether the data changed since; None when unknown."""
    with engine.connect() as conn:
        row = conn.execute(select(db.risk_scenario).where(db.risk_scenario.c.id == scenario_id)).mappings().first()
    if row is None:
        return None
    out = dict(row)
    out["spec"] = json.loads(out["spec"])
    out["result"] = json.loads(out["result"]) if out["result"] else None
    out["stale"] = out["data_version"] is not None and out["data_version"] != data_version(engine)
    return out


def list_all(engine: Engine) -> list[dict[str, Any]]:
    """The saved scenarios, newest first, each with its last result's summary (not the whole result)."""
    t = db.risk_scenario
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.name, t.c.spec, t.c.created_by, t.c.created_at, t.c.ran_at, t.c.result)
                            .order_by(t.c.id.desc())).mappings().all()
    out = []
    for r in rows:
        spec = json.loads(r["spec"])
        summary = json.loads(r["result"])["summary"] if r["result"] else None
        out.append({"id": r["id"], "name": r["name"], "disrupt": spec["disrupt"], "weeks": spec["weeks"],
                    "created_by": r["created_by"], "created_at": r["created_at"], "ran_at": r["ran_at"],
                    "lost_local_output_yuan": summary["lost_local_output_yuan"] if summary else None,
                    "impacted_leaders": summary["impacted_leaders"] if summary else None})
    return out


def run_saved(engine: Engine, scenario_id: int, progress: Progress | None = None) -> dict[str, Any]:
    """Run (or re-run, on the current data) a saved scenario and keep the result."""
    saved = get(engine, scenario_id)
    if saved is None:
        raise KeyError(scenario_id)
    result = run_scenario(load_snapshot(engine), ScenarioSpec.from_dict(saved["spec"]), progress)
    result["scenario_id"] = scenario_id
    with engine.begin() as conn:
        conn.execute(update(db.risk_scenario).where(db.risk_scenario.c.id == scenario_id).values(
            result=json.dumps(result, ensure_ascii=False, default=str), ran_at=utcnow(), data_version=data_version(engine)))
    return result
