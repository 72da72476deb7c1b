"""Sign-in, sign-out, who-am-I and the audit page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainatlas import db
from chainatlas.governance import audit
from chainatlas.governance.principals import LoginError, Principal, login, logout
from chainatlas.settings import get_settings
from chainatlas.web.auth import SESSION_COOKIE, authorize
from chainatlas.web.i18n import language
from chainatlas.web.pages import render

router = APIRouter()


def _safe_next(target: str) -> str:
    r"""Where to go after signing in: a path on this site only. Browsers read ``/\host`` and ``/<tab>/host`` as
    ``//host`` (another site), so backslashes, control characters and anything with a scheme or host are refused.

    >>> [_safe_next(t) for t in ("/chains/nev?x=1", "//evil.example", "/\\evil.example", "/\t/evil.example",
    ...                          "https://evil.example/", "javascript:alert(1)", "")]
    ['/chains/nev?x=1', '/', '/', '/', '/', '/', '/']
    """
    from urllib.parse import urlsplit

    if not target.startswith("/") or target[1:2] in ("/", "\\") or any(c < " " or c in "\\\x7f" for c in target):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse, include_in_schema=False)
def login_submit(request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()],
                 next: Annotated[str, Form()] = "/") -> Response:
    try:
        principal, sid, _csrf = login(db.get_engine(), name, password)
    except LoginError as exc:
        audit.record(db.get_engine(), actor=name[:100], role="public", action="POST /login", outcome="denied")
        resp = render(request, "login.html", {"next": _safe_next(next), "error": exc.zh if language(request) == "zh" else exc.en})
        resp.status_code = 401
        return resp
    audit.record(db.get_engine(), actor=principal.name, role=principal.role.value, action="POST /login", outcome="ok")
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict", secure=get_settings().secure_cookies,
                    max_age=8 * 3600)
    return resp


@router.post("/logout", include_in_schema=False)
def logout_submit(request: Request) -> Response:
    if sid := request.cookies.get(SESSION_COOKIE):
        logout(db.get_engine(), sid)
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/api/v1/me", summary="The signed-in principal (public when not signed in)", tags=["v1"])
def me(principal: Annotated[Principal, Depends(authorize)]) -> dict[str, Any]:
    return {"name": principal.name, "role": principal.role.value, "enterprise_uscc": principal.enterprise_uscc,
            "department": principal.department}


def _records(viewer: Principal, start: dt.datetime | None, end: dt.datetime | None, limit: int) -> list[dict[str, Any]]:
    """All records for an admin; for a department, those touching the datasets it owns (who read my data)."""
    from chainatlas.governance.catalogue import DATASETS
    from chainatlas.governance.principals import Role

    out = list(audit.iter_records(db.get_engine(), start, end))
    if viewer.role != Role.admin:
        owned = {d.code for d in DATASETS.values() if d.owner == viewer.department}
        out = [r for r in out if r["dataset"] in owned]
    return out[-limit:] if limit > 0 else []


@router.get("/grants", response_class=HTMLResponse, include_in_schema=False)
def grants_page(request: Request, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    from chainatlas.governance import catalogue

    owned = [d.code for d in catalogue.DATASETS.values() if d.owner == principal.department]
    if (fmt := request.query_params.get("format")) in ("csv", "xlsx"):
        from chainatlas.web.tabular import table_response

        return table_response(catalogue.list_grants(db.get_engine(), principal), fmt, "grants")
    return render(request, "grants.html", {"grants": catalogue.list_grants(db.get_engine(), principal),
                                           "datasets": catalogue.catalogue(), "purposes": catalogue.PURPOSES,
                                           "owned": owned, "me": principal.name})


@router.post("/grants", include_in_schema=False)
def grants_request(principal: Annotated[Principal, Depends(authorize)], dataset: Annotated[str, Form()],
                   purpose: Annotated[str, Form()], note: Annotated[str, Form()] = "",
                   region_prefix: Annotated[str, Form()] = "", valid_to: Annotated[str, Form()] = "") -> Response:
    from fastapi import HTTPException

    from chainatlas.governance import catalogue

    try:
        catalogue.request_grant(db.get_engine(), principal, dataset, purpose, note=note, region_prefix=region_prefix or None,
                                valid_to=dt.date.fromisoformat(valid_to) if valid_to else None)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return RedirectResponse("/grants", status_code=303)


@router.post("/grants/{grant_id}/{decision}", include_in_schema=False)
def grants_decide(grant_id: Annotated[int, Path(ge=1, le=2**31 - 1)], decision: str,
                  principal: Annotated[Principal, Depends(authorize)]) -> Response:
    from chainatlas.web.api_analysis import decide

    decide(grant_id, principal, decision)
    return RedirectResponse("/grants", status_code=303)


@router.get("/api/v1/audit", summary="Audit records (admins)", tags=["v1"])
def audit_api(principal: Annotated[Principal, Depends(authorize)], start: dt.datetime | None = None,
              end: dt.datetime | None = None, limit: Annotated[int, Query(ge=1, le=100_000)] = 500) -> Any:
    v = audit.verify(db.get_engine())
    return jsonable_encoder({"verified": v.ok, "first_broken": v.first_broken, "reason": v.reason,
                             "records": _records(principal, start, end, limit)})


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, principal: Annotated[Principal, Depends(authorize)], start: dt.datetime | None = None,
               end: dt.datetime | None = None) -> Response:
    v = audit.verify(db.get_engine())
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        from chainatlas.web.tabular import table_response

        return table_response(_records(principal, start, end, 100_000), fmt, "audit")
    return render(request, "audit.html", {"verified": v.ok, "first_broken": v.first_broken, "reason": v.reason,
                                          "records": list(reversed(_records(principal, start, end, 300)))})
