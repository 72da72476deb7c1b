"""REST API v1 for data products (数据即服务): the catalogue with measured quality and its history, product-scoped
tokens (on a grant), the data itself for a token (``X-Product-Token``: metered and audited), and usage for the owner
(docs/products.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header

from chainatlas import db
from chainatlas.governance.principals import Principal
from chainatlas.settings import home_of
from chainatlas.web.auth import authorize
from chainatlas.web.errors import answered, refused

router = APIRouter(prefix="/api/v1/products", tags=["products"])
Caller = Annotated[Principal, Depends(authorize)]



def product_view(product_id: str) -> dict[str, Any]:
    """A product's catalogue entry with its quality history (newest first) — shared by the page and the API."""
    from chainatlas.products import store

    engine = db.get_engine()
    store.refresh(engine, home_of())
    entry = next((p for p in store.catalogue_view(engine) if p["id"] == product_id), None)
    if entry is None:
        raise refused(404, f"没有数据产品 {product_id}", f"no data product {product_id}")
    return {"product": entry, "history": store.history(engine, product_id)}


@router.get("", summary="The data products: owner, level, frequency, licence, latest measured quality")
def products() -> Any:
    from chainatlas.products import store

    store.refresh(db.get_engine(), home_of())
    return store.catalogue_view(db.get_engine())


@router.get("/{product_id}", summary="One product and its quality history")
def one(product_id: str) -> Any:
    return product_view(product_id)


@router.post("/{product_id}/tokens", status_code=201, summary="A token for this product only (needs a current grant)")
def issue(product_id: str, principal: Caller) -> Any:
    from chainatlas.products import store

    return answered(store.issue_token, db.get_engine(), principal, product_id)


@router.delete("/{product_id}/tokens", summary="Revoke the caller's tokens (the owner: everyone's)")
def revoke(product_id: str, principal: Caller) -> Any:
    from chainatlas.products import store

    return {"revoked": answered(store.revoke_tokens, db.get_engine(), principal, product_id)}


@router.get("/{product_id}/data", summary="The product's rows, for its token (X-Product-Token); metered and audited")
def data(product_id: str, x_product_token: Annotated[str | None, Header()] = None) -> Any:
    from chainatlas.products import store

    if not x_product_token:
        raise refused(401, "缺少数据产品令牌（X-Product-Token）", "missing product token (X-Product-Token)")
    return answered(store.serve, db.get_engine(), x_product_token, product_id, home_of())


@router.get("/{product_id}/usage", summary="Calls per consumer and day (the owner department)")
def usage(product_id: str, principal: Caller) -> Any:
    from chainatlas.products import store

    return answered(store.usage, db.get_engine(), principal, product_id)


@router.post("/{product_id}/measure", status_code=201, summary="Measure the product's quality now (the owner)")
def measure(product_id: str, principal: Caller) -> Any:
    from chainatlas.products import store

    return answered(store.measure_as, db.get_engine(), principal, product_id, home_of())
