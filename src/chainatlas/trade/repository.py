"""The EPCIS event repository (事件库): store captured documents all-or-nothing, answer queries.

Each event is kept as captured (JSON) plus indexed columns: type, event and record time (UTC), action, business
step, disposition, read point, business location; its EPCs (in every role) and business transactions, sources and
destinations in side tables. Identifiers are indexed in canonical Digital Link form, so a query by EPC URN finds
events captured with Digital Links and the reverse. An event already stored (same hash ID) is not stored again.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, func, insert, or_, select
from sqlalchemy.sql.elements import ColumnElement

from chainatlas import db
from chainatlas.trade.capture import EVENT_TYPES, Checked, Problem, check_document
from chainatlas.trade.identifiers import canonical_digital_link, epc_to_digital_link

ROLES = {"epcList": "epc", "childEPCs": "child", "inputEPCList": "input", "outputEPCList": "output"}
QUANTITY_ROLES = {"quantityList": "quantity", "childQuantityList": "child_quantity",
                  "inputQuantityList": "input_quantity", "outputQuantityList": "output_quantity"}
MAX_PER_PAGE = 1000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def canon(identifier: str) -> str:
    """The form identifiers are indexed in: a canonical Digital Link where one exists, else as given."""
    text = identifier.strip()
    return epc_to_digital_link(text) or canonical_digital_link(text) or text


def vocab(value: str | None) -> str | None:
    """CBV values in one form: the bare word for standard terms (``shipping``), whether written as a word, a
    ``urn:epcglobal:cbv:…`` URN or a ``https://ref.gs1.org/cbv/…`` URI; anything else as given."""
    if value is None:
        return None
    v = value.strip()
    for prefix in ("urn:epcglobal:cbv:bizstep:", "urn:epcglobal:cbv:disp:", "urn:epcglobal:cbv:btt:",
                   "urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/BizStep-", "https://ref.gs1.org/cbv/Disp-",
                   "https://ref.gs1.org/cbv/BTT-", "https://ref.gs1.org/cbv/SDT-"):
        if v.startswith(prefix):
            return v[len(prefix):]
    return v


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)


def _rows(ev: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str | None, str]]]:
    epcs = [(role, x) for key, role in ROLES.items() for x in ev.get(key) or []]
    if ev.get("parentID"):
        epcs.append(("parent", ev["parentID"]))
    epcs += [(role, q["epcClass"]) for key, role in QUANTITY_ROLES.items() for q in ev.get(key) or [] if q.get("epcClass")]
    attrs = [(kind, vocab(item.get("type")), item[kind]) for key, kind in
             (("bizTransactionList", "bizTransaction"), ("sourceList", "source"), ("destinationList", "destination"))
             for item in ev.get(key) or [] if item.get(kind)]
    return epcs, attrs


def _insert_for(conn: Any) -> Any:
    """The dialect's INSERT (with ON CONFLICT) for this connection: PostgreSQL or SQLite."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _copy_pg(conn: Any, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY into ``table`` inside the connection's transaction (several times faster than INSERTs with
    thousands of parameters, which psycopg spends most of its time preparing)."""
    with conn.connection.driver_connection.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row([r[c] for c in columns])


def _copy_events_pg(conn: Any, rows: list[dict[str, Any]]) -> dict[tuple[str, bool], int]:
    """Events into PostgreSQL: COPY into a session's temporary table, then one INSERT … SELECT … ON CONFLICT DO
    NOTHING RETURNING — the new events' keys; already stored ones are skipped by the unique index."""
    from sqlalchemy import text

    names = list(rows[0])
    cols = ", ".join(names)
    # emptied at every commit, and a rolled-back COPY leaves nothing in it either
    conn.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS epcis_event_in ON COMMIT DELETE ROWS AS "
                      f"SELECT {cols} FROM epcis_event WITH NO DATA"))
    _copy_pg(conn, "epcis_event_in", names, rows)
    got = conn.execute(text(f"INSERT INTO epcis_event ({cols}) SELECT {cols} FROM epcis_event_in "
                            f"ON CONFLICT (event_id, declaration) DO NOTHING RETURNING id, event_id, declaration")).all()
    return {(a, bool(b)): pk for pk, a, b in got}


