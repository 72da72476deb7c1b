"""Properties of the local supporting rate on random supply networks (Hypothesis)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.analysis.snapshot import Snapshot
from chainatlas.analysis.supporting_rate import supporting_rate

REGIONS = ["410105", "410122", "410302", "320505", "440305"]  # two in Zhengzhou, one elsewhere in Henan, two beyond
SEGMENTS = pl.DataFrame({"code": ["nev.cell", "nev.pack"], "chain_id": ["nev", "nev"], "name_zh": ["电芯", "电池包"],
                         "name_en": ["cell", "pack"], "stage": ["midstream", "midstream"], "is_key": [True, True],
                         "feeds_into": [["nev.pack"], []]})


def _snapshot(regions: list[str], links: list[tuple[int, int, float]]) -> Snapshot:
    ents = pl.DataFrame({"uscc": [f"E{i}" for i in range(len(regions))], "name": [f"e{i}" for i in range(len(regions))],
                         "region_code": regions, "country_code": ["CN"] * len(regions)})
    placements = pl.DataFrame({"uscc": ents["uscc"], "segment_code": ["nev.pack"] * len(regions),
                               "evidence": ["declared"] * len(regions), "confidence": [1.0] * len(regions)})
    lk = pl.DataFrame({"supplier_uscc": [f"E{s}" for s, _, _ in links], "buyer_uscc": [f"E{b}" for _, b, _ in links],
                       "period": ["2025"] * len(links), "segment_code": ["nev.cell"] * len(links),
                       "value_yuan": [v for _, _, v in links]}, schema={"supplier_uscc": pl.String, "buyer_uscc": pl.String,
                                                                        "period": pl.String, "segment_code": pl.String,
                                                                        "value_yuan": pl.Float64})
    return Snapshot(ents, placements, lk, SEGMENTS, "test", None)


networks = st.integers(min_value=2, max_value=8).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from(REGIONS), min_size=n, max_size=n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.01, 1e9)), min_size=1, max_size=20),
))


def _rate(snap: Snapshot, home: str, **kw: str) -> float | None:
    rows = supporting_rate(snap, home=home, buyers_home="4101", **kw)["rows"]  # type: ignore[arg-type]
    return rows[0]["rate"] if rows else None


@settings(max_examples=60, deadline=None)
@given(networks)
def test_rates_lie_in_unit_interval_and_widen_with_home(net: tuple[list[str], list[tuple[int, int, float]]]) -> None:
    regions, links = net
    snap = _snapshot(regions, links)
    for b in {f"E{b}" for _, b, _ in links}:
        city, province = _rate(snap, "4101", buyer=b), _rate(snap, "41", buyer=b)
        assert city is not None and province is not None
        assert 0.0 <= city <= 1.0 + 1e-12 and 0.0 <= province <= 1.0 + 1e-12
        assert province >= city - 1e-12  # widening the home area never lowers a rate
    chain_city, chain_prov = _rate(snap, "4101", chain="nev"), _rate(snap, "41", chain="nev")
    if chain_city is not None:
        assert chain_prov is not None and chain_prov >= chain_city - 1e-12


@settings(max_examples=60, deadline=None)
@given(networks, st.floats(0.01, 1e9))
def test_buying_more_from_a_local_supplier_never_lowers_the_rate(net: tuple[list[str], list[tuple[int, int, float]]],
                                                                  extra: float) -> None:
    regions, links = net
    regions = ["410105", *regions]  # E0 is a local supplier
    links = [(s + 1, b + 1, v) for s, b, v in links]
    buyer = links[0][1]
    before = _rate(_snapshot(regions, links), "4101", buyer=f"E{buyer}")
    after = _rate(_snapshot(regions, [*links, (0, buyer, extra)]), "4101", buyer=f"E{buyer}")
    assert before is not None and after is not None and after >= before - 1e-12
