"""REST API v1 (``/api/v1``): one router, resources mirror the library's query functions."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine

from chainatlas import db
from chainatlas.exchange.importer import ImportReport, import_files
from chainatlas.exchange.spec import TABLES, json_schema
from chainatlas.governance.principals import Role
from chainatlas.registry import queries
from chainatlas.web.auth import Principal, authorize, count_rows, granted_fields, links_visible
from chainatlas.web.errors import refused

router = APIRouter(prefix="/api/v1", tags=["v1"])


def _engine() -> Engine:
    return db.get_engine()


@router.get("/overview", summary="Counts by chain, district and tier (总览)")
def overview() -> dict[str, Any]:
    return queries.overview(_engine())


@router.get("/enterprises", summary="Search enterprises (企业检索)")
def enterprises(
    q: str | None = None, region: Annotated[str | None, Query(description="division-code prefix, e.g. 4101")] = None,
    industry: str | None = None, segment: str | None = None, chain: str | None = None,
    flag: Annotated[list[str] | None, Query(description="is_srdi, is_little_giant, is_chain_leader …")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1, per_page: Annotated[int, Query(ge=1, le=1000)] = 50,
    *, request: Request, response: Response,
) -> dict[str, Any]:
    try:
        found = queries.search_enterprises(_engine(), q=q, region=region, industry=industry, segment=segment, chain=chain,
                                           flags=flag, page=page, per_page=per_page, fields=granted_fields(request))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    count_rows(response, len(found["items"]))
    return found


@router.get("/enterprises/{uscc}", summary="Enterprise profile (企业画像)")
def enterprise(uscc: str, request: Request, response: Response) -> dict[str, Any]:
    found = queries.get_enterprise(_engine(), uscc, fields=granted_fields(request), with_links=links_visible(request, uscc))
    if found is None:
        raise refused(404, "未找到企业", f"enterprise {uscc} not found")
    count_rows(response, 1)
    return found


@router.get("/divisions", summary="Administrative divisions under a parent (行政区划，供选择器)")
def divisions(parent: Annotated[str | None, Query(pattern=r"^\d{6}$", description="none: the provinces")] = None) -> list[dict[str, Any]]:
    return queries.divisions(_engine(), parent)


@router.get("/countries", summary="Countries, ISO 3166-1 (国家和地区，供选择器)")
def countries() -> list[dict[str, Any]]:
    return queries.countries(_engine())


@router.get("/chains", summary="Chains (产业链)")
def chains() -> list[dict[str, Any]]:
    return queries.list_chains(_engine())


@router.get("/chains/{chain_id}", summary="One chain with its segments (产业链环节)")
def chain(chain_id: str) -> dict[str, Any]:
    found = queries.get_chain(_engine(), chain_id)
    if found is None:
        raise refused(404, "未找到产业链", f"chain {chain_id} not found")
    return found


@router.get("/supply-links", summary="Supply links (供应关系)")
def supply_links(supplier: str | None = None, buyer: str | None = None, period: str | None = None,
                 segment: str | None = None, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                 per_page: Annotated[int, Query(ge=1, le=1000)] = 100, *, response: Response) -> dict[str, Any]:
    found = queries.list_supply_links(_engine(), supplier=supplier, buyer=buyer, period=period, segment=segment,
                                      page=page, per_page=per_page)
    count_rows(response, len(found["items"]))
    return found


@router.get("/spec/{table}.schema.json", summary="JSON Schema of an exchange table (数据交互规范)")
def spec(table: str) -> JSONResponse:
    if table not in TABLES:
        raise refused(404, f"没有数据表 {table}；可选：{'、'.join(TABLES)}", f"unknown table {table}; tables: {', '.join(TABLES)}")
    return JSONResponse(json_schema(table), media_type="application/schema+json")


@router.post("/imports", summary="Import files (导入): all-or-nothing, with a problem report")
def create_import(
    files: Annotated[list[UploadFile], File(description="CSV, XLSX, JSONL or Parquet")],
    principal: Annotated[Principal, Depends(authorize)],
    table: str | None = None, dry_run: bool = False, skip_invalid: bool = False, keep_lines: bool = False,
    encoding: str = "auto",
) -> JSONResponse:
    """Officials import any data; an enterprise account corrects its own record and links (rows about
    other enterprises are refused)."""
    own = principal.enterprise_uscc if principal.role == Role.enterprise else None
    report = run_upload(files, table=table, dry_run=dry_run, skip_invalid=skip_invalid, keep_lines=keep_lines,
                        encoding=encoding, only_party=own)
    body = report.to_dict()
    return JSONResponse(body, status_code=200 if report.ok else 422)


def save_uploads(files: list[UploadFile], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in files:
        name = Path(f.filename or "upload").name
        dest = folder / name
        with dest.open("wb") as out:
            shutil.copyfileobj(f.file, out)
        paths.append(dest)
    return paths


def run_upload(files: list[UploadFile], **options: Any) -> ImportReport:
    folder = Path(tempfile.mkdtemp(prefix="chainatlas-upload-"))
    try:
        paths = save_uploads(files, folder)
        report = import_files(paths, engine=_engine(), write_reports=False, **options)
        from chainatlas.refresh import after_import

        after_import(_engine(), report.written)  # analysis frames prepared, products' quality measured
        return report
    finally:
        shutil.rmtree(folder, ignore_errors=True)
