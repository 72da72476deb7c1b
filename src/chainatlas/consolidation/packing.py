"""3D load plans (装载方案): where each carton goes in a container or ULD, in which orientation and in which order.

Method: an extreme-point heuristic (Crainic, Perboli & Tadei, "Extreme point-based heuristics for three-dimensional
bin packing", *INFORMS Journal on Computing* 20(3), 368–384, 2008) with the placement rule "deepest, then lowest,
then leftmost" from the front wall, so that the load is built in walls from the front wall to the door. Each carton,
largest first (cartons that carry nothing — not stackable, fragile — last), goes to the first extreme point and
orientation where it is inside the walls (and under a ULD's contour), overlaps nothing, keeps the weight limit and has
at least ``min_support`` of its base on the floor or on the tops of stackable cartons (a fragile carton carries only
cartons no heavier than itself) — and, when it is itself not stackable or fragile, does not slip under a carton
already placed. The load is then moved towards the door, and sideways, as far as free space allows
to bring the centre of gravity towards the middle.

Coordinates of the result (cm): origin at the door-side floor corner, x along the length into the unit, y across,
z up; ``dx, dy, dz`` are the carton's extent along each axis in its chosen orientation. :mod:`.check` verifies a plan
independently of this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import permutations

import numpy as np

from chainatlas.consolidation.equipment import Equipment
from chainatlas.consolidation.model import Carton

EPS = 1e-6
DEFAULT_MIN_SUPPORT = 0.7  # share of a carton's base that must rest on the floor or on cartons below it


@dataclass(frozen=True)
class Placement:
    item: int  # index in the cartons given to :func:`pack`
    x: float
    y: float
    z: float
    dx: float
    dy: float
    dz: float


@dataclass
class LoadPlan:
    equipment: Equipment
    placements: list[Placement]  # in loading order
    unplaced: list[int]
    weight_kg: float
    cog: tuple[float, float, float] | None  # centre of gravity (cm, same axes)
    notes: list[str] = field(default_factory=list)

    @property
    def volume_cm3(self) -> float:
        return sum(p.dx * p.dy * p.dz for p in self.placements)

    @property
    def utilisation(self) -> float:
        """Volume of the placed cartons ÷ the unit's usable volume (:attr:`Equipment.volume_cm3`)."""
        return self.volume_cm3 / self.equipment.volume_cm3


def orientations(c: Carton) -> list[tuple[float, float, float]]:
    """The distinct (dx, dy, dz) a carton may take; ``this_way_up`` keeps its height vertical.

    >>> orientations(Carton(3, 2, 1, 1.0, this_way_up=True))
    [(3, 2, 1), (2, 3, 1)]
    >>> len(orientations(Carton(3, 2, 1, 1.0)))
    6
    """
    dims = (c.length_cm, c.width_cm, c.height_cm)
    if c.this_way_up:
        options = [(dims[0], dims[1], dims[2]), (dims[1], dims[0], dims[2])]
    else:
        options = [(a, b, c3) for a, b, c3 in permutations(dims)]
    seen: list[tuple[float, float, float]] = []
    for o in options:
        if o not in seen:
            seen.append(o)
    return seen


def default_order(cartons: list[Carton]) -> list[int]:
    """Largest volume first, tallest on ties; cartons that carry nothing (not stackable, fragile) last."""
    return sorted(range(len(cartons)), key=lambda i: (not cartons[i].stackable or cartons[i].fragile,
                                                      -cartons[i].volume_cm3, -cartons[i].height_cm, i))


