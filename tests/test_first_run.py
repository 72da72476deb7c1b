"""First run and empty data: a database never initialised gets one clear message (zh/en) from every command and
the API; an initialised but empty register runs every analysis without a crash (Polars frames keep their types
when a table is empty)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from chainatlas import db
from chainatlas.bootstrap import init_database
from chainatlas.cli import app
from chainatlas.registry.uscc import make_uscc
from tests.helpers.exchange import write
from tests.helpers.routes import get_urls

runner = CliRunner()
FIRM = make_uscc("91410105MA47FRUN1")
MESSAGE = "chainatlas init"

# every command that reads or writes the database (init, demo, spec and template do not need one)
COMMANDS = [
    ["atlas", "nev"], ["supporting-rate"], ["targets", "nev"], ["place"], ["export", "enterprises", "-o", "{tmp}/x.csv"],
    ["import", "{tmp}/e.csv"], ["risk", "rei", "--chain", "nev"], ["risk", "exposure", "--enterprise", FIRM],
    ["risk", "scenario", "--disrupt", "segment:nev.pack", "--weeks", "2"], ["epcis", "capture", "{tmp}/e.csv"],
    ["trade", "clearance"], ["tiers", "evaluate"], ["tiers", "evaluate", "--input", "{tmp}/p.csv"], ["policies", "list"],
    ["policies", "screen", "compute_voucher"], ["users", "list"], ["audit", "verify"], ["serve", "--port", "1"],
    ["collab", "demands"], ["collab", "internships"],
]


def _files(tmp: Path) -> None:
    write(tmp / "e.csv", f"统一社会信用代码,企业名称,行政区划代码,行业代码\n{FIRM},郑州首运行（示例）,410105,C3841\n")
    write(tmp / "p.csv", f"uscc,employees,revenue_yuan,rd_spend_yuan,digital_level\n{FIRM},50,30000000,2000000,2\n")


def _args(cmd: list[str], tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)) for a in cmd]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_command_on_an_uninitialised_database_says_run_init(tmp_path: Path, cmd: list[str]) -> None:
    _files(tmp_path)
    url = f"sqlite:///{tmp_path / 'never.sqlite'}"
    before = os.environ.get("CHAINATLAS_DATABASE_URL")
    res = runner.invoke(app, ["--db", url, *_args(cmd, tmp_path)])
    assert os.environ.get("CHAINATLAS_DATABASE_URL") == before  # a refused command leaves the process as it was
    assert res.exit_code == 2, res.output
    assert MESSAGE in res.output and "数据库尚未初始化" in res.output and "not initialised" in res.output
    assert "Traceback" not in res.output and "OperationalError" not in res.output


@pytest.fixture()
def empty_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    assert runner.invoke(app, ["--db", url, "init"]).exit_code == 0
    return url


@pytest.mark.parametrize("cmd", [c for c in COMMANDS if c[0] not in ("serve", "import", "epcis", "place")],
                         ids=lambda c: " ".join(c[:2]))
def test_every_read_command_runs_on_an_empty_register(tmp_path: Path, empty_url: str, cmd: list[str]) -> None:
    _files(tmp_path)
    res = runner.invoke(app, ["--db", empty_url, *_args(cmd, tmp_path)])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output and "SchemaError" not in res.output, res.output
    assert res.exit_code in (0, 1), res.output


def test_a_what_if_file_evaluates_on_an_empty_register(tmp_path: Path, empty_url: str) -> None:
    _files(tmp_path)
    res = runner.invoke(app, ["--db", empty_url, "tiers", "evaluate", "--input", str(tmp_path / "p.csv"), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert FIRM in res.output and '"tier": "innovative"' in res.output


def test_analyses_on_an_empty_register(engine: Engine) -> None:
    from chainatlas.analysis.atlas import chain_atlas
    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.analysis.supporting_rate import leaders_rates, supporting_rate
    from chainatlas.analysis.targets import attraction_targets
    from chainatlas.chains.templates import load_chains
    from chainatlas.risk.exposure import exposure
    from chainatlas.risk.network import ranking
    from chainatlas.rules import policies, tiers
    from chainatlas.rules.inputs import read_inputs

    snap = load_snapshot(engine)
    assert snap.enterprises.height == 0 and dict(snap.links.schema)["value_yuan"].is_float()
    for chain in load_chains():
        atlas = chain_atlas(snap, chain.id, home="4101")
        assert atlas["segments"] and all(s["local_enterprises"] == 0 for s in atlas["segments"])
        assert attraction_targets(snap, chain.id, home="4101")["items"] == []
        assert ranking(snap, chain.id, [], home="4101") == []
    assert supporting_rate(snap, home="4101")["rows"] == []
    assert leaders_rates(snap, home="4101").height == 0
    assert exposure(snap, FIRM)["tiers"] == []
    on = dt.date(2026, 6, 1)
    frame = read_inputs(engine, on)
    assert frame.height == 0
    assert tiers.evaluate_tiers(frame, on).height == 0
    for pol in policies.policies().values():
        assert policies.screen_frame(pol, frame, on).height == 0


@pytest.fixture()
def app_on(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The web app pointed at a database of its own (restored afterwards)."""
    from chainatlas.settings import get_settings

    url = f"sqlite:///{tmp_path / 'web.sqlite'}"
    old = os.environ["CHAINATLAS_DATABASE_URL"]
    os.environ["CHAINATLAS_DATABASE_URL"] = url
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    try:
        yield url, str(tmp_path)
    finally:
        os.environ["CHAINATLAS_DATABASE_URL"] = old
        get_settings.cache_clear()
        db.get_engine.cache_clear()


def test_the_api_on_an_uninitialised_database_says_run_init(app_on: tuple[str, str]) -> None:
    from chainatlas.web.app import create_app

    r = TestClient(create_app()).get("/api/v1/chains/nev/atlas")
    assert r.status_code == 503 and MESSAGE in r.json()["detail"] and "数据库尚未初始化" in r.json()["detail"]


def test_every_page_and_api_route_answers_on_an_empty_database(app_on: tuple[str, str]) -> None:
    from chainatlas.governance.principals import add_user, issue_token
    from chainatlas.web.app import create_app

    e = db.get_engine()
    init_database(e)
    add_user(e, "admin", "admin", password="empty-db-admin-pw")
    client = TestClient(create_app(), headers={"Authorization": f"Bearer {issue_token(e, 'admin')}"})
    routes = get_urls()
    assert len(routes) > 30
    for path in routes:
        for suffix in ("", "?format=json"):
            r = client.get(path + suffix, follow_redirects=False)
            assert r.status_code < 500, f"{path}{suffix}: {r.status_code} {r.text[:300]}"


def test_a_plain_clone_without_make_install_is_told_what_to_run(tmp_path: Path, empty_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from chainatlas.settings import MissingSetup, get_settings
    from chainatlas.trade.capture import check_document

    monkeypatch.setenv("CHAINATLAS_ASSETS_DIR", str(tmp_path / "no-node-modules"))
    monkeypatch.setenv("CHAINATLAS_EPCIS_SCHEMA", str(tmp_path / "no-schema.json"))
    get_settings.cache_clear()
    try:
        res = runner.invoke(app, ["--db", empty_url, "serve", "--port", "1"])
        assert res.exit_code == 2 and "make install" in res.output and "前端资源" in res.output
        with pytest.raises(MissingSetup, match="make install"):
            check_document({"type": "EPCISDocument"})
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
