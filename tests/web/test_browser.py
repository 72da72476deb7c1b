"""Headless Chromium (Debian's /usr/bin/chromium via Playwright) clicking through every page.

Screenshots are kept in artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select

from chainatlas import db
from tests.conftest import ADMIN_PASSWORD
from tests.helpers.browser import SHOTS, only_local, sign_in_as
from tests.helpers.epcis import DEMO_CONSIGNMENTS
from tests.helpers.exchange import ENTERPRISES


def test_login_then_allowed_then_forbidden(page: Page, base_url: str, demo_engine: Engine) -> None:
    from chainatlas.governance.principals import add_user

    add_user(demo_engine, "officer-ent", "enterprise", password="ent-pass-1", enterprise=_some_enterprise(demo_engine))
    page.goto(base_url + "/enterprises")  # signed out: sent to the sign-in page
    expect(page.locator("#login-form")).to_be_visible()
    page.fill("#login-name", "officer-ent")
    page.fill("#login-password", "wrong")
    page.click("#login-button")
    expect(page.locator("#login-error")).to_be_visible()
    page.fill("#login-name", "officer-ent")
    page.fill("#login-password", "ent-pass-1")
    page.click("#login-button")
    page.goto(base_url + "/")
    expect(page.locator("#whoami")).to_contain_text("officer-ent")
    page.goto(base_url + f"/enterprises/{_some_enterprise(demo_engine)}")  # own record: allowed
    expect(page.locator("#ent-name")).to_be_visible()
    resp = page.goto(base_url + "/enterprises")  # the search of all firms: forbidden for an enterprise
    assert resp is not None and resp.status == 403
    expect(page.locator("#error-detail")).to_contain_text("角色")
    page.screenshot(path=str(SHOTS / "forbidden.png"), full_page=True)
    page.goto(base_url + "/")
    page.click("#logout-button")
    expect(page.locator("#login-link")).to_be_visible()
    page.goto(base_url + "/login")
    page.fill("#login-name", "admin")
    page.fill("#login-password", ADMIN_PASSWORD)
    page.click("#login-button")
    expect(page.locator("#whoami")).to_contain_text("admin")


def _some_enterprise(engine: Engine) -> str:
    from sqlalchemy import select

    from chainatlas import db

    with engine.connect() as conn:
        return str(conn.execute(select(db.enterprise.c.uscc).order_by(db.enterprise.c.uscc).limit(1)).scalar_one())


def test_overview_search_and_profile(page: Page, base_url: str) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/")
    expect(page.locator("#n-enterprises")).to_have_text("5,034")  # 5,000 firms, 30 institutes (demo.collab), 4 providers (demo.digital)
    page.wait_for_function("document.querySelector('#chart-chains canvas') !== null")  # ECharts drew, served locally
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)
    page.click("#nav-enterprises")
    page.fill("#q", "整车")
    page.click("#search-button")
    expect(page.locator("#results .ent-link").first).to_be_visible()
    total = int(page.locator("#total").inner_text().replace(",", ""))
    assert total > 0
    page.screenshot(path=str(SHOTS / "enterprises.png"), full_page=True)
    name = page.locator("#results .ent-link").first.inner_text()
    page.locator("#results .ent-link").first.click()
    expect(page.locator("#ent-name")).to_have_text(name)
    expect(page.locator("#attributes")).to_contain_text("示例数据 demo")
    page.screenshot(path=str(SHOTS / "enterprise.png"), full_page=True)
    page.click("#lang-en")
    expect(page.locator("#nav-overview")).to_have_text("Overview")
    page.screenshot(path=str(SHOTS / "enterprise-en.png"), full_page=True)
    page.goto(base_url + "/?lang=zh")


def test_import_page_validates_then_confirms(page: Page, base_url: str, tmp_path: Path) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    bad = tmp_path / "企业-错误.csv"
    bad.write_text(ENTERPRISES.replace(",C3841,", ",C0000,"), encoding="utf-8")
    page.goto(base_url + "/import")
    page.set_input_files("#files", str(bad))
    page.click("#upload-button")
    expect(page.locator("#import-status")).to_have_class("bad")
    expect(page.locator("#problems")).to_contain_text("C0000")
    page.screenshot(path=str(SHOTS / "import-invalid.png"), full_page=True)
    good = tmp_path / "企业.csv"
    good.write_text(ENTERPRISES, encoding="utf-8")
    page.set_input_files("#files", str(good))
    page.click("#upload-button")
    expect(page.locator("#import-status")).to_have_class("ok")
    page.click("#confirm-button")
    expect(page.locator("#import-rows")).to_contain_text("3")
    page.screenshot(path=str(SHOTS / "import-done.png"), full_page=True)


def test_panorama_segment_enterprise_and_targets(page: Page, base_url: str) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/")
    page.click("#nav-chains")
    page.locator(".chain-link", has_text="新能源汽车").click()
    expect(page.locator("#chain-name")).to_contain_text("新能源汽车")
    expect(page.locator("#seg-nev-auto_chip")).to_contain_text("缺")
    page.wait_for_function("document.querySelector('#sankey canvas') !== null")
    page.screenshot(path=str(SHOTS / "chain-panorama.png"), full_page=True)
    page.click("#seg-nev-cell")
    expect(page.locator("#results .ent-link").first).to_be_visible()
    page.locator("#results .ent-link").first.click()
    expect(page.locator("#segments")).to_contain_text("动力电池电芯")
    page.locator(".confirm-placement").first.click()
    expect(page.locator("#segments")).to_contain_text("analyst")
    page.screenshot(path=str(SHOTS / "enterprise-placement-confirmed.png"), full_page=True)
    page.goto(base_url + "/chains/nev")
    page.click("#targets-link")
    expect(page.locator("#targets .target-link").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "targets.png"), full_page=True)
    page.goto(base_url + "/chains/nev")
    page.locator("#leaders a").first.click()
    expect(page.locator("#trend-table")).to_contain_text("2025")
    page.wait_for_function("document.querySelector('#trend canvas') !== null")
    page.screenshot(path=str(SHOTS / "leader.png"), full_page=True)


def test_grant_requested_and_approved_in_the_browser(page: Page, base_url: str, demo_engine: Engine) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    from chainatlas.governance.principals import add_user

    add_user(demo_engine, "ui-analyst", "analyst", password="ui-analyst-pw")
    add_user(demo_engine, "ui-tax", "department", password="ui-tax-pw", department="tax")

    def sign_in(name: str, password: str) -> None:
        sign_in_as(page, base_url, name, password)

    sign_in("ui-analyst", "ui-analyst-pw")
    resp = page.goto(base_url + "/chains/nev/targets")
    assert resp is not None and resp.status == 403  # no grant on supply links yet
    page.goto(base_url + "/grants")
    page.select_option("#grant-dataset", "supply_links")
    page.select_option("#grant-purpose", "investment_attraction")
    page.fill("#grant-note", "新能源汽车补链招商")
    page.click("#grant-submit")
    expect(page.locator(".grant-row").last).to_contain_text("待审批")
    sign_in("ui-tax", "ui-tax-pw")
    page.goto(base_url + "/grants")
    page.locator(".grant-row", has_text="ui-analyst").locator(".grant-approve").click()
    expect(page.locator(".grant-row", has_text="ui-analyst").locator(".grant-status")).to_have_text("已批准")
    page.screenshot(path=str(SHOTS / "grants.png"), full_page=True)
    sign_in("ui-analyst", "ui-analyst-pw")
    resp = page.goto(base_url + "/chains/nev/targets")
    assert resp is not None and resp.status == 200
    sign_in("admin", ADMIN_PASSWORD)


def test_leader_exposure_page(page: Page, base_url: str) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/chains/nev")
    page.locator("#leaders a").first.click()
    page.click("#exposure-link")
    expect(page.locator("#exposure-title")).to_be_visible()
    expect(page.locator("#import-dependency")).to_contain_text("%")
    page.wait_for_function("document.querySelector('#province-chart canvas') !== null")
    page.screenshot(path=str(SHOTS / "exposure.png"), full_page=True)


def test_risk_pages_ranking_scenario_compare(page: Page, base_url: str) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/")
    page.click("#nav-risk")
    page.locator(".ranking-link", has_text="新能源汽车").click()
    expect(page.locator("#ranking-title")).to_be_visible()
    page.click("#rei-run")  # a job with a progress bar; the page reloads with the ranking when it is done
    expect(page.locator("#rei-table")).to_be_visible(timeout=60_000)
    page.wait_for_function("document.querySelector('#rei-chart canvas') !== null")
    assert int(page.locator("#rei-nodes").inner_text()) > 10
    page.screenshot(path=str(SHOTS / "risk-ranking.png"), full_page=True)
    for name, weeks in (("电池包断供", "4"), ("电池包断供 8 周", "8")):
        page.goto(base_url + "/risk")
        page.fill("#sc-name", name)
        page.fill("#sc-disrupt", "segment:nev.pack")
        page.fill("#sc-weeks", weeks)
        page.click("#sc-run")
        expect(page.locator("#scenario-title")).to_have_text(name, timeout=60_000)
    page.wait_for_function("document.querySelector('#timeline-chart canvas') !== null")
    expect(page.locator("#leaders tr")).not_to_have_count(1)
    page.screenshot(path=str(SHOTS / "risk-scenario.png"), full_page=True)
    page.goto(base_url + "/risk")
    page.locator(".compare-box").nth(0).check()
    page.locator(".compare-box").nth(1).check()
    page.click("#compare-button")
    expect(page.locator("#compare-summary tr")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "risk-compare.png"), full_page=True)
    page.goto(base_url + "/risk")
    page.fill("#sc-disrupt", "nowhere")
    page.click("#sc-run")
    expect(page.locator("#sc-status")).to_contain_text("cannot read")


def test_trade_page_and_timeline(page: Page, base_url: str) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/")
    page.click("#nav-trade")
    expect(page.locator("#trade-title")).to_be_visible()
    assert int(page.locator("#n-consignments").inner_text()) == DEMO_CONSIGNMENTS
    page.wait_for_function("document.querySelector('#clearance-chart canvas') !== null")
    page.screenshot(path=str(SHOTS / "trade.png"), full_page=True)
    page.wait_for_function("document.querySelector('#trend-chart canvas') !== null")
    page.fill("#target-input", "12")
    page.click("#target-go")  # a tighter target: fewer consignments within it
    expect(page.locator("#trend tr")).not_to_have_count(1)
    open_before = int(page.locator("#n-alerts").inner_text())
    page.locator(".alert-open .alert-ack").first.click()  # acknowledge → the row stays, status changes
    expect(page.locator("#n-alerts")).to_have_text(str(open_before - 1))
    row = page.locator(".alert-acknowledged").first
    row.locator(".alert-note").fill("已联系货代")
    row.locator(".alert-resolve").click()  # resolved alerts leave the inbox
    expect(page.locator("#alerts-title")).to_be_visible()
    page.locator(".consignment-link").first.click()
    expect(page.locator("#consignment-title")).to_be_visible()
    expect(page.locator("#timeline tr.milestone")).not_to_have_count(0)
    page.screenshot(path=str(SHOTS / "consignment.png"), full_page=True)


def test_trace_page(page: Page, base_url: str, demo_engine: Engine) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    from chainatlas.trade import repository
    from chainatlas.trade.capture import check_document
    from tests.trade.test_trace import PALLET, ULD, _doc

    repository.store(demo_engine, check_document(_doc()), "test")
    page.goto(base_url + "/trade")
    page.click("#trace-link")
    page.fill("#trace-epc", ULD)
    page.select_option("#trace-direction", "back")
    page.click("#trace-button")
    expect(page.locator("#trace-result .trace-row")).to_have_count(6)
    expect(page.locator("#trace-result .trace-row").first).to_contain_text(PALLET)
    page.screenshot(path=str(SHOTS / "trace.png"), full_page=True)


def test_tiers_page_and_tier_card(page: Page, base_url: str) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/")
    page.click("#nav-tiers")
    expect(page.locator("#tiers-title")).to_be_visible()
    expect(page.locator("#rule-sets tr")).to_have_count(5)
    page.select_option("#tier-select", "innovative")
    page.click("#tiers-go")
    expect(page.locator("#pool-title")).to_contain_text("创新型")
    expect(page.locator("#pool tr")).not_to_have_count(1)
    page.screenshot(path=str(SHOTS / "tiers.png"), full_page=True)
    page.locator(".card-link").first.click()
    expect(page.locator("#card-title")).to_be_visible()
    expect(page.locator("#tier-innovative")).to_be_visible()
    # "差什么" toward the next tier: unmet criteria with value and threshold, or the inputs still to provide
    assert page.locator("#gaps .gap-row").count() + page.locator("#missing .tag").count() > 0
    expect(page.locator("details.tier-tree")).to_have_count(4)
    expect(page.locator("details.tier-tree[open] .prov").first).to_contain_text("示例数据")  # source and as-of date
    page.screenshot(path=str(SHOTS / "tier_card.png"), full_page=True)
    page.click("#my-policies-link")
    expect(page.locator("#mine-title")).to_be_visible()
    expect(page.locator("#my-policies tr")).not_to_have_count(1)
    page.screenshot(path=str(SHOTS / "my_policies.png"), full_page=True)


def test_policy_screen_confirm_and_sandbox(page: Page, base_url: str) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/")
    page.click("#nav-policies")
    expect(page.locator("#policies-title")).to_be_visible()
    page.locator(".policy-link", has_text="实习").click()
    expect(page.locator("#policy-title")).to_contain_text("实习")
    page.click("#screen-button")
    expect(page.locator("#screening-title")).to_be_visible()
    n_ledger = page.locator("#ledger tr").count()
    first = page.locator(".cand-pending").first
    first.locator(".decide-note").fill("材料核验无误")
    first.locator(".approve").click()
    expect(page.locator("#ledger tr")).to_have_count(n_ledger + 1)
    expect(page.locator(".cand-approved")).to_have_count(1)
    used = page.locator("#used").inner_text()
    assert used != "0"
    # sandbox: halve the per-intern amount → the budget needed falls, the firms qualifying stay
    page.locator(".sandbox-input[data-name='intern.per_intern']").fill("3000")
    page.click("#sandbox-go")
    expect(page.locator("#sandbox-after")).to_be_visible()
    before = page.locator("#sandbox-before td").nth(3).inner_text().replace(",", "")
    after = page.locator("#sandbox-after td").nth(3).inner_text().replace(",", "")
    assert 0 < float(after) < float(before)
    assert page.locator("#sandbox-before td").nth(1).inner_text() == page.locator("#sandbox-after td").nth(1).inner_text()
    page.screenshot(path=str(SHOTS / "policy_sandbox.png"), full_page=True)
    page.locator("#sandbox-title").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "policy_sandbox_top.png"))


def test_enterprise_sees_its_own_card_and_policies_only(page: Page, base_url: str, demo_engine: Engine) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    from sqlalchemy import select

    from chainatlas import db
    from chainatlas.governance.principals import add_user

    with demo_engine.connect() as conn:
        local = conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.region_code.like("4101%"))
                             .order_by(db.enterprise.c.uscc).limit(2)).scalars().all()
    add_user(demo_engine, "firm-user", "enterprise", password="firm-pass-1", enterprise=local[0])
    sign_in_as(page, base_url, "firm-user", "firm-pass-1")
    page.click("#nav-my-card")
    expect(page.locator("#card-title")).to_be_visible()
    expect(page.locator("details.tier-tree")).to_have_count(4)
    page.click("#nav-my-policies")
    expect(page.locator("#mine-title")).to_be_visible()
    expect(page.locator("#my-policies tr")).to_have_count(6)  # header + the five example policies in force
    page.screenshot(path=str(SHOTS / "enterprise_policies.png"), full_page=True)
    for url in ("/tiers", f"/tiers/{local[1]}", f"/enterprises/{local[1]}/policies"):
        resp = page.goto(base_url + url)
        assert resp is not None and resp.status == 403, url


def test_api_docs_render_offline(page: Page, base_url: str) -> None:
    """/docs draws its operations from locally served Swagger UI, with every request off this server refused."""
    with only_local(page, base_url) as outside:
        page.goto(base_url + "/docs")
        expect(page.locator(".opblock-tag").first).to_be_visible(timeout=30_000)
        assert page.locator(".opblock-tag").count() >= 5
        assert "swagger-ui-bundle.js" in page.content()
        page.screenshot(path=str(SHOTS / "api_docs.png"), full_page=False)
    assert not outside, outside


def test_pickers_build_a_scenario_without_typing_codes(page: Page, base_url: str, demo_engine: Engine) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/risk")
    page.select_option("#sc-chain", "nev")
    expect(page.locator("#sc-segment option[value='nev.pack']")).to_have_count(1)
    page.select_option("#sc-segment", "nev.pack")
    page.click("#sc-segment-add")
    expect(page.locator("#sc-province option[value='320000']")).to_have_count(1)
    page.select_option("#sc-province", "320000")
    expect(page.locator("#sc-city option[value='320500']")).to_have_count(1)
    page.select_option("#sc-city", "320500")
    page.click("#sc-division-add")
    expect(page.locator("#sc-country-list option").first).to_be_attached()
    de = page.locator("#sc-country-list option[value$=' DE']").get_attribute("value")
    assert de is not None and de.startswith("德国")
    page.fill("#sc-country", de)
    page.click("#sc-country-add")
    name = _some_enterprise_name(demo_engine)
    page.locator("#sc-enterprise").press_sequentially(name[:4], delay=30)
    expect(page.locator("#sc-enterprise-list option").first).to_be_attached(timeout=10_000)
    page.fill("#sc-enterprise", page.locator("#sc-enterprise-list option").first.get_attribute("value") or "")
    page.click("#sc-enterprise-add")
    lines = page.input_value("#sc-disrupt").splitlines()
    assert lines[:3] == ["segment:nev.pack", "region:3205", "country:DE"] and lines[3].startswith("enterprise:91")
    chips = page.locator("#sc-picked .picked").all_inner_texts()
    assert chips[:3] == ["电池包与BMS", "江苏省苏州市", "德国"], chips
    page.screenshot(path=str(SHOTS / "risk-pickers.png"), full_page=False)
    page.fill("#sc-name", "选择器情景")
    page.click("#sc-run")
    expect(page.locator("#scenario-title")).to_have_text("选择器情景", timeout=60_000)
    expect(page.locator(".meta").first).to_contain_text("环节：电池包与BMS")
    expect(page.locator(".meta").first).to_contain_text("地区：江苏省苏州市")


def _some_enterprise_name(engine: Engine) -> str:
    from sqlalchemy import select

    from chainatlas import db

    with engine.connect() as conn:
        return str(conn.execute(select(db.enterprise.c.name).where(db.enterprise.c.region_code.like("4101%"),
                                                                   db.enterprise.c.uscc.like("91%"))  # a company
                                .order_by(db.enterprise.c.uscc).limit(1)).scalar_one())


def test_maps_draw_offline(page: Page, base_url: str, demo_engine: Engine) -> None:
    """The chain's county map and a leader's supplier maps draw from locally served boundaries, no request leaving."""
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    with only_local(page, base_url) as outside:
        page.goto(base_url + "/chains/nev")
        page.click("#map-link")
        expect(page.locator("#map-title")).to_contain_text("产业链地图")
        page.wait_for_function("document.getElementById('district-map').dataset.drawn === '1'")
        expect(page.locator("#districts .district-row")).to_have_count(12)
        page.select_option("#map-measure", "rate")
        page.select_option("#map-segment", "nev.pack")
        page.click("#map-go")
        page.wait_for_function("document.getElementById('district-map').dataset.drawn === '1'")
        page.screenshot(path=str(SHOTS / "chain-map.png"), full_page=True)
        page.goto(base_url + "/chains/nev")
        page.locator("#leaders a").first.click()
        page.click("#exposure-link")
        page.wait_for_function("document.getElementById('province-map').dataset.drawn === '1' && "
                               "document.getElementById('world-map').dataset.drawn === '1'")
        expect(page.locator("#provinces tr")).not_to_have_count(1)
        page.screenshot(path=str(SHOTS / "exposure-maps.png"), full_page=True)
        page.goto(base_url + "/network")
        page.wait_for_function("document.getElementById('lane-map').dataset.drawn === '1'")
        expect(page.locator("#lanes .lane-row")).not_to_have_count(0)
        page.screenshot(path=str(SHOTS / "network.png"), full_page=True)
        page.goto(base_url + "/trade")
        page.wait_for_function("document.getElementById('destination-map').dataset.drawn === '1'")
        expect(page.locator("#destinations tr")).not_to_have_count(1)
    assert not outside, outside


def test_attraction_follow_up_from_the_target_list(page: Page, base_url: str) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/chains/nev/targets?segment=nev.sensor")
    name = page.locator("#targets .target-link").first.inner_text()
    page.locator(".open-project-button").first.click()
    expect(page.locator("#project-title")).to_have_text(name)
    expect(page.locator("#project-stage")).to_have_text("线索")
    expect(page.locator("#if-landed")).to_be_visible()
    page.select_option("#ev-stage", "visit")
    page.fill("#ev-note", "赴企业考察，对方计划在郑州设厂")
    page.fill("#ev-files", "考察纪要.docx；投资意向书.pdf")
    page.fill("#ev-next", "2020-01-01")  # a follow-up date already past: the project is overdue
    page.click("#ev-save")
    expect(page.locator("#project-stage")).to_have_text("考察")
    expect(page.locator("#timeline .event-row")).to_have_count(2)
    expect(page.locator("#timeline .event-row").last).to_contain_text("投资意向书.pdf")
    page.screenshot(path=str(SHOTS / "attraction-project.png"), full_page=True)
    page.click("#nav-attraction")
    expect(page.locator("#col-visit .board-card", has_text=name)).to_have_count(1)
    expect(page.locator("#overdue .overdue-item", has_text=name)).to_have_count(1)
    page.screenshot(path=str(SHOTS / "attraction-board.png"), full_page=True)


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_cockpit_on_a_wall_display(page: Page, base_url: str, size: tuple[int, int]) -> None:
    """The cockpit at both wall sizes, drawn with nothing fetched from off the machine; a tile opens its indicator."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        with only_local(page, base_url) as outside:
            page.goto(base_url + "/cockpit")
            expect(page.locator("#cockpit-title")).to_have_text("城市驾驶舱")
            page.wait_for_function("document.getElementById('cargo-map').dataset.drawn === '1'")
            expect(page.locator(".tile[data-indicator='airport_cargo_tonnes'] .tile-target")).to_contain_text("110")
            assert page.locator(".tile").count() == 11  # ten indicators and the supporting rate of the six chains
            expect(page.locator(".tile-chains tr")).to_have_count(6)
            page.screenshot(path=str(SHOTS / f"cockpit-{size[0]}.png"), full_page=False)
            page.locator(".tile[data-indicator='gdp_yuan']").click()
            expect(page.locator("#indicator-title")).to_have_text("地区生产总值")
            page.wait_for_function("document.querySelector('.indicator-chart').dataset.drawn === '1'")
            expect(page.locator(".projection").first).to_contain_text("趋势外推")
        assert not outside, outside
    finally:
        page.set_viewport_size({"width": 1440, "height": 900})


