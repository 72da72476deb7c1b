"""智改数转 pages and API on the demo city: the catalogue with its costs, comparison and twins; an offer with its
self-reported cases; a firm's digital card — the assessment form stored through the page and the API, its level
read by the rules — visible to the firm and officials only; maturity per segment and a leader's suppliers."""

from __future__ import annotations

import datetime as dt
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.digital import store
from chainatlas.governance.principals import add_user, issue_token
from chainatlas.solutions import catalogue
from chainatlas.solutions import store as solution_store
from chainatlas.web.app import create_app
from tests.helpers.digital import ANSWERS


def test_catalogue_costs_comparison_and_twins(client: TestClient, demo_engine: Engine) -> None:
    page = client.get("/digital?units=10&months=12")
    assert page.status_code == 200 and "智改数转" in page.text and "示例设备联网轻量化套餐" in page.text
    view = client.get("/digital?format=json&units=10&months=12").json()
    expected = catalogue.offer_costs(solution_store.offers(demo_engine), units=10, months=12)
    assert {o["offer_id"]: o["total_yuan"] for o in view["offers"]} == dict(zip(expected["offer_id"], expected["total_yuan"], strict=True))
    assert [o["total_yuan"] for o in view["offers"]] == sorted(o["total_yuan"] for o in view["offers"])
    iot = client.get("/digital?format=json&scenario=equipment_iot").json()["offers"]
    assert iot and {o["scenario"] for o in iot} == {"equipment_iot"}
    side = client.get("/digital?format=json&compare=SZ-005&compare=SZ-001&units=4").json()["comparison"]
    assert [o["offer_id"] for o in side] == ["SZ-005", "SZ-001"]
    assert side[0]["monthly_yuan"] == 4500 + 200 * 4  # lease + 4 devices × 200
    sheet = client.get("/digital?format=xlsx&table=offers")
    assert load_workbook(io.BytesIO(sheet.content)).active.max_row == len(view["offers"]) + 1
    assert "Digital transformation" in client.get("/digital?lang=en").text
    assert client.get("/digital?max_monthly=abc").status_code == 422


def test_an_offer_with_its_cases(client: TestClient, demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        offer_id = conn.execute(select(db.solution_case.c.offer_id).order_by(db.solution_case.c.case_id)).scalars().first()
    view = client.get(f"/digital/offers/{offer_id}?format=json").json()
    assert view["offer"]["offer_id"] == offer_id and view["cases"] and all(c["self_reported"] for c in view["cases"])
    assert all(c["change"] == c["after"] - c["before"] for c in view["cases"])
    assert "客户自报" in client.get(f"/digital/offers/{offer_id}?lang=zh").text
    assert client.get("/digital/offers/NOPE").status_code == 404


def test_a_firms_card_is_its_own_and_its_assessment_feeds_the_rules(demo_engine: Engine, demo_copy: Engine,
                                                                    admin_token: str) -> None:
    with demo_copy.connect() as conn:
        firms = conn.execute(select(db.solution_subscription.c.customer_uscc).distinct()
                             .order_by(db.solution_subscription.c.customer_uscc)).scalars().all()
    mine, other = firms[0], firms[1]
    add_user(demo_copy, "dg-ent", "enterprise", enterprise=mine)
    c = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(demo_copy, 'dg-ent', label='t')}"})
    card = c.get(f"/digital/enterprises/{mine}?format=json").json()
    assert card["subscriptions"] and {s["customer_uscc"] for s in card["subscriptions"]} == {mine}
    assert c.get(f"/digital/enterprises/{other}").status_code == 403
    assert c.get(f"/api/v1/digital/subscriptions/{other}").status_code == 403
    assert c.get("/digital/maturity/nev").status_code == 403  # officials only
    # the form, as the enterprise fills it in (its session's CSRF token is not needed with a bearer token)
    form = {**{k: v for k, v in ANSWERS.items() if k != "energy"}, "on": "2026-07-01"}
    res = c.post(f"/digital/enterprises/{mine}", data=form)
    assert res.status_code == 200 and 'id="saved"' in res.text
    from chainatlas.rules.inputs import provenance, read_inputs

    row = read_inputs(demo_copy, dt.date(2026, 7, 2), uscc=mine).to_dicts()[0]
    assert row["digital_level"] == 2 and provenance(demo_copy, mine, dt.date(2026, 7, 2))["digital_level"]["source"] == store.SOURCE
    latest = c.get(f"/api/v1/digital/assessments/{mine}").json()
    assert latest["result"]["score"] == {"low": 44.0, "high": 50.0, "value": None} and latest["result"]["level"] == 2
    assert latest["history"][0]["assessed_on"] == "2026-07-01"
    bad = c.post(f"/api/v1/digital/assessments/{mine}", json={"answers": {"equipment": "z"}})
    assert bad.status_code in (400, 422) and "equipment" in bad.text and "无效" in bad.text
    assert c.post(f"/api/v1/digital/assessments/{other}", json={"answers": ANSWERS}).status_code == 403
    admin = TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
    assert admin.get(f"/digital/enterprises/{other}").status_code == 200
    scored = admin.post("/api/v1/digital/score", json={"answers": ANSWERS, "on": "2026-03-01"}).json()
    assert scored["score"]["value"] == 44.0 and scored["level"] == 2


def test_maturity_per_segment_and_a_leaders_suppliers(client: TestClient, demo_engine: Engine) -> None:
    rows = client.get("/digital/maturity/nev?format=json&on=2026-07-01").json()["segments"]
    assert rows and all(r["known"] <= r["firms"] for r in rows)
    assert all(sum(r[f"level_{lv}"] for lv in range(5)) == r["known"] for r in rows)
    assert sum(r["known"] for r in rows) > 0
    assert client.get("/digital/maturity/nope").status_code == 404
    leaders = client.get("/digital/maturity/nev?format=json").json()["leaders"]
    with demo_engine.connect() as conn:
        on_nev = set(conn.execute(select(db.placement.c.uscc).join(db.segment, db.segment.c.code == db.placement.c.segment_code)
                                  .where(db.segment.c.chain_id == "nev")).scalars())
    assert leaders and {row["uscc"] for row in leaders} <= on_nev
    with demo_engine.connect() as conn:
        leader = conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.is_chain_leader.is_(True))
                              .order_by(db.enterprise.c.uscc)).scalars().first()
    view = client.get(f"/digital/leaders/{leader}?format=json&on=2026-07-01").json()
    assert view["suppliers"] and view["by_count"]["firms"] == len(view["suppliers"])
    assert view["by_count"]["known"] == sum(1 for s in view["suppliers"] if s["digital_level"] is not None)
    assert "龙头+配套" in client.get(f"/digital/leaders/{leader}?lang=zh").text
