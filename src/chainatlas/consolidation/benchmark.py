"""The Bischoff–Ratcliff test problems BR1–BR7 (E. E. Bischoff and M. S. W. Ratcliff, "Issues in the development of
approaches to container loading", *Omega* 23(4), 377–390, 1995), regenerated from the paper's procedure.

Procedure (as published): a 20 ft container of 587 × 233 × 220 cm; n box types (BR1 … BR7: 3, 5, 8, 10, 12, 15, 20);
the random numbers of the "minimal standard" generator x ← 16807·x mod (2³¹ − 1), r = x / (2³¹ − 1) (Park & Miller,
*CACM* 31(10), 1988), seeded with s_p = 2,502,505 + 100·(p − 1) for problem p, the first ten discarded. Each box
type draws three dimensions d_j = a_j + ⌊r·(b_j − a_j + 1)⌋ with a = (30, 25, 20), b = (120, 100, 80), sorted
descending; dimension j may be vertical if d_j ÷ min d < L = 2. Quantities start at one and grow one box at a time,
of type ⌊r·n⌋, until the next box would make the cargo's volume exceed the container's. The instances generated
here equal those published in OR-Library (tested on a sample shipped in tests/data).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from chainatlas.consolidation.equipment import Equipment, equipment
from chainatlas.consolidation.model import Carton

CLASSES = {1: 3, 2: 5, 3: 8, 4: 10, 5: 12, 6: 15, 7: 20}  # BRk → number of box types
CONTAINER = (587, 233, 220)
LOWER, UPPER, STABILITY = (30, 25, 20), (120, 100, 80), 2.0
MODULUS, MULTIPLIER = 2**31 - 1, 16807


@dataclass(frozen=True)
class BoxType:
    dims: tuple[int, int, int]  # descending
    vertical: tuple[bool, bool, bool]  # may dimension j be the height
    quantity: int


def _uniform(seed: int) -> Iterator[float]:
    x = seed
    while True:
        x = MULTIPLIER * x % MODULUS
        yield x / MODULUS


def br_instance(cls: int, problem: int) -> list[BoxType]:
    """Problem ``problem`` (1–100) of class BR``cls`` (1–7).

    >>> [b.quantity for b in br_instance(1, 1)]
    [40, 33, 39]
    """
    n = CLASSES[cls]
    rand = _uniform(2_502_505 + 100 * (problem - 1))
    for _ in range(10):
        next(rand)
    dims, vertical, volume = [], [], []
    for _ in range(n):
        d = sorted((LOWER[j] + int(next(rand) * (UPPER[j] - LOWER[j] + 1)) for j in range(3)), reverse=True)
        dims.append((d[0], d[1], d[2]))
        vertical.append((d[0] / d[2] < STABILITY, d[1] / d[2] < STABILITY, True))
        volume.append(d[0] * d[1] * d[2])
    target = CONTAINER[0] * CONTAINER[1] * CONTAINER[2]
    qty = [1] * n
    while True:
        cargo = sum(q * v for q, v in zip(qty, volume, strict=True))
        k = int(next(rand) * n)
        if target < cargo + volume[k]:
            break
        qty[k] += 1
    return [BoxType(d, o, q) for d, o, q in zip(dims, vertical, qty, strict=True)]


def as_cartons(boxes: list[BoxType]) -> tuple[list[Carton], list[list[tuple[float, float, float]]]]:
    """The boxes as cartons (1 kg each: the problems have no weights) and each one's allowed orientations."""
    cartons: list[Carton] = []
    allowed: list[list[tuple[float, float, float]]] = []
    for b in boxes:
        options: list[tuple[float, float, float]] = []
        for j in range(3):
            if b.vertical[j]:
                a, c = (b.dims[k] for k in range(3) if k != j)
                for o in ((a, c, b.dims[j]), (c, a, b.dims[j])):
                    if o not in options:
                        options.append((float(o[0]), float(o[1]), float(o[2])))
        for _ in range(b.quantity):
            cartons.append(Carton(float(b.dims[0]), float(b.dims[1]), float(b.dims[2]), 1.0))
            allowed.append(options)
    return cartons, allowed


def container() -> Equipment:
    """The benchmark's container: 587 × 233 × 220 cm, no weight limit that binds."""
    return equipment("20GP").with_overrides({"length_cm": CONTAINER[0], "width_cm": CONTAINER[1],
                                             "height_cm": CONTAINER[2], "payload_kg": 1e9})
