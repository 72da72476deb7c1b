"""The demo city's shared O&M (fictional, labelled 示例): the equipment of firms that lease kits from the demo
providers (tied to their subscriptions) and some machines they own, maintained by the two providers offering shared
O&M; about a hundred tickets over the last hundred days worked through their states by simulated providers and firms
(some late, some visited twice, some reopened, the newest still open); and one machine's telemetry raising a ticket by
an alarm rule. Dates are relative to the day the demo is built."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.clock import utcnow
from chainatlas.demo.consolidation import write_table
from chainatlas.exchange.importer import ImportReport, import_files
from chainatlas.maintenance import sla, store
from chainatlas.maintenance.store import Scope

DEMO = "示例数据 demo"
KIT_TYPES = {"equipment_iot": "gateway", "ai_inspection": "vision", "energy": "sensor", "mes_lite": "server"}
OWNED_TYPES = ("cnc", "cnc", "compressor", "injection", "robot", "plc", "agv")
MODELS = {"gateway": "示例 GW-200", "vision": "示例 AOI-5", "sensor": "示例 EM-3", "server": "示例 Edge-1", "cnc": "示例 VMC-850",
          "compressor": "示例 GA-37", "injection": "示例 HX-280", "robot": "示例 R-6", "plc": "示例 S-1200", "agv": "示例 AGV-500"}
FAULTS = ("设备报警停机", "数据上传中断", "主轴异响", "气压不足", "温度异常", "程序丢失", "通信超时", "定位偏差", "液压泄漏", "看板无数据")
PRIORITY_WEIGHTS = (("P1", 1), ("P2", 3), ("P3", 5), ("P4", 2))


def demo_equipment(engine: Engine, rng: random.Random) -> list[dict[str, Any]]:
    """Equipment rows: one kit per subscription to an IoT, inspection, energy or MES offer (leased), and owned
    machines of the same firms, maintained by the providers that offer shared O&M."""
    sp, so, ss = db.solution_provider, db.solution_offer, db.solution_subscription
    with engine.connect() as conn:
        om = [u for (u,) in conn.execute(select(sp.c.uscc).where(sp.c.shared_om.is_(True)).order_by(sp.c.uscc))]
        subs = conn.execute(select(ss.c.subscription_id, ss.c.customer_uscc, ss.c.start_date, so.c.scenario, so.c.provider_uscc)
                            .join(so, so.c.offer_id == ss.c.offer_id).order_by(ss.c.subscription_id)).all()
    rows: list[dict[str, Any]] = []
    firms = sorted({s.customer_uscc for s in subs})
    for s in subs:
        kind = KIT_TYPES.get(s.scenario)
        if kind is None:
            continue
        rows.append({"equipment_type": kind, "owner_uscc": s.customer_uscc, "tenure": "leased", "subscription_id": s.subscription_id,
                     "provider_uscc": s.provider_uscc if s.provider_uscc in om else rng.choice(om), "installed_on": s.start_date})
    for firm in firms:
        for _ in range(rng.randint(0, 3)):
            rows.append({"equipment_type": rng.choice(OWNED_TYPES), "owner_uscc": firm, "tenure": "owned", "subscription_id": None,
                         "provider_uscc": rng.choice(om) if rng.random() < 0.85 else None,
                         "installed_on": dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1200))})
    for i, r in enumerate(rows, start=1):
        r |= {"equipment_id": f"EQ-{i:04d}", "model": MODELS[r["equipment_type"]], "serial_no": f"SN{rng.randint(10**7, 10**8 - 1)}",
              "location": rng.choice(("一号车间", "二号车间", "装配线", "动力站", "仓库")), "source": DEMO}
    return rows


def _hours(rng: random.Random, limit: float, late: float) -> float:
    """A delay around half the target, past it with probability ``late``."""
    return limit * (rng.uniform(1.05, 2.0) if rng.random() < late else rng.uniform(0.15, 0.9))


def _work(engine: Engine, rng: random.Random, now: dt.datetime, tid: int, opened: dt.datetime, prio: str, owner: Scope,
          provider: Scope) -> None:
    """Take one ticket through its steps, at simulated delays, as far as ``now`` allows."""
    target = sla.policy_on(opened.date()).targets[prio]
    t = opened

    def step(action: str, after_h: float, who: Scope, **kw: Any) -> bool:
        nonlocal t
        at = (t + dt.timedelta(hours=after_h)).replace(microsecond=0)
        if at > now:
            return False
        store.act(engine, tid, action, actor="示例企业" if who is owner else "示例工程师", scope=who, at=at, **kw)
        t = at
        return True

    ok = step("assign", _hours(rng, target["respond"], 0.12), provider, technician=rng.choice(("王工", "李工", "张工", "赵工")))
    remote = rng.random() < 0.15
    if ok and not remote:
        since_open = (t - opened).total_seconds() / 3600
        ok = step("arrive", max(0.2, _hours(rng, target["on_site"], 0.1) - since_open), provider)
        if ok and rng.random() < 0.2:  # a second visit: parts to fetch
            ok = step("leave", rng.uniform(1, 3), provider, note="需更换备件，约定再次上门（示例）") and \
                step("arrive", rng.uniform(12, 40), provider)
    if ok:
        ok = step("resolve", rng.uniform(0.5, 0.6) * target["resolve"] * (0.4 if remote else 1), provider,
                  note="远程处理完成（示例）" if remote else "现场修复完成（示例）")
    if ok and rng.random() < 0.1:
        ok = step("reopen", rng.uniform(2, 20), owner, note="问题复现（示例）") and step("arrive", rng.uniform(2, 10), provider) and \
            step("resolve", rng.uniform(2, 8), provider, note="二次修复完成（示例）")
    if ok:
        step("confirm", rng.uniform(1, 30), owner)


def simulate_tickets(engine: Engine, rng: random.Random, now: dt.datetime, n: int = 100) -> int:
    """Open ``n`` tickets on the register's maintained machines over the 100 days before ``now`` and work them."""
    e = db.equipment
    with engine.connect() as conn:
        machines = conn.execute(select(e.c.equipment_id, e.c.owner_uscc, e.c.provider_uscc).where(e.c.provider_uscc.is_not(None))
                                .order_by(e.c.equipment_id)).all()
    # most over 100 days; the newest six in the last day, so that some are still being worked
    starts = sorted([now - dt.timedelta(hours=rng.uniform(30, 2400)) for _ in range(n - 6)]
                    + [now - dt.timedelta(hours=rng.uniform(0.3, 30)) for _ in range(6)])
    prios = [p for p, w in PRIORITY_WEIGHTS for _ in range(w)]
    for start in starts:
        m = rng.choice(machines)
        owner = Scope(m.owner_uscc)
        prio = rng.choice(prios)
        opened = start.replace(microsecond=0)
        tid = store.open_ticket(engine, m.equipment_id, prio, rng.choice(FAULTS) + "（示例）", actor="示例企业", scope=owner, at=opened)
        _work(engine, rng, now, tid, opened, prio, owner, Scope(m.provider_uscc))
    return n


