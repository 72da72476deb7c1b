"""Shared O&M records (共享运维): the equipment register, tickets and their state changes, photos, device tokens and
telemetry readings — with who may see what.

Visibility (:class:`Scope`): officials see every record; an enterprise account sees the equipment it owns and the
equipment it maintains as the provider, and the tickets on them — nothing else, and another firm's ticket is "not
found", not "forbidden", so that its existence does not leak.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, true, update

from chainatlas import db, vocabulary
from chainatlas.clock import utcnow
from chainatlas.maintenance import kpi, sla, telemetry, workflow
from chainatlas.messages import InvalidInput, NotFound, Refused

MAX_READINGS = 1_000  # per ingest call
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
METRIC = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LOOKBACK = 50  # readings per device re-read when an ingest checks the alarm rules (≥ any rule's consecutive)


@dataclass(frozen=True)
class Scope:
    """Whose records a caller sees: ``uscc`` None for officials (all), else the enterprise's own and its customers'."""

    uscc: str | None = None

    def party(self, owner: str, provider: str | None) -> str | None:
        """The caller's part in a record: admin-like official (``official``), ``owner``, ``provider`` or None."""
        if self.uscc is None:
            return "official"
        if self.uscc == owner:
            return "owner"
        if provider is not None and self.uscc == provider:
            return "provider"
        return None


def _visible(table: Any, scope: Scope) -> Any:
    if scope.uscc is None:
        return true()
    return or_(table.c.owner_uscc == scope.uscc, table.c.provider_uscc == scope.uscc)


def equipment(engine: Engine, scope: Scope, *, owner: str | None = None, provider: str | None = None) -> pl.DataFrame:
    """The register as the caller may see it, with owner and provider names and the number of open tickets."""
    e, t = db.equipment, db.om_ticket
    where = [_visible(e, scope)]
    if owner:
        where.append(e.c.owner_uscc == owner)
    if provider:
        where.append(e.c.provider_uscc == provider)
    with engine.connect() as conn:
        frame = db.read_frame(conn, e, *where)
        open_n: dict[str, int] = dict(conn.execute(select(t.c.equipment_id, func.count()).where(t.c.state.not_in(workflow.CLOSED))
                                   .group_by(t.c.equipment_id)).all())
    return _named(engine, frame.with_columns(
        open_tickets=pl.col("equipment_id").replace_strict(open_n, default=0, return_dtype=pl.Int64))).sort("equipment_id")


def _named(engine: Engine, frame: pl.DataFrame) -> pl.DataFrame:
    from chainatlas.registry.queries import enterprise_names

    usccs = [u for c in ("owner_uscc", "provider_uscc") if c in frame.columns for u in frame[c].drop_nulls().to_list()]
    names = enterprise_names(engine, usccs)
    return frame.with_columns([pl.col(c).replace_strict(names, default="", return_dtype=pl.String).alias(c.replace("uscc", "name"))
                               for c in ("owner_uscc", "provider_uscc") if c in frame.columns])


def one_equipment(engine: Engine, equipment_id: str, scope: Scope) -> dict[str, Any]:
    """One machine the caller may see (NotFound otherwise)."""
    found = equipment(engine, scope).filter(pl.col("equipment_id") == equipment_id)
    if found.is_empty():
        raise NotFound(f"没有设备 {equipment_id}（或无权查看）", f"no equipment {equipment_id} (or not yours to see)")
    return found.row(0, named=True)


def _event(conn: Connection, ticket_id: int, action: str, frm: str | None, to: str, actor: str, at: dt.datetime,
           note: str | None) -> None:
    conn.execute(insert(db.om_ticket_event).values(ticket_id=ticket_id, action=action, state_from=frm, state_to=to,
                                                   note=note or None, actor=actor, at=at))


