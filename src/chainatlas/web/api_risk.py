"""REST API v1 for supply-chain resilience (供应链韧性): exposure, the risk exposure index (as a job with progress),
disruption scenarios (saved, re-runnable, comparable) and jobs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from chainatlas import db, jobs
from chainatlas.analysis.snapshot import data_version, load_snapshot
from chainatlas.risk import store
from chainatlas.risk.rei import ranked_rows
from chainatlas.risk.scenario import ScenarioSpec, compare, parse_disruption
from chainatlas.settings import home_of
from chainatlas.web.auth import Principal, authorize, count_rows
from chainatlas.web.errors import refused

router = APIRouter(prefix="/api/v1", tags=["risk"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DEFAULT_ASSUMPTIONS = {"ttr_weeks": 8.0, "stock_weeks": 1.0, "headroom": 1.0}
Wait = Annotated[bool, Query(description="run now and answer with the result instead of a job (small inputs)")]


class NodeIn(BaseModel):
    node_id: str
    capacity: float | None = Field(default=None, ge=0)
    inventory: float = Field(default=0.0, ge=0)
    demand: float = Field(default=0.0, ge=0)
    unit_profit: float = Field(default=0.0, ge=0)
    ttr: float | None = Field(default=None, ge=0)


class EdgeIn(BaseModel):
    supplier: str
    customer: str
    material: str
    units_per_output: float = Field(default=1.0, gt=0)


class ReiIn(BaseModel):
    chain: str | None = None
    home: str | None = Field(default=None, pattern=r"^\d{2}(\d{2}(\d{2})?)?$")
    ttr_weeks: float = Field(default=8.0, ge=0, le=520, description="chain: time-to-recover of every node (weeks)")
    stock_weeks: float = Field(default=1.0, ge=0, le=52, description="chain: inventory in weeks of output")
    headroom: float = Field(default=1.0, ge=0, le=10, description="chain: capacity ÷ current output")
    overrides: dict[str, dict[str, float | None]] = Field(default_factory=dict, description="chain: per-node values")
    nodes: list[NodeIn] = Field(default_factory=list, max_length=20_000)
    edges: list[EdgeIn] = Field(default_factory=list, max_length=100_000)


class ScenarioIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    disrupt: list[str] = Field(min_length=1, max_length=200, description="enterprise:USCC, region:4101, country:DE, "
                               "segment:nev.pack (or the bare value)")
    weeks: float = Field(gt=0, le=104)
    stock_weeks: float = Field(default=2.0, ge=0, le=52)
    recovery_weeks: float = Field(default=4.0, ge=0, le=104)
    horizon_weeks: int | None = Field(default=None, ge=1, le=260)
    period: str | None = None
    home: str | None = Field(default=None, pattern=r"^\d{2}(\d{2}(\d{2})?)?$")


class JobOut(BaseModel):
    job_id: int
    status_url: str
    scenario_id: int | None = None


def _job_out(response: Response, job_id: int, scenario_id: int | None = None) -> JobOut:
    response.status_code = 202
    response.headers["Location"] = f"/api/v1/jobs/{job_id}"
    return JobOut(job_id=job_id, status_url=f"/api/v1/jobs/{job_id}", scenario_id=scenario_id)


@router.get("/risk/exposure/{uscc}", summary="Multi-tier exposure of an enterprise (多级供应链暴露)")
def risk_exposure(uscc: str, response: Response, tiers: Annotated[int, Query(ge=1, le=10)] = 5,
                  period: str | None = None) -> Any:
    from chainatlas.risk.exposure import exposure

    result = exposure(load_snapshot(db.get_engine()), uscc, tiers=tiers, period=period)
    count_rows(response, len(result.get("suppliers", [])))
    return jsonable_encoder(result)


def chain_ranking_work(chain: str, home: str, **assumptions: Any) -> jobs.Work:
    """The job that computes a chain's REI ranking (REI, TTS, TTR with spend, tier, region)."""
    from chainatlas.risk.network import chain_network, ranking

    def work(progress: jobs.Progress) -> Any:
        snap = load_snapshot(db.get_engine())
        net = chain_network(snap, chain, home=home, **assumptions)
        return {"chain": chain, "home": home, "data_version": snap.version, "assumptions": assumptions,
                "rows": ranking(snap, chain, ranked_rows(net, progress=progress), home=home)}
    return work


@router.post("/risk/rei", summary="Risk exposure index, time-to-survive, criticality (Simchi-Levi et al. 2015)",
             responses={202: {"description": "a job: follow status_url"}})