def telemetry_demo(engine: Engine, now: dt.datetime) -> dict[str, Any] | None:
    """A maintained CNC machine sends spindle temperatures, three of them hot: the overheat rule opens a ticket."""
    e = db.equipment
    with engine.connect() as conn:
        cnc = conn.execute(select(e.c.equipment_id, e.c.owner_uscc).where(e.c.equipment_type == "cnc", e.c.provider_uscc.is_not(None))
                           .order_by(e.c.equipment_id)).first()
    if cnc is None:
        return None
    token = store.issue_device_token(engine, cnc.equipment_id, actor="示例企业", scope=Scope(cnc.owner_uscc))
    start = now - dt.timedelta(hours=3)
    temps = (72.0, 78.5, 84.0, 86.5, 88.0, 91.2)
    readings = [{"at": (start + dt.timedelta(minutes=10 * i)).isoformat() + "Z", "metrics": {"spindle_temp_c": v, "vibration_mm_s": 2.1}}
                for i, v in enumerate(temps)]
    return store.ingest(engine, token, readings, now=now)


def load_maintenance_demo(engine: Engine, seed: int = 20260301) -> ImportReport:
    """Import the demo register (all-or-nothing), then simulate tickets and one alarm."""
    rng = random.Random(seed + 30)
    rows = demo_equipment(engine, rng)
    with tempfile.TemporaryDirectory(prefix="chainatlas-demo-om-") as tmp:
        report = import_files([write_table(Path(tmp) / "equipment.csv", "equipment", rows)], engine=engine, write_reports=False)
    if not report.ok:
        raise ValueError(f"demo equipment invalid: {[str(p) for p in report.problems[:3]]}")
    now = utcnow(seconds=True)
    simulate_tickets(engine, rng, now)
    telemetry_demo(engine, now)
    return report
