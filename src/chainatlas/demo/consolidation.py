"""Demo 货代拼单 and 公共海外仓 (示例, fictional): one week of the demo city's SME shipments on three real lanes and the
forwarders' offers (:func:`chainatlas.consolidation.demo.demo_files`), imported through the exchange spec like any
user's files; three public overseas warehouses at the lanes' ends (Hamburg, Rotterdam, Luxembourg); each shipment's
goods received there on arrival (with their EPCIS receiving events) and shipped out to consignees over the following
weeks. Every organisation, price and quantity is invented."""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.consolidation.demo import LANES, demo_files
from chainatlas.exchange import spec as S
from chainatlas.exchange.importer import ImportReport, import_files
from chainatlas.registry.uscc import make_uscc

WAREHOUSES = (  # (id, name, country, city, place, capacity m³, pallet places, yuan per m³ per day, alert at, lane mode)
    ("HWC-DE-HAM", "示例汉堡公共海外仓", "DE", "Hamburg", "DEHAM", 24.0, 30, 2.4, 0.85, "rail"),
    ("HWC-NL-RTM", "示例鹿特丹公共海外仓", "NL", "Rotterdam", "NLRTM", 90.0, 60, 2.1, 0.85, "sea"),
    ("HWC-LU-LUX", "示例卢森堡航空货站海外仓", "LU", "Luxembourg", "LUX", 4.0, 12, 3.8, 0.8, "air"),
)
DEST_COUNTRIES = {"DE": ("DE", "AT", "PL", "CZ"), "NL": ("NL", "BE", "FR", "DE"), "LU": ("LU", "FR", "BE", "DE")}


def write_table(path: Path, table: str, rows: list[dict[str, Any]]) -> Path:
    """``rows`` of exchange table ``table`` as a CSV file with its English headers (flags as 是/否)."""
    names = [c.name for c in S.TABLES[table].columns]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=names, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("是" if v is True else "否" if v is False else v) for k, v in r.items() if k in names})
    return path


def demo_tables(exporters: list[str], seed: int = 20260301) -> dict[str, list[dict[str, Any]]]:
    """The exchange-spec rows of the demo week: requests, cartons, offers and warehouses."""
    ships, caps = demo_files(exporters or None, seed=seed)
    requests, cartons = [], []
    for s in ships:
        rid = f"PD-{s['id']}"
        requests.append({"request_id": rid, "exporter_uscc": s["exporter_uscc"], "mode": s["mode"], "origin": s["origin"],
                         "destination": s["destination"], "ready_date": s["ready_date"],
                         "latest_arrival": s["latest_arrival"], "goods": "示例货物", "source": "示例数据 demo"})
        for n, c in enumerate(s["cartons"], start=1):
            cartons.append({"request_id": rid, **c, "line": n, "sku": f"SKU-{s['id']}-{n}", "source": "示例数据 demo"})
    forwarder = make_uscc("91410100MA4FWD001")
    offers = [{"offer_id": c["id"], "forwarder_uscc": forwarder, "mode": c["mode"], "origin": c["origin"],
               "destination": c["destination"], "departure": c["departure"], "arrival": c["arrival"],
               "equipment": c["equipment"], "price_yuan": c["price"], "source": "示例数据 demo"} for c in caps]
    warehouses = [{"warehouse_id": w[0], "name": w[1], "country_code": w[2], "city": w[3], "place": w[4],
                   "operator": make_uscc("91410100MA4WH" + f"{i:04d}"), "capacity_m3": w[5], "capacity_pallets": w[6],
                   "rate_yuan_m3_day": w[7], "alert_occupancy": w[8], "source": "示例数据 demo"}
                  for i, w in enumerate(WAREHOUSES)]
    return {"shipment_requests": requests, "shipment_cartons": cartons, "capacity_offers": offers,
            "overseas_warehouses": warehouses}