def open_ticket(engine: Engine, equipment_id: str, priority: str, fault: str, *, actor: str, scope: Scope,
                at: dt.datetime | None = None, origin: str = "manual") -> int:
    """Open a ticket on a machine (the owner, an official, or a device's alarm rule) to the machine's provider; its
    id."""
    fault = (fault or "").strip()
    if priority not in vocabulary.TICKET_PRIORITIES:
        raise InvalidInput(f"优先级须为 {'/'.join(vocabulary.TICKET_PRIORITIES)}",
                           f"priority must be one of {', '.join(vocabulary.TICKET_PRIORITIES)}")
    if not 2 <= len(fault) <= 2000:
        raise InvalidInput("故障描述须为 2–2000 字", "the fault description must be 2–2000 characters")
    machine = one_equipment(engine, equipment_id, scope)
    if scope.party(machine["owner_uscc"], machine["provider_uscc"]) not in ("owner", "official"):
        raise Refused("只有设备使用企业可以报修", "only the firm using the equipment may open a ticket on it", 403)
    if not machine["provider_uscc"]:
        raise InvalidInput(f"设备 {equipment_id} 未登记共享运维服务商，无法派单",
                           f"equipment {equipment_id} has no shared O&M provider to send the ticket to")
    when = at or utcnow(seconds=True)
    sla.policy_on(when.date())
    with engine.begin() as conn:
        tid = conn.execute(insert(db.om_ticket).values(
            equipment_id=equipment_id, owner_uscc=machine["owner_uscc"], provider_uscc=machine["provider_uscc"],
            priority=priority, fault=fault, state="open", origin=origin, opened_at=when, updated_at=when)).inserted_primary_key[0]  # type: ignore[index]
        _event(conn, int(tid), "open", None, "open", actor, when, None)
    return int(tid)


def _ticket_row(conn: Connection, ticket_id: int, scope: Scope) -> dict[str, Any]:
    t = db.om_ticket
    row = conn.execute(select(t).where(t.c.id == ticket_id, _visible(t, scope))).mappings().first()
    if row is None:
        raise NotFound(f"没有工单 {ticket_id}（或无权查看）", f"no ticket {ticket_id} (or not yours to see)")
    return dict(row)


def act(engine: Engine, ticket_id: int, action: str, *, actor: str, scope: Scope, admin: bool = False,
        note: str | None = None, technician: str | None = None, at: dt.datetime | None = None) -> dict[str, Any]:
    """Move a ticket by ``action`` (workflow.ACTIONS) as the caller's party to it; the ticket afterwards."""
    note = (note or "").strip() or None
    when = at or utcnow(seconds=True)
    with engine.begin() as conn:
        row = _ticket_row(conn, ticket_id, scope)
        party = scope.party(row["owner_uscc"], row["provider_uscc"])
        if party == "official":
            if not admin:
                raise Refused("工单由企业和服务商处理，政府账户只读", "tickets are worked by the firm and the provider; "
                              "officials read them", 403)
            party = "admin"
        assert party is not None
        target = workflow.transition(row["state"], action, party)
        if workflow.ACTIONS[action].note_required and not note:
            raise InvalidInput("此操作须填写说明", f"{action} needs a note")
        if action == "assign":
            technician = (technician or "").strip()
            if not technician:
                raise InvalidInput("派单须指定工程师", "assigning needs a technician")
        if when < row["updated_at"]:
            raise InvalidInput("操作时间早于工单上一次变更", "the time given is before the ticket's last change")
        values: dict[str, Any] = {"state": target, "updated_at": when}
        if action == "assign":
            values["technician"] = technician
        conn.execute(update(db.om_ticket).where(db.om_ticket.c.id == ticket_id).values(**values))
        _event(conn, ticket_id, action, row["state"], target, actor, when, note)
    return ticket(engine, ticket_id, scope)


