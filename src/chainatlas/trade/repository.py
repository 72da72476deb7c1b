"""The EPCIS event repository (事件库): store captured documents all-or-nothing, answer queries.

Each event is kept as captured (JSON) plus indexed columns: type, event and record time (UTC), action, business
step, disposition, read point, business location; its EPCs (in every role) and business transactions, sources and
destinations in side tables. Identifiers are indexed in canonical Digital Link form, so a query by EPC URN finds
events captured with Digital Links and the reverse. An event already stored (same hash ID) is not stored again.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gc
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Engine, func, insert, select, text

from chainatlas import db
from chainatlas.clock import to_utc, utcnow
from chainatlas.messages import InvalidInput
from chainatlas.trade import index
from chainatlas.trade.capture import EVENT_TYPES, Checked, Problem
from chainatlas.trade.hashid import namespaces
from chainatlas.trade.identifiers import DL_ROOT, canonical_id
from chainatlas.trade.vocabulary import vocab

ROLES = {"epcList": "epc", "childEPCs": "child", "inputEPCList": "input", "outputEPCList": "output"}
QUANTITY_ROLES = {"quantityList": "quantity", "childQuantityList": "child_quantity",
                  "inputQuantityList": "input_quantity", "outputQuantityList": "output_quantity"}
MAX_PER_PAGE = 1000
EPC_COLUMNS = ("event_pk", "role", "epc", "canon", "event_time")
ATTR_COLUMNS = ("event_pk", "kind", "type", "value", "event_time")
FIELD_COLUMNS = ("event_pk", "scope", "name", "value", "number")




canon = canonical_id  # the form identifiers are indexed and queried in




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


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: Any) -> str:
    r"""One field in PostgreSQL's COPY text format.

    >>> [copy_text(v) for v in (None, True, 2.5, "a\tb\\c", dt.datetime(2026, 1, 2, 3, 4, 5))]
    ['\\N', 't', '2.5', 'a\\tb\\\\c', '2026-01-02T03:04:05']
    """
    if value is None:
        return "\\N"
    if isinstance(value, str):  # most values need no escape, and four scans cost less than one translate
        return value.translate(_COPY_ESCAPES) if "\\" in value or "\t" in value or "\n" in value or "\r" in value else value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _copy_pg(conn: Any, table: str, columns: Sequence[str], rows: Iterable[Iterable[Any]]) -> None:
    """PostgreSQL COPY into ``table`` inside the connection's transaction (several times faster than INSERTs with
    thousands of parameters, which psycopg spends most of its time preparing). The rows are written as one text
    payload: psycopg's per-row adaptation took a fifth of a bulk capture's time."""
    text = "".join("\t".join([copy_text(v) for v in r]) + "\n" for r in rows)
    with conn.connection.driver_connection.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        cp.write(text)


def _copy_events_pg(conn: Any, rows: list[dict[str, Any]]) -> dict[tuple[str, bool], int]:
    """Events into PostgreSQL: COPY into a session's temporary table, then one INSERT … SELECT … ON CONFLICT DO
    NOTHING RETURNING — the new events' keys; already stored ones are skipped by the unique index."""
    from sqlalchemy import text

    names = list(rows[0])
    cols = ", ".join(names)
    # emptied at every commit, and a rolled-back COPY leaves nothing in it either
    conn.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS epcis_event_in ON COMMIT DELETE ROWS AS "
                      f"SELECT {cols} FROM epcis_event WITH NO DATA"))
    _copy_pg(conn, "epcis_event_in", names, (r.values() for r in rows))
    got = conn.execute(text(f"INSERT INTO epcis_event ({cols}) SELECT {cols} FROM epcis_event_in "
                            f"ON CONFLICT (event_id, declaration) DO NOTHING RETURNING id, event_id, declaration")).all()
    return {(a, bool(b)): pk for pk, a, b in got}


