"""Traceability (可追溯): follow an object through aggregation (packed into pallets, containers, air ULDs; associated
with a parent) and transformation events (inputs made into outputs).

* **forward** (where did it go?): a child to the parent it was packed into; an input to the outputs made from it;
* **back** (where did it come from?): a parent to its children; an output to the inputs it was made from.

Identifiers are compared in canonical Digital Link form, so EPC URNs and Digital Links trace alike. Each step
names the event (ID, type, time) that links the two objects. Breadth-first, each object once, up to ``depth`` steps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, and_, select
from sqlalchemy.orm import aliased

from chainatlas import db
from chainatlas.trade.repository import canon

STEPS = {"forward": ((("child",), ("parent",)), (("input",), ("output",))),
         "back": ((("parent",), ("child",)), (("output",), ("input",)))}


def trace(engine: Engine, epc: str, direction: str = "back", depth: int = 10) -> list[dict[str, Any]]:
    """The objects reached from ``epc``, nearest first: ``epc``, ``depth``, ``from`` (the object it was reached
    from), ``relation`` (aggregation / transformation), the linking event's ID, type and time."""
    if direction not in STEPS:
        raise ValueError("direction: forward or back / 方向须为 forward 或 back")
    a, b, ev = aliased(db.epcis_epc), aliased(db.epcis_epc), db.epcis_event
    start = canon(epc)
    seen = {start}
    frontier = [start]
    out: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for level in range(1, depth + 1):
            found: list[dict[str, Any]] = []
            for from_roles, to_roles in STEPS[direction]:
                rows = conn.execute(
                    select(a.c.canon.label("source"), b.c.canon.label("target"), b.c.epc, ev.c.event_id, ev.c.event_type,
                           ev.c.event_time)
                    .select_from(a).join(b, and_(a.c.event_pk == b.c.event_pk, b.c.role.in_(to_roles)))
                    .join(ev, ev.c.id == a.c.event_pk)
                    .where(a.c.canon.in_(frontier), a.c.role.in_(from_roles))
                    .order_by(ev.c.event_time, b.c.canon)).mappings().all()
                for r in rows:
                    if r["target"] in seen:
                        continue
                    seen.add(r["target"])
                    found.append({"epc": r["epc"], "canonical": r["target"], "depth": level, "from": r["source"],
                                  "relation": "transformation" if "input" in from_roles + to_roles else "aggregation",
                                  "event_id": r["event_id"], "event_type": r["event_type"], "event_time": r["event_time"]})
            if not found:
                break
            out.extend(found)
            frontier = [f["canonical"] for f in found]
    return out