def store(engine: Engine, checked: Checked, actor: str, owner: str | None = None) -> dict[str, Any]:
    """Store a checked document in one transaction: all its new events or — on any failure — nothing.
    ``owner`` (an enterprise account's USCC) is recorded for every event of the document, new or already stored,
    so that the enterprise can query them. Returns the capture job."""
    now = _now()
    with engine.begin() as conn:
        job_id = int(conn.execute(insert(db.epcis_capture).values(
            success=False, running=True, created_by=actor, created_at=now, events=len(checked.events), stored=0,
            owner=owner,
        )).inserted_primary_key[0])  # type: ignore[index]
        # an error declaration is the same event (same hash ID) declared erroneous: stored beside the original
        keys = [(hid, "errorDeclaration" in ev) for hid, ev in zip(checked.hash_ids, checked.events, strict=True)]
        ids = list(dict.fromkeys(checked.hash_ids))
        context = json.dumps(checked.context, ensure_ascii=False)
        candidates: list[tuple[str, Mapping[str, Any]]] = []
        seen: set[tuple[str, bool]] = set()
        for key, event in zip(keys, checked.events, strict=True):
            if key not in seen:  # the same event twice in one document: once
                seen.add(key)
                candidates.append((key[0], event))
        pks: dict[tuple[str, bool], int] = {}
        if candidates:
            rows = [{"event_id": hid, "declaration": "errorDeclaration" in ev, "declared_id": ev.get("eventID"), "event_type": ev["type"],
                     "event_time": _utc(ev["eventTime"]), "tz_offset": ev.get("eventTimeZoneOffset", "+00:00"),
                     "record_time": now, "action": ev.get("action"), "biz_step": vocab(ev.get("bizStep")),
                     "disposition": vocab(ev.get("disposition")),
                     "read_point": canon(ev["readPoint"]["id"]) if (ev.get("readPoint") or {}).get("id") else None,
                     "biz_location": canon(ev["bizLocation"]["id"]) if (ev.get("bizLocation") or {}).get("id") else None,
                     "capture_id": job_id, "body": json.dumps(ev, ensure_ascii=False), "context": context}
                    for hid, ev in candidates]
            # Already stored events are skipped by the unique index itself (ON CONFLICT DO NOTHING), not by a lookup
            # first: a lookup of hundreds of hash IDs is planned as a sequential scan when the table has no
            # statistics (autovacuum off), which made bulk capture slow down as the table grew. RETURNING gives the
            # new rows' keys (a re-select by capture_id would scan the table too).
            if conn.dialect.name == "postgresql":
                pks = _copy_events_pg(conn, rows)
            else:
                ins = _insert_for(conn)(db.epcis_event).on_conflict_do_nothing(index_elements=["event_id", "declaration"])
                for i in range(0, len(rows), 2000):
                    pks |= {(a, bool(b)): pk for pk, a, b in conn.execute(
                        ins.returning(db.epcis_event.c.id, db.epcis_event.c.event_id, db.epcis_event.c.declaration),
                        rows[i:i + 2000]).all()}
        fresh = [(hid, ev) for hid, ev in candidates if (hid, "errorDeclaration" in ev) in pks]
        if fresh:
            epc_rows, attr_rows = [], []
            for hid, ev in fresh:
                pk = pks[(hid, "errorDeclaration" in ev)]
                epcs, attrs = _rows(ev)
                epc_rows += [{"event_pk": pk, "role": r, "epc": e, "canon": canon(e)} for r, e in epcs]
                attr_rows += [{"event_pk": pk, "kind": k, "type": t, "value": v} for k, t, v in attrs]
            for table, side_rows in ((db.epcis_epc, epc_rows), (db.epcis_attr, attr_rows)):
                if side_rows and conn.dialect.name == "postgresql":
                    _copy_pg(conn, table.name, list(side_rows[0]), side_rows)
                elif side_rows:
                    conn.execute(insert(table), side_rows)
        _store_master_data(conn, checked.master_data)
        if owner:
            e, o = db.epcis_event, db.epcis_event_owner
            mine = set(pks.values())
            earlier = [hid for hid in ids if not any((hid, d) in pks for d in (False, True))]
            for i in range(0, len(earlier), 10):  # re-captured events: a lookup of ≤ 10 IDs stays on the index without statistics
                mine |= set(conn.execute(select(e.c.id).where(e.c.event_id.in_(earlier[i:i + 10]))).scalars())
            if mine:
                conn.execute(_insert_for(conn)(o).on_conflict_do_nothing(index_elements=["event_pk", "owner"]),
                             [{"event_pk": pk, "owner": owner} for pk in sorted(mine)])
        conn.execute(db.epcis_capture.update().where(db.epcis_capture.c.id == job_id).values(
            success=not checked.rejected, running=False, stored=len(fresh), finished_at=_now(),
            events=len(checked.events) + len({p.pointer.split("/")[3] for p in checked.rejected}),  # as in the document
            behaviour="proceed" if checked.proceed else "rollback",
            errors=json.dumps([p.as_dict() for p in checked.rejected], ensure_ascii=False) if checked.rejected else None))
    job = capture_job(engine, job_id)
    assert job is not None
    return job