def _events(conn: Connection, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    ev = db.om_ticket_event
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for r in conn.execute(select(ev).where(ev.c.ticket_id.in_(ids)).order_by(ev.c.ticket_id, ev.c.at, ev.c.id)).mappings():
        out[r["ticket_id"]].append(dict(r))
    return out


def _with_facts(rows: list[dict[str, Any]], events: Mapping[int, list[dict[str, Any]]], now: dt.datetime) -> list[dict[str, Any]]:
    return [{**r, **kpi.facts([(e["action"], e["state_to"], e["at"]) for e in events[r["id"]]], r["priority"], now)}
            for r in rows]


def tickets(engine: Engine, scope: Scope, *, now: dt.datetime | None = None, state: str | None = None,
            provider: str | None = None, owner: str | None = None, equipment_id: str | None = None) -> list[dict[str, Any]]:
    """The tickets the caller may see, newest first, each with its SLA clocks' states (as of ``now``) and KPI facts."""
    t = db.om_ticket
    where = [_visible(t, scope)]
    for c, v in (("state", state), ("provider_uscc", provider), ("owner_uscc", owner), ("equipment_id", equipment_id)):
        if v:
            where.append(t.c[c] == v)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(t).where(and_(*where)).order_by(t.c.opened_at.desc(), t.c.id.desc())).mappings()]
        events = _events(conn, [r["id"] for r in rows])
    return _with_facts(rows, events, now or utcnow())


def ticket(engine: Engine, ticket_id: int, scope: Scope, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """One ticket with its timeline, SLA clocks, photos (ids) and machine; NotFound when the caller may not see it."""
    when = now or utcnow()
    with engine.connect() as conn:
        row = _ticket_row(conn, ticket_id, scope)
        events = _events(conn, [ticket_id])[ticket_id]
        photos = [i for (i,) in conn.execute(select(db.om_photo.c.id).where(db.om_photo.c.ticket_id == ticket_id)
                                             .order_by(db.om_photo.c.id))]
    states = [(e["state_to"], e["at"]) for e in events]
    party = scope.party(row["owner_uscc"], row["provider_uscc"])
    named = _named(engine, pl.DataFrame([{"owner_uscc": row["owner_uscc"], "provider_uscc": row["provider_uscc"]}])).row(0, named=True)
    return {"ticket": {**row, "owner_name": named["owner_name"], "provider_name": named["provider_name"]},
            "events": events, "sla": [s.as_dict() for s in sla.status(states, row["priority"], when)],
            "facts": _with_facts([row], {ticket_id: events}, when)[0], "photos": photos, "party": party,
            "actions": workflow.actions_for(row["state"], party or "") if party != "official" else [],
            "equipment": one_equipment(engine, row["equipment_id"], scope)}


def alerts(engine: Engine, scope: Scope, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Open tickets with a clock breached or at risk (SLA alerts), the most urgent first."""
    out = []
    for r in tickets(engine, scope, now=now):
        if r["state"] in workflow.CLOSED:
            continue
        for target in sla.TARGETS:
            level = r[f"sla_{target}"]
            if level in ("breached", "at_risk"):
                out.append({"ticket_id": r["id"], "equipment_id": r["equipment_id"], "owner_uscc": r["owner_uscc"],
                            "provider_uscc": r["provider_uscc"], "priority": r["priority"], "state": r["state"],
                            "target": target, "level": level, "opened_at": r["opened_at"]})
    return sorted(out, key=lambda a: (a["level"] != "breached", a["priority"], a["opened_at"]))


def provider_kpis(engine: Engine, scope: Scope, start: dt.date, end: dt.date, *,
                  now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """MTTR, first-time-fix rate, SLA attainment and counts per provider over [start, end] (kpi.py), for the
    tickets the caller may see."""
    if end < start:
        raise InvalidInput("结束日期早于开始日期", "the end date is before the start date")
    rows = tickets(engine, scope, now=now)
    frame = pl.DataFrame([{k: r[k] for k in ("provider_uscc", "opened_at", "resolved_at", "restore_hours", "confirmed_at",
                                             "first_time_fix", "sla_met", "breached_now")} for r in rows],
                         schema={"provider_uscc": pl.String, "opened_at": pl.Datetime, "resolved_at": pl.Datetime,
                                 "restore_hours": pl.Float64, "confirmed_at": pl.Datetime, "first_time_fix": pl.Boolean,
                                 "sla_met": pl.Boolean, "breached_now": pl.Boolean})
    first = dt.datetime.combine(start, dt.time())
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    return _named(engine, kpi.provider_kpis(frame, first, after)).to_dicts()


# photos


def add_photo(engine: Engine, ticket_id: int, data: bytes, content_type: str, *, actor: str, scope: Scope) -> int:
    """Attach a JPEG or PNG (≤ 5 MB, checked by its first bytes) to a ticket the caller is party to."""
    magic = PHOTO_TYPES.get(content_type)
    if magic is None or not data.startswith(magic):
        raise InvalidInput("照片须为 JPEG 或 PNG", "a photo must be a JPEG or PNG image")
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput("照片不得超过 5 MB", "a photo may not exceed 5 MB")
    with engine.begin() as conn:
        row = _ticket_row(conn, ticket_id, scope)
        if row["state"] in workflow.CLOSED:
            raise Refused("已关闭的工单不能再添加照片", "a closed ticket takes no more photos")
        pid = conn.execute(insert(db.om_photo).values(ticket_id=ticket_id, content_type=content_type, data=data,
                                                      uploaded_by=actor, at=utcnow(seconds=True))).inserted_primary_key[0]  # type: ignore[index]
    return int(pid)


def photo(engine: Engine, ticket_id: int, photo_id: int, scope: Scope) -> tuple[bytes, str]:
    """A photo's bytes and type, for a caller who may see its ticket."""
    p = db.om_photo
    with engine.connect() as conn:
        _ticket_row(conn, ticket_id, scope)
        row = conn.execute(select(p.c.data, p.c.content_type).where(p.c.id == photo_id, p.c.ticket_id == ticket_id)).first()
    if row is None:
        raise NotFound(f"工单 {ticket_id} 没有照片 {photo_id}", f"ticket {ticket_id} has no photo {photo_id}")
    return bytes(row[0]), str(row[1])


# telemetry


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_device_token(engine: Engine, equipment_id: str, *, actor: str, scope: Scope) -> str:
    """A new telemetry token for a machine (shown once; stored as its SHA-256), by its owner, its provider or an
    official."""
    one_equipment(engine, equipment_id, scope)
    token = "dev_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(db.om_device_token).values(equipment_id=equipment_id, token_sha256=_sha(token), issued_by=actor,
                                                       issued_at=utcnow(seconds=True)))
    return token


