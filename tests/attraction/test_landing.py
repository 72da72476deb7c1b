""""If landed": the demo city's missing 车规芯片 (nev.auto_chip) segment, with its top attraction target landed in
Zhengzhou, has one local firm more and is no longer missing; the snapshot itself is untouched."""

from __future__ import annotations

from sqlalchemy import Engine

from chainatlas.analysis.snapshot import load_snapshot
from chainatlas.analysis.targets import attraction_targets
from chainatlas.attraction.landing import if_landed


def test_the_top_target_of_a_missing_segment_landed(demo_engine: Engine) -> None:
    snap = load_snapshot(demo_engine)
    target = attraction_targets(snap, "nev", home="4101", segment="nev.auto_chip", top=1)["items"][0]
    r = if_landed(snap, "nev", home="4101", uscc=target["uscc"], segment_code="nev.auto_chip", region_code="410122")
    assert r["before"]["status"] == "missing" and r["before"]["local_enterprises"] == 0
    assert r["after"]["local_enterprises"] == 1 and r["after"]["status"] != "missing" and r["changed"]
    # what it already sold to the chain's local firms is now a local purchase
    assert r["after"]["inputs_local_value_yuan"] >= r["before"]["inputs_local_value_yuan"] + target["supply_value_yuan"] * 0.999
    again = if_landed(snap, "nev", home="4101", uscc=target["uscc"], segment_code="nev.auto_chip")
    assert again["before"] == r["before"] and again["region_code"] == "410100"  # the snapshot was not changed
