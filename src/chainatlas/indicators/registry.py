"""The indicator registry (指标库): each indicator's names, unit, definition, source kind (computed by the platform,
or an official statistic imported as a dataset), frequency, owner department and its dated, referenced targets —
declared once in ``indicators.yaml``; targets a city sets later are added in the database (:mod:`.store`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from chainatlas import vocabulary
from chainatlas.messages import Message, NotFound

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Target:
    value: float
    year: int
    source: str
    note: Message | None = None
    chain: str | None = None  # for an indicator per chain: the chain it is set for (None: every chain)
    set_by: str | None = None  # a city-set target: who set it (None: declared in the registry)


@dataclass(frozen=True)
class Indicator:
    id: str
    name: Message
    unit: Message
    kind: str  # computed | official
    frequency: str  # year | month
    owner: str  # a department
    definition: Message
    lower_is_better: bool = False
    per_chain: bool = False
    targets: tuple[Target, ...] = field(default=())


def _message(raw: dict[str, str], where: str) -> Message:
    if not isinstance(raw, dict) or not raw.get("zh") or not raw.get("en"):
        raise ValueError(f"{where}: needs zh and en")
    return Message(str(raw["zh"]), str(raw["en"]))


@cache
def indicators(path: Path = HERE / "indicators.yaml") -> dict[str, Indicator]:
    """Every declared indicator by id, checked: a known kind, frequency and owner; an official one is among the
    official statistics the exchange spec takes."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, Indicator] = {}
    for item in raw["indicators"]:
        where = f"{path.name}/{item.get('id')}"
        if item["kind"] not in ("computed", "official") or item["frequency"] not in ("year", "month"):
            raise ValueError(f"{where}: kind computed|official, frequency year|month")
        if item["owner"] not in vocabulary.DEPARTMENTS:
            raise ValueError(f"{where}: unknown owner {item['owner']}")
        if item["kind"] == "official" and item["id"] not in vocabulary.OFFICIAL_STATISTICS:
            raise ValueError(f"{where}: not an official statistic of the exchange spec")
        targets = tuple(Target(float(t["value"]), int(t["year"]), str(t["source"]),
                               _message(t["note"], where) if t.get("note") else None, t.get("chain"))
                        for t in item.get("targets") or [])
        out[item["id"]] = Indicator(item["id"], _message(item["name"], where), _message(item["unit"], where), item["kind"],
                                    item["frequency"], item["owner"], _message(item["definition"], where),
                                    bool(item.get("lower_is_better")), bool(item.get("per_chain")), targets)
    return out


def indicator(indicator_id: str) -> Indicator:
    """The indicator ``indicator_id`` or :class:`NotFound`."""
    try:
        return indicators()[indicator_id]
    except KeyError:
        raise NotFound(f"没有指标 {indicator_id}", f"no indicator {indicator_id}") from None


def as_dict(ind: Indicator) -> dict[str, Any]:
    """An indicator as the API and exports show it."""
    return {"id": ind.id, "name": ind.name.as_dict(), "unit": ind.unit.as_dict(), "kind": ind.kind,
            "frequency": ind.frequency, "owner": ind.owner, "definition": ind.definition.as_dict(),
            "lower_is_better": ind.lower_is_better, "per_chain": ind.per_chain}
