"""An independent checker of load plans (装载方案校验): it shares no code with the planner (:mod:`.packing`), only the
cartons and the equipment, so a plan from anywhere — ours, a forwarder's, a test's — is judged the same way.

Checked, each with where and why (in Chinese and English): every carton placed at most once and its extents a
permutation of its dimensions (height vertical for ``this_way_up``); inside the walls and under a ULD's contour; no two
cartons overlapping (a shared face is allowed); at least ``min_support`` of each carton's base on the floor or on
cartons whose top is at its bottom; nothing resting on a carton that is not stackable, and nothing heavier than a
fragile carton resting on it; the total weight within the payload; the centre of gravity within the stated bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from chainatlas.consolidation.equipment import Equipment
from chainatlas.consolidation.model import Carton
from chainatlas.messages import Message

TOL = 1e-6


class Placed(Protocol):
    @property
    def item(self) -> int: ...
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...
    @property
    def z(self) -> float: ...
    @property
    def dx(self) -> float: ...
    @property
    def dy(self) -> float: ...
    @property
    def dz(self) -> float: ...


def _overlap_1d(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def check_plan(cartons: Sequence[Carton], eq: Equipment, placements: Sequence[Placed], *,
               min_support: float = 0.7, cog_bounds: tuple[float, float] | str | None = "equipment") -> list[Message]:
    """Every violation of the plan (empty when the plan is valid). ``cog_bounds``: the centre of gravity's allowed
    distance from the middle (shares of length and width), the equipment's own by default, None to skip.

    >>> from chainatlas.consolidation.equipment import equipment
    >>> from chainatlas.consolidation.packing import Placement
    >>> box = Carton(100, 100, 100, 10.0)
    >>> check_plan([box, box], equipment("20GP"), [Placement(0, 0, 0, 0, 100, 100, 100), Placement(1, 50, 0, 0, 100, 100, 100)],
    ...            cog_bounds=None)[0].en
    'cartons 0 and 1 overlap'
    """
    bounds = eq.cog_tolerance if cog_bounds == "equipment" else cog_bounds
    problems: list[Message] = []
    seen: set[int] = set()
    for p in placements:
        c = cartons[p.item] if 0 <= p.item < len(cartons) else None
        if c is None:
            problems.append(Message(f"装载方案引用了不存在的货箱 {p.item}", f"the plan names carton {p.item}, which does not exist"))
            continue
        if p.item in seen:
            problems.append(Message(f"货箱 {p.item} 被放置了两次", f"carton {p.item} is placed twice"))
        seen.add(p.item)
        extents = sorted((p.dx, p.dy, p.dz))
        if any(abs(a - b) > TOL for a, b in zip(extents, sorted((c.length_cm, c.width_cm, c.height_cm)), strict=True)):
            problems.append(Message(f"货箱 {p.item} 的尺寸与其长宽高不符", f"carton {p.item}: extents do not match its dimensions"))
        if c.this_way_up and abs(p.dz - c.height_cm) > TOL:
            problems.append(Message(f"货箱 {p.item} 标注“此面朝上”，但被翻转放置", f"carton {p.item} is this-way-up but placed on its side"))
        if (min(p.x, p.y, p.z) < -TOL or p.x + p.dx > eq.length_cm + TOL or p.y + p.dy > eq.width_cm + TOL
                or p.z + p.dz > eq.height_cm + TOL):
            problems.append(Message(f"货箱 {p.item} 超出箱壁", f"carton {p.item} is outside the walls"))
        elif eq.base_width_cm is not None and p.y + p.dy > _contour_width(eq, p.z) + TOL:
            problems.append(Message(f"货箱 {p.item} 超出集装器轮廓", f"carton {p.item} is outside the ULD's contour"))
    for a in range(len(placements)):
        pa = placements[a]
        for b in range(a + 1, len(placements)):
            pb = placements[b]
            if (_overlap_1d(pa.x, pa.x + pa.dx, pb.x, pb.x + pb.dx) > TOL and _overlap_1d(pa.y, pa.y + pa.dy, pb.y, pb.y + pb.dy) > TOL
                    and _overlap_1d(pa.z, pa.z + pa.dz, pb.z, pb.z + pb.dz) > TOL):
                problems.append(Message(f"货箱 {pa.item} 与 {pb.item} 重叠", f"cartons {pa.item} and {pb.item} overlap"))
    for p in placements:
        if p.z <= TOL or not 0 <= p.item < len(cartons):
            continue
        supported = 0.0
        for q in placements:
            if q is p or abs(q.z + q.dz - p.z) > TOL or not 0 <= q.item < len(cartons):
                continue
            area = _overlap_1d(p.x, p.x + p.dx, q.x, q.x + q.dx) * _overlap_1d(p.y, p.y + p.dy, q.y, q.y + q.dy)
            if area <= TOL:
                continue
            supported += area
            below = cartons[q.item]
            if not below.stackable:
                problems.append(Message(f"货箱 {p.item} 压在不可堆叠的货箱 {q.item} 上", f"carton {p.item} rests on carton {q.item}, which is not stackable"))
            elif below.fragile and cartons[p.item].gross_kg > below.gross_kg + TOL:
                problems.append(Message(f"货箱 {p.item} 比其下方的易碎货箱 {q.item} 重", f"carton {p.item} is heavier than the fragile carton {q.item} below it"))
        if supported < min_support * p.dx * p.dy - TOL:
            share = supported / (p.dx * p.dy)
            problems.append(Message(f"货箱 {p.item} 底面仅 {share:.0%} 有支撑（要求 ≥ {min_support:.0%}）",
                                    f"carton {p.item}: only {share:.0%} of its base is supported (≥ {min_support:.0%} required)"))
    valid = [p for p in placements if 0 <= p.item < len(cartons)]
    weight = sum(cartons[p.item].gross_kg for p in valid)
    if weight > eq.payload_kg + TOL:
        problems.append(Message(f"总重 {weight:,.0f} kg 超过载重 {eq.payload_kg:,.0f} kg", f"total weight {weight:,.0f} kg exceeds the payload {eq.payload_kg:,.0f} kg"))
    if isinstance(bounds, tuple) and weight > 0:
        cog_bounds = bounds
        cx = sum((p.x + p.dx / 2) * cartons[p.item].gross_kg for p in valid) / weight
        cy = sum((p.y + p.dy / 2) * cartons[p.item].gross_kg for p in valid) / weight
        if abs(cx - eq.length_cm / 2) > cog_bounds[0] * eq.length_cm + TOL:
            problems.append(Message(f"重心纵向偏离中心 {cx - eq.length_cm / 2:+.0f} cm（允许 ±{cog_bounds[0] * eq.length_cm:.0f}）",
                                    f"centre of gravity {cx - eq.length_cm / 2:+.0f} cm from the middle lengthwise (±{cog_bounds[0] * eq.length_cm:.0f} allowed)"))
        if abs(cy - eq.width_cm / 2) > cog_bounds[1] * eq.width_cm + TOL:
            problems.append(Message(f"重心横向偏离中心 {cy - eq.width_cm / 2:+.0f} cm（允许 ±{cog_bounds[1] * eq.width_cm:.0f}）",
                                    f"centre of gravity {cy - eq.width_cm / 2:+.0f} cm from the middle crosswise (±{cog_bounds[1] * eq.width_cm:.0f} allowed)"))
    return problems


def _contour_width(eq: Equipment, z: float) -> float:
    """The usable width at height z, from the equipment's contour figures (not from :meth:`Equipment.max_y`)."""
    assert eq.base_width_cm is not None
    lo, hi = eq.contour_from_z_cm, eq.contour_to_z_cm
    if z <= lo:
        return eq.base_width_cm
    if z >= hi:
        return float(eq.width_cm)
    return eq.base_width_cm + (eq.width_cm - eq.base_width_cm) * (z - lo) / (hi - lo)
