"""Chain templates: YAML files, one per chain, validated into :class:`Chain` models.

A chain is a DAG of segments; ``feeds_into`` names the segments a segment supplies. Segment codes are
short within a file (``cathode``) and global in the database (``nev.cathode``).
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, model_validator

from chainatlas.registry.codes import industry_codes

TEMPLATE_DIR = Path(__file__).parent / "templates"


class Stage(StrEnum):
    upstream = "upstream"
    midstream = "midstream"
    downstream = "downstream"


STAGE_ZH = {Stage.upstream: "上游", Stage.midstream: "中游", Stage.downstream: "下游"}


class Segment(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    stage: Stage
    key: bool = False
    feeds_into: list[str] = Field(default_factory=list)
    industry_codes: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    tax_code_prefixes: list[str] = Field(default_factory=list)


class Chain(BaseModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    segments: list[Segment]

    @model_validator(mode="after")
    def _check_dag(self) -> Chain:
        codes = [s.code for s in self.segments]
        if len(set(codes)) != len(codes):
            raise ValueError(f"chain {self.id}: duplicate segment codes")
        known = set(codes)
        for s in self.segments:
            missing = set(s.feeds_into) - known
            if missing:
                raise ValueError(f"chain {self.id}: segment {s.code} feeds unknown {sorted(missing)}")
            bad = [c for c in s.industry_codes if c not in industry_codes()]
            if bad:
                raise ValueError(f"chain {self.id}: segment {s.code} has unknown industry codes {bad}")
        topological_order(self)  # raises on a cycle
        return self

    def full_code(self, segment_code: str) -> str:
        return f"{self.id}.{segment_code}"


def topological_order(chain: Chain) -> list[str]:
    """Segment codes with every supplier before the segments it feeds (Kahn's algorithm).

    >>> order = topological_order(load_chain("nev"))
    >>> order.index("cathode") < order.index("cell") < order.index("pack") < order.index("vehicle")
    True
    """
    indegree = {s.code: 0 for s in chain.segments}
    for s in chain.segments:
        for t in s.feeds_into:
            indegree[t] += 1
    ready = [c for c, d in indegree.items() if d == 0]
    feeds = {s.code: s.feeds_into for s in chain.segments}
    order: list[str] = []
    while ready:
        c = ready.pop(0)
        order.append(c)
        for t in feeds[c]:
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    if len(order) != len(indegree):
        raise ValueError(f"chain {chain.id}: feeds_into has a cycle")
    return order


def load_chain(chain_id: str, directory: Path = TEMPLATE_DIR) -> Chain:
    """One chain template, validated (segments form a DAG)."""
    return Chain.model_validate(yaml.safe_load((directory / f"{chain_id}.yaml").read_text(encoding="utf-8")))


@lru_cache(maxsize=4)
def load_chains(directory: Path = TEMPLATE_DIR) -> tuple[Chain, ...]:
    """All chain templates in ``directory``, sorted by id."""
    return tuple(load_chain(p.stem, directory) for p in sorted(directory.glob("*.yaml")))


def segment_rows(chains: tuple[Chain, ...]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Database rows (chain, segment) for the templates."""
    chain_rows = [
        {"id": c.id, "name_zh": c.name_zh, "name_en": c.name_en, "description": c.description,
         "sources": json.dumps(c.sources, ensure_ascii=False)}
        for c in chains
    ]
    seg_rows = [
        {
            "code": c.full_code(s.code), "chain_id": c.id, "name_zh": s.name_zh, "name_en": s.name_en,
            "stage": s.stage.value, "is_key": s.key,
            "feeds_into": json.dumps([c.full_code(t) for t in s.feeds_into]),
            "industry_codes": json.dumps(s.industry_codes),
            "keywords": json.dumps(s.keywords, ensure_ascii=False),
            "tax_code_prefixes": json.dumps(s.tax_code_prefixes),
        }
        for c in chains
        for s in c.segments
    ]
    return chain_rows, seg_rows
