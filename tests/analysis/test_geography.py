"""The chain on the map: per-county measures add up to the chain's own totals on the demo city, and a viewer without
row access sees small cells blanked."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.analysis.geography import district_measures
from chainatlas.analysis.snapshot import load_snapshot
from chainatlas.analysis.supporting_rate import supporting_rate
from chainatlas.analysis.views import districts_for
from chainatlas.web.app import create_app


def test_counties_add_up_to_the_chain(demo_engine: Engine) -> None:
    snap = load_snapshot(demo_engine)
    m = district_measures(snap, "nev", home="4101")
    rate = next(r for r in supporting_rate(snap, home="4101", chain="nev")["rows"] if r["period"] == m["period"])
    # every local buyer of the chain is in one county: the counties' numerators and denominators are the chain's
    assert sum(r["rate_numerator"] or 0 for r in m["rows"]) == pytest.approx(rate["numerator"], rel=1e-9)
    assert sum(r["rate_denominator"] or 0 for r in m["rows"]) == pytest.approx(rate["denominator"], rel=1e-9)
    # what the chain's firms buy from local suppliers is bought from some county of the city
    assert sum(r["purchases_yuan"] for r in m["rows"]) == pytest.approx(rate["numerator"], rel=1e-9)
    assert {r["region_code"][:4] for r in m["rows"]} == {"4101"} and len(m["rows"]) == 12


def test_a_segment_narrows_and_suppression_blanks(demo_engine: Engine) -> None:
    snap = load_snapshot(demo_engine)
    whole = {r["region_code"]: r for r in districts_for(demo_engine, snap, "nev", home="4101", rows_ok=True)["rows"]}
    pack = districts_for(demo_engine, snap, "nev", home="4101", segment="nev.pack", rows_ok=False)
    assert pack["suppression"]["min_enterprises"] == 3
    for r in pack["rows"]:
        assert r["enterprises"] <= whole[r["region_code"]]["enterprises"]
        if r["suppliers"] < 3 or r["buyers"] < 3:
            assert r["purchases_yuan"] is None or r["purchases_yuan"] == 0  # a zero reveals nothing and stays
        else:
            assert r["purchases_yuan"] is not None
    assert whole["410105"]["name"] == "金水区"
    with pytest.raises(KeyError):
        districts_for(demo_engine, snap, "nope", home="4101", rows_ok=True)


def test_map_page_twin_exports_and_boundaries(demo_engine: Engine) -> None:
    anon = TestClient(create_app())
    twin = anon.get("/chains/nev/map", params={"format": "json", "segment": "nev.pack"}).json()
    assert twin["segment"] == "nev.pack" and twin["suppression"]
    assert anon.get("/chains/nev/map", params={"format": "csv"}).content.startswith(b"\xef\xbb\xbf")
    geo = anon.get("/maps/district.geojson").json()
    assert {f["properties"]["name"] for f in geo["features"]} == {r["name"] for r in twin["rows"]}
    assert anon.get("/chains/nope/map").status_code == 404
