"""Data products in the database: quality snapshots (one per import that touches a product's sources), tokens scoped to
one product and resting on a grant, serving a product to a token with metering and audit, and the owner's view of use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

import polars as pl
from sqlalchemy import Engine, String, case, cast, func, insert, select, update

from chainatlas import db
from chainatlas.clock import utcnow
from chainatlas.governance import audit
from chainatlas.governance.catalogue import row_access
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import Refused
from chainatlas.products import build, quality
from chainatlas.products.catalogue import PRODUCTS, Product, product

OWNER_TOKEN_DAYS = 90


def measure(engine: Engine, product_id: str, home: str, *, job_id: int | None = None,
            today: dt.date | None = None) -> dict[str, Any]:
    """Measure a product's quality now (quality.py) and keep it in its history."""
    p = product(product_id)
    day = today or dt.date.today()
    frame = build.rows(engine, p, home)
    metrics = {**quality.completeness(frame, p.fields), **quality.source_facts(engine, p.source_table, day),
               "validity": quality.validity(engine, p.source_table) if p.source_table else None}
    with engine.begin() as conn:
        conn.execute(insert(db.product_quality).values(product_id=product_id, measured_at=utcnow(seconds=True),
                                                       import_job_id=job_id, rows=frame.height,
                                                       metrics=json.dumps(metrics, default=str)))
    return metrics


def _latest_job(engine: Engine, p: Product) -> int | None:
    """The newest successful import that wrote one of the product's source tables."""
    j = db.import_job
    with engine.connect() as conn:
        for jid, summary in conn.execute(select(j.c.id, j.c.summary).order_by(j.c.id.desc())):
            rows = json.loads(summary).get("rows") or {}
            if any(rows.get(t) for t in p.depends_on):
                return int(jid)
    return None


def refresh(engine: Engine, home: str, *, today: dt.date | None = None) -> list[str]:
    """Measure every product whose sources were imported since its last measurement, that was never measured, or —
    for a product with no imported source (the EPCIS events) — last measured before today; the ids measured. The
    import commands call it after writing, so each import adds one snapshot."""
    q = db.product_quality
    done = []
    for p in PRODUCTS.values():
        with engine.connect() as conn:
            last = conn.execute(select(q.c.import_job_id, q.c.measured_at).where(q.c.product_id == p.id)
                                .order_by(q.c.id.desc())).first()
        job = _latest_job(engine, p)
        stale = job is not None and (last is not None and (last.import_job_id or 0) < job)
        daily = not p.depends_on and last is not None and last.measured_at.date() < (today or dt.date.today())
        if last is None or stale or daily:
            measure(engine, p.id, home, job_id=job, today=today)
            done.append(p.id)
    return done


def history(engine: Engine, product_id: str) -> list[dict[str, Any]]:
    """A product's quality snapshots, newest first."""
    product(product_id)
    q = db.product_quality
    with engine.connect() as conn:
        rows = conn.execute(select(q).where(q.c.product_id == product_id).order_by(q.c.id.desc())).mappings().all()
    return [{**{k: r[k] for k in ("measured_at", "import_job_id", "rows")}, **json.loads(r["metrics"])} for r in rows]


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(engine: Engine, principal: Principal, product_id: str) -> dict[str, Any]:
    """A token for one product (shown once; SHA-256 kept), for whoever may read it: an approved, current grant on
    ``product.<id>`` (the token ends with the grant), or the owner department or an admin (90 days)."""
    p = product(product_id)
    access = row_access(engine, principal, p.dataset.code)
    if not access.allowed:
        raise Refused(f"须先获得数据所有方（{p.dataset.owner}）对“{p.name.zh}”的授权",
                      f"a grant from the owner ({p.dataset.owner}) of {p.id} is needed first", 403)
    if access.grant_id is not None:
        with engine.connect() as conn:
            expires = conn.execute(select(db.data_grant.c.valid_to).where(db.data_grant.c.id == access.grant_id)).scalar_one()
    else:
        expires = dt.date.today() + dt.timedelta(days=OWNER_TOKEN_DAYS)
    token = "dp_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(db.product_token).values(product_id=product_id, grant_id=access.grant_id, grantee=principal.name,
                                                     token_sha256=_sha(token), issued_at=utcnow(seconds=True),
                                                     expires_on=expires))
    return {"product_id": product_id, "token": token, "expires_on": expires, "grant_id": access.grant_id}


def _meter(engine: Engine, token_id: int | None, product_id: str, grantee: str | None, rows: int, status: int) -> None:
    with engine.begin() as conn:
        conn.execute(insert(db.product_usage).values(token_id=token_id, product_id=product_id, grantee=grantee,
                                                     at=utcnow(seconds=True), rows=rows, status=status))
    audit.record(engine, actor=grantee or "unknown-token", role="product-token", action=f"GET product {product_id}",
                 outcome="ok" if status == 200 else "denied", rows=rows, dataset=f"product.{product_id}")


