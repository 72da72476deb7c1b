"""The command line: each command runs, fails loudly on bad input, and the spec document is current."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from chainatlas.cli import app
from chainatlas.exchange.specdoc import render_markdown
from tests.conftest import PROJECT
from tests.helpers.exchange import ENTERPRISES, write

runner = CliRunner()


def test_init_import_export_template(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert runner.invoke(app, ["--db", url, "init"]).exit_code == 0
    bad = write(tmp_path / "bad.csv", ENTERPRISES.replace("C3841", "C0000"))
    res = runner.invoke(app, ["--db", url, "import", str(bad)])
    assert res.exit_code == 1 and "C0000" in res.output
    good = write(tmp_path / "good.csv", ENTERPRISES)
    res = runner.invoke(app, ["--db", url, "import", str(good), "--json"])
    assert res.exit_code == 0 and '"written": true' in res.output
    out = tmp_path / "out.parquet"
    assert runner.invoke(app, ["--db", url, "export", "enterprises", "--format", "parquet", "-o", str(out)]).exit_code == 0
    assert out.exists()
    tpl = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["--db", url, "template", "enterprises", "-o", str(tpl)]).exit_code == 0
    ws = load_workbook(tpl)["企业"]
    assert ws["A1"].value == "统一社会信用代码" and str(ws["A2"].value).startswith("※")
    assert ws.data_validations.dataValidation, "coded columns get drop-down lists"
    # a filled-in template imports: its notes row is skipped
    ws.append(["91410105MA44AAAA1" + __import__("chainatlas.registry.uscc", fromlist=["x"]).check_character("91410105MA44AAAA1"),
               "甲（示例）", "410105", "C3841"])
    wb = ws.parent
    wb.save(tpl)
    res = runner.invoke(app, ["--db", url, "import", str(tpl)])
    assert res.exit_code == 0, res.output


def test_every_command_has_help() -> None:
    for cmd in ("init", "demo", "import", "export", "template", "serve", "spec"):
        res = runner.invoke(app, [cmd, "--help"])
        assert res.exit_code == 0, cmd


def test_spec_document_matches_the_schemas() -> None:
    doc = (PROJECT / "docs" / "exchange-spec.md").read_text(encoding="utf-8")
    assert doc == render_markdown(), "docs/exchange-spec.md is stale: run `make spec`"


def test_analysis_commands(tmp_path: Path) -> None:
    import json as _json

    from tests.helpers.atlas import L1, write_files

    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    assert runner.invoke(app, ["--db", url, "init"]).exit_code == 0
    assert runner.invoke(app, ["--db", url, "import", *map(str, write_files(tmp_path))]).exit_code == 0
    res = runner.invoke(app, ["--db", url, "place", "--chain", "nev", "--json"])
    assert res.exit_code == 0 and _json.loads(res.output)["by_evidence"]["declared"] == 8
    res = runner.invoke(app, ["--db", url, "atlas", "nev", "--period", "2025", "--format", "json"])
    pack = next(s for s in _json.loads(res.output)["segments"] if s["code"] == "nev.pack")
    assert pack["local_share"] == 0.8 and pack["status_zh"] == "较强"
    out = tmp_path / "atlas.xlsx"
    assert runner.invoke(app, ["--db", url, "atlas", "nev", "--format", "xlsx", "-o", str(out)]).exit_code == 0 and out.exists()
    res = runner.invoke(app, ["--db", url, "supporting-rate", "--buyer", L1, "--period", "2025", "--format", "json"])
    assert _json.loads(res.output)["rows"][0]["rate"] == 0.8
    res = runner.invoke(app, ["--db", url, "targets", "nev", "--segment", "nev.auto_chip", "--format", "json"])
    assert [i["rank"] for i in _json.loads(res.output)["items"]] == [1, 2]
    xl = tmp_path / "targets.xlsx"
    assert runner.invoke(app, ["--db", url, "targets", "nev", "--format", "xlsx", "-o", str(xl)]).exit_code == 0
    assert load_workbook(xl)["招商清单"]["A5"].value == "排名"
    assert runner.invoke(app, ["--db", url, "atlas", "nope"]).exit_code != 0


def test_settings_document_lists_every_setting() -> None:
    from chainatlas.settings import Settings, settings_markdown

    doc = (PROJECT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings_markdown(), "docs/settings.md is stale: regenerate it from settings_markdown()"
    assert all(f"CHAINATLAS_{name.upper()}" in doc and (f.description or "") for name, f in Settings.model_fields.items())
