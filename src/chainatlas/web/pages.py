"""Workbench pages. Each page has a JSON twin (``?format=json``) and each table exports (``csv``/``xlsx``)."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from chainatlas import db
from chainatlas.exchange.importer import import_files
from chainatlas.exchange.spec import TABLES
from chainatlas.registry import queries
from chainatlas.settings import get_settings
from chainatlas.web.api import save_uploads
from chainatlas.web.auth import current_principal, granted_fields, links_visible, may_read
from chainatlas.web.errors import refused
from chainatlas.web.i18n import language, template_helpers
from chainatlas.web.tabular import table_response

router = APIRouter(include_in_schema=False)
COLUMN_ZH = {c.name: c.zh for c in TABLES["enterprises"].columns}
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def render(request: Request, name: str, data: dict[str, Any], fmt: str | None = None) -> Response:
    """The page, or its JSON twin when ``format=json``."""
    if (fmt or request.query_params.get("format")) == "json":
        return JSONResponse(jsonable_encoder(data))
    lang = language(request)
    principal, csrf, _ = current_principal(request)
    resp = templates.TemplateResponse(request, name, {"data": data, **template_helpers(lang), "lang": lang,
                                                      "principal": principal, "csrf": csrf or "",
                                                      "flag_zh": queries.FLAG_ZH, "query": dict(request.query_params),
                                                      "labels": COLUMN_ZH})
    if "lang" in request.query_params:
        resp.set_cookie("lang", lang, samesite="lax")
    return resp


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request) -> Response:
    data = queries.overview(db.get_engine())
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        tables = {"by_chain": data["by_chain"], "by_district": data["by_district"],
                  "tiers": [{"flag": k, "name_zh": queries.FLAG_ZH[k], "local_enterprises": v} for k, v in data["tiers_local"].items()]}
        table = request.query_params.get("table", "by_chain")
        if table not in tables:
            raise refused(422, f"表格须为：{'、'.join(tables)}", f"table must be one of {', '.join(tables)}")
        return table_response(tables[table], fmt, f"overview-{table}")
    return render(request, "overview.html", data)


@router.get("/enterprises", response_class=HTMLResponse)
def enterprises_page(request: Request, q: str | None = None, region: str | None = None, industry: str | None = None,
                     segment: str | None = None, flag: Annotated[list[str] | None, None] = None,
                     page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    flags = [f for f in request.query_params.getlist("flag") if f]
    fmt = request.query_params.get("format")
    per_page = 1000 if fmt in ("csv", "xlsx") else 50
    try:
        data = queries.search_enterprises(db.get_engine(), q=q or None, region=region or None, industry=industry or None,
                                          segment=segment or None, flags=flags, page=page, per_page=per_page,
                                          fields=granted_fields(request))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    if fmt in ("csv", "xlsx"):
        return table_response(data["items"], fmt, "enterprises")
    data["filters"] = {"q": q or "", "region": region or "", "industry": industry or "", "segment": segment or "", "flags": flags}
    data["chains"] = queries.list_chains(db.get_engine())
    return render(request, "enterprises.html", data)


@router.get("/enterprises/{uscc}", response_class=HTMLResponse)
def enterprise_page(request: Request, uscc: str) -> Response:
    """企业画像: register facts, placements, suppliers and customers (by grant), and a block from each domain the
    viewer may open in full — tier card, policies, supplier map, trade consignments."""
    engine = db.get_engine()
    links = links_visible(request, uscc)
    data = queries.get_enterprise(engine, uscc, fields=granted_fields(request), with_links=links)
    if data is None:
        raise refused(404, "未找到企业", f"enterprise {uscc} not found")
    data["blocks"] = profile_blocks(request, engine, uscc, links)
    fmt = request.query_params.get("format")
    table = request.query_params.get("table", "top_suppliers")
    if fmt in ("csv", "xlsx"):
        if table not in ("top_suppliers", "top_customers", "segments", "history"):
            raise refused(422, "表格须为 top_suppliers、top_customers、segments 或 history", "table must be top_suppliers, top_customers, segments or history")
        return table_response(data[table], fmt, f"{uscc}-{table}")
    return render(request, "enterprise.html", data)


def profile_blocks(request: Request, engine: Engine, uscc: str, links: bool) -> dict[str, Any]:
    """The profile's blocks this viewer may see: each only for whoever may open its full page."""
    import datetime as dt

    from chainatlas import profile
    from chainatlas.analysis.snapshot import load_snapshot

    today = dt.date.today()
    blocks: dict[str, Any] = {}
    if may_read(request, "/tiers/{uscc}", uscc=uscc):
        blocks["tiers"] = profile.tier_block(engine, uscc, today)
    if may_read(request, "/enterprises/{uscc}/policies", uscc=uscc):
        blocks["policies"] = profile.policy_block(engine, uscc, today)
    if links:
        blocks["suppliers"] = profile.supplier_geography(engine, load_snapshot(engine), uscc)
    if may_read(request, "/trade"):
        blocks["trade"] = profile.trade_block(engine, uscc)
    return blocks


def _uploads_dir() -> Path:
    return get_settings().data_dir / "uploads"


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> Response:
    return render(request, "import.html", {"stage": "form", "tables": list(TABLES)})


@router.post("/import", response_class=HTMLResponse)
def import_upload(request: Request, files: Annotated[list[UploadFile], File()], table: Annotated[str, Form()] = "") -> Response:
    """Step 1: upload and validate (dry run); the files wait under a token for confirmation."""
    token = secrets.token_hex(8)
    folder = _uploads_dir() / token
    paths = save_uploads(files, folder)
    report = import_files(paths, table=table or None, dry_run=True, engine=db.get_engine(), write_reports=False)
    (folder / "options.json").write_text(json.dumps({"table": table or None}), encoding="utf-8")
    if not report.ok:
        shutil.rmtree(folder, ignore_errors=True)
    return render(request, "import.html", {"stage": "validated", "token": token if report.ok else None,
                                            "report": report.to_dict(), "tables": list(TABLES)})


@router.post("/import/{token}/confirm", response_class=HTMLResponse)
def import_confirm(request: Request, token: str) -> Response:
    """Step 2: write the validated files (validated again: the database may have changed meanwhile)."""
    if not token.isalnum():
        raise refused(422, "无效的导入凭据", "bad token")
    folder = _uploads_dir() / token
    if not folder.exists():
        raise refused(404, "上传已过期或已导入", "upload not found or already imported")
    options = json.loads((folder / "options.json").read_text(encoding="utf-8"))
    paths = sorted(p for p in folder.iterdir() if p.name != "options.json")
    try:
        report = import_files(paths, table=options["table"], engine=db.get_engine(), write_reports=False)
        from chainatlas.refresh import after_import

        after_import(db.get_engine(), report.written)  # analysis frames prepared, products' quality measured
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return render(request, "import.html", {"stage": "imported", "report": report.to_dict(), "tables": list(TABLES)})
