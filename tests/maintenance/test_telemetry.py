"""Telemetry: per-device tokens, readings stored all-or-nothing, alarm rules raising one ticket per run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from chainatlas import db
from chainatlas.exchange.importer import import_files
from chainatlas.maintenance import store
from chainatlas.maintenance.store import Scope
from chainatlas.messages import InvalidInput, NotFound
from tests.helpers.exchange import A, C
from tests.helpers.maintenance import files

NOW = dt.datetime(2026, 3, 2, 12, 0)


def _r(minute: int, **metrics: float) -> dict[str, object]:
    return {"at": f"2026-03-02T{8 + minute // 60:02d}:{minute % 60:02d}:00+08:00", "metrics": metrics}


@pytest.fixture()
def om(engine: Engine, tmp_path: Path) -> Engine:
    assert import_files(files(tmp_path), engine=engine, write_reports=False).written
    return engine


def _readings(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(db.om_reading)).scalar_one())


def test_alarm_run_raises_one_ticket(om: Engine) -> None:
    token = store.issue_device_token(om, "EQ-A1", actor="a", scope=Scope(A))
    first = store.ingest(om, token, [_r(0, spindle_temp_c=80), _r(1, spindle_temp_c=86), _r(2, spindle_temp_c=87)], now=NOW)
    assert first["stored"] == 3 and first["tickets"] == []  # two hot readings: not yet three
    # the third hot reading arrives in a later call: the run spans the calls
    second = store.ingest(om, token, [_r(3, spindle_temp_c=88), _r(4, spindle_temp_c=90, vibration_mm_s=2.0)], now=NOW)
    assert [t["rule"] for t in second["tickets"]] == ["spindle_overheat"]
    tid = second["tickets"][0]["ticket_id"]
    seen = store.ticket(om, tid, Scope(C))
    assert seen["ticket"]["origin"] == "alarm:spindle_overheat" and seen["ticket"]["priority"] == "P2"
    assert seen["ticket"]["opened_at"] == dt.datetime(2026, 3, 2, 0, 3)  # the firing reading's time, in UTC
    # the run goes on, a new run starts: the open ticket of the same rule holds them all
    third = store.ingest(om, token, [_r(5, spindle_temp_c=70), *[_r(6 + i, spindle_temp_c=95) for i in range(3)]], now=NOW)
    assert third["tickets"] == []
    stop = store.ingest(om, token, [{"at": "2026-03-02T09:00:00+08:00", "alarm": "E_STOP"}], now=NOW)
    assert [(t["rule"], store.ticket(om, t["ticket_id"], Scope())["ticket"]["priority"]) for t in stop["tickets"]] == [
        ("emergency_stop", "P1")]


def test_vibration_rule_is_for_its_types_only(om: Engine) -> None:
    token = store.issue_device_token(om, "EQ-A3", actor="a", scope=Scope(A))  # a PLC cabinet, no provider
    out = store.ingest(om, token, [_r(0, vibration_mm_s=9.0), _r(1, vibration_mm_s=9.5)], now=NOW)
    assert out["stored"] == 2 and out["tickets"] == []


def test_bad_readings_store_nothing(om: Engine) -> None:
    token = store.issue_device_token(om, "EQ-A1", actor="c", scope=Scope(C))
    for bad, what in (([_r(0, spindle_temp_c=80), {"at": "2026-03-02T08:01:00", "metrics": {"x": 1}}], "zone"),
                      ([_r(0, spindle_temp_c=float("nan"))], "finite"),
                      ([_r(0, **{"Temp C": 1.0})], "invalid"),
                      ([{"at": "2099-01-01T00:00:00Z", "metrics": {"x": 1}}], "future"),
                      ([], "no readings")):
        with pytest.raises(InvalidInput, match=what):
            store.ingest(om, token, bad, now=NOW)
    assert _readings(om) == 0


def test_tokens_are_per_device_and_revocable(om: Engine) -> None:
    with pytest.raises(NotFound):
        store.issue_device_token(om, "EQ-B1", actor="a", scope=Scope(A))  # not A's machine
    token = store.issue_device_token(om, "EQ-A1", actor="a", scope=Scope(A))
    assert store.device_for_token(om, token) == "EQ-A1"
    with om.connect() as conn:
        stored = conn.execute(select(db.om_device_token.c.token_sha256)).scalars().all()
    assert token not in stored and len(stored[0]) == 64
    assert store.revoke_device_tokens(om, "EQ-A1", scope=Scope(C)) == 1
    with pytest.raises(NotFound):
        store.ingest(om, token, [_r(0, spindle_temp_c=80)], now=NOW)
