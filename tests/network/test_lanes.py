"""Cargo lanes on consignments whose figures are read off by hand: two air consignments CGO → LUX (transit 20 h, on
time; 30 h, late against the 24 h plan) in March and April, one rail consignment Zhengzhou → Duisburg; and on the
demo city, every consignment on exactly one lane."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from chainatlas.network.lanes import candidate_hub, hub_view, lanes, legs
from tests.helpers.epcis import DEMO_CONSIGNMENTS


def _events() -> pl.DataFrame:
    rows = []

    def add(c: str, mode: str, dest: str, origin: str, start: dt.datetime, dwell: float, transit: float) -> None:
        for step, hours, port in (("arriving", 0, origin), ("departing", dwell, origin), ("arriving", dwell + transit, dest)):
            rows.append({"consignment": c, "biz_step": step, "event_time": start + dt.timedelta(hours=hours), "mode": mode,
                         "port": port, "destination": dest})

    add("A", "air", "LUX", "CGO", dt.datetime(2026, 3, 2), 10, 20)
    add("B", "air", "LUX", "CGO", dt.datetime(2026, 4, 6), 6, 30)
    add("C", "rail", "DEDUI", "CNCGO", dt.datetime(2026, 3, 9), 48, 16 * 24)
    return pl.DataFrame(rows)


def test_lanes_by_hand() -> None:
    leg = legs(_events())
    assert leg["on_time"].to_list() == [True, False, True] and leg["hub_dwell_hours"].to_list() == [10.0, 6.0, 48.0]
    (air, rail) = lanes(_events(), by=None)
    assert (air["origin"], air["destination"], air["shipments"], air["on_time_share"]) == ("CGO", "LUX", 2, 0.5)
    assert air["transit_median_hours"] == 25.0 and air["hub_dwell_median_hours"] == 8.0
    assert (rail["destination"], rail["transit_median_hours"]) == ("DEDUI", 384.0)
    monthly = lanes(_events(), by="month", mode="air")
    assert [(r["month"], r["shipments"], r["growth"]) for r in monthly] == [("2026-03", 1, None), ("2026-04", 1, 0.0)]
    hub = hub_view(lanes(_events(), by=None), "CGO")
    assert (hub["outbound"], hub["inbound"]) == (2, 0)
    assert candidate_hub(lanes(_events(), by=None), "FRA")["destinations"] == ["DEDUI"]  # Frankfurt: Germany's lanes
    assert air["gross_weight_kg"] is None  # these events declare no weight: blank, not zero


def test_no_events_no_lanes() -> None:
    empty = _events().clear()
    assert lanes(empty, by=None) == [] and lanes(empty, by="week") == [] and legs(empty).height == 0


def test_demo_lanes_page_api_and_cli(demo_engine: Engine, admin_token: str) -> None:
    from chainatlas.cli import app
    from chainatlas.web.app import create_app

    client = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    rows = client.get("/api/v1/network/lanes").json()
    assert sum(r["shipments"] for r in rows) == DEMO_CONSIGNMENTS and {r["mode"] for r in rows} == {"air", "rail", "sea"}
    from chainatlas.trade.consignments import consignment_events

    booked = consignment_events(demo_engine).group_by("consignment").agg(pl.col("gross_weight_kg").max())
    total = booked["gross_weight_kg"].sum()
    assert total > 0 and sum(r["gross_weight_kg"] for r in rows) == pytest.approx(total, rel=1e-12)  # each booking once
    assert all(r["declared_value_yuan"] > 0 for r in rows)
    cgo = client.get("/api/v1/network/hubs/CGO").json()
    assert cgo["outbound"] == sum(r["shipments"] for r in rows if r["origin"] == "CGO") > 0
    twin = client.get("/network", params={"format": "json", "candidate": "KUL"}).json()
    assert twin["candidate"]["country"] == "MY" and twin["air_lines"] and all(a["from"] == "CGO" for a in twin["air_lines"])
    assert client.get("/network", params={"format": "csv", "table": "lanes"}).content.startswith(b"\xef\xbb\xbf")
    assert client.get("/network", params={"mode": "plane"}).status_code == 422
    res = CliRunner().invoke(app, ["network", "lanes", "--mode", "air", "--format", "json"])
    assert res.exit_code == 0 and all(r["mode"] == "air" for r in json.loads(res.stdout))
