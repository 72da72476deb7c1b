"""The self-assessment: the hand-scored case of docs/digital.md, the three-valued level of a partly answered
questionnaire, answers that do not fit, and the level written where the tier rules read it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from chainatlas.digital import assessment, store
from chainatlas.exchange.importer import import_files
from chainatlas.messages import NotFound
from tests.helpers.digital import ANSWERS
from tests.helpers.exchange import ENTERPRISES, A, write

ON = dt.date(2026, 3, 1)


def test_the_hand_scored_case() -> None:
    r = assessment.assess(ANSWERS, ON)
    assert r["score"] == {"low": 44.0, "high": 44.0, "value": 44.0} and r["level"] == 2
    assert {d["group"]: (d["low"], d["max"]) for d in r["dimensions"]} == {
        "foundation": (12.0, 25.0), "operations": (20.0, 40.0), "management": (6.0, 15.0), "results": (6.0, 20.0)}
    assert sum(q.max_points for q in assessment.questionnaire().questions) == 100
    # the most points lost first: energy (6), then data collection, productivity (5 each, by id), planning (5)
    assert [g["id"] for g in r["gaps"]][:4] == ["energy", "data_collection", "efficiency", "planning"]
    assert r["gaps"][0]["lost"] == 6 and r["gaps"][0]["scenarios"] == ["energy"] and not r["unanswered"]


def test_a_partly_answered_questionnaire_gives_bounds_and_a_level_only_when_they_agree() -> None:
    partial = {k: v for k, v in ANSWERS.items() if k not in ("energy", "talent")}
    r = assessment.assess(partial, ON)
    assert (r["score"]["low"], r["score"]["high"]) == (42.0, 53.0)  # 44 − 2 (talent b) … + 6 + 5
    assert r["level"] == 2 and r["unanswered"] == ["talent", "energy"]
    nothing = assessment.assess({}, ON)
    assert (nothing["score"]["low"], nothing["score"]["high"], nothing["level"], nothing["level_range"]) == (0, 100, None, [0, 4])
    near = assessment.assess({**ANSWERS, "energy": "d", "defects": None}, ON)  # 44 + 6 − 4 → 46, defects 0–7
    assert (near["score"]["low"], near["score"]["high"], near["level"]) == (46.0, 53.0, 2)
    edge = assessment.assess({**ANSWERS, "energy": None}, ON)  # 44 … 50: still level 2
    assert edge["level"] == 2
    top = assessment.assess({q.id: "d" for q in assessment.questionnaire().questions}, ON)
    assert top["score"]["value"] == 100 and top["level"] == 4 and not top["gaps"]


def test_answers_that_do_not_fit_are_refused_in_both_languages() -> None:
    with pytest.raises(assessment.AnswerError) as e:
        assessment.assess({"equipment": "e"}, ON)
    assert "equipment" in e.value.en and "a / b / c / d" in e.value.zh
    with pytest.raises(assessment.AnswerError, match="no item"):
        assessment.assess({"cloud": "a"}, ON)
    with pytest.raises(assessment.AnswerError, match="not in force"):
        assessment.assess(ANSWERS, dt.date(2024, 1, 1))
    assert assessment.assess({"equipment": " C "}, ON)["items"][0]["answer"] == "c"


def test_a_submitted_level_becomes_the_rules_digital_level_with_its_source(any_engine: Engine, tmp_path: Path) -> None:
    assert import_files([write(tmp_path / "e.csv", ENTERPRISES)], engine=any_engine).ok
    from chainatlas.rules.inputs import provenance, read_inputs

    def level_on(day: dt.date) -> object:
        return {r["uscc"]: r.get("digital_level") for r in read_inputs(any_engine, day).to_dicts()}[A]

    done = store.submit(any_engine, A, ANSWERS, ON, by="tester")
    assert done["level"] == 2 and done["id"]
    assert level_on(ON) == 2 and provenance(any_engine, A, ON)["digital_level"] == {"source": store.SOURCE, "as_of": "2026-03-01"}
    assert level_on(dt.date(2026, 2, 28)) is None
    open_level = store.submit(any_engine, A, {"equipment": "d"}, dt.date(2026, 4, 1))  # level unknown: nothing recorded
    assert open_level["level"] is None
    assert level_on(dt.date(2026, 4, 2)) == 2
    assert [h["level"] for h in store.history(any_engine, A)] == [None, 2]
    assert store.latest(any_engine, A)["answered"] == 1
    with pytest.raises(NotFound):
        store.submit(any_engine, "91410100MA00000000", ANSWERS, ON)