def load_consolidation_demo(engine: Engine, home: str = "4101", seed: int = 20260301) -> ImportReport:
    """Import the demo week and the warehouses (all-or-nothing), then receive each shipment's goods at its lane's
    warehouse and ship part of them out (with EPCIS events)."""
    from chainatlas.warehouse import store

    e = db.enterprise.c
    with engine.connect() as conn:
        exporters = [u for (u,) in conn.execute(select(e.uscc).where(e.region_code.like(f"{home}%"),
                                                                      e.is_above_scale.is_(True)).order_by(e.uscc).limit(12))]
    tables = demo_tables(exporters, seed)
    with tempfile.TemporaryDirectory(prefix="chainatlas-demo-consolidation-") as tmp:
        paths = [write_table(Path(tmp) / f"{t}.csv", t, rows) for t, rows in tables.items()]
        report = import_files(paths, engine=engine, write_reports=False)
    if not report.ok:
        raise ValueError(f"demo consolidation files invalid: {[str(p) for p in report.problems[:3]]}")
    rng = random.Random(seed + 18)
    arrived = _capture_journeys(engine, tables, rng)
    by_mode = {w[9]: w[0] for w in WAREHOUSES}
    country = {w[0]: w[2] for w in WAREHOUSES}
    cartons: dict[str, list[dict[str, Any]]] = {}
    for c in tables["shipment_cartons"]:
        cartons.setdefault(c["request_id"], []).append(c)
    n_order = 0
    for r in tables["shipment_requests"]:
        wid = by_mode[r["mode"]]
        for c in cartons[r["request_id"]]:
            volume = c["count"] * c["length_cm"] * c["width_cm"] * c["height_cm"] / 1e6
            receipt = {"receipt_id": f"RK-{c['sku']}", "warehouse_id": wid, "exporter_uscc": r["exporter_uscc"],
                       "sku": c["sku"], "quantity": c["count"], "volume_m3": round(volume, 3),
                       "pallets": max(1, round(volume / 1.5)), "received_on": arrived[r["request_id"]],
                       "request_id": r["request_id"],
                       "consignment_ref": f"urn:chainatlas:bt:{r['request_id']}"}
            store.receive(engine, receipt, "demo")
            left, day = c["count"], arrived[r["request_id"]]
            while left > 0 and rng.random() < 0.8:  # some SKUs stay in stock
                day += dt.timedelta(days=rng.randint(3, 12))
                qty = min(left, rng.randint(1, max(1, c["count"] // 2)))
                n_order += 1
                store.ship(engine, {"order_id": f"CK-{n_order:04d}", "warehouse_id": wid,
                                    "exporter_uscc": r["exporter_uscc"], "sku": c["sku"], "quantity": qty,
                                    "shipped_on": day, "destination_country": rng.choice(DEST_COUNTRIES[country[wid]])},
                           "demo")
                left -= qty
    return report


def _capture_journeys(engine: Engine, tables: dict[str, list[dict[str, Any]]], rng: random.Random) -> dict[str, dt.date]:
    """Each shipment's EPCIS journey from booking to arrival at the lane's end (the consignee's receipt is the
    warehouse's, captured with the receipt); the day after arrival, when the goods reach the warehouse, per request."""
    from chainatlas.demo.trade import CONTEXT, journey
    from chainatlas.trade import intake

    transit = {mode: days for mode, _o, _d, _k, _p, days in LANES}
    weight: dict[str, float] = {}
    for c in tables["shipment_cartons"]:
        weight[c["request_id"]] = weight.get(c["request_id"], 0.0) + c["count"] * c["gross_kg"]
    events, arrived = [], {}
    for k, r in enumerate(tables["shipment_requests"]):
        start = dt.datetime.fromisoformat(r["ready_date"]).replace(hour=1, tzinfo=dt.UTC)
        evs = journey(rng, 900_000 + k, r["exporter_uscc"], r["mode"], r["origin"], r["destination"],
                      transit[r["mode"]] * 24 * rng.uniform(0.9, 1.1), f"urn:chainatlas:bt:{r['request_id']}", start,
                      received=False, booked=(round(weight[r["request_id"]], 1), round(weight[r["request_id"]] * 60, 2)))
        events += evs
        arrived[r["request_id"]] = dt.datetime.fromisoformat(evs[-1]["eventTime"].replace("Z", "+00:00")).date() + dt.timedelta(days=1)
    job = intake.capture(engine, {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
                                  "creationDate": "2026-04-01T00:00:00Z", "epcisBody": {"eventList": events}}, "demo")
    if not job["success"]:
        raise ValueError(f"demo consolidation journeys invalid: {job['errors'][:3]}")
    return arrived