def store(engine: Engine, checked: Checked, actor: str, owner: str | None = None) -> dict[str, Any]:
    """Store a checked document in one transaction: all its new events or — on any failure — nothing.
    ``owner`` (an enterprise account's USCC) is recorded for every event of the document, new or already stored,
    so that the enterprise can query them. Returns the capture job."""
    with _collector_paused():
        return _store(engine, checked, actor, owner)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a document's rows are built: they are hundreds of thousands of
    small acyclic objects, and the collections they set off took a sixth of a bulk store (docs/benchmarks.md)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _store(engine: Engine, checked: Checked, actor: str, owner: str | None) -> dict[str, Any]:
    now = utcnow()
    with engine.begin() as conn:
        job_id = int(conn.execute(insert(db.epcis_capture).values(
            success=False, running=True, created_by=actor, created_at=now, events=len(checked.events), stored=0,
            owner=owner, context=json.dumps(checked.context, ensure_ascii=False),
        )).inserted_primary_key[0])  # type: ignore[index]
        # an error declaration is the same event (same hash ID) declared erroneous: stored beside the original
        keys = [(hid, "errorDeclaration" in ev) for hid, ev in zip(checked.hash_ids, checked.events, strict=True)]
        ids = list(dict.fromkeys(checked.hash_ids))
        candidates: list[tuple[str, Mapping[str, Any]]] = []
        seen: set[tuple[str, bool]] = set()
        for key, event in zip(keys, checked.events, strict=True):
            if key not in seen:  # the same event twice in one document: once
                seen.add(key)
                candidates.append((key[0], event))
        pks: dict[tuple[str, bool], int] = {}
        rows: list[dict[str, Any]] = []
        if candidates:
            rows = [{"event_id": hid, "declaration": "errorDeclaration" in ev, "declared_id": ev.get("eventID"), "event_type": ev["type"],
                     "event_time": to_utc(ev["eventTime"]), "tz_offset": ev.get("eventTimeZoneOffset", "+00:00"),
                     "record_time": now, "action": ev.get("action"), "biz_step": vocab(ev.get("bizStep")),
                     "disposition": vocab(ev.get("disposition")),
                     "read_point": canon(ev["readPoint"]["id"]) if (ev.get("readPoint") or {}).get("id") else None,
                     "biz_location": canon(ev["bizLocation"]["id"]) if (ev.get("bizLocation") or {}).get("id") else None,
                     "capture_id": job_id, "body": json.dumps(ev, ensure_ascii=False)}
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
        # the new events (their row id, the event, its UTC time as on its row): their side rows come next
        fresh = [(pks[key], ev, row["event_time"]) for (hid, ev), row in zip(candidates, rows, strict=True)
                 if (key := (hid, row["declaration"])) in pks]
        if fresh:
            epc_rows: list[tuple[Any, ...]] = []
            attr_rows: list[tuple[Any, ...]] = []
            field_rows: list[tuple[Any, ...]] = []
            sensor_rows: list[dict[str, Any]] = []
            ns = namespaces(checked.context)
            for pk, ev, at in fresh:
                epcs, attrs = _rows(ev)
                epc_rows += [(pk, r, e, canon(e), at) for r, e in epcs]
                attr_rows += [(pk, k, t, v, at) for k, t, v in attrs]
                field_rows += [(pk, sc, n[:300], v[:500] if v else v, x) for sc, n, v, x in index.field_rows(ev, ns)]
                sensor_rows += [{"event_pk": pk, **row} for row in index.sensor_rows(ev)]
            sensor_cols = tuple(sensor_rows[0]) if sensor_rows else ()
            for table, cols, side_rows in (
                    (db.epcis_epc, EPC_COLUMNS, epc_rows), (db.epcis_attr, ATTR_COLUMNS, attr_rows),
                    (db.epcis_field, FIELD_COLUMNS, field_rows),
                    (db.epcis_sensor, sensor_cols, [tuple(r[c] for c in sensor_cols) for r in sensor_rows])):
                if side_rows and conn.dialect.name == "postgresql":
                    _copy_pg(conn, table.name, cols, side_rows)
                elif side_rows:
                    conn.execute(insert(table), [dict(zip(cols, r, strict=True)) for r in side_rows])
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
            success=not checked.rejected, running=False, stored=len(fresh), finished_at=utcnow(),
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


def consignment_refs(events: list[dict[str, Any]]) -> list[str]:
    """The transport documents (bills of lading, air waybills) these events belong to."""
    from chainatlas.trade.clearance import CONSIGNMENT_TYPES

    return sorted({bt["bizTransaction"] for ev in events for bt in ev.get("bizTransactionList") or []
                   if bt.get("type") in CONSIGNMENT_TYPES and bt.get("bizTransaction")})


def record_failure(engine: Engine, problems: list[Problem], actor: str, events: int = 0, owner: str | None = None) -> dict[str, Any]:
    """A rejected capture: the job says why; no event is stored."""
    now = utcnow()
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
             "MATCH_inputEPCClass", "MATCH_outputEPCClass",
             "EQ_eventID", "EXISTS_errorDeclaration", "orderBy", "orderDirection", "perPage", "nextPageToken",
             "eventCountLimit", "maxEventCount")