def serve(engine: Engine, token: str, product_id: str, home: str) -> dict[str, Any]:
    """The product's rows for a token scoped to it; every call metered and audited, refusals too. A token of
    another product, a revoked or expired one, or one whose grant was revoked or has lapsed is refused (401/403)."""
    p = product(product_id)
    t, g = db.product_token, db.data_grant
    today = dt.date.today()
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.token_sha256 == _sha(token))).mappings().first()
        grant = conn.execute(select(g).where(g.c.id == row["grant_id"])).mappings().first() \
            if row is not None and row["grant_id"] is not None else None
    if row is None or row["revoked_at"] is not None or row["expires_on"] < today:
        _meter(engine, row["id"] if row else None, product_id, row["grantee"] if row else None, 0, 401)
        raise Refused("数据产品令牌无效、过期或已吊销", "invalid, expired or revoked product token", 401)
    if row["product_id"] != product_id:
        _meter(engine, row["id"], product_id, row["grantee"], 0, 403)
        raise Refused(f"此令牌仅限数据产品 {row['product_id']}", f"this token is scoped to product {row['product_id']}", 403)
    if grant is not None and not (grant["status"] == "approved" and grant["valid_from"] <= today <= grant["valid_to"]):
        _meter(engine, row["id"], product_id, row["grantee"], 0, 403)
        raise Refused("令牌所依据的授权已撤销或不在有效期内", "the grant behind this token is revoked or not in force", 403)
    frame = build.rows(engine, p, home)
    fields = [f for f in p.fields if grant is None or "*" in json.loads(grant["fields"]) or f in json.loads(grant["fields"])]
    region = json.loads(grant["row_filter"]).get("region_prefix") if grant is not None else None
    if region and "region_code" in frame.columns:
        frame = frame.filter(pl.col("region_code").str.starts_with(region))
    extra = ["suppressed"] if "suppressed" in frame.columns else []
    out = frame.select(fields + extra)
    _meter(engine, row["id"], product_id, row["grantee"], out.height, 200)
    return {"product": product_id, "fields": fields, "rows": out.to_dicts(), "count": out.height,
            "licence": p.licence.as_dict(), "suppression": {"min_enterprises": 3} if p.suppressed else None}


def owns(principal: Principal, p: Product) -> bool:
    """Whether ``principal`` speaks for product ``p``'s owner: the owner department's accounts, or an admin."""
    return principal.role == Role.admin or (principal.role == Role.department and principal.department == p.dataset.owner)


def measure_as(engine: Engine, principal: Principal, product_id: str, home: str) -> dict[str, Any]:
    """:func:`measure` on the owner's request (Refused 403 for anyone else)."""
    p = product(product_id)
    if not owns(principal, p):
        raise Refused(f"只有数据所有方（{p.dataset.owner}）可重新度量", f"only the owner ({p.dataset.owner}) measures", 403)
    return measure(engine, product_id, home)


def revoke_tokens(engine: Engine, principal: Principal, product_id: str) -> int:
    """Revoke the caller's own tokens for a product (an admin or the owner department: everyone's)."""
    p = product(product_id)
    t = db.product_token
    where = [t.c.product_id == product_id, t.c.revoked_at.is_(None)]
    if not owns(principal, p):
        where.append(t.c.grantee == principal.name)
    with engine.begin() as conn:
        return conn.execute(update(t).where(*where).values(revoked_at=utcnow(seconds=True))).rowcount


def usage(engine: Engine, principal: Principal, product_id: str) -> list[dict[str, Any]]:
    """Calls per consumer and day (answered, refused, rows) — for the owner department or an admin."""
    p = product(product_id)
    if not owns(principal, p):
        raise Refused(f"只有数据所有方（{p.dataset.owner}）可查看使用情况", f"only the owner ({p.dataset.owner}) sees usage", 403)
    u = db.product_usage
    day = func.substr(cast(u.c.at, String), 1, 10)
    with engine.connect() as conn:
        rows = conn.execute(select(u.c.grantee, day.label("day"), func.count().label("calls"),
                                   func.sum(u.c.rows).label("rows"),
                                   func.sum(case((u.c.status != 200, 1), else_=0)).label("refused"))
                            .where(u.c.product_id == product_id).group_by(u.c.grantee, day)
                            .order_by(day.desc(), u.c.grantee)).mappings().all()
    return [dict(r) for r in rows]


def catalogue_view(engine: Engine) -> list[dict[str, Any]]:
    """Every product with its owner, level, frequency, licence and latest quality."""
    out = []
    for p in PRODUCTS.values():
        latest = history(engine, p.id)[:1]
        out.append({"id": p.id, "name": p.name.as_dict(), "description": p.description.as_dict(), "owner": p.dataset.owner,
                    "level": p.dataset.level, "frequency": p.frequency.as_dict(), "licence": p.licence.as_dict(),
                    "fields": list(p.fields), "suppressed": p.suppressed, "dataset": p.dataset.code,
                    "quality": latest[0] if latest else None})
    return out

