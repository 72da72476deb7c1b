"""Chinese everywhere in the Chinese workbench: every page of the crawl, read as a person sees it (the rendered text,
drop-down labels included), shows no code of the product — no state, bizStep, disposition, role, action, dataset,
purpose, department, tier, chain, segment or policy key — only its name. Technical identifiers a user needs to copy
(USCC, EPC URIs, API paths, user names) are marked ``class="ident"`` or written in ``<code>``, and what users typed
(notes) ``class="user-text"``; those are not read. A screenshot of
every page at 1440 px is kept for people to look at."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page
from sqlalchemy import Engine, select

from chainatlas import db, vocabulary
from chainatlas.attraction.projects import open_project
from chainatlas.chains.templates import load_chains
from chainatlas.risk import store
from chainatlas.risk.scenario import ScenarioSpec, parse_disruption
from chainatlas.rules import policies, tiers
from chainatlas.trade.consignments import consignments
from chainatlas.web.i18n import code_labels
from tests.conftest import ADMIN_PASSWORD
from tests.helpers.browser import SHOTS, sign_in_as

# Proper nouns and units, never codes of the product, whatever a code list contains
ALLOW = {"EPCIS", "USCC", "CSV", "XLSX", "JSON", "API", "GS1", "CBV", "REI", "TTS", "PI", "h", "n", "p90"}
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[.:][A-Za-z0-9_]+)*")
VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('script, style, code, .ident, .user-text, input, textarea').forEach(e => e.remove());
  body.querySelectorAll('select').forEach(s => s.replaceWith(' ' + [...s.options].map(o => o.text).join(' ') + ' '));
  document.documentElement.appendChild(body); body.style.position = 'absolute'; body.style.left = '-99999px';
  const text = body.innerText; body.remove(); return text;
}"""


def product_codes() -> set[str]:
    """Every code the product itself defines: the vocabularies, chains and segments, tiers, policies, datasets."""
    codes = {c for kind in vocabulary.KINDS.values() for c in kind}
    for chain in load_chains():
        codes |= {chain.id} | {chain.full_code(s.code) for s in chain.segments}
    codes |= set(tiers.TIERS) | set(policies.policies()) | set(code_labels()["dataset"])
    codes |= {rs.id for rs in tiers.load_sets().values()}
    return {c for c in codes if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.:]*", c) and c not in ALLOW}


def _crawl(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        leader = conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.is_chain_leader.is_(True))
                              .order_by(db.enterprise.c.uscc).limit(1)).scalar_one()
        local = conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.region_code.like("4101%"))
                             .order_by(db.enterprise.c.uscc).limit(1)).scalar_one()
        consignment = conn.execute(select(db.trade_alert.c.consignment).order_by(db.trade_alert.c.id).limit(1)).scalar_one()
    exporter = next(c["exporter"] for c in consignments(engine) if (c.get("exporter") or "").startswith("4101", 2))
    policy = next(iter(policies.policies()))
    spec = ScenarioSpec(name="示例情景", disrupt=[parse_disruption(d) for d in ("segment:nev.pack", "region:3205", "country:DE")],
                        weeks=4)
    sid = store.save(engine, spec, "test")
    project = open_project(engine, chain_id="nev", target_name="示例招商对象", target_uscc=leader, segment_code="nev.pack",
                           officer="zhang", actor="test", next_action_on=dt.date(2020, 1, 1))
    store.run_saved(engine, sid)
    return [f"/risk/scenarios/{sid}", f"/risk/scenarios/compare?ids={sid}", "/chains/nev/map", "/network", "/consolidation", "/cockpit", "/indicators/supporting_rate", f"/enterprises/{exporter}", "/attraction", f"/attraction/projects/{project['id']}", "/", "/enterprises", f"/enterprises/{local}", "/import", "/chains", "/chains/nev", "/chains/nev/targets",
            f"/leaders/{leader}", f"/risk/exposure/{leader}", "/risk", "/risk/ranking/nev", "/trade", "/trade/trace",
            f"/trade/consignments/{consignment}", "/tiers", f"/tiers/{local}", "/policies", f"/policies/{policy}",
            f"/enterprises/{local}/policies", "/grants", "/audit", "/collab", "/collab?state=implementing",
            "/collab/demands/XQ-DEMO-0300", "/collab/demands/XQ-DEMO-0150", "/collab/capabilities",
            "/collab/capabilities/CG-DEMO-0001", "/collab/pipeline", "/collab/internships"]


def test_product_codes_are_known() -> None:
    codes = product_codes()
    assert {"departing", "trade_service", "biomed", "nev.pack", "specialised", "market_supervision"} <= codes


def test_every_page_in_chinese_shows_names_not_codes(page: Page, base_url: str, demo_engine: Engine) -> None:
    sign_in_as(page, base_url, "admin", ADMIN_PASSWORD)
    codes = product_codes()
    found: dict[str, set[str]] = {}
    for url in _crawl(demo_engine):
        resp = page.goto(base_url + url + ("&" if "?" in url else "?") + "lang=zh")
        assert resp is not None and resp.status == 200, url
        page.wait_for_load_state("networkidle")
        text = page.evaluate(VISIBLE_TEXT)
        assert re.search(r"[\u4e00-\u9fff]", text), url
        shown = {t for t in TOKEN.findall(text) if t in codes}
        if shown:
            found[url] = shown
        name = re.sub(r"[^A-Za-z0-9]+", "_", url).strip("_") or "home"
        page.screenshot(path=str(SHOTS / f"zh-{name}.png"), full_page=True)
    assert not found, f"codes shown untranslated: {found}"


@pytest.mark.parametrize("text, expected", [("状态 departing · 已离港", {"departing"}), ("环节 nev.pack", {"nev.pack"}),
                                            ("CSV XLSX JSON", set())])
def test_the_scan_finds_codes(text: str, expected: set[str]) -> None:
    assert {t for t in TOKEN.findall(text) if t in product_codes()} == expected