PREFIXED = ("EQ_bizTransaction_", "EQ_source_", "EQ_destination_")
# MATCH_ parameters and the roles of the EPCs each one looks at (EPCIS 2.0 §8.2.7.1)
_EPC_ROLES: dict[str, tuple[str, ...]] = {
    "MATCH_epc": ("epc", "child"), "MATCH_anyEPC": ("epc", "child", "parent", "input", "output"),
    "MATCH_parentID": ("parent",), "MATCH_inputEPC": ("input",), "MATCH_outputEPC": ("output",),
    "MATCH_epcClass": ("quantity", "child_quantity"), "MATCH_inputEPCClass": ("input_quantity",),
    "MATCH_outputEPCClass": ("output_quantity",), "MATCH_anyEPCClass": tuple(QUANTITY_ROLES.values())}


class QueryError(InvalidInput):
    """A query parameter the repository cannot use (EPCIS QueryParameterException: 400 with a problem report)."""


class QueryTooLarge(QueryError):
    """More events match than ``maxEventCount`` allows (EPCIS QueryTooLargeException: 413)."""


class _Where:
    """The WHERE clause of an event query as SQL text and its bound values.

    Text, not SQLAlchemy Core: on an indexed query at 5M events, building and compiling the Core expression cost
    more than PostgreSQL's own planning and execution (docs/benchmarks.md, "EPCIS query path at 5M events"). Table and column names
    come from this module only; every value a client sends is bound, never written into the text.

    >>> w = _Where()
    >>> w.among("e.action", ["ADD", "DELETE"]), w.among("e.action", []), w.values
    ('e.action IN (:v0, :v1)', '1 = 0', {'v0': 'ADD', 'v1': 'DELETE'})
    """

    def __init__(self, dialect: str = "sqlite") -> None:
        self.parts: list[str] = []
        self.values: dict[str, Any] = {}
        self.postgresql = dialect == "postgresql"
        self.lookups: dict[str, tuple[str, str]] = {}  # part → (table, condition) of each exact-identifier lookup

    def bind(self, value: Any) -> str:
        name = f"v{len(self.values)}"
        self.values[name] = value
        return ":" + name

    def among(self, column: str, values: Sequence[Any]) -> str:
        """``column`` equal to one of ``values`` (none: false, as SQLAlchemy's empty IN)."""
        if not values:
            return "1 = 0"
        if len(values) == 1:
            return f"{column} = {self.bind(values[0])}"
        return f"{column} IN ({', '.join(self.bind(v) for v in values)})"

    def holds(self, table: str, condition: str | None = None, *, few: bool = False) -> str:
        """Events with a row of ``table`` (aliased ``x``) satisfying ``condition``. ``few``: the condition names
        exact identifiers (one EPC, one bill of lading), so it matches a handful of rows; PostgreSQL then gets the
        ids as an array, which it plans as one index lookup (0.09 ms of planning against 0.23 ms for the
        semi-join) — for a broad condition the semi-join stays, as the planner may then walk the events instead."""
        rows = f"SELECT x.event_pk FROM {table} x{' WHERE ' + condition if condition else ''}"
        part = self.ids(rows) if few else f"e.id IN ({rows})"
        if few and condition:
            self.lookups[part] = table, condition
        return part

    def ids(self, rows: str) -> str:
        """Events whose id is among the ``event_pk`` of ``rows`` (a SELECT): an array on PostgreSQL."""
        return f"e.id = ANY(ARRAY({rows}))" if self.postgresql else f"e.id IN ({rows})"

    def sole_lookup(self) -> tuple[str, str] | None:
        """The one exact-identifier lookup when it is the query's only condition, else None."""
        return self.lookups.get(self.parts[0]) if len(self.parts) == 1 else None

    def first(self, table: str, condition: str, direction: str, n: int) -> str:
        """The first ``n`` events with a row of ``table`` satisfying ``condition``, in the query's order: the side
        tables keep each row's event time in their lookup index (0021), so a page of a long history (a bill of
        lading's hundreds of events) is chosen in the index and only its events are read."""
        rows = (f"SELECT DISTINCT x.event_pk, x.event_time FROM {table} x WHERE {condition} "
                f"ORDER BY x.event_time {direction}, x.event_pk {direction} LIMIT {n}")
        return self.ids(f"SELECT event_pk FROM ({rows}) AS page")

    def statement(self, head: str, tail: str = "") -> Any:
        """The SELECT with this clause; values bound with their types inferred (datetimes as the dialect stores
        them: SQLite's text form has microseconds)."""
        where = f" WHERE {' AND '.join(self.parts)}" if self.parts else ""
        return text(head + where + tail).bindparams(**self.values)


