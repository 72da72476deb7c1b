"""Telemetry alarm rules (设备告警规则): which readings raise a service ticket.

Each rule of ``alarms.yaml`` is a dated rule set over one reading (a row of metric columns at one time of one device),
evaluated by the rules engine; a reading without the rule's metric is unknown and skipped. A rule *fires* on the
reading where it has held on ``consecutive`` known readings of the device in a row — once per run.

>>> from datetime import datetime as T
>>> r = pl.DataFrame({"equipment_id": ["M1"] * 5, "at": [T(2026, 3, 1, h) for h in range(5)],
...                   "spindle_temp_c": [80.0, 86.0, 90.0, 91.0, 95.0], "alarm": [None] * 5})
>>> [(h.rule.id, h.at.hour) for h in firings(r, rules(), {"M1": "cnc"})]
[('spindle_overheat', 3)]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from chainatlas.messages import Message
from chainatlas.rules import engine
from chainatlas.rules.model import RuleSet, parse_rule_set

HERE = Path(__file__).parent


@dataclass(frozen=True)
class AlarmRule:
    rule_set: RuleSet
    equipment_types: tuple[str, ...]  # empty: any type
    consecutive: int
    priority: str
    fault: Message

    @property
    def id(self) -> str:
        return self.rule_set.id

    @property
    def metric(self) -> str:
        return next(iter(self.rule_set.rule.inputs()))


@dataclass(frozen=True)
class Firing:
    equipment_id: str
    rule: AlarmRule
    at: dt.datetime


@cache
def rules(path: Path = HERE / "alarms.yaml") -> tuple[AlarmRule, ...]:
    """The alarm rules, checked as rule sets."""
    out = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
        rs = parse_rule_set(raw, f"{path.name}/{raw.get('id')}")
        f = raw["fault"]
        out.append(AlarmRule(rs, tuple(raw.get("equipment_types") or ()), int(raw.get("consecutive", 1)),
                             str(raw["priority"]), Message(f["zh"], f["en"])))
    return tuple(out)


def metrics() -> list[str]:
    """The metric names the rules read (what a device may send besides others kept as they are)."""
    return sorted({r.metric for r in rules()})


def firings(readings: pl.DataFrame, alarm_rules: tuple[AlarmRule, ...], types: dict[str, str]) -> list[Firing]:
    """Where the rules fire in ``readings`` (``equipment_id``, ``at`` and one column per metric, one row per device and
    time); ``types`` maps a device to its equipment type."""
    out: list[Firing] = []
    if readings.is_empty():
        return out
    for ar in alarm_rules:
        rs = ar.rule_set
        days = readings["at"].dt.date().unique().to_list()
        frame = readings.filter(pl.col("equipment_id").replace_strict(types, default="").is_in(
            list(ar.equipment_types)) if ar.equipment_types else pl.lit(True))
        for day in sorted(days):  # the rule set in force on each reading's day
            if not rs.in_force(day):
                frame = frame.filter(pl.col("at").dt.date() != day)
        if frame.is_empty():
            continue
        status = engine.col(rs, rs.rule)
        held = (engine.evaluate(frame, [engine.compile_rule_set(rs, min(days))])
                .filter(pl.col(status).is_not_null())
                .sort("equipment_id", "at")
                .with_columns(run=pl.col(status).cast(pl.Int32).cum_sum().over(
                    "equipment_id", pl.col(status).not_().cum_sum().over("equipment_id"))))
        for row in held.filter(pl.col(status) & (pl.col("run") == ar.consecutive)).iter_rows(named=True):
            out.append(Firing(row["equipment_id"], ar, row["at"]))
    return sorted(out, key=lambda f: (f.at, f.equipment_id, f.rule.id))
