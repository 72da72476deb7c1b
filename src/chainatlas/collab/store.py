"""Technology demands and capabilities in the database: posting and editing from the workbench, the stored postings
as the matcher sees them, matches for a stored demand or capability, and the cache of embeddings.

Imports come through the exchange spec (tables ``tech_demands`` and ``tech_capabilities``); what the workbench
posts is checked by the same column declarations (:func:`check`).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select, update

from chainatlas import db
from chainatlas.clock import utcnow
from chainatlas.collab import matching as M
from chainatlas.collab.access import UNLISTED, acts_for, can_see, get_demand, is_bureau
from chainatlas.exchange.cells import split_codes
from chainatlas.exchange.importer import posting_rows
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import InvalidInput, NotFound, Refused

MODEL = "multilingual-e5-small-q4"
_lock = threading.Lock()
_matchers: dict[tuple[str, bool], M.Matcher] = {}
_embeddings_loaded: set[Any] = set()  # databases whose stored vectors this process has read


def demand_posting(d: dict[str, Any]) -> M.Posting:
    """A demand as the matcher sees it: title, text and its declared segment."""
    return M.Posting(d["demand_id"], d["text"], title=d["title"],
                     segments=(d["segment_code"],) if d.get("segment_code") else ())


def capability_posting(c: dict[str, Any]) -> M.Posting:
    """A capability as the matcher sees it: title, text, keywords and its declared segment."""
    kws = tuple(k for k in (c.get("keywords") or "").split("、") if k)
    return M.Posting(c["capability_id"], c["text"], title=c["title"], keywords=kws,
                     segments=(c["segment_code"],) if c.get("segment_code") else ())


def capability_postings(engine: Engine) -> list[M.Posting]:
    """Active capabilities as postings."""
    c = db.collab_capability.c
    with engine.connect() as conn:
        return [capability_posting(dict(r._mapping)) for r in conn.execute(
            select(db.collab_capability).where(c.state == "active").order_by(c.capability_id))]


def capability_owners(engine: Engine) -> dict[str, str]:
    """Active capability id → its organisation's USCC."""
    c = db.collab_capability.c
    with engine.connect() as conn:
        return {k: v for k, v in conn.execute(select(c.capability_id, c.uscc).where(c.state == "active"))}


def capability_index(engine: Engine) -> M.Matcher:
    """The matcher over the active capabilities (cached until the table changes)."""
    return _matcher(engine, "capabilities")


def _fingerprint(engine: Engine, table: Any) -> str:
    with engine.connect() as conn:
        n, last = conn.execute(select(func.count(), func.max(table.c.updated_at))).one()
    return f"{table.name}:{n}:{last}"


def load_embeddings(engine: Engine) -> int:
    """Fill the encoder's cache from the stored embeddings (so a restart does not embed every posting again)."""
    t = db.collab_embedding
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.text_sha, t.c.kind, t.c.vector).where(t.c.model == MODEL)).all()
    M._ENCODER.remember({(kind == "query", sha): np.frombuffer(vec, dtype=np.float32) for sha, kind, vec in rows})
    return len(rows)


def save_embeddings(engine: Engine) -> int:
    """Store the encoder's cached vectors that the database does not hold yet."""
    t = db.collab_embedding
    with engine.connect() as conn:
        have = {(k == "query", s) for s, k in conn.execute(select(t.c.text_sha, t.c.kind))}
    new = [{"text_sha": sha, "kind": "query" if q else "passage", "model": MODEL,
            "vector": np.asarray(v, dtype=np.float32).tobytes()}
           for (q, sha), v in M._ENCODER.cached().items() if (q, sha) not in have]
    if new:
        with engine.begin() as conn:
            conn.execute(t.insert(), new)
    return len(new)


def _matcher(engine: Engine, which: str) -> M.Matcher:
    """The index of active capabilities (``which="capabilities"``) or of all demands (callers filter by who may see
    them), rebuilt when the table changes; vectors come from the stored embeddings, read once per process."""
    table = db.collab_capability if which == "capabilities" else db.collab_demand
    key = (_fingerprint(engine, table), M.Encoder.available())
    with _lock:
        if key in _matchers:
            return _matchers[key]
        if engine.url not in _embeddings_loaded:
            load_embeddings(engine)
            _embeddings_loaded.add(engine.url)
        if which == "capabilities":
            postings = capability_postings(engine)
        else:
            c = db.collab_demand.c
            with engine.connect() as conn:
                postings = [demand_posting(dict(r._mapping)) for r in conn.execute(
                    select(db.collab_demand).order_by(c.demand_id))]
        m = M.Matcher(postings)
        save_embeddings(engine)
        for k in [k for k in _matchers if k[0].startswith(table.name)]:
            del _matchers[k]
        _matchers[key] = m
        return m


