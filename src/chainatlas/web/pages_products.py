"""数据即服务 pages: the product catalogue with measured quality, one product (description, licence, fields, quality
history, how to get access, a token for whoever holds a grant, usage for the owner). JSON twins; tables export to
CSV/XLSX (docs/products.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response

from chainatlas import db
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import Refused
from chainatlas.settings import home_of
from chainatlas.web.api_products import product_view
from chainatlas.web.auth import authorize, current_principal
from chainatlas.web.errors import refusal
from chainatlas.web.pages import render
from chainatlas.web.tabular import table_download

router = APIRouter(include_in_schema=False)


def _flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quality snapshots with completeness spread into columns, for CSV/XLSX."""
    return [{**{k: v for k, v in r.items() if k != "completeness"},
             **{f"completeness_{f}": v for f, v in (r.get("completeness") or {}).items()}} for r in rows]


@router.get("/products", response_class=HTMLResponse)
def catalogue_page(request: Request) -> Response:
    from chainatlas.products import store

    store.refresh(db.get_engine(), home_of())
    items = store.catalogue_view(db.get_engine())
    table = [{"id": p["id"], "name": p["name"]["zh"], "owner": p["owner"], "level": p["level"],
              **{k: (p["quality"] or {}).get(k) for k in ("rows", "validity", "freshness_days", "provenance", "suppressed_cells")}}
             for p in items]
    download = table_download(request, {"products": table}, "data-products")
    return download or render(request, "products.html", jsonable_encoder({"products": items}))


def _page(request: Request, product_id: str, token: dict[str, Any] | None = None) -> Response:
    from chainatlas.governance.catalogue import PURPOSES, row_access
    from chainatlas.products import store
    from chainatlas.products.catalogue import product

    view = product_view(product_id)
    principal, _, _ = current_principal(request)
    p = product(product_id)
    engine = db.get_engine()
    signed_in = principal.role != Role.public
    view |= {"token": token, "purposes": PURPOSES, "signed_in": signed_in,
             "may_issue": signed_in and row_access(engine, principal, p.dataset.code).allowed,
             "owner_view": store.owns(principal, p)}
    if view["owner_view"]:
        view["usage"] = store.usage(engine, principal, product_id)
    download = table_download(request, {"history": _flat(view["history"]), "usage": view.get("usage", [])},
                              f"product-{product_id}")
    return download or render(request, "product.html", jsonable_encoder(view))


@router.get("/products/{product_id}", response_class=HTMLResponse)
def product_page(request: Request, product_id: str) -> Response:
    return _page(request, product_id)


@router.post("/products/{product_id}/tokens", response_class=HTMLResponse)
def token_page(request: Request, product_id: str, principal: Annotated[Principal, Depends(authorize)]) -> Response:
    from chainatlas.products import store

    try:
        token = store.issue_token(db.get_engine(), principal, product_id)
    except Refused as exc:
        raise refusal(exc) from None
    return _page(request, product_id, token)
