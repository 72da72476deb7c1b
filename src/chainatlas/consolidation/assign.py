"""Which shipment goes into which unit (container, rail box, ULD) on which departure (拼单分配), at least total cost.

An assignment model solved with OR-Tools CP-SAT (Perron & Didier, *CP-SAT*, Google OR-Tools 9, 2023):

    minimise   Σ_u price_u · y_u  +  M · Σ_s (1 − Σ_u x_su)
    subject to Σ_u x_su ≤ 1                          each shipment in one unit at most (never split)
               Σ_s vol_s · x_su ≤ fill_u · V_u · y_u  volume, with a stowage factor for the gaps between cartons
               Σ_s kg_s · x_su ≤ P_u · y_u            payload
               Σ_s vol_s · x_su ≥ min_u · V_u · y_u   the forwarder's least fill to run the unit (default 0)
               x_au + x_bu ≤ 1                        dangerous goods that must be segregated (see ``SEGREGATE``)
               x_su = 0 unless compatible(s, u)       same mode and lane, leaves on or after the ready date and the
                                                      cut-off, arrives (or, without an arrival, leaves) by the latest
                                                      arrival, the temperature range held by a reefer
               x, y ∈ {0, 1}

M is larger than every unit's price together, so a shipment is left out only when no unit can take it. The search has a
time limit; the result states the proven lower bound and the optimality gap. Volume is a necessary condition only:
each unit's cartons are then packed in 3D (:mod:`.packing`); a set that does not pack is forbidden in that unit
(``x_au + x_bu + … ≤ k − 1``) and the unit's stowage factor is lowered to the share the packer reached, before
solving again. The lowered factor is a heuristic cut (another set might pack better), so the cost after packing is
an upper bound; the gap reported is that of the last assignment solved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from chainatlas.consolidation.model import Shipment, Unit
from chainatlas.messages import Message

DEFAULT_FILL = 0.85  # typical stowage factor of mixed cartons: the share of a unit's volume they can use
# UN classes that may not share a unit (a simplification of the IMDG Code's segregation table 7.2.4 — "separated
# from" or stricter — applied to whole units; a forwarder's DG desk has the last word)
SEGREGATE: frozenset[frozenset[str]] = frozenset(frozenset(p) for p in (
    ("1", "2.1"), ("1", "3"), ("1", "4.1"), ("1", "5.1"), ("1", "8"), ("2.1", "5.1"), ("3", "5.1"), ("3", "5.2"),
    ("4.1", "5.1"), ("4.2", "5.1"), ("4.3", "8"), ("5.1", "8"), ("5.2", "8"), ("6.1", "1"), ("4.3", "5.1"),
))


def incompatibility(s: Shipment, u: Unit) -> Message | None:
    """Why ``s`` cannot travel in ``u`` (None when it can)."""
    if s.lane != u.lane:
        return Message("线路或运输方式不同", "another lane or mode")
    if u.departure < s.ready_date or (u.cutoff is not None and u.cutoff < s.ready_date):
        return Message("货物备妥前已截载或发运", "cut-off or departure before the goods are ready")
    if (u.arrival or u.departure) > s.latest_arrival:
        return Message("到达晚于最晚到达日", "arrives after the latest arrival date")
    if s.temperature_c is not None:
        held = u.equipment.temperature_c
        if held is None or not held[0] <= s.temperature_c[0] <= s.temperature_c[1] <= held[1]:
            return Message("需要温控而该箱不能保持所需温度", "needs a temperature the unit cannot hold")
    if s.gross_kg > u.equipment.payload_kg or s.volume_cm3 > u.equipment.volume_cm3:
        return Message("单票货物超过该箱的容积或载重", "the shipment alone exceeds the unit's volume or payload")
    return None


def segregated(a: Shipment, b: Shipment) -> bool:
    """Two dangerous-goods shipments that may not share a unit.

    >>> from chainatlas.consolidation.model import Carton
    >>> import datetime as dt
    >>> def s(dg): return Shipment("x", "", "CGO", "LUX", "air", dt.date(2026, 1, 1), dt.date(2026, 1, 9), (), dg)
    >>> segregated(s("3"), s("5.1")), segregated(s("3"), s("3")), segregated(s(None), s("5.1"))
    (True, False, False)
    """
    if a.dg_class is None or b.dg_class is None:
        return False
    return frozenset((a.dg_class, b.dg_class)) in SEGREGATE


@dataclass
class Assignment:
    unit_of: dict[str, str]  # shipment id → unit id
    unassigned: dict[str, Message]  # shipment id → why
    cost: float
    bound: float
    gap: float  # (cost − bound) ÷ cost, 0 when proven optimal
    status: str  # OPTIMAL or FEASIBLE


def assign(shipments: Sequence[Shipment], units: Sequence[Unit], *, time_limit: float = 10.0, fill: float = DEFAULT_FILL,
           forbidden: Iterable[tuple[str, frozenset[str]]] = (), unit_fill: dict[str, float] | None = None,
           workers: int = 2) -> Assignment:
    """The cheapest assignment (see the module docstring); ``forbidden`` holds (unit, shipment set) pairs that must
    not all travel in that unit (sets found not to pack); ``unit_fill`` lowers the stowage factor of single units."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    ok = {(s.id, u.id): incompatibility(s, u) is None for s in shipments for u in units}
    x = {(s.id, u.id): model.new_bool_var(f"x_{i}_{j}") for i, s in enumerate(shipments) for j, u in enumerate(units)
         if ok[(s.id, u.id)]}
    y = {u.id: model.new_bool_var(f"y_{j}") for j, u in enumerate(units)}
    for s in shipments:
        model.add(sum(x[(s.id, u.id)] for u in units if (s.id, u.id) in x) <= 1)
    for u in units:
        mine = [s for s in shipments if (s.id, u.id) in x]
        if not mine:
            model.add(y[u.id] == 0)
            continue
        cap_l = int((unit_fill or {}).get(u.id, fill) * u.equipment.volume_cm3 / 1000)  # litres
        model.add(sum(round(s.volume_cm3 / 1000) * x[(s.id, u.id)] for s in mine) <= cap_l * y[u.id])
        model.add(sum(round(s.gross_kg * 10) * x[(s.id, u.id)] for s in mine) <= int(u.equipment.payload_kg * 10) * y[u.id])
        if u.min_fill > 0:
            least = math.ceil(u.min_fill * u.equipment.volume_cm3 / 1000)
            model.add(sum(round(s.volume_cm3 / 1000) * x[(s.id, u.id)] for s in mine) >= least * y[u.id])
        for i, a in enumerate(mine):
            for b in mine[i + 1:]:
                if segregated(a, b):
                    model.add(x[(a.id, u.id)] + x[(b.id, u.id)] <= 1)
    forbidden = list(forbidden)
    for unit_id, group in forbidden:
        members = [x[(sid, unit_id)] for sid in group if (sid, unit_id) in x]
        if len(members) == len(group) and members:
            model.add(sum(members) <= len(members) - 1)
    # identical offers (same kind, dates, price, cuts): use them in id order, which removes symmetric solutions
    bans: dict[str, set[frozenset[str]]] = {}
    for unit_id, group in forbidden:
        bans.setdefault(unit_id, set()).add(group)
    twins: dict[tuple[object, ...], list[Unit]] = {}
    for u in units:
        key = (u.equipment, u.lane, u.departure, u.arrival, u.cutoff, u.price, u.min_fill, (unit_fill or {}).get(u.id, fill),
               frozenset(bans.get(u.id, set())))
        twins.setdefault(key, []).append(u)
    for same in twins.values():
        for first, then in pairwise(same):
            model.add(y[first.id] >= y[then.id])
    cents = {u.id: round(u.price * 100) for u in units}
    penalty = sum(cents.values()) + 100
    assigned = {s.id: sum(x[(s.id, u.id)] for u in units if (s.id, u.id) in x) for s in shipments}
    model.minimize(sum(cents[u.id] * y[u.id] for u in units) + sum(penalty * (1 - assigned[s.id]) for s in shipments))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # cannot happen: leaving everything out is feasible
        raise RuntimeError(f"CP-SAT: {solver.status_name(status)}")
    unit_of = {sid: uid for (sid, uid), var in x.items() if solver.value(var)}
    unassigned = {}
    for s in shipments:
        if s.id in unit_of:
            continue
        if any((s.id, u.id) in x for u in units):
            unassigned[s.id] = Message("相容的运力已满、达不到货代的最低装载率，或与同箱危险品须隔离",
                                       "the compatible units are full or below the forwarder's least fill, or dangerous "
                                       "goods must be segregated")
            continue
        reasons = [m for u in units if (m := incompatibility(s, u)) is not None]
        unassigned[s.id] = (Message("没有相容的运力：" + "；".join(sorted({m.zh for m in reasons})),
                                    "no compatible unit: " + "; ".join(sorted({m.en for m in reasons})))
                            if reasons else Message("没有运力报价", "no capacity offered"))
    used = {uid for uid in unit_of.values()}
    cost = sum(u.price for u in units if u.id in used)
    objective = solver.objective_value / 100
    bound = solver.best_objective_bound / 100
    gap = 0.0 if status == cp_model.OPTIMAL or objective <= 0 else max(0.0, (objective - bound) / objective)
    return Assignment(unit_of, unassigned, cost, bound, gap, solver.status_name(status))
