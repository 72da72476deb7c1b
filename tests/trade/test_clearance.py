"""Clearance time (WCO TRS) from captured EPCIS events, on consignments whose intervals are read off by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from chainatlas.trade import repository
from chainatlas.trade.capture import check_document
from chainatlas.trade.clearance import clearance_stats, consignment_times
from chainatlas.trade.consignments import consignment_events

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
STEP = {"arr": "arriving", "dec": "urn:chainatlas:bizstep:declaring", "ins": "inspecting",
        "rel": "urn:chainatlas:bizstep:releasing", "dep": "departing"}


def _doc() -> dict[str, Any]:
    # BL-1 air CGO: arrive 0 h, declare 2, release 8, depart 10 (green). BL-2 air CGO: 0, 1, inspect 3, release 25,
    # depart 30 (inspected). AWB-3 rail: 0, 0.5, release 4.5, no departure yet.
    plan = [("BL-1", "bol", "air", [("arr", 0), ("dec", 2), ("rel", 8), ("dep", 10)]),
            ("BL-2", "bol", "air", [("arr", 0), ("dec", 1), ("ins", 3), ("rel", 25), ("dep", 30)]),
            ("AWB-3", "urn:chainatlas:btt:awb", "rail", [("arr", 0), ("dec", 0.5), ("rel", 4.5)])]
    events = []
    for i, (ref, btt, mode, steps) in enumerate(plan):
        for step, hours in steps:
            events.append({
                "type": "ObjectEvent", "eventTime": (T0 + dt.timedelta(hours=hours)).isoformat(),
                "eventTimeZoneOffset": "+08:00", "epcList": [f"urn:epc:id:sscc:6901234.{i:010d}"], "action": "OBSERVE",
                "bizStep": STEP[step], "bizTransactionList": [{"type": btt, "bizTransaction": f"urn:chainatlas:bt:{ref}"}],
                "ca:mode": mode, "ca:port": "CGO" if mode == "air" else "CNZZU"})
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                         {"ca": "https://ns.chainatlas.org/trade/"}], "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-03-03T00:00:00Z", "epcisBody": {"eventList": events}}


@pytest.fixture()
def captured(any_engine: Engine) -> Engine:
    checked = check_document(_doc())
    assert checked.ok, [p.as_dict() for p in checked.problems]
    repository.store(any_engine, checked, "test")
    return any_engine


def test_consignment_intervals(captured: Engine) -> None:
    times = {r["consignment"]: r for r in consignment_times(consignment_events(captured)).to_dicts()}
    one, two, three = times["urn:chainatlas:bt:BL-1"], times["urn:chainatlas:bt:BL-2"], times["urn:chainatlas:bt:AWB-3"]
    assert (one["arrival_to_release"], one["declaration_to_release"], one["release_to_departure"]) == (8, 6, 2)
    assert (one["channel"], two["channel"], two["arrival_to_release"]) == ("green", "inspected", 25)
    assert three["mode"] == "rail" and three["port"] == "CNZZU" and three["arrival_to_release"] == 4.5
    assert three["release_to_departure"] is None  # not departed yet: no value, never zero


def test_stats_by_mode_against_a_target(captured: Engine) -> None:
    times = consignment_times(consignment_events(captured))
    air, rail = clearance_stats(times, by=("mode",), target_hours=12).to_dicts()
    # air: 8 and 25 h → mean 16.5, median 16.5, p90 = 8 + 0.9·17 = 23.3, half within 12 h
    assert (air["n"], air["mean"], air["median"]) == (2, 16.5, 16.5)
    assert air["p90"] == pytest.approx(23.3) and air["within_target"] == 0.5
    assert (rail["n"], rail["mean"], rail["within_target"]) == (1, 4.5, 1.0)
    with pytest.raises(ValueError, match="interval"):
        clearance_stats(times, interval="lunch")


def test_cli(captured: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chainatlas.cli import app

    url = captured.url.render_as_string(hide_password=False)
    res = CliRunner().invoke(app, ["--db", url, "trade", "clearance", "--by", "mode,channel", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {(r["mode"], r["channel"]): r for r in json.loads(res.stdout)}
    assert rows[("air", "inspected")]["median"] == 25 and rows[("air", "green")]["median"] == 8
    res = CliRunner().invoke(app, ["--db", url, "trade", "clearance", "--mode", "air", "--by", "", "--format", "json"])
    assert json.loads(res.stdout)[0]["n"] == 2
