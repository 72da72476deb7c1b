"""Demo trade flows (示例外贸物流): fictional export consignments of the demo city's firms as GS1 EPCIS 2.0 events —
air cargo through Zhengzhou Xinzheng airport (CGO), China–Europe rail (中欧班列) from Zhengzhou, sea through Qingdao and
Lianyungang — with the clearance milestones of ``chainatlas.trade.clearance``. Some consignments go through the
inspection channel and are held, some are late, some cold-chain ones have a temperature excursion. Deterministic
for a seed; every consignment is labelled 示例 in its extensions.

Airports are real IATA codes from the maintained ``airportsdata`` package; rail and sea places are UN/LOCODEs
(listed below: no maintained Python package ships the UN/LOCODE list).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.messages import InvalidInput
from chainatlas.trade.clearance import CONSIGNMENT_TYPES, TRADE_NS

AIR_DESTINATIONS = ("LUX", "KUL", "AUH", "BUD", "ORD", "ICN", "LGG", "DXB")
RAIL_ORIGIN, RAIL_DESTINATIONS = "CNCGO", ("DEHAM", "DEDUI", "PLWAW", "HUBUD")  # Zhengzhou → Hamburg, Duisburg …
SEA_ORIGINS, SEA_DESTINATIONS = ("CNTAO", "CNLYG"), ("NLRTM", "DEHAM", "MYPKG", "AEJEA")
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ca": TRADE_NS}]
COLD_CHAIN = (2.0, 8.0)  # °C


def _exporters(engine: Engine, home: str, limit: int) -> list[tuple[str, str]]:
    e = db.enterprise.c
    with engine.connect() as conn:
        rows = conn.execute(select(e.uscc, e.name).where(e.region_code.like(f"{home}%"), e.is_above_scale.is_(True))
                            .order_by(e.uscc).limit(limit)).all()
    return [(u, n) for u, n in rows]


def trade_document(exporters: list[tuple[str, str]], consignments: int = 120, seed: int = 20260301) -> dict[str, Any]:
    """An EPCISDocument with the journeys of ``consignments`` export consignments."""
    import airportsdata

    airports = airportsdata.load("IATA")
    missing = [c for c in ("CGO", *AIR_DESTINATIONS) if c not in airports]
    if missing:
        raise RuntimeError(f"airport codes missing from airportsdata: {missing}")
    rng = random.Random(seed)
    base = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    events: list[dict[str, Any]] = []
    for n in range(consignments):
        uscc, _name = exporters[n % len(exporters)]
        r = rng.random()
        mode = "air" if r < 0.5 else ("rail" if r < 0.75 else "sea")
        if mode == "air":
            origin, dest, transit = "CGO", rng.choice(AIR_DESTINATIONS), rng.uniform(10, 20)
        elif mode == "rail":
            origin, dest, transit = RAIL_ORIGIN, rng.choice(RAIL_DESTINATIONS), rng.uniform(14 * 24, 18 * 24)
        else:
            origin, dest, transit = rng.choice(SEA_ORIGINS), rng.choice(SEA_DESTINATIONS), rng.uniform(25 * 24, 35 * 24)
        late = rng.random() < 0.1
        if late:
            transit *= 1.6
        ref = f"urn:chainatlas:bt:{'AWB' if mode == 'air' else 'BL'}-2026-{n:05d}"
        inspected = rng.random() < 0.2
        cold = mode == "air" and rng.random() < 0.3
        excursion = cold and rng.random() < 0.35
        t = base + dt.timedelta(hours=rng.uniform(0, 24 * 80))
        events += journey(rng, n, uscc, mode, origin, dest, transit, ref, t, inspected=inspected, cold=cold,
                          excursion=excursion)
    return {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-04-01T00:00:00Z", "epcisBody": {"eventList": events}}


def journey(rng: random.Random, n: int, uscc: str, mode: str, origin: str, dest: str, transit: float, ref: str,
            t: dt.datetime, *, inspected: bool = False, cold: bool = False, excursion: bool = False,
            received: bool = True, booked: tuple[float, float] | None = None) -> list[dict[str, Any]]:
    """The events of one consignment from booking to arrival (and the consignee's receipt, when ``received``): the
    clearance milestones at the origin, ``transit`` hours between departing and arriving. ``booked`` is the declared
    (gross kg, value in yuan); by default it is derived from ``n``."""
    btt = CONSIGNMENT_TYPES[1] if mode == "air" else "bol"
    steps: list[tuple[str, float, str]] = [("consigning", 0, ""), ("collecting", rng.uniform(4, 12), ""),
                                          ("arriving", rng.uniform(6, 24), origin),
                                          ("urn:chainatlas:bizstep:declaring", rng.uniform(0.5, 6), origin)]
    if inspected:
        steps.append(("inspecting", rng.uniform(1, 3), origin))
        steps.append(("urn:chainatlas:bizstep:releasing", rng.uniform(24, 72), origin))
    else:
        steps.append(("urn:chainatlas:bizstep:releasing", rng.uniform(0.5, 4), origin))
    steps += [("departing", rng.uniform(2, 24) if mode == "air" else rng.uniform(24, 72), origin),
              ("arriving", transit, dest), ("receiving", rng.uniform(24, 72), dest)]
    if not received:
        steps.pop()
    events = []
    for step, hours, place in steps:
        t += dt.timedelta(hours=hours)
        ev: dict[str, Any] = {
            "type": "ObjectEvent", "eventTime": t.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "eventTimeZoneOffset": "+08:00", "epcList": [f"urn:epc:id:sscc:6901234.{n:010d}"],
            "action": "ADD" if step == "consigning" else "OBSERVE", "bizStep": step,
            "disposition": "in_transit" if step in ("departing", "arriving") else "in_progress",
            "bizTransactionList": [{"type": btt, "bizTransaction": ref}],
            "ca:mode": mode, "ca:exporter": uscc, "ca:destination": dest, "ca:demo": "示例"}
        if step == "consigning":  # what the booking declares; derived from n, so the other draws stay as they were
            kg = 80 + (n * 37) % 900 if mode == "air" else 2000 + (n * 613) % 18000
            ev |= ({"ca:grossWeightKg": kg, "ca:declaredValueYuan": kg * (120 + (n % 7) * 45)} if booked is None
                   else {"ca:grossWeightKg": booked[0], "ca:declaredValueYuan": booked[1]})
        if place:
            ev["ca:port"] = place
        if step == "departing" and cold:
            high = rng.uniform(9.0, 12.5) if excursion else rng.uniform(5.5, 7.8)
            ev["sensorElementList"] = [{"sensorMetadata": {"startTime": ev["eventTime"], "endTime": ev["eventTime"]},
                                        "sensorReport": [{"type": "Temperature", "minValue": round(rng.uniform(2.1, 4.0), 1),
                                                          "maxValue": round(high, 1), "uom": "CEL"}]}]
        if step == "arriving" and n % 23 == 5:  # a few rough landings: a shock reading (no draw from rng)
            ev["sensorElementList"] = [*ev.get("sensorElementList", []), {
                "sensorMetadata": {"startTime": ev["eventTime"], "endTime": ev["eventTime"]},
                "sensorReport": [{"type": "Acceleration", "maxValue": 120.0 + n % 7, "uom": "MSK"}]}]
        events.append(ev)
    return events


def load_trade_demo(engine: Engine, home: str = "4101", consignments: int = 120, seed: int = 20260301) -> dict[str, Any]:
    """Capture the demo trade flows into ``engine`` (after the demo city's firms are loaded); the capture job."""
    from chainatlas.trade import intake

    exporters = _exporters(engine, home, 40)
    if not exporters:
        raise InvalidInput("示例外贸需要先导入示例城市", "load the demo city first")
    job = intake.capture(engine, trade_document(exporters, consignments, seed), "demo")
    if not job["success"]:
        raise ValueError(f"demo trade document invalid: {job['errors'][:3]}")
    return job
