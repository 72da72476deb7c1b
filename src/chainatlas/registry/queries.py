"""Read-side queries over the registry: enterprise search, profiles, overview counts, chains, links.

Pure functions of an engine and parameters, returning plain dicts, so that the API, the web pages and
the CLI show the same figures.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, and_, case, func, or_, select

from chainatlas import db, vocabulary
from chainatlas.settings import home_of

FLAGS = tuple(vocabulary.ENTERPRISE_FLAGS)  # is_above_scale, is_high_tech, is_srdi, is_little_giant, is_chain_leader, is_listed
FLAG_ZH = vocabulary.names("flag")
ENTERPRISE_COLUMNS = [c.name for c in db.enterprise.columns]


def search_enterprises(
    engine: Engine, *, q: str | None = None, region: str | None = None, industry: str | None = None,
    segment: str | None = None, chain: str | None = None, flags: list[str] | None = None, page: int = 1, per_page: int = 50,
    fields: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Enterprises matching all filters (name or USCC contains ``q``; division-code prefix ``region``;
    industry-code prefix ``industry``; placed on ``segment`` or any segment of ``chain``; every flag set)."""
    e = db.enterprise
    conds = []
    if q:
        conds.append(or_(e.c.name.contains(q), e.c.uscc.contains(q.upper())))
    if region:
        conds.append(e.c.region_code.startswith(region))
    if industry:
        conds.append(e.c.industry_code.startswith(industry.upper()))
    if segment or chain:
        p = db.placement
        sub = select(p.c.uscc).where(p.c.segment_code == segment if segment else p.c.segment_code.startswith(f"{chain}."))
        conds.append(e.c.uscc.in_(sub))
    for f in flags or []:
        if f not in FLAGS:
            raise ValueError(f"unknown flag {f}; flags: {', '.join(FLAGS)}")
        conds.append(e.c[f].is_(True))
    where = and_(*conds) if conds else None
    per_page = max(1, min(per_page, 1000))
    page = max(1, page)
    with engine.connect() as conn:
        count = select(func.count()).select_from(e)
        total = conn.execute(count.where(where) if where is not None else count).scalar_one()
        stmt = select(e.c.uscc, e.c.name, e.c.country_code, e.c.region_code, e.c.industry_code, e.c.revenue_yuan,
                      e.c.employees, *[e.c[f] for f in FLAGS], db.region.c.name.label("region_name"))
        stmt = stmt.outerjoin(db.region, db.region.c.code == e.c.region_code)
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(e.c.revenue_yuan.desc().nulls_last(), e.c.uscc).limit(per_page).offset((page - 1) * per_page)
        rows = [limit_fields(dict(r._mapping), fields) for r in conn.execute(stmt)]
    return {"total": int(total), "page": page, "per_page": per_page, "items": rows}


KEY_FIELDS = ("uscc", "name")