def warm(engine: Engine) -> None:
    """Build both indexes now (the demo and ``make run`` call it so the first page view is fast)."""
    _matcher(engine, "capabilities")
    _matcher(engine, "demands")


def matches_for_demand(engine: Engine, demand_id: str, p: Principal, top: int = 10) -> dict[str, Any]:
    """The ranked capabilities for a stored demand, each with its organisation and the evidence."""
    with engine.connect() as conn:
        d = get_demand(conn, demand_id)
    if not can_see(p, d):
        raise NotFound(f"没有技术需求 {demand_id}", f"no technology demand {demand_id}")
    m = _matcher(engine, "capabilities")
    found = m.search(demand_posting(d), top=top)
    caps = _by_id(engine, db.collab_capability, "capability_id", [x.id for x in found])
    rows = [{"capability_id": x.id, "score": x.score, "why": x.why, **_brief(caps[x.id], "capability")} for x in found]
    return {"demand_id": demand_id, "mode": m.mode, "matches": rows}


def matches_for_capability(engine: Engine, capability_id: str, p: Principal, top: int = 10) -> dict[str, Any]:
    """The ranked demands for a capability, among the demands ``p`` may see."""
    cap = capability(engine, capability_id)
    m = _matcher(engine, "demands")
    found = m.search(capability_posting(cap), top=max(top * 5, 50))
    ds = _by_id(engine, db.collab_demand, "demand_id", [x.id for x in found])
    rows = []
    for x in found:
        d = {**ds[x.id], "invited": split_codes(ds[x.id].get("invited"))}
        if can_see(p, d) and d["state"] not in UNLISTED:
            rows.append({"demand_id": x.id, "score": x.score, "why": x.why, **_brief(d, "demand")})
        if len(rows) == top:
            break
    return {"capability_id": capability_id, "mode": m.mode, "matches": rows}


def _by_id(engine: Engine, table: Any, key: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {r._mapping[key]: dict(r._mapping) for r in conn.execute(select(table).where(table.c[key].in_(ids)))}


def _brief(row: dict[str, Any], kind: str) -> dict[str, Any]:
    keep = ("title", "uscc", "chain_id", "segment_code", "org_name", "trl") if kind == "capability" else \
        ("title", "uscc", "chain_id", "segment_code", "state", "deadline", "budget_max_yuan")
    return {k: row.get(k) for k in keep}


def capability(engine: Engine, capability_id: str) -> dict[str, Any]:
    """One capability (raises :class:`NotFound`)."""
    with engine.connect() as conn:
        row = conn.execute(select(db.collab_capability).where(db.collab_capability.c.capability_id == capability_id)).first()
    if row is None:
        raise NotFound(f"没有技术成果 {capability_id}", f"no capability {capability_id}")
    return dict(row._mapping)


def capabilities(engine: Engine, *, chain_id: str | None = None, uscc: str | None = None, text: str | None = None,
                 include_withdrawn: bool = False) -> list[dict[str, Any]]:
    """Capabilities, newest first: active ones unless asked, of a chain or an organisation, or with words."""
    c = db.collab_capability.c
    stmt = select(db.collab_capability).order_by(c.updated_at.desc(), c.capability_id)
    if not include_withdrawn:
        stmt = stmt.where(c.state == "active")
    if chain_id:
        stmt = stmt.where(c.chain_id == chain_id)
    if uscc:
        stmt = stmt.where(c.uscc == uscc)
    if text:
        stmt = stmt.where(c.title.contains(text) | c.text.contains(text) | c.keywords.contains(text))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


# ---- posting from the workbench --------------------------------------------------------------------------------


def _next_id(engine: Engine, table: Any, key: str, prefix: str) -> str:
    year = dt.date.today().year
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(table).where(table.c[key].like(f"{prefix}-{year}-%"))).scalar()
    return f"{prefix}-{year}-{int(n or 0) + 1:04d}"


def check(engine: Engine, table: str, values: dict[str, Any]) -> dict[str, Any]:
    """One row checked by the exchange spec's declarations of ``table`` (the same checks as an import)."""
    import polars as pl

    from chainatlas.exchange.importer import build_context
    from chainatlas.exchange.readers import LINE
    from chainatlas.exchange.spec import TABLES
    from chainatlas.exchange.validate import validate_batch

    spec = TABLES[table]
    cells = {c.name: (None if values.get(c.name) in (None, "") else str(values[c.name])) for c in spec.columns}
    frame = pl.DataFrame({LINE: [1], **{k: [v] for k, v in cells.items()}}, schema={LINE: pl.Int64, **{k: pl.String for k in cells}})
    with engine.connect() as conn:
        ctx = build_context(conn, parties=False)  # one row, no references: the register's USCCs are not needed
    res = validate_batch(frame, spec, ctx, file="表单", sheet="", original_headers={})
    if res.problems:
        pr = res.problems[0]
        raise InvalidInput(f"{pr.column}：{pr.reason_zh}", f"{pr.column}: {pr.reason_en}")
    row: dict[str, Any] = res.valid.drop(LINE).to_dicts()[0]
    return row


