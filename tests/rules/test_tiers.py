"""Tier rule sets chosen by date, explanations, the tier card, pools — and rule files that are wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from chainatlas.rules import tiers
from chainatlas.rules.engine import explain, leaves, missing_inputs
from chainatlas.rules.model import RuleError, parse_rule_set
from tests.helpers.rules import frame_of

# A firm that meets 专精特新 under the 2022 standard (score path) but lacks MIIT's evaluation score that the
# 2026 measures ask for: on 2026-03-31 it qualifies; on 2026-04-01 it is unknown until the firm reports the score.
FIRM = {"is_sme": True, "is_innovative": True, "years_in_niche": 4, "rd_spend_yuan": 3_000_000, "rd_ratio": 0.06,
        "rd_ratio_prev": 0.05, "revenue_yuan": 50_000_000, "main_business_share": 0.85, "main_revenue_growth": 0.12,
        "key_field": True, "strategic_emerging": True, "digital_level": 3, "quality_items": 2, "net_margin": 0.09,
        "debt_ratio": 0.45, "distinctive_score": 10, "ip_class": "own_class1", "rd_staff_share": 0.15,
        "rd_institution_level": "provincial", "class1_ip_count": 3}


def _eval(firm: dict[str, object], on: dt.date) -> dict[str, object]:
    return tiers.evaluate_tiers(frame_of(firm), on).row(0, named=True)


def test_same_firm_before_and_after_the_2026_measures() -> None:
    before, after = dt.date(2026, 3, 31), dt.date(2026, 4, 1)
    assert tiers.sets_on(before)["specialised"].id == "specialised_2022"
    assert tiers.sets_on(after)["specialised"].id == "specialised_2026"
    row = _eval(FIRM, before)
    # score: share 5 + growth 10 + niche 2 + field 5 + digital 5 + quality 5 + margin 8 + debt 5 + distinctive 10
    #        + ip 8 + rd max(6, 6) + staff 3 + institution 8 = 80
    assert row["specialised_2022:score:lo"] == row["specialised_2022:score:hi"] == 80
    assert row["specialised_2022:qualifies"] is True
    row = _eval(FIRM, after)
    assert row["specialised_2026:qualifies"] is None  # unknown: MIIT's score not reported
    tree = explain(row, tiers.sets_on(after)["specialised"], after)
    assert missing_inputs(tree) == ["miit_eval_score"]
    assert _eval({**FIRM, "miit_eval_score": 50}, after)["specialised_2026:qualifies"] is True
    assert _eval({**FIRM, "miit_eval_score": 49.5}, after)["specialised_2026:qualifies"] is False


def test_no_tier_rule_before_the_2022_measures() -> None:
    assert "specialised" not in tiers.sets_on(dt.date(2022, 5, 31))


def test_explanation_carries_value_threshold_gap_and_citation() -> None:
    on = dt.date(2026, 4, 1)
    row = _eval({**FIRM, "main_business_share": 0.75, "miit_eval_score": 55}, on)
    tree = explain(row, tiers.sets_on(on)["specialised"], on)
    share = next(x for x in leaves(tree) if x["id"] == "share")
    assert share["status"] == "unmet" and share["value"] == 0.75 and share["threshold"] == ">= 0.8"
    assert share["gap"] == pytest.approx(0.05)
    assert tree["status"] == "unmet" and tree["short"] == 1
    assert "2026" in tiers.sets_on(on)["specialised"].reference


def test_tier_card_names_what_is_missing_for_the_next_tier() -> None:
    on = dt.date(2026, 4, 1)
    card = tiers.card(_eval({**FIRM, "miit_eval_score": 55}, on) | {"uscc": "X", "name": "x"}, on)
    assert card["current"] == "specialised" and card["next"] == "little_giant"
    giant = next(t for t in card["tiers"] if t["tier"] == "little_giant")
    unmet = {u["id"] for u in giant["unmet"]}
    assert {"share", "miit_score", "ip"} <= unmet  # 0.85 < 0.90, 55 < 60, 3 < 4 class-I IP
    assert "rd_spend_2y_yuan" in giant["missing"]


def test_pools_and_counts() -> None:
    on = dt.date(2026, 4, 1)
    frame = pl.concat([frame_of({**FIRM, "miit_eval_score": 55}).with_columns(pl.lit("A").alias("uscc")),
                       frame_of({**FIRM, "miit_eval_score": 45}).with_columns(pl.lit("B").alias("uscc"))], how="diagonal_relaxed")
    frame = frame.with_columns(pl.Series("district", ["410105", "410105"]))
    s = tiers.summary(tiers.evaluate_tiers(frame, on), on).join(frame.select("uscc", "district"), on="uscc")
    pool = tiers.pools(s)
    assert ("B", "specialised") in set(zip(pool["uscc"], pool["tier"], strict=True))  # one criterion short
    counts = tiers.status_counts(s, "district").filter(pl.col("tier") == "specialised").row(0, named=True)
    assert counts["met"] == 1 and counts["pool"] == 1


def test_rule_file_errors_say_where_and_why(tmp_path: Path) -> None:
    bad = {"id": "x", "label": {"zh": "x", "en": "x"}, "effective_from": "2026-01-01",
           "rule": {"id": "r", "label": {"zh": "r", "en": "r"}, "input": "no_such_input", "op": ">=", "value": 1}}
    with pytest.raises(RuleError) as err:
        parse_rule_set(bad, "x.yaml", {"rd_ratio"})
    assert "x.yaml/r" in str(err.value) and "no_such_input" in str(err.value)
    bad["rule"] = {"id": "r", "label": {"zh": "r", "en": "r"}, "input": "rd_ratio", "op": "≥", "value": 1}
    with pytest.raises(RuleError, match="op"):
        parse_rule_set(bad, "x.yaml", {"rd_ratio"})
    bad["rule"] = {"id": "r", "input": "rd_ratio", "op": ">=", "value": 1}
    with pytest.raises(RuleError, match="label"):
        parse_rule_set(bad, "x.yaml", {"rd_ratio"})


def test_a_local_folder_plugs_in_the_citys_own_chain_leader_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainatlas.settings import get_settings

    (tmp_path / "tiers").mkdir()
    (tmp_path / "tiers" / "zz_chain_leader.yaml").write_text("""
id: chain_leader_zz
tier: chain_leader
label: {zh: 链主企业（某市规则）, en: Chain leader (a city's rule)}
effective_from: 2026-01-01
reference: {doc: 某市文件（测试）}
rule:
  id: qualifies
  label: {zh: 营业收入≥50亿元, en: revenue ≥ 5 billion yuan}
  input: revenue_yuan
  op: ">="
  value: 5000000000
""", encoding="utf-8")
    monkeypatch.setenv("CHAINATLAS_RULES_DIR", str(tmp_path))
    get_settings.cache_clear()
    tiers.load_sets.cache_clear()
    try:
        on = dt.date(2026, 6, 30)
        assert tiers.sets_on(on)["chain_leader"].id == "chain_leader_zz"  # the later effective_from wins
        assert tiers.sets_on(dt.date(2025, 6, 30))["chain_leader"].id == "chain_leader_example"
        assert _eval({"revenue_yuan": 6e9}, on)["chain_leader_zz:qualifies"] is True
    finally:
        monkeypatch.delenv("CHAINATLAS_RULES_DIR")
        get_settings.cache_clear()
        tiers.load_sets.cache_clear()
