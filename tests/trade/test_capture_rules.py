"""Capture refuses what EPCIS 2.0 refuses beyond its JSON Schema — each case written from the standard's text, with
the pointer of the offending member as the expected answer — and the refusal is all-or-nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.trade import repository
from chainatlas.trade.capture import check_document
from tests.helpers.epcis import REFERENCE, load

BASE = load(REFERENCE / "gs1" / "JSON" / "Example_9.6.1-ObjectEvent.jsonld")
GOOD = BASE["epcisBody"]["eventList"][0]
T = {"eventTime": "2026-03-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00"}
SGTIN = "urn:epc:id:sgtin:0614141.107346.2017"


def _doc(*events: dict[str, Any], **top: Any) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    d["epcisBody"]["eventList"] = [copy.deepcopy(GOOD), *events]
    d.update(top)
    return d


def _without(ev: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in ev.items() if k not in keys}


REFUSED = [
    # §7.4: exactly five event types
    ("unknown event type", _doc({**GOOD, "type": "TeleportEvent"}), "/epcisBody/eventList/1/type"),
    ("extension event type as a bare word", _doc({**T, "type": "ShipmentEvent", "action": "OBSERVE"}),
     "/epcisBody/eventList/1/type"),
    # §9.2: user extensions are namespaced, with a prefix the @context declares
    ("unprefixed event field", _doc({**GOOD, "temperature": 5}), "/epcisBody/eventList/1/temperature"),
    ("undeclared prefix", _doc({**GOOD, "acme:temperature": 5}), "/epcisBody/eventList/1/acme:temperature"),
    ("unprefixed document field", _doc(note="x"), "/note"),
    ("field of another event type", _doc({**GOOD, "childEPCs": [SGTIN]}), "/epcisBody/eventList/1/childEPCs"),
    # §7.4.6: a transformation has no action
    ("action on a TransformationEvent", _doc({**T, "type": "TransformationEvent", "action": "ADD",
                                             "inputEPCList": [SGTIN]}), "/epcisBody/eventList/1"),
    # §7.4.5: a TransactionEvent names its business transactions
    ("TransactionEvent without bizTransactionList", _doc({**T, "type": "TransactionEvent", "action": "ADD",
                                                         "epcList": [SGTIN]}), "/epcisBody/eventList/1"),
    # §7.4.3 / §7.4.7: ADD and DELETE name the parent
    ("AggregationEvent ADD without parentID", _doc({**T, "type": "AggregationEvent", "action": "ADD",
                                                   "childEPCs": [SGTIN]}), "/epcisBody/eventList/1/parentID"),
    # §7.4.2: action is ADD, OBSERVE or DELETE
    ("unknown action", _doc({**GOOD, "action": "MOVE"}), "/epcisBody/eventList/1/action"),
    # §7.3.8: ILMD only when objects come into being
    ("ILMD on OBSERVE", _doc({**GOOD, "ilmd": {"ex:lot": "1"}}), "/epcisBody/eventList/1"),
]
ACCEPTED = [
    ("declared prefix", _doc({**GOOD, "ex:temperature": 5}, **{"@context": [*BASE["@context"], {"ex": "https://ex.example/"}]})),
    ("absolute IRI as a member name", _doc({**GOOD, "https://ex.example/temperature": 5})),
    ("prefix declared by the EPCIS context", _doc({**GOOD, "rdfs:comment": "ok"})),
    ("AggregationEvent OBSERVE without parentID", _doc({**T, "type": "AggregationEvent", "action": "OBSERVE",
                                                       "childEPCs": [SGTIN]})),
    ("persistentDisposition on an AggregationEvent", _doc({**T, "type": "AggregationEvent", "action": "ADD",
                                                          "parentID": "urn:epc:id:sscc:0614141.1234567890",
                                                          "childEPCs": [SGTIN], "persistentDisposition": {"set": ["completeness_verified"]}})),
]


@pytest.mark.parametrize(("doc", "pointer"), [(d, p) for _, d, p in REFUSED], ids=[n for n, _, _ in REFUSED])
def test_refused_with_the_offending_member(doc: dict[str, Any], pointer: str) -> None:
    checked = check_document(doc)
    assert not checked.ok and not checked.events
    assert pointer in [p.pointer for p in checked.problems], [p.as_dict() for p in checked.problems]
    assert all(" / " in p.as_dict()["detail"] for p in checked.problems)  # Chinese and English


@pytest.mark.parametrize("doc", [d for _, d in ACCEPTED], ids=[n for n, _ in ACCEPTED])
def test_accepted(doc: dict[str, Any]) -> None:
    checked = check_document(doc)
    assert checked.ok, [p.as_dict() for p in checked.problems]
    assert len(checked.events) == 2


def test_a_bad_event_refuses_the_whole_document_and_stores_nothing(demo_copy: Engine, admin_token: str) -> None:
    from chainatlas.web.app import create_app

    client = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    before = repository.count(demo_copy)
    good_and_bad = _doc({**GOOD, "type": "TeleportEvent", "epcList": ["urn:epc:id:sgtin:0614141.107346.9999"]})
    good_and_bad["epcisBody"]["eventList"][0]["epcList"] = ["urn:epc:id:sgtin:0614141.107346.9998"]
    r = client.post("/epcis/capture", content=json.dumps(good_and_bad), headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and any(e["pointer"] == "/epcisBody/eventList/1/type" for e in r.json()["errors"])
    assert repository.count(demo_copy) == before
