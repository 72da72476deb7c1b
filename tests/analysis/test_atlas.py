"""The atlas, supporting rates and targets on a hand-computed fixture, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from sqlalchemy import Engine

from chainatlas.analysis.atlas import chain_atlas
from chainatlas.analysis.snapshot import Snapshot, load_snapshot
from chainatlas.analysis.supporting_rate import leaders_rates, multi_tier_rate, supporting_rate
from chainatlas.analysis.targets import attraction_targets
from chainatlas.exchange.importer import import_files
from tests.helpers.atlas import L1, L2, L3, L4, N1, N3, N4, write_files


@pytest.fixture()
def snap(any_engine: Engine, tmp_path: Path) -> Snapshot:
    assert import_files(write_files(tmp_path), engine=any_engine).ok
    return load_snapshot(any_engine)


def _seg(atlas: dict, code: str) -> dict:  # type: ignore[type-arg]
    return next(s for s in atlas["segments"] if s["code"] == code)


def test_segment_statuses_and_counts(snap: Snapshot) -> None:
    a = chain_atlas(snap, "nev", home="4101", period="2025")
    pack = _seg(a, "nev.pack")
    # local chain buyers: L1, L2, L3, L4. Pack goods they bought: L2→L1 300, N1→L1 100, L3→L1 100
    assert (pack["inputs_value_yuan"], pack["inputs_local_value_yuan"]) == (500, 400)
    assert pack["local_share"] == pytest.approx(0.8)
    assert (pack["local_enterprises"], pack["above_scale"], pack["srdi_or_little_giant"]) == (2, 1, 1)
    assert pack["output_value_yuan"] == 300 and pack["local_suppliers_serving"] == 2
    assert pack["status"] == "medium"  # 0.8 ≥ 0.5 but only 2 local firms (< 3 for strong)
    ore = _seg(a, "nev.lithium")  # 40 local of 40 + 60 + 50
    assert ore["local_share"] == pytest.approx(40 / 150) and ore["status"] == "medium"
    chip = _seg(a, "nev.auto_chip")
    assert chip["inputs_value_yuan"] == 120 and chip["status"] == "missing"
    car = _seg(a, "nev.vehicle")
    assert car["inputs_value_yuan"] == 0 and car["chain_leaders"] == 1 and car["status"] == "weak"
    assert _seg(a, "nev.cathode")["status"] == "missing"
    flows = {(f["from_segment"], f["to_segment"]): f for f in a["flows"]}
    assert flows[("nev.pack", "nev.vehicle")]["local_share"] == pytest.approx(0.8)
    assert flows[("nev.auto_chip", "nev.pack")]["value_yuan"] == 120


def test_supporting_rates(snap: Snapshot) -> None:
    chain = supporting_rate(snap, home="4101", chain="nev", period="2025")["rows"][0]
    assert (chain["numerator"], chain["denominator"]) == (440, 770)  # 400 + 40 of 500 + 150 + 120
    province = supporting_rate(snap, home="41", chain="nev", period="2025")["rows"][0]
    assert province["numerator"] == 550  # Luoyang's ore (110) becomes local
    leader = leaders_rates(snap, home="4101").filter(period="2025").to_dicts()
    assert [(r["buyer_uscc"], r["rate"]) for r in leader] == [(L1, pytest.approx(0.8))]
    # the all-leaders table is kept per snapshot and home: another home is computed afresh, a chain filters it
    elsewhere = leaders_rates(snap, home="99", buyers_home="4101").filter(period="2025").to_dicts()
    assert [(r["buyer_uscc"], r["numerator"], r["denominator"]) for r in elsewhere] == [(L1, 0, 500)]
    assert leaders_rates(snap, home="4101", chain="nev").equals(leaders_rates(snap, home="4101"))
    assert leaders_rates(snap, home="4101", chain="no-such-chain").height == 0
    assert leaders_rates(snap, home="4101").filter(period="2025").to_dicts() == leader
    trend = supporting_rate(snap, home="4101", buyer=L2)["rows"]
    assert [(r["period"], r["rate"]) for r in trend] == [("2024", 0.0), ("2025", pytest.approx(40 / 150))]


def test_multi_tier_rate(snap: Snapshot) -> None:
    # tier 1: 400/500. N1 (non-local) buys 25 from local L4 and 25 from non-local N2 → e(N1) = 0.5,
    # so tier 2 adds 100 × 0.5: 450/500. N2 buys nothing → tier 3 = tier 2.
    rows = multi_tier_rate(snap, buyer=L1, period="2025", home="4101", tiers=3)
    assert [r["rate"] for r in rows] == [pytest.approx(0.8), pytest.approx(0.9), pytest.approx(0.9)]


def test_targets_in_hand_computed_order(snap: Snapshot) -> None:
    t = attraction_targets(snap, "nev", home="4101", segment="nev.auto_chip", period="2025")
    assert [i["uscc"] for i in t["items"]] == [N4, N3]
    n4, n3 = t["items"]
    assert n4["components"] == {"supply": 1.0, "buyers": 1.0, "size": 1.0, "growth": 1.0, "tier": 0.7, "fit": 1.0,
                                "proximity": 0.6}
    assert n4["score"] == pytest.approx(0.93, abs=1e-4)
    assert n3["components"]["supply"] == pytest.approx(math.log(31) / math.log(91), abs=1e-4)
    assert n3["components"]["growth"] == 0.5 and n3["components"]["proximity"] == 0.2
    assert n3["score"] == pytest.approx(0.5992, abs=1e-3)
    gaps = attraction_targets(snap, "nev", home="4101", period="2025")
    assert "nev.auto_chip" in gaps["segments"] and "nev.pack" not in gaps["segments"]
    assert {i["uscc"] for i in gaps["items"]} >= {N3, N4} and L2 not in {i["uscc"] for i in gaps["items"]}
    assert N1 not in {i["uscc"] for i in t["items"]} and L4 not in {i["uscc"] for i in t["items"]}
    assert L3 not in {i["uscc"] for i in gaps["items"]}
