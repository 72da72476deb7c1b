"""Consignments and where they go: every demo consignment's destination resolves to a country (IATA airports through
``airportsdata``, UN/LOCODEs by their first two letters), and the shares add up."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from chainatlas.trade.consignments import consignments, destinations_by_country, place_country
from tests.helpers.epcis import DEMO_CONSIGNMENTS


def test_destinations_by_country_on_the_demo(demo_engine: Engine) -> None:
    rows = consignments(demo_engine)
    dests = destinations_by_country(rows)
    assert sum(d["consignments"] for d in dests) == len(rows) == DEMO_CONSIGNMENTS
    assert sum(d["share"] for d in dests) == pytest.approx(1, abs=1e-3)
    assert {"LU", "DE", "MY"} <= {d["country_code"] for d in dests}  # Luxembourg air, Duisburg rail, Kuala Lumpur
    assert [d["consignments"] for d in dests] == sorted((d["consignments"] for d in dests), reverse=True)


def test_place_codes() -> None:
    assert (place_country("CGO"), place_country("NLRTM"), place_country(None), place_country("ZZZ")) == ("CN", "NL", None, None)