def risk_rei(body: ReiIn, response: Response, principal: Annotated[Principal, Depends(authorize)], wait: Wait = False) -> Any:
    """A network in the body (nodes, edges) or a chain id. Runs as a job (202, ``status_url``) unless ``wait``;
    for a chain, the rows carry spend, tier and region too."""
    from chainatlas.risk.rei import Edge, Network, Node

    home = home_of(body.home)
    if body.chain:
        snap = load_snapshot(db.get_engine())
        if snap.chain_segments(body.chain).height == 0:
            raise refused(404, "未找到产业链", f"chain {body.chain} not found")
        assumptions: dict[str, Any] = {"ttr_weeks": body.ttr_weeks, "stock_weeks": body.stock_weeks,
                                       "headroom": body.headroom}
        if body.overrides:
            assumptions["overrides"] = body.overrides
        work = chain_ranking_work(body.chain, home, **assumptions)
        params: dict[str, Any] = {"chain": body.chain, "home": home, "data_version": data_version(db.get_engine())}
        if assumptions != DEFAULT_ASSUMPTIONS:
            params["assumptions"] = assumptions
    else:
        try:
            net = Network([Node(n.node_id, n.capacity, n.inventory, n.demand, n.unit_profit, n.ttr) for n in body.nodes],
                          [Edge(e.supplier, e.customer, e.material, e.units_per_output) for e in body.edges])
        except ValueError as exc:
            raise refused(422, "网络有误", f"invalid network: {exc}") from exc

        def work(progress: jobs.Progress) -> Any:
            return ranked_rows(net, progress=progress)
        params = {"nodes": len(body.nodes), "edges": len(body.edges)}
    engine = db.get_engine()
    if wait:
        return jobs.run(engine, jobs.create(engine, "risk.rei", params, principal.name), work)
    return _job_out(response, jobs.submit(engine, "risk.rei", params, principal.name, work))


@router.get("/jobs/{job_id}", summary="A background job: status, progress (done/total, percent), result when done")
def job_status(job_id: RowId, principal: Annotated[Principal, Depends(authorize)]) -> Any:
    job = jobs.get(db.get_engine(), job_id)
    if job is None or (job["created_by"] != principal.name and principal.role.value != "admin"):
        raise refused(404, "未找到任务", f"job {job_id} not found")
    return jsonable_encoder(job)


def _spec(body: ScenarioIn) -> ScenarioSpec:
    try:
        disrupt = [parse_disruption(d) for d in body.disrupt]
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return ScenarioSpec(body.name, disrupt, body.weeks, body.horizon_weeks, body.stock_weeks, body.recovery_weeks,
                        body.period, home_of(body.home))


def run_scenario_job(scenario_id: int, actor: str, response: Response, wait: bool) -> Any:
    engine = db.get_engine()

    def work(progress: jobs.Progress) -> Any:
        return store.run_saved(engine, scenario_id, progress)
    if wait:
        try:
            return jsonable_encoder(jobs.run(engine, jobs.create(engine, "risk.scenario", {"scenario_id": scenario_id}, actor), work))
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
    return _job_out(response, jobs.submit(engine, "risk.scenario", {"scenario_id": scenario_id}, actor, work), scenario_id)


@router.post("/risk/scenarios", summary="Save a disruption scenario and run it (断供情景)",
             responses={202: {"description": "a job: follow status_url"}})
def create_scenario(body: ScenarioIn, response: Response, principal: Annotated[Principal, Depends(authorize)],
                    wait: Wait = False) -> Any:
    scenario_id = store.save(db.get_engine(), _spec(body), principal.name)
    return run_scenario_job(scenario_id, principal.name, response, wait)


@router.get("/risk/scenarios", summary="Saved scenarios with their last summary")
def list_scenarios(response: Response) -> Any:
    rows = store.list_all(db.get_engine())
    count_rows(response, len(rows))
    return jsonable_encoder(rows)


@router.get("/risk/scenarios/compare", summary="Chain leaders side by side across scenarios (lost output, week of impact)")
def compare_scenarios(ids: Annotated[list[Annotated[int, Query(ge=1, le=2**31 - 1)]], Query(min_length=1, max_length=6)]) -> Any:
    results = []
    for i in ids:
        saved = store.get(db.get_engine(), i)
        if saved is None or saved["result"] is None:
            raise refused(404, "情景不存在或尚未运行", f"scenario {i} not found or not run yet")
        results.append(saved)
    return {"scenarios": [{"id": s["id"], "name": s["name"], "summary": s["result"]["summary"]} for s in results],
            "leaders": compare([s["result"] for s in results])}


@router.get("/risk/scenarios/{scenario_id}", summary="A saved scenario: its definition and last result")
def get_scenario(scenario_id: RowId) -> Any:
    saved = store.get(db.get_engine(), scenario_id)
    if saved is None:
        raise refused(404, "未找到情景", f"scenario {scenario_id} not found")
    return jsonable_encoder(saved)


@router.post("/risk/scenarios/{scenario_id}/run", summary="Re-run a saved scenario on the current data",
             responses={202: {"description": "a job: follow status_url"}})
def rerun_scenario(scenario_id: RowId, response: Response, principal: Annotated[Principal, Depends(authorize)],
                   wait: Wait = False) -> Any:
    if store.get(db.get_engine(), scenario_id) is None:
        raise refused(404, "未找到情景", f"scenario {scenario_id} not found")
    return run_scenario_job(scenario_id, principal.name, response, wait)