LOCATION_TYPES = ("urn:epcglobal:epcis:vtype:ReadPoint", "urn:epcglobal:epcis:vtype:BusinessLocation")


def _store_master_data(conn: Any, vocabularies: list[dict[str, Any]]) -> None:
    """Vocabulary elements of the document's header (latest attributes win) and their children (kept)."""
    for vocab_ in vocabularies:
        vtype = str(vocab_.get("type"))
        for el in vocab_.get("vocabularyElementList") or []:
            element = canon(str(el["id"]))
            db.upsert(conn, db.epcis_vocab, [{"vtype": vtype, "element": element,
                                              "attributes": json.dumps(el.get("attributes") or [], ensure_ascii=False)}],
                      ["vtype", "element"])
            kids = [{"vtype": vtype, "parent": element, "child": canon(str(c))} for c in el.get("children") or []]
            if kids:
                db.upsert(conn, db.epcis_vocab_child, kids, ["vtype", "parent", "child"])


def descendants(conn: Any, vtypes: tuple[str, ...], roots: list[str]) -> list[str]:
    """The roots and everything below them in the master-data hierarchies of ``vtypes`` (a cycle stops itself)."""
    c = db.epcis_vocab_child.c
    found = list(dict.fromkeys(roots))
    frontier = found
    while frontier:
        kids = [k for (k,) in conn.execute(select(c.child).where(c.vtype.in_(vtypes), c.parent.in_(frontier)))]
        frontier = [k for k in dict.fromkeys(kids) if k not in found]
        found += frontier
    return found


def capture(engine: Engine, doc: Any, actor: str, owner: str | None = None, proceed: bool = False) -> dict[str, Any]:
    """Capture one parsed EPCISDocument: check it; store all its new events or — when it fails a check — none,
    recording why; then run the alert rules on the consignments it touched. Returns the capture job (with
    ``alerts``: how many were raised); stream subscriptions get the new events that match their queries."""
    from chainatlas.trade.alerts import evaluate

    checked = check_document(doc, proceed=proceed)
    if not checked.ok:
        body = doc.get("epcisBody") if isinstance(doc, dict) else None
        events = body.get("eventList") if isinstance(body, dict) else None
        return record_failure(engine, checked.problems, actor, len(events) if isinstance(events, list) else 0, owner)
    from chainatlas.trade.subscriptions import deliver_capture

    job = store(engine, checked, actor, owner)
    job["alerts"] = len(evaluate(engine, consignments=consignment_refs(checked.events)))
    if job["stored"]:
        deliver_capture(engine, _utc(job["createdAt"]))
    return job