def _values(v: str | list[str]) -> list[str]:
    items = v if isinstance(v, list) else [v]
    return [x.strip() for item in items for x in str(item).split("|") if x.strip()]


def _epc_match(w: _Where, roles: tuple[str, ...], patterns: list[str]) -> str:
    """Events with one of ``patterns`` in one of ``roles``: an IN over the EPC index (not a correlated EXISTS, which
    SQLite answers by walking the events in sort order)."""
    conds: list[str] = []
    exact = True  # every pattern one identifier: a lookup of a few rows
    for p in patterns:
        by_prefix = _company_prefix_pattern(p)
        if by_prefix is not None:
            exact = False
            urn_prefix, link_like = by_prefix
            # captured as EPC URNs: the URN states the company prefix; as Digital Links: its digits at their place
            urns = w.bind(urn_prefix.replace("%", r"\%") + "%")
            conds.append(f"(x.epc LIKE {urns} OR (x.epc NOT LIKE {w.bind('urn:%')} AND x.canon LIKE {w.bind(link_like)}))")
        elif p.startswith("urn:epc:idpat:") or p.endswith("*"):
            exact = False
            stem = canon(p)
            if stem.endswith("*"):  # a pattern that has no Digital Link form: match as a prefix of the URN
                prefix = w.bind(stem[:-1].replace("%", r"\%") + "%")
                conds.append(f"x.epc LIKE {prefix}")
            else:
                conds.append(f"(x.canon = {w.bind(stem)} OR x.canon LIKE {w.bind(stem + '/%')})")
        else:
            conds.append(f"x.canon = {w.bind(canon(p))}")  # canon is the identifier as given when it has no Digital Link
    return w.holds("epcis_epc", f"{w.among('x.role', roles)} AND ({' OR '.join(conds) or '1 = 0'})", few=exact)


# EPC schemes whose pure-identity pattern can fix the company prefix alone (TDS 2.x §8): the URN scheme, and where
# the company prefix sits in the canonical Digital Link ("_" = one digit before it: GTIN indicator, SSCC extension)
_PREFIX_SCHEMES = {"sgtin": ("01/_", "/21/%"), "sscc": ("00/_", ""), "sgln": ("414/", ""), "grai": ("8003/0", ""),
                   "giai": ("8004/", ""), "gdti": ("253/", ""), "sgcn": ("255/", ""), "gsrn": ("8018/", ""),
                   "gsrnp": ("8017/", ""), "pgln": ("417/", ""), "ginc": ("401/", ""), "gsin": ("402/", ""),
                   "cpi": ("8010/", ""), "upui": ("01/_", "/235/%")}


def _company_prefix_pattern(pattern: str) -> tuple[str, str] | None:
    """For ``urn:epc:idpat:<scheme>:<company prefix>.*[.*]`` (every component after the company prefix a ``*``):
    the URN prefix of matching EPC URNs and a LIKE pattern for their Digital Links; None for other patterns.

    >>> _company_prefix_pattern("urn:epc:idpat:sgtin:0614141.*.*")
    ('urn:epc:id:sgtin:0614141.', 'https://id.gs1.org/01/_0614141%/21/%')
    >>> _company_prefix_pattern("urn:epc:idpat:sgtin:0614141.112345.*") is None
    True
    """
    m = re.match(r"^urn:epc:idpat:([a-z]+):(\d+)((?:\.\*)+)$", pattern.strip())
    if not m or m.group(1) not in _PREFIX_SCHEMES:
        return None
    scheme, company = m.group(1), m.group(2)
    head, tail = _PREFIX_SCHEMES[scheme]
    return f"urn:epc:id:{scheme}:{company}.", f"{DL_ROOT}/{head}{company}%{tail}".replace("%%", "%")


_SENSOR_EQ = {"EQ_type": "type", "EQ_deviceID": "device_id", "EQ_dataProcessingMethod": "data_processing_method",
              "EQ_bizRules": "biz_rules", "EQ_microorganism": "microorganism", "EQ_chemicalSubstance": "chemical_substance",
              "EQ_stringValue": "string_value", "EQ_hexBinaryValue": "hex_binary_value", "EQ_uriValue": "uri_value",
              "EQ_deviceMetadata": "device_metadata", "EQ_rawData": "raw_data", "EQ_exception": "exception"}
_SENSOR_TIMES = {"time": ("time", "meta_time"), "startTime": ("start_time",), "endTime": ("end_time",)}
_MEASURE = {"value": "value", "minValue": "min_value", "maxValue": "max_value", "meanValue": "mean_value",
            "sDev": "s_dev", "percValue": "perc_value"}