POSTINGS = {  # table → (database table, key, id prefix, what is posted, first state)
    "tech_demands": (db.collab_demand, "demand_id", "XQ", ("技术需求", "demands"), "draft"),
    "tech_capabilities": (db.collab_capability, "capability_id", "CG", ("技术成果", "capabilities"), "active"),
}


def _post(engine: Engine, p: Principal, table: str, values: dict[str, Any]) -> dict[str, Any]:
    """A posting by an organisation for itself (or by the bureau for one), checked as an import row, with its code
    given or the next of the year."""
    t, key, prefix, (what_zh, what_en), state = POSTINGS[table]
    if not (p.role == Role.enterprise or is_bureau(p)):
        raise Refused(f"发布{what_zh}须使用单位账号或主管部门账号", f"{what_en} are posted by organisations or the bureau", 403)
    uscc = p.enterprise_uscc if p.role == Role.enterprise else values.get("uscc")
    row = check(engine, table, {**values, key: values.get(key) or _next_id(engine, t, key, prefix), "uscc": uscc,
                                "state": state})
    with engine.begin() as conn:
        if conn.execute(select(t.c[key]).where(t.c[key] == row[key])).first():
            raise InvalidInput(f"编号 {row[key]} 已存在", f"{key} {row[key]} exists")
        conn.execute(t.insert().values(**posting_rows(table, [row])[0]))
        if table == "tech_demands":
            conn.execute(db.collab_event.insert().values(demand_id=row[key], kind="state", state_to=state, actor=p.name,
                                                         role=p.role.value, at=utcnow(), note=None))
    return row


def post_demand(engine: Engine, p: Principal, values: dict[str, Any]) -> dict[str, Any]:
    """征集: an enterprise (or the bureau on its behalf) posts a demand as a draft."""
    return _post(engine, p, "tech_demands", values)


def post_capability(engine: Engine, p: Principal, values: dict[str, Any]) -> dict[str, Any]:
    """An institute (or the bureau on its behalf) posts a capability; it is active at once."""
    return _post(engine, p, "tech_capabilities", values)


def _save_edit(engine: Engine, table: str, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """``current`` with the given ``values`` (None: unchanged), checked as an import row and written back (its key,
    state and creation time kept, its update time now)."""
    t, key = POSTINGS[table][:2]
    row = check(engine, table, {**current, **{k: v for k, v in values.items() if v is not None}})
    written = posting_rows(table, [row])[0]
    for k in (key, "created_at"):
        written.pop(k)
    with engine.begin() as conn:
        conn.execute(update(t).where(t.c[key] == current[key]).values(**written))
    return row


def edit_demand(engine: Engine, demand_id: str, p: Principal, values: dict[str, Any]) -> dict[str, Any]:
    """The owner (or the bureau) edits a demand while it is a draft or under review."""
    with engine.connect() as conn:
        d = get_demand(conn, demand_id)
    if not can_see(p, d):
        raise NotFound(f"没有技术需求 {demand_id}", f"no technology demand {demand_id}")
    if not (acts_for(p, d["uscc"]) or is_bureau(p)):
        raise Refused("只有发榜企业或主管部门可以修改需求", "only the posting enterprise or the bureau edits a demand", 403)
    if d["state"] not in ("draft", "review"):
        raise Refused("发榜后需求内容不再修改", "a published demand is not edited")
    return _save_edit(engine, "tech_demands", {**d, "invited": "、".join(d["invited"])}, values)


def edit_capability(engine: Engine, capability_id: str, p: Principal, values: dict[str, Any]) -> dict[str, Any]:
    """Its organisation (or the bureau) edits an active capability; the row is checked as an import row."""
    cap = capability(engine, capability_id)
    if not (acts_for(p, cap["uscc"]) or is_bureau(p)):
        raise Refused("只有发布单位或主管部门可以修改成果", "only the institute or the bureau edits a capability", 403)
    if cap["state"] != "active":
        raise Refused("已撤回的成果不再修改", "a withdrawn capability is not edited")
    _save_edit(engine, "tech_capabilities", cap, values)
    return capability(engine, capability_id)


def withdraw_capability(engine: Engine, capability_id: str, p: Principal) -> dict[str, Any]:
    """Its organisation or the bureau withdraws a capability: no longer matched nor listed."""
    cap = capability(engine, capability_id)
    if not (acts_for(p, cap["uscc"]) or is_bureau(p)):
        raise Refused("只有发布单位或主管部门可以撤回成果", "only the institute or the bureau withdraws a capability", 403)
    with engine.begin() as conn:
        conn.execute(update(db.collab_capability).where(db.collab_capability.c.capability_id == capability_id)
                     .values(state="withdrawn", updated_at=utcnow()))
    return capability(engine, capability_id)
