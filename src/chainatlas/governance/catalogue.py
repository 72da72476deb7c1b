"""The data catalogue (数据目录) and grants (授权): every dataset with its owner and classification level
(GB/T 43697-2024: general / important / core), and owner-approved grants for access beyond a role's defaults.

Grant lifecycle: requested → approved | rejected; approved → revoked; an approved grant is *expired* once
its ``valid_to`` date has passed. Only the dataset's owner department (or an admin) decides.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, update

from chainatlas import db, vocabulary
from chainatlas.clock import utcnow
from chainatlas.exchange.spec import TABLES
from chainatlas.governance.principals import DEPARTMENTS, Principal, Role
from chainatlas.messages import InvalidInput

LEVELS = tuple(vocabulary.DATA_LEVELS)
PURPOSES = {k: str(m) for k, m in vocabulary.PURPOSES.items()}  # code → "中文 / English"


@dataclass(frozen=True)
class Dataset:
    code: str
    name_zh: str
    name_en: str
    owner: str  # a department
    level: str
    fields: tuple[str, ...]
    description: str


DATASETS: dict[str, Dataset] = {d.code: d for d in (
    Dataset("enterprises", "企业主体与属性", "Enterprises and attributes", "market_supervision", "general",
            tuple(c.name for c in TABLES["enterprises"].columns), "企业登记与经营属性（按来源与数据日期）"),
    Dataset("supply_links", "供应关系", "Supply links", "tax", "important", tuple(c.name for c in TABLES["supply_links"].columns),
            "由增值税发票汇总的企业间供货金额"),
    Dataset("transactions", "发票明细", "Invoice lines", "tax", "core", tuple(c.name for c in TABLES["transactions"].columns),
            "增值税发票行级明细（仅在 --keep-lines 时保存）"),
    Dataset("placements", "企业环节归属", "Segment placements", "industry", "general", tuple(c.name for c in TABLES["placements"].columns),
            "企业在产业链环节上的归属及依据"),
    Dataset("enterprise_profiles", "企业培育指标", "Cultivation indicators", "industry", "important",
            tuple(c.name for c in TABLES["enterprise_profiles"].columns), "梯度培育与惠企政策所需的企业指标及评估、筛查、发放台账"),
    Dataset("imports", "数据导入", "Data imports", "industry", "general", ("files", "rows", "problems"), "数据导入与校验报告"),
    Dataset("audit", "审计日志", "Audit log", "industry", "important", ("actor", "action", "purpose", "params", "outcome"), "访问与操作审计记录"),
    # data products (数据即服务, chainatlas.products): published through a grant and a product-scoped token
    Dataset("product.enterprise_register", "数据产品：企业名录", "Product: enterprise register", "market_supervision", "general",
            ("uscc", "name", "region_code", "industry_code", "founded_on"), "企业公开登记信息"),
    Dataset("product.chain_segments", "数据产品：产业链环节图谱", "Product: chain atlas per segment", "industry", "general",
            ("chain", "period", "code", "name_zh", "stage", "local_enterprises", "output_value_yuan", "inputs_value_yuan",
             "inputs_local_value_yuan", "local_share", "status"), "各环节本地企业、产值、配套率（小数抑制）"),
    Dataset("product.clearance_lanes", "数据产品：通关时效", "Product: clearance times", "customs", "general",
            ("mode", "port", "destination", "n", "mean", "median", "p90", "within_target"), "按线路（方式、口岸、目的地）的到港至放行时间（小数抑制）"),
)}
assert all(d.owner in DEPARTMENTS and d.level in LEVELS for d in DATASETS.values())


def _today() -> dt.date:
    return dt.date.today()


def catalogue() -> list[dict[str, Any]]:
    """Every dataset with its owner department, classification level and fields."""
    return [{"code": d.code, "name_zh": d.name_zh, "owner": d.owner, "level": d.level, "fields": list(d.fields),
             "description": d.description} for d in DATASETS.values()]


def request_grant(engine: Engine, grantee: Principal, dataset: str, purpose: str, *, note: str = "",
                  fields: list[str] | None = None, region_prefix: str | None = None,
                  valid_from: dt.date | None = None, valid_to: dt.date | None = None) -> int:
    """File a request for ``dataset`` rows; the dataset's owner decides."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset}; datasets: {', '.join(DATASETS)}")
    if purpose not in PURPOSES:
        raise InvalidInput(f"用途须为：{'、'.join(PURPOSES)}", f"purpose must be one of {', '.join(PURPOSES)}")
    bad = [f for f in fields or [] if f not in DATASETS[dataset].fields]
    if bad:
        raise ValueError(f"unknown fields {bad}")
    if region_prefix is not None and not (region_prefix.isdigit() and 2 <= len(region_prefix) <= 6):
        raise ValueError("region_prefix must be a division-code prefix such as 4101")
    start, end = valid_from or _today(), valid_to or (_today() + dt.timedelta(days=365))
    if end < start:
        raise ValueError("valid_to is before valid_from")
    with engine.begin() as conn:
        res = conn.execute(db.data_grant.insert().values(
            grantee=grantee.name, dataset=dataset, fields=json.dumps(fields or ["*"]),
            row_filter=json.dumps({"region_prefix": region_prefix} if region_prefix else {}), purpose=purpose,
            purpose_note=note[:500] or None, valid_from=start, valid_to=end, status="requested",
            requested_at=utcnow()))
        pk = res.inserted_primary_key
    return int(pk[0]) if pk else 0