def revoke_device_tokens(engine: Engine, equipment_id: str, *, scope: Scope) -> int:
    """Revoke every live token of a machine; how many."""
    one_equipment(engine, equipment_id, scope)
    tk = db.om_device_token
    with engine.begin() as conn:
        return conn.execute(update(tk).where(tk.c.equipment_id == equipment_id, tk.c.revoked_at.is_(None))
                            .values(revoked_at=utcnow(seconds=True))).rowcount


def device_for_token(engine: Engine, token: str) -> str | None:
    """The machine a live telemetry token belongs to (None: unknown or revoked)."""
    tk = db.om_device_token
    with engine.connect() as conn:
        return conn.execute(select(tk.c.equipment_id).where(tk.c.token_sha256 == _sha(token),
                                                            tk.c.revoked_at.is_(None))).scalar_one_or_none()


def _parse_readings(readings: Sequence[Mapping[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    from chainatlas.clock import to_utc

    if not readings:
        raise InvalidInput("没有读数", "no readings")
    if len(readings) > MAX_READINGS:
        raise InvalidInput(f"每次最多 {MAX_READINGS} 条读数", f"at most {MAX_READINGS} readings per call")
    rows = []
    for i, r in enumerate(readings):
        where = f"readings[{i}]"
        text = str(r.get("at") or "")
        if not re.search(r"(Z|[+-]\d\d:\d\d)$", text):
            raise InvalidInput(f"{where}.at 须为带时区的 ISO 8601 时间", f"{where}.at must be ISO 8601 with a zone")
        try:
            at = to_utc(text)
        except ValueError:
            raise InvalidInput(f"{where}.at 无法解析：{text}", f"{where}.at cannot be read: {text}") from None
        if at > now + dt.timedelta(minutes=5):
            raise InvalidInput(f"{where}.at 在未来", f"{where}.at is in the future")
        metrics = r.get("metrics") or {}
        alarm = r.get("alarm")
        if not isinstance(metrics, Mapping) or (not metrics and not alarm):
            raise InvalidInput(f"{where} 须有 metrics 或 alarm", f"{where} needs metrics or an alarm")
        for name, value in metrics.items():
            if not METRIC.match(str(name)) or name == "alarm":
                raise InvalidInput(f"{where}.metrics 的名称 {name!r} 无效（小写字母、数字、下划线）",
                                   f"{where}.metrics name {name!r} is invalid (lower-case letters, digits, _)")
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InvalidInput(f"{where}.metrics.{name} 须为有限数值", f"{where}.metrics.{name} must be a finite number")
            rows.append({"at": at, "metric": str(name), "value": float(value), "alarm": None})
        if alarm:
            if not isinstance(alarm, str) or not 1 <= len(alarm) <= 40:
                raise InvalidInput(f"{where}.alarm 须为 1–40 字符的报警码", f"{where}.alarm must be a code of 1–40 characters")
            rows.append({"at": at, "metric": "alarm", "value": None, "alarm": alarm})
    return rows


def reading_frame(rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """Stored readings (one per metric) as one row per device and time with a column per rule metric and ``alarm``."""
    cols = telemetry.metrics()
    base = pl.DataFrame(list(rows), schema={"equipment_id": pl.String, "at": pl.Datetime, "metric": pl.String,
                                            "value": pl.Float64, "alarm": pl.String})
    keys = base.select("equipment_id", "at").unique()
    for m in cols:
        if m == "alarm":
            part = base.filter(pl.col("metric") == "alarm").group_by("equipment_id", "at").agg(pl.col("alarm").last())
        else:
            part = (base.filter(pl.col("metric") == m).group_by("equipment_id", "at")
                    .agg(pl.col("value").last().alias(m)))
        keys = keys.join(part, on=["equipment_id", "at"], how="left")
    return keys.sort("equipment_id", "at")


def ingest(engine: Engine, token: str, readings: Sequence[Mapping[str, Any]], *,
           now: dt.datetime | None = None) -> dict[str, Any]:
    """Store a device's readings (all or none) and raise a ticket where an alarm rule fires on them (unless that
    rule's ticket on the machine is still open)."""
    equipment_id = device_for_token(engine, token)
    if equipment_id is None:
        raise NotFound("设备令牌无效或已吊销", "unknown or revoked device token")
    when = now or utcnow()
    rows = [{**r, "equipment_id": equipment_id} for r in _parse_readings(readings, when)]
    new_times = {r["at"] for r in rows}
    rd = db.om_reading
    with engine.begin() as conn:
        conn.execute(insert(rd), rows)
        machine = conn.execute(select(db.equipment.c.equipment_type).where(db.equipment.c.equipment_id == equipment_id)).scalar_one()
        recent_times = select(rd.c.at).where(rd.c.equipment_id == equipment_id).distinct().order_by(rd.c.at.desc()).limit(
            LOOKBACK + len(new_times)).subquery()
        stored = [dict(r) for r in conn.execute(select(rd.c.equipment_id, rd.c.at, rd.c.metric, rd.c.value, rd.c.alarm)
                                                .where(rd.c.equipment_id == equipment_id, rd.c.at.in_(select(recent_times.c.at)))).mappings()]
    fired = [f for f in telemetry.firings(reading_frame(stored), telemetry.rules(), {equipment_id: machine}) if f.at in new_times]
    opened = []
    t = db.om_ticket
    for f in fired:
        with engine.connect() as conn:
            busy = conn.execute(select(t.c.id).where(t.c.equipment_id == equipment_id, t.c.origin == f"alarm:{f.rule.id}",
                                                     t.c.state.not_in(workflow.CLOSED))).first()
        if busy is not None:
            continue
        try:
            tid = open_ticket(engine, equipment_id, f.rule.priority, f"{f.rule.fault.zh}（{f.rule.fault.en}）",
                              actor=f"device:{equipment_id}", scope=Scope(), at=f.at.replace(microsecond=0),
                              origin=f"alarm:{f.rule.id}")
        except InvalidInput:  # no provider: the readings are kept, nobody to send a ticket to
            continue
        opened.append({"ticket_id": tid, "rule": f.rule.id, "at": f.at})
    return {"equipment_id": equipment_id, "stored": len(rows), "tickets": opened}
