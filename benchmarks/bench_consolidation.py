"""Benchmark (issue #18): the 3D packer on the Bischoff–Ratcliff classes BR1–BR7, and consolidation planning against
first-fit-decreasing, in the same run.

1. **BR1–BR7** (``chainatlas.consolidation.benchmark``: regenerated from the 1995 procedure, checked equal to the
   published instances in tests): volume utilisation and time per instance of ``pack`` (best of the three carton
   orders of ``plan.best_pack``), without a support requirement as in the published problems and with 70 % base
   support; and, without support, the same followed by ``packing.search_order`` (``--tries`` more loading orders).
   The block builder (``blocks.pack_blocks``): greedy, and with its pilot look-ahead (``--lookahead`` blocks tried per
   step, each completed greedily), without support and with 70 %.
   Baseline, same instances: first-fit decreasing over extreme points (boxes by decreasing volume, each at
   the first extreme point and orientation that fits; Crainic, Perboli & Tadei 2008 call it EP-FFD). Every plan of
   both is verified by ``check.check_plan``.
2. **Planning.** Generated lanes of n shipments (fictional, as ``consolidation.demo``) and enough offers: total cost,
   units used and time of ``plan.consolidate`` (CP-SAT + packing) against first-fit decreasing (shipments by
   decreasing volume into the first open unit that takes them by volume and weight and packs, else the cheapest new
   compatible unit).

    .venv/bin/python benchmarks/bench_consolidation.py [--problems 10] [--sizes 10,30,60]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from typing import Any

import numpy as np

from chainatlas.consolidation.assign import DEFAULT_FILL, incompatibility
from chainatlas.consolidation.benchmark import CLASSES, as_cartons, br_instance, container
from chainatlas.consolidation.blocks import pack_blocks
from chainatlas.consolidation.check import check_plan
from chainatlas.consolidation.demo import demo_files
from chainatlas.consolidation.model import Carton, Shipment, Unit, shipment_from_dict, unit_from_dict
from chainatlas.consolidation.packing import EPS, LoadPlan, Placement, pack, search_order
from chainatlas.consolidation.plan import _unit_cartons, best_pack, consolidate


def ep_ffd(cartons: list[Carton], allowed: list[list[tuple[float, float, float]]], eq: Any) -> LoadPlan:
    """First fit decreasing over extreme points: no choice among points, the first that fits."""
    order = sorted(range(len(cartons)), key=lambda i: -cartons[i].volume_cm3)
    boxes: list[tuple[float, ...]] = []
    points: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)]
    placed = []
    for i in order:
        done = False
        for px, py, pz in points:
            for dx, dy, dz in allowed[i]:
                if px + dx > eq.length_cm + EPS or py + dy > eq.width_cm + EPS or pz + dz > eq.height_cm + EPS:
                    continue
                if any(px < b[3] - EPS and px + dx > b[0] + EPS and py < b[4] - EPS and py + dy > b[1] + EPS
                       and pz < b[5] - EPS and pz + dz > b[2] + EPS for b in boxes):
                    continue
                boxes.append((px, py, pz, px + dx, py + dy, pz + dz))
                placed.append(Placement(i, px, py, pz, dx, dy, dz))
                points.remove((px, py, pz))
                points += [(px + dx, py, pz), (px, py + dy, pz), (px, py, pz + dz)]
                points.sort(key=lambda p: (p[0], p[2], p[1]))
                done = True
                break
            if done:
                break
    return LoadPlan(eq, placed, sorted(set(range(len(cartons))) - {p.item for p in placed}),
                    float(len(placed)), None)


def bench_br(problems: int, tries: int, lookahead: int = 3) -> dict[str, Any]:
    eq = container()
    out: dict[str, Any] = {}
    for cls in CLASSES:
        rows: dict[str, list[float]] = {k: [] for k in ("ours", "ours_t", "ours70", "ours70_t", "search", "search_t",
                                                        "ffd", "ffd_t", "blocks", "blocks_t", "pilot", "pilot_t",
                                                        "pilot70", "pilot70_t")}
        for p in range(1, problems + 1):
            cartons, allowed = as_cartons(br_instance(cls, p))
            for key, support in (("ours", 0.0), ("ours70", 0.7)):
                t = time.perf_counter()
                best, best_order = None, None
                for order in ([*sorted(range(len(cartons)), key=lambda i: -cartons[i].volume_cm3)],
                              sorted(range(len(cartons)), key=lambda i: (-cartons[i].height_cm, -cartons[i].volume_cm3)),
                              sorted(range(len(cartons)), key=lambda i: -cartons[i].length_cm * cartons[i].width_cm)):
                    plan = pack(cartons, eq, min_support=support, allowed=allowed, order=order)
                    if best is None or plan.volume_cm3 > best.volume_cm3:
                        best, best_order = plan, order
                rows[f"{key}_t"].append(time.perf_counter() - t)
                assert best is not None and best_order is not None
                if key == "ours" and tries:  # the same, then the order search from the best of the three orders
                    found = search_order(cartons, eq, best_order, tries=tries, min_support=0.0, allowed=allowed)
                    rows["search_t"].append(time.perf_counter() - t)
                    assert not check_plan(cartons, eq, found.placements, min_support=0.0, cog_bounds=None)
                    rows["search"].append(max(found.utilisation, best.utilisation))
                problems_found = [m for m in check_plan(cartons, eq, best.placements, min_support=support, cog_bounds=None)]
                assert not problems_found, (cls, p, problems_found[:3])
                assert all((pl.dx, pl.dy, pl.dz) in allowed[pl.item] for pl in best.placements)
                rows[key].append(best.utilisation)
            for key, support, k in (("blocks", 0.0, 1), ("pilot", 0.0, lookahead), ("pilot70", 0.7, lookahead)):
                t = time.perf_counter()
                plan = pack_blocks(cartons, eq, min_support=support, allowed=allowed, lookahead=k)
                rows[f"{key}_t"].append(time.perf_counter() - t)
                found_problems = check_plan(cartons, eq, plan.placements, min_support=support, cog_bounds=None)
                assert not found_problems, (key, cls, p, found_problems[:3])
                assert all((pl.dx, pl.dy, pl.dz) in allowed[pl.item] for pl in plan.placements)
                rows[key].append(plan.utilisation)
            t = time.perf_counter()
            base = ep_ffd(cartons, allowed, eq)
            rows["ffd_t"].append(time.perf_counter() - t)
            assert not check_plan(cartons, eq, base.placements, min_support=0.0, cog_bounds=None)
            rows["ffd"].append(base.utilisation)
        out[f"BR{cls}"] = {"problems": problems, "ours_util": round(statistics.fmean(rows["ours"]), 4),
                           "ours70_util": round(statistics.fmean(rows["ours70"]), 4),
                           "ffd_util": round(statistics.fmean(rows["ffd"]), 4),
                           "search_util": round(statistics.fmean(rows["search"]), 4) if rows["search"] else None,
                           "search_s_median": round(statistics.median(rows["search_t"]), 3) if rows["search_t"] else None,
                           "ours_s_median": round(statistics.median(rows["ours_t"]), 3),
                           "ours70_s_median": round(statistics.median(rows["ours70_t"]), 3),
                           "ffd_s_median": round(statistics.median(rows["ffd_t"]), 3),
                           **{f"{k}_util": round(statistics.fmean(rows[k]), 4) for k in ("blocks", "pilot", "pilot70")},
                           **{f"{k}_s_median": round(statistics.median(rows[f"{k}_t"]), 3) for k in ("blocks", "pilot", "pilot70")}}
        print(json.dumps({f"BR{cls}": out[f"BR{cls}"]}), flush=True)
    out["mean"] = {k: round(statistics.fmean(v[k] for key, v in out.items() if key.startswith("BR")), 4)
                   for k in ("ours_util", "ours70_util", "ffd_util", "blocks_util", "pilot_util", "pilot70_util")
                   + (("search_util",) if tries else ())}
    return out


def ffd_plan(shipments: list[Shipment], units: list[Unit]) -> tuple[float, int, int, int]:
    """First-fit decreasing consolidation: (total cost, units used, shipments left out, units whose final plan breaks
    a rule of the checker)."""
    open_units: list[tuple[Unit, list[Shipment]]] = []
    left_out = 0
    free = sorted(units, key=lambda u: (u.price, u.id))
    for s in sorted(shipments, key=lambda s: -s.volume_cm3):
        placed = False
        for u, members in open_units:
            if incompatibility(s, u) is not None:
                continue
            vol = sum(m.volume_cm3 for m in members) + s.volume_cm3
            kg = sum(m.gross_kg for m in members) + s.gross_kg
            if vol <= DEFAULT_FILL * u.equipment.volume_cm3 and kg <= u.equipment.payload_kg:
                cartons, _ = _unit_cartons([*members, s])
                if not best_pack(cartons, u).unplaced:
                    members.append(s)
                    placed = True
                    break
        if not placed:
            for u in free:
                if incompatibility(s, u) is None and not best_pack(list(s.cartons), u).unplaced:
                    open_units.append((u, [s]))
                    free.remove(u)
                    placed = True
                    break
        left_out += not placed
    broken = 0
    for u, members in open_units:
        cartons, _ = _unit_cartons(members)
        broken += bool(check_plan(cartons, u.equipment, best_pack(cartons, u).placements))
    return sum(u.price for u, _ in open_units), len(open_units), left_out, broken


def bench_planning(sizes: list[int], pack_tries: int) -> list[dict[str, Any]]:
    out = []
    for n in sizes:
        ships_raw, caps_raw = demo_files(shipments_per_lane=n, seed=100 + n)
        extra = []
        for c in caps_raw:  # enough offers for the larger lanes: more departures' worth of units
            for k in range(max(0, n // 8)):
                extra.append(c | {"id": f"{c['id']}-{k}"})
        ships = [shipment_from_dict(s, f"s{i}") for i, s in enumerate(ships_raw)]
        units = [unit_from_dict(u, f"u{i}") for i, u in enumerate(caps_raw + extra)]
        t = time.perf_counter()
        ours = consolidate(ships, units, time_limit=10.0, pack_tries=pack_tries)
        ours_s = time.perf_counter() - t
        t = time.perf_counter()
        ffd_cost, ffd_units, ffd_left, ffd_broken = ffd_plan(ships, units)
        ffd_s = time.perf_counter() - t
        # a unit whose plan still breaks a rule (in practice: the centre of gravity) is reported, for both
        ours_broken = sum(bool(u["check"]) for u in ours["units"])
        out.append({"shipments": len(ships), "units_offered": len(units), "ours_cost": ours["total_cost"],
                    "ours_units": len(ours["units"]), "ours_gap": ours["gap"], "ours_unassigned": len(ours["unassigned"]), "ours_units_breaking_a_rule": ours_broken,
                    "ours_s": round(ours_s, 2), "ffd_cost": ffd_cost, "ffd_units": ffd_units, "ffd_unassigned": ffd_left, "ffd_units_breaking_a_rule": ffd_broken, "ffd_s": round(ffd_s, 2),
                    "cost_ratio_ffd_over_ours": round(ffd_cost / ours["total_cost"], 3) if ours["total_cost"] else None,
                    "ours_mean_utilisation": round(float(np.mean([u["utilisation"] for u in ours["units"]])), 3)})
        print(json.dumps(out[-1]), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--problems", type=int, default=10, help="problems per BR class (1–100)")
    ap.add_argument("--sizes", default="10,30,60", help="shipments per lane for the planning comparison")
    ap.add_argument("--skip", choices=["br", "planning"], default=None)
    ap.add_argument("--pack-tries", type=int, default=0, help="plan.consolidate's pack_tries in the planning comparison")
    ap.add_argument("--tries", type=int, default=60, help="loading orders searched per BR instance (0: no search)")
    ap.add_argument("--lookahead", type=int, default=3, help="blocks tried per step by the block builder's pilot")
    args = ap.parse_args()
    result: dict[str, Any] = {"machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"}
    if args.skip != "br":
        result["br"] = bench_br(args.problems, args.tries, args.lookahead)
    if args.skip != "planning":
        result["planning"] = bench_planning([int(x) for x in args.sizes.split(",")], args.pack_tries)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
