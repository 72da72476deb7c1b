"""Data products: quality measured on a fixture with known gaps; a token scoped to one product never reads another;
grants end tokens; every call metered and audited; the owner sees usage (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from chainatlas import db
from chainatlas.exchange.importer import import_files
from chainatlas.governance import catalogue
from chainatlas.governance.principals import add_user, principal_for_token
from chainatlas.governance.principals import issue_token as account_token
from chainatlas.messages import Refused
from chainatlas.products import store
from tests.helpers.exchange import ENTERPRISES, write

BAD = "91410100MA0000000Z"  # a wrong check character, stored before the checks existed


@pytest.fixture()
def city(any_engine: Engine, tmp_path: Path) -> Engine:
    assert import_files([write(tmp_path / "ents.csv", ENTERPRISES)], engine=any_engine, write_reports=False).written
    with any_engine.begin() as conn:  # a legacy row: bad check character, no industry, no source
        conn.execute(insert(db.enterprise).values(uscc=BAD, name="旧系统迁入企业（示例）", country_code="CN", region_code="410105",
                                                  industry_code=None, source=" ", as_of=dt.date(2026, 1, 31)))
    return any_engine


def test_quality_on_known_gaps(city: Engine) -> None:
    q = store.measure(city, "enterprise_register", "4101", today=dt.date(2026, 3, 1))
    assert q["rows"] == 4
    assert q["completeness"]["uscc"] == 1.0 and q["completeness"]["industry_code"] == 0.75
    assert q["completeness"]["founded_on"] == 0.0  # nobody gave a founding date
    assert q["validity"] == 0.75  # the legacy row fails the check character
    assert q["provenance"] == 0.75  # the legacy row names no source
    assert q["latest"] == dt.date(2026, 1, 31) and q["freshness_days"] == 29
    hist = store.history(city, "enterprise_register")
    assert len(hist) == 1 and hist[0]["rows"] == 4


def test_refresh_follows_imports(city: Engine, tmp_path: Path) -> None:
    assert set(store.refresh(city, "4101")) == {"enterprise_register", "chain_segments", "clearance_lanes"}
    assert store.refresh(city, "4101") == []  # nothing imported since
    from chainatlas.registry.uscc import make_uscc

    d = make_uscc("91410103MA44DDDD4")
    write(tmp_path / "more.csv", f"{ENTERPRISES.splitlines()[0]}\n{d},郑州丁公司（示例）,410103,C3841,1000000,2026-02-28\n")
    assert import_files([tmp_path / "more.csv"], engine=city, write_reports=False).written
    assert set(store.refresh(city, "4101")) == {"enterprise_register", "chain_segments"}
    assert [h["rows"] for h in store.history(city, "enterprise_register")] == [5, 4]


def _grantee(engine: Engine, name: str, dataset: str, *, approve: bool = True) -> int:
    add_user(engine, name, "analyst")
    who = principal_for_token(engine, account_token(engine, name))
    assert who is not None
    gid = catalogue.request_grant(engine, who, dataset, "chain_analysis")
    if approve:
        add_user(engine, f"{name}-owner", "department", department=catalogue.DATASETS[dataset].owner)
        owner = principal_for_token(engine, account_token(engine, f"{name}-owner"))
        assert owner is not None
        catalogue.decide(engine, gid, owner, "approve")
    return gid


def test_token_scope_grants_metering_and_usage(city: Engine) -> None:
    gid = _grantee(city, "consumer", "product.enterprise_register")
    who = principal_for_token(city, account_token(city, "consumer"))
    assert who is not None
    with pytest.raises(Refused, match="grant"):
        store.issue_token(city, who, "chain_segments")  # no grant on that product
    issued = store.issue_token(city, who, "enterprise_register")
    token = issued["token"]
    assert issued["grant_id"] == gid and issued["expires_on"] > dt.date.today()
    got = store.serve(city, token, "enterprise_register", "4101")
    assert got["count"] == 4 and set(got["rows"][0]) == {"uscc", "name", "region_code", "industry_code", "founded_on"}
    for other in ("chain_segments", "clearance_lanes"):
        with pytest.raises(Refused, match="scoped") as refused:
            store.serve(city, token, other, "4101")
        assert refused.value.status == 403
    with pytest.raises(Refused) as bad:
        store.serve(city, "dp_not-a-token", "enterprise_register", "4101")
    assert bad.value.status == 401
    owner = principal_for_token(city, account_token(city, "consumer-owner"))
    assert owner is not None
    catalogue.decide(city, gid, owner, "revoke")
    with pytest.raises(Refused, match="grant"):
        store.serve(city, token, "enterprise_register", "4101")  # the token ends with its grant
    use = store.usage(city, owner, "enterprise_register")
    assert {(u["grantee"], u["calls"], u["rows"], u["refused"]) for u in use} == {("consumer", 2, 4, 1), (None, 1, 0, 1)}  # calls to this product only
    with pytest.raises(Refused, match="owner"):
        store.usage(city, who, "enterprise_register")
    with city.connect() as conn:
        audited = conn.execute(select(db.audit_log.c.action, db.audit_log.c.outcome)
                               .where(db.audit_log.c.role == "product-token")).all()
    assert sorted(audited) == sorted([("GET product enterprise_register", "ok"), ("GET product chain_segments", "denied"),
                                      ("GET product clearance_lanes", "denied"), ("GET product enterprise_register", "denied"),
                                      ("GET product enterprise_register", "denied")])


def test_an_enterprise_may_hold_a_product_grant_but_no_dataset_grant(city: Engine) -> None:
    """A firm consumes data products like anyone (数据即服务); rows of the datasets behind them stay closed to it."""
    from tests.helpers.exchange import A

    add_user(city, "firm", "enterprise", enterprise=A)
    firm = principal_for_token(city, account_token(city, "firm"))
    assert firm is not None
    gid = catalogue.request_grant(city, firm, "product.enterprise_register", "trade_service")
    add_user(city, "ms", "department", department="market_supervision")
    owner = principal_for_token(city, account_token(city, "ms"))
    assert owner is not None
    catalogue.decide(city, gid, owner, "approve")
    token = store.issue_token(city, firm, "enterprise_register")["token"]
    assert store.serve(city, token, "enterprise_register", "4101")["count"] == 4
    dataset_grant = catalogue.request_grant(city, firm, "enterprises", "trade_service")
    catalogue.decide(city, dataset_grant, owner, "approve")
    assert not catalogue.row_access(city, firm, "enterprises").allowed  # its own rows only, by the routes' rule
