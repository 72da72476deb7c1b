"""SimpleEventQuery (EPCIS 2.0 §8.2.7.1) beyond the basics, each parameter written from the standard's text with its
answer worked out by hand on the five events below: company-prefix patterns, sensor filters, error-declaration
filters, extension fields (top level, nested, ILMD, error declaration), eventCountLimit / maxEventCount, and times
that must carry a zone; and the REST binding's exception types."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.trade import repository
from chainatlas.trade.capture import check_document
from tests.helpers.epcis import days

EX = "https://ns.example.com/epcis/"


def _ev(day: int, epc: str, **fields: Any) -> dict[str, Any]:
    return {"type": "ObjectEvent", "eventTime": f"2026-03-0{day}T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
            "epcList": [epc], "action": "OBSERVE", **fields}


EVENTS = [
    _ev(1, "urn:epc:id:sgtin:0614141.107346.1", **{
        "ex:lot": "L1",
        "sensorElementList": [{"sensorMetadata": {"time": "2026-03-01T08:00:00+08:00", "deviceID": "urn:epc:id:giai:4000001.111"},
                               "sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"},
                                                {"type": "gs1:RelativeHumidity", "value": 60, "uom": "A93", "percRank": 50}]}]}),
    _ev(2, "urn:epc:id:sgtin:4012345.011111.2", **{
        "ex:carrier": {"ex:name": "Acme", "ex:weight": 12},
        "sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": 9.0, "uom": "CEL",
                                                 "time": "2026-03-02T09:00:00+08:00"}]}]}),
    _ev(3, "https://id.gs1.org/01/10614141073464/21/3", action="ADD",
        ilmd={"ex:bestBefore": "2026-12-31", "ex:batch": {"ex:line": "B"}},
        sensorElementList=[{"sensorReport": [{"type": "Temperature", "value": 48.2, "uom": "FAH"}]}]),
    _ev(4, "urn:epc:id:sgtin:0614141.107346.4",
        errorDeclaration={"declarationTime": "2026-03-04T10:00:00+08:00", "reason": "incorrect_data",
                          "correctiveEventIDs": ["urn:uuid:fix-1"], "ex:ticket": "T-9"},
        sensorElementList=[{"sensorReport": [{"type": "Temperature", "minValue": 2, "maxValue": 8, "meanValue": 5,
                                              "uom": "CEL"}]}]),
    _ev(5, "urn:epc:id:sgtin:06141412.00001.5"),  # company prefix 06141412: not 0614141
    {"type": "TransformationEvent", "eventTime": "2026-03-06T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
     "transformationID": "urn:epc:id:gdti:0614141.12345.400", "bizStep": "commissioning",
     "inputQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200, "uom": "KGM"}],
     "outputQuantityList": [{"epcClass": "urn:epc:class:lgtin:0614141.011111.L7", "quantity": 40}],
     "persistentDisposition": {"set": ["completeness_verified"]}},
]


@pytest.fixture()
def events(any_engine: Engine) -> Engine:
    doc = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": EX}],
           "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-03-06T00:00:00Z",
           "epcisBody": {"eventList": EVENTS}}
    checked = check_document(doc)
    assert checked.ok, [p.as_dict() for p in checked.problems]
    repository.store(any_engine, checked, "test")
    return any_engine


HAND = [
    # "urn:epc:idpat:sgtin:0614141.*.*": every SGTIN of company prefix 0614141 — as URN (1, 4) or Digital Link (3)
    ({"MATCH_epc": "urn:epc:idpat:sgtin:0614141.*.*"}, ["01", "03", "04"]),
    ({"MATCH_anyEPC": "urn:epc:idpat:sgtin:0614141.*.*"}, ["01", "03", "04"]),
    ({"MATCH_epc": "urn:epc:idpat:sgtin:4012345.*.*"}, ["02"]),
    ({"MATCH_epc": "urn:epc:idpat:sgtin:06141412.*.*"}, ["05"]),
    # sensor reports
    ({"EXISTS_sensorElementList": ""}, ["01", "02", "03", "04"]),
    ({"EQ_type": "Temperature"}, ["01", "02", "03", "04"]),
    ({"EQ_type": "gs1:RelativeHumidity"}, ["01"]),
    ({"EQ_type": "RelativeHumidity"}, ["01"]),
    ({"GE_value_CEL": "8"}, ["02"]),  # 48.2 °F is not converted: compared in the unit named only
    ({"LT_value_CEL": "5"}, ["01"]),
    ({"GT_value_FAH": "40"}, ["03"]),
    ({"EQ_value_A93": "60"}, ["01"]),
    ({"GE_maxValue_CEL": "8"}, ["04"]),
    ({"LT_minValue_CEL": "3"}, ["04"]),
    ({"GE_percRank": "50"}, ["01"]),
    ({"GT_percRank": "50"}, []),
    ({"EQ_deviceID": "https://id.gs1.org/8004/4000001111"}, ["01"]),  # the metadata's giai:4000001.111
    ({"GE_time": "2026-03-02T00:00:00Z"}, ["02"]),  # report time 01:00Z; event 1's metadata time is 03-01 00:00Z
    # error declarations
    ({"EQ_errorReason": "incorrect_data"}, ["04"]),
    ({"EQ_errorReason": "urn:epcglobal:cbv:er:incorrect_data"}, ["04"]),
    ({"EQ_correctiveEventID": "urn:uuid:fix-1"}, ["04"]),
    ({"GE_errorDeclarationTime": "2026-03-04T02:00:00Z"}, ["04"]),
    ({"LT_errorDeclarationTime": "2026-03-04T02:00:00Z"}, []),
    ({"EXISTS_errorDeclaration": ""}, ["04"]),
    # user extensions: top level, nested (INNER_), ILMD, error declaration
    ({"EQ_ex:lot": "L1"}, ["01"]),
    ({"EQ_ex:lot": "L2"}, []),
    ({"EXISTS_ex:lot": ""}, ["01"]),
    ({"EXISTS_ex:carrier": ""}, ["02"]),
    ({"EQ_ex:name": "Acme"}, []),  # not a top-level field
    ({"EQ_INNER_ex:name": "Acme"}, ["02"]),
    ({"GE_INNER_ex:weight": "10"}, ["02"]),
    ({"LT_INNER_ex:weight": "10"}, []),
    ({"EQ_INNER_ex:weight": "12"}, ["02"]),
    ({"EQ_ILMD_ex:bestBefore": "2026-12-31"}, ["03"]),
    ({"EXISTS_INNER_ILMD_ex:line": ""}, ["03"]),
    ({"EXISTS_ILMD_ex:line": ""}, []),
    ({"EQ_ERROR_DECLARATION_ex:ticket": "T-9"}, ["04"]),
    ({"EQ_type": "Temperature", "EQ_ex:lot": "L1"}, ["01"]),  # with AND
    # transformation ID (GDTI 061414112345 + check digit 2 + serial 400), quantity classes and quantities
    ({"EQ_transformationID": "urn:epc:id:gdti:0614141.12345.400"}, ["06"]),
    ({"EQ_transformationID": "https://id.gs1.org/253/0614141123452400"}, ["06"]),
    ({"MATCH_inputEPCClass": "urn:epc:class:lgtin:4012345.012345.998877"}, ["06"]),
    ({"MATCH_outputEPCClass": "urn:epc:idpat:sgtin:0614141.011111.*"}, ["06"]),
    ({"MATCH_inputEPCClass": "urn:epc:idpat:sgtin:0614141.011111.*"}, []),
    ({"EQ_quantity_KGM": "200"}, ["06"]),
    ({"GE_quantity_KGM": "250"}, []),
    ({"EQ_quantity": "40"}, ["06"]),
    ({"EQ_quantity": "200"}, []),  # that quantity has a unit
    ({"EQ_persistentDisposition_set": "completeness_verified"}, ["06"]),
    ({"EQ_persistentDisposition_unset": "completeness_verified"}, []),
]


@pytest.mark.parametrize(("params", "expected"), HAND, ids=[next(iter(p)) + "=" + next(iter(p.values())) for p, _ in HAND])
def test_parameters_answer_as_derived_by_hand(events: Engine, params: dict[str, str], expected: list[str]) -> None:
    assert days(events, params) == expected


def test_prefixes_from_the_gs1_extensions_header(events: Engine) -> None:
    assert days(events, {"EQ_other:lot": "L1"}, {"other": EX}) == ["01"]  # the same namespace under another prefix
    assert days(events, {"EQ_other:lot": "L1"}) == []


def test_event_count_limit_and_max_event_count(events: Engine) -> None:
    asc = {"orderBy": "eventTime", "orderDirection": "ASC"}
    r = repository.query(events, {**asc, "eventCountLimit": "2"})
    assert [e["eventTime"][8:10] for e in r["events"]] == ["01", "02"] and r["next_page_token"] is None
    first = repository.query(events, {**asc, "eventCountLimit": "2", "perPage": "1"})
    assert [e["eventTime"][8:10] for e in first["events"]] == ["01"] and first["next_page_token"]
    second = repository.query(events, {**asc, "eventCountLimit": "2", "perPage": "1", "nextPageToken": first["next_page_token"]})
    assert [e["eventTime"][8:10] for e in second["events"]] == ["02"] and second["next_page_token"] is None
    with pytest.raises(repository.QueryTooLarge, match="4 events match"):
        repository.query(events, {"EXISTS_sensorElementList": "", "maxEventCount": "3"})
    assert len(repository.query(events, {"EXISTS_sensorElementList": "", "maxEventCount": "4"})["events"]) == 4
    with pytest.raises(repository.QueryError, match="together"):
        repository.query(events, {"eventCountLimit": "1", "maxEventCount": "1"})
    with pytest.raises(repository.QueryError, match="positive integer"):
        repository.query(events, {"eventCountLimit": "0"})


@pytest.mark.parametrize("value", ["2026-03-01T10:00:00", "2026-03-01", "2026-03-01T10:00"])
def test_times_without_a_zone_are_refused(events: Engine, value: str) -> None:
    with pytest.raises(repository.QueryError, match="zone"):
        repository.query(events, {"GE_eventTime": value})


def test_rest_binding_names_the_epcis_exception(demo_engine: Engine, admin_token: str) -> None:
    from chainatlas.web.app import create_app

    client = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    bad = client.get("/epcis/events", params={"GE_eventTime": "2026-03-01T10:00:00"})
    assert bad.status_code == 400 and bad.json()["type"] == "epcisException:QueryParameterException"
    unknown = client.get("/epcis/events", params={"EQ_noSuchParameter": "x"})
    assert unknown.status_code == 400 and unknown.json()["type"] == "epcisException:QueryParameterException"
    big = client.get("/epcis/events", params={"maxEventCount": "1"})
    assert big.status_code == 413 and big.json()["type"] == "epcisException:QueryTooLargeException"
    missing = client.get("/epcis/events/urn:uuid:none")
    assert missing.status_code == 404 and missing.json()["type"] == "epcisException:NoSuchResourceException"


BOL = "urn:epcglobal:cbv:bt:0614141000005:BL-77"
PALLET = "urn:epc:id:sscc:0614141.1234567890"


def _journey() -> list[dict[str, Any]]:
    """17 events of one bill of lading and one pallet: times with ties (the id breaks them), the bill named twice on
    one event, the pallet as an EPC on some events and as the parent of an aggregation on others (another role,
    which MATCH_epc does not look at), and three events of neither."""
    out = []
    for k in range(17):
        ev = _ev(1 + k % 3, PALLET if k % 4 else "urn:epc:id:sgtin:0614141.107346.9",
                 bizTransactionList=[{"type": "bol", "bizTransaction": BOL}] * (2 if k == 5 else 1))
        ev["eventTime"] = f"2026-03-0{1 + k % 3}T0{8 + k % 2}:00:00+08:00"
        ev["ex:n"] = k
        if k % 6 == 0:  # the pallet as a parent instead
            ev = {k2: v for k2, v in ev.items() if k2 != "epcList"} | {"type": "AggregationEvent", "parentID": PALLET,
                                                                        "childEPCs": [f"urn:epc:id:sgtin:0614141.107346.{k}"]}
        out.append(ev)
    return out + [_ev(4, f"urn:epc:id:sgtin:0614141.107346.{100 + k}", **{"ex:n": 100 + k}) for k in range(3)]


@pytest.mark.parametrize("params", [{"EQ_bizTransaction_bol": BOL}, {"MATCH_epc": PALLET}, {"MATCH_anyEPC": PALLET}],
                         ids=["bill of lading", "EPC", "any EPC role"])
def test_one_identifiers_events_page_by_page_in_order(any_engine: Engine, params: dict[str, str]) -> None:
    """A query by one identifier chooses each page inside the side table's index (0021). Paged through 3 at a time
    in both directions, it gives every matching event exactly once, in (event time, id) order, the same as one big
    page and as the events worked out from the document."""
    doc = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": EX}],
           "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-03-06T00:00:00Z",
           "epcisBody": {"eventList": _journey()}}
    checked = check_document(doc)
    assert checked.ok, [p.as_dict() for p in checked.problems]
    repository.store(any_engine, checked, "test")
    name = next(iter(params))
    wanted = [e["ex:n"] for e in _journey() if (BOL in str(e.get("bizTransactionList")) if name.startswith("EQ")
              else PALLET in e.get("epcList", []) or (name == "MATCH_anyEPC" and e.get("parentID") == PALLET))]
    for direction in ("ASC", "DESC"):
        base = {**params, "orderBy": "eventTime", "orderDirection": direction}
        whole = [e["ex:n"] for e in repository.query(any_engine, {**base, "perPage": "100"})["events"]]
        paged, token = [], None
        while True:
            page = repository.query(any_engine, {**base, "perPage": "3", **({"nextPageToken": token} if token else {})})
            assert 1 <= len(page["events"]) <= 3
            paged += [e["ex:n"] for e in page["events"]]
            if not (token := page["next_page_token"]):
                break
        assert paged == whole and sorted(whole) == sorted(wanted) and len(set(whole)) == len(whole)
        times = [(e["eventTime"]) for e in repository.query(any_engine, {**base, "perPage": "100"})["events"]]
        assert times == sorted(times, reverse=direction == "DESC")
    limited = repository.query(any_engine, {**params, "orderDirection": "ASC", "eventCountLimit": "4", "perPage": "3"})
    rest = repository.query(any_engine, {**params, "orderDirection": "ASC", "eventCountLimit": "4", "perPage": "3",
                                         "nextPageToken": limited["next_page_token"]})
    assert len(limited["events"]) == 3 and len(rest["events"]) == 1 and rest["next_page_token"] is None
