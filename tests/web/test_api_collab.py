"""企业出题、院所解题 through the API and the pages (``web/api_collab.py``, ``web/pages_collab.py``): a demand from
posting to bids, choice and contract by the accounts of the firm, the institute and the bureau; a bureau-only demand
that never reaches an institute or the public on any route or export; the demo's states; internships."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.demo.collab import institute_usccs
from chainatlas.governance.principals import add_user, issue_token
from chainatlas.web.app import create_app

INST = institute_usccs()[-1]


def _clients(engine: Engine) -> dict[str, TestClient]:
    with engine.connect() as conn:
        firm = conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.region_code.like("4101%"))
                            .order_by(db.enterprise.c.uscc).limit(1)).scalar_one()
    add_user(engine, "firm", "enterprise", password="firm-pass-1", enterprise=firm)
    add_user(engine, "inst", "enterprise", password="inst-pass-1", enterprise=INST)
    add_user(engine, "kjj", "department", password="kjj-pass-1", department="science")
    add_user(engine, "ana", "analyst", password="ana-pass-1")
    out = {n: TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(engine, n)}"})
           for n in ("firm", "inst", "kjj", "ana")}
    out["public"] = TestClient(create_app())
    return out


def test_a_demand_through_the_api_by_its_three_parties(demo_copy: Engine) -> None:
    c = _clients(demo_copy)
    made = c["firm"].post("/api/v1/collab/demands", json={
        "title": "电池包快充温差大", "text": "快充时电池包局部温度过高，BMS频繁限功率，充电时间比宣传长一倍",
        "segment_code": "nev.pack", "budget_min_yuan": 500000, "budget_max_yuan": 1500000, "deadline": "2099-06-30"})
    assert made.status_code == 200, made.text
    did = made.json()["demand_id"]
    assert made.json()["state"] == "draft" and made.json()["can"] == ["review", "withdrawn"]
    assert c["inst"].get(f"/api/v1/collab/demands/{did}").status_code == 404  # a draft is the firm's and the bureau's
    assert c["firm"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "review"}).status_code == 200
    refused = c["firm"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "published"})
    assert refused.status_code == 403 and "主管部门" in refused.json()["detail"]
    assert c["kjj"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "published", "note": "论证通过"}).status_code == 200
    matches = c["public"].get(f"/api/v1/collab/demands/{did}/matches").json()
    assert matches["mode"] == "hybrid" and len(matches["matches"]) == 10
    assert matches["matches"][0]["segment_code"] == "nev.pack" or "散热" in str(matches["matches"][0]["why"])
    bid = c["inst"].post(f"/api/v1/collab/demands/{did}/bids", json={
        "approach": "液冷板流道拓扑优化与均温设计", "team": "热管理课题组", "budget_yuan": 800000,
        "milestones": [{"title": "仿真与样件", "due_on": "2099-09-30", "amount_yuan": 200000}]})
    assert bid.status_code == 200, bid.text
    assert c["firm"].post(f"/api/v1/collab/demands/{did}/bids", json={
        "approach": "x", "team": "y", "budget_yuan": 1, "milestones": [{"title": "m", "due_on": "2099-01-01"}]}).status_code == 409
    assert c["kjj"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "selection"}).status_code == 200
    bid_id = bid.json()["id"]
    assert c["firm"].post(f"/api/v1/collab/bids/{bid_id}/decision", json={"to": "shortlisted"}).status_code == 403
    assert c["kjj"].post(f"/api/v1/collab/bids/{bid_id}/decision", json={"to": "shortlisted"}).status_code == 200
    assert c["firm"].post(f"/api/v1/collab/bids/{bid_id}/decision", json={"to": "chosen"}).status_code == 200
    signed = c["kjj"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "contracted", "note": "三方合同"})
    assert signed.status_code == 200 and signed.json()["fund_award_yuan"] == 200000
    page = c["firm"].get(f"/collab/demands/{did}")
    assert page.status_code == 200 and "液冷板流道拓扑优化" in page.text and "签约" in page.text
    mine = c["inst"].get("/collab/mine?format=json").json()
    assert mine["bids"][0]["demand_id"] == did and mine["bids"][0]["state"] == "chosen"
    assert c["inst"].get(f"/collab/demands/{did}", params={"format": "csv", "table": "bids"}).status_code == 200


def test_a_bureau_only_demand_reaches_no_institute_nor_the_public(demo_copy: Engine) -> None:
    c = _clients(demo_copy)
    title = "保密需求：新型隔膜涂覆工艺（示例）"
    did = c["firm"].post("/api/v1/collab/demands", json={
        "title": title, "text": "隔膜涂覆后透气度下降，热收缩超标", "segment_code": "nev.separator", "visibility": "bureau",
        "deadline": "2099-06-30"}).json()["demand_id"]
    cap = c["inst"].post("/api/v1/collab/capabilities", json={  # the best match for it, posted before it is published
        "title": "锂电隔膜陶瓷涂覆", "text": "隔膜陶瓷涂覆工艺，提升热稳定性，降低热收缩", "org_name": "示例大学",
        "segment_code": "nev.separator"}).json()["capability_id"]
    c["firm"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "review"})
    assert c["kjj"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "published"}).status_code == 200
    for who in ("inst", "public", "ana"):
        cl = c[who]
        for url in ("/collab", "/collab?format=csv", "/collab?format=xlsx", "/collab?format=json", "/api/v1/collab/demands",
                    f"/collab/capabilities/{cap}", f"/collab/capabilities/{cap}?format=json",
                    f"/api/v1/collab/capabilities/{cap}/matches"):
            r = cl.get(url)
            assert r.status_code == 200, (who, url)
            assert did.encode() not in r.content and title.encode() not in r.content, (who, url)
        for url in (f"/api/v1/collab/demands/{did}", f"/collab/demands/{did}", f"/api/v1/collab/demands/{did}/matches",
                    f"/collab/demands/{did}?format=csv"):
            assert cl.get(url).status_code == 404, (who, url)
        assert did not in str(cl.get("/collab/pipeline?format=json").content)
    assert did not in [n["demand_id"] for n in c["inst"].get("/api/v1/collab/notices").json()]  # nor told of it
    assert c["inst"].post(f"/api/v1/collab/demands/{did}/bids", json={
        "approach": "a", "team": "b", "budget_yuan": 1, "milestones": [{"title": "m", "due_on": "2099-01-01"}]}).status_code == 404
    for who in ("firm", "kjj"):
        assert c[who].get(f"/collab/demands/{did}").status_code == 200
        assert did in c[who].get("/api/v1/collab/demands").text
    caps = c["kjj"].get(f"/api/v1/collab/capabilities/{cap}/matches").json()["matches"]
    assert did in [m["demand_id"] for m in caps]


def test_the_demo_shows_every_state_and_the_pages_answer(client: TestClient) -> None:
    pipe = client.get("/api/v1/collab/pipeline").json()
    counts = {s["state"]: s["count"] for s in pipe["states"]}
    assert all(counts[s] > 0 for s in counts), counts
    assert sum(counts.values()) >= 300 and pipe["overdue_milestones"] and pipe["fund"]["paid_yuan"] > 0
    assert len(client.get("/api/v1/collab/capabilities").json()) >= 600
    for url in ("/collab", "/collab/capabilities", "/collab/pipeline", "/collab/internships", "/collab?lang=en"):
        r = client.get(url)
        assert r.status_code == 200 and "示例" in r.text, url
    students = client.get("/api/v1/collab/internships/students").json()
    assert any(not s["reached"] for s in students) and any(s["reached"] for s in students)
    hosts = client.get("/api/v1/collab/internships/hosts").json()
    assert sum(h["completed_6m_last_year"] for h in hosts) > 0


def test_a_demand_is_edited_before_publishing_only_and_a_capability_withdrawn(demo_copy: Engine) -> None:
    c = _clients(demo_copy)
    did = c["firm"].post("/api/v1/collab/demands", json={"title": "旧标题", "text": "焊缝疲劳开裂", "deadline": "2099-01-31"}).json()["demand_id"]
    edited = c["firm"].patch(f"/api/v1/collab/demands/{did}", json={"title": "挖掘机回转平台焊缝疲劳开裂", "budget_max_yuan": 900000})
    assert edited.status_code == 200 and edited.json()["title"] == "挖掘机回转平台焊缝疲劳开裂"
    assert edited.json()["text"] == "焊缝疲劳开裂" and edited.json()["budget_max_yuan"] == 900000  # the rest kept
    bad = c["firm"].patch(f"/api/v1/collab/demands/{did}", json={"budget_min_yuan": 2000000})
    assert bad.status_code == 422 and "预算" in bad.json()["detail"]  # min above max, checked as an import row
    assert c["inst"].patch(f"/api/v1/collab/demands/{did}", json={"title": "x"}).status_code == 404
    c["firm"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "review"})
    c["kjj"].post(f"/api/v1/collab/demands/{did}/steps", json={"to": "published"})
    assert c["firm"].patch(f"/api/v1/collab/demands/{did}", json={"title": "y"}).status_code == 409
    cap = c["inst"].post("/api/v1/collab/capabilities", json={"title": "焊趾超声冲击处理", "text": "焊接结构疲劳寿命提升",
                                                              "org_name": "示例大学"}).json()["capability_id"]
    assert c["firm"].patch(f"/api/v1/collab/capabilities/{cap}", json={"trl": 5}).status_code == 403
    edited = c["inst"].patch(f"/api/v1/collab/capabilities/{cap}", json={"trl": 6, "keywords": "焊接、疲劳"}).json()
    assert edited["trl"] == 6 and edited["title"] == "焊趾超声冲击处理"
    assert c["inst"].patch(f"/api/v1/collab/capabilities/{cap}", json={"trl": 12}).status_code == 422
    assert c["firm"].post(f"/api/v1/collab/capabilities/{cap}/withdraw").status_code == 403
    assert c["inst"].post(f"/api/v1/collab/capabilities/{cap}/withdraw").json()["state"] == "withdrawn"
    assert cap not in c["public"].get("/api/v1/collab/capabilities").text
    assert cap not in [m["capability_id"] for m in c["kjj"].get(f"/api/v1/collab/demands/{did}/matches").json()["matches"]]
