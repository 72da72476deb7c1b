"""Digital-maturity records in the database: self-assessments — each stored with its answers, and its level written
to the enterprise's attribute history (``digital_level``, source :data:`SOURCE`) where the rules read it — and the
maturity views along a chain and among a leader's suppliers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.clock import utcnow
from chainatlas.digital import assessment
from chainatlas.messages import NotFound
from chainatlas.registry.queries import enterprise_names

SOURCE = "数字化水平自评（平台）"


def submit(engine: Engine, uscc: str, answers: dict[str, Any], on: dt.date, by: str | None = None) -> dict[str, Any]:
    """Score ``answers`` for ``uscc`` on ``on``, keep them, and — once the level is known — record it as the firm's
    ``digital_level`` as of ``on`` (so tiers and policies read it, with this source). An unknown firm is refused."""
    result = assessment.assess(answers, on)
    with engine.begin() as conn:
        if conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.uscc == uscc)).first() is None:
            raise NotFound(f"企业 {uscc} 不在企业库中", f"enterprise {uscc} is not in the register")
        given = {i["id"]: i["answer"] for i in result["items"] if i["answer"] is not None}
        rid = conn.execute(db.digital_assessment.insert().values(
            uscc=uscc, assessed_on=on, rule_set=result["rule_set"], answers=json.dumps(given, ensure_ascii=False),
            score_low=result["score"]["low"], score_high=result["score"]["high"], level=result["level"],
            submitted_by=by, created_at=utcnow(seconds=True))).inserted_primary_key
        if result["level"] is not None:
            db.upsert(conn, db.enterprise_attribute, [{"uscc": uscc, "attribute": "digital_level", "as_of": on,
                                                       "source": SOURCE, "value": str(result["level"])}],
                      ["uscc", "attribute", "as_of", "source"])
    return {"id": rid[0] if rid else None, "uscc": uscc, **result}


def history(engine: Engine, uscc: str) -> list[dict[str, Any]]:
    """A firm's assessments, latest first (without the answers)."""
    t = db.digital_assessment
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.assessed_on, t.c.rule_set, t.c.score_low, t.c.score_high, t.c.level,
                                   t.c.submitted_by).where(t.c.uscc == uscc)
                            .order_by(t.c.assessed_on.desc(), t.c.id.desc())).mappings().all()
    return [dict(r) for r in rows]


def latest(engine: Engine, uscc: str) -> dict[str, Any]:
    """A firm's latest assessment re-scored from its stored answers (the explanation, gaps and items)."""
    t = db.digital_assessment
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.uscc == uscc).order_by(t.c.assessed_on.desc(), t.c.id.desc())
                           .limit(1)).mappings().first()
    if row is None:
        raise NotFound(f"企业 {uscc} 尚无数字化水平自评", f"enterprise {uscc} has no self-assessment yet")
    return {"id": row["id"], "uscc": uscc, **assessment.assess(json.loads(row["answers"]), row["assessed_on"])}


def segment_maturity(engine: Engine, chain_id: str, on: dt.date, home: str | None = None) -> list[dict[str, Any]]:
    """:func:`chainatlas.digital.maturity.by_segment` for the local firms on ``chain_id``'s segments, levels as of
    ``on``."""
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.digital.maturity import by_segment
    from chainatlas.rules.inputs import read_inputs

    segs = load_snapshot(engine).chain_segments(chain_id)
    if segs.is_empty():
        raise NotFound(f"没有产业链 {chain_id}", f"no chain {chain_id}")
    return by_segment(_levels(read_inputs(engine, on, home)), segs).to_dicts()


def chain_leaders(engine: Engine, chain_id: str) -> list[dict[str, Any]]:
    """The chain's leaders: firms flagged 链主 and placed on one of ``chain_id``'s segments (USCC and name)."""
    e, p, seg = db.enterprise.c, db.placement.c, db.segment.c
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(
            select(e.uscc, e.name).distinct().join_from(db.enterprise, db.placement, p.uscc == e.uscc)
            .join(db.segment, seg.code == p.segment_code)
            .where(e.is_chain_leader.is_(True), seg.chain_id == chain_id).order_by(e.uscc)).mappings()]


def leader_maturity(engine: Engine, leader: str, on: dt.date, home: str | None = None) -> dict[str, Any]:
    """龙头+配套: the leader's suppliers in its latest period, with their levels as of ``on``, and a summary (by count
    and by value bought)."""
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.digital import maturity
    from chainatlas.rules.inputs import read_inputs

    snap = load_snapshot(engine)
    inputs = _levels(read_inputs(engine, on, home))
    sup = maturity.suppliers(snap.links, leader, inputs)
    names = enterprise_names(engine, [leader, *sup["uscc"].to_list()])
    if leader not in names:
        raise NotFound(f"企业 {leader} 不在企业库中", f"enterprise {leader} is not in the register")
    return {"leader": leader, "leader_name": names.get(leader, ""), "on": on.isoformat(),
            "period": sup["period"][0] if sup.height else None,
            "by_count": maturity.summary(sup), "by_value": maturity.summary(sup, "value_yuan"),
            "suppliers": [{**r, "name": names.get(r["uscc"], "")} for r in sup.to_dicts()]}


def _levels(inputs: pl.DataFrame) -> pl.DataFrame:
    if "digital_level" not in inputs.columns:  # no firm has a level yet
        inputs = inputs.with_columns(pl.lit(None, pl.Int64).alias("digital_level"))
    return inputs.with_columns(pl.col("segments").fill_null([]))