def test_collab_list_demand_and_pipeline(page: Page, base_url: str, demo_engine: Engine) -> None:
    """揭榜挂帅: the published list filtered by state, a demand with its matched capabilities, the bureau publishing a
    demand under review, the pipeline with overdue milestones and the fund, internships — in Chinese, nothing from off
    the machine."""
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    with only_local(page, base_url) as outside:
        page.goto(base_url + "/")
        page.click("#nav-collab")
        expect(page.locator("#collab-title")).to_have_text("揭榜挂帅")
        page.select_option("#f-state", "bidding")
        page.click("#f-go")
        expect(page.locator(".demand-row").first).to_contain_text("揭榜")
        page.screenshot(path=str(SHOTS / "collab-list.png"), full_page=True)
        page.locator(".demand-link").first.click()
        expect(page.locator("#matches .match-row")).to_have_count(10)
        expect(page.locator("#demand-state")).to_have_text("揭榜")
        page.screenshot(path=str(SHOTS / "collab-demand.png"), full_page=True)
        page.goto(base_url + "/collab?state=review")
        page.locator(".demand-link").first.click()
        page.select_option("#step-to", "published")
        page.fill("#step-note", "专家论证通过，发榜")
        page.click("#step-go")
        expect(page.locator("#demand-state")).to_have_text("发榜")
        expect(page.locator("#timeline .event-row").last).to_contain_text("专家论证通过")
        page.goto(base_url + "/collab/pipeline")
        expect(page.locator("#state-paid .count")).not_to_have_text("0")
        expect(page.locator("#overdue-milestones tr.overdue").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "collab-pipeline.png"), full_page=True)
        page.goto(base_url + "/collab/internships")
        expect(page.locator("#students tr.bad").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "collab-internships.png"), full_page=True)
        page.goto(base_url + "/collab/capabilities")
        page.locator(".cap-link").first.click()
        expect(page.locator("#cap-matches .match-row").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "collab-capability.png"), full_page=True)
    assert outside == []


