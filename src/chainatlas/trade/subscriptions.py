"""EPCIS 2.0 named queries and webhook subscriptions (REST binding: ``/queries``, ``/queries/{name}/events``,
``/queries/{name}/subscriptions``).

* A **named query** stores SimpleEventQuery parameters under a name; ``/queries/{name}/events`` runs it.
* A **stream** subscription receives, after every capture, the captured events that match the query.
* A **scheduled** subscription receives, when its schedule fires, the events recorded since its last report
  (or since ``initialRecordTime``); ``reportIfEmpty`` sends an empty document too.
* Results are POSTed as an EPCISQueryDocument to ``dest``; with a ``signatureToken`` the request carries
  ``GS1-Signature: sha256=<hex HMAC-SHA256 of the body keyed with the token>`` (the binding leaves the algorithm to
  the implementation). A report is marked delivered only on a 2xx answer; an undelivered scheduled report is sent
  again (with what has been recorded since) at the next firing.

Schedule fields (EPCIS 1.2 §8.2.5.3 QuerySchedule, kept by 2.0): ``second``, ``minute``, ``hour``, ``dayOfMonth``,
``month``, ``dayOfWeek`` (1 = Monday … 7 = Sunday); each a number, a list ``1,15``, a range ``1-5`` or ``[1-5]``;
an omitted field matches every value, except ``second`` (default 0). The scheduler looks once a minute, so
seconds other than 0 are refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import uuid
from typing import Any

from sqlalchemy import Engine, delete, select, update

from chainatlas import db, webhooks
from chainatlas.clock import to_utc, utcnow
from chainatlas.messages import InvalidInput, NotFound
from chainatlas.trade import repository

NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
FIELDS = {"second": (0, 59), "minute": (0, 59), "hour": (0, 23), "dayOfMonth": (1, 31), "month": (1, 12), "dayOfWeek": (1, 7)}
PAGE = 1000  # the largest perPage the repository answers


class Conflict(InvalidInput):
    """The name is taken (409)."""




def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.isoformat(timespec="milliseconds") + "Z"


def to_params(query: Any) -> dict[str, str | list[str]]:
    """A query body (``{"EQ_bizStep": ["shipping"], "GE_eventTime": "…", "perPage": 30}``) as query parameters.

    >>> to_params({"eventType": ["ObjectEvent"], "perPage": 30})
    {'eventType': ['ObjectEvent'], 'perPage': '30'}
    """
    if not isinstance(query, dict):
        raise repository.QueryError("query 须为对象", "query must be an object")
    out: dict[str, str | list[str]] = {}
    for k, v in query.items():
        if k in ("nextPageToken",):
            raise repository.QueryError("命名查询不能带 nextPageToken", "a named query cannot hold nextPageToken")
        if isinstance(v, list):
            out[k] = [str(x) for x in v]
        elif isinstance(v, str | int | float) and not isinstance(v, bool):
            out[k] = str(v)
        else:
            raise repository.QueryError(f"{k}：值须为字符串、数字或字符串数组", f"{k}: value must be a string, number or list of strings")
    return out


def create_query(engine: Engine, name: str, query: Any, actor: str) -> dict[str, Any]:
    """Store a named query after checking its parameters (a trial run)."""
    if not isinstance(name, str) or not NAME.match(name):
        raise repository.QueryError("name 须为 1–100 个字母、数字、_ . -", "name must be 1–100 letters, digits, _ . -")
    params = to_params(query)
    repository.query(engine, {**params, "perPage": "1"})  # raises QueryError on a parameter the repository cannot use
    with engine.begin() as conn:
        if conn.execute(select(db.epcis_query.c.name).where(db.epcis_query.c.name == name)).first():
            raise Conflict(f"查询名 {name} 已存在", f"a query named {name} exists")
        conn.execute(db.epcis_query.insert().values(name=name, query=json.dumps(query, ensure_ascii=False),
                                                    created_by=actor, created_at=utcnow()))
    return get_query(engine, name)


def get_query(engine: Engine, name: str) -> dict[str, Any]:
    """A named query's definition (NotFound when unknown)."""
    with engine.connect() as conn:
        row = conn.execute(select(db.epcis_query).where(db.epcis_query.c.name == name)).mappings().first()
    if row is None:
        raise NotFound(f"没有命名查询 {name}", f"no query named {name}")
    return {"name": row["name"], "query": json.loads(row["query"])}


def list_queries(engine: Engine) -> list[dict[str, Any]]:
    """The named queries."""
    with engine.connect() as conn:
        rows = conn.execute(select(db.epcis_query).order_by(db.epcis_query.c.name)).mappings().all()
    return [{"name": r["name"], "query": json.loads(r["query"])} for r in rows]


def delete_query(engine: Engine, name: str) -> None:
    """Remove a named query and every subscription to it."""
    get_query(engine, name)
    with engine.begin() as conn:
        conn.execute(delete(db.epcis_subscription).where(db.epcis_subscription.c.query_name == name))
        conn.execute(delete(db.epcis_query).where(db.epcis_query.c.name == name))


