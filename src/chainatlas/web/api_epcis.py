"""The EPCIS 2.0 REST binding (GS1 EPCIS 2.0 §12, ``openapi.yaml``) under ``/epcis``: capture, capture jobs, the
events query, single events and the browsing resources. Implemented: JSON/JSON-LD only (no XML), capture error
behaviour ``rollback`` (default) and ``proceed`` (header ``GS1-Capture-Error-Behaviour``), SimpleEventQuery parameters listed in ``chainatlas.trade.repository.SUPPORTED`` and the sensor, error-declaration and
extension-field parameters (docs/trade.md); refusals name the EPCIS exception (``epcisException:…``);
named queries with webhook subscriptions (stream or scheduled; no WebSocket subscriptions); ``WD_`` follows the
location hierarchies of master data captured in document headers; ``GS1-EPC-Format``: ``Always_GS1_Digital_Link``
(the default), ``Never_Translates`` / ``No_Preference`` (as captured), ``Always_EPC_URN`` only when no result holds
a Digital Link (else 406); not implemented: a master-data query."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from chainatlas import db
from chainatlas.governance.principals import Role
from chainatlas.messages import NotFound
from chainatlas.trade import intake, repository
from chainatlas.trade import subscriptions as subs
from chainatlas.trade.capture import EVENT_TYPES, Problem
from chainatlas.trade.identifiers import EPC_FORMATS, as_digital_links, has_digital_links
from chainatlas.web.auth import Principal, authorize

router = APIRouter(prefix="/epcis", tags=["EPCIS 2.0"])
PROBLEM = "application/problem+json"
HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}
MAX_BYTES = 20 * 1024 * 1024


def owner_of(principal: Principal) -> str | None:
    """An enterprise account sees and captures as its enterprise; officials see every event."""
    return (principal.enterprise_uscc or "") if principal.role == Role.enterprise else None


Caller = Annotated[Principal, Depends(authorize)]


# The EPCIS exception each answer names in ``type`` (EPCIS 2.0 REST binding, components/responses)
EXCEPTIONS = {"Invalid JSON": "ValidationException", "Invalid EPCIS document": "ValidationException",
              "Bad GS1-Capture-Error-Behaviour": "ValidationException", "Bad GS1-EPC-Format": "ValidationException",
              "Payload too large": "CaptureLimitExceededException", "Unsupported media type": "UnsupportedMediaTypeException",
              "Not acceptable": "NotAcceptableException", "Not found": "NoSuchResourceException",
              "Query exists": "ResourceAlreadyExistsException", "Subscription problem": "SubscriptionControlsException",
              "Query parameter problem": "QueryParameterException", "Query too large": "QueryTooLargeException"}


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
            instance: str | None = None, exception: str | None = None) -> JSONResponse:
    """An RFC 7807 problem report whose ``type`` is the EPCIS exception (``epcisException:…``)."""
    kind = exception or EXCEPTIONS.get(title, "ImplementationException")
    body: dict[str, Any] = {"type": f"epcisException:{kind}", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    if instance:
        body["instance"] = instance
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=HEADERS)


@router.post("/capture", status_code=202, summary="Capture an EPCISDocument (all events or none)",
             responses={202: {"description": "capture job created; Location: /epcis/capture/{id}"},
                        400: {"description": "problem report: what is wrong, where"}})
async def capture(request: Request, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    raw = await request.body()
    if len(raw) > MAX_BYTES:
        return problem(413, "Payload too large", f"文档超过 {MAX_BYTES // 2**20} MB / the document exceeds {MAX_BYTES // 2**20} MB")
    if request.headers.get("content-type", "application/json").split(";")[0] not in ("application/json", "application/ld+json"):
        return problem(415, "Unsupported media type", "只接受 JSON / JSON-LD / only JSON and JSON-LD are accepted")
    behaviour = request.headers.get("GS1-Capture-Error-Behaviour", "rollback")
    if behaviour not in ("rollback", "proceed"):
        return problem(400, "Bad GS1-Capture-Error-Behaviour", "GS1-Capture-Error-Behaviour: rollback 或 proceed / rollback or proceed")
    engine = db.get_engine()
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        job = repository.record_failure(engine, [Problem("/", f"不是合法的 JSON：{exc}", f"not valid JSON: {exc}")], principal.name,
                                        owner=owner_of(principal))
        return problem(400, "Invalid JSON", str(exc), job["errors"], f"/epcis/capture/{job['captureID']}")
    job = intake.capture(engine, doc, principal.name, owner_of(principal), proceed=behaviour == "proceed")
    if not job["success"] and not job["stored"] and job["captureErrorBehaviour"] == "rollback":
        return problem(400, "Invalid EPCIS document", f"{len(job['errors'])} 处问题，未存储任何事件 / "
                       f"{len(job['errors'])} problems; nothing was stored", job["errors"], f"/epcis/capture/{job['captureID']}")
    return JSONResponse(job, status_code=202, headers={**HEADERS, "Location": f"/epcis/capture/{job['captureID']}"})


@router.get("/capture/{capture_id}", summary="A capture job: running, success, errors, counts")
def capture_job(capture_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: Caller) -> Response:
    job = repository.capture_job(db.get_engine(), capture_id, owner_of(principal))
    if job is None:
        return problem(404, "Not found", f"没有采集任务 {capture_id} / no capture job {capture_id}")
    return JSONResponse(job, headers=HEADERS)


def epc_format(request: Request) -> str:
    """The GS1-EPC-Format asked for (absent: ``Always_GS1_Digital_Link``, the binding's default)."""
    return request.headers.get("GS1-EPC-Format", "Always_GS1_Digital_Link")


def formatted(events: list[dict[str, Any]], fmt: str) -> list[dict[str, Any]] | JSONResponse:
    """Events in the asked EPC format, or a 406 problem: Digital Links cannot be written back as EPC URNs without
    knowing each company prefix's length, so ``Always_EPC_URN`` is refused when a result holds one."""
    if fmt not in EPC_FORMATS:
        return problem(400, "Bad GS1-EPC-Format", f"GS1-EPC-Format: {', '.join(EPC_FORMATS)}")
    if fmt == "Always_GS1_Digital_Link":
        return [as_digital_links(e) for e in events]
    if fmt == "Always_EPC_URN" and any(has_digital_links(e) for e in events):
        return problem(406, "Not acceptable", "结果含 GS1 数字链接，无法无损转换为 EPC URN（需厂商识别代码长度）/ the results hold GS1 "
                       "Digital Links, which cannot be written as EPC URNs without the company-prefix length; ask for "
                       "Never_Translates or Always_GS1_Digital_Link")
    return events


def _events_response(request: Request, params: dict[str, Any], principal: Principal) -> Response:
    try:
        result = repository.query(db.get_engine(), params, owner_of(principal), extensions(request))
    except repository.QueryError as exc:
        return query_problem(exc)
    fmt = epc_format(request)
    events = formatted(result["events"], fmt)
    if isinstance(events, JSONResponse):
        return events
    result = {**result, "events": events}
    headers = {**HEADERS, "GS1-EPC-Format": fmt}
    if result["next_page_token"]:
        nxt = {k: v for k, v in request.query_params.multi_items() if k != "nextPageToken"}
        nxt["nextPageToken"] = result["next_page_token"]
        headers["Link"] = f'<{request.url.path}?{urlencode(nxt)}>; rel="next"'
    return JSONResponse(repository.query_document(result), headers=headers, media_type="application/ld+json")


def extensions(request: Request) -> dict[str, str]:
    """Prefixes for extension-field query parameters, from ``GS1-Extensions: ex=https://ns.example/, …``."""
    out = {}
    for part in request.headers.get("GS1-Extensions", "").split(","):
        prefix, _, namespace = part.strip().partition("=")
        if prefix and namespace:
            out[prefix.strip()] = namespace.strip()
    return out


def query_problem(exc: repository.QueryError) -> JSONResponse:
    """400 QueryParameterException, or 413 QueryTooLargeException when maxEventCount is exceeded."""
    if isinstance(exc, repository.QueryTooLarge):
        return problem(413, "Query too large", str(exc))
    return problem(400, "Query parameter problem", str(exc))


def _params(request: Request) -> dict[str, Any]:
    """Query parameters; a repeated one becomes a list of alternatives."""
    values: dict[str, list[str]] = {}
    for k, v in request.query_params.multi_items():
        values.setdefault(k, []).append(v)
    return {k: v[0] if len(v) == 1 else v for k, v in values.items()}


@router.get("/events", summary="Query events (SimpleEventQuery parameters); an EPCISQueryDocument")
def events(request: Request, principal: Caller) -> Response:
    return _events_response(request, _params(request), principal)


@router.get("/events/{event_id:path}", summary="One event by its eventID or hash ID")
def event(request: Request, event_id: str, principal: Caller) -> Response:
    result = repository.query(db.get_engine(), {"EQ_eventID": event_id.replace("|", ""), "perPage": "1"}, owner_of(principal))
    if not result["events"]:
        return problem(404, "Not found", f"没有事件 {event_id} / no event {event_id}")
    events = formatted(result["events"], epc_format(request))
    if isinstance(events, JSONResponse):
        return events
    return JSONResponse(events[0], headers={**HEADERS, "GS1-EPC-Format": epc_format(request)}, media_type="application/ld+json")


@router.get("/eventTypes", summary="The event types")
def event_types() -> Response:
    return JSONResponse({"@set": list(EVENT_TYPES)}, headers=HEADERS)


@router.get("/eventTypes/{event_type}/events", summary="Events of one type")
def events_of_type(request: Request, event_type: str, principal: Caller) -> Response:
    return _events_response(request, {**_params(request), "eventType": event_type}, principal)


@router.get("/bizSteps", summary="Business steps in use")
def biz_steps() -> Response:
    return JSONResponse({"@set": repository.distinct(db.get_engine(), "biz_step")}, headers=HEADERS)


@router.get("/bizLocations", summary="Business locations in use")
def biz_locations() -> Response:
    return JSONResponse({"@set": repository.distinct(db.get_engine(), "biz_location")}, headers=HEADERS)


@router.get("/readPoints", summary="Read points in use")
def read_points() -> Response:
    return JSONResponse({"@set": repository.distinct(db.get_engine(), "read_point")}, headers=HEADERS)


@router.get("/dispositions", summary="Dispositions in use")
def dispositions() -> Response:
    return JSONResponse({"@set": repository.distinct(db.get_engine(), "disposition")}, headers=HEADERS)


@router.get("/epcs/{epc:path}/events", summary="Events of one EPC (any role), EPC URN or Digital Link")
def epc_events(request: Request, epc: str, principal: Caller) -> Response:
    return _events_response(request, {**_params(request), "MATCH_anyEPC": epc}, principal)


# ---- named queries and subscriptions (REST binding /queries) ----------------------------------------------


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _BadBody(str(exc)) from exc


class _BadBody(ValueError):
    pass


QueryName = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$")]


@router.get("/queries", summary="Named queries")
def list_named_queries() -> Response:
    return JSONResponse(subs.list_queries(db.get_engine()), headers=HEADERS)


@router.post("/queries", status_code=201, summary="Create a named query: {name, query: {SimpleEventQuery parameters}}")
async def create_named_query(request: Request, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    try:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise repository.QueryError("请求体须为 {name, query}", "the body must be {name, query}")
        created = subs.create_query(db.get_engine(), body.get("name"), body.get("query"), principal.name)  # type: ignore[arg-type]
    except _BadBody as exc:
        return problem(400, "Invalid JSON", str(exc))
    except subs.Conflict as exc:
        return problem(409, "Query exists", str(exc))
    except repository.QueryError as exc:
        return query_problem(exc)
    return JSONResponse(created, status_code=201, headers={**HEADERS, "Location": f"/epcis/queries/{created['name']}"})


@router.get("/queries/{query_name}", summary="A named query's definition")
def get_named_query(query_name: QueryName) -> Response:
    try:
        return JSONResponse(subs.get_query(db.get_engine(), query_name), headers=HEADERS)
    except NotFound as exc:
        return problem(404, "Not found", str(exc))


@router.delete("/queries/{query_name}", status_code=204, summary="Remove a named query and all its subscriptions")
def delete_named_query(query_name: QueryName, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    try:
        subs.delete_query(db.get_engine(), query_name)
    except NotFound as exc:
        return problem(404, "Not found", str(exc))
    return Response(status_code=204, headers=HEADERS)


@router.get("/queries/{query_name}/events", summary="Run a named query (perPage, nextPageToken)")
def named_query_events(request: Request, query_name: QueryName, principal: Caller) -> Response:
    try:
        stored = subs.to_params(subs.get_query(db.get_engine(), query_name)["query"])
    except NotFound as exc:
        return problem(404, "Not found", str(exc))
    paging = {k: v for k, v in _params(request).items() if k in ("perPage", "nextPageToken")}
    return _events_response(request, {**stored, **paging}, principal)


@router.get("/queries/{query_name}/subscriptions", summary="Active subscriptions to a named query")
def list_query_subscriptions(query_name: QueryName) -> Response:
    try:
        return JSONResponse(subs.list_subscriptions(db.get_engine(), query_name), headers=HEADERS)
    except NotFound as exc:
        return problem(404, "Not found", str(exc))


@router.post("/queries/{query_name}/subscriptions", status_code=201,
             summary="Subscribe a webhook: {dest, signatureToken?, stream: true | schedule: {…}, reportIfEmpty?}")
async def create_subscription(request: Request, query_name: QueryName, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    try:
        body = await _json_body(request)
        created = subs.subscribe(db.get_engine(), query_name, body, principal.name)
    except _BadBody as exc:
        return problem(400, "Invalid JSON", str(exc))
    except NotFound as exc:
        return problem(404, "Not found", str(exc))
    except ValueError as exc:
        return problem(400, "Subscription problem", str(exc))
    location = f"/epcis/queries/{query_name}/subscriptions/{created['subscriptionID']}"
    return JSONResponse(created, status_code=201, headers={**HEADERS, "Location": location})


@router.get("/queries/{query_name}/subscriptions/{subscription_id}", summary="One subscription (is it still active?)")
def get_subscription(query_name: QueryName, subscription_id: Annotated[str, Path(max_length=36)]) -> Response:
    try:
        return JSONResponse(subs.get_subscription(db.get_engine(), query_name, subscription_id), headers=HEADERS)
    except NotFound as exc:
        return problem(404, "Not found", str(exc))


@router.delete("/queries/{query_name}/subscriptions/{subscription_id}", status_code=204, summary="Unsubscribe")
def delete_subscription(query_name: QueryName, subscription_id: Annotated[str, Path(max_length=36)],
                        principal: Annotated[Principal, Depends(authorize)]) -> Response:
    try:
        subs.unsubscribe(db.get_engine(), query_name, subscription_id)
    except NotFound as exc:
        return problem(404, "Not found", str(exc))
    return Response(status_code=204, headers=HEADERS)