def limit_fields(record: dict[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    """Keep only ``fields`` (and the keys) of a record; ``None`` keeps everything.

    >>> limit_fields({"uscc": "1", "name": "甲", "revenue_yuan": 5, "employees": 3}, ("employees",))
    {'uscc': '1', 'name': '甲', 'employees': 3}
    """
    if fields is None:
        return record
    keep = set(fields) | set(KEY_FIELDS)
    return {k: v for k, v in record.items() if k in keep}


def get_enterprise(engine: Engine, uscc: str, top: int = 10, *, fields: tuple[str, ...] | None = None,
                   with_links: bool = True) -> dict[str, Any] | None:
    """One enterprise: attributes with source and as-of date, segments, top suppliers and customers.

    ``fields`` limits the attributes shown (a grant's field list); ``with_links`` False leaves out the
    suppliers and customers (supply-link data, which needs its own access)."""
    e, a, p, s, link = db.enterprise, db.enterprise_attribute, db.placement, db.segment, db.supply_link
    with engine.connect() as conn:
        found = conn.execute(select(e).where(e.c.uscc == uscc)).first()
        if found is None:
            return None
        record: dict[str, Any] = dict(found._mapping)
        # only the register's attributes: the indicators of enterprise_profiles are another dataset with its own owner
        register = [c.name for c in e.c if c.name not in ("uscc", "source", "as_of")]
        latest = (select(a.c.attribute, a.c.value, a.c.source, a.c.as_of).where(a.c.uscc == uscc, a.c.attribute.in_(register))
                  .order_by(a.c.attribute, a.c.as_of.desc()))
        provenance: dict[str, dict[str, Any]] = {}
        history: list[dict[str, Any]] = []
        for r in conn.execute(latest):
            history.append(dict(r._mapping))
            provenance.setdefault(r.attribute, {"value": r.value, "source": r.source, "as_of": r.as_of})
        segments = [dict(r._mapping) for r in conn.execute(
            select(p.c.segment_code, s.c.name_zh, s.c.name_en, s.c.stage, s.c.chain_id, p.c.evidence, p.c.confidence, p.c.source)
            .join(s, s.c.code == p.c.segment_code).where(p.c.uscc == uscc))]
        region = conn.execute(select(db.region.c.name).where(db.region.c.code == record["region_code"])).scalar()
        industry = conn.execute(select(db.industry.c.name_zh).where(db.industry.c.code == record["industry_code"])).scalar()

        def partners(mine: Any, theirs: Any) -> list[dict[str, Any]]:
            stmt = (select(theirs.label("uscc"), e.c.name, e.c.region_code, link.c.period,
                           func.sum(link.c.value_yuan).label("value_yuan"), func.count().label("links"))
                    .join(e, e.c.uscc == theirs).where(mine == uscc)
                    .group_by(theirs, e.c.name, e.c.region_code, link.c.period)
                    .order_by(link.c.period.desc(), func.sum(link.c.value_yuan).desc()).limit(top))
            return [dict(r._mapping) for r in conn.execute(stmt)]

        suppliers = partners(link.c.buyer_uscc, link.c.supplier_uscc) if with_links else []
        customers = partners(link.c.supplier_uscc, link.c.buyer_uscc) if with_links else []
    home = home_of()
    for lst in (suppliers, customers):
        for partner in lst:
            partner["local"] = bool(partner["region_code"] and partner["region_code"].startswith(home))
    if fields is not None:
        record = {k: (v if k in set(fields) | set(KEY_FIELDS) else None) for k, v in record.items()}
        provenance = {k: v for k, v in provenance.items() if k in fields}
        history = [h for h in history if h["attribute"] in fields]
    return {"enterprise": record, "region_name": region, "industry_name": industry, "provenance": provenance,
            "history": history, "segments": segments, "top_suppliers": suppliers, "top_customers": customers,
            "links_shown": with_links, "fields_limited": fields is not None}


def overview(engine: Engine) -> dict[str, Any]:
    """Counts for the overview page: enterprises by chain, by district of the home city, by tier."""
    e, p, s = db.enterprise, db.placement, db.segment
    home = home_of()
    local = e.c.region_code.startswith(home)
    with engine.connect() as conn:
        totals = conn.execute(select(func.count(), func.sum(case((local, 1), else_=0)))).one()
        links = conn.execute(select(func.count(), func.count(func.distinct(db.supply_link.c.period))).select_from(db.supply_link)).one()
        by_chain = [dict(r._mapping) for r in conn.execute(
            select(db.chain.c.id, db.chain.c.name_zh, db.chain.c.name_en,
                   func.count(func.distinct(p.c.uscc)).label("enterprises"),
                   func.count(func.distinct(case((local, p.c.uscc)))).label("local_enterprises"))
            .select_from(db.chain).outerjoin(s, s.c.chain_id == db.chain.c.id).outerjoin(p, p.c.segment_code == s.c.code)
            .outerjoin(e, e.c.uscc == p.c.uscc).group_by(db.chain.c.id, db.chain.c.name_zh, db.chain.c.name_en).order_by(db.chain.c.id))]
        by_district = [dict(r._mapping) for r in conn.execute(
            select(e.c.region_code, db.region.c.name, func.count().label("enterprises"),
                   func.sum(case((e.c.is_above_scale.is_(True), 1), else_=0)).label("above_scale"))
            .join(db.region, db.region.c.code == e.c.region_code).where(local)
            .group_by(e.c.region_code, db.region.c.name).order_by(e.c.region_code))]
        tiers = {f: int(conn.execute(select(func.count()).where(local, e.c[f].is_(True))).scalar_one()) for f in FLAGS}
        as_of = conn.execute(select(func.max(e.c.as_of))).scalar()
    return {"home_region": home, "enterprises": int(totals[0]), "local_enterprises": int(totals[1] or 0),
            "supply_links": int(links[0]), "periods": int(links[1]), "by_chain": by_chain, "by_district": by_district,
            "tiers_local": tiers, "as_of": as_of}


def divisions(engine: Engine, parent: str | None = None) -> list[dict[str, Any]]:
    """Administrative divisions (GB/T 2260) under ``parent`` (none: the provinces), by code — for pickers.

    A province's children are its prefectures and the counties it administers directly (济源市 419001)."""
    r = db.region
    stmt = select(r.c.code, r.c.name, r.c.level).order_by(r.c.code)
    stmt = stmt.where(r.c.parent_code == parent) if parent else stmt.where(r.c.level == "province")
    with engine.connect() as conn:
        return [dict(x._mapping) for x in conn.execute(stmt)]


def countries(engine: Engine) -> list[dict[str, Any]]:
    """ISO 3166-1 countries (alpha-2, names in Chinese and English), by code — for pickers."""
    c = db.country
    with engine.connect() as conn:
        return [dict(x._mapping) for x in conn.execute(select(c.c.alpha2, c.c.name_zh, c.c.name_en).order_by(c.c.alpha2))]


def province_names(engine: Engine) -> dict[str, str]:
    """Province by its 2-digit code prefix (``41`` → 河南省)."""
    return {d["code"][:2]: d["name"] for d in divisions(engine)}


def country_names(engine: Engine, lang: str = "zh") -> dict[str, str]:
    """Country (ISO 3166-1 alpha-2) → its name in ``lang`` (zh, or en where no Chinese name is known)."""
    return {c["alpha2"]: (c["name_zh"] if lang == "zh" else None) or c["name_en"] for c in countries(engine)}


def with_country_names(engine: Engine, rows: list[dict[str, Any]], key: str = "country_code") -> list[dict[str, Any]]:
    """``rows`` with ``name_zh`` and ``name_en`` of the country in ``key`` (None for an unknown code)."""
    by = {c["alpha2"]: c for c in countries(engine)}
    return [{**r, "name_zh": by.get(r.get(key) or "", {}).get("name_zh"), "name_en": by.get(r.get(key) or "", {}).get("name_en")}
            for r in rows]


def division_names(engine: Engine, codes: list[str]) -> dict[str, str]:
    """Full names of division-code prefixes (``41`` 河南省, ``4101`` 河南省郑州市, ``410105`` 河南省郑州市金水区);
    a code that is not a 2-, 4- or 6-digit prefix, or names nothing, is left out."""
    def levels(code: str) -> list[str]:
        return list(dict.fromkeys([code[:2] + "0000", *([code[:4] + "00"] if len(code) >= 4 else []),
                                   *([code] if len(code) == 6 else [])]))

    wanted = [c for c in codes if c.isdigit() and len(c) in (2, 4, 6)]
    with engine.connect() as conn:
        names = dict(conn.execute(select(db.region.c.code, db.region.c.name)
                                  .where(db.region.c.code.in_({x for c in wanted for x in levels(c)}))).all())
    out = {c: "".join(names[x] for x in levels(c) if x in names) for c in wanted}
    return {c: n for c, n in out.items() if n}


def enterprise_names(engine: Engine, usccs: list[str]) -> dict[str, str]:
    """USCC → registered name, for the given codes (unknown ones left out)."""
    if not usccs:
        return {}
    e = db.enterprise
    with engine.connect() as conn:
        return dict(conn.execute(select(e.c.uscc, e.c.name).where(e.c.uscc.in_(set(usccs)))).all())


def list_chains(engine: Engine) -> list[dict[str, Any]]:
    """The chains (id, names, description, sources), by id."""
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(db.chain).order_by(db.chain.c.id))]


