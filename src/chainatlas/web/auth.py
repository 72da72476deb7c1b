"""The one authorization dependency every route passes through (and the audit middleware).

Who: an API token (``Authorization: Bearer …``) or a web session cookie; nobody → the ``public`` role.
What: the route's :data:`~chainatlas.governance.policy.POLICIES` entry — a route without one is refused.
Own data: an enterprise account passes only when the route's ``own`` parameter is its USCC.
Forms: state-changing requests made with a session cookie must carry the session's CSRF token.
Record: reads of non-public data and all writes are appended to the hash-chained audit log.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from fastapi import Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import JSONResponse, Response

from chainatlas import db
from chainatlas.governance import audit
from chainatlas.governance.catalogue import DATASETS, RowAccess, row_access
from chainatlas.governance.policy import Access, policy_for
from chainatlas.governance.principals import (
    PUBLIC,
    Principal,
    Role,
    principal_for_session,
    principal_for_token,
)
from chainatlas.web.errors import refused

SESSION_COOKIE = "ca_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

__all__ = ["SESSION_COOKIE", "AuditMiddleware", "Principal", "authorize", "current_principal"]


def current_principal(request: Request) -> tuple[Principal, str | None, bool]:
    """(principal, CSRF token of the session or None, whether a token authenticated the request)."""
    if hasattr(request.state, "principal"):
        return request.state.principal, getattr(request.state, "csrf", None), getattr(request.state, "by_token", False)
    engine = db.get_engine()
    header = request.headers.get("authorization", "")
    principal, csrf, by_token = PUBLIC, None, False
    if header.lower().startswith("bearer "):
        found = principal_for_token(engine, header[7:].strip())
        if found is None:
            raise refused(401, "令牌无效、过期或已吊销", "invalid, expired or revoked token")
        principal, by_token = found, True
    elif sid := request.cookies.get(SESSION_COOKIE):
        session = principal_for_session(engine, sid)
        if session is not None:
            principal, csrf = session
    request.state.principal, request.state.csrf, request.state.by_token = principal, csrf, by_token
    return principal, csrf, by_token


def _params(request: Request) -> dict[str, Any]:
    return {**dict(request.query_params), **dict(request.path_params)}


def decide(principal: Principal, access: Access, params: dict[str, Any]) -> tuple[str, RowAccess | None]:
    """Whether ``principal`` may call a route of policy ``access`` with ``params``: ``allowed`` (with the grant that
    allows it, if any), or why not — ``denied`` (role), ``denied-own`` (another firm's data), ``denied-no-grant``,
    ``denied-outside-grant``. The one decision behind :func:`authorize` and :func:`may_read`."""
    if not access.allows(principal.role):
        return "denied", None
    if principal.role == Role.enterprise and access.own and (access.rows or any(params.get(p) for p in access.rows_if)):
        given = [params[p] for p in access.own if params.get(p)]
        return ("allowed" if any(v == principal.enterprise_uscc for v in given) else "denied-own"), None
    dataset = access.dataset_for(params)
    if dataset and (access.rows or any(params.get(p) for p in access.rows_if)):
        if dataset not in DATASETS:  # a parameterised dataset naming none (an unknown product): the handler says 404
            return "allowed", None
        ra = row_access(db.get_engine(), principal, dataset)
        if not ra.allowed:
            return "denied-no-grant", ra
        if ra.region_prefix and not _within(params, ra.region_prefix):
            return "denied-outside-grant", ra
        return "allowed", ra
    return "allowed", None


def may_read(request: Request, path: str, **params: Any) -> bool:
    """Whether the caller could GET the route ``path`` (a route template) with ``params``: a page shows a block of
    another page's data only to whoever may open that page."""
    principal, _, _ = current_principal(request)
    access = policy_for("GET", path)
    return access is not None and decide(principal, access, params)[0] == "allowed"


async def authorize(request: Request) -> Principal:
    principal, csrf, by_token = current_principal(request)
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    access = policy_for(request.method, path)
    request.state.audit = None
    if access is None:
        raise refused(403, "此路由未声明访问策略", f"no access policy for {request.method} {path}")
    outcome, ra = decide(principal, access, _params(request))
    if outcome == "denied":
        _note(request, principal, access, path, "denied")
        if principal.role == Role.public:
            raise refused(401, "请先登录", "sign in required")
        raise refused(403, "您的角色无权访问", "not allowed for your role")
    if outcome == "denied-own":
        _note(request, principal, access, path, "denied")
        raise refused(403, "企业账户只能访问本企业数据", "an enterprise account can read only its own data")
    if outcome == "denied-no-grant":
        _note(request, principal, access, path, "denied-no-grant")
        if principal.role == Role.public:
            raise refused(401, "请先登录", "sign in required")
        raise refused(403, "需数据所有方授权后访问",
                      f"a grant from the owner of '{access.dataset_for(_params(request))}' is required")
    if outcome == "denied-outside-grant" and ra is not None:
        _note(request, principal, access, path, "denied-outside-grant")
        raise refused(403, f"授权仅限区划 {ra.region_prefix}", f"your grant covers division {ra.region_prefix} only")
    if ra is not None:
        request.state.grant_id = ra.grant_id
        request.state.grant_fields = ra.fields
    if request.method in UNSAFE and not by_token and principal.role != Role.public:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = (await request.form()).get("csrf_token")  # type: ignore[assignment]
        if not csrf or sent != csrf:
            _note(request, principal, access, path, "denied-csrf")
            raise refused(403, "表单校验失败，请刷新页面后重试", "missing or wrong CSRF token")
    if access.write:
        try:  # refuse a write before it acts when its record could not be written (a read is refused on recording)
            audit.check(db.get_engine())
        except audit.AuditIntegrityError as exc:
            raise refused(503, f"审计链异常，已拒绝：{exc.zh}", f"audit chain refused: {exc.en}") from None
    if access.dataset is not None or access.write:
        _note(request, principal, access, path, "allowed")
    return principal


def _within(params: dict[str, Any], prefix: str) -> bool:
    """Whether a request stays inside a grant's division prefix: its region filter, or the enterprises it names."""
    from sqlalchemy import select

    if params.get("region"):
        return str(params["region"]).startswith(prefix)
    named = [params[p] for p in ("uscc", "supplier", "buyer") if params.get(p)]
    if not named:
        return False
    with db.get_engine().connect() as conn:
        regions = dict(conn.execute(select(db.enterprise.c.uscc, db.enterprise.c.region_code).where(db.enterprise.c.uscc.in_(named))).all())
    return any((regions.get(u) or "").startswith(prefix) for u in named)


def count_rows(response: Response, n: int) -> None:
    """Tell the audit record how many rows a route returned."""
    response.headers["X-Row-Count"] = str(n)


def granted_fields(request: Request) -> tuple[str, ...] | None:
    """The fields a grant limits this request to (None: all fields)."""
    return getattr(request.state, "grant_fields", None)


def links_visible(request: Request, uscc: str) -> bool:
    """An enterprise's suppliers and customers are supply-link data: shown to whoever may read those rows,
    and to the enterprise itself."""
    principal, _, _ = current_principal(request)
    return principal.enterprise_uscc == uscc or has_rows(request, "supply_links")


def has_rows(request: Request, dataset: str) -> bool:
    """Whether the caller may see rows of ``dataset`` (decides small-cell suppression of aggregates)."""
    principal, _, _ = current_principal(request)
    return row_access(db.get_engine(), principal, dataset).allowed


def _note(request: Request, principal: Principal, access: Access, path: str, outcome: str) -> None:
    request.state.audit = {"grant_id": getattr(request.state, "grant_id", None),"actor": principal.name, "role": principal.role.value, "action": f"{request.method} {path}",
                           "params": _params(request), "dataset": access.dataset_for(_params(request)), "outcome": outcome,
                           "purpose": request.query_params.get("purpose") or unquote(request.headers.get("x-purpose", "")) or None}


UNINITIALISED_HEADER = "x-chainatlas-uninitialised"


class AuditMiddleware(BaseHTTPMiddleware):
    """Writes the audit record noted by :func:`authorize`, with the response status."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        try:
            response = await call_next(request)
        except Exception:
            self._write(request, 500, None)
            raise
        if response.headers.get(UNINITIALISED_HEADER):
            return response  # no audit log exists yet to write to; the answer says to run `chainatlas init`
        rows = response.headers.get("x-row-count")
        try:
            self._write(request, response.status_code, int(rows) if rows and rows.isdigit() else None)
        except audit.AuditIntegrityError as exc:
            return JSONResponse({"detail": f"审计链异常，已拒绝：{exc.zh} / audit chain refused: {exc.en}"}, status_code=503)
        return response

    @staticmethod
    def _write(request: Request, status: int, rows: int | None) -> None:
        note = getattr(request.state, "audit", None)
        if not note:
            return
        outcome = note["outcome"] if note["outcome"] != "allowed" else ("ok" if status < 400 else f"error-{status}")
        audit.record(db.get_engine(), actor=note["actor"], role=note["role"], action=note["action"],
                     params=json.loads(json.dumps(note["params"], default=str)), dataset=note["dataset"],
                     outcome=outcome, rows=rows, purpose=note["purpose"],
                     grant_id=getattr(request.state, "grant_id", None) or note["grant_id"])
