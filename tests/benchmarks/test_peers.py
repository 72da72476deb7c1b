"""The competent peers of ``benchmarks/peers.py`` give ChainAtlas' answers on the demo city (scale s).

The benchmarks compare speed; these tests keep the comparison honest: a peer that computed something else
(a missed rule, another rounding, a different tie-break) would fail here before any timing is quoted.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
import peers

from chainatlas.analysis.atlas import chain_atlas
from chainatlas.analysis.snapshot import Snapshot, from_files
from chainatlas.analysis.supporting_rate import leaders_rates
from chainatlas.analysis.targets import attraction_targets
from chainatlas.chains.templates import load_chains, segment_rows
from chainatlas.demo.city import DemoFiles, generate
from chainatlas.exchange.importer import import_files
from chainatlas.exchange.validate import Context
from chainatlas.registry.codes import country_codes, industries
from chainatlas.risk.exposure import exposure_many

HOME, CHAIN = "4101", "nev"


def _context(enterprises: Path) -> Context:
    parties = set(pl.read_parquet(enterprises, columns=["uscc"])["uscc"].to_list())
    return Context(frozenset(), {i.code: i.code for i in industries()}, country_codes(),
                   frozenset(c.full_code(s.code) for c in load_chains() for s in c.segments),
                   frozenset(c.id for c in load_chains()), parties)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoFiles, Path]:
    folder = tmp_path_factory.mktemp("peers")
    files = generate("s", out_dir=folder)
    links = folder / "links.parquet"
    report = import_files([files.transactions], dry_run=True, context=_context(files.enterprises), links_out=links,
                          write_reports=False)
    assert report.ok and report.links_from_transactions > 1000
    return files, links


@pytest.fixture(scope="module")
def segments() -> pl.DataFrame:
    _, rows = segment_rows(load_chains())
    return pl.DataFrame(rows).with_columns(pl.col("feeds_into").str.json_decode(pl.List(pl.String))).select(
        "code", "chain_id", "name_zh", "name_en", "stage", "is_key", "feeds_into")


@pytest.fixture(scope="module")
def snap(city: tuple[DemoFiles, Path], segments: pl.DataFrame) -> Snapshot:
    files, links = city
    return from_files(files.enterprises, files.placements, links, segments)


KEYS = ["supplier_uscc", "buyer_uscc", "period", "segment_code"]


def test_duckdb_links_equal_the_import_fast_path(city: tuple[DemoFiles, Path], tmp_path: Path) -> None:
    files, links = city
    out = tmp_path / "duck.parquet"
    stats = peers.links_duckdb(files.transactions, files.enterprises, out)
    assert stats["bad_lines"] == 0 and stats["unknown_parties"] == 0
    ours = pl.read_parquet(links).sort(KEYS)
    theirs = pl.read_parquet(out).select(ours.columns).sort(KEYS)
    assert ours.height == stats["links"]
    assert ours.equals(theirs)


@pytest.mark.parametrize("breakage", ["future_date", "negative_amount", "unknown_buyer", "bad_check_character"])
def test_duckdb_links_refuse_what_the_import_refuses(city: tuple[DemoFiles, Path], tmp_path: Path, breakage: str) -> None:
    """The peer applies the same rules: one broken line, and neither writes links."""
    files, _ = city
    lines = pl.read_parquet(files.transactions)
    first = lines.head(1)
    if breakage == "future_date":
        first = first.with_columns(pl.lit(dt.date.today() + dt.timedelta(days=3)).alias("invoice_date"))
    elif breakage == "negative_amount":
        first = first.with_columns(pl.lit(-5.0).alias("amount_yuan"))
    elif breakage == "unknown_buyer":
        first = first.with_columns(pl.lit("91410100MA00000009").alias("buyer_uscc"))
    else:  # a known-looking code with a wrong check character, added to the register as it is
        code = first["buyer_uscc"][0]
        wrong = code[:17] + ("A" if code[17] != "A" else "B")
        first = first.with_columns(pl.lit(wrong).alias("buyer_uscc"))
        ents = pl.read_parquet(files.enterprises)
        ents = pl.concat([ents, ents.head(1).with_columns(pl.lit(wrong).alias("uscc"), pl.lit("示例坏码").alias("name"))])
        enterprises = tmp_path / "enterprises.parquet"
        ents.write_parquet(enterprises)
    broken = tmp_path / "transactions.parquet"
    pl.concat([first, lines.slice(1)]).write_parquet(broken)
    register = tmp_path / "enterprises.parquet" if breakage == "bad_check_character" else files.enterprises
    ctx = _context(register)
    if breakage == "bad_check_character":  # the register ChainAtlas reads holds only codes that passed the check
        ctx.known_parties.discard(first["buyer_uscc"][0])
    ours = import_files([broken], dry_run=True, context=ctx, links_out=tmp_path / "ours.parquet", write_reports=False)
    stats = peers.links_duckdb(broken, register, tmp_path / "duck.parquet")
    assert not ours.ok and not (tmp_path / "ours.parquet").exists()
    assert stats["bad_lines"] + stats["unknown_parties"] >= 1 and not (tmp_path / "duck.parquet").exists()


def _round(v: Any) -> Any:
    return round(v, 2) if isinstance(v, float) else v


ATLAS_COLUMNS = ["local_enterprises", "above_scale", "srdi_or_little_giant", "chain_leaders", "output_value_yuan",
                 "inputs_value_yuan", "inputs_local_value_yuan", "local_suppliers_serving", "inputs_suppliers", "inputs_buyers"]


@pytest.mark.parametrize("in_memory", [False, True])
def test_duckdb_atlas_leaders_targets_equal_ours(snap: Snapshot, city: tuple[DemoFiles, Path], segments: pl.DataFrame,
                                                 in_memory: bool) -> None:
    files, links = city
    con = peers.duckdb_snapshot(files.enterprises, files.placements, links, segments, in_memory=in_memory)
    period = snap.periods()[-1]
    ours = chain_atlas(snap, CHAIN, home=HOME, period=period)
    theirs = peers.atlas_duckdb(con, CHAIN, HOME, period)
    assert {s["code"]: [_round(s[c]) for c in [*ATLAS_COLUMNS, "status"]] for s in ours["segments"]} == \
           {s["code"]: [_round(s[c]) for c in [*ATLAS_COLUMNS, "status"]] for s in theirs["segments"]}
    flow_keys = ["from_segment", "to_segment", "value_yuan", "local_value_yuan", "suppliers", "local_suppliers", "buyers"]
    assert [[_round(f[k]) for k in flow_keys] for f in ours["flows"]] == [[_round(f[k]) for k in flow_keys] for f in theirs["flows"]]
    assert len(ours["flows"]) > 3
    rates = leaders_rates(snap, home=HOME, buyers_home=HOME).to_dicts()
    assert rates and [[r["buyer_uscc"], r["period"], _round(r["numerator"]), _round(r["denominator"])] for r in rates] == \
        [[r["buyer_uscc"], r["period"], _round(r["numerator"]), _round(r["denominator"])] for r in peers.leaders_duckdb(con, HOME)]
    targets = attraction_targets(snap, CHAIN, home=HOME, period=period, top=20)["items"]
    peer_targets = peers.targets_duckdb(con, CHAIN, HOME, period, 20)
    assert len(targets) >= 5
    assert [(t["uscc"], t["segment_code"], t["score"]) for t in targets] == \
           [(t["supplier_uscc"], t["segment_code"], round(t["score"], 4)) for t in peer_targets]


def test_polars_atlas_and_leaders_equal_ours(snap: Snapshot, city: tuple[DemoFiles, Path], segments: pl.DataFrame) -> None:
    files, links = city
    period = snap.periods()[-1]
    ours = chain_atlas(snap, CHAIN, home=HOME, period=period)["segments"]
    theirs = peers.atlas_polars(files.enterprises, files.placements, links, segments, CHAIN, HOME, period)
    assert {s["code"]: [_round(s[c]) for c in ATLAS_COLUMNS] for s in ours} == \
           {s["code"]: [_round(s[c]) for c in ATLAS_COLUMNS] for s in theirs}
    rates = leaders_rates(snap, home=HOME, buyers_home=HOME).to_dicts()
    assert [[r["buyer_uscc"], r["period"], _round(r["numerator"])] for r in rates] == \
        [[r["buyer_uscc"], r["period"], _round(r["numerator"])] for r in peers.leaders_polars(files.enterprises, links, HOME)]


def test_scipy_exposure_equals_ours(snap: Snapshot) -> None:
    period = snap.periods()[-1]
    leaders = snap.enterprises.filter(pl.col("is_chain_leader").fill_null(False))["uscc"].to_list()
    ours = exposure_many(snap, leaders, tiers=5, period=period)
    theirs, _, _ = peers.exposure_scipy(snap.links, leaders, tiers=5, period=period)
    compared = 0
    for root in leaders:
        mine = {} if root not in ours else {(t, s): w for t, s, w in ours[root][0].select("tier", "supplier_uscc", "weight").iter_rows()}
        peer = {(t, s): w for t, per in theirs[root].items() for s, w in per.items()}
        assert mine.keys() == peer.keys(), root
        assert all(abs(mine[k] - peer[k]) < 1e-12 for k in mine)
        compared += len(mine)
    assert compared > 50


def test_hand_written_polars_rules_equal_the_engine(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The 4 tier rule sets and 20 policies of bench_rules, hand-written in Polars, decide as the engine does for
    every firm of the demo city (status of every rule set and policy, every amount)."""
    import bench_rules

    frame = bench_rules.city_frame("s", tmp_path_factory.mktemp("rules"))
    ours = bench_rules.ours(frame, bench_rules.twenty_policies())
    theirs = peers.rules_polars(frame)
    keys = [k for k in theirs.columns if k != "uscc"]
    assert len(keys) == 4 + 2 * 20 and set(keys) <= set(ours.columns)
    assert ours.select("uscc", *keys).equals(theirs.select("uscc", *keys))
    # the population exercises every outcome of the first tier rules, unknown included
    for k in keys[:2]:
        assert set(theirs[k].to_list()) == {True, False, None}, k


