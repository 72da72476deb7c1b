"""招商跟踪: the work that follows the target list — a project per target, an officer, stages with dates and notes.

Stages go forward only: 线索 lead → 接洽 contact → 考察 visit → 洽谈 negotiate → 签约 signed → 落地 landed (a step may
be skipped, e.g. a lead signed at a fair); 终止 dropped ends an open project. A landed or dropped project is closed.
Every change and every note is an event of the project's timeline, dated by the officer (the day it happened) and
recorded with who and when. A project is **overdue** when its follow-up date has passed while it is still open.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine, func, select, update

from chainatlas import db, vocabulary
from chainatlas.clock import utcnow
from chainatlas.messages import InvalidInput, NotFound

STAGES = tuple(vocabulary.ATTRACTION_STAGES)  # lead, contact, visit, negotiate, signed, landed, dropped
PIPELINE = STAGES[:-1]  # the forward order; dropped is outside it
CLOSED = ("landed", "dropped")


def can_move(stage_from: str, stage_to: str) -> bool:
    """Whether a project may go from ``stage_from`` to ``stage_to``: forward along the pipeline (skipping allowed),
    or dropped while open.

    >>> can_move("lead", "visit"), can_move("visit", "contact"), can_move("signed", "dropped"), can_move("landed", "dropped")
    (True, False, True, False)
    """
    if stage_from in CLOSED or stage_to not in STAGES:
        return False
    if stage_to == "dropped":
        return True
    return PIPELINE.index(stage_to) > PIPELINE.index(stage_from)


def is_overdue(project: dict[str, Any], today: dt.date) -> bool:
    """Open, with a follow-up date before ``today``.

    >>> is_overdue({"stage": "visit", "next_action_on": dt.date(2026, 3, 1)}, dt.date(2026, 3, 2))
    True
    >>> is_overdue({"stage": "landed", "next_action_on": dt.date(2026, 3, 1)}, dt.date(2026, 3, 2))
    False
    """
    due = project.get("next_action_on")
    return project["stage"] not in CLOSED and due is not None and due < today


def _text(value: str | None, field: str, most: int) -> str | None:
    value = (value or "").strip()
    if len(value) > most:
        raise InvalidInput(f"{field} 不能超过 {most} 个字符", f"{field} must be at most {most} characters")
    return value or None


def _check_figures(expected_investment_yuan: float | None, expected_jobs: int | None, landing_region: str | None) -> None:
    """The expected figures and the landing county, as both opening and recording accept them."""
    if expected_investment_yuan is not None and expected_investment_yuan < 0:
        raise InvalidInput("预计投资不能为负数", "expected investment cannot be negative")
    if expected_jobs is not None and expected_jobs < 0:
        raise InvalidInput("预计就业人数不能为负数", "expected jobs cannot be negative")
    if landing_region and not (landing_region.isdigit() and len(landing_region) == 6):
        raise InvalidInput("落地区县须为 6 位行政区划代码", "the landing county must be a 6-digit division code")


def open_project(engine: Engine, *, chain_id: str, target_name: str, officer: str, actor: str,
                 target_uscc: str | None = None, segment_code: str | None = None,
                 expected_investment_yuan: float | None = None, expected_jobs: int | None = None,
                 landing_region: str | None = None, next_action_on: dt.date | None = None,
                 source: dict[str, Any] | None = None, on: dt.date | None = None, note: str | None = None) -> dict[str, Any]:
    """Open a project at stage 线索 (lead), assigned to ``officer``; its first timeline event says who opened it.

    An open project for the same chain and target is refused: one firm is followed once per chain."""
    name = _text(target_name, "target_name", 200)
    if not name:
        raise InvalidInput("请填写招商对象名称", "the target's name is required")
    if not _text(officer, "officer", 100):
        raise InvalidInput("请指定负责的招商人员", "an officer must be assigned")
    if segment_code and not segment_code.startswith(f"{chain_id}."):
        raise InvalidInput(f"环节 {segment_code} 不属于产业链 {chain_id}", f"segment {segment_code} is not in chain {chain_id}")
    _check_figures(expected_investment_yuan, expected_jobs, landing_region)
    p, now = db.attraction_project.c, utcnow()
    with engine.begin() as conn:
        if conn.execute(select(db.chain.c.id).where(db.chain.c.id == chain_id)).first() is None:
            raise NotFound(f"没有产业链 {chain_id}", f"no chain {chain_id}")
        if target_uscc:
            twin = conn.execute(select(p.id).where(p.chain_id == chain_id, p.target_uscc == target_uscc,
                                                   p.stage.not_in(CLOSED))).first()
            if twin is not None:
                raise InvalidInput(f"该企业在本产业链已有跟踪中的项目 #{twin[0]}",
                                   f"this firm already has an open project #{twin[0]} on this chain")
        inserted = conn.execute(db.attraction_project.insert().values(
            chain_id=chain_id, segment_code=segment_code or None, target_uscc=target_uscc or None, target_name=name,
            officer=officer.strip(), stage="lead", expected_investment_yuan=expected_investment_yuan,
            expected_jobs=expected_jobs, landing_region=landing_region or None, next_action_on=next_action_on,
            source=json.dumps(source, ensure_ascii=False, default=str) if source else None,
            created_by=actor, created_at=now, updated_at=now))
        pid = int(inserted.inserted_primary_key[0])  # type: ignore[index]
        conn.execute(db.attraction_event.insert().values(
            project_id=pid, on_date=on or now.date(), stage_from=None, stage_to="lead", note=_text(note, "note", 2000),
            attachments=None, actor=actor, recorded_at=now))
    return project(engine, int(pid))


def record(engine: Engine, project_id: int, *, actor: str, on: dt.date, stage_to: str | None = None,
           note: str | None = None, attachments: list[str] | None = None, next_action_on: dt.date | None = None,
           officer: str | None = None, expected_investment_yuan: float | None = None,
           expected_jobs: int | None = None, landing_region: str | None = None) -> dict[str, Any]:
    """A timeline event: a stage change (checked with :func:`can_move`) and/or a note with document names; it may set
    the next follow-up date, reassign the officer or update the expected figures. A closed project takes notes only."""
    note = _text(note, "note", 2000)
    names = [n.strip() for n in (attachments or []) if n and n.strip()]
    if any(len(n) > 200 for n in names):
        raise InvalidInput("附件名称不能超过 200 个字符", "an attachment name must be at most 200 characters")
    if stage_to is None and not note and not names and next_action_on is None and officer is None \
            and expected_investment_yuan is None and expected_jobs is None and landing_region is None:
        raise InvalidInput("请填写进展说明或变更阶段", "give a note or a stage change")
    if on > dt.date.today() + dt.timedelta(days=1):
        raise InvalidInput("日期不能晚于今天", "the date cannot be in the future")
    _check_figures(expected_investment_yuan, expected_jobs, landing_region)
    p, now = db.attraction_project.c, utcnow()
    with engine.begin() as conn:
        row = conn.execute(select(p.stage).where(p.id == project_id)).first()
        if row is None:
            raise NotFound(f"没有招商项目 #{project_id}", f"no attraction project #{project_id}")
        stage = row[0]
        if stage_to is not None and not can_move(stage, stage_to):
            here, there = vocabulary.ATTRACTION_STAGES[stage], vocabulary.ATTRACTION_STAGES.get(stage_to)
            raise InvalidInput(f"不能从“{here.zh}”变更为“{there.zh if there else stage_to}”（阶段只能前进，已落地或终止的项目不再变更）",
                               f"cannot go from {here.en} to {there.en if there else stage_to} (stages only go forward; "
                               "a landed or dropped project is closed)")
        changes: dict[str, Any] = {"updated_at": now}
        if stage_to is not None:
            changes["stage"] = stage_to
        if next_action_on is not None:
            changes["next_action_on"] = next_action_on
        if officer is not None and officer.strip():
            changes["officer"] = officer.strip()[:100]
        for name, value in (("expected_investment_yuan", expected_investment_yuan), ("expected_jobs", expected_jobs),
                            ("landing_region", landing_region)):
            if value is not None:
                changes[name] = value
        # compare-and-set on the stage read above: a concurrent change makes this attempt fail, not interleave
        done = conn.execute(update(db.attraction_project).where(p.id == project_id, p.stage == stage).values(**changes))
        if done.rowcount != 1:
            raise InvalidInput("项目刚被他人更新，请刷新后重试", "the project was changed meanwhile; reload and retry")
        conn.execute(db.attraction_event.insert().values(
            project_id=project_id, on_date=on, stage_from=stage if stage_to else None, stage_to=stage_to, note=note,
            attachments=json.dumps(names, ensure_ascii=False) if names else None, actor=actor, recorded_at=now))
    return project(engine, project_id)


def _row(r: Any, today: dt.date) -> dict[str, Any]:
    d = dict(r._mapping)
    d["source"] = json.loads(d["source"]) if d.get("source") else None
    d["overdue"] = is_overdue(d, today)
    d["open"] = d["stage"] not in CLOSED
    return d


def project(engine: Engine, project_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """One project with its timeline (oldest first)."""
    today = today or dt.date.today()
    p, e = db.attraction_project.c, db.attraction_event.c
    with engine.connect() as conn:
        row = conn.execute(select(db.attraction_project).where(p.id == project_id)).first()
        if row is None:
            raise NotFound(f"没有招商项目 #{project_id}", f"no attraction project #{project_id}")
        events = [dict(x._mapping) for x in conn.execute(
            select(db.attraction_event).where(e.project_id == project_id).order_by(e.on_date, e.id))]
    for ev in events:
        ev["attachments"] = json.loads(ev["attachments"]) if ev["attachments"] else []
    return {**_row(row, today), "events": events}


def projects(engine: Engine, *, chain_id: str | None = None, officer: str | None = None, stage: str | None = None,
             overdue: bool = False, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Projects, newest first, optionally of one chain, officer or stage, or only the overdue ones."""
    today = today or dt.date.today()
    p = db.attraction_project.c
    stmt = select(db.attraction_project).order_by(p.updated_at.desc(), p.id.desc())
    for col, value in ((p.chain_id, chain_id), (p.officer, officer), (p.stage, stage)):
        if value:
            stmt = stmt.where(col == value)
    if overdue:
        stmt = stmt.where(p.next_action_on < today, p.stage.not_in(CLOSED))
    with engine.connect() as conn:
        return [_row(r, today) for r in conn.execute(stmt)]


