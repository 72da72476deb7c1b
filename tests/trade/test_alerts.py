"""Alert rules on hand-built consignments, the inbox workflow, webhooks, and the demo city's alerts."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.trade import alerts, repository
from chainatlas.trade.capture import check_document

T0 = dt.datetime(2026, 3, 2)


def _ev(step: str, hours: float, mode: str = "air", temp: float | None = None, low: float | None = None,
        shock: float | None = None) -> dict[str, Any]:
    return {"consignment": "X", "biz_step": step, "event_time": T0 + dt.timedelta(hours=hours), "mode": mode,
            "max_temperature": temp, "min_temperature": temp if low is None else low, "max_acceleration": shock}


@pytest.mark.parametrize(("events", "now_h", "kinds"), [
    ([_ev("departing", 0, temp=5.0), _ev("arriving", 20)], 30, []),  # cold chain kept, on time
    ([_ev("departing", 0, temp=8.4)], 1, ["excursion"]),  # above 8 °C
    ([_ev("departing", 0, temp=1.5), _ev("arriving", 10)], 30, ["excursion"]),  # below 2 °C
    ([_ev("departing", 0, temp=6.0, low=1.9), _ev("arriving", 10)], 30, ["excursion"]),  # the low end of a range
    ([_ev("departing", 0, temp=6.0, low=2.0), _ev("arriving", 10)], 30, []),
    ([_ev("arriving", 10, shock=98.1)], 11, []),  # 10 g exactly: not a shock
    ([_ev("arriving", 10, shock=98.2)], 11, ["shock"]),
    ([_ev("inspecting", 0), _ev("urn:chainatlas:bizstep:releasing", 47.9)], 100, []),  # 47.9 h ≤ 48 h
    ([_ev("inspecting", 0), _ev("urn:chainatlas:bizstep:releasing", 48.1)], 100, ["dwell"]),
    ([_ev("inspecting", 0)], 49, ["dwell"]),  # still in inspection at evaluation time
    ([_ev("inspecting", 0)], 47, []),
    ([_ev("departing", 0), _ev("arriving", 25)], 30, ["late"]),  # air plan 24 h
    ([_ev("departing", 0, mode="rail"), _ev("arriving", 25)], 30, []),  # rail plan 20 days
    ([_ev("departing", 0)], 25, ["late"]),  # arrival missing after the plan ran out
])
def test_rules(events: list[dict[str, Any]], now_h: float, kinds: list[str]) -> None:
    assert sorted(a["kind"] for a in alerts.detect(events, T0 + dt.timedelta(hours=now_h))) == kinds


RECEIVED: list[dict[str, Any]] = []
ARRIVED = threading.Event()  # set when the receiver got a call: the test waits on it, not in a polling loop


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        RECEIVED.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        ARRIVED.set()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def _doc(ref: str, inspect_hours: float) -> dict[str, Any]:
    evs = []
    for step, h in (("inspecting", 0), ("urn:chainatlas:bizstep:releasing", inspect_hours)):
        evs.append({"type": "ObjectEvent", "eventTime": (T0 + dt.timedelta(hours=h)).isoformat() + "Z",
                    "eventTimeZoneOffset": "+08:00", "epcList": ["urn:epc:id:sscc:6901234.0000000001"], "action": "OBSERVE",
                    "bizStep": step, "bizTransactionList": [{"type": "bol", "bizTransaction": ref}], "ca:mode": "sea"})
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                         {"ca": "https://ns.chainatlas.org/trade/"}], "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-03-03T00:00:00Z", "epcisBody": {"eventList": evs}}


def test_evaluate_stores_once_and_calls_the_webhook(any_engine: Engine) -> None:
    RECEIVED.clear()  # each store (SQLite, PostgreSQL) waits for its own call
    ARRIVED.clear()
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        alerts.subscribe(any_engine, f"http://127.0.0.1:{server.server_port}/hook", ["dwell"], "test")
        with pytest.raises(ValueError):
            alerts.subscribe(any_engine, "ftp://x", ["*"], "test")
        checked = check_document(_doc("urn:chainatlas:bt:BL-7", 60))
        repository.store(any_engine, checked, "test")
        new = alerts.evaluate(any_engine, consignments=repository.consignment_refs(checked.events))
        assert [(a["kind"], a["detail"]["value"]) for a in new] == [("dwell", 60.0)]
        assert alerts.evaluate(any_engine) == []  # never twice
        assert ARRIVED.wait(10)
        assert RECEIVED and RECEIVED[0]["kind"] == "dwell" and RECEIVED[0]["consignment"].endswith("BL-7")
    finally:
        server.shutdown()
    [alert] = alerts.inbox(any_engine)
    with pytest.raises(ValueError, match="note"):
        alerts.transition(any_engine, alert["id"], "resolve", "officer", "  ")
    assert alerts.transition(any_engine, alert["id"], "acknowledge", "officer")["status"] == "acknowledged"
    with pytest.raises(ValueError, match="already"):
        alerts.transition(any_engine, alert["id"], "acknowledge", "officer")
    done = alerts.transition(any_engine, alert["id"], "resolve", "officer", "联系船代，已放行")
    assert (done["status"], done["note"], done["updated_by"]) == ("resolved", "联系船代，已放行", "officer")


def test_demo_alerts_and_api(demo_engine: Engine, admin_token: str) -> None:
    from chainatlas.web.app import create_app

    inbox = alerts.inbox(demo_engine)
    kinds = {a["kind"] for a in inbox}
    assert kinds == {"excursion", "shock", "dwell", "late"}
    # the demo consignments numbered n % 23 == 5 land rough: one shock alert each, over 10 g — five of the trade demo's
    # 0…119 and one of the consolidated week's 900000…900023
    rough = [n for n in [*range(120), *range(900_000, 900_024)] if n % 23 == 5]
    shocks = [a for a in inbox if a["kind"] == "shock"]
    assert len(rough) == 6 and len(shocks) == len(rough) and all(a["detail"]["value"] > 98.1 for a in shocks)
    excursions = [a for a in inbox if a["kind"] == "excursion"]
    assert all(a["detail"]["value"] > 8 for a in excursions)
    client = TestClient(create_app())
    auth = {"Authorization": f"Bearer {admin_token}"}
    listed = client.get("/api/v1/trade/alerts", params={"status": "open"}, headers=auth).json()
    target = listed[0]["id"]
    bad = client.post(f"/api/v1/trade/alerts/{target}/resolve", json={}, headers=auth)
    assert bad.status_code == 422
    ok = client.post(f"/api/v1/trade/alerts/{target}/resolve", json={"note": "已处理"}, headers=auth)
    assert ok.status_code == 200 and ok.json()["status"] == "resolved"
    assert client.post("/api/v1/trade/alerts/999999/acknowledge", json={}, headers=auth).status_code == 404
    assert client.get("/api/v1/trade/consignments", headers=auth).status_code == 200
