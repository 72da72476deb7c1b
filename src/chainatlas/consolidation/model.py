"""Shipment requests, cartons and capacity offers, read from the ``chainatlas consolidate`` JSON shape (issue #18)
with every problem reported where, what and why, in Chinese and English, before anything is planned."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainatlas.consolidation.equipment import Equipment, catalogue, equipment
from chainatlas.messages import InvalidInput
from chainatlas.registry.codes import place_codes

MODES = ("air", "sea", "rail")
VOLUMETRIC_DIVISOR_CM3_PER_KG = 6000.0  # IATA: chargeable weight uses 6,000 cm³ per kg (TACT Rules 3.4)


@dataclass(frozen=True)
class Carton:
    length_cm: float
    width_cm: float
    height_cm: float
    gross_kg: float
    stackable: bool = True
    this_way_up: bool = False
    fragile: bool = False

    @property
    def volume_cm3(self) -> float:
        return self.length_cm * self.width_cm * self.height_cm


@dataclass(frozen=True)
class Shipment:
    id: str
    exporter_uscc: str
    origin: str
    destination: str
    mode: str
    ready_date: dt.date
    latest_arrival: dt.date
    cartons: tuple[Carton, ...]
    dg_class: str | None = None  # UN dangerous-goods class ("3", "8", "9" …), None when not dangerous
    temperature_c: tuple[float, float] | None = None
    declared_value: float | None = None

    @property
    def volume_cm3(self) -> float:
        return sum(c.volume_cm3 for c in self.cartons)

    @property
    def gross_kg(self) -> float:
        return sum(c.gross_kg for c in self.cartons)

    @property
    def lane(self) -> tuple[str, str, str]:
        return (self.mode, self.origin, self.destination)


@dataclass(frozen=True)
class Unit:
    """One capacity offer: one container, rail box or ULD on one departure, at one price."""

    id: str
    forwarder_uscc: str
    mode: str
    origin: str
    destination: str
    departure: dt.date
    equipment: Equipment
    price: float
    arrival: dt.date | None = None
    cutoff: dt.date | None = None
    min_fill: float = 0.0  # least share of the unit's volume booked for the forwarder to run it
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def lane(self) -> tuple[str, str, str]:
        return (self.mode, self.origin, self.destination)


def check_place(code: object, where: str) -> str:
    """An IATA airport (``airportsdata``) or a UN/LOCODE from the shipped list, upper-cased.

    >>> check_place("cgo", "x"), check_place("DEHAM", "x")
    ('CGO', 'DEHAM')
    """
    text = str(code or "").strip().upper()
    if text in place_codes():
        return text
    raise InvalidInput(f"{where}：地点代码 {code!r} 既不是 IATA 机场代码，也不在所附 UN/LOCODE 表中",
                       f"{where}: place {code!r} is neither an IATA airport code nor in the shipped UN/LOCODE list")


def _date(value: object, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidInput(f"{where}：日期 {value!r} 不是 YYYY-MM-DD", f"{where}: date {value!r} is not YYYY-MM-DD") from None


def _positive(value: object, where: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(f"{where}：{value!r} 不是数字", f"{where}: {value!r} is not a number") from None
    if not number > 0:
        raise InvalidInput(f"{where}：须为正数（现为 {value!r}）", f"{where}: must be positive (is {value!r})")
    return number


def _share(value: object, where: str) -> float:
    if value in (None, ""):
        return 0.0
    try:
        share = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        share = -1.0
    if not 0 <= share <= 1:
        raise InvalidInput(f"{where}：须为 0 到 1 之间的数（现为 {value!r}）", f"{where}: must be between 0 and 1 (is {value!r})")
    return share


def _need(row: dict[str, Any], key: str, where: str) -> Any:
    if row.get(key) in (None, ""):
        raise InvalidInput(f"{where}：缺少字段 {key}", f"{where}: field {key} is missing")
    return row[key]


def _mode(value: object, where: str) -> str:
    mode = str(value).strip().lower()
    if mode not in MODES:
        raise InvalidInput(f"{where}：运输方式 {value!r} 须为 air、sea 或 rail", f"{where}: mode {value!r} must be air, sea or rail")
    return mode


def _temperature(row: dict[str, Any], where: str) -> tuple[float, float] | None:
    lo, hi = row.get("temperature_min_c"), row.get("temperature_max_c")
    if lo is None and hi is None:
        return None
    if lo is None or hi is None or float(lo) > float(hi):
        raise InvalidInput(f"{where}：温度范围须同时给出下限和上限，且下限不高于上限",
                           f"{where}: a temperature range needs both a minimum and a maximum, minimum ≤ maximum")
    return (float(lo), float(hi))


def shipment_from_dict(row: dict[str, Any], where: str) -> Shipment:
    """One shipment of the JSON shape (see the module docstring of :mod:`chainatlas.cli.consolidate`)."""
    if not isinstance(row, dict):
        raise InvalidInput(f"{where}：须为对象", f"{where}: must be an object")
    cartons_in = _need(row, "cartons", where)
    if not isinstance(cartons_in, list) or not cartons_in:
        raise InvalidInput(f"{where}：cartons 须为非空数组", f"{where}: cartons must be a non-empty array")
    cartons = []
    for i, c in enumerate(cartons_in):
        cw = f"{where}.cartons[{i}]"
        if not isinstance(c, dict):
            raise InvalidInput(f"{cw}：须为对象", f"{cw}: must be an object")
        length, width, height, gross = (_positive(_need(c, k, cw), f"{cw}.{k}") for k in ("length_cm", "width_cm", "height_cm", "gross_kg"))
        carton = Carton(length, width, height, gross, stackable=bool(c.get("stackable", True)), this_way_up=bool(c.get("this_way_up", False)),
                        fragile=bool(c.get("fragile", False)))
        count = c.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise InvalidInput(f"{cw}.count：须为正整数", f"{cw}.count: must be a positive integer")
        cartons += [carton] * count
    ready, latest = _date(_need(row, "ready_date", where), f"{where}.ready_date"), _date(_need(row, "latest_arrival", where), f"{where}.latest_arrival")
    if latest < ready:
        raise InvalidInput(f"{where}：最晚到达日早于备货日", f"{where}: latest_arrival is before ready_date")
    dg = row.get("dg_class")
    return Shipment(id=str(_need(row, "id", where)), exporter_uscc=str(_need(row, "exporter_uscc", where)),
                    origin=check_place(_need(row, "origin", where), f"{where}.origin"),
                    destination=check_place(_need(row, "destination", where), f"{where}.destination"),
                    mode=_mode(_need(row, "mode", where), f"{where}.mode"), ready_date=ready, latest_arrival=latest,
                    cartons=tuple(cartons), dg_class=None if dg in (None, "") else str(dg),
                    temperature_c=_temperature(row, where),
                    declared_value=None if row.get("declared_value") is None else float(row["declared_value"]))


def unit_from_dict(row: dict[str, Any], where: str) -> Unit:
    """One capacity offer of the JSON shape."""
    if not isinstance(row, dict):
        raise InvalidInput(f"{where}：须为对象", f"{where}: must be an object")
    mode = _mode(_need(row, "mode", where), f"{where}.mode")
    eq = equipment(str(_need(row, "equipment", where))).with_overrides(row)
    if mode not in eq.modes:
        raise InvalidInput(f"{where}：{eq.code} 不用于 {mode} 运输", f"{where}: {eq.code} is not used for {mode}")
    price = float(_need(row, "price", where))
    if price < 0:
        raise InvalidInput(f"{where}.price：不能为负", f"{where}.price: must not be negative")
    departure = _date(_need(row, "departure", where), f"{where}.departure")
    return Unit(id=str(_need(row, "id", where)), forwarder_uscc=str(row.get("forwarder_uscc") or ""), mode=mode,
                origin=check_place(_need(row, "origin", where), f"{where}.origin"),
                destination=check_place(_need(row, "destination", where), f"{where}.destination"),
                departure=departure, equipment=eq, price=price,
                arrival=_date(row["arrival"], f"{where}.arrival") if row.get("arrival") else None,
                cutoff=_date(row["cutoff"], f"{where}.cutoff") if row.get("cutoff") else None,
                min_fill=_share(row.get("min_fill"), f"{where}.min_fill"),
                extra={k: v for k, v in row.items() if k not in {"id", "mode", "equipment", "price", "departure", "min_fill"}})


def _read_json(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{path}：文件不存在", f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}：第 {exc.lineno} 行第 {exc.colno} 列不是合法 JSON（{exc.msg}）",
                           f"{path}: line {exc.lineno}, column {exc.colno} is not valid JSON ({exc.msg})") from None
    if not isinstance(data, list):
        raise InvalidInput(f"{path}：须为 JSON 数组", f"{path}: must be a JSON array")
    return data


def _unique(items: list[Any], what: str, path: Path) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise InvalidInput(f"{path}[{i}]：{what} 编号 {item.id} 重复", f"{path}[{i}]: duplicate {what} id {item.id}")
        seen.add(item.id)


def read_shipments(path: Path) -> list[Shipment]:
    """All shipments of a JSON file, or an error naming the first bad one."""
    rows = _read_json(path)
    out = [shipment_from_dict(r, f"{path.name}[{i}]") for i, r in enumerate(rows)]
    _unique(out, "shipment", path)
    return out


def read_units(path: Path) -> list[Unit]:
    """All capacity offers of a JSON file, or an error naming the first bad one."""
    rows = _read_json(path)
    out = [unit_from_dict(r, f"{path.name}[{i}]") for i, r in enumerate(rows)]
    _unique(out, "capacity", path)
    return out


__all__ = ["Carton", "Equipment", "Shipment", "Unit", "catalogue", "read_shipments", "read_units"]
