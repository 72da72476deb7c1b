"""Placement inference and analysts' overrides (which persist and win on every re-run)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.chains.placement import goods_words, infer_candidates, override, run_placement
from chainatlas.chains.templates import load_chains
from chainatlas.exchange.importer import import_files
from tests.helpers.atlas import L2, N4, write_files


def _placements(engine: Engine, uscc: str) -> dict[str, tuple[str, float]]:
    with engine.connect() as conn:
        rows = conn.execute(select(db.placement).where(db.placement.c.uscc == uscc)).mappings().all()
    return {r["segment_code"]: (r["evidence"], r["confidence"]) for r in rows}


def test_inference_evidence_and_confidence() -> None:
    chains = tuple(c for c in load_chains() if c.id == "nev")
    cands = infer_candidates(chains, {"A": "C3841", "B": None, "C": "C3612"},
                             {"B": {"nev.cell": 80.0, "nev.pack": 20.0}}, {"C": ["新能源汽车整车（示例）"]}, {})
    assert cands[("A", "nev.cell")] == (0.3, "industry_code")  # C3841 points to two nev segments
    assert cands[("B", "nev.cell")] == (0.88, "supply_link")  # 0.6 + 0.35 × 0.8
    assert cands[("B", "nev.pack")] == (0.67, "supply_link")
    assert cands[("C", "nev.vehicle")] == (0.7, "product_keyword")
    assert "新能源汽车" in goods_words(["新能源汽车整车（示例）"], {"新能源汽车"})


def test_undeclared_firms_are_placed_and_overrides_win_on_rerun(engine: Engine, tmp_path: Path) -> None:
    ents, _placements_file, links = write_files(tmp_path)
    assert import_files([ents, links], engine=engine).ok  # no declared placements
    report = run_placement(engine, "nev")
    assert report.by_evidence.get("supply_link", 0) > 0
    assert _placements(engine, N4)["nev.auto_chip"][0] == "supply_link"  # sells only chips to chain buyers
    override(engine, uscc=N4, segment_code="nev.auto_chip", action="move", to_segment="nev.power_semi", actor="analyst-1")
    override(engine, uscc=L2, segment_code="nev.pack", action="confirm", actor="analyst-2")
    run_placement(engine, "nev")  # inference would put N4 back on auto_chip; the analyst's move wins
    n4 = _placements(engine, N4)
    assert "nev.auto_chip" not in n4 and n4["nev.power_semi"] == ("analyst", 1.0)
    assert _placements(engine, L2)["nev.pack"] == ("analyst", 1.0)
    override(engine, uscc=N4, segment_code="nev.power_semi", action="remove", actor="analyst-1")
    run_placement(engine, "nev")
    assert "nev.power_semi" not in _placements(engine, N4)
    with engine.connect() as conn:
        log = conn.execute(select(db.placement_override.c.actor, db.placement_override.c.action)).all()
    assert [tuple(r) for r in log] == [("analyst-1", "move"), ("analyst-2", "confirm"), ("analyst-1", "remove")]


def test_declared_placements_are_kept(engine: Engine, tmp_path: Path) -> None:
    assert import_files(write_files(tmp_path), engine=engine).ok
    run_placement(engine)
    assert _placements(engine, L2) == {"nev.pack": ("declared", 1.0)}


def test_tax_code_prefix_is_the_strongest_inferred_evidence() -> None:
    from chainatlas.chains.templates import Chain

    chain = Chain.model_validate({"id": "toy", "name_zh": "玩具链", "name_en": "toy", "segments": [
        {"code": "cell", "name_zh": "电芯", "name_en": "cell", "stage": "upstream", "feeds_into": ["pack"],
         "tax_code_prefixes": ["1090512"], "keywords": ["电芯"]},
        {"code": "pack", "name_zh": "电池包", "name_en": "pack", "stage": "downstream"}]})
    cands = infer_candidates((chain,), {}, {}, {"T": ["电芯（示例）"]}, {"T": ["1090512010000000000"]})
    assert cands[("T", "toy.cell")] == (0.85, "tax_code")
