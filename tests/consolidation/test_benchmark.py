"""The Bischoff–Ratcliff generator reproduces the published instances, and the packer's plans on them pass the checker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainatlas.consolidation.benchmark import as_cartons, br_instance, container
from chainatlas.consolidation.check import check_plan
from chainatlas.consolidation.packing import pack

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "consolidation" / "br_sample.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("key", sorted(SAMPLE["instances"]))
def test_generated_instances_equal_the_published_ones(key: str) -> None:
    cls, problem = int(key[2]), int(key.split("/")[1])
    mine = [[*b.dims, b.quantity, *b.vertical] for b in br_instance(cls, problem)]
    assert mine == SAMPLE["instances"][key]


@pytest.mark.parametrize("cls", range(1, 8))
def test_plans_on_each_class_are_valid(cls: int) -> None:
    cartons, allowed = as_cartons(br_instance(cls, 1))
    plan = pack(cartons, container(), min_support=0.0, allowed=allowed)
    assert check_plan(cartons, container(), plan.placements, min_support=0.0, cog_bounds=None) == []
    assert all((p.dx, p.dy, p.dz) in allowed[p.item] for p in plan.placements)
    assert 0.7 < plan.utilisation <= 1.0  # a sanity floor, far below what the benchmark reports
