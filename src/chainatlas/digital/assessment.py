"""Digital-maturity self-assessment (数字化水平自评): a questionnaire kept as a dated rule set and scored by the rules
engine. A question not answered counts between its lowest and highest points (three-valued, as every rule here); the
level is known once both bounds of the total fall in the same level band.

Levels (工信厅企业〔2022〕32号, kept by the 2024 edition, 工信厅企业〔2024〕56号): score < 20 → 0 (未达一级), 20–40 → 1,
40–60 → 2, 60–80 → 3, ≥ 80 → 4; an edge goes to the band above. What of the questionnaire is verified and what is
this platform's own wording: ``maturity_2024.yaml`` and docs/digital.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from chainatlas.messages import InvalidInput
from chainatlas.rules.model import RuleSet, load_yaml, parse_rule_set

HERE = Path(__file__).parent
DEFAULT = HERE / "maturity_2024.yaml"


class AnswerError(InvalidInput):
    """Answers that do not fit the questionnaire: which item, what is wrong (zh / en)."""


@dataclass(frozen=True)
class Choice:
    key: str
    zh: str
    en: str
    points: float


@dataclass(frozen=True)
class Question:
    id: str
    input: str
    group: str
    label_zh: str
    label_en: str
    question_zh: str
    question_en: str
    choices: tuple[Choice, ...]
    scenarios: tuple[str, ...]

    @property
    def max_points(self) -> float:
        return max(c.points for c in self.choices)


@dataclass(frozen=True)
class Questionnaire:
    rule_set: RuleSet
    questions: tuple[Question, ...]
    levels: tuple[tuple[int, float], ...]  # (level, least score), ascending
    groups: dict[str, tuple[str, str]]  # group → (zh, en)

    def question(self, item: str) -> Question:
        return next(q for q in self.questions if q.id == item)


@cache
def questionnaire(path: Path = DEFAULT) -> Questionnaire:
    """The questionnaire of ``path``: its rule set (checked by the rules parser), questions, choices and levels."""
    raw = load_yaml(path)
    rs = parse_rule_set(raw, path.name)
    questions = []
    for item in raw["rule"]["score"]["items"]:
        choices = tuple(Choice(str(k), v["zh"], v["en"], float(item["points"][k])) for k, v in item["choices"].items())
        questions.append(Question(str(item["id"]), str(item["input"]), str(item["group"]), item["label"]["zh"],
                                  item["label"]["en"], item["question"]["zh"], item["question"]["en"], choices,
                                  tuple(item.get("scenarios") or ())))
    groups = {g: (spec["label"]["zh"], spec["label"]["en"]) for g, spec in raw["rule"]["score"]["groups"].items()}
    levels = tuple(sorted((int(b["level"]), float(b["min"])) for b in raw["levels"]))
    return Questionnaire(rs, tuple(questions), levels, groups)


def level_of(score: float, levels: tuple[tuple[int, float], ...]) -> int:
    """The level a score reaches: the highest level whose least score it meets, 0 below the first.

    >>> bands = ((1, 20.0), (2, 40.0), (3, 60.0), (4, 80.0))
    >>> [level_of(s, bands) for s in (0, 19.5, 20, 39, 40, 79.9, 80, 100)]
    [0, 0, 1, 1, 2, 3, 4, 4]
    """
    return max((lv for lv, least in levels if score >= least), default=0)


def check_answers(answers: Mapping[str, Any], q: Questionnaire) -> dict[str, str]:
    """The answers as item → choice key (lower case; blanks dropped); an unknown item or choice is an error."""
    out: dict[str, str] = {}
    known = {x.id: x for x in q.questions}
    for item, choice in answers.items():
        if choice is None or str(choice).strip() == "":
            continue
        if item not in known:
            raise AnswerError(f"问卷中没有题目 {item!r}（可用：{', '.join(known)}）",
                              f"no item {item!r} in the questionnaire (items: {', '.join(known)})")
        key = str(choice).strip().lower()
        keys = [c.key for c in known[item].choices]
        if key not in keys:
            raise AnswerError(f"题目 {item} 的答案 {choice!r} 无效（应为 {' / '.join(keys)} 之一）",
                              f"item {item}: answer {choice!r} is not one of {' / '.join(keys)}")
        out[item] = key
    return out


def assess(answers: Mapping[str, Any], on: dt.date, q: Questionnaire | None = None) -> dict[str, Any]:
    """Score ``answers`` (item → choice) with the questionnaire in force on ``on``: total and per dimension (low and
    high bounds), the level when known, every item's points, and the gaps (answered items below their best points,
    the most points lost first) and the items left unanswered."""
    from chainatlas.rules.engine import col, compile_rule_set, evaluate, explain

    q = q or questionnaire()
    rs = q.rule_set
    if not rs.in_force(on):
        raise AnswerError(f"问卷 {rs.id} 在 {on} 不适用（自 {rs.effective_from} 起）",
                          f"questionnaire {rs.id} is not in force on {on} (from {rs.effective_from})")
    given = check_answers(answers, q)
    frame = pl.DataFrame({x.input: [given.get(x.id)] for x in q.questions}, schema={x.input: pl.String for x in q.questions})
    row = evaluate(frame, [compile_rule_set(rs, on)]).row(0, named=True)
    total = col(rs, rs.rule)
    low, high = float(row[total + ":lo"]), float(row[total + ":hi"])
    lv_low, lv_high = level_of(low, q.levels), level_of(high, q.levels)
    items = []
    for x in q.questions:
        pts = row[col(rs, x.id) + ":pts"]
        choice = given.get(x.id)
        items.append({"id": x.id, "group": x.group, "label": {"zh": x.label_zh, "en": x.label_en},
                      "answer": choice, "points": pts, "max_points": x.max_points,
                      "lost": None if pts is None else x.max_points - pts, "scenarios": list(x.scenarios)})
    dims = [{"group": g, "label": {"zh": zh, "en": en},
             "low": float(row[f"{total}.{g}:lo"]), "high": float(row[f"{total}.{g}:hi"]),
             "max": sum(x.max_points for x in q.questions if x.group == g)} for g, (zh, en) in q.groups.items()]
    gaps = sorted((i for i in items if i["lost"]), key=lambda i: (-i["lost"], i["id"]))
    return {"rule_set": rs.id, "reference": rs.reference, "example_items": rs.example, "on": on.isoformat(),
            "answered": len(given), "items_total": len(q.questions),
            "score": {"low": low, "high": high, "value": low if low == high else None},
            "level": lv_low if lv_low == lv_high else None, "level_range": [lv_low, lv_high],
            "dimensions": dims, "items": items, "gaps": gaps,
            "unanswered": [i["id"] for i in items if i["answer"] is None],
            "explanation": explain(row, rs, on)}
