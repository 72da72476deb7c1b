"""Block building (装箱·块构建): the load as blocks of identical cartons placed into maximal empty spaces.

Method, after the block-building heuristics of container loading (Eley, "Solving container loading problems by block
arrangement", *EJOR* 141(2), 393–409, 2002; Fanslau & Bortfeldt, "A tree search algorithm for solving the container
loading problem", *INFORMS Journal on Computing* 22(2), 222–235, 2010), greedy, without their tree search:

1. Cartons of the same size, weight, flags and allowed orientations form a *type*. A *block* is an nx × ny × nz
   arrangement of one type in one orientation (nz = 1 for cartons that carry nothing: not stackable, fragile).
2. The empty space is kept as a list of *maximal spaces* (boxes, possibly overlapping, none inside another). The
   space taken next is the one nearest the front wall, then the floor, then the left wall (the same "deepest, lowest,
   leftmost" rule as the extreme-point packer, so the load grows in walls from the front wall to the door).
3. Into it goes the block of largest volume that fits (a block that carries others before one that does not): inside the space (and a ULD's contour at its bottom), within
   the payload left, and, off the floor, with every carton of its bottom layer resting on at least ``min_support``
   of its base on cartons that may carry it. A space no block fits is dropped.
4. Every space the block overlaps is replaced by its up to six maximal remainders; over a block that carries nothing
   no space is left. Spaces too small for any carton left, or inside another, are dropped.

The result goes through the same finishing (towards the door and sideways for the centre of gravity) and the same
independent checker as :func:`chainatlas.consolidation.packing.pack`.

>>> from chainatlas.consolidation.equipment import equipment
>>> plan = pack_blocks([Carton(100, 100, 100, 10.0)] * 8, equipment("20GP"))
>>> len(plan.placements), plan.unplaced
(8, [])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainatlas.consolidation.equipment import Equipment
from chainatlas.consolidation.model import Carton
from chainatlas.consolidation.packing import DEFAULT_MIN_SUPPORT, EPS, LoadPlan, finish, orientations

Space = tuple[float, float, float, float, float, float]  # x0 y0 z0 x1 y1 z1, x from the front wall


@dataclass
class _Type:
    items: list[int]  # cartons of the type not yet placed
    carton: Carton
    options: list[tuple[float, float, float]]

    @property
    def carries(self) -> bool:
        """Whether anything may rest on it (stackable and not fragile: a fragile carton is loaded on top)."""
        return self.carton.stackable and not self.carton.fragile


def _types(cartons: list[Carton], allowed: list[list[tuple[float, float, float]]] | None) -> list[_Type]:
    groups: dict[tuple[object, ...], _Type] = {}
    for i, c in enumerate(cartons):
        opts = allowed[i] if allowed is not None else orientations(c)
        key = (c, tuple(opts))
        if key not in groups:
            groups[key] = _Type([], c, list(opts))
        groups[key].items.append(i)
    return list(groups.values())


def _support_ok(boxes: np.ndarray, carry_kg: np.ndarray, x: float, y: float, z: float, nx: int, ny: int,
                dx: float, dy: float, kg: float, min_support: float) -> bool:
    """Every carton of a block's bottom layer at height ``z`` rests on ≥ ``min_support`` of its base on cartons that
    may carry it (``carry_kg``: the most each placed carton carries — 0 when it carries nothing)."""
    if z < EPS or not len(boxes):
        return z < EPS
    top = np.abs(boxes[:, 5] - z) < EPS
    if not top.any():
        return False
    b = boxes[top]
    strong = carry_kg[top] >= kg - EPS
    for i in range(nx):
        for j in range(ny):
            x0, y0 = x + i * dx, y + j * dy
            wx = np.clip(np.minimum(x0 + dx, b[:, 3]) - np.maximum(x0, b[:, 0]), 0, None)
            wy = np.clip(np.minimum(y0 + dy, b[:, 4]) - np.maximum(y0, b[:, 1]), 0, None)
            area = wx * wy
            if (area[~strong] > EPS).any() or area.sum() < min_support * dx * dy - EPS:
                return False
    return True


def _under(boxes: np.ndarray, x: float, y: float, top: float, lx: float, ly: float) -> bool:
    """Whether a placed carton rests on the top face (at ``top``, over x..x+lx, y..y+ly) of a block: a block that
    carries nothing may not slip under it."""
    if not len(boxes):
        return False
    wx = np.clip(np.minimum(x + lx, boxes[:, 3]) - np.maximum(x, boxes[:, 0]), 0, None)
    wy = np.clip(np.minimum(y + ly, boxes[:, 4]) - np.maximum(y, boxes[:, 1]), 0, None)
    return bool(((np.abs(boxes[:, 2] - top) < EPS) & (wx * wy > EPS)).any())


def _remainders(s: Space, b: Space) -> list[Space]:
    """The maximal parts of space ``s`` outside box ``b`` (they overlap)."""
    out = []
    if b[0] > s[0] + EPS:
        out.append((s[0], s[1], s[2], b[0], s[4], s[5]))
    if b[3] < s[3] - EPS:
        out.append((b[3], s[1], s[2], s[3], s[4], s[5]))
    if b[1] > s[1] + EPS:
        out.append((s[0], s[1], s[2], s[3], b[1], s[5]))
    if b[4] < s[4] - EPS:
        out.append((s[0], b[4], s[2], s[3], s[4], s[5]))
    if b[2] > s[2] + EPS:
        out.append((s[0], s[1], s[2], s[3], s[4], b[2]))
    if b[5] < s[5] - EPS:
        out.append((s[0], s[1], b[5], s[3], s[4], s[5]))
    return out


def _overlaps(s: Space, b: Space) -> bool:
    return all(s[a] < b[a + 3] - EPS and b[a] < s[a + 3] - EPS for a in range(3))


def _prune(spaces: list[Space], smallest: float) -> list[Space]:
    keep = [s for s in spaces if min(s[3] - s[0], s[4] - s[1], s[5] - s[2]) >= smallest - EPS]
    keep = sorted(set(keep), key=lambda s: -(s[3] - s[0]) * (s[4] - s[1]) * (s[5] - s[2]))
    out: list[Space] = []
    for s in keep:  # larger first, so a space inside another meets it already kept
        if not any(all(o[a] <= s[a] + EPS and s[a + 3] <= o[a + 3] + EPS for a in range(3)) for o in out):
            out.append(s)
    return out


Block = tuple[float, int, tuple[float, float, float], int, int, int]  # volume, type, orientation, nx, ny, nz


@dataclass
class _State:
    """A partial load: the cartons left per type, the maximal spaces, the cartons placed (internal frame)."""

    eq: Equipment
    types: list[_Type]
    min_support: float
    spaces: list[Space]
    boxes: np.ndarray
    carry_kg: np.ndarray
    placed: list[tuple[int, float, float, float, float, float, float]]
    weight: float = 0.0

    def copy(self) -> _State:
        return _State(self.eq, [_Type(list(t.items), t.carton, t.options) for t in self.types], self.min_support,
                      list(self.spaces), self.boxes.copy(), self.carry_kg.copy(), list(self.placed), self.weight)

    @property
    def volume(self) -> float:
        return sum(p[4] * p[5] * p[6] for p in self.placed)

    def candidates(self, limit: int) -> list[Block]:
        """The ``limit`` best blocks (one per type and orientation) that fit the current space — those that carry
        others before those that do not, then the largest — dropping spaces that take none; [] when the load is
        complete."""
        while self.spaces and any(t.items for t in self.types):
            self.spaces.sort(key=lambda s: (s[0], s[2], s[1]))
            found = self._blocks(self.spaces[0])
            if found:  # blocks that carry others first (what carries nothing goes on top), then the largest
                return sorted(found, key=lambda b: (not self.types[b[1]].carries, -b[0]))[:limit]
            self.spaces.pop(0)
        return []

    def _blocks(self, s: Space) -> list[Block]:
        eq = self.eq
        sx, sy, sz = s[3] - s[0], min(s[4], eq.max_y(s[2])) - s[1], s[5] - s[2]
        out: list[Block] = []
        for k, t in enumerate(self.types):
            kg = t.carton.gross_kg
            n = min(len(t.items), int((eq.payload_kg - self.weight + EPS) // kg) if kg > 0 else len(t.items))
            for dx, dy, dz in t.options if n >= 1 else ():
                mx, my, mz = int((sx + EPS) // dx), int((sy + EPS) // dy), int((sz + EPS) // dz)
                mz = mz if t.carries else min(mz, 1)
                best: Block | None = None
                for nz in range(1, mz + 1) if min(mx, my) >= 1 else ():
                    for ny in range(1, my + 1):
                        nx = min(mx, n // (ny * nz))
                        if nx < 1:
                            break
                        vol = nx * ny * nz * dx * dy * dz
                        if (best is None or vol > best[0] + EPS) and _support_ok(
                                self.boxes, self.carry_kg, s[0], s[1], s[2], nx, ny, dx, dy, kg, self.min_support) and (
                                t.carries or not _under(self.boxes, s[0], s[1], s[2] + dz, nx * dx, ny * dy)):
                            best = (vol, k, (dx, dy, dz), nx, ny, nz)
                if best is not None:
                    out.append(best)
        return out

    def apply(self, block: Block) -> None:
        """Place ``block`` at the current space's corner and update the spaces."""
        _, k, (dx, dy, dz), nx, ny, nz = block
        t = self.types[k]
        x0, y0, z0 = self.spaces[0][:3]
        cells = sorted(((i, j, h) for i in range(nx) for j in range(ny) for h in range(nz)), key=lambda c: (c[0], c[2], c[1]))
        new = []
        for (i, j, h), item in zip(cells, t.items[: nx * ny * nz], strict=False):
            box = (x0 + i * dx, y0 + j * dy, z0 + h * dz, dx, dy, dz)
            self.placed.append((item, *box))
            new.append([box[0], box[1], box[2], box[0] + dx, box[1] + dy, box[2] + dz])
            self.weight += t.carton.gross_kg
        del t.items[: nx * ny * nz]
        self.boxes = np.vstack([self.boxes, np.array(new)])
        self.carry_kg = np.append(self.carry_kg, np.full(len(new), np.inf if t.carries else 0.0))
        block_box: Space = (x0, y0, z0, x0 + nx * dx, y0 + ny * dy, z0 + nz * dz)
        shadow = block_box if t.carries else (*block_box[:5], float(self.eq.height_cm))  # nothing above it
        rest: list[Space] = []
        for sp in self.spaces:
            rest.extend(_remainders(sp, shadow) if _overlaps(sp, shadow) else [sp])
        left = [min(o) for tt in self.types if tt.items for o in tt.options]
        self.spaces = _prune(rest, min(left)) if left else []

    def greedy(self) -> _State:
        """Complete the load with the largest block each time."""
        while found := self.candidates(1):
            self.apply(found[0])
        return self


