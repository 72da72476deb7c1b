"""Assignment (CP-SAT) on hand-checkable cases, cost shares, Shapley, the JSON reader's errors and the command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from chainatlas.consolidation.assign import assign
from chainatlas.consolidation.costs import shapley
from chainatlas.consolidation.model import read_shipments, read_units, shipment_from_dict, unit_from_dict
from chainatlas.consolidation.plan import consolidate
from chainatlas.messages import InvalidInput

D = dt.date(2026, 3, 2)


def ship(sid: str, m3: float, kg: float = 100.0, mode: str = "sea", **extra: Any) -> dict[str, Any]:
    """A shipment of one cubic carton of ``m3`` cubic metres."""
    side = round((m3 * 1e6) ** (1 / 3), 3)
    lane = {"sea": ("CNTAO", "NLRTM"), "air": ("CGO", "LUX"), "rail": ("CNCGO", "DEHAM")}[mode]
    return {"id": sid, "exporter_uscc": f"E-{sid}", "origin": lane[0], "destination": lane[1], "mode": mode,
            "ready_date": D.isoformat(), "latest_arrival": (D + dt.timedelta(days=40)).isoformat(),
            "cartons": [{"length_cm": side, "width_cm": side, "height_cm": side, "gross_kg": kg}], **extra}


def unit(uid: str, kind: str, price: float, mode: str = "sea", day: int = 3, **extra: Any) -> dict[str, Any]:
    lane = {"sea": ("CNTAO", "NLRTM"), "air": ("CGO", "LUX"), "rail": ("CNCGO", "DEHAM")}[mode]
    return {"id": uid, "forwarder_uscc": "F", "mode": mode, "origin": lane[0], "destination": lane[1], "equipment": kind,
            "departure": (D + dt.timedelta(days=day)).isoformat(), "price": price, **extra}


def _parse(ships: list[dict[str, Any]], units: list[dict[str, Any]]) -> tuple[list, list]:  # type: ignore[type-arg]
    return ([shipment_from_dict(s, f"s[{i}]") for i, s in enumerate(ships)],
            [unit_from_dict(u, f"c[{i}]") for i, u in enumerate(units)])


def test_known_optimum() -> None:
    """Three 1 m³ shipments and a 20GP (9,500) or 40HQ (15,500) each way: the optimum puts all three in one 20GP (a
    3 m³ load); four 9 m³ shipments (36 m³ > 0.85 × 33 m³) need two 20GP (19,000), cheaper than one 40HQ only when
    the 40HQ costs more than that."""
    ships, units = _parse([ship(f"s{i}", 1.0) for i in range(3)],
                          [unit("g1", "20GP", 9500), unit("g2", "20GP", 9500), unit("h1", "40HQ", 15500)])
    result = assign(ships, units)
    assert result.status == "OPTIMAL" and result.gap == 0.0 and result.cost == 9500
    assert len(set(result.unit_of.values())) == 1 and result.unassigned == {}
    big, units = _parse([ship(f"b{i}", 9.0) for i in range(4)],
                        [unit("g1", "20GP", 9500), unit("g2", "20GP", 9500), unit("h1", "40HQ", 15500)])
    assert assign(big, units).cost == 15500  # 36 m³ fit in one 40HQ (0.85 × 76 m³)
    big, dear = _parse([ship(f"b{i}", 9.0) for i in range(4)],
                       [unit("g1", "20GP", 9500), unit("g2", "20GP", 9500), unit("h1", "40HQ", 19999)])
    assert assign(big, dear).cost == 19000


def test_dates_temperature_and_dangerous_goods() -> None:
    ships, units = _parse(
        [ship("early", 1.0), ship("cold", 1.0, temperature_min_c=2, temperature_max_c=8),
         ship("fuel", 1.0, dg_class="3"), ship("oxid", 1.0, dg_class="5.1"),
         ship("late", 1.0, ready_date=(D + dt.timedelta(days=10)).isoformat())],
        [unit("g1", "20GP", 9500), unit("g2", "20GP", 9500), unit("r1", "20RF", 14000)])
    result = assign(ships, units)
    assert result.unit_of["cold"] == "r1"
    assert result.unit_of["fuel"] != result.unit_of["oxid"]  # class 3 and 5.1 never share a unit
    assert "late" in result.unassigned and "ready" in result.unassigned["late"].en
    assert result.unassigned["late"].zh


def test_pooling_costs_and_the_plan(tmp_path: Path) -> None:
    ships, units = _parse([ship("a", 1.0, kg=200), ship("b", 3.0, kg=200)], [unit("g1", "20GP", 8000), unit("g2", "20GP", 8000)])
    result = consolidate(ships, units)
    (u,) = result["units"]
    assert u["check"] == [] and {p["shipment"] for p in u["placements"]} == {"a", "b"}
    costs = {c["shipment"]: c for c in result["costs"]}
    # revenue tons: a = max(0.2 t, 1 m³) = 1, b = 3: 8,000 split 1 : 3; alone each pays a whole 20GP
    assert costs["a"]["pooled"] == pytest.approx(2000, abs=1) and costs["b"]["pooled"] == pytest.approx(6000, abs=1)
    assert costs["a"]["alone"] == 8000 and costs["a"]["saving"] == pytest.approx(6000, abs=1)
    assert result["total_cost"] == 8000 and result["alone_total"] == 16000


def test_shapley_exact_and_sampled() -> None:
    """Exact on a hand-computed three-player game; sampled within four standard errors of the exact value."""
    c = {frozenset(): 0, frozenset("a"): 6, frozenset("b"): 6, frozenset("c"): 9, frozenset("ab"): 8,
         frozenset("ac"): 12, frozenset("bc"): 12, frozenset("abc"): 14}
    exact = shapley(["a", "b", "c"], lambda s: c[s])
    # a: 1/3·6 + 1/6·(8−6) + 1/6·(12−9) + 1/3·(14−12) = 2 + 1/3 + 1/2 + 2/3 = 3.5
    assert exact["a"][0] == pytest.approx(3.5) and sum(v for v, _ in exact.values()) == pytest.approx(14)
    players = [f"p{i}" for i in range(10)]

    def cost(s: frozenset[str]) -> float:  # a game with economies of scale: √(Σ weights)
        return sum(int(p[1:]) + 1 for p in s) ** 0.5

    from chainatlas.consolidation import costs as costs_module

    sampled = shapley(players, cost, samples=400)
    old = costs_module.EXACT_MAX
    costs_module.EXACT_MAX = 10
    try:
        truth = shapley(players, cost)
    finally:
        costs_module.EXACT_MAX = old
    for p in players:
        value, error = sampled[p]
        assert error > 0 and abs(value - truth[p][0]) <= 4 * error + 1e-9


def test_reader_errors_say_where_and_why(tmp_path: Path) -> None:
    cases = [({"origin": "XXXXX"}, "neither an IATA airport"), ({"ready_date": "2026-13-01"}, "not YYYY-MM-DD"),
             ({"mode": "truck"}, "must be air, sea or rail"), ({"cartons": []}, "non-empty")]
    for change, why in cases:
        bad = ship("x", 1.0) | change
        with pytest.raises(InvalidInput) as err:
            shipment_from_dict(bad, "shipments[0]")
        assert "shipments[0]" in err.value.en and why in err.value.en and err.value.zh
    with pytest.raises(InvalidInput, match="unknown equipment"):
        unit_from_dict(unit("u", "53FT", 1.0), "capacity[0]")
    with pytest.raises(InvalidInput, match="not used for air"):
        unit_from_dict(unit("u", "40HQ", 1.0, mode="air"), "capacity[0]")
    path = tmp_path / "s.json"
    path.write_text(json.dumps([ship("x", 1.0), ship("x", 2.0)]), encoding="utf-8")
    with pytest.raises(InvalidInput, match="duplicate shipment id x"):
        read_shipments(path)
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(InvalidInput, match="line 1"):
        read_units(path)


def test_command_json_shape_and_load_sheets(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from chainatlas.cli import app
    from chainatlas.consolidation.demo import demo_files

    ships, caps = demo_files(shipments_per_lane=4)
    (tmp_path / "s.json").write_text(json.dumps(ships), encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps(caps), encoding="utf-8")
    args = ["consolidate", "--shipments", str(tmp_path / "s.json"), "--capacity", str(tmp_path / "c.json"), "--time-limit", "5"]
    res = CliRunner().invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout[res.stdout.index("{"):])
    assert set(out) >= {"assignments", "units", "costs", "gap"}
    assert {a["shipment"] for a in out["assignments"]} == {s["id"] for s in ships}
    for u in out["units"]:
        assert u["check"] == [] and 0 < u["utilisation"] <= 1
        for p in u["placements"]:
            assert set(p) >= {"shipment", "carton", "x", "y", "z", "dx", "dy", "dz"}
            assert p["carton"] < sum(c.get("count", 1) for c in next(s for s in ships if s["id"] == p["shipment"])["cartons"])
    assert all(c["alone"] >= c["pooled"] for c in out["costs"])
    res = CliRunner().invoke(app, [*args, "--format", "xlsx", "-o", str(tmp_path / "plan.xlsx")])
    assert res.exit_code == 0, res.output
    wb = load_workbook(tmp_path / "plan.xlsx")
    assert "费用 Costs" in wb.sheetnames and sum(name.startswith("装箱") for name in wb.sheetnames) == len(out["units"])
    (tmp_path / "bad.json").write_text(json.dumps([ship("x", 1.0) | {"origin": "ZZZZZ"}]), encoding="utf-8")
    res = CliRunner().invoke(app, ["consolidate", "--shipments", str(tmp_path / "bad.json"), "--capacity", str(tmp_path / "c.json")])
    assert res.exit_code == 2 and "ZZZZZ" in res.output
