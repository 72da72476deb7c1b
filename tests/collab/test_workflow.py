"""揭榜挂帅 on SQLite and PostgreSQL: every allowed step and a refusal of each kind, visibility of a bureau-only and an
invited-only demand, milestones paid from the guiding fund against its budget, notices to matched institutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from chainatlas.collab import store
from chainatlas.collab import workflow as W
from chainatlas.collab.fund import ledger
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import InvalidInput, NotFound, Refused
from chainatlas.registry.uscc import make_uscc

FIRM = make_uscc("91410100MA0000001")
INST = make_uscc("12410000MB0000002")
OTHER = make_uscc("12410000MB0000003")
TODAY = dt.date(2026, 6, 1)
owner = Principal(1, "firm", Role.enterprise, FIRM)
inst = Principal(2, "inst", Role.enterprise, INST)
other = Principal(3, "other", Role.enterprise, OTHER)
bureau = Principal(4, "kjj", Role.department, department="science")
tax = Principal(5, "tax", Role.department, department="tax")
analyst = Principal(6, "ana", Role.analyst)
public = Principal(None, "public", Role.public)


def _demand(engine: Engine, **kw: Any) -> str:
    row = store.post_demand(engine, owner, {"title": "电芯低温容量衰减", "text": "冬季续航缩水近四成，零下二十度放电容量衰减严重",
                                            "segment_code": "nev.electrolyte", "budget_min_yuan": 500000,
                                            "budget_max_yuan": 2000000, "deadline": "2026-12-31", **kw})
    return str(row["demand_id"])


def _bid(engine: Engine, did: str, who: Principal = inst) -> dict[str, Any]:
    return W.submit_bid(engine, did, who, approach="低温电解液添加剂与预热策略", team="材料学院电化学课题组",
                        budget_yuan=1_500_000, milestones=[{"title": "配方验证", "due_on": "2026-09-30", "amount_yuan": 600000},
                                                           {"title": "装车测试", "due_on": "2027-03-31", "amount_yuan": 900000}],
                        today=TODAY)


def test_a_demand_from_draft_to_paid(any_engine: Engine) -> None:
    e = any_engine
    did = _demand(e)
    assert W.demand(e, did, owner)["state"] == "draft" and W.demand(e, did, owner)["chain_id"] == "nev"
    with pytest.raises(Refused) as refused:  # the owner cannot publish: the bureau does
        W.move(e, did, "published", owner, today=TODAY)
    assert refused.value.status == 409  # not a step from draft at all
    W.move(e, did, "review", owner, note="请论证", today=TODAY)
    with pytest.raises(Refused) as refused:
        W.move(e, did, "published", owner, today=TODAY)
    assert refused.value.status == 403
    W.move(e, did, "published", bureau, note="论证通过", today=TODAY)
    with pytest.raises(Refused, match="own demand"):
        W.submit_bid(e, did, owner, approach="x", team="y", budget_yuan=1, milestones=[{"title": "a", "due_on": "2026-07-01"}],
                     today=TODAY)
    b1 = _bid(e, did)
    assert W.demand(e, did, owner)["state"] == "bidding"  # the first bid opens 揭榜
    with pytest.raises(Refused, match="already bid"):
        _bid(e, did)
    b2 = _bid(e, did, other)
    with pytest.raises(Refused, match="cannot become"):  # no shortlisting before 遴选
        W.decide_bid(e, b1["id"], "shortlisted", bureau)
    W.move(e, did, "selection", bureau, today=TODAY)
    with pytest.raises(Refused, match="taken by: bureau"):
        W.decide_bid(e, b1["id"], "shortlisted", owner)
    W.decide_bid(e, b1["id"], "shortlisted", bureau)
    W.decide_bid(e, b2["id"], "shortlisted", bureau)
    with pytest.raises(Refused, match="choose a shortlisted bid"):
        W.move(e, did, "contracted", bureau, today=TODAY)
    W.decide_bid(e, b1["id"], "chosen", owner)
    assert W.bid(e, b2["id"], bureau)["state"] == "declined"
    d = W.move(e, did, "contracted", bureau, note="三方合同 HT-001", today=TODAY)
    assert d["fund_award_yuan"] == 1_500_000 and [m["title"] for m in d["milestones"]] == ["配方验证", "装车测试"]
    d = W.move(e, did, "implementing", inst, today=TODAY)  # the chosen institute starts
    m1, m2 = d["milestones"]
    with pytest.raises(Refused, match="not been reported"):
        W.accept_milestone(e, m1["id"], bureau, on=TODAY)
    with pytest.raises(Refused):  # only the chosen institute reports
        W.report_milestone(e, m1["id"], other, report="x", on=TODAY)
    W.report_milestone(e, m1["id"], inst, report="配方验证完成，-20℃保持率 84%", on=dt.date(2026, 9, 20))
    W.accept_milestone(e, m1["id"], bureau, on=dt.date(2026, 9, 25))
    with pytest.raises(Refused, match="not yet accepted"):
        W.move(e, did, "accepted", bureau, today=TODAY)
    W.report_milestone(e, m2["id"], inst, report="装车测试完成", on=dt.date(2027, 3, 1))
    W.accept_milestone(e, m2["id"], bureau, on=dt.date(2027, 3, 5))
    W.move(e, did, "accepted", bureau, today=TODAY)
    d = W.move(e, did, "paid", bureau, today=TODAY)
    assert d["state"] == "paid" and d["paid_yuan"] == 1_500_000 and d["can"] == []
    assert ledger(e, 2026)["paid_yuan"] == 600_000 and ledger(e, 2027)["paid_yuan"] == 900_000
    states = [(ev["state_from"], ev["state_to"]) for ev in d["events"] if ev["kind"] == "state"]
    assert states == [(None, "draft"), ("draft", "review"), ("review", "published"), ("published", "bidding"),
                      ("bidding", "selection"), ("selection", "contracted"), ("contracted", "implementing"),
                      ("implementing", "accepted"), ("accepted", "paid")]


def test_every_refused_transition_is_refused(engine: Engine) -> None:
    from sqlalchemy import update

    from chainatlas import db

    did = _demand(engine)
    for state in W.STATES:  # the demand put in each state, every step the table does not list is refused by move
        with engine.begin() as conn:
            conn.execute(update(db.collab_demand).where(db.collab_demand.c.demand_id == did).values(state=state))
        allowed = {s.to for s in W.TRANSITIONS[state]}
        for to in (t for t in W.STATES if t not in allowed):
            with pytest.raises(Refused, match="cannot go from"):
                W.move(engine, did, to, bureau, today=TODAY)
            assert W.demand(engine, did, bureau)["state"] == state
    with engine.begin() as conn:
        conn.execute(update(db.collab_demand).where(db.collab_demand.c.demand_id == did).values(state="draft"))
    with pytest.raises(Refused, match="cannot go from draft to paid"):
        W.move(engine, did, "paid", bureau, today=TODAY)
    with pytest.raises(InvalidInput):
        W.move(engine, did, "nonsense", bureau, today=TODAY)
    W.move(engine, did, "review", owner, today=TODAY)
    W.move(engine, did, "rejected", bureau, today=TODAY)
    with pytest.raises(Refused):
        W.move(engine, did, "review", bureau, today=TODAY)


def test_publishing_needs_a_future_deadline_and_selection_needs_bids(engine: Engine) -> None:
    did = _demand(engine, deadline="2026-01-31")
    W.move(engine, did, "review", owner, today=TODAY)
    with pytest.raises(Refused, match="deadline"):
        W.move(engine, did, "published", bureau, today=TODAY)
    did2 = _demand(engine)
    W.move(engine, did2, "review", owner, today=TODAY)
    W.move(engine, did2, "published", bureau, today=TODAY)
    W.move(engine, did2, "bidding", bureau, today=TODAY)
    with pytest.raises(Refused, match="no bids"):
        W.move(engine, did2, "selection", bureau, today=TODAY)
    with pytest.raises(Refused, match="deadline for bids has passed"):
        W.submit_bid(engine, did2, inst, approach="a", team="b", budget_yuan=1,
                     milestones=[{"title": "m", "due_on": "2027-01-01"}], today=dt.date(2027, 1, 2))


@pytest.mark.parametrize("visibility", ["bureau", "selected"])
def test_a_restricted_demand_reaches_only_whom_it_should(engine: Engine, visibility: str) -> None:
    did = _demand(engine, visibility=visibility, invited=INST if visibility == "selected" else None)
    W.move(engine, did, "review", owner, today=TODAY)
    W.move(engine, did, "published", bureau, today=TODAY)
    seen_by_inst = visibility == "selected"
    for who, sees in ((owner, True), (bureau, True), (inst, seen_by_inst), (other, False), (tax, False),
                      (analyst, False), (public, False)):
        assert (did in {d["demand_id"] for d in W.demands(engine, who)}) is sees, who.name
        if not sees:
            with pytest.raises(NotFound):
                W.demand(engine, did, who)
            with pytest.raises(NotFound if who.role == Role.enterprise else Refused):
                W.submit_bid(engine, did, who, approach="a", team="b", budget_yuan=1,
                             milestones=[{"title": "m", "due_on": "2027-01-01"}], today=TODAY)


def test_a_draft_is_seen_by_its_owner_and_the_bureau_only(engine: Engine) -> None:
    did = _demand(engine)
    assert W.can_see(owner, W.demand(engine, did, owner)) and W.demand(engine, did, bureau)
    for who in (inst, analyst, public):
        with pytest.raises(NotFound):
            W.demand(engine, did, who)


def test_the_fund_refuses_a_payment_beyond_its_budget(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainatlas.collab import fund

    monkeypatch.setattr(fund, "budget", lambda year: 1_000_000.0)
    did = _demand(engine)
    for to, who in (("review", owner), ("published", bureau)):
        W.move(engine, did, to, who, today=TODAY)
    b = _bid(engine, did)
    W.move(engine, did, "selection", bureau, today=TODAY)
    W.decide_bid(engine, b["id"], "shortlisted", bureau)
    W.decide_bid(engine, b["id"], "chosen", owner)
    W.move(engine, did, "contracted", bureau, today=TODAY)
    d = W.move(engine, did, "implementing", bureau, today=TODAY)
    m1, m2 = d["milestones"]
    for m in (m1, m2):
        W.report_milestone(engine, m["id"], inst, report="完成", on=TODAY)
    W.accept_milestone(engine, m1["id"], bureau, on=TODAY)  # 600,000 of 1,000,000
    with pytest.raises(Refused, match="budget is exceeded"):
        W.accept_milestone(engine, m2["id"], bureau, on=TODAY)
    assert W.demand(engine, did, bureau)["milestones"][1]["accepted_on"] is None  # nothing half-done


def test_publishing_notifies_the_best_matched_institutes_that_may_see_it(engine: Engine) -> None:
    for i, (uscc, title, text) in enumerate([
            (INST, "低温型电解液添加剂", "新型成膜添加剂，零下二十度放电容量保持率提升至85%"),
            (OTHER, "车身冲压模具", "汽车覆盖件冲压模具设计与制造")]):
        store.post_capability(engine, Principal(9, "x", Role.enterprise, uscc),
                              {"capability_id": f"CG-{i}", "org_name": "示例大学", "title": title, "text": text})
    did = _demand(engine, visibility="selected", invited=OTHER)
    W.move(engine, did, "review", owner, today=TODAY)
    W.move(engine, did, "published", bureau, today=TODAY)
    assert [n["demand_id"] for n in W.notices(engine, other)] == [did]
    assert W.notices(engine, inst) == []  # best match, but not invited: told nothing
    pub = _demand(engine)
    W.move(engine, pub, "review", owner, today=TODAY)
    W.move(engine, pub, "published", bureau, today=TODAY)
    assert pub in [n["demand_id"] for n in W.notices(engine, inst)]
    m = store.matches_for_demand(engine, pub, bureau)
    assert m["matches"][0]["capability_id"] == "CG-0" and "电解液" in m["matches"][0]["why"]["expanded_terms"] + m["matches"][0]["why"]["shared_terms"]


def test_a_webhook_of_collab_published_gets_the_matched_recipients(engine: Engine) -> None:
    import json as _json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from chainatlas.trade import alerts

    got: list[dict[str, Any]] = []
    arrived = threading.Event()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(_json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()
            arrived.set()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        alerts.subscribe(engine, f"http://127.0.0.1:{server.server_port}/hook", ["collab_published"], "test")
        store.post_capability(engine, inst, {"capability_id": "CG-W", "org_name": "示例大学", "title": "低温电解液",
                                             "text": "低温型电解液添加剂，零下二十度容量保持率85%"})
        did = _demand(engine)
        W.move(engine, did, "review", owner, today=TODAY)
        W.move(engine, did, "published", bureau, today=TODAY)
        assert arrived.wait(10)
    finally:
        server.shutdown()
    assert got[0]["kind"] == "collab_published" and got[0]["demand_id"] == did
    assert [r["uscc"] for r in got[0]["recipients"]] == [INST]