def test_an_institute_bids_from_its_inbox(page: Page, base_url: str, demo_engine: Engine) -> None:
    """An institute's account: a notice in its inbox leads to a published demand, where it submits a bid."""
    from chainatlas.governance.principals import add_user

    n, d = db.collab_notice.c, db.collab_demand.c
    with demo_engine.connect() as conn:  # a notice about a demand still published: nobody has bid on it yet
        uscc, target = conn.execute(select(n.recipient_uscc, n.demand_id).join(db.collab_demand, d.demand_id == n.demand_id)
                                    .where(d.state == "published").order_by(n.id).limit(1)).one()
    add_user(demo_engine, "inst-user", "enterprise", password="inst-pass-1", enterprise=uscc)
    sign_in_as(page, base_url, "inst-user", "inst-pass-1")
    page.goto(base_url + "/collab/mine")
    page.locator(f"#inbox a[href='/collab/demands/{target}']").first.click()
    expect(page.locator("#bid-form")).to_be_visible()
    page.fill("#bid-approach", "机理分析→工艺优化→中试验证")
    page.fill("#bid-team", "示例课题组")
    page.fill("#bid-budget", "600000")
    page.fill("#bid-milestones", "方案与样品, 2099-03-31, 100000\n中试验证, 2099-09-30, 200000")
    page.click("#bid-save")
    expect(page.locator("#bids .bid-row")).to_have_count(1)  # an institute sees its own bid only
    expect(page.locator("#demand-state")).to_have_text("揭榜")
    page.screenshot(path=str(SHOTS / "collab-bid.png"), full_page=True)