def pack_blocks(cartons: list[Carton], eq: Equipment, *, min_support: float = DEFAULT_MIN_SUPPORT,
                allowed: list[list[tuple[float, float, float]]] | None = None,
                cog_bounds: tuple[float, float] | None = None, lookahead: int = 1) -> LoadPlan:
    """A load plan for ``cartons`` in ``eq`` by block building (see the module); cartons left out are in
    ``unplaced``. With ``lookahead`` k > 1, each step tries the k largest blocks, completes each greedily, and keeps
    the one whose completed load is largest (a pilot method; k times the greedy's work per step). ``allowed`` and
    ``cog_bounds`` as for :func:`chainatlas.consolidation.packing.pack`."""
    state = _State(eq, _types(cartons, allowed), min_support,
                   [(0.0, 0.0, 0.0, float(eq.length_cm), float(eq.width_cm), float(eq.height_cm))],
                   np.zeros((0, 6)), np.zeros(0), [])
    if lookahead <= 1:
        state.greedy()
    else:
        while found := state.candidates(lookahead):
            if len(found) == 1:
                state.apply(found[0])
                continue
            trials = []
            for b in found:
                trial = state.copy()
                trial.apply(b)
                trials.append(trial.greedy().volume)
            state.apply(found[int(np.argmax(trials))])
    unplaced = sorted(i for t in state.types for i in t.items)
    return finish(cartons, eq, state.placed, unplaced, state.weight, cog_bounds or eq.cog_tolerance)
