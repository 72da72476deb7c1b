"""Containers, rail boxes and air ULDs: internal dimensions, payload and, for contoured ULDs, the usable width by
height (equipment.yaml, typical values with their sources)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from chainatlas.messages import InvalidInput


@dataclass(frozen=True)
class Equipment:
    code: str
    name_zh: str
    name_en: str
    modes: tuple[str, ...]
    length_cm: float  # x: from the door (0) to the front wall
    width_cm: float  # y
    height_cm: float  # z
    payload_kg: float
    revenue_basis: str  # chargeable_weight (air) or revenue_ton (sea, rail)
    base_width_cm: float | None = None  # contoured ULD: the width at the floor
    contour_from_z_cm: float = 0.0
    contour_to_z_cm: float = 0.0
    temperature_c: tuple[float, float] | None = None  # reefers: the range they hold
    door_width_cm: float | None = None
    door_height_cm: float | None = None
    cog_tolerance: tuple[float, float] = (0.1, 0.1)  # centre of gravity: distance from the middle, shares of L and W

    @property
    def volume_cm3(self) -> float:
        """Usable volume: the box, less the contour's cut-off prism.

        >>> round(equipment("LD3").volume_cm3 / 1e6, 2)
        4.62
        """
        full = self.length_cm * self.width_cm * self.height_cm
        if self.base_width_cm is None:
            return full
        cut = self.width_cm - self.base_width_cm
        rise = self.contour_to_z_cm - self.contour_from_z_cm
        return full - self.length_cm * (cut * self.contour_from_z_cm + cut * rise / 2)

    def max_y(self, z: float) -> float:
        """The usable width at height ``z`` (the far wall for a box whose bottom is at ``z``: a contour widens upwards).

        >>> ld3 = equipment("LD3")
        >>> ld3.max_y(0), ld3.max_y(57), ld3.max_y(120)
        (156.0, 178.5, 201.0)
        """
        if self.base_width_cm is None or z >= self.contour_to_z_cm:
            return float(self.width_cm)
        if z <= self.contour_from_z_cm:
            return float(self.base_width_cm)
        share = (z - self.contour_from_z_cm) / (self.contour_to_z_cm - self.contour_from_z_cm)
        return float(self.base_width_cm + (self.width_cm - self.base_width_cm) * share)

    def with_overrides(self, values: dict[str, Any]) -> Equipment:
        """The same equipment with a capacity offer's own dimensions or payload."""
        def pick(key: str, default: float) -> float:
            return float(values[key]) if values.get(key) is not None else default

        return replace(self, length_cm=pick("length_cm", self.length_cm), width_cm=pick("width_cm", self.width_cm),
                       height_cm=pick("height_cm", self.height_cm), payload_kg=pick("payload_kg", self.payload_kg))


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Equipment]:
    """All equipment by code."""
    rows = yaml.safe_load((Path(__file__).parent / "equipment.yaml").read_text(encoding="utf-8"))
    out = {}
    for r in rows:
        r["modes"] = tuple(r["modes"])
        if "cog_tolerance" in r:
            r["cog_tolerance"] = tuple(float(v) for v in r["cog_tolerance"])
        if "temperature_c" in r:
            r["temperature_c"] = tuple(float(v) for v in r["temperature_c"])
        out[r["code"]] = Equipment(**r)
    return out


def equipment(code: str) -> Equipment:
    """The equipment called ``code`` (20GP, 40GP, 40HQ, 20RF, 40RH, LD3, LD7, PMC).

    >>> equipment("40HQ").height_cm
    269
    """
    try:
        return catalogue()[code.upper()]
    except KeyError:
        known = "、".join(catalogue())
        raise InvalidInput(f"未知的箱型/集装器 {code}（可用：{known}）", f"unknown equipment {code} (known: {known})") from None