def test_consolidation_lane_unit_and_3d_plan(page: Page, base_url: str) -> None:
    """货代拼单: the demo week per lane, then a unit's 3D load plan (three.js served locally) stepped through its
    loading sequence."""
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/")
    page.click("#nav-consolidation")
    expect(page.locator("#consolidation-title")).to_have_text("货代拼单")
    expect(page.locator("#lanes .lane-row")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "consolidation.png"), full_page=True)
    page.locator("#units .unit-link").last.click()
    page.wait_for_function("document.getElementById('load-3d').dataset.drawn !== undefined")
    drawn = page.locator("#load-3d").get_attribute("data-drawn")
    assert drawn == "1", "WebGL should be available in headless Chromium (SwiftShader)"
    expect(page.locator("#load-3d canvas")).to_have_count(1)
    rows = page.locator("#placements .placement-row").count()
    assert rows > 0
    expect(page.locator("#step-label")).to_have_text(f"{rows} / {rows}")
    page.locator("#step").fill("1")
    expect(page.locator("#step-label")).to_have_text(f"1 / {rows}")
    page.screenshot(path=str(SHOTS / "consolidation-unit-first-carton.png"), full_page=True)
    page.locator("#step").fill(str(rows))
    page.screenshot(path=str(SHOTS / "consolidation-unit.png"), full_page=True)
    expect(page.locator("#plan-check")).to_contain_text("通过")


