"""The block builder: every plan passes the independent checker whatever the cartons, equipment and support rule;
identical cartons fill a container exactly; on the Bischoff–Ratcliff instances it places more than the extreme-point
packer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chainatlas.consolidation.blocks import pack_blocks
from chainatlas.consolidation.check import check_plan
from chainatlas.consolidation.equipment import catalogue, equipment
from chainatlas.consolidation.model import Carton
from chainatlas.consolidation.packing import pack
from tests.consolidation.test_packing import _non_cog, carton


def test_identical_cartons_fill_exactly() -> None:
    eq = equipment("20GP").with_overrides({"length_cm": 300, "width_cm": 200, "height_cm": 100})
    plan = pack_blocks([Carton(50, 50, 50, 1.0)] * 48, eq, min_support=1.0)
    assert plan.unplaced == [] and plan.utilisation == pytest.approx(1.0)
    assert check_plan([Carton(50, 50, 50, 1.0)] * 48, eq, plan.placements, min_support=1.0, cog_bounds=None) == []


def test_nothing_rests_on_a_carton_that_carries_nothing() -> None:
    eq = equipment("20GP").with_overrides({"length_cm": 100, "width_cm": 100, "height_cm": 100})
    cartons = [Carton(100, 100, 50, 5.0, stackable=False, this_way_up=True), Carton(100, 100, 50, 5.0)]
    plan = pack_blocks(cartons, eq, min_support=0.7)
    assert check_plan(cartons, eq, plan.placements, min_support=0.7, cog_bounds=None) == []
    assert len(plan.placements) == 2  # the stackable one below, the other on top


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(carton, min_size=1, max_size=60), st.sampled_from(sorted(catalogue())), st.sampled_from([0.0, 0.7, 1.0]),
       st.sampled_from([1, 3]))
@example([Carton(20, 20, 20, 1.0, stackable=False)] * 2 + [Carton(20, 20, 20, 1.0)] * 30, "20GP", 0.0, 1)
def test_every_block_plan_passes_the_checker(cartons: list[Carton], code: str, min_support: float, lookahead: int) -> None:
    eq = equipment(code)
    plan = pack_blocks(cartons, eq, min_support=min_support, lookahead=lookahead)
    assert sorted([p.item for p in plan.placements] + plan.unplaced) == list(range(len(cartons)))
    assert plan.weight_kg <= eq.payload_kg + 1e-6
    problems = check_plan(cartons, eq, plan.placements, min_support=min_support)
    assert _non_cog(problems) == []
    assert bool(plan.notes) == any("centre of gravity" in p.en for p in problems)


@pytest.mark.parametrize(("cls", "support"), [(3, 0.0), (6, 0.7)])
def test_blocks_place_more_than_extreme_points_on_br(cls: int, support: float) -> None:
    from chainatlas.consolidation.benchmark import as_cartons, br_instance, container

    cartons, allowed = as_cartons(br_instance(cls, 1))
    ep = pack(cartons, container(), min_support=support, allowed=allowed)
    blocks = pack_blocks(cartons, container(), min_support=support, allowed=allowed, lookahead=3)
    assert not check_plan(cartons, container(), blocks.placements, min_support=support, cog_bounds=None)
    assert all((p.dx, p.dy, p.dz) in allowed[p.item] for p in blocks.placements)
    assert blocks.utilisation > ep.utilisation
