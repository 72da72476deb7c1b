"""The frame store: derived frames kept per database instance and data version, read back by a later process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from chainatlas.analysis import snapshot as snapshot_module
from chainatlas.analysis.atlas import chain_atlas
from chainatlas.analysis.framestore import FrameStore
from chainatlas.analysis.snapshot import Snapshot, from_files, load_snapshot
from chainatlas.analysis.supporting_rate import leaders_rates
from chainatlas.analysis.targets import attraction_targets
from chainatlas.exchange.importer import import_files
from chainatlas.settings import get_settings
from tests.helpers.atlas import write_files


def test_round_trip_missing_and_damaged(tmp_path: Path) -> None:
    store = FrameStore(tmp_path, "db-1:v1")
    frame = pl.DataFrame({"a": [1, 2], "b": ["x", None]})
    assert store.load(("k",)) is None
    store.save(("k",), frame)
    store.save(("d",), {"one": frame, "two": frame.head(1)})
    loaded = store.load(("k",))
    assert isinstance(loaded, pl.DataFrame) and loaded.equals(frame)
    both = store.load(("d",))
    assert isinstance(both, dict) and list(both) == ["one", "two"] and both["two"].equals(frame.head(1))
    assert FrameStore(tmp_path, "db-1:v2").load(("k",)) is None  # another data version reads nothing
    entry = next(p for p in (tmp_path / store.namespace).iterdir() if (p / "0.arrow").exists() and not (p / "1.arrow").exists())
    (entry / "0.arrow").write_bytes(b"not arrow")  # a damaged entry is a missing one, never an error
    assert store.load(("k",)) is None


def test_only_the_newest_namespaces_are_kept(tmp_path: Path) -> None:
    for v in range(5):
        FrameStore(tmp_path, f"db:{v}", keep=3).save(("k",), pl.DataFrame({"v": [v]}))
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 3
    assert FrameStore(tmp_path, "db:4").load(("k",)) is not None


def _raising() -> pl.DataFrame:
    raise AssertionError("the table was read although the stored frames answer")


def _files(engine: Engine, tmp_path: Path) -> tuple[Path, Path, Path, pl.DataFrame]:
    """The hand-computed atlas fixture (imported) as the Parquet files of a snapshot."""
    from chainatlas.analysis.snapshot import ENTERPRISE_COLS

    assert import_files(write_files(tmp_path / "csv"), engine=engine).ok
    snap = load_snapshot(engine)
    paths = tmp_path / "enterprises.parquet", tmp_path / "placements.parquet", tmp_path / "links.parquet"
    snap.enterprises.select(ENTERPRISE_COLS).write_parquet(paths[0])
    snap.placements.write_parquet(paths[1])
    snap.links.write_parquet(paths[2])
    return *paths, snap.segments


def test_a_later_process_reads_the_stored_frames_not_the_tables(engine: Engine, tmp_path: Path) -> None:
    ents, pls, links, segs = _files(engine, tmp_path)
    store = tmp_path / "frames"
    first = from_files(ents, pls, links, segs, store=store)
    atlas = chain_atlas(first, "nev", home="4101", period="2025")
    rates = leaders_rates(first, home="4101")
    assert any(s["inputs_value_yuan"] for s in atlas["segments"])  # the fixture has purchases
    # a new snapshot of the same files whose tables cannot be read: everything comes from the store
    again = from_files(ents, pls, links, segs, store=store)
    blind = Snapshot(_raising, _raising, _raising, segs, again.version, again.as_of, store=again.store)
    assert chain_atlas(blind, "nev", home="4101", period="2025") == atlas
    assert leaders_rates(blind, home="4101").equals(rates)
    # targets were not asked of the first snapshot, so the blind one cannot answer them…
    with pytest.raises(AssertionError, match="was read"):
        attraction_targets(blind, "nev", home="4101", period="2025")
    targets = attraction_targets(first, "nev", home="4101", period="2025")
    assert targets["items"]  # the fixture has a non-local supplier on a gap segment
    # …until a snapshot has computed them: then a new one reads their pool from the store
    blind = Snapshot(_raising, _raising, _raising, segs, again.version, again.as_of, store=again.store)
    assert attraction_targets(blind, "nev", home="4101", period="2025") == targets
    # without a store the same blind snapshot must read its tables
    with pytest.raises(AssertionError, match="was read"):
        chain_atlas(Snapshot(_raising, _raising, _raising, segs, again.version, again.as_of), "nev", home="4101")


def test_a_changed_file_is_never_answered_from_old_frames(engine: Engine, tmp_path: Path) -> None:
    ents, pls, links, segs = _files(engine, tmp_path)
    store = tmp_path / "frames"
    before = chain_atlas(from_files(ents, pls, links, segs, store=store), "nev", home="4101", period="2025")
    frame = pl.read_parquet(links)
    frame.with_columns(pl.col("value_yuan") * 2).write_parquet(links)
    after = chain_atlas(from_files(ents, pls, links, segs, store=store), "nev", home="4101", period="2025")
    total = sum(s["inputs_value_yuan"] for s in before["segments"])
    assert sum(s["inputs_value_yuan"] for s in after["segments"]) == pytest.approx(2 * total)


@pytest.fixture()
def fresh_process() -> None:
    """Forget the snapshots of this process, as a restart would."""
    snapshot_module._cache.clear()


def test_database_snapshots_use_the_store_across_restarts(any_engine: Engine, tmp_path: Path, fresh_process: None) -> None:
    store = get_settings().resolved_frame_store()
    assert store is not None
    assert import_files(write_files(tmp_path), engine=any_engine).ok
    first = load_snapshot(any_engine)
    assert first.store is not None
    atlas = chain_atlas(first, "nev", home="4101", period="2025")
    snapshot_module._cache.clear()
    restarted = load_snapshot(any_engine)
    assert restarted is not first and restarted.store is not None
    assert restarted.store.namespace == first.store.namespace
    # the restarted process answers from the stored frames: its tables are never read
    blind = Snapshot(_raising, _raising, _raising, restarted.segments, restarted.version, restarted.as_of,
                     store=restarted.store)
    assert chain_atlas(blind, "nev", home="4101", period="2025") == atlas
    # an import makes a new namespace, and the atlas follows the new data
    assert import_files(write_files(tmp_path / "again", scale_values=3.0), engine=any_engine).ok
    newer = load_snapshot(any_engine)
    assert newer.store is not None and newer.store.namespace != first.store.namespace
    assert chain_atlas(newer, "nev", home="4101", period="2025") != atlas


def test_a_copy_that_diverges_gets_its_own_frames(engine: Engine, tmp_path: Path, fresh_process: None) -> None:
    """A copy of a database keeps the instance id and numbers its imports from the same point; the stored frames
    of one copy must never answer for the other."""
    from chainatlas import db

    assert import_files(write_files(tmp_path / "base"), engine=engine).ok
    copy_path = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(str(engine.url.database)), sqlite3.connect(str(copy_path))
    with dst:
        src.backup(dst)  # the WAL too, which a file copy would miss
    src.close()
    dst.close()
    copy = db.make_engine(f"sqlite:///{copy_path}")
    assert import_files(write_files(tmp_path / "a", scale_values=2.0), engine=engine).ok
    assert import_files(write_files(tmp_path / "b", scale_values=5.0), engine=copy).ok
    one, other = load_snapshot(engine), load_snapshot(copy)
    assert one.version == other.version  # same counters: the in-memory data version cannot tell them apart
    assert one.store is not None and other.store is not None and one.store.namespace != other.store.namespace
    a = chain_atlas(one, "nev", home="4101", period="2025")
    b = chain_atlas(other, "nev", home="4101", period="2025")
    assert a != b


def test_an_import_prepares_every_request_of_the_new_version(any_engine: Engine, tmp_path: Path, fresh_process: None) -> None:
    """refresh.after_import (called by every import command) computes the frames of every chain, the target pools
    and the leaders' rates, so that a restarted process answers each of them without reading a table."""
    from chainatlas.refresh import after_import

    assert import_files(write_files(tmp_path), engine=any_engine).ok
    assert after_import(any_engine, written=False) == {}
    done = after_import(any_engine, written=True)
    assert "nev" in done["analysis"]["chains"] and set(done["products"]) >= {"chain_segments"}
    prepared = load_snapshot(any_engine)
    snapshot_module._cache.clear()
    restarted = load_snapshot(any_engine)
    assert restarted.store is not None
    blind = Snapshot(_raising, _raising, _raising, restarted.segments, restarted.version, restarted.as_of,
                     store=restarted.store)
    for chain in done["analysis"]["chains"]:
        assert chain_atlas(blind, chain, home="4101") == chain_atlas(prepared, chain, home="4101")
        assert attraction_targets(blind, chain, home="4101") == attraction_targets(prepared, chain, home="4101")
    assert leaders_rates(blind, home="4101").equals(leaders_rates(prepared, home="4101"))