def test_rei_warm_resolve_peer_equals_ours() -> None:
    """The REI lower-bound peer (whole network, one warm re-solve per node) and ours agree on every node, including
    the nodes ours answers by a shortcut (other components, idle nodes, a node that reaches no product)."""
    from chainatlas.risk.rei import TTS_CAP, risk_exposure
    from tests.helpers.rei import layered_network

    net = layered_network(components=2, layers=4, width=12)
    ours = risk_exposure(net, workers=1)
    peer = peers.ReiWarmPeer(net)
    theirs = peer.solve_all([nd.ttr for nd in net.nodes])
    assert len(theirs) == len(net.nodes) == len(ours)
    for j, (pi, tts) in theirs.items():
        assert pi == pytest.approx(ours[j].pi, rel=1e-7, abs=1e-7), net.nodes[j].id
        assert min(tts, TTS_CAP) == pytest.approx(ours[j].tts, rel=1e-7, abs=1e-7), net.nodes[j].id
    assert len([t for t in peer.timings if t[0] >= 0]) == 2 * len(net.nodes)  # one PI and one TTS re-solve per node


def test_jsonb_epcis_peer_answers_ours() -> None:
    """The JSONB+GIN peer of ``bench_epcis`` (with either JSON decoder) and our repository return the same page of
    events for every query the benchmark times, and both equal a scan of the captured document."""
    import bench_epcis

    from chainatlas.bootstrap import init_database
    from chainatlas.trade import repository
    from chainatlas.trade.capture import check_document
    from tests.conftest import pg_schema

    total = 1_800
    doc = bench_epcis.make_doc(0, total)
    events = doc["epcisBody"]["eventList"]
    with pg_schema("peer") as engine:
        init_database(engine)
        checked = check_document(doc)
        assert checked.ok
        repository.store(engine, checked, "test")
        with engine.begin() as conn:
            peers.jsonb_create(conn)
            assert peers.jsonb_capture(conn, doc) == total
        sizes = []
        for _name, params, matches in bench_epcis.queries(total):
            page = int(params["perPage"])
            expected = sorted(((e["eventTime"], e["epcList"][0]) for e in events if matches(e)), reverse=True)[:page]
            ours = [(e["eventTime"], e["epcList"][0]) for e in repository.query(engine, params)["events"]]
            assert ours == expected, params
            for fast in (False, True):
                with engine.connect() as conn:
                    theirs = peers.jsonb_query(conn, params, fast_json=fast)
                assert sorted(((e["eventTime"], e["epcList"][0]) for e in theirs), reverse=True) == expected, params
            sizes.append(len(expected))
    assert min(sizes) >= 1 and max(sizes) == 100  # every kind finds events; some fill a whole page