def test_overseas_warehouses_list_detail_and_chart(page: Page, base_url: str) -> None:
    """公共海外仓: the list on a day, then Hamburg's occupancy chart (echarts served locally), its alert spells, stock and
    fees, and a receipt's link to its EPCIS event."""
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/")
    page.click("#nav-warehouses")
    expect(page.locator("#warehouses-title")).to_have_text("公共海外仓")
    page.fill("#as-of", "2026-04-15")
    page.click("form.filters button")
    expect(page.locator("#warehouses .warehouse-row")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "warehouses.png"), full_page=True)
    page.locator("#warehouses .warehouse-link", has_text="汉堡").click()
    expect(page.locator("#warehouse-title")).to_have_text("示例汉堡公共海外仓")
    page.wait_for_function("document.getElementById('occupancy-chart').dataset.drawn === '1'")
    expect(page.locator("#occupancy-chart canvas")).to_have_count(1)
    assert page.locator("#alerts .alert-row").count() >= 1
    assert page.locator("#stock .stock-row").count() >= 1 and page.locator("#fees .fee-row").count() >= 1
    page.screenshot(path=str(SHOTS / "warehouse.png"), full_page=True)
    page.locator("#receipts .event-link").first.click()
    expect(page).to_have_url(re.compile(r"/epcis/events/"))


