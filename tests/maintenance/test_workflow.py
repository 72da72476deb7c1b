"""Tickets across their states: who may move them, SLA clocks across a state change, KPIs, isolation (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from chainatlas.exchange.importer import import_files
from chainatlas.maintenance import store
from chainatlas.maintenance.store import Scope
from chainatlas.messages import InvalidInput, NotFound, Refused
from tests.helpers.exchange import A, B, C
from tests.helpers.maintenance import files

T0 = dt.datetime(2026, 3, 2, 8, 0)


def _h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


@pytest.fixture()
def om(any_engine: Engine, tmp_path: Path) -> Engine:
    report = import_files(files(tmp_path), engine=any_engine, write_reports=False)
    assert report.written, report.problems
    return any_engine


def test_import_and_visibility(om: Engine) -> None:
    assert set(store.equipment(om, Scope())["equipment_id"]) == {"EQ-A1", "EQ-A2", "EQ-A3", "EQ-B1"}
    assert set(store.equipment(om, Scope(A))["equipment_id"]) == {"EQ-A1", "EQ-A2", "EQ-A3"}
    assert set(store.equipment(om, Scope(C))["equipment_id"]) == {"EQ-A1", "EQ-B1"}  # as the provider only
    assert set(store.equipment(om, Scope(B))["equipment_id"]) == {"EQ-A2", "EQ-B1"}  # owner of one, provider of one
    with pytest.raises(NotFound):
        store.one_equipment(om, "EQ-B1", Scope(A))


def test_sla_clock_across_a_state_change(om: Engine) -> None:
    tid = store.open_ticket(om, "EQ-A1", "P2", "主轴异响", actor="a", scope=Scope(A), at=T0)
    mid = store.ticket(om, tid, Scope(C), now=_h(0.9))
    assert [s["state"] for s in mid["sla"]] == ["at_risk", "running", "running"]  # 0.9 h of the 1 h to respond
    store.act(om, tid, "assign", actor="c", scope=Scope(C), technician="王工", at=_h(0.5))
    store.act(om, tid, "arrive", actor="c", scope=Scope(C), at=_h(3))
    store.act(om, tid, "resolve", actor="c", scope=Scope(C), note="更换轴承", at=_h(6))
    # the owner takes 10 h to test it and reopens: the resolve clock does not count the 10 h
    store.act(om, tid, "reopen", actor="a", scope=Scope(A), note="仍有异响", at=_h(16))
    running = store.ticket(om, tid, Scope(A), now=_h(20))
    clocks = {s["target"]: s for s in running["sla"]}
    assert clocks["respond"]["state"] == "met" and clocks["respond"]["hours"] == 0.5
    assert clocks["on_site"]["hours"] == 3.0
    assert clocks["resolve"]["hours"] == pytest.approx(6 + 4)  # 0–6 h, then 16–20 h
    assert clocks["resolve"]["state"] == "running"
    store.act(om, tid, "arrive", actor="c", scope=Scope(C), at=_h(28))
    store.act(om, tid, "resolve", actor="c", scope=Scope(C), note="更换主轴", at=_h(32))
    done = store.act(om, tid, "confirm", actor="a", scope=Scope(A), at=_h(40))
    clocks = {s["target"]: s for s in store.ticket(om, tid, Scope(A), now=_h(100))["sla"]}
    assert clocks["resolve"]["hours"] == pytest.approx(6 + 16) and clocks["resolve"]["state"] == "met"  # ≤ 24 h
    facts = done["facts"]
    assert (facts["visits"], facts["reopens"], facts["first_time_fix"]) == (2, 1, False)
    assert [e["state_to"] for e in done["events"]] == ["open", "assigned", "on_site", "resolved", "assigned", "on_site",
                                                        "resolved", "confirmed"]


def test_who_may_act(om: Engine) -> None:
    tid = store.open_ticket(om, "EQ-A2", "P3", "压力不足", actor="a", scope=Scope(A), at=T0)
    with pytest.raises(Refused, match="provider"):
        store.act(om, tid, "assign", actor="a", scope=Scope(A), technician="x", at=_h(1))  # the owner cannot assign
    with pytest.raises(NotFound):
        store.act(om, tid, "assign", actor="c", scope=Scope(C), technician="x", at=_h(1))  # C does not serve EQ-A2
    with pytest.raises(InvalidInput, match="technician"):
        store.act(om, tid, "assign", actor="b", scope=Scope(B), at=_h(1))
    with pytest.raises(Refused, match="officials"):
        store.act(om, tid, "cancel", actor="gov", scope=Scope(), at=_h(1))
    store.act(om, tid, "cancel", actor="admin", scope=Scope(), admin=True, at=_h(1))
    with pytest.raises(Refused, match="only the firm"):
        store.open_ticket(om, "EQ-A1", "P3", "x 故障", actor="c", scope=Scope(C))  # the provider cannot open one
    with pytest.raises(InvalidInput, match="no shared O&M provider"):
        store.open_ticket(om, "EQ-A3", "P3", "PLC 报错", actor="a", scope=Scope(A))
    with pytest.raises(InvalidInput, match="priority"):
        store.open_ticket(om, "EQ-A1", "P9", "PLC 报错", actor="a", scope=Scope(A))


def test_kpis_and_alerts(om: Engine) -> None:
    # the hand fixture of docs/maintenance.md: C fixes one ticket first time (5 h) and one after a return visit (30 h)
    t1 = store.open_ticket(om, "EQ-A1", "P2", "报警 E12", actor="a", scope=Scope(A), at=T0)
    for action, h, kw in (("assign", 0.5, {"technician": "王工"}), ("arrive", 2, {}), ("resolve", 5, {"note": "复位"}),
                          ("confirm", 8, {})):
        store.act(om, t1, action, actor="x", scope=Scope(A if action == "confirm" else C), at=_h(h), **kw)  # type: ignore[arg-type]
    t2 = store.open_ticket(om, "EQ-B1", "P3", "焊枪偏移", actor="b", scope=Scope(B), at=_h(1))
    for action, h, kw in (("assign", 2, {"technician": "李工"}), ("arrive", 6, {}), ("leave", 8, {"note": "等备件"}),
                          ("arrive", 26, {}), ("resolve", 31, {"note": "更换伺服"}), ("confirm", 40, {})):
        store.act(om, t2, action, actor="x", scope=Scope(B if action == "confirm" else C), at=_h(h), **kw)  # type: ignore[arg-type]
    t3 = store.open_ticket(om, "EQ-A2", "P1", "停机", actor="a", scope=Scope(A), at=_h(2))  # B's, never answered
    k = {r["provider_uscc"]: r for r in store.provider_kpis(om, Scope(), dt.date(2026, 3, 1), dt.date(2026, 3, 31), now=_h(50))}
    assert k[C]["resolved"] == 2 and k[C]["mttr_hours"] == pytest.approx((5 + 30) / 2)
    assert k[C]["first_time_fix_rate"] == 0.5 and k[C]["sla_met_rate"] == 1.0  # 30 h ≤ 72 h for P3
    assert k[B]["opened"] == 1 and k[B]["resolved"] == 0 and k[B]["open_breached"] == 1
    alerts = store.alerts(om, Scope(), now=_h(50))
    assert {(a["ticket_id"], a["target"], a["level"]) for a in alerts} == {(t3, t, "breached") for t in ("respond", "on_site", "resolve")}
    assert store.alerts(om, Scope(C), now=_h(50)) == []  # C sees none of B's tickets
    assert {t["id"] for t in store.tickets(om, Scope(C))} == {t1, t2}
    assert {t["id"] for t in store.tickets(om, Scope(A))} == {t1, t3}
    with pytest.raises(NotFound):
        store.ticket(om, t3, Scope(C))
