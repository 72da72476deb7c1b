"""Trade alerts (预警与快速响应): rules evaluated on consignments' EPCIS events as they arrive, an inbox
(open → acknowledged → resolved, with a note) and webhooks for subscribers.

Rules (thresholds in ``RULES``; docs/trade.md, "Alerts"):

* ``excursion`` — a temperature reading of a sensor report outside the cold-chain range (2–8 °C);
* ``shock`` — an acceleration reading of a sensor report above 98.1 m/s² (10 g);
* ``dwell`` — a consignment has stayed at a business step longer than allowed for it (e.g. in inspection more
  than 48 h), measured to its next event or, while it is still there, to the evaluation time;
* ``late`` — departure → arrival at destination took longer than planned for the mode, or the arrival is still
  missing when the plan has run out.

One alert per consignment and kind (the first occurrence); evaluating again never duplicates one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine, insert, select, update

from chainatlas import db, webhooks
from chainatlas.clock import utcnow
from chainatlas.messages import InvalidInput
from chainatlas.trade.consignments import COLD_CHAIN_MAX, COLD_CHAIN_MIN, SHOCK_MAX, consignment_events

RULES: dict[str, Any] = {
    "cold_chain_celsius": (COLD_CHAIN_MIN, COLD_CHAIN_MAX),
    "shock_ms2": SHOCK_MAX,
    "dwell_hours": {"inspecting": 48.0, "urn:chainatlas:bizstep:declaring": 24.0, "arriving": 72.0},
    "transit_plan_hours": {"air": 24.0, "rail": 20 * 24.0, "sea": 40 * 24.0},
}
KINDS = ("excursion", "shock", "dwell", "late")
STATUSES = ("open", "acknowledged", "resolved")




def detect(events: list[dict[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """Alerts of one consignment's events (time order), as of ``now`` (naive UTC).

    >>> t = lambda h: dt.datetime(2026, 3, 1) + dt.timedelta(hours=h)
    >>> ev = [{"consignment": "A", "biz_step": "inspecting", "event_time": t(0), "mode": "air", "max_temperature": None},
    ...       {"consignment": "A", "biz_step": "urn:chainatlas:bizstep:releasing", "event_time": t(50), "mode": "air",
    ...        "max_temperature": 9.5}]
    >>> [(a["kind"], a["detail"]["value"]) for a in detect(ev, t(60))]
    [('dwell', 50.0), ('excursion', 9.5)]
    """
    out: list[dict[str, Any]] = []
    low, high = RULES["cold_chain_celsius"]
    seen: set[str] = set()

    def add(kind: str, at: dt.datetime, detail: dict[str, Any]) -> None:
        if kind not in seen:
            seen.add(kind)
            out.append({"consignment": events[0]["consignment"], "kind": kind, "occurred_at": at, "detail": detail})

    for i, e in enumerate(events):
        temp, cold = e.get("max_temperature"), e.get("min_temperature")
        if temp is not None and temp > high:
            add("excursion", e["event_time"], {"step": e["biz_step"], "value": temp, "range": [low, high]})
        elif cold is not None and cold < low:
            add("excursion", e["event_time"], {"step": e["biz_step"], "value": cold, "range": [low, high]})
        shock = e.get("max_acceleration")
        if shock is not None and shock > RULES["shock_ms2"]:
            add("shock", e["event_time"], {"step": e["biz_step"], "value": shock, "threshold": RULES["shock_ms2"]})
        limit = RULES["dwell_hours"].get(e["biz_step"])
        if limit is not None:
            until = events[i + 1]["event_time"] if i + 1 < len(events) else now
            hours = (until - e["event_time"]).total_seconds() / 3600
            if hours > limit:
                add("dwell", e["event_time"] + dt.timedelta(hours=limit),
                    {"step": e["biz_step"], "value": round(hours, 1), "threshold": limit})
    departed = next((e for e in events if e["biz_step"] == "departing"), None)
    plan = RULES["transit_plan_hours"].get(events[0].get("mode") or "")
    if departed and plan:
        arrived = next((e for e in events if e["biz_step"] == "arriving" and e["event_time"] > departed["event_time"]), None)
        hours = ((arrived["event_time"] if arrived else now) - departed["event_time"]).total_seconds() / 3600
        if hours > plan:
            add("late", departed["event_time"] + dt.timedelta(hours=plan),
                {"step": "departing→arriving", "value": round(hours, 1), "threshold": plan, "arrived": arrived is not None})
    return out


def evaluate(engine: Engine, now: dt.datetime | None = None, consignments: list[str] | None = None) -> list[dict[str, Any]]:
    """Run the rules over stored events (all consignments, or those named — a capture reads only its own);
    store and announce new alerts."""
    now = now or utcnow()
    by: dict[str, list[dict[str, Any]]] = {}
    for r in consignment_events(engine, consignments).to_dicts():
        by.setdefault(r["consignment"], []).append(r)
    found = [a for evs in by.values() for a in detect(evs, now)]
    if not found:
        return []
    t = db.trade_alert.c
    with engine.begin() as conn:
        known = set(conn.execute(select(t.consignment, t.kind).where(t.consignment.in_(list(by)))).all())
        new = [a for a in found if (a["consignment"], a["kind"]) not in known]
        if new:
            conn.execute(insert(db.trade_alert), [{
                "consignment": a["consignment"], "kind": a["kind"], "detail": json.dumps(a["detail"], ensure_ascii=False),
                "occurred_at": a["occurred_at"], "status": "open", "created_at": utcnow()} for a in new])
    if new:
        notify(engine, new)
    return new


def inbox(engine: Engine, status: str | None = None, alert_id: int | None = None) -> list[dict[str, Any]]:
    """The alerts, newest first; optionally only those of one status, or the one ``alert_id``."""
    t = db.trade_alert.c
    stmt = select(db.trade_alert).order_by(t.occurred_at.desc(), t.id.desc())
    if status:
        stmt = stmt.where(t.status == status)
    if alert_id is not None:
        stmt = stmt.where(t.id == alert_id)
    with engine.connect() as conn:
        return [{**dict(r), "detail": json.loads(r["detail"])} for r in conn.execute(stmt).mappings()]


def transition(engine: Engine, alert_id: int, action: str, actor: str, note: str | None = None) -> dict[str, Any]:
    """``acknowledge`` (open → acknowledged) or ``resolve`` (open/acknowledged → resolved, a note required)."""
    target = {"acknowledge": "acknowledged", "resolve": "resolved"}.get(action)
    if target is None:
        raise ValueError("action: acknowledge or resolve")
    if target == "resolved" and not (note or "").strip():
        raise InvalidInput("处理预警须填写说明", "resolving an alert needs a note")
    t = db.trade_alert.c
    with engine.begin() as conn:
        row = conn.execute(select(t.status).where(t.id == alert_id)).first()
        if row is None:
            raise LookupError(f"alert {alert_id} not found / 未找到预警")
        allowed = {"acknowledged": ("open",), "resolved": ("open", "acknowledged")}[target]
        if row[0] not in allowed:
            raise InvalidInput(f"预警已是 {row[0]}", f"the alert is already {row[0]}")
        conn.execute(update(db.trade_alert).where(t.id == alert_id).values(
            status=target, note=note, updated_by=actor, updated_at=utcnow()))
    return inbox(engine, alert_id=alert_id)[0]


# what other packages post to the same subscribers: a demand of the open calls published (chainatlas.collab.workflow)
OTHER_WEBHOOK_KINDS = ("collab_published",)


def subscribe(engine: Engine, url: str, kinds: list[str], actor: str) -> int:
    """Register a webhook for alerts of the given kinds; returns its id."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("webhook URL must be http(s)")
    known = (*KINDS, *OTHER_WEBHOOK_KINDS)
    bad = [k for k in kinds if k not in known and k != "*"]
    if bad:
        raise ValueError(f"kinds: {', '.join(known)} or * (not {', '.join(bad)})")
    with engine.begin() as conn:
        return int(conn.execute(insert(db.webhook).values(url=url, kinds=",".join(kinds) or "*", created_by=actor,
                                                           created_at=utcnow(), active=True)).inserted_primary_key[0])  # type: ignore[index]


def notify(engine: Engine, alerts: list[dict[str, Any]], *, wait: bool = False) -> None:
    """POST each new alert (JSON) to the active subscribers of its kind, in a background thread (a slow or broken
    subscriber never holds up a capture). ``wait`` joins the thread (tests, CLI)."""
    urls = {k: webhooks.subscribers(engine, k) for k in {a["kind"] for a in alerts}}
    jobs = [(url, a) for a in alerts for url in urls[a["kind"]]]
    if not jobs:
        return

    def send() -> None:
        for url, a in jobs:  # a subscriber that is down misses the call; the inbox keeps the alert
            body = json.dumps({**a, "occurred_at": a["occurred_at"].isoformat() + "Z"}, ensure_ascii=False).encode()
            webhooks.post(url, body, {"Content-Type": "application/json"}, timeout=5)

    webhooks.in_background(send, wait=wait)