def test_digital_catalogue_comparison_maturity_and_a_firms_card(page: Page, base_url: str, demo_engine: Engine) -> None:
    """智改数转: search offers for 10 devices, compare two side by side, open one with its self-reported cases; the chain's
    maturity per segment, a leader's suppliers, a supplier's digital card; re-submit its self-assessment."""
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    page.goto(base_url + "/?lang=zh")
    page.click("#nav-digital")
    expect(page.locator("#digital-title")).to_have_text("智改数转")
    page.fill("#units", "10")
    page.click("#search-button")
    n = page.locator("#offers .offer-row").count()
    assert n >= 10
    totals = [float(t.replace(",", "")) for t in page.locator("#offers .total").all_inner_texts()]
    assert totals == sorted(totals)  # cheapest first
    page.locator("#offers .compare-box").nth(0).check()
    page.locator("#offers .compare-box").nth(1).check()
    page.click("#compare-button")
    expect(page.locator("#comparison .compare-col")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "digital.png"), full_page=True)
    page.select_option("#scenario", "equipment_iot")
    page.click("#search-button")
    assert 1 <= page.locator("#offers .offer-row").count() < n
    page.locator("#offers .offer-link").first.click()
    expect(page.locator("#offer-title")).to_contain_text("示例")
    page.screenshot(path=str(SHOTS / "digital_offer.png"), full_page=True)
    page.goto(base_url + "/digital")
    page.click("#maturity-link")
    expect(page.locator("#maturity-title")).to_contain_text("产业链数字化水平")
    assert page.locator("#segments .segment-row").count() >= 10
    page.screenshot(path=str(SHOTS / "digital_maturity.png"), full_page=True)
    page.locator("#leaders .leader-link").first.click()
    expect(page.locator("#leader-title")).to_contain_text("链主的配套企业")
    assert page.locator("#suppliers .supplier-row").count() >= 1
    page.screenshot(path=str(SHOTS / "digital_leader.png"), full_page=True)
    with demo_engine.connect() as conn:  # a firm the demo assessed
        assessed = conn.execute(select(db.digital_assessment.c.uscc).order_by(db.digital_assessment.c.id)).scalars().first()
    page.goto(f"{base_url}/digital/enterprises/{assessed}")
    expect(page.locator("#card-title")).to_contain_text("企业数字化档案")
    level = page.locator("#level").inner_text()
    assert page.locator("#gaps .gap-row").count() >= 1
    page.click("#submit-assessment")  # the form comes filled in with the latest answers
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#level")).to_have_text(level)
    page.screenshot(path=str(SHOTS / "digital_card.png"), full_page=True)


