"""揭榜挂帅: a technology demand from posting to payment, who may see it and who may move it.

States (``vocabulary.COLLAB_STATES``): 征集 draft → 论证 review → 发榜 published → 揭榜 bidding → 遴选 selection →
签约 contracted → 实施 implementing → 验收 accepted → 兑付 paid; 论证未通过 rejected and 撤榜 withdrawn end it.
:data:`TRANSITIONS` says which step each actor may take: the posting enterprise (``owner``), the science-and-technology
or industry bureau (``bureau``: admins and department accounts of :data:`BUREAU_DEPARTMENTS`) or the chosen institute
(``chosen``). A step's preconditions (a deadline to publish, a chosen bid to contract, every milestone accepted to
accept, the award paid to close) are checked here; a refused step raises :class:`Refused` with the reason.

Visibility (:func:`can_see`): a demand in draft, review or rejected is seen by its owner and the bureau only;
afterwards ``public`` is seen by everyone, ``selected`` by the owner, the bureau and the invited institutes, ``bureau``
by the owner and the bureau. A bid is seen by the demand's owner, the bureau and the bidder.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from chainatlas import db, vocabulary
from chainatlas.clock import utcnow
from chainatlas.collab.access import (
    acts_for,
    can_see,
    demand_row,
    get_demand,
    is_bureau,
)
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import InvalidInput, NotFound, Refused
from chainatlas.registry.queries import enterprise_names

STATES = tuple(vocabulary.COLLAB_STATES)
OPEN_FOR_BIDS = ("published", "bidding")


@dataclass(frozen=True)
class Step:
    to: str
    by: frozenset[str]  # owner, bureau, chosen


def _s(to: str, *by: str) -> Step:
    return Step(to, frozenset(by))


TRANSITIONS: dict[str, tuple[Step, ...]] = {
    "draft": (_s("review", "owner", "bureau"), _s("withdrawn", "owner", "bureau")),
    "review": (_s("published", "bureau"), _s("rejected", "bureau"), _s("draft", "bureau"), _s("withdrawn", "owner", "bureau")),
    "published": (_s("bidding", "bureau"), _s("withdrawn", "owner", "bureau")),
    "bidding": (_s("selection", "bureau"), _s("withdrawn", "owner", "bureau")),
    "selection": (_s("contracted", "bureau"), _s("bidding", "bureau")),
    "contracted": (_s("implementing", "bureau", "chosen"),),
    "implementing": (_s("accepted", "bureau"),),
    "accepted": (_s("paid", "bureau"),),
    "paid": (), "rejected": (), "withdrawn": (),
}


def actor_roles(p: Principal, demand: dict[str, Any], chosen_uscc: str | None = None) -> set[str]:
    """Which of owner / bureau / chosen ``p`` acts as for ``demand``.

    >>> actor_roles(Principal(1, "e", Role.enterprise, "91A"), {"uscc": "91A"})
    {'owner'}
    """
    roles = set()
    if acts_for(p, demand["uscc"]):
        roles.add("owner")
    if is_bureau(p):
        roles.add("bureau")
    if acts_for(p, chosen_uscc):
        roles.add("chosen")
    return roles


def allowed_steps(state: str, roles: set[str]) -> list[str]:
    """The states ``roles`` may move a demand in ``state`` to.

    >>> allowed_steps("review", {"bureau"}), allowed_steps("review", {"owner"}), allowed_steps("paid", {"bureau"})
    (['published', 'rejected', 'draft', 'withdrawn'], ['withdrawn'], [])
    """
    return [s.to for s in TRANSITIONS.get(state, ()) if s.by & roles]


def _fetch(conn: Connection, table: Any, row_id: int, zh: str, en: str) -> dict[str, Any]:
    """Row ``row_id`` of ``table`` (a bid, a milestone), or :class:`NotFound` naming it."""
    row = conn.execute(select(table).where(table.c.id == row_id)).first()
    if row is None:
        raise NotFound(f"没有{zh} #{row_id}", f"no {en} #{row_id}")
    return dict(row._mapping)


def _chosen(conn: Connection, demand_id: str) -> dict[str, Any] | None:
    b = db.collab_bid.c
    row = conn.execute(select(db.collab_bid).where(b.demand_id == demand_id, b.state == "chosen")).first()
    return dict(row._mapping) if row else None


def _event(conn: Connection, demand_id: str, kind: str, p: Principal, *, state_from: str | None = None,
           state_to: str | None = None, note: str | None = None) -> None:
    conn.execute(db.collab_event.insert().values(demand_id=demand_id, kind=kind, state_from=state_from, state_to=state_to,
                                                 note=note, actor=p.name, role=p.role.value, at=utcnow()))


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > 2000:
        raise InvalidInput("说明不能超过 2000 个字符", "a note must be at most 2000 characters")
    return note or None


def move(engine: Engine, demand_id: str, to: str, p: Principal, *, note: str | None = None,
         today: dt.date | None = None) -> dict[str, Any]:
    """Take one workflow step, checked against :data:`TRANSITIONS` and the step's preconditions; the step and its
    note are an event of the demand. Publishing notifies the best-matched institutes (:func:`notify_matches`)."""
    today = today or dt.date.today()
    note = _note(note)
    if to not in STATES:
        raise InvalidInput(f"未知状态 {to}", f"unknown state {to}")
    with engine.begin() as conn:
        d = get_demand(conn, demand_id)
        if not can_see(p, d):
            raise NotFound(f"没有技术需求 {demand_id}", f"no technology demand {demand_id}")
        chosen = _chosen(conn, demand_id)
        roles = actor_roles(p, d, chosen["uscc"] if chosen else None)
        here, there = vocabulary.COLLAB_STATES[d["state"]], vocabulary.COLLAB_STATES[to]
        if to not in [s.to for s in TRANSITIONS[d["state"]]]:
            raise Refused(f"不能从“{here.zh}”变更为“{there.zh}”", f"cannot go from {here.en} to {there.en}")
        if to not in allowed_steps(d["state"], roles):
            who = "、".join(sorted({w for s in TRANSITIONS[d["state"]] if s.to == to for w in s.by}))
            raise Refused(f"“{here.zh}→{there.zh}”须由{_WHO_ZH.get(who, who)}操作",
                              f"{here.en} → {there.en} is taken by: {who}", status=403)
        _preconditions(conn, d, to, chosen, today)
        done = conn.execute(update(db.collab_demand).where(db.collab_demand.c.demand_id == demand_id,
                                                           db.collab_demand.c.state == d["state"])
                            .values(state=to, updated_at=utcnow()))
        if done.rowcount != 1:
            raise Refused("需求刚被他人更新，请刷新后重试", "the demand was changed meanwhile; reload and retry")
        _event(conn, demand_id, "state", p, state_from=d["state"], state_to=to, note=note)
        if to == "contracted" and chosen:
            _milestones_from_bid(conn, demand_id, chosen)
    if to == "published":
        notify_matches(engine, demand_id)
    return demand(engine, demand_id, p)


_WHO_ZH = {"bureau": "主管部门", "owner": "发榜企业", "chosen": "选定的院所", "bureau、owner": "发榜企业或主管部门",
           "bureau、chosen": "主管部门或选定的院所"}


def _preconditions(conn: Connection, d: dict[str, Any], to: str, chosen: dict[str, Any] | None, today: dt.date) -> None:
    if to == "published" and (d["deadline"] is None or d["deadline"] < today):
        raise Refused("发榜前须设置不早于今天的揭榜截止日期", "a deadline on or after today is needed to publish")
    if to == "selection":
        n = conn.execute(select(func.count()).select_from(db.collab_bid).where(
            db.collab_bid.c.demand_id == d["demand_id"], db.collab_bid.c.state != "withdrawn")).scalar()
        if not n:
            raise Refused("尚无院所揭榜，不能进入遴选", "no bids yet: nothing to select from")
    if to == "contracted" and chosen is None:
        raise Refused("签约前发榜企业须在入围方案中选定一家", "the enterprise must choose a shortlisted bid before contracting")
    if to == "accepted":
        m = db.collab_milestone.c
        open_ = conn.execute(select(func.count()).select_from(db.collab_milestone).where(
            m.demand_id == d["demand_id"], m.accepted_on.is_(None))).scalar()
        if open_:
            raise Refused(f"还有 {open_} 个里程碑未验收", f"{open_} milestone(s) not yet accepted")
    if to == "paid":
        award = float(d["fund_award_yuan"] or 0)
        paid = _paid(conn, d["demand_id"])
        if paid + 0.005 < award:
            raise Refused(f"引导基金资助 {award:,.2f} 元尚未付清（已付 {paid:,.2f} 元）",
                              f"the fund's award of {award:,.2f} yuan is not fully paid ({paid:,.2f} paid)")


def _milestones_from_bid(conn: Connection, demand_id: str, bid: dict[str, Any]) -> None:
    """The contract's milestones are the chosen bid's; the fund's award is their sum."""
    ms = json.loads(bid["milestones"])
    for i, m in enumerate(ms, 1):
        conn.execute(db.collab_milestone.insert().values(
            demand_id=demand_id, seq=i, title=m["title"], due_on=dt.date.fromisoformat(str(m["due_on"])),
            amount_yuan=float(m.get("amount_yuan") or 0)))
    conn.execute(update(db.collab_demand).where(db.collab_demand.c.demand_id == demand_id).values(
        fund_award_yuan=sum(float(m.get("amount_yuan") or 0) for m in ms)))