def board(engine: Engine, *, chain_id: str | None = None, officer: str | None = None,
          today: dt.date | None = None) -> dict[str, Any]:
    """The pipeline board: per stage the projects, their count and expected investment and jobs; per officer and per
    chain the counts by stage; the overdue ones."""
    rows = projects(engine, chain_id=chain_id, officer=officer, today=today)
    columns = []
    for s in STAGES:
        items = [r for r in rows if r["stage"] == s]
        columns.append({"stage": s, "count": len(items), "items": items,
                        "investment_yuan": sum(r["expected_investment_yuan"] or 0 for r in items),
                        "jobs": sum(r["expected_jobs"] or 0 for r in items)})

    def by(key: str) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for r in rows:
            g = out.setdefault(r[key], {key: r[key], **{s: 0 for s in STAGES}, "overdue": 0, "total": 0})
            g[r["stage"]] += 1
            g["total"] += 1
            g["overdue"] += int(r["overdue"])
        return sorted(out.values(), key=lambda g: g[key])

    return {"columns": columns, "by_officer": by("officer"), "by_chain": by("chain_id"),
            "overdue": [r for r in rows if r["overdue"]], "total": len(rows)}


def officers(engine: Engine) -> list[str]:
    """Names of everyone with a project, for filters."""
    p = db.attraction_project.c
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(p.officer).group_by(p.officer).order_by(func.min(p.officer)))]