def consignment_refs(events: list[dict[str, Any]]) -> list[str]:
    """The transport documents (bills of lading, air waybills) these events belong to."""
    from chainatlas.trade.clearance import CONSIGNMENT_TYPES

    return sorted({bt["bizTransaction"] for ev in events for bt in ev.get("bizTransactionList") or []
                   if bt.get("type") in CONSIGNMENT_TYPES and bt.get("bizTransaction")})


def record_failure(engine: Engine, problems: list[Problem], actor: str, events: int = 0, owner: str | None = None) -> dict[str, Any]:
    """A rejected capture: the job says why; no event is stored."""
    now = _now()
    with engine.begin() as conn:
        job_id = int(conn.execute(insert(db.epcis_capture).values(
            success=False, running=False, created_by=actor, created_at=now, finished_at=now, events=events, stored=0, owner=owner,
            errors=json.dumps([p.as_dict() for p in problems], ensure_ascii=False))).inserted_primary_key[0])  # type: ignore[index]
    job = capture_job(engine, job_id)
    assert job is not None
    return job


def _left_out(row: Any) -> int:
    """Events a ``proceed`` capture left out (distinct event indices among its problems)."""
    return len({p["pointer"].split("/")[3] for p in json.loads(row["errors"] or "[]") if p["pointer"].startswith("/epcisBody/eventList/")})


def capture_job(engine: Engine, job_id: int, owner: str | None = None) -> dict[str, Any] | None:
    """The capture job document of the REST binding (``running``, ``success``, ``errors``) with counts; with
    ``owner``, only a job of that enterprise."""
    with engine.connect() as conn:
        row = conn.execute(select(db.epcis_capture).where(db.epcis_capture.c.id == job_id)).mappings().first()
    if row is None or (owner is not None and row["owner"] != owner):
        return None
    return {"captureID": str(row["id"]), "running": row["running"], "success": row["success"],
            "captureErrorBehaviour": row["behaviour"] or "rollback", "createdAt": row["created_at"].isoformat() + "Z",
            "finishedAt": row["finished_at"].isoformat() + "Z" if row["finished_at"] else None,
            "events": row["events"], "stored": row["stored"],
            "duplicates": row["events"] - row["stored"] - _left_out(row) if row["success"] or row["behaviour"] == "proceed" else 0,
            "errors": json.loads(row["errors"]) if row["errors"] else []}


# ---- queries -------------------------------------------------------------------------------------------------

SUPPORTED = ("eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_action", "EQ_bizStep",
             "EQ_disposition", "EQ_readPoint", "WD_readPoint", "EQ_bizLocation", "WD_bizLocation", "MATCH_epc",
             "MATCH_anyEPC", "MATCH_parentID", "MATCH_inputEPC", "MATCH_outputEPC", "MATCH_epcClass", "MATCH_anyEPCClass",
             "EQ_eventID", "EXISTS_errorDeclaration", "orderBy", "orderDirection", "perPage", "nextPageToken")
PREFIXED = ("EQ_bizTransaction_", "EQ_source_", "EQ_destination_")


class QueryError(ValueError):
    """A query parameter the repository cannot use (answered as 400 with a problem report)."""


def _values(v: str | list[str]) -> list[str]:
    items = v if isinstance(v, list) else [v]
    return [x.strip() for item in items for x in str(item).split("|") if x.strip()]


