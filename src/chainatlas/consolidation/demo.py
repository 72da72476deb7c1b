"""Demo shipments and capacity offers (示例, fictional): SME exporters of the demo city on three real lanes —
CGO → LUX by air, Zhengzhou (CNCGO) → Hamburg (DEHAM) by China–Europe rail, Qingdao (CNTAO) → Rotterdam (NLRTM) by
sea — one week, in the JSON shape of ``chainatlas consolidate``. Prices are invented for the demo."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

LANES = (("air", "CGO", "LUX", ("LD3", "PMC"), (9_800.0, 26_000.0), 1),
         ("rail", "CNCGO", "DEHAM", ("40HQ",), (38_000.0,), 16),
         ("sea", "CNTAO", "NLRTM", ("20GP", "40HQ"), (9_500.0, 15_500.0), 32))


def demo_files(exporters: list[str] | None = None, *, shipments_per_lane: int = 8, seed: int = 20260301,
               week: dt.date = dt.date(2026, 3, 2)) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(shipments, capacity) for one week; ``exporters`` are USCCs (default: fictional ones)."""
    rng = random.Random(seed)
    firms = exporters or [f"91410100MA4DEMO{n:02d}X" for n in range(12)]
    shipments: list[dict[str, Any]] = []
    capacity: list[dict[str, Any]] = []
    for mode, origin, dest, kinds, prices, transit in LANES:
        for k in range(shipments_per_lane):
            ready = week + dt.timedelta(days=rng.randint(0, 3))
            small = mode == "air"
            cartons = [{"length_cm": rng.choice([40, 50, 60]) if small else rng.choice([60, 80, 100, 120]),
                        "width_cm": rng.choice([30, 40, 50]) if small else rng.choice([50, 60, 80]),
                        "height_cm": rng.choice([30, 40]) if small else rng.choice([40, 60, 80]),
                        "gross_kg": round(rng.uniform(8, 25) if small else rng.uniform(40, 220), 1),
                        "count": rng.randint(2, 8) if small else rng.randint(3, 12),
                        "this_way_up": rng.random() < 0.3, "stackable": rng.random() > 0.1}]
            shipments.append({"id": f"{mode[:1].upper()}{k + 1:02d}", "exporter_uscc": firms[rng.randrange(len(firms))],
                              "origin": origin, "destination": dest, "mode": mode, "ready_date": ready.isoformat(),
                              "latest_arrival": (ready + dt.timedelta(days=transit + 10)).isoformat(), "cartons": cartons})
        for d in (2, 5):  # two departures in the week
            for kind, price in zip(kinds, prices, strict=True):
                for n in range(2):
                    depart = week + dt.timedelta(days=d)
                    capacity.append({"id": f"{mode[:1].upper()}-{kind}-{d}{n}", "forwarder_uscc": "91410100MA4FWD001X",
                                     "mode": mode, "origin": origin, "destination": dest, "equipment": kind,
                                     "departure": depart.isoformat(), "arrival": (depart + dt.timedelta(days=transit)).isoformat(),
                                     "price": price})
    return shipments, capacity
