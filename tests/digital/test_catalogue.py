"""The catalogue and subscriptions through the exchange spec: all-or-nothing imports, offer costs, search, the
recommendations for an assessment's gaps, and the recorded spending the subsidy and vouchers read instead of declared
figures (the fixture of docs/digital.md, on both databases)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from chainatlas.digital import assessment
from chainatlas.exchange.importer import import_files
from chainatlas.solutions import catalogue
from chainatlas.solutions import store as solution_store
from tests.helpers.digital import ANSWERS, OFFERS, files
from tests.helpers.exchange import A, B, count, write


def test_the_fixture_imports_and_gives_the_hand_checked_figures(any_engine: Engine, tmp_path: Path) -> None:
    report = import_files(files(tmp_path), engine=any_engine)
    assert report.ok, report.problems[:3]
    offers = solution_store.offers(any_engine)
    costs = {r["offer_id"]: (r["monthly_yuan"], r["term_months"], r["total_yuan"])
             for r in catalogue.offer_costs(offers, units=10, months=12).to_dicts()}
    assert costs == {"SZ-1": (1500.0, 24, 36000.0), "SZ-2": (2000.0, 12, 24000.0), "SZ-3": (5000.0, 12, 60000.0)}
    assert offers.filter(offers["offer_id"] == "SZ-1")["cases"].to_list() == [1]
    spend = solution_store.recorded_spend(any_engine, 2025).to_dicts()
    assert spend == [{"uscc": A, "digital_spend_yuan": 19000.0, "compute_spend_yuan": 10000.0, "model_spend_yuan": None}]
    [case] = solution_store.cases(any_engine, "SZ-1").to_dicts()
    assert case["change"] == pytest.approx(1.9 - 3.2)


def test_search_and_compare(engine: Engine, tmp_path: Path) -> None:
    assert import_files(files(tmp_path), engine=engine).ok
    offers = solution_store.offers(engine)
    assert catalogue.search(offers, segment="nev.cathode", units=10)["offer_id"].to_list() == ["SZ-1", "SZ-3"]
    assert catalogue.search(offers, segment="nev.cell", units=10)["offer_id"].to_list() == ["SZ-2", "SZ-1", "SZ-3"]
    assert catalogue.search(offers, max_monthly=1600, units=10)["offer_id"].to_list() == ["SZ-1"]
    assert catalogue.search(offers, text="mes")["offer_id"].to_list() == ["SZ-2"]
    assert catalogue.compare(offers, ["SZ-3", "SZ-1"])["offer_id"].to_list() == ["SZ-3", "SZ-1"]


def test_recommendations_for_the_gaps(engine: Engine, tmp_path: Path) -> None:
    assert import_files(files(tmp_path), engine=engine).ok
    gaps = assessment.assess(ANSWERS, dt.date(2026, 3, 1))["gaps"]
    recs = {r["item"]: [o["offer_id"] for o in r["offers"]] for r in catalogue.recommend(gaps, solution_store.offers(engine))}
    assert recs["data_collection"] == ["SZ-1"] and recs["energy"] == [] and recs["strategy"] == []
    assert recs["planning"] == []  # the MES offer is made for nev.cell only
    with_segment = catalogue.recommend(gaps, solution_store.offers(engine), segments=["nev.cell"])
    assert [o["offer_id"] for r in with_segment if r["item"] == "planning" for o in r["offers"]] == ["SZ-2"]


def test_recorded_spending_replaces_the_declared_figure(engine: Engine, tmp_path: Path) -> None:
    profile = write(tmp_path / "p.csv", "统一社会信用代码,数据日期,数字化改造投入（元）,模型服务采购金额（元）\n"
                    f"{A},2025-12-31,80000,7000\n{B},2025-12-31,60000,\n")
    assert import_files([*files(tmp_path), profile], engine=engine).ok
    from chainatlas.rules.inputs import provenance, read_inputs
    from chainatlas.rules.service import enterprise_policies

    on = dt.date(2026, 3, 1)
    rows = {r["uscc"]: r for r in read_inputs(engine, on).to_dicts()}
    assert (rows[A]["digital_spend_yuan"], rows[A]["compute_spend_yuan"], rows[A]["model_spend_yuan"]) == (19000.0, 10000.0, 7000.0)
    assert rows[B]["digital_spend_yuan"] == 60000.0  # no subscription: as declared
    assert provenance(engine, A, on)["digital_spend_yuan"] == {"source": solution_store.SPEND_SOURCE, "as_of": "2025-12-31"}
    assert provenance(engine, A, on).get("model_spend_yuan", {}).get("source") != solution_store.SPEND_SOURCE
    light = next(p for p in enterprise_policies(engine, A, on)["policies"] if p["policy"] == "digital_lightweight")
    assert light["status"] == "unmet"  # 19,000 recorded < 50,000, whatever was declared


def test_imports_refuse_unknown_references_whole(engine: Engine, tmp_path: Path) -> None:
    paths = files(tmp_path)
    write(paths[2], OFFERS.replace("SZ-3,", "SZ-4,"))  # SZ-3 missing: DY-3 refers to nothing
    report = import_files(paths, engine=engine)
    assert not report.written
    [p] = report.problems
    assert (p.file, p.row, p.column) == ("subs.csv", 4, "方案编号") and "unknown reference" in p.reason_en
    assert count(engine, "solution_offer") == 0 and count(engine, "solution_subscription") == 0
    backwards = files(tmp_path, subscriptions="订阅编号,企业统一社会信用代码,方案编号,起始日期,终止日期,每月实付（元）\n"
                      f"DY-9,{A},SZ-1,2025-03-01,2025-02-01,100\n")
    report = import_files(backwards, engine=engine)
    assert not report.written and report.problems[0].row == 2 and "end_date" in report.problems[0].reason_en
