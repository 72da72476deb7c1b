from pathlib import Path

import polars as pl

from chainatlas.demo.city import MISSING, generate


def test_demo_is_deterministic_and_labelled(tmp_path: Path) -> None:
    a = generate("s", seed=7, out_dir=tmp_path / "a")
    b = generate("s", seed=7, out_dir=tmp_path / "b")
    ea, eb = pl.read_parquet(a.enterprises), pl.read_parquet(b.enterprises)
    assert ea.equals(eb)
    assert pl.read_parquet(a.transactions).equals(pl.read_parquet(b.transactions))
    assert ea.height == 5000 and ea["name"].str.contains("示例").all()


def test_lines_add_up_to_links_and_missing_segments_have_no_local_firms(tmp_path: Path) -> None:
    f = generate("s", seed=11, out_dir=tmp_path)
    txn = pl.read_parquet(f.transactions)
    expected = pl.read_parquet(f.expected_links)
    assert 40_000 <= expected.height <= 60_000
    assert abs(txn["amount_yuan"].sum() - expected["value_yuan"].sum()) < 1.0
    ents = pl.read_parquet(f.enterprises).join(pl.read_parquet(f.placements), on="uscc")
    local_missing = ents.filter(pl.col("segment_code").is_in(list(MISSING)) & pl.col("region_code").str.starts_with("4101"))
    assert local_missing.height == 0
    assert ents.filter(pl.col("is_chain_leader"))["region_code"].str.starts_with("4101").all()