def _png(width: int = 24, height: int = 16) -> bytes:
    """A small valid PNG (an orange block), made here rather than shipped."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xe0\x80\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_maintenance_a_fault_reported_worked_and_confirmed(page: Page, base_url: str, demo_engine: Engine,
                                                           tmp_path: Path) -> None:
    """共享运维: a firm reports a fault on its machine with a photo; its provider assigns an engineer, arrives and
    resolves; the firm confirms; the clocks are met; the provider's KPIs and the machine's page; the other provider
    does not see the ticket."""
    from chainatlas.governance.principals import add_user

    e = db.equipment.c
    with demo_engine.connect() as conn:
        p, q = conn.execute(select(db.solution_provider.c.uscc).where(db.solution_provider.c.shared_om.is_(True))
                            .order_by(db.solution_provider.c.uscc)).scalars().all()[:2]
        machine = conn.execute(select(e.equipment_id, e.owner_uscc).where(e.provider_uscc == p).order_by(e.equipment_id.desc())).first()
    assert machine is not None
    add_user(demo_engine, "om-b-firm", "enterprise", password="om-firm-pass-1", enterprise=machine.owner_uscc)
    add_user(demo_engine, "om-b-prov", "enterprise", password="om-prov-pass-1", enterprise=p)
    add_user(demo_engine, "om-b-other", "enterprise", password="om-other-pass-1", enterprise=q)
    sign_in_as(page, base_url, "om-b-firm", "om-firm-pass-1")
    page.goto(base_url + "/?lang=zh")
    page.click("#nav-maintenance")
    expect(page.locator("#om-title")).to_have_text("共享运维")
    page.select_option("#report-equipment", machine.equipment_id)
    page.select_option("#report-priority", "P2")
    page.fill("#report-fault", "主轴异响，浏览器测试")
    page.screenshot(path=str(SHOTS / "maintenance.png"), full_page=True)
    page.click("#report-submit")
    expect(page.locator("#ticket-title")).to_contain_text("待派单")
    ticket_url = page.url
    photo = tmp_path / "fault.png"
    photo.write_bytes(_png())
    page.set_input_files("#photo-input", str(photo))
    page.click("#photo-submit")
    expect(page.locator("img.photo")).to_have_count(1)
    assert page.locator("img.photo").evaluate("i => i.naturalWidth") == 24  # served back and decoded
    sign_in_as(page, base_url, "om-b-other", "om-other-pass-1")
    resp = page.goto(ticket_url)
    assert resp is not None and resp.status == 404
    sign_in_as(page, base_url, "om-b-prov", "om-prov-pass-1")
    page.goto(ticket_url)
    expect(page.locator("#sla-respond .sla-state")).to_have_text("计时中")
    page.fill("#technician-input", "浏览器工程师")
    page.click("#do-assign")
    expect(page.locator("#technician")).to_have_text("浏览器工程师")
    page.click("#do-arrive")
    expect(page.locator("#ticket-title")).to_contain_text("已到场")
    page.locator("#action-resolve .note-input").fill("更换主轴轴承")
    page.click("#do-resolve")
    expect(page.locator("#ticket-title")).to_contain_text("已修复待确认")
    assert page.locator("#do-confirm").count() == 0  # the firm's step
    sign_in_as(page, base_url, "om-b-firm", "om-firm-pass-1")
    page.goto(ticket_url)
    page.click("#do-confirm")
    expect(page.locator("#ticket-title")).to_contain_text("已确认关闭")
    for clock in ("respond", "on_site", "resolve"):
        expect(page.locator(f"#sla-{clock} .sla-state")).to_have_text("达标")
    expect(page.locator("#events .event-row")).to_have_count(5)
    page.screenshot(path=str(SHOTS / "maintenance_ticket.png"), full_page=True)
    page.click(f"a[href='/maintenance/equipment/{machine.equipment_id}']")
    expect(page.locator("#equipment-title")).to_contain_text(machine.equipment_id)
    page.click("#token-submit")
    expect(page.locator("#device-token code")).to_contain_text("dev_")
    page.screenshot(path=str(SHOTS / "maintenance_equipment.png"), full_page=True)
    sign_in_as(page, base_url, "om-b-prov", "om-prov-pass-1")
    page.goto(base_url + "/maintenance/providers")
    expect(page.locator("#providers .provider-row")).to_have_count(1)
    assert page.locator("#providers .mttr").inner_text() != "—"
    page.screenshot(path=str(SHOTS / "maintenance_providers.png"), full_page=True)
    page.goto(base_url + "/maintenance?lang=en")
    expect(page.locator("#om-title")).to_have_text("Shared O&M")
    page.goto(base_url + "/maintenance?lang=zh")


def test_products_request_a_grant_get_a_token(page: Page, base_url: str, demo_engine: Engine) -> None:
    """数据即服务: the catalogue with quality, a product's page; an analyst requests a grant from the page, the owner
    approves it on /grants, the analyst issues a token; the owner sees the product's usage."""
    from chainatlas.governance.principals import add_user

    add_user(demo_engine, "dp-b-analyst", "analyst", password="dp-analyst-pass-1")
    add_user(demo_engine, "dp-b-customs", "department", password="dp-customs-pass-1", department="customs")
    page.goto(base_url + "/products?lang=zh")
    expect(page.locator("#products-title")).to_have_text("数据产品")
    expect(page.locator("#products .product-row")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "products.png"), full_page=True)
    sign_in_as(page, base_url, "dp-b-analyst", "dp-analyst-pass-1")
    page.goto(base_url + "/products/clearance_lanes")
    expect(page.locator("#product-title")).to_contain_text("通关时效")
    assert page.locator("#history .history-row").count() >= 1
    page.select_option("#request-purpose", "trade_service")
    page.fill("#request-note", "口岸时效对比（浏览器测试）")
    page.click("#request-submit")
    expect(page.locator("#grants .grant-row").last).to_contain_text("通关时效")
    sign_in_as(page, base_url, "dp-b-customs", "dp-customs-pass-1")
    page.goto(base_url + "/grants")
    page.locator("#grants .grant-row[data-status='requested'] .grant-approve").last.click()
    sign_in_as(page, base_url, "dp-b-analyst", "dp-analyst-pass-1")
    page.goto(base_url + "/products/clearance_lanes")
    page.click("#token-submit")
    expect(page.locator("#product-token code")).to_contain_text("dp_")
    page.screenshot(path=str(SHOTS / "product.png"), full_page=True)
    token = page.locator("#product-token code").inner_text()
    got = page.request.get(base_url + "/api/v1/products/clearance_lanes/data", headers={"X-Product-Token": token})
    assert got.status == 200 and got.json()["count"] >= 1
    sign_in_as(page, base_url, "dp-b-customs", "dp-customs-pass-1")
    page.goto(base_url + "/products/clearance_lanes")
    expect(page.locator("#usage .usage-row", has_text="dp-b-analyst")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "product_owner.png"), full_page=True)
