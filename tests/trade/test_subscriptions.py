"""EPCIS named queries and webhook subscriptions: stream after capture, scheduled reports with their record-time
window, signatures, retries after a failed delivery — on SQLite and PostgreSQL, and through the REST binding."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.clock import to_utc
from chainatlas.trade import intake, repository
from chainatlas.trade import subscriptions as subs
from chainatlas.trade.capture import check_document
from tests.helpers.epcis import SCHEMA, load

OFFICIAL = jsonschema_rs.Draft7Validator(load(SCHEMA), validate_formats=False)


class Receiver:
    """A local webhook endpoint that records what it gets and answers with ``status``."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Event()  # set on each call: tests wait on it, not in a polling loop
        self.status = 204
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.calls.append(({k.lower(): v for k, v in self.headers.items()}, self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(outer.status)
                self.end_headers()
                outer.arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def docs(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.calls]


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


def _doc(steps: list[str], serial: int) -> dict[str, Any]:
    evs = [{"type": "ObjectEvent", "eventTime": f"2026-03-0{i + 1}T08:00:00Z", "eventTimeZoneOffset": "+08:00",
            "epcList": [f"urn:epc:id:sgtin:6901234.000001.{serial}"], "action": "OBSERVE", "bizStep": step}
           for i, step in enumerate(steps)]
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": "2026-03-03T00:00:00Z", "epcisBody": {"eventList": evs}}


def _events(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"])


def test_named_query_rules(any_engine: Engine) -> None:
    subs.create_query(any_engine, "shipping", {"EQ_bizStep": ["shipping"]}, "t")
    with pytest.raises(subs.Conflict):
        subs.create_query(any_engine, "shipping", {"EQ_bizStep": ["receiving"]}, "t")
    with pytest.raises(repository.QueryError):
        subs.create_query(any_engine, "bad", {"GE_eventTime": "yesterday"}, "t")
    with pytest.raises(repository.QueryError):
        subs.create_query(any_engine, "has space", {}, "t")
    intake.capture(any_engine, _doc(["shipping", "receiving"], 1), "t")
    assert [e["bizStep"] for e in subs.run_query(any_engine, "shipping")["events"]] == ["shipping"]
    assert [q["name"] for q in subs.list_queries(any_engine)] == ["shipping"]


def test_stream_subscription_gets_each_capture_signed(any_engine: Engine, receiver: Receiver) -> None:
    subs.create_query(any_engine, "shipping", {"EQ_bizStep": ["shipping"]}, "t")
    created = subs.subscribe(any_engine, "shipping", {"dest": receiver.url, "signatureToken": "s3cret", "stream": True}, "t")
    assert created["stream"] is True and "signatureToken" not in created and created["signed"] is True
    intake.capture(any_engine, _doc(["shipping", "receiving"], 1), "t")  # before: delivered in a thread
    assert receiver.arrived.wait(10)
    assert len(receiver.calls) == 1
    headers, body = receiver.calls[0]
    assert headers["gs1-signature"] == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    doc = json.loads(body)
    assert [e["bizStep"] for e in _events(doc)] == ["shipping"]
    assert list(OFFICIAL.iter_errors(doc)) == []
    # a capture without a match sends nothing; the next match only its own events
    subs.deliver_capture(any_engine, dt.datetime(2000, 1, 1), wait=True)
    assert len(receiver.calls) == 1
    job = repository.store(any_engine, check_document(_doc(["shipping"], 2)), "t")
    subs.deliver_capture(any_engine, to_utc(job["createdAt"]), wait=True)
    assert [e["epcList"][0][-1] for e in _events(receiver.docs()[-1])] == ["2"]


def test_scheduled_subscription_reports_what_was_recorded_since(any_engine: Engine, receiver: Receiver) -> None:
    subs.create_query(any_engine, "all", {}, "t")
    with pytest.raises(ValueError, match="exactly one"):
        subs.subscribe(any_engine, "all", {"dest": receiver.url}, "t")
    with pytest.raises(ValueError, match="hour"):
        subs.subscribe(any_engine, "all", {"dest": receiver.url, "schedule": {"hour": "25"}}, "t")
    sub = subs.subscribe(any_engine, "all", {"dest": receiver.url, "schedule": {"hour": "1", "minute": "5"},
                                             "reportIfEmpty": True, "initialRecordTime": "2000-01-01T00:00:00Z"}, "t")
    job = repository.store(any_engine, check_document(_doc(["shipping", "receiving"], 1)), "t")
    recorded = to_utc(job["createdAt"])
    day = recorded.date() + dt.timedelta(days=1)
    assert subs.run_due(any_engine, dt.datetime.combine(day, dt.time(1, 4))) == 0  # not its minute
    receiver.status = 500  # the subscriber fails: the report stays due
    assert subs.run_due(any_engine, dt.datetime.combine(day, dt.time(1, 5))) == 0
    receiver.status = 204
    assert subs.run_due(any_engine, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(1, 5))) == 1
    assert len(_events(receiver.docs()[-1])) == 2  # both events, sent again after the failure
    assert subs.run_due(any_engine, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(1, 5))) == 0  # once a minute
    assert subs.run_due(any_engine, dt.datetime.combine(day + dt.timedelta(days=2), dt.time(1, 5))) == 1
    assert _events(receiver.docs()[-1]) == []  # nothing new, reportIfEmpty
    got = subs.get_subscription(any_engine, "all", sub["subscriptionID"])
    assert got["lastNotifiedAt"].startswith((day + dt.timedelta(days=2)).isoformat())
    subs.delete_query(any_engine, "all")
    with pytest.raises(subs.NotFound):
        subs.get_subscription(any_engine, "all", sub["subscriptionID"])


def test_rest_binding_for_queries(demo_engine: Engine, admin_token: str, receiver: Receiver) -> None:
    from chainatlas.web.app import create_app

    client = TestClient(create_app())
    h = {"Authorization": f"Bearer {admin_token}"}
    body = {"name": "releases", "query": {"EQ_bizStep": ["urn:chainatlas:bizstep:releasing"], "perPage": 5}}
    made = client.post("/epcis/queries", json=body, headers=h)
    assert made.status_code == 201 and made.headers["Location"] == "/epcis/queries/releases"
    assert client.post("/epcis/queries", json=body, headers=h).status_code == 409
    bad = client.post("/epcis/queries", json={"name": "x", "query": {"EQ_nonsense": "1"}}, headers=h)
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    page = client.get("/epcis/queries/releases/events", headers=h)
    assert page.status_code == 200 and len(_events(page.json())) == 5 and 'rel="next"' in page.headers["Link"]
    assert list(OFFICIAL.iter_errors(page.json())) == []
    sub = client.post("/epcis/queries/releases/subscriptions", json={"dest": receiver.url, "stream": True}, headers=h)
    assert sub.status_code == 201, sub.text
    sid = sub.json()["subscriptionID"]
    assert client.get(f"/epcis/queries/releases/subscriptions/{sid}", headers=h).json()["stream"] is True
    assert [s["subscriptionID"] for s in client.get("/epcis/queries/releases/subscriptions", headers=h).json()] == [sid]
    assert client.delete(f"/epcis/queries/releases/subscriptions/{sid}", headers=h).status_code == 204
    assert client.delete("/epcis/queries/releases", headers=h).status_code == 204
    assert client.get("/epcis/queries/releases", headers=h).status_code == 404


def test_an_enterprise_queries_only_the_events_it_captured(any_engine: Engine) -> None:
    a, b = "91410100MA0000000A", "91410100MA0000000B"
    intake.capture(any_engine, _doc(["shipping"], 1), "firm-a", owner=a)
    intake.capture(any_engine, _doc(["receiving"], 2), "firm-b", owner=b)
    intake.capture(any_engine, _doc(["shipping"], 1), "firm-b", owner=b)  # the same event, captured again by B
    intake.capture(any_engine, _doc(["packing"], 3), "official")
    def serials(owner: str | None) -> list[str]:
        return sorted(e["epcList"][0][-1] for e in repository.query(any_engine, {}, owner)["events"])
    assert serials(a) == ["1"]
    assert serials(b) == ["1", "2"]
    assert serials(None) == ["1", "2", "3"]
    assert serials("91410100MA0000000C") == []


def test_rest_binding_scopes_an_enterprise_to_its_own_events(demo_engine: Engine, admin_token: str) -> None:
    from sqlalchemy import select

    from chainatlas import db
    from chainatlas.governance.principals import add_user, issue_token
    from chainatlas.web.app import create_app

    client = TestClient(create_app())
    with demo_engine.connect() as conn:
        firm = conn.execute(select(db.enterprise.c.uscc).order_by(db.enterprise.c.uscc.desc()).limit(1)).scalar_one()
    add_user(demo_engine, "epcis-firm", "enterprise", enterprise=firm)
    h = {"Authorization": f"Bearer {issue_token(demo_engine, 'epcis-firm')}"}
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert client.get("/epcis/events", headers=h).json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []
    mine = client.post("/epcis/capture", json=_doc(["shipping", "receiving"], 77), headers=h)
    assert mine.status_code == 202, mine.text
    got = _events(client.get("/epcis/events?perPage=100", headers=h).json())
    assert sorted(e["bizStep"] for e in got) == ["receiving", "shipping"]
    assert len(_events(client.get("/epcis/events?perPage=100", headers=admin).json())) == 100  # officials: all
    other = client.post("/epcis/capture", json=_doc(["packing"], 78), headers=admin).json()["captureID"]
    assert client.get(f"/epcis/capture/{other}", headers=h).status_code == 404
    assert client.get(f"/epcis/capture/{mine.json()['captureID']}", headers=h).status_code == 200
    assert client.get("/epcis/bizSteps", headers=h).status_code == 403  # browsing the whole repository: officials


def test_wd_follows_the_master_data_hierarchy(any_engine: Engine) -> None:
    """WD_bizLocation: the location or any below it in the master data captured with the documents."""
    site, hall, door = (f"urn:epc:id:sgln:6901234.00001.{x}" for x in ("0", "1", "2"))
    other = "urn:epc:id:sgln:6901234.00002.0"
    doc = _doc(["shipping", "shipping", "shipping"], 5)
    for ev, loc in zip(doc["epcisBody"]["eventList"], (hall, door, other), strict=True):
        ev["bizLocation"] = {"id": loc}
    doc["epcisHeader"] = {"epcisMasterData": {"vocabularyList": [{
        "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
        "vocabularyElementList": [
            {"id": site, "attributes": [{"id": "urn:epcglobal:cbv:mda#name", "attribute": "示例园区"}], "children": [hall]},
            {"id": hall, "children": [door]}]}]}}
    job = intake.capture(any_engine, doc, "t")
    assert job["success"], job["errors"]

    def locations(params: dict[str, Any]) -> list[str]:
        return sorted(e["bizLocation"]["id"][-1] for e in repository.query(any_engine, params)["events"])

    assert locations({"WD_bizLocation": site}) == ["1", "2"]  # the hall and its door, not the other site
    assert locations({"WD_bizLocation": hall}) == ["1", "2"]
    assert locations({"EQ_bizLocation": site}) == []
    assert locations({"WD_bizLocation": door}) == ["2"]
    assert locations({"WD_bizLocation": other}) == ["0"]


def test_gs1_epc_format_negotiation(demo_engine: Engine, admin_token: str) -> None:
    from chainatlas.web.app import create_app

    client = TestClient(create_app())
    h = {"Authorization": f"Bearer {admin_token}"}
    doc = _doc(["shipping"], 4242)
    doc["epcisBody"]["eventList"].append({**doc["epcisBody"]["eventList"][0], "eventTime": "2026-03-02T08:00:00Z",
                                          "epcList": ["https://id.gs1.org/01/06901234000023/21/DL1"]})
    assert client.post("/epcis/capture", json=doc, headers=h).status_code == 202
    urn = "urn:epc:id:sgtin:6901234.000001.4242"
    default = client.get("/epcis/events", params={"MATCH_epc": urn}, headers=h)
    assert default.headers["GS1-EPC-Format"] == "Always_GS1_Digital_Link"
    assert _events(default.json())[0]["epcList"] == ["https://id.gs1.org/01/06901234000016/21/4242"]
    kept = client.get("/epcis/events", params={"MATCH_epc": urn}, headers={**h, "GS1-EPC-Format": "Never_Translates"})
    assert _events(kept.json())[0]["epcList"] == [urn]
    as_urn = client.get("/epcis/events", params={"MATCH_epc": urn}, headers={**h, "GS1-EPC-Format": "Always_EPC_URN"})
    assert as_urn.status_code == 200 and _events(as_urn.json())[0]["epcList"] == [urn]
    dl = client.get("/epcis/events", params={"MATCH_epc": "https://id.gs1.org/01/06901234000023/21/DL1"},
                    headers={**h, "GS1-EPC-Format": "Always_EPC_URN"})
    assert dl.status_code == 406 and dl.headers["content-type"].startswith("application/problem+json")
    assert client.get("/epcis/events", headers={**h, "GS1-EPC-Format": "Sometimes"}).status_code == 400