def run_query(engine: Engine, name: str, extra: dict[str, str | list[str]] | None = None) -> dict[str, Any]:
    """Run a named query; ``extra`` adds paging parameters (``perPage``, ``nextPageToken``)."""
    return repository.query(engine, {**to_params(get_query(engine, name)["query"]), **(extra or {})})


def _field_values(name: str, spec: Any) -> set[int]:
    lo, hi = FIELDS[name]
    text = str(spec).strip()
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip().strip("[]")
        try:
            if "-" in part:
                a, b = (int(x) for x in part.split("-", 1))
                vals = set(range(a, b + 1))
            else:
                vals = {int(part)}
        except ValueError:
            raise InvalidInput(f"schedule.{name}：“{spec}” 须为数字、列表或区间", f"schedule.{name}: “{spec}” must be a number, list or range") from None
        if not vals or min(vals) < lo or max(vals) > hi:
            raise InvalidInput(f"schedule.{name}：取值须在 {lo}–{hi}", f"schedule.{name}: values must lie in {lo}–{hi}")
        out |= vals
    return out


def check_schedule(schedule: Any) -> dict[str, str]:
    """A subscription schedule checked: a non-empty object of known fields (second … dayOfWeek), each value in range."""
    if not isinstance(schedule, dict) or not schedule:
        raise InvalidInput("schedule 须为非空对象", "schedule must be a non-empty object")
    unknown = set(schedule) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"schedule：未知字段 {sorted(unknown)}", f"schedule: unknown fields {sorted(unknown)}")
    for k, v in schedule.items():
        _field_values(k, v)
    if _field_values("second", schedule.get("second", 0)) != {0}:
        raise InvalidInput("schedule.second：每分钟检查一次，只支持 0", "schedule.second: checked once a minute: only 0")
    return {k: str(v) for k, v in schedule.items()}


def fires(schedule: dict[str, str], at: dt.datetime) -> bool:
    """Whether ``schedule`` fires in the minute of ``at``.

    >>> fires({"hour": "1", "minute": "5"}, dt.datetime(2026, 3, 2, 1, 5, 30))
    True
    >>> fires({"hour": "1", "minute": "5"}, dt.datetime(2026, 3, 2, 1, 6))
    False
    >>> fires({"dayOfWeek": "1-5", "hour": "9", "minute": "0"}, dt.datetime(2026, 3, 7, 9, 0))  # a Saturday
    False
    """
    now = {"minute": at.minute, "hour": at.hour, "dayOfMonth": at.day, "month": at.month, "dayOfWeek": at.isoweekday()}
    return all(now[k] in _field_values(k, v) for k, v in schedule.items() if k != "second")


def subscribe(engine: Engine, name: str, body: Any, actor: str) -> dict[str, Any]:
    """A webhook subscription to a named query: ``dest``, optional ``signatureToken``, and ``stream: true`` or a
    ``schedule`` (with optional ``reportIfEmpty``); ``initialRecordTime`` starts the first report there."""
    get_query(engine, name)
    if not isinstance(body, dict):
        raise InvalidInput("请求体须为对象", "the body must be an object")
    dest = body.get("dest")
    if not isinstance(dest, str) or not dest.startswith(("http://", "https://")) or len(dest) > 500:
        raise InvalidInput("dest 须为 http(s) 地址（不提供 WebSocket 订阅）", "dest must be an http(s) URL (WebSocket subscriptions are not offered)")
    stream, schedule = body.get("stream"), body.get("schedule")
    if (stream is True) == (schedule is not None):
        raise InvalidInput("须且仅须给出 stream: true 或 schedule", "give exactly one of stream: true and schedule")
    sched = check_schedule(schedule) if schedule is not None else None
    start = body.get("initialRecordTime")
    try:
        initial = to_utc(start) if isinstance(start, str) else None
    except ValueError:
        raise InvalidInput("initialRecordTime 须为 ISO 8601 时间", "initialRecordTime must be an ISO 8601 time") from None
    sid, now = str(uuid.uuid4()), utcnow()
    with engine.begin() as conn:
        conn.execute(db.epcis_subscription.insert().values(
            id=sid, query_name=name, dest=dest, secret=body.get("signatureToken"), stream=stream is True,
            schedule=json.dumps(sched) if sched else None, report_if_empty=bool(body.get("reportIfEmpty", False)),
            min_record_time=initial or now, created_by=actor, created_at=now))
    return get_subscription(engine, name, sid)


def _sub(row: Any) -> dict[str, Any]:
    out = {"subscriptionID": row["id"], "dest": row["dest"], "createdAt": _iso(row["created_at"]),
           "lastNotifiedAt": _iso(row["last_notified_at"]), "minRecordTime": _iso(row["min_record_time"]),
           "signed": row["secret"] is not None}
    if row["stream"]:
        out["stream"] = True
    else:
        out |= {"schedule": json.loads(row["schedule"]), "reportIfEmpty": row["report_if_empty"]}
    return out


def list_subscriptions(engine: Engine, name: str) -> list[dict[str, Any]]:
    """The active subscriptions of a named query."""
    get_query(engine, name)
    s = db.epcis_subscription
    with engine.connect() as conn:
        return [_sub(r) for r in conn.execute(select(s).where(s.c.query_name == name).order_by(s.c.created_at)).mappings()]


