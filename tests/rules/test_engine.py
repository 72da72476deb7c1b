"""The rules engine on a rule set small enough to check by hand: three-valued leaves, Kleene ``all_of``/``any_of``,
score bounds over unknown items, "short" counts, and the explanation's threshold and gap."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from chainatlas.rules.engine import (
    col,
    compile_rule_set,
    evaluate,
    explain,
    missing_inputs,
    status_word,
    unmet_leaves,
)
from chainatlas.rules.model import parse_rule_set

ON = dt.date(2026, 6, 1)


def _label(x: str) -> dict[str, str]:
    return {"zh": x, "en": x}


RULE = parse_rule_set({
    "id": "toy", "label": _label("toy"), "effective_from": "2026-01-01", "reference": "hand-made",
    "rule": {"id": "ok", "label": _label("ok"), "all_of": [
        {"id": "big", "label": _label("big"), "input": "revenue_yuan", "op": ">=", "value": 1000},
        {"id": "either", "label": _label("either"), "any_of": [
            {"id": "sme", "label": _label("sme"), "input": "is_sme", "is": True},
            {"id": "young", "label": _label("young"), "input": "years", "op": "<", "value": 3}]},
        {"id": "score", "label": _label("score"), "score": {"min": 10, "items": [
            {"id": "rd", "label": _label("rd"), "input": "rd_ratio",
             "bands": [{"min": 0.05, "points": 10}, {"min": 0.02, "max": 0.05, "points": 5}]},
            {"id": "ip", "label": _label("ip"), "input": "ip_class", "points": {"a": 5, "b": 0}}]}}]}},
    "toy.yaml")


def _rows(*firms: dict[str, Any]) -> list[dict[str, Any]]:
    schema = {"revenue_yuan": pl.Float64, "is_sme": pl.Boolean, "years": pl.Float64, "rd_ratio": pl.Float64,
              "ip_class": pl.String}
    frame = pl.DataFrame([{k: f.get(k) for k in schema} for f in firms], schema=schema)
    return evaluate(frame, [compile_rule_set(RULE, ON)]).to_dicts()


def test_kleene_logic_over_unknown_inputs() -> None:
    met, unknown_sme, unmet_big, no_score = _rows(
        {"revenue_yuan": 2000, "is_sme": True, "rd_ratio": 0.06, "ip_class": "b"},   # 10 + 0 ≥ 10
        {"revenue_yuan": 2000, "years": 5, "rd_ratio": 0.06, "ip_class": "a"},       # sme unknown, young unmet
        {"revenue_yuan": 500, "is_sme": None, "rd_ratio": 0.06, "ip_class": "a"},    # unmet AND unknown = unmet
        {"revenue_yuan": 2000, "is_sme": True, "rd_ratio": 0.03},                    # 5 + (0..5): 5..10
    )
    ok = col(RULE, "ok")
    assert [met[ok], unknown_sme[ok], unmet_big[ok], no_score[ok]] == [True, None, False, None]
    assert unknown_sme[col(RULE, "either")] is None  # unknown OR unmet = unknown
    assert (no_score[col(RULE, "score", "lo")], no_score[col(RULE, "score", "hi")]) == (5.0, 10.0)
    assert unmet_big[col(RULE, "ok", "short")] == 1 and met[col(RULE, "ok", "short")] == 0
    assert [status_word(v) for v in (True, False, None)] == ["met", "unmet", "unknown"]


def test_explanation_threshold_gap_and_what_to_provide() -> None:
    (row,) = _rows({"revenue_yuan": 700, "years": 5, "rd_ratio": 0.03, "ip_class": "b"})
    tree = explain(row, RULE, ON)
    assert tree["status"] == "unmet" and tree["short"] == 2  # big and the score (5 < 10); "either" waits on is_sme
    big = next(k for k in tree["children"] if k["id"] == "big")
    assert (big["value"], big["threshold"], big["gap"]) == (700, ">= 1000", 300)
    rd = tree["children"][2]["children"][0]
    assert rd["points"] == 5 and rd["gap"] == pytest.approx(0.02)  # to the 10-point band at 0.05
    assert missing_inputs(tree) == ["is_sme"]
    # the any_of branch closest to being met is the unknown one (provide is_sme), so "young" is not listed
    assert {leaf["id"] for leaf in unmet_leaves(tree)} == {"big", "rd", "ip"}