def get_chain(engine: Engine, chain_id: str) -> dict[str, Any] | None:
    """One chain with its segments; None when unknown."""
    s, p = db.segment, db.placement
    with engine.connect() as conn:
        row = conn.execute(select(db.chain).where(db.chain.c.id == chain_id)).first()
        if row is None:
            return None
        stmt = select(p.c.segment_code, func.count()).where(p.c.segment_code.startswith(f"{chain_id}.")).group_by(p.c.segment_code)
        counts: dict[str, int] = {code: int(n) for code, n in conn.execute(stmt)}
        segs = []
        for r in conn.execute(select(s).where(s.c.chain_id == chain_id)):
            d = dict(r._mapping)
            for k in ("feeds_into", "industry_codes", "keywords", "tax_code_prefixes"):
                d[k] = json.loads(d[k])
            d["enterprises"] = int(counts.get(d["code"], 0))
            segs.append(d)
    chain = dict(row._mapping)
    chain["sources"] = json.loads(chain["sources"] or "[]")
    chain["segments"] = segs
    return chain


def list_supply_links(
    engine: Engine, *, supplier: str | None = None, buyer: str | None = None, period: str | None = None,
    segment: str | None = None, page: int = 1, per_page: int = 100,
) -> dict[str, Any]:
    """A page of supply links, filtered by supplier, buyer, period or segment."""
    link = db.supply_link
    conds = []
    for col, v in ((link.c.supplier_uscc, supplier), (link.c.buyer_uscc, buyer), (link.c.period, period), (link.c.segment_code, segment)):
        if v:
            conds.append(col == v)
    where = and_(*conds) if conds else None
    per_page = max(1, min(per_page, 1000))
    with engine.connect() as conn:
        count = select(func.count()).select_from(link)
        total = conn.execute(count.where(where) if where is not None else count).scalar_one()
        stmt = select(link).order_by(link.c.value_yuan.desc(), link.c.id).limit(per_page).offset((max(page, 1) - 1) * per_page)
        rows = [dict(r._mapping) for r in conn.execute(stmt.where(where) if where is not None else stmt)]
    return {"total": int(total), "page": page, "per_page": per_page, "items": rows}