def get_subscription(engine: Engine, name: str, sid: str) -> dict[str, Any]:
    """One subscription (NotFound when unknown)."""
    s = db.epcis_subscription
    with engine.connect() as conn:
        row = conn.execute(select(s).where(s.c.query_name == name, s.c.id == sid)).mappings().first()
    if row is None:
        raise NotFound(f"没有订阅 {sid}", f"no subscription {sid}")
    return _sub(row)


def unsubscribe(engine: Engine, name: str, sid: str) -> None:
    """End a subscription."""
    get_subscription(engine, name, sid)
    with engine.begin() as conn:
        conn.execute(delete(db.epcis_subscription).where(db.epcis_subscription.c.id == sid))


def signature(secret: str, body: bytes) -> str:
    """The ``GS1-Signature`` header value.

    >>> signature("k", b"{}")
    'sha256=add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff'
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(dest: str, doc: dict[str, Any], secret: str | None, name: str, sid: str) -> bool:
    body = json.dumps(doc, ensure_ascii=False, default=str).encode()
    headers = {"Content-Type": "application/ld+json", "GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0",
               "GS1-Query-Name": name, "GS1-Subscription-ID": sid}
    if secret:
        headers["GS1-Signature"] = signature(secret, body)
    return webhooks.post(dest, body, headers)


def _report(engine: Engine, row: Any, window: dict[str, str], report_if_empty: bool) -> bool:
    """POST the query's events within ``window`` (page by page); True when every page was accepted."""
    params: dict[str, str | list[str]] = {**to_params(get_query(engine, row["query_name"])["query"])}
    for k, v in window.items():  # the subscription's window narrows the query's own record-time bounds
        if k in params:
            mine = to_utc(str(params[k] if isinstance(params[k], str) else params[k][0]))
            theirs = to_utc(v)
            v = _iso_us(max(mine, theirs) if k.startswith("GE") else min(mine, theirs))
        params[k] = v
    params["perPage"] = str(PAGE)
    sent_any, ok = False, True
    while True:
        result = repository.query(engine, params)
        if result["events"] or (report_if_empty and not sent_any):
            doc = repository.query_document(result)
            doc["epcisBody"]["queryResults"]["queryName"] = row["query_name"]
            doc["epcisBody"]["queryResults"]["subscriptionID"] = row["id"]
            ok = _post(row["dest"], doc, row["secret"], row["query_name"], row["id"]) and ok
            sent_any = True
        if not result["next_page_token"]:
            return ok
        params["nextPageToken"] = result["next_page_token"]


def _iso_us(t: dt.datetime) -> str:
    return t.isoformat(timespec="microseconds") + "Z"


def deliver_capture(engine: Engine, record_time: dt.datetime, *, wait: bool = False) -> None:
    """Stream subscriptions: send each the events of the capture recorded at ``record_time`` that match its query,
    from a background thread (a slow subscriber never holds up a capture). ``wait`` joins it (tests, CLI)."""
    s = db.epcis_subscription
    with engine.connect() as conn:
        rows = conn.execute(select(s).where(s.c.stream.is_(True))).mappings().all()
    if not rows:
        return
    window = {"GE_recordTime": _iso_us(record_time), "LT_recordTime": _iso_us(record_time + dt.timedelta(microseconds=1))}

    def send() -> None:
        for row in rows:
            if _report(engine, row, window, report_if_empty=False):
                with engine.begin() as conn:
                    conn.execute(update(s).where(s.c.id == row["id"]).values(last_notified_at=utcnow()))

    webhooks.in_background(send, wait=wait)


def run_due(engine: Engine, at: dt.datetime | None = None) -> int:
    """Scheduled subscriptions firing in the minute of ``at`` (default now): each gets the events recorded since
    its last delivered report. Returns how many reports were delivered."""
    at = (at or utcnow()).replace(second=0, microsecond=0)
    s = db.epcis_subscription
    with engine.connect() as conn:
        rows = conn.execute(select(s).where(s.c.stream.is_(False))).mappings().all()
    delivered = 0
    for row in rows:
        if not fires(json.loads(row["schedule"]), at) or (row["last_notified_at"] and row["last_notified_at"] >= at):
            continue
        window = {"GE_recordTime": _iso_us(row["min_record_time"]), "LT_recordTime": _iso_us(at)}
        if _report(engine, row, window, report_if_empty=row["report_if_empty"]):
            delivered += 1
            with engine.begin() as conn:
                conn.execute(update(s).where(s.c.id == row["id"]).values(min_record_time=at, last_notified_at=at))
    return delivered


class Scheduler:
    """Looks for due scheduled subscriptions once a minute in a daemon thread (started with the web app)."""

    def __init__(self, engine_factory: Any) -> None:
        self._stop = threading.Event()
        self._engine_factory = engine_factory
        self._thread = threading.Thread(target=self._loop, daemon=True, name="epcis-scheduler")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(60 - utcnow().second):
            with contextlib.suppress(Exception):  # a broken subscriber or a busy database must not end the loop
                run_due(self._engine_factory())