def decide(engine: Engine, grant_id: int, decider: Principal, decision: str) -> dict[str, Any]:
    """approve / reject a requested grant, or revoke an approved one — by the owner department or an admin."""
    g = db.data_grant
    with engine.begin() as conn:
        row = conn.execute(select(g).where(g.c.id == grant_id)).mappings().first()
        if row is None:
            raise LookupError(f"grant {grant_id} not found")
        owner = DATASETS[row["dataset"]].owner
        if not (decider.role == Role.admin or (decider.role == Role.department and decider.department == owner)):
            raise PermissionError(f"only the owner ({owner}) or an admin decides on {row['dataset']}")
        allowed = {"approve": ("requested", "approved"), "reject": ("requested", "rejected"), "revoke": ("approved", "revoked")}
        if decision not in allowed:
            raise ValueError("decision must be approve, reject or revoke")
        before, after = allowed[decision]
        if row["status"] != before:
            raise ValueError(f"cannot {decision} a grant that is {row['status']}")
        conn.execute(update(g).where(g.c.id == grant_id).values(
            status=after, decided_by=decider.name, decided_at=utcnow()))
    return grant_dict(engine, grant_id)


def grant_dict(engine: Engine, grant_id: int) -> dict[str, Any]:
    """A grant as the API and the pages show it."""
    with engine.connect() as conn:
        row = conn.execute(select(db.data_grant).where(db.data_grant.c.id == grant_id)).mappings().one()
    return _view(dict(row))


def _view(row: dict[str, Any]) -> dict[str, Any]:
    row["fields"] = json.loads(row["fields"])
    row["row_filter"] = json.loads(row["row_filter"])
    if row["status"] == "approved" and row["valid_to"] < _today():
        row["status"] = "expired"
    return row


def list_grants(engine: Engine, viewer: Principal) -> list[dict[str, Any]]:
    """Admins see all grants; a department those on its datasets and its own; others their own."""
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(db.data_grant).order_by(db.data_grant.c.id)).mappings()]
    owned = {d.code for d in DATASETS.values() if d.owner == viewer.department}
    return [_view(r) for r in rows if viewer.role == Role.admin or r["grantee"] == viewer.name
            or (viewer.role == Role.department and r["dataset"] in owned)]


@dataclass(frozen=True)
class RowAccess:
    allowed: bool
    grant_id: int | None = None
    region_prefix: str | None = None
    reason: str = ""
    fields: tuple[str, ...] | None = None  # None = every field


def row_access(engine: Engine, principal: Principal, dataset: str) -> RowAccess:
    """May ``principal`` read rows of ``dataset``? Role defaults first, then an active approved grant."""
    if principal.role == Role.admin:
        return RowAccess(True)
    if principal.role == Role.department and DATASETS[dataset].owner == principal.department:
        return RowAccess(True)
    # an enterprise account reads rows only of its own (the routes' ``own`` rule), or a data product by grant
    if principal.role == Role.public or (principal.role == Role.enterprise and not dataset.startswith("product.")):
        return RowAccess(False, reason="role")
    g = db.data_grant
    today = _today()
    with engine.connect() as conn:
        row = conn.execute(select(g).where(g.c.grantee == principal.name, g.c.dataset == dataset, g.c.status == "approved",
                                           g.c.valid_from <= today, g.c.valid_to >= today).order_by(g.c.id.desc())).mappings().first()
    if row is None:
        return RowAccess(False, reason="grant")
    fields = json.loads(row["fields"])
    return RowAccess(True, int(row["id"]), json.loads(row["row_filter"]).get("region_prefix"),
                     fields=None if "*" in fields else tuple(fields))
