"""Rules as data: rule sets, criteria and dated parameters read from YAML (OpenFisca's habits, three-valued).

A rule set is a tree of criteria. A *leaf* tests one input — a comparison (``op`` and ``value``), a flag
(``is``), a list (``in``) — or, inside a score, turns an input into points (``points`` map, ``bands``,
``points_from``). Composites are ``all_of``, ``any_of`` and ``score`` (a total and group minimums over point
items); ``max_of`` takes the best of several point items. Every criterion carries a label (zh/en) and may carry
a reference; a rule set has ``effective_from``/``effective_to`` and its own reference.

A value may be a literal or ``{param: name}``: a parameter with dated values (``parameters.yaml``), resolved at
the evaluation date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from chainatlas.messages import BilingualError

HERE = Path(__file__).parent
OPS = (">=", ">", "<=", "<", "==", "!=")


class RuleError(BilingualError, ValueError):
    """A rule file that cannot be used: where, what, why (zh / en)."""

    def __init__(self, where: str, zh: str, en: str) -> None:
        super().__init__(f"{where}: {zh}", f"{where}: {en}")
        self.where = where


@dataclass(frozen=True)
class Band:
    """Points for a value in [min, max) — or with other inclusivity, stated per band (``closed``)."""

    points: float
    min: Any = None
    max: Any = None
    closed: str = "left"  # left: [min, max) · right: (min, max] · both · none

    def contains(self, v: float) -> bool:
        """Whether ``v`` lies in the band (with its inclusivity)."""
        lo = self.min is None or (v >= self.min if self.closed in ("left", "both") else v > self.min)
        hi = self.max is None or (v <= self.max if self.closed in ("right", "both") else v < self.max)
        return lo and hi

    def contains_doc(self) -> str:
        lo = "" if self.min is None else ("≥" if self.closed in ("left", "both") else ">") + _fmt(self.min)
        hi = "" if self.max is None else ("≤" if self.closed in ("right", "both") else "<") + _fmt(self.max)
        return " 且 ".join(x for x in (lo, hi) if x) or "任意"


def _fmt(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


@dataclass(frozen=True)
class Criterion:
    id: str
    label_zh: str
    label_en: str
    reference: str = ""
    kind: str = "leaf"  # leaf | all_of | any_of | score | max_of
    input: str | None = None
    op: str | None = None
    value: Any = None  # literal or {"param": name}
    is_: bool | None = None
    in_: tuple[Any, ...] | None = None
    any_in: tuple[Any, ...] | None = None  # a list input (chains, segments) holding any of these
    points: dict[str, float] | None = None
    bands: tuple[Band, ...] | None = None
    points_from_max: float | None = None
    group: str | None = None
    children: tuple[Criterion, ...] = ()
    score_min: float | None = None
    groups: dict[str, tuple[float, str, str]] = field(default_factory=dict)  # group → (min, zh, en)
    tier: str | None = None  # leaf: the status of another tier at the same date

    @property
    def is_points(self) -> bool:
        return self.points is not None or self.bands is not None or self.points_from_max is not None or self.kind == "max_of"

    def max_points(self) -> float:
        if self.kind == "max_of":
            return max(c.max_points() for c in self.children)
        if self.points is not None:
            return max(self.points.values())
        if self.bands is not None:
            return max(b.points for b in self.bands)
        return float(self.points_from_max or 0)

    def min_points(self) -> float:
        if self.kind == "max_of":
            return max(c.min_points() for c in self.children)
        if self.points is not None:
            return min(self.points.values())
        if self.bands is not None:
            return min(b.points for b in self.bands)
        return 0.0

    def walk(self) -> list[Criterion]:
        """This criterion and all below it, children first (the order they can be computed in)."""
        out: list[Criterion] = []
        for c in self.children:
            out += c.walk()
        return [*out, self]

    def inputs(self) -> set[str]:
        return {c.input for c in self.walk() if c.input}


@dataclass(frozen=True)
class RuleSet:
    id: str
    label_zh: str
    label_en: str
    effective_from: dt.date
    effective_to: dt.date | None
    reference: str
    rule: Criterion
    tier: str | None = None
    example: bool = False
    note: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def criteria(self) -> list[Criterion]:
        return self.rule.walk()


@dataclass(frozen=True)
class Parameter:
    name: str
    label_zh: str
    label_en: str
    unit: str
    reference: str
    values: tuple[tuple[dt.date, Any], ...]  # (from, value), ascending

    def at(self, on: dt.date) -> Any:
        """The value in force on ``on``.

        >>> p = Parameter("r", "", "", "", "", ((dt.date(2025, 1, 1), 0.3), (dt.date(2026, 7, 1), 0.4)))
        >>> p.at(dt.date(2026, 6, 30)), p.at(dt.date(2026, 7, 1))
        (0.3, 0.4)
        """
        found = [v for start, v in self.values if start <= on]
        if not found:
            raise RuleError(self.name, f"参数在 {on} 尚未生效", f"parameter has no value on {on}")
        return found[-1]


def _label(raw: dict[str, Any], where: str) -> tuple[str, str]:
    lab = raw.get("label")
    if isinstance(lab, dict) and lab.get("zh") and lab.get("en"):
        return str(lab["zh"]), str(lab["en"])
    raise RuleError(where, "缺少中英文标签 label: {zh, en}", "missing label: {zh, en}")


def _date(v: Any, where: str) -> dt.date:
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise RuleError(where, f"日期无效：{v!r}", f"invalid date: {v!r}") from None


def _ref(raw: dict[str, Any]) -> str:
    r = raw.get("ref") or raw.get("reference") or ""
    if isinstance(r, dict):
        return " · ".join(str(r[k]) for k in ("doc", "article", "url") if r.get(k))
    return str(r)


def parse_criterion(raw: Any, where: str, inputs: set[str] | None = None) -> Criterion:
    """One criterion from its YAML mapping (recursively); ``inputs``, when given, are the known input names."""
    if not isinstance(raw, dict) or not raw.get("id"):
        raise RuleError(where, "每个条件须为带 id 的映射", "every criterion must be a mapping with an id")
    cid = str(raw["id"])
    where = f"{where}/{cid}"
    zh, en = _label(raw, where)
    base: dict[str, Any] = {"id": cid, "label_zh": zh, "label_en": en, "reference": _ref(raw),
                            "group": raw.get("group")}
    for kind in ("all_of", "any_of", "max_of"):
        if kind in raw:
            kids = raw[kind]
            if not isinstance(kids, list) or not kids:
                raise RuleError(where, f"{kind} 须为非空列表", f"{kind} must be a non-empty list")
            return Criterion(kind=kind, children=tuple(parse_criterion(k, where, inputs) for k in kids), **base)
    if "score" in raw:
        sc = raw["score"]
        items = tuple(parse_criterion(k, where, inputs) for k in sc.get("items", []))
        if not items or not all(i.is_points for i in items):
            raise RuleError(where, "score 的 items 须为计分条件（points/bands/points_from）",
                            "score items must be point items (points/bands/points_from)")
        groups = {}
        for g, spec in (sc.get("groups") or {}).items():
            gzh, gen = _label(spec, f"{where}/groups/{g}")
            groups[str(g)] = (float(spec["min"]), gzh, gen)
        unknown_groups = {i.group for i in items if i.group} - set(groups)
        if unknown_groups:
            raise RuleError(where, f"未声明的分组：{sorted(unknown_groups)}", f"undeclared groups: {sorted(unknown_groups)}")
        return Criterion(kind="score", children=items, score_min=float(sc["min"]), groups=groups, **base)
    if "tier" in raw:
        return Criterion(tier=str(raw["tier"]), **base)
    name = raw.get("input")
    if not name:
        raise RuleError(where, "叶子条件须指定 input", "a leaf criterion needs an input")
    if inputs is not None and name not in inputs:
        raise RuleError(where, f"未知输入项 {name}", f"unknown input {name}")
    if "op" in raw:
        if raw["op"] not in OPS or "value" not in raw:
            raise RuleError(where, f"op 须为 {OPS} 之一并给出 value", f"op must be one of {OPS}, with a value")
        return Criterion(input=name, op=raw["op"], value=raw["value"], **base)
    if "is" in raw:
        return Criterion(input=name, is_=bool(raw["is"]), **base)
    if "in" in raw:
        return Criterion(input=name, in_=tuple(raw["in"]), **base)
    if "any_in" in raw:
        return Criterion(input=name, any_in=tuple(raw["any_in"]), **base)
    if "points" in raw:
        return Criterion(input=name, points={str(k).lower(): float(v) for k, v in raw["points"].items()}, **base)
    if "bands" in raw:
        bands = []
        for b in raw["bands"]:
            closed = b.get("closed", "left")
            if closed not in ("left", "right", "both", "none"):
                raise RuleError(where, f"closed 无效：{closed}", f"invalid closed: {closed}")
            bands.append(Band(float(b["points"]), b.get("min"), b.get("max"), closed))
        return Criterion(input=name, bands=tuple(bands), **base)
    if "points_from" in raw:
        return Criterion(input=name, points_from_max=float(raw["points_from"]["max"]), **base)
    raise RuleError(where, "叶子条件缺少 op/is/in/any_in/points/bands/points_from",
                    "a leaf needs one of op/is/in/any_in/points/bands/points_from")


def parse_rule_set(raw: dict[str, Any], where: str, inputs: set[str] | None = None) -> RuleSet:
    """A rule set from its YAML mapping, checked (RuleError says where and why)."""
    zh, en = _label(raw, where)
    end = raw.get("effective_to")
    rule = parse_criterion(raw.get("rule") or raw.get("eligibility"), where, inputs)
    ids = [c.id for c in rule.walk()]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise RuleError(where, f"条件 id 重复：{dup}", f"duplicate criterion ids: {dup}")
    return RuleSet(id=str(raw["id"]), label_zh=zh, label_en=en, tier=raw.get("tier"),
                   effective_from=_date(raw["effective_from"], where),
                   effective_to=_date(end, where) if end else None, reference=_ref(raw), rule=rule,
                   example=bool(raw.get("example")), note=str(raw.get("note") or ""), raw=raw)


def load_yaml(path: Path) -> Any:
    """A YAML rule file as a rule set."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(str(path), f"YAML 无法解析：{exc}", f"YAML cannot be parsed: {exc}") from None


@cache
def parameters(path: Path = HERE / "parameters.yaml") -> dict[str, Parameter]:
    """Dated parameters (thresholds, rates, caps) by name."""
    out = {}
    for name, spec in (load_yaml(path) or {}).items():
        zh, en = _label(spec, f"{path.name}/{name}")
        values = sorted((_date(v["from"], f"{path.name}/{name}"), v["value"]) for v in spec["values"])
        out[name] = Parameter(name, zh, en, str(spec.get("unit", "")), _ref(spec), tuple(values))
    return out


def resolve(value: Any, on: dt.date) -> Any:
    """A literal, or the value of ``{param: name}`` on ``on``."""
    if isinstance(value, dict) and "param" in value:
        params = parameters()
        if value["param"] not in params:
            raise RuleError(str(value["param"]), "未定义的参数", "undefined parameter")
        return params[value["param"]].at(on)
    return value