def _epc_match(roles: tuple[str, ...], patterns: list[str]) -> ColumnElement[bool]:
    """Events with one of ``patterns`` in one of ``roles``: an IN over the EPC index (not a correlated EXISTS, which
    SQLite answers by walking the events in sort order)."""
    e = db.epcis_epc
    conds: list[ColumnElement[bool]] = []
    for p in patterns:
        if p.startswith("urn:epc:idpat:") or p.endswith("*"):
            stem = canon(p)
            if stem.endswith("*"):  # a pattern that has no Digital Link form: match as a prefix of the URN
                conds.append(e.c.epc.like(stem[:-1].replace("%", r"\%") + "%"))
            else:
                conds.append(or_(e.c.canon == stem, e.c.canon.like(stem + "/%")))
        else:
            conds.append(e.c.canon == canon(p))  # canon is the identifier as given when it has no Digital Link
    return db.epcis_event.c.id.in_(select(e.c.event_pk).where(e.c.role.in_(roles), or_(*conds)))


def _time(name: str, value: str) -> dt.datetime:
    try:
        return _utc(value)
    except ValueError as exc:
        raise QueryError(f"{name}: “{value}” 不是带时区的 ISO 8601 时间 / is not an ISO 8601 time with a zone") from exc


def query(engine: Engine, params: Mapping[str, str | list[str]], owner: str | None = None) -> dict[str, Any]:
    """Events matching EPCIS 2.0 SimpleEventQuery parameters (the subset in ``SUPPORTED`` plus
    ``EQ_bizTransaction_{type}``, ``EQ_source_{type}``, ``EQ_destination_{type}``). Values of one parameter are
    alternatives (``|``-separated or repeated); parameters combine with AND. Returns the events and the next
    page's token. With ``owner`` (an enterprise account's USCC), only the events that enterprise captured."""
    ev = db.epcis_event.c
    where: list[ColumnElement[bool]] = []
    if owner is not None:
        o = db.epcis_event_owner.c
        where.append(ev.id.in_(select(o.event_pk).where(o.owner == owner)))
    for name, raw in params.items():
        if name in ("orderBy", "orderDirection", "perPage", "nextPageToken"):
            continue
        vals = _values(raw)
        if name == "eventType":
            bad = [v for v in vals if v not in EVENT_TYPES]
            if bad:
                raise QueryError(f"eventType: 未知事件类型 / unknown event types {', '.join(bad)}")
            where.append(ev.event_type.in_(vals))
        elif name in ("GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime"):
            col = ev.event_time if "event" in name else ev.record_time
            t = _time(name, vals[0])
            where.append(col >= t if name.startswith("GE") else col < t)
        elif name == "EQ_action":
            where.append(ev.action.in_(vals))
        elif name == "EQ_bizStep":
            where.append(ev.biz_step.in_([vocab(v) for v in vals]))
        elif name == "EQ_disposition":
            where.append(ev.disposition.in_([vocab(v) for v in vals]))
        elif name in ("EQ_readPoint", "EQ_bizLocation"):
            where.append((ev.read_point if "read" in name else ev.biz_location).in_([canon(v) for v in vals]))
        elif name in ("WD_readPoint", "WD_bizLocation"):  # the location or any below it in the master data
            with engine.connect() as conn:
                below = descendants(conn, LOCATION_TYPES, [canon(v) for v in vals])
            where.append((ev.read_point if "read" in name else ev.biz_location).in_(below))
        elif name == "MATCH_epc":
            where.append(_epc_match(("epc", "child"), vals))
        elif name == "MATCH_anyEPC":
            where.append(_epc_match(("epc", "child", "parent", "input", "output"), vals))
        elif name == "MATCH_parentID":
            where.append(_epc_match(("parent",), vals))
        elif name == "MATCH_inputEPC":
            where.append(_epc_match(("input",), vals))
        elif name == "MATCH_outputEPC":
            where.append(_epc_match(("output",), vals))
        elif name == "MATCH_epcClass":
            where.append(_epc_match(("quantity", "child_quantity"), vals))
        elif name == "MATCH_anyEPCClass":
            where.append(_epc_match(tuple(QUANTITY_ROLES.values()), vals))
        elif name == "EXISTS_errorDeclaration":
            where.append(ev.declaration.is_(True))
        elif name == "EQ_eventID":
            where.append(or_(ev.event_id.in_(vals), ev.declared_id.in_(vals)))
        elif name.startswith(PREFIXED):
            kind = name.split("_")[1]
            type_ = vocab(name.split("_", 2)[2])
            a = db.epcis_attr.c
            where.append(ev.id.in_(select(a.event_pk).where(a.kind == kind, a.type == type_, a.value.in_(vals))))
        else:
            raise QueryError(f"{name}: 不支持的查询参数 / unsupported query parameter (supported: "
                             f"{', '.join(SUPPORTED)}, EQ_bizTransaction_{{type}}, EQ_source_{{type}}, EQ_destination_{{type}})")
    order_by = str(params.get("orderBy", "eventTime"))
    if order_by not in ("eventTime", "recordTime"):
        raise QueryError("orderBy: 只支持 eventTime 或 recordTime / only eventTime or recordTime")
    direction = str(params.get("orderDirection", "DESC")).upper()
    if direction not in ("ASC", "DESC"):
        raise QueryError("orderDirection: ASC 或 DESC / ASC or DESC")
    try:
        per_page = int(str(params.get("perPage", 30)))
    except ValueError as exc:
        raise QueryError("perPage: 须为整数 / must be an integer") from exc
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"perPage: 1–{MAX_PER_PAGE}")
    col = ev.event_time if order_by == "eventTime" else ev.record_time
    if token := params.get("nextPageToken"):
        last_t, last_id = _read_token(str(token), order_by, direction)
        after = (col > last_t) | ((col == last_t) & (ev.id > last_id)) if direction == "ASC" else \
            (col < last_t) | ((col == last_t) & (ev.id < last_id))
        where.append(after)
    order = [col.asc(), ev.id.asc()] if direction == "ASC" else [col.desc(), ev.id.desc()]
    stmt = select(ev.id, ev.event_id, ev.declared_id, ev.record_time, ev.body, ev.context, col.label("k")).where(
        *where).order_by(*order).limit(per_page + 1)
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    next_token = _make_token(rows[-1]["k"], rows[-1]["id"], order_by, direction) if more and rows else None
    return {"events": [_event(r) for r in rows], "contexts": [json.loads(r["context"]) for r in rows],
            "next_page_token": next_token}


