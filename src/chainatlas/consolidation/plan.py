"""Consolidation of a set of shipments and capacity offers: assignment, a 3D plan per unit checked independently,
and the cost shares — the result of ``chainatlas consolidate`` (JSON shape in docs/consolidation.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from chainatlas.consolidation.assign import DEFAULT_FILL, Assignment, assign, incompatibility
from chainatlas.consolidation.blocks import pack_blocks
from chainatlas.consolidation.check import check_plan
from chainatlas.consolidation.costs import EXACT_MAX, basis, proportional, shapley
from chainatlas.consolidation.model import Carton, Shipment, Unit
from chainatlas.consolidation.packing import (
    DEFAULT_MIN_SUPPORT,
    LoadPlan,
    default_order,
    pack,
    plan_rank,
    search_order,
)
from chainatlas.messages import Message

MAX_ROUNDS = 12  # assignment ↔ packing rounds before what still does not pack is left out
PACK_TRIES = 0  # orders searched for a unit whose cartons the fixed orders do not all place (off: docs/benchmarks.md)

Progress = Callable[[str, int, int], None]


def best_pack(cartons: list[Carton], unit: Unit, *, min_support: float = DEFAULT_MIN_SUPPORT, tries: int = 0) -> LoadPlan:
    """The best plan among a few carton orders (largest volume first; tallest first; largest base first): all cartons
    placed first, then the centre of gravity within the unit's bounds, then most volume. When the centre of gravity is
    still out of bounds, the heaviest cartons are loaded in the middle of the sequence (the first cartons go to the
    front wall, the last to the door), which brings the weight towards the middle of the unit. When cartons are still
    left out or the centre of gravity is out of bounds, up to ``tries`` more orders are searched
    (:func:`~chainatlas.consolidation.packing.search_order`). Before that, while cartons are left out, the block builder
    (:func:`~chainatlas.consolidation.blocks.pack_blocks`, greedy, then with a look-ahead of 3) is tried too."""
    rank = plan_rank

    carries_nothing = [not c.stackable or c.fragile for c in cartons]
    orders = [default_order(cartons),
              sorted(range(len(cartons)), key=lambda i: (carries_nothing[i], -cartons[i].height_cm, -cartons[i].volume_cm3, i)),
              sorted(range(len(cartons)), key=lambda i: (carries_nothing[i], -cartons[i].length_cm * cartons[i].width_cm, i))]
    best: LoadPlan | None = None
    best_order = orders[0]
    for order in orders:
        plan = pack(cartons, unit.equipment, min_support=min_support, order=order)
        if best is None or rank(plan) < rank(best):
            best, best_order = plan, order
        if rank(best)[:2] == (0, False):
            break
    assert best is not None
    if best.notes:
        by_weight = sorted(range(len(cartons)), key=lambda i: (carries_nothing[i], cartons[i].gross_kg, i))
        light, heavy = by_weight[: len(by_weight) // 2], by_weight[len(by_weight) // 2:]
        for split in (0.5, 0.35, 0.65):
            k = int(len(light) * split)
            middle = light[:k] + sorted(heavy, key=lambda i: (carries_nothing[i], -cartons[i].volume_cm3)) + light[k:]
            plan = pack(cartons, unit.equipment, min_support=min_support,
                        order=(order := sorted(middle, key=lambda i: carries_nothing[i])))
            if rank(plan) < rank(best):
                best, best_order = plan, order
            if rank(best)[:2] == (0, False):
                break
    for lookahead in (1, 3):  # block building, greedy then with its pilot, when cartons are still left out
        if not best.unplaced:
            break
        plan = pack_blocks(cartons, unit.equipment, min_support=min_support, lookahead=lookahead)
        if rank(plan) < rank(best):
            best = plan
    if tries and rank(best)[:2] != (0, False):
        found = search_order(cartons, unit.equipment, best_order, tries=tries, min_support=min_support)
        if rank(found) < rank(best):
            best = found
    return best


def _unit_cartons(members: Sequence[Shipment]) -> tuple[list[Carton], list[tuple[str, int]]]:
    cartons, owner = [], []
    for s in members:
        for i, c in enumerate(s.cartons):
            cartons.append(c)
            owner.append((s.id, i))
    return cartons, owner


def consolidate(shipments: Sequence[Shipment], units: Sequence[Unit], *, time_limit: float = 10.0,
                fill: float = DEFAULT_FILL, min_support: float = DEFAULT_MIN_SUPPORT, with_shapley: bool = False,
                progress: Progress | None = None, set_aside: Mapping[str, Message] | None = None,
                pack_tries: int = PACK_TRIES) -> dict[str, Any]:
    """Pool ``shipments`` into ``units``: each lane is solved on its own (no unit serves two lanes). ``set_aside``:
    requests that could not be read as shipments (no cartons), listed among the unassigned with their reason."""
    lanes: dict[tuple[str, str, str], list[Shipment]] = defaultdict(list)
    for s in shipments:
        lanes[s.lane].append(s)
    by_unit = {u.id: u for u in units}
    assignments: list[dict[str, Any]] = []
    unit_rows: list[dict[str, Any]] = []
    costs: list[dict[str, Any]] = []
    unassigned: list[dict[str, Any]] = [{"shipment": sid, "reason_zh": why.zh, "reason_en": why.en}
                                        for sid, why in sorted((set_aside or {}).items())]
    gaps, bounds, statuses = [], 0.0, []
    for n_lane, (lane, members) in enumerate(sorted(lanes.items())):
        if progress:
            progress("lanes", n_lane, len(lanes))
        lane_units = [u for u in units if u.lane == lane]
        result, plans = _solve_lane(members, lane_units, time_limit=time_limit, fill=fill, min_support=min_support,
                                    tries=pack_tries)
        gaps.append(result.gap)
        bounds += result.bound
        statuses.append(result.status)
        by_id = {s.id: s for s in members}
        for sid, why in result.unassigned.items():
            unassigned.append({"shipment": sid, "reason_zh": why.zh, "reason_en": why.en})
        for sid, uid in sorted(result.unit_of.items()):
            assignments.append({"shipment": sid, "unit": uid, "departure": by_unit[uid].departure.isoformat()})
        shares_shapley = _shapley(members, lane_units, result, time_limit, fill) if with_shapley else {}
        for uid, (plan, owner) in sorted(plans.items()):
            u = by_unit[uid]
            inside = [by_id[sid] for sid in sorted({o[0] for o in owner})]
            cartons, _ = _unit_cartons(inside)
            problems = check_plan(cartons, u.equipment, plan.placements, min_support=min_support)
            unit_rows.append({
                "id": uid, "equipment": u.equipment.code, "mode": u.mode, "departure": u.departure.isoformat(),
                "forwarder_uscc": u.forwarder_uscc, "price": u.price,
                "utilisation": round(plan.utilisation, 4), "weight_kg": round(plan.weight_kg, 2),
                "payload_kg": u.equipment.payload_kg,
                "cog": None if plan.cog is None else {"x": round(plan.cog[0], 1), "y": round(plan.cog[1], 1), "z": round(plan.cog[2], 1)},
                "inner": {"length": u.equipment.length_cm, "width": u.equipment.width_cm, "height": u.equipment.height_cm},
                "placements": [{"shipment": owner[p.item][0], "carton": owner[p.item][1], "sequence": k + 1,
                                "x": p.x, "y": p.y, "z": p.z, "dx": p.dx, "dy": p.dy, "dz": p.dz}
                               for k, p in enumerate(plan.placements)],
                "check": [{"zh": m.zh, "en": m.en} for m in problems]})
            shares = proportional(u.price, inside)
            for s in inside:
                name, value = basis(s)
                alone = _alone(s, lane_units, min_support, pack_tries)
                row = {"shipment": s.id, "exporter_uscc": s.exporter_uscc, "unit": uid, "basis": name,
                       "basis_value": round(value, 3), "alone": alone, "pooled": round(shares[s.id], 2),
                       "saving": None if alone is None else round(alone - shares[s.id], 2)}
                if s.id in shares_shapley:
                    share, error = shares_shapley[s.id]
                    row |= {"shapley": round(share, 2), "shapley_error": round(error, 2)}
                costs.append(row)
    if progress:
        progress("lanes", len(lanes), len(lanes))
    total = sum(r["price"] for r in unit_rows)
    return {"assignments": assignments, "units": unit_rows, "costs": costs, "unassigned": unassigned,
            "gap": max(gaps, default=0.0), "status": "OPTIMAL" if all(s == "OPTIMAL" for s in statuses) else "FEASIBLE",
            "total_cost": round(total, 2), "lower_bound": round(bounds, 2),
            "alone_total": round(sum(r["alone"] for r in costs if r["alone"] is not None), 2),
            "settings": {"time_limit_s": time_limit, "fill": fill, "min_support": min_support, "pack_tries": pack_tries}}


def _solve_lane(members: list[Shipment], lane_units: list[Unit], *, time_limit: float, fill: float,
                min_support: float, tries: int = 0, depth: int = 0) -> tuple[Assignment, dict[str, tuple[LoadPlan, list[tuple[str, int]]]]]:
    forbidden: list[tuple[str, frozenset[str]]] = []
    unit_fill: dict[str, float] = {}
    by_id = {s.id: s for s in members}
    units = {u.id: u for u in lane_units}
    for _ in range(MAX_ROUNDS):
        result = assign(members, lane_units, time_limit=time_limit, fill=fill, forbidden=forbidden, unit_fill=unit_fill)
        groups: dict[str, list[str]] = defaultdict(list)
        for sid, uid in result.unit_of.items():
            groups[uid].append(sid)
        plans, failed = {}, False
        for uid, sids in groups.items():
            cartons, owner = _unit_cartons([by_id[s] for s in sorted(sids)])
            plan = best_pack(cartons, units[uid], min_support=min_support, tries=tries)
            if plan.unplaced or plan.notes:
                # whether a set packs depends only on the equipment: forbid it in every unit of the same kind
                forbidden += [(u.id, frozenset(sids)) for u in lane_units if u.equipment == units[uid].equipment]
                if plan.unplaced:  # and the stowage factor of every unit of that kind drops to what the packer reached
                    reached = max(0.2, plan.volume_cm3 / units[uid].equipment.volume_cm3)
                    for u in lane_units:
                        if u.equipment == units[uid].equipment:
                            unit_fill[u.id] = min(unit_fill.get(u.id, fill), reached)
                failed = True
            plans[uid] = (plan, owner)
        if not failed:
            return result, plans
    # still not packed after MAX_ROUNDS: keep what each unit holds, and plan what did not fit in the units left over
    left: list[str] = []
    for uid, (plan, owner) in list(plans.items()):
        out = {owner[i][0] for i in plan.unplaced}
        if out:
            left += sorted(out)
            keep = [s for s in groups[uid] if s not in out]
            cartons, owner2 = _unit_cartons([by_id[s] for s in sorted(keep)])
            plans[uid] = (best_pack(cartons, units[uid], min_support=min_support, tries=tries), owner2)
    for sid in left:
        result.unit_of.pop(sid, None)
    spare = [u for u in lane_units if u.id not in plans or not plans[u.id][0].placements]
    if left and spare and depth < 3:
        more, more_plans = _solve_lane([by_id[s] for s in left], spare, time_limit=time_limit, fill=fill,
                                       min_support=min_support, tries=tries, depth=depth + 1)
        result.unit_of |= more.unit_of
        result.cost += more.cost
        plans |= more_plans
        left = list(more.unassigned)
    for sid in left:
        result.unassigned[sid] = Message("装箱时放不下（已尝试多轮重新分配）", "did not fit when packed (after several reassignments)")
    return result, {uid: p for uid, p in plans.items() if p[0].placements}


def _alone(s: Shipment, lane_units: list[Unit], min_support: float, tries: int = 0) -> float | None:
    """The cheapest unit that carries ``s`` by itself."""
    for u in sorted(lane_units, key=lambda u: (u.price, u.id)):
        if incompatibility(s, u) is None and not best_pack(list(s.cartons), u, min_support=min_support, tries=tries).unplaced:
            return u.price
    return None


def _shapley(members: list[Shipment], lane_units: list[Unit], result: Assignment, time_limit: float,
             fill: float) -> dict[str, tuple[float, float]]:
    players = sorted(result.unit_of)
    by_id = {s.id: s for s in members}

    def cost(group: frozenset[str]) -> float:
        return assign([by_id[p] for p in sorted(group)], lane_units, time_limit=min(time_limit, 2.0), fill=fill, workers=1).cost

    return shapley(players, cost, samples=100 if len(players) > EXACT_MAX else 0)