def _paid(conn: Connection, demand_id: str) -> float:
    pay = db.collab_payment.c
    return float(conn.execute(select(func.coalesce(func.sum(pay.amount_yuan), 0)).where(pay.demand_id == demand_id)).scalar() or 0)


# ---- bids -------------------------------------------------------------------------------------------------------


def _milestone_list(milestones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not milestones:
        raise InvalidInput("揭榜方案须至少有一个里程碑", "a bid needs at least one milestone")
    out = []
    for i, m in enumerate(milestones, 1):
        title = str(m.get("title") or "").strip()
        try:
            due = dt.date.fromisoformat(str(m.get("due_on")))
            amount = float(m.get("amount_yuan") or 0)
        except ValueError:
            raise InvalidInput(f"第{i}个里程碑的日期或金额无效", f"milestone {i}: invalid date or amount") from None
        if not title or amount < 0:
            raise InvalidInput(f"第{i}个里程碑须有名称且金额不为负", f"milestone {i}: a title and a non-negative amount")
        out.append({"title": title[:200], "due_on": due.isoformat(), "amount_yuan": round(amount, 2)})
    return out


def submit_bid(engine: Engine, demand_id: str, p: Principal, *, approach: str, team: str, budget_yuan: float,
               milestones: list[dict[str, Any]], capability_id: str | None = None,
               today: dt.date | None = None) -> dict[str, Any]:
    """揭榜: an institute's bid (approach, team, budget, milestones) on a demand open for bids before its deadline;
    the first bid moves a published demand to 揭榜 bidding. One open bid per institute and demand."""
    today = today or dt.date.today()
    if p.role != Role.enterprise or not p.enterprise_uscc:
        raise Refused("揭榜须使用院所（单位）账号", "bids are made from an institute's (organisation's) account", 403)
    approach, team = (approach or "").strip(), (team or "").strip()
    if not approach or not team:
        raise InvalidInput("请填写技术路线和团队", "the approach and the team are required")
    if budget_yuan is None or budget_yuan < 0:
        raise InvalidInput("预算不能为负数", "the budget cannot be negative")
    ms = _milestone_list(milestones)
    b, now = db.collab_bid.c, utcnow()
    with engine.begin() as conn:
        d = get_demand(conn, demand_id)
        if not can_see(p, d):
            raise NotFound(f"没有技术需求 {demand_id}", f"no technology demand {demand_id}")
        if d["uscc"] == p.enterprise_uscc:
            raise Refused("发榜企业不能揭自己的榜", "the posting enterprise cannot bid on its own demand")
        if d["state"] not in OPEN_FOR_BIDS:
            raise Refused("该需求当前不接受揭榜", "this demand does not take bids now")
        if d["deadline"] is not None and d["deadline"] < today:
            raise Refused("揭榜已截止", "the deadline for bids has passed")
        twin = conn.execute(select(b.id).where(b.demand_id == demand_id, b.uscc == p.enterprise_uscc,
                                               b.state != "withdrawn")).first()
        if twin is not None:
            raise Refused(f"本单位已揭榜（方案 #{twin[0]}）", f"your organisation already bid (#{twin[0]})")
        res = conn.execute(db.collab_bid.insert().values(
            demand_id=demand_id, uscc=p.enterprise_uscc, capability_id=capability_id or None, approach=approach[:5000],
            team=team[:200], budget_yuan=budget_yuan, milestones=json.dumps(ms, ensure_ascii=False), state="submitted",
            created_by=p.name, created_at=now, updated_at=now))
        bid_id = int(res.inserted_primary_key[0])  # type: ignore[index]
        _event(conn, demand_id, "bid", p, note=f"#{bid_id} {vocabulary.label('bid_state', 'submitted')}")
        if d["state"] == "published":
            conn.execute(update(db.collab_demand).where(db.collab_demand.c.demand_id == demand_id)
                         .values(state="bidding", updated_at=now))
            _event(conn, demand_id, "state", p, state_from="published", state_to="bidding", note=f"#{bid_id}")
    return bid(engine, bid_id, p)


BID_STEPS = {  # bid state → (new state, who, demand states in which the step is taken)
    "shortlisted": ("bureau", ("selection",), ("submitted",)),
    "declined": ("bureau", ("selection",), ("submitted", "shortlisted")),
    "chosen": ("owner", ("selection",), ("shortlisted",)),
    "withdrawn": ("bidder", ("published", "bidding", "selection"), ("submitted", "shortlisted")),
}


def decide_bid(engine: Engine, bid_id: int, to: str, p: Principal, note: str | None = None) -> dict[str, Any]:
    """遴选: the bureau shortlists or declines bids, the enterprise chooses one shortlisted bid (the others are
    declined), a bidder withdraws its own."""
    note = _note(note)
    if to not in BID_STEPS:
        raise InvalidInput(f"未知方案状态 {to}", f"unknown bid state {to}")
    who, demand_states, from_states = BID_STEPS[to]
    b = db.collab_bid.c
    with engine.begin() as conn:
        bd = _fetch(conn, db.collab_bid, bid_id, "揭榜方案", "bid")
        d = get_demand(conn, bd["demand_id"])
        roles = actor_roles(p, d)
        if acts_for(p, bd["uscc"]):
            roles.add("bidder")
        if not roles:
            raise NotFound(f"没有揭榜方案 #{bid_id}", f"no bid #{bid_id}")
        if who not in roles:
            raise Refused(f"该操作须由{ {'bureau': '主管部门', 'owner': '发榜企业', 'bidder': '揭榜单位'}[who]}进行",
                              f"this step is taken by: {who}", 403)
        if d["state"] not in demand_states or bd["state"] not in from_states:
            raise Refused(f"需求处于“{vocabulary.label('collab_state', d['state'])}”、方案为“"
                              f"{vocabulary.label('bid_state', bd['state'])}”时不能设为“{vocabulary.label('bid_state', to)}”",
                              f"a {bd['state']} bid on a {d['state']} demand cannot become {to}")
        conn.execute(update(db.collab_bid).where(b.id == bid_id).values(state=to, updated_at=utcnow()))
        if to == "chosen":
            conn.execute(update(db.collab_bid).where(b.demand_id == d["demand_id"], b.id != bid_id,
                                                     b.state.in_(("submitted", "shortlisted")))
                         .values(state="declined", updated_at=utcnow()))
        _event(conn, d["demand_id"], "bid", p,
               note=f"#{bid_id} {vocabulary.label('bid_state', to)}" + (f"：{note}" if note else ""))
    return bid(engine, bid_id, p)


def bid(engine: Engine, bid_id: int, p: Principal) -> dict[str, Any]:
    """One bid as ``p`` may see it (else :class:`NotFound`), its milestones as a list."""
    with engine.connect() as conn:
        out = _fetch(conn, db.collab_bid, bid_id, "揭榜方案", "bid")
        d = get_demand(conn, out["demand_id"])
    if not may_see_bid(p, d, out):
        raise NotFound(f"没有揭榜方案 #{bid_id}", f"no bid #{bid_id}")
    out["milestones"] = json.loads(out["milestones"])
    return out


def may_see_bid(p: Principal, d: dict[str, Any], b: dict[str, Any]) -> bool:
    """The demand's enterprise, the bureau and the bidder itself see a bid."""
    return bool(actor_roles(p, d)) or acts_for(p, b["uscc"])


# ---- milestones and the guiding fund ---------------------------------------------------------------------------


def report_milestone(engine: Engine, milestone_id: int, p: Principal, *, report: str, on: dt.date) -> dict[str, Any]:
    """实施: the chosen institute reports a milestone done (a dated report)."""
    return _milestone_step(engine, milestone_id, p, "chosen", report=report, on=on)


def accept_milestone(engine: Engine, milestone_id: int, p: Principal, *, on: dt.date, note: str | None = None) -> dict[str, Any]:
    """The bureau accepts a reported milestone; the fund pays its amount (:func:`chainatlas.collab.fund.charge`) in
    the same step."""
    return _milestone_step(engine, milestone_id, p, "bureau", report=note, on=on)


def _milestone_step(engine: Engine, milestone_id: int, p: Principal, who: str, *, report: str | None,
                    on: dt.date) -> dict[str, Any]:
    from chainatlas.collab.fund import charge

    m = db.collab_milestone.c
    with engine.begin() as conn:
        ms = _fetch(conn, db.collab_milestone, milestone_id, "里程碑", "milestone")
        d = get_demand(conn, ms["demand_id"])
        chosen = _chosen(conn, d["demand_id"])
        roles = actor_roles(p, d, chosen["uscc"] if chosen else None)
        if who not in roles:
            raise Refused("无权操作该里程碑", "not yours to take this milestone step", 403)
        if d["state"] != "implementing":
            raise Refused("需求处于实施阶段时才能报告或验收里程碑", "milestones are reported and accepted while implementing")
        if who == "chosen":
            if not (report or "").strip():
                raise InvalidInput("请填写里程碑报告", "the milestone report is required")
            conn.execute(update(db.collab_milestone).where(m.id == milestone_id).values(reported_on=on, report=report))
            _event(conn, d["demand_id"], "milestone", p, note=f"{ms['title']}：已报告")
        else:
            if ms["reported_on"] is None:
                raise Refused("该里程碑尚未报告完成", "the milestone has not been reported done")
            if ms["accepted_on"] is not None:
                raise Refused("该里程碑已验收", "the milestone was accepted already")
            conn.execute(update(db.collab_milestone).where(m.id == milestone_id).values(accepted_on=on))
            _event(conn, d["demand_id"], "milestone", p, note=f"{ms['title']}：已验收" + (f"（{report}）" if report else ""))
            if float(ms["amount_yuan"] or 0) > 0 and chosen:
                charge(conn, demand_id=d["demand_id"], milestone_id=milestone_id, uscc=chosen["uscc"],
                       amount=float(ms["amount_yuan"]), year=on.year, actor=p.name)
                _event(conn, d["demand_id"], "payment", p, note=f"{float(ms['amount_yuan']):,.2f}")
    return demand(engine, d["demand_id"], p)


# ---- reading ----------------------------------------------------------------------------------------------------


def demand(engine: Engine, demand_id: str, p: Principal, today: dt.date | None = None) -> dict[str, Any]:
    """One demand as ``p`` may see it: with its timeline, the bids ``p`` may see, milestones, payments and the steps
    ``p`` may take now."""
    today = today or dt.date.today()
    with engine.connect() as conn:
        d = get_demand(conn, demand_id)
        if not can_see(p, d):
            raise NotFound(f"没有技术需求 {demand_id}", f"no technology demand {demand_id}")
        e, b, m = db.collab_event.c, db.collab_bid.c, db.collab_milestone.c
        events = [dict(r._mapping) for r in conn.execute(select(db.collab_event).where(e.demand_id == demand_id)
                                                          .order_by(e.at, e.id))]
        bids = [dict(r._mapping) for r in conn.execute(select(db.collab_bid).where(b.demand_id == demand_id).order_by(b.id))]
        miles = [dict(r._mapping) for r in conn.execute(select(db.collab_milestone).where(m.demand_id == demand_id)
                                                         .order_by(m.seq))]
        chosen = _chosen(conn, demand_id)
        paid = _paid(conn, demand_id)
    for x in bids:
        x["milestones"] = json.loads(x["milestones"])
    visible_bids = [x for x in bids if may_see_bid(p, d, x)]
    names = enterprise_names(engine, [x["uscc"] for x in visible_bids])
    for x in visible_bids:
        x["org_name"] = names.get(x["uscc"])
    for ms in miles:
        ms["overdue"] = ms["accepted_on"] is None and ms["reported_on"] is None and ms["due_on"] < today
    roles = actor_roles(p, d, chosen["uscc"] if chosen else None)
    if not (roles & {"owner", "bureau"}):  # the timeline's notes are the parties' working record
        events = [ev for ev in events if ev["kind"] == "state"]
        for ev in events:
            ev["note"] = None
    return {**d, "events": events, "bids": visible_bids, "bid_count": sum(x["state"] != "withdrawn" for x in bids),
            "milestones": miles, "paid_yuan": paid, "can": allowed_steps(d["state"], roles), "acting_as": sorted(roles),
            "open_for_bids": d["state"] in OPEN_FOR_BIDS and (d["deadline"] is None or d["deadline"] >= today)}


def demands(engine: Engine, p: Principal, *, chain_id: str | None = None, segment_code: str | None = None,
            state: str | None = None, budget_min: float | None = None, mine: bool = False,
            text: str | None = None) -> list[dict[str, Any]]:
    """The demands ``p`` may see, newest first, filtered by chain, segment, state, a least budget, words of the
    title or text, or only ``p``'s own (``mine``)."""
    c = db.collab_demand.c
    stmt = select(db.collab_demand).order_by(c.updated_at.desc(), c.demand_id)
    for col, value in ((c.chain_id, chain_id), (c.segment_code, segment_code), (c.state, state)):
        if value:
            stmt = stmt.where(col == value)
    if budget_min is not None:
        stmt = stmt.where(c.budget_max_yuan >= budget_min)
    if mine:
        stmt = stmt.where(c.uscc == (p.enterprise_uscc or ""))
    if text:
        stmt = stmt.where((c.title.contains(text)) | (c.text.contains(text)))
    with engine.connect() as conn:
        rows = [demand_row(r) for r in conn.execute(stmt)]
        counts: dict[str, int] = dict(conn.execute(select(db.collab_bid.c.demand_id, func.count()).where(
            db.collab_bid.c.state != "withdrawn").group_by(db.collab_bid.c.demand_id)).all())
    out = [r for r in rows if can_see(p, r)]
    for r in out:
        r["bid_count"] = int(counts.get(r["demand_id"], 0))
    return out


def my_bids(engine: Engine, p: Principal) -> list[dict[str, Any]]:
    """The bids of ``p``'s organisation with their demand's title and state, newest first."""
    if not p.enterprise_uscc:
        return []
    b, d = db.collab_bid.c, db.collab_demand.c
    stmt = (select(b.id, b.demand_id, b.state, b.budget_yuan, b.created_at, d.title, d.state.label("demand_state"))
            .join(db.collab_demand, d.demand_id == b.demand_id).where(b.uscc == p.enterprise_uscc)
            .order_by(b.created_at.desc(), b.id.desc()))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def pipeline(engine: Engine, p: Principal, today: dt.date | None = None) -> dict[str, Any]:
    """The bureau's pipeline: demands per state (count, budget), overdue milestones, the fund's use per year."""
    from chainatlas.collab.fund import ledger

    today = today or dt.date.today()
    rows = demands(engine, p)
    per_state = [{"state": s, "count": sum(r["state"] == s for r in rows),
                  "budget_max_yuan": sum(float(r["budget_max_yuan"] or 0) for r in rows if r["state"] == s)}
                 for s in STATES]
    m, dd = db.collab_milestone.c, db.collab_demand.c
    with engine.connect() as conn:
        overdue = [dict(r._mapping) for r in conn.execute(
            select(m.id, m.demand_id, m.title, m.due_on, dd.title.label("demand_title"), dd.uscc)
            .join(db.collab_demand, dd.demand_id == m.demand_id)
            .where(m.accepted_on.is_(None), m.reported_on.is_(None), m.due_on < today).order_by(m.due_on))]
    seen = {r["demand_id"] for r in rows}
    overdue = [o for o in overdue if o["demand_id"] in seen]
    fund = ledger(engine, today.year)
    names = enterprise_names(engine, [o["uscc"] for o in overdue] + [x["uscc"] for x in fund["payments"]])
    for x in [*overdue, *fund["payments"]]:
        x["org_name"] = names.get(x["uscc"])
    return {"states": per_state, "total": len(rows), "overdue_milestones": overdue, "fund": fund}


def notices(engine: Engine, p: Principal, *, unread: bool = False) -> list[dict[str, Any]]:
    """The inbox of an organisation's account: notices addressed to its USCC, newest first."""
    if not p.enterprise_uscc:
        return []
    n = db.collab_notice.c
    stmt = select(db.collab_notice).where(n.recipient_uscc == p.enterprise_uscc).order_by(n.created_at.desc(), n.id.desc())
    if unread:
        stmt = stmt.where(n.read_at.is_(None))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def mark_read(engine: Engine, notice_id: int, p: Principal) -> None:
    """Mark a notice of ``p``'s organisation read (another's is left alone)."""
    n = db.collab_notice.c
    with engine.begin() as conn:
        conn.execute(update(db.collab_notice).where(n.id == notice_id, n.recipient_uscc == (p.enterprise_uscc or ""))
                     .values(read_at=utcnow()))


NOTIFY_TOP = 5


def notify_matches(engine: Engine, demand_id: str, top: int = NOTIFY_TOP, *, wait: bool = False) -> list[str]:
    """When a demand is published: the organisations behind its ``top`` best-matched active capabilities that may
    see the demand get a notice in their inbox (and subscribed webhooks a JSON POST). Returns their USCCs."""
    from chainatlas.collab.store import capability_index, capability_owners, demand_posting

    with engine.connect() as conn:
        d = get_demand(conn, demand_id)
    owners = capability_owners(engine)
    if not owners:
        return []
    found = capability_index(engine).search(demand_posting(d), top=top * 3)
    recipients: list[tuple[str, float]] = []
    for mt in found:
        uscc = owners[mt.id]
        if uscc == d["uscc"] or uscc in [r for r, _ in recipients]:
            continue
        if not can_see(Principal(None, uscc, Role.enterprise, uscc), d):
            continue
        recipients.append((uscc, mt.score))
        if len(recipients) == top:
            break
    now = utcnow()
    with engine.begin() as conn:
        for uscc, score in recipients:
            conn.execute(db.collab_notice.insert().values(
                recipient_uscc=uscc, demand_id=demand_id, kind="published", score=score, created_at=now,
                message=f"新发榜需求与贵单位成果匹配：{d['title']}（{demand_id}），截止 {d['deadline']}"))
    _post_webhooks(engine, demand_id, recipients, wait=wait)
    return [u for u, _ in recipients]


def _post_webhooks(engine: Engine, demand_id: str, recipients: list[tuple[str, float]], *, wait: bool) -> None:
    from chainatlas import webhooks

    targets = webhooks.subscribers(engine, "collab_published")
    if not targets or not recipients:
        return
    body = json.dumps({"kind": "collab_published", "demand_id": demand_id,
                       "recipients": [{"uscc": u, "score": s} for u, s in recipients]}, ensure_ascii=False).encode()

    def send() -> None:
        for url in targets:
            webhooks.post(url, body, {"Content-Type": "application/json"}, timeout=5)

    webhooks.in_background(send, wait=wait)