def _event(row: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(row["body"])
    body.setdefault("eventID", row["event_id"])
    body["recordTime"] = row["record_time"].isoformat(timespec="milliseconds") + "Z"
    return body


def _make_token(key: dt.datetime, pk: int, order_by: str, direction: str) -> str:
    raw = json.dumps([key.isoformat(), pk, order_by, direction]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str, order_by: str, direction: str) -> tuple[dt.datetime, int]:
    try:
        key, pk, o, d = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if (o, d) != (order_by, direction):
            raise ValueError
        return dt.datetime.fromisoformat(key), int(pk)
    except (ValueError, TypeError) as exc:
        raise QueryError("nextPageToken: 无效或与排序不符 / invalid, or made for another order") from exc


def query_document(result: Mapping[str, Any]) -> dict[str, Any]:
    """An EPCISQueryDocument (JSON-LD) of query results; its ``@context`` joins the contexts of the documents the
    events came from."""
    context: list[Any] = []
    for ctx in result["contexts"]:
        for item in ctx:
            if item not in context:
                context.append(item)
    if not any(isinstance(c, str) for c in context):
        context.insert(0, "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld")
    return {"@context": context, "type": "EPCISQueryDocument", "schemaVersion": "2.0",
            "creationDate": _now().isoformat(timespec="milliseconds") + "Z",
            "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery",
                                           "resultsBody": {"eventList": result["events"]}}}}


def distinct(engine: Engine, column: str) -> list[str]:
    """Values in use (for the browsing resources /eventTypes, /bizSteps, /bizLocations …)."""
    col = db.epcis_event.c[column]
    with engine.connect() as conn:
        return [v for v in conn.execute(select(col).where(col.is_not(None)).group_by(col).order_by(col)).scalars()]


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(db.epcis_event)).scalar() or 0)