def pack(cartons: list[Carton], eq: Equipment, *, min_support: float = DEFAULT_MIN_SUPPORT,
         allowed: list[list[tuple[float, float, float]]] | None = None, order: list[int] | None = None,
         cog_bounds: tuple[float, float] | None = None) -> LoadPlan:
    """A load plan for ``cartons`` in ``eq``; cartons that do not fit are listed in ``unplaced``.

    ``allowed`` overrides each carton's orientations (the benchmark instances state their own); ``cog_bounds`` is the
    allowed distance of the centre of gravity from the middle, as shares of length and width (default: the
    equipment's ``cog_tolerance``; reported in ``notes``, not forced).

    >>> from chainatlas.consolidation.equipment import equipment
    >>> plan = pack([Carton(100, 100, 100, 10.0)] * 3, equipment("20GP"))
    >>> len(plan.placements), plan.unplaced
    (3, [])
    """
    length, height = float(eq.length_cm), float(eq.height_cm)
    boxes = np.zeros((0, 6))  # internal frame: X from the front wall, Y, Z; x0 y0 z0 x1 y1 z1
    carries = np.zeros(0, dtype=bool)  # may something rest on it
    fragile_kg = np.zeros(0)  # a fragile carton's weight (the most it carries per carton), inf otherwise
    weights = np.zeros(0)
    points = np.zeros((1, 3))
    placed: list[tuple[int, float, float, float, float, float, float]] = []
    unplaced: list[int] = []
    weight = 0.0
    for i in order if order is not None else default_order(cartons):
        c = cartons[i]
        if weight + c.gross_kg > eq.payload_kg + EPS:
            unplaced.append(i)
            continue
        best: tuple[float, float, float, float, float, float] | None = None
        for dx, dy, dz in (allowed[i] if allowed is not None else orientations(c)):
            px, py, pz = points[:, 0], points[:, 1], points[:, 2]
            ok = (px + dx <= length + EPS) & (pz + dz <= height + EPS)
            ok &= py + dy <= np.array([eq.max_y(z) for z in pz]) + EPS if eq.base_width_cm is not None else py + dy <= eq.width_cm + EPS
            if not ok.any():
                continue
            cand = np.flatnonzero(ok)
            if len(boxes):
                x0, y0, z0 = px[cand, None], py[cand, None], pz[cand, None]
                overlap = ((x0 < boxes[:, 3] - EPS) & (x0 + dx > boxes[:, 0] + EPS) & (y0 < boxes[:, 4] - EPS)
                           & (y0 + dy > boxes[:, 1] + EPS) & (z0 < boxes[:, 5] - EPS) & (z0 + dz > boxes[:, 2] + EPS))
                cand = cand[~overlap.any(axis=1)]
                if len(cand) and (not c.stackable or c.fragile):  # nothing already placed may rest on it
                    x0, y0, z0 = px[cand, None], py[cand, None], pz[cand, None]
                    wx = np.clip(np.minimum(x0 + dx, boxes[:, 3]) - np.maximum(x0, boxes[:, 0]), 0, None)
                    wy = np.clip(np.minimum(y0 + dy, boxes[:, 4]) - np.maximum(y0, boxes[:, 1]), 0, None)
                    above = (np.abs(boxes[:, 2] - (z0 + dz)) < EPS) & (wx * wy > EPS)
                    if not c.stackable:
                        cand = cand[~above.any(axis=1)]
                    else:
                        cand = cand[~(above & (weights > c.gross_kg + EPS)).any(axis=1)]
                if len(cand) and (min_support > 0 or not carries.all() or np.isfinite(fragile_kg).any()):
                    x0, y0, z0 = px[cand, None], py[cand, None], pz[cand, None]
                    wx = np.clip(np.minimum(x0 + dx, boxes[:, 3]) - np.maximum(x0, boxes[:, 0]), 0, None)
                    wy = np.clip(np.minimum(y0 + dy, boxes[:, 4]) - np.maximum(y0, boxes[:, 1]), 0, None)
                    touching = (np.abs(boxes[:, 5] - z0) < EPS) & (wx * wy > EPS)
                    forbidden = touching & (~carries | (fragile_kg < c.gross_kg - EPS))
                    area = np.where(touching, wx * wy, 0.0).sum(axis=1)
                    on_floor = pz[cand] < EPS
                    cand = cand[on_floor | ((area >= min_support * dx * dy - EPS) & ~forbidden.any(axis=1))]
            elif min_support > 0:
                cand = cand[pz[cand] < EPS]
            if not len(cand):
                continue
            # deepest from the front wall, then lowest, then leftmost
            k = cand[np.lexsort((py[cand], pz[cand], px[cand]))[0]]
            key = (px[k], pz[k], py[k])
            if best is None or key < best[:3]:
                best = (px[k], pz[k], py[k], dx, dy, dz)
        if best is None:
            unplaced.append(i)
            continue
        x, z, y, dx, dy, dz = best
        placed.append((i, x, y, z, dx, dy, dz))
        weight += c.gross_kg
        boxes = np.vstack([boxes, [x, y, z, x + dx, y + dy, z + dz]])
        carries = np.append(carries, c.stackable)
        fragile_kg = np.append(fragile_kg, c.gross_kg if c.fragile else np.inf)
        weights = np.append(weights, c.gross_kg)
        points = _update_points(points, boxes, (x, y, z, dx, dy, dz))
    return finish(cartons, eq, placed, unplaced, weight, cog_bounds or eq.cog_tolerance)


def plan_rank(plan: LoadPlan) -> tuple[int, bool, float]:
    """How good a plan is, smaller is better: fewest cartons left out, then the centre of gravity within bounds, then
    most volume placed."""
    return (len(plan.unplaced), bool(plan.notes), -plan.volume_cm3)