_OPS = {"EQ": "=", "GT": ">", "GE": ">=", "LT": "<", "LE": "<="}
_FIELD = re.compile(r"^(EQ|GT|GE|LT|LE|EXISTS)_(INNER_)?(ILMD_|ERROR_DECLARATION_)?([A-Za-z][\w.\-]*:.+)$")
_SCOPES = {("", ""): "top", ("INNER_", ""): "inner", ("", "ILMD_"): "ilmd", ("INNER_", "ILMD_"): "inner_ilmd",
           ("", "ERROR_DECLARATION_"): "error", ("INNER_", "ERROR_DECLARATION_"): "inner_error"}


def _number(name: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise QueryError(f"{name}：“{value}” 不是数字", f"{name}: “{value}” is not a number") from None


def _inside(w: _Where, name: str, vals: list[str], extensions: Mapping[str, str]) -> str | None:
    """Conditions on what an event holds (EPCIS 2.0 §8.2.7.1), each parameter on its own (as the standard words each
    one: an event matches when some sensor report / field satisfies it):

    - sensor reports: ``EXISTS_sensorElementList``; ``EQ_type`` (GS1 measurement types, ``gs1:`` or bare), ``EQ_deviceID``
      (report or metadata), ``EQ_dataProcessingMethod``, ``EQ_bizRules``, ``EQ_microorganism``, ``EQ_chemicalSubstance``,
      ``EQ_stringValue``, ``EQ_booleanValue``, ``EQ_hexBinaryValue``, ``EQ_uriValue``; ``GE_/LT_time`` (report or
      metadata time), ``GE_/LT_startTime``, ``GE_/LT_endTime``; ``GT_/GE_/LT_/LE_percRank``; ``EQ_/GT_/GE_/LT_/LE_`` +
      ``value``/``minValue``/``maxValue``/``meanValue``/``sDev``/``percValue`` + ``_{uom}`` — compared in that unit
      only (a report in another unit does not match; no conversion);
    - error declarations: ``EQ_errorReason``, ``EQ_correctiveEventID``, ``GE_/LT_errorDeclarationTime``;
    - ``EQ_transformationID``, ``EQ_persistentDisposition_set``/``_unset``, ``EQ_/GT_/GE_/LT_/LE_quantity[_{uom}]``;
    - user extensions: ``EQ_/GT_/GE_/LT_/LE_/EXISTS_`` + optional ``INNER_`` (nested at any depth) + optional ``ILMD_``
      or ``ERROR_DECLARATION_`` + ``prefix:name`` (the prefix as the document wrote it, or declared in ``extensions``).

    None when ``name`` is none of these."""
    def sensor(cond: str | None = None) -> str:
        return w.holds("epcis_sensor", cond)

    def field(cond: str) -> str:
        return w.holds("epcis_field", cond)

    def compare(column: str, op: str, value: Any) -> str:
        return f"{column} {_OPS[op]} {w.bind(value)}"

    if name == "EXISTS_sensorElementList":
        return sensor()
    if name in _SENSOR_EQ:
        column = _SENSOR_EQ[name]
        if column == "type":
            return sensor(w.among("x.type", [index.sensor_type(v) for v in vals]))
        if column == "device_id":
            ids = [canon(v) for v in vals]
            return sensor(f"({w.among('x.device_id', ids)} OR {w.among('x.meta_device_id', ids)})")
        return sensor(w.among(f"x.{column}", vals))
    if name == "EQ_booleanValue":
        wanted = [v.lower() == "true" for v in vals if v.lower() in ("true", "false")]
        if len(wanted) != len(vals):
            raise QueryError(f"{name}：应为 true 或 false", f"{name}: true or false")
        return sensor(w.among("x.boolean_value", wanted))
    op, _, rest = name.partition("_")
    if op in ("GE", "LT") and rest in _SENSOR_TIMES:
        t = _time(name, vals[0])
        return sensor("(" + " OR ".join(compare(f"x.{c}", op, t) for c in _SENSOR_TIMES[rest]) + ")")
    if op in ("GT", "GE", "LT", "LE") and rest == "percRank":
        return sensor(compare("x.perc_rank", op, _number(name, vals[0])))
    measure, _, uom = rest.partition("_")
    if op in _OPS and measure in _MEASURE and re.fullmatch(r"[A-Z0-9]{2,4}", uom):
        measured = f"x.{_MEASURE[measure]}"
        if op == "EQ":
            return sensor(f"x.uom = {w.bind(uom)} AND {w.among(measured, [_number(name, v) for v in vals])}")
        return sensor(f"x.uom = {w.bind(uom)} AND {compare(measured, op, _number(name, vals[0]))}")

    def at(scope: str, names: Sequence[str]) -> str:
        return f"x.scope = {w.bind(scope)} AND {w.among('x.name', names)}"

    if name in ("EQ_transformationID", "EQ_persistentDisposition_set", "EQ_persistentDisposition_unset"):
        words = [canon(v) for v in vals] if name == "EQ_transformationID" else [vocab(v) for v in vals]
        return field(f"{at('standard', [name.removeprefix('EQ_')])} AND {w.among('x.value', words)}")
    if op in _OPS and (rest == "quantity" or re.fullmatch(r"quantity_[A-Z0-9]{2,4}", rest)):
        # a quantity element: without a uom for ``…_quantity``, in that unit for ``…_quantity_{uom}``
        if op == "EQ":
            return field(f"{at('standard', [rest])} AND {w.among('x.number', [_number(name, v) for v in vals])}")
        return field(f"{at('standard', [rest])} AND {compare('x.number', op, _number(name, vals[0]))}")
    if name == "EQ_errorReason":
        return field(f"{at('declaration', ['reason'])} AND {w.among('x.value', [vocab(v) for v in vals])}")
    if name == "EQ_correctiveEventID":
        return field(f"{at('declaration', ['correctiveEventID'])} AND {w.among('x.value', vals)}")
    if op in ("GE", "LT") and rest in ("errorDeclarationTime", "errorDeclaration_Time"):
        bound = _time(name, vals[0]).isoformat(timespec="microseconds")  # as index.utc_text stores it
        return field(f"{at('declaration', ['declarationTime'])} AND {compare('x.value', op, bound)}")
    m = _FIELD.match(name)
    if m is None:
        return None
    op, inner, part, member = m.groups()
    scope = _SCOPES[(inner or "", part or "")]
    forms = index.names(member, extensions)
    if op == "EXISTS":
        return field(at(scope, forms))
    if op == "EQ":
        numbers = [float(v) for v in vals if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", v)]
        return field(f"{at(scope, forms)} AND ({w.among('x.value', vals)} OR {w.among('x.number', numbers)})")
    return field(f"{at(scope, forms)} AND {compare('x.number', op, _number(name, vals[0]))}")


def _time(name: str, value: str) -> dt.datetime:
    """A query time: an ISO 8601 date-time *with* its zone (EPCIS 2.0 §8.2.7.1 takes times as absolute instants; a
    time without a zone, or a bare date, would be read in the server's zone — refused instead)."""
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise QueryError(f"{name}：“{value}” 不是带时区的 ISO 8601 时间", f"{name}: “{value}” is not an ISO 8601 time with a zone") from exc
    if t.tzinfo is None or "T" not in value:
        raise QueryError(f"{name}：“{value}” 缺少时区（如 +08:00 或 Z）", f"{name}: “{value}” has no time zone (e.g. +08:00 or Z)")
    return t.astimezone(dt.UTC).replace(tzinfo=None)


def _count(name: str, raw: str | list[str]) -> int:
    vals = _values(raw)
    if len(vals) != 1 or not vals[0].isdigit() or int(vals[0]) < 1:
        raise QueryError(f"{name}：须为正整数", f"{name}: must be a positive integer")
    return int(vals[0])


def query(engine: Engine, params: Mapping[str, str | list[str]], owner: str | None = None,
          extensions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Events matching EPCIS 2.0 SimpleEventQuery parameters (the subset in ``SUPPORTED`` plus
    ``EQ_bizTransaction_{type}``, ``EQ_source_{type}``, ``EQ_destination_{type}``). Values of one parameter are
    alternatives (``|``-separated or repeated); parameters combine with AND. Returns the events and the next
    page's token. With ``owner`` (an enterprise account's USCC), only the events that enterprise captured.
    ``extensions`` maps prefixes used in extension-field parameters to namespaces (the ``GS1-Extensions`` header).
    Parameters that look inside events (sensor reports, error declarations, extension fields): :func:`_inside`."""
    w = _Where(engine.dialect.name)
    where = w.parts
    if owner is not None:
        where.append(w.holds("epcis_event_owner", f"x.owner = {w.bind(owner)}"))
    if "eventCountLimit" in params and "maxEventCount" in params:
        raise QueryError("eventCountLimit 与 maxEventCount 不能同时使用（EPCIS 2.0 §8.2.7.1）",
                         "eventCountLimit and maxEventCount cannot be given together (EPCIS 2.0 §8.2.7.1)")
    for name, raw in params.items():
        if name in ("orderBy", "orderDirection", "perPage", "nextPageToken", "eventCountLimit", "maxEventCount"):
            continue
        vals = _values(raw)
        if name == "eventType":
            bad = [v for v in vals if v not in EVENT_TYPES]
            if bad:
                raise QueryError(f"eventType：未知事件类型 {', '.join(bad)}", f"eventType: unknown event types {', '.join(bad)}")
            where.append(w.among("e.event_type", vals))
        elif name in ("GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime"):
            column = "e.event_time" if "event" in name else "e.record_time"
            where.append(f"{column} {'>=' if name.startswith('GE') else '<'} {w.bind(_time(name, vals[0]))}")
        elif name == "EQ_action":
            where.append(w.among("e.action", vals))
        elif name == "EQ_bizStep":
            where.append(w.among("e.biz_step", [vocab(v) for v in vals]))
        elif name == "EQ_disposition":
            where.append(w.among("e.disposition", [vocab(v) for v in vals]))
        elif name in ("EQ_readPoint", "EQ_bizLocation"):
            where.append(w.among("e.read_point" if "read" in name else "e.biz_location", [canon(v) for v in vals]))
        elif name in ("WD_readPoint", "WD_bizLocation"):  # the location or any below it in the master data
            with engine.connect() as conn:
                below = descendants(conn, LOCATION_TYPES, [canon(v) for v in vals])
            where.append(w.among("e.read_point" if "read" in name else "e.biz_location", below))
        elif name in _EPC_ROLES:
            where.append(_epc_match(w, _EPC_ROLES[name], vals))
        elif name == "EXISTS_errorDeclaration":
            where.append(f"e.declaration = {w.bind(True)}")
        elif name == "EQ_eventID":
            where.append(f"({w.among('e.event_id', vals)} OR {w.among('e.declared_id', vals)})")
        elif name.startswith(PREFIXED):
            kind = name.split("_")[1]
            type_ = vocab(name.split("_", 2)[2])
            where.append(w.holds("epcis_attr", f"{w.among('x.value', vals)} AND x.kind = {w.bind(kind)} "
                                               f"AND x.type = {w.bind(type_)}", few=True))
        elif (inside := _inside(w, name, vals, extensions or {})) is not None:
            where.append(inside)
        else:
            supported = f"{', '.join(SUPPORTED)}, EQ_bizTransaction_{{type}}, EQ_source_{{type}}, EQ_destination_{{type}}"
            raise QueryError(f"{name}：不支持的查询参数（支持：{supported}）",
                             f"{name}: unsupported query parameter (supported: {supported})")
    order_by = str(params.get("orderBy", "eventTime"))
    if order_by not in ("eventTime", "recordTime"):
        raise QueryError("orderBy：只支持 eventTime 或 recordTime", "orderBy: only eventTime or recordTime")
    direction = str(params.get("orderDirection", "DESC")).upper()
    if direction not in ("ASC", "DESC"):
        raise QueryError("orderDirection：应为 ASC 或 DESC", "orderDirection: ASC or DESC")
    try:
        per_page = int(str(params.get("perPage", 30)))
    except ValueError as exc:
        raise QueryError("perPage：须为整数", "perPage: must be an integer") from exc
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"perPage：须在 1–{MAX_PER_PAGE}", f"perPage: 1–{MAX_PER_PAGE}")
    col = "e.event_time" if order_by == "eventTime" else "e.record_time"
    # eventCountLimit: only the first N matching events (in the query's order), over all pages
    remaining = _count("eventCountLimit", params["eventCountLimit"]) if "eventCountLimit" in params else None
    after: tuple[str, str] | None = None  # the previous page's last event (time, id), bound
    if token := params.get("nextPageToken"):
        last_t, last_id, left = _read_token(str(token), order_by, direction)
        remaining = left if remaining is not None else None
        after = w.bind(last_t), w.bind(last_id)
    elif "maxEventCount" in params:  # the whole result, checked once, before the first page
        most = _count("maxEventCount", params["maxEventCount"])
        with engine.connect() as conn:
            matching = int(conn.execute(w.statement("SELECT count(*) FROM epcis_event e")).scalar() or 0)
        if matching > most:
            raise QueryTooLarge(f"maxEventCount：共 {matching} 个事件匹配，超过 {most}",
                                f"{matching} events match, more than maxEventCount {most}")
    page = per_page if remaining is None else min(per_page, remaining)
    cmp = ">" if direction == "ASC" else "<"

    def beyond(time: str, pk: str, last: tuple[str, str]) -> str:
        """After the previous page's last event (``last``: its time and id, bound), in the query's order."""
        return f"({time} {cmp} {last[0]} OR ({time} = {last[0]} AND {pk} {cmp} {last[1]}))"

    lookup = w.sole_lookup() if order_by == "eventTime" else None
    if lookup is not None:  # one EPC's or one transaction's events: the page is chosen in the side table's index
        table, condition = lookup
        if after is not None:
            condition += " AND " + beyond("x.event_time", "x.event_pk", after)
        where[:] = [w.first(table, condition, direction, page + 1)]
    elif after is not None:
        where.append(beyond(col, "e.id", after))
    # the context as a scalar subquery, not a join: a join costs PostgreSQL more planning than the lookup itself
    stmt = w.statement(f"SELECT e.id, e.event_id, e.record_time, e.body, {col} AS k, "
                       "(SELECT c.context FROM epcis_capture c WHERE c.id = e.capture_id) AS context FROM epcis_event e",
                       f" ORDER BY {col} {direction}, e.id {direction} LIMIT {page + 1}")
    with engine.connect() as conn:  # plain rows, untyped: typing a text() result's columns costs 0.13 ms a query
        rows = conn.execute(stmt).all()
    more = len(rows) > page
    rows = rows[:page]
    left = None if remaining is None else remaining - len(rows)
    if left is not None and left <= 0:
        more = False
    next_token = _make_token(_stored_time(rows[-1][4]), rows[-1][0], order_by, direction, left) if more and rows else None
    parsed: dict[str | None, Any] = {}  # a page's events mostly share one document's context: each parsed once
    contexts = [parsed[ctx] if ctx in parsed else parsed.setdefault(ctx, _loads(ctx or "[]")) for *_, ctx in rows]
    return {"events": [_event(event_id, record_time, body) for _, event_id, record_time, body, *_ in rows],
            "contexts": contexts, "next_page_token": next_token}


def _stored_time(value: dt.datetime | str) -> dt.datetime:
    """A DateTime column read through text(): PostgreSQL gives a datetime, SQLite the text SQLAlchemy wrote.

    >>> _stored_time("2026-03-01 08:00:00.000000")
    datetime.datetime(2026, 3, 1, 8, 0)
    """
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def _loads(text: str) -> Any:
    """JSON as stored: orjson, falling back to the standard library for what orjson refuses and ``json.dumps``
    may have written (integers beyond 64 bits, NaN).

    >>> _loads('{"n": 123456789012345678901234567890, "x": NaN}')["n"]
    123456789012345678901234567890
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _event(event_id: str, record_time: dt.datetime | str, body: str) -> dict[str, Any]:
    """A stored event as the query answers it. orjson, not the standard library: decoding was the largest part of a
    page of 100 events (5.5 µs against 1.1 µs per event of 500 bytes)."""
    event: dict[str, Any] = _loads(body)
    event.setdefault("eventID", event_id)
    event["recordTime"] = _stored_time(record_time).isoformat(timespec="milliseconds") + "Z"
    return event


def _make_token(key: dt.datetime, pk: int, order_by: str, direction: str, left: int | None = None) -> str:
    raw = json.dumps([key.isoformat(), pk, order_by, direction, left]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str, order_by: str, direction: str) -> tuple[dt.datetime, int, int | None]:
    """The last event of the previous page, and how many events eventCountLimit still allows (None: no limit)."""
    try:
        key, pk, o, d, *rest = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if (o, d) != (order_by, direction):
            raise ValueError
        return dt.datetime.fromisoformat(key), int(pk), (int(rest[0]) if rest and rest[0] is not None else None)
    except (ValueError, TypeError) as exc:
        raise QueryError("nextPageToken：无效或与排序不符", "nextPageToken: invalid, or made for another order") from exc


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
            "creationDate": utcnow().isoformat(timespec="milliseconds") + "Z",
            "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery",
                                           "resultsBody": {"eventList": result["events"]}}}}


def distinct(engine: Engine, column: str) -> list[str]:
    """Values in use (for the browsing resources /eventTypes, /bizSteps, /bizLocations …)."""
    col = db.epcis_event.c[column]
    with engine.connect() as conn:
        return [v for v in conn.execute(select(col).where(col.is_not(None)).group_by(col).order_by(col)).scalars()]


def count(engine: Engine) -> int:
    """The number of stored events."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(db.epcis_event)).scalar() or 0)
