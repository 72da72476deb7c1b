"""Disruption scenarios on small networks whose week-by-week answer is derived by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from chainatlas.analysis.snapshot import Snapshot
from chainatlas.registry.uscc import make_uscc
from chainatlas.risk.scenario import Disruption, ScenarioSpec, compare, parse_disruption, run_scenario

S1 = make_uscc("91410105MA4TXC001")  # supplier, Zhengzhou
S2 = make_uscc("91320505MA4TXC002")  # supplier, Suzhou
L = make_uscc("91410105MA4TXC003")  # chain leader, Zhengzhou


def snapshot(links: list[tuple[str, str, str, float]], revenue: dict[str, float]) -> Snapshot:
    regions = {S1: "410105", S2: "320505", L: "410105"}
    ents = pl.DataFrame({"uscc": list(regions), "name": ["S1", "S2", "L"], "country_code": ["CN"] * 3,
                         "region_code": list(regions.values()), "revenue_yuan": [revenue.get(u, 0.0) for u in regions],
                         "is_chain_leader": [False, False, True]})
    placements = pl.DataFrame({"uscc": [L, S1], "segment_code": ["nev.vehicle", "nev.pack"], "evidence": ["t", "t"],
                               "confidence": [1.0, 1.0]})
    segs = pl.DataFrame({"code": ["nev.vehicle", "nev.pack"], "chain_id": ["nev", "nev"], "name_zh": ["整车", "电池包"],
                         "name_en": ["vehicle", "pack"], "stage": ["down", "mid"], "is_key": [True, True],
                         "feeds_into": [[], ["nev.vehicle"]]})
    lk = pl.DataFrame(links, schema=["supplier_uscc", "buyer_uscc", "segment_code", "value_yuan"], orient="row")
    return Snapshot(ents, placements, lk.with_columns(pl.lit("2025").alias("period")), segs, "test", dt.date(2025, 12, 31))


def leader(result: dict[str, object]) -> dict[str, object]:
    return next(r for r in result["leaders"] if r["uscc"] == L)  # type: ignore[attr-defined, union-attr]


def test_a_buffer_delays_the_impact_and_recovery_ramps_up() -> None:
    # S1 → L: 5,200 a year = 100 a week; L makes 10,400 a year = 200 a week. S1 stops for 2 weeks, L holds 1 week of
    # stock, S1 takes 2 weeks to recover (½ in week 2, full in week 3). One week of transport lead time:
    # week 0: L gets S1's week −1 (100) → full; week 1: gets 0, uses its stock → full, stock 0;
    # week 2: gets 0 → level 0; week 3: gets S1's ½ of week 2 → ½; week 4: full. Lost: (1 + ½) × 200 = 300.
    snap = snapshot([(S1, L, "nev.pack", 5200.0)], {L: 10400.0})
    res = run_scenario(snap, ScenarioSpec("t", [Disruption("enterprise", S1)], weeks=2, stock_weeks=1, recovery_weeks=2))
    row = leader(res)
    assert row["lost_output_yuan"] == pytest.approx(300.0) and row["first_impact_week"] == 2
    assert row["min_level"] == 0.0 and row["weeks_impacted"] == 2
    assert res["summary"]["disrupted"] == 1 and res["summary"]["impacted_leaders"] == 1
    # S1 itself (local): weeks 0, 1 at 0, week 2 at ½ → 2.5 weeks of its 100 a week
    nev = res["chains"][0]
    assert nev["chain_id"] == "nev" and nev["lost_output_yuan"] == pytest.approx(300.0 + 250.0)
    assert nev["first_impact_week"] == 0 and nev["impacted"] == 2
    more_stock = run_scenario(snap, ScenarioSpec("t", [Disruption("enterprise", S1)], weeks=2, stock_weeks=3, recovery_weeks=2))
    assert leader(more_stock)["lost_output_yuan"] == 0 and leader(more_stock)["first_impact_week"] is None


def test_a_second_source_keeps_its_share() -> None:
    # L buys packs from S1 (60 a week) and S2 (40 a week), no stock. S1 stops for 3 weeks, recovers at once:
    # weeks 1–3 L gets 40 of 100 → level 0.4; lost 3 × 0.6 × 200 = 360. Stopping Suzhou (region 3205) instead
    # costs 3 × 0.4 × 200 = 240; stopping the pack segment costs 3 × 200.
    snap = snapshot([(S1, L, "nev.pack", 3120.0), (S2, L, "nev.pack", 2080.0)], {L: 10400.0})
    runs = {}
    for what in ("enterprise:" + S1, "3205", "segment:nev.pack"):
        runs[what] = run_scenario(snap, ScenarioSpec(what, [parse_disruption(what)], weeks=3, stock_weeks=0, recovery_weeks=1))
    assert leader(runs["enterprise:" + S1])["lost_output_yuan"] == pytest.approx(360.0)
    assert leader(runs["3205"])["lost_output_yuan"] == pytest.approx(240.0)
    assert leader(runs["segment:nev.pack"])["lost_output_yuan"] == pytest.approx(600.0)
    assert all(leader(r)["first_impact_week"] == 1 for r in runs.values())
    side = compare(list(runs.values()))
    assert side[0]["uscc"] == L and side[0]["lost_2"] == pytest.approx(600.0) and side[0]["lost_1"] == pytest.approx(240.0)
    timeline = runs["segment:nev.pack"]["timeline"]
    assert timeline[0]["local_output_level"] == 1.0 and timeline[1]["local_output_level"] < 1.0


def test_bad_disruptions_are_refused_in_both_languages() -> None:
    snap = snapshot([(S1, L, "nev.pack", 5200.0)], {})
    with pytest.raises(ValueError, match="cannot read"):
        parse_disruption("somewhere")
    with pytest.raises(ValueError, match="appears in the supply links"):
        run_scenario(snap, ScenarioSpec("t", [parse_disruption("country:JP")], weeks=2))
    with pytest.raises(ValueError, match="no supply links with a positive value in 2030"):  # fuzz found a 500 here
        run_scenario(snap, ScenarioSpec("t", [parse_disruption("41")], weeks=2, period="2030"))
    with pytest.raises(ValueError, match="no supply links with a positive value in 2025"):
        run_scenario(snapshot([(S1, L, "nev.pack", 0.0)], {}), ScenarioSpec("t", [parse_disruption("41")], weeks=2))
    with pytest.raises(ValueError, match="weeks must be > 0"):
        run_scenario(snap, ScenarioSpec("t", [parse_disruption("41")], weeks=0))