def search_order(cartons: list[Carton], eq: Equipment, start: list[int], *, tries: int, seed: int = 1,
                 min_support: float = DEFAULT_MIN_SUPPORT,
                 allowed: list[list[tuple[float, float, float]]] | None = None) -> LoadPlan:
    """The best plan found by an iterated local search over the loading order (the packer itself is deterministic):
    from ``start``, each try moves one to three cartons to an earlier position and keeps the new order when its plan
    ranks no worse (:func:`plan_rank`; accepting ties lets the walk cross plateaus). It stops after ``tries`` plans or
    as soon as every carton is placed with the centre of gravity in bounds. Deterministic for a seed.

    >>> from chainatlas.consolidation.equipment import equipment
    >>> boxes = [Carton(100, 100, 100, 10.0)] * 3
    >>> len(search_order(boxes, equipment("20GP"), [0, 1, 2], tries=5).placements)
    3
    """
    import random

    rng = random.Random(seed)
    order = list(start)
    current = best = pack(cartons, eq, min_support=min_support, allowed=allowed, order=order)
    for _ in range(tries):
        if plan_rank(best)[:2] == (0, False) or len(order) < 2:
            break
        trial = list(order)
        for _move in range(rng.randint(1, 3)):
            i = rng.randrange(1, len(trial))
            trial.insert(max(0, i - rng.randint(1, max(1, len(trial) // 4))), trial.pop(i))
        plan = pack(cartons, eq, min_support=min_support, allowed=allowed, order=trial)
        if plan_rank(plan) <= plan_rank(current):
            order, current = trial, plan
            if plan_rank(plan) < plan_rank(best):
                best = plan
    return best


def _project(p: np.ndarray, boxes: np.ndarray, axis: int) -> float:
    """Slide point ``p`` towards 0 along ``axis`` until it meets a box face or the wall."""
    others = [a for a in range(3) if a != axis]
    inside = np.ones(len(boxes), dtype=bool)
    for a in others:
        inside &= (boxes[:, a] <= p[a] + EPS) & (boxes[:, a + 3] > p[a] + EPS)
    faces = boxes[inside, axis + 3]
    faces = faces[faces <= p[axis] + EPS]
    return float(faces.max()) if len(faces) else 0.0


def _update_points(points: np.ndarray, boxes: np.ndarray, new: tuple[float, float, float, float, float, float]) -> np.ndarray:
    x, y, z, dx, dy, dz = new
    fresh = []
    for corner, slides in (((x + dx, y, z), (1, 2)), ((x, y + dy, z), (0, 2)), ((x, y, z + dz), (0, 1))):
        p = np.array(corner)
        fresh.append(p)
        for axis in slides:
            q = p.copy()
            q[axis] = _project(p, boxes, axis)
            fresh.append(q)
    allp = np.vstack([points, np.array(fresh)])
    b = boxes
    inside = ((allp[:, None, 0] >= b[:, 0] - EPS) & (allp[:, None, 0] < b[:, 3] - EPS) & (allp[:, None, 1] >= b[:, 1] - EPS)
              & (allp[:, None, 1] < b[:, 4] - EPS) & (allp[:, None, 2] >= b[:, 2] - EPS) & (allp[:, None, 2] < b[:, 5] - EPS))
    allp = allp[~inside.any(axis=1)]
    return np.unique(np.round(allp, 6), axis=0)


def finish(cartons: list[Carton], eq: Equipment, placed: list[tuple[int, float, float, float, float, float, float]],
           unplaced: list[int], weight: float, cog_bounds: tuple[float, float]) -> LoadPlan:
    """The plan from cartons placed in the internal frame (x from the front wall): the load moved towards the door and
    sideways as free space allows, to bring the centre of gravity to the middle; coordinates turned to the result's
    frame (x from the door); the centre of gravity, and notes where it stays out of ``cog_bounds``."""
    length, width = float(eq.length_cm), float(eq.width_cm)
    notes: list[str] = []
    if not placed:
        return LoadPlan(eq, [], sorted(unplaced), 0.0, None, notes)
    arr = np.array([p[1:] for p in placed])  # x y z dx dy dz (internal X from the front wall)
    w = np.array([cartons[p[0]].gross_kg for p in placed])
    centre = arr[:, :3] + arr[:, 3:] / 2
    # move the load towards the door (X grows) and sideways, within the free space, to centre its weight
    free_x = length - float((arr[:, 0] + arr[:, 3]).max())
    cog_x = float((centre[:, 0] * w).sum() / w.sum())
    shift_x = min(max(length / 2 - cog_x, 0.0), free_x)
    # sideways: as far as the narrowest room any carton has to its side wall (under a contour, at its own height)
    free_y = min(eq.max_y(float(z)) - float(y + dy) for y, z, dy in zip(arr[:, 1], arr[:, 2], arr[:, 4], strict=True))
    cog_y = float((centre[:, 1] * w).sum() / w.sum())
    shift_y = min(max(width / 2 - cog_y, 0.0), max(free_y, 0.0))
    arr[:, 0] += math.floor(shift_x * 1e6) / 1e6  # rounded down: a rounded-up shift could cross a wall by 1e-7
    arr[:, 1] += math.floor(shift_y * 1e6) / 1e6
    centre = arr[:, :3] + arr[:, 3:] / 2
    placements = [Placement(p[0], round(length - float(a[0] + a[3]), 6), round(float(a[1]), 6), round(float(a[2]), 6),
                            float(a[3]), float(a[4]), float(a[5])) for p, a in zip(placed, arr, strict=True)]
    cog = (length - float((centre[:, 0] * w).sum() / w.sum()), float((centre[:, 1] * w).sum() / w.sum()),
           float((centre[:, 2] * w).sum() / w.sum()))
    if abs(cog[0] - length / 2) > cog_bounds[0] * length + EPS:
        notes.append("cog_x")
    if abs(cog[1] - width / 2) > cog_bounds[1] * width + EPS:
        notes.append("cog_y")
    return LoadPlan(eq, placements, sorted(unplaced), weight, cog, notes)
