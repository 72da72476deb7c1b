"""Invoice lines → supply links on Spark give the local path's links row for row, and its problems as rejects."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from chainatlas.batch import links as L
from chainatlas.batch import output as O
from chainatlas.registry.uscc import make_uscc

HEADERS_ZH = {"seller_uscc": "销方统一社会信用代码", "buyer_uscc": "购方统一社会信用代码", "invoice_date": "开票日期",
              "amount_yuan": "金额（元）", "tax_yuan": "税额（元）", "goods_name": "货物或应税劳务名称",
              "goods_tax_code": "税收分类编码", "invoice_no": "发票号码"}


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(sorted(frame.columns)).sort(pl.all())


def test_demo_city_links_equal_the_local_path_row_for_row(spark: Any, demo_files: Path, known: set[str], tmp_path: Path) -> None:
    ctx = L.batch_context(known)
    src = str(demo_files / "transactions.parquet")
    phases: list[str] = []
    on_spark = L.spark_links(spark, [src], str(tmp_path / "spark"), ctx, known=str(demo_files / "enterprises.parquet"),
                             phase=phases.append)
    local = L.local_links([src], str(tmp_path / "local"), ctx)
    assert on_spark.written and local.written and on_spark.problems == local.problems == 0
    assert on_spark.lines == local.lines == 126_268
    a, b = O.read_links(tmp_path / "spark"), O.read_links(tmp_path / "local")
    assert a.height == b.height == on_spark.links > 40_000
    assert _sorted(a).equals(_sorted(b))
    assert phases[0] == "reading" and phases[-1] == "committed"
    assert O.committed_summary(tmp_path / "spark")["lines"] == 126_268


def _csv(frame: pl.DataFrame, path: Path) -> Path:
    frame.rename(HEADERS_ZH).write_csv(path)
    return path


def _sample(demo_files: Path, n: int) -> pl.DataFrame:
    frame = pl.read_parquet(demo_files / "transactions.parquet").head(n)
    return frame.with_columns(pl.col("invoice_date").cast(pl.String), pl.col("amount_yuan").cast(pl.String),
                              pl.col("tax_yuan").cast(pl.String))


def test_csv_with_chinese_headers_by_quarter_and_untidy_keys(spark: Any, demo_files: Path, known: set[str], tmp_path: Path) -> None:
    frame = _sample(demo_files, 3000)
    # cells the row-by-row path normalises: spaces (full-width too), lower case, thousands separators, ¥, 2025/03/01
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 0).then(pl.lit(" ") + pl.col("seller_uscc").str.to_lowercase() + pl.lit("\u3000"))
        .otherwise(pl.col("seller_uscc")).alias("seller_uscc"),
        pl.when(pl.int_range(pl.len()) % 5 == 0).then(pl.lit("¥") + pl.col("amount_yuan")).otherwise(pl.col("amount_yuan")).alias("amount_yuan"),
        pl.when(pl.int_range(pl.len()) % 3 == 0).then(pl.col("invoice_date").str.replace_all("-", "/")).otherwise(pl.col("invoice_date")).alias("invoice_date"),
        pl.when(pl.int_range(pl.len()) % 4 == 0).then(pl.col("goods_name") + pl.lit(" ")).otherwise(pl.col("goods_name")).alias("goods_name"))
    src = _csv(frame, tmp_path / "lines.csv")
    ctx = L.batch_context(known)
    on_spark = L.spark_links(spark, [str(src)], str(tmp_path / "spark"), ctx, period="quarter")
    local = L.local_links([str(src)], str(tmp_path / "local"), ctx, period="quarter")
    assert on_spark.problems == local.problems == 0, O.committed_summary(tmp_path / "spark")
    a, b = O.read_links(tmp_path / "spark"), O.read_links(tmp_path / "local")
    assert a["period"].str.contains("Q").all() and a["source"].unique().to_list() == ["transactions:lines.csv"]
    assert _sorted(a).equals(_sorted(b))


def _broken(demo_files: Path, known: set[str]) -> pl.DataFrame:
    frame = _sample(demo_files, 400)
    stranger = make_uscc("91410100MA0000001")  # valid check character, not a known enterprise
    assert stranger not in known
    seller = frame["seller_uscc"][0]
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    edits = {
        3: {"seller_uscc": seller[:17] + ("0" if seller[17] != "0" else "1")},  # wrong check character
        5: {"buyer_uscc": stranger},
        8: {"amount_yuan": "-12.5"},
        9: {"amount_yuan": "12,3x"},
        11: {"invoice_date": future},
        12: {"invoice_date": "2025-13-45"},
        20: {"goods_name": ""},
        21: {"goods_tax_code": "10701"},
        30: {"amount_yuan": "9e15", "goods_tax_code": "abc"},  # two problems on one line
        31: {"seller_uscc": "9141"},
    }
    rows = frame.to_dicts()
    for i, change in edits.items():
        rows[i].update(change)
    return pl.DataFrame(rows, schema=frame.schema)


def _problems(rejects: pl.DataFrame) -> set[tuple[int, str, str, str, str, str]]:
    return {(int(r["row"]), r["column"], r["value"], r["rule"], r["reason_zh"], r["reason_en"]) for r in rejects.to_dicts()}


def test_rejects_equal_the_local_problems_and_nothing_is_written(spark: Any, demo_files: Path, known: set[str], tmp_path: Path) -> None:
    src = _csv(_broken(demo_files, known), tmp_path / "broken.csv")
    ctx = L.batch_context(known)
    on_spark = L.spark_links(spark, [str(src)], str(tmp_path / "spark"), ctx)
    local = L.local_links([str(src)], str(tmp_path / "local"), ctx)
    assert not on_spark.written and not local.written
    assert not list((tmp_path / "spark" / O.LINKS).glob("*.parquet"))
    got, want = L.read_rejects(tmp_path / "spark"), L.read_rejects(tmp_path / "local")
    assert _problems(got) == _problems(want)
    assert on_spark.problems == local.problems == 11 and on_spark.lines_rejected == local.lines_rejected == 10
    assert set(got["file"]) == {"broken.csv"}
    assert "invalid-uscc" in set(got["rule"]) and "referenced-enterprise-is-unknown" in set(got["rule"])
    check = next(r for r in got.to_dicts() if r["row"] == 5)  # line 3 of the frame, after the header (CSV line 5)
    assert "校验位" in check["reason_zh"] and "check character" in check["reason_en"]


def test_keep_valid_writes_the_valid_lines_links(spark: Any, demo_files: Path, known: set[str], tmp_path: Path) -> None:
    src = _csv(_broken(demo_files, known), tmp_path / "broken.csv")
    ctx = L.batch_context(known)
    on_spark = L.spark_links(spark, [str(src)], str(tmp_path / "spark"), ctx, keep_valid=True)
    local = L.local_links([str(src)], str(tmp_path / "local"), ctx, keep_valid=True)
    assert on_spark.written and local.written and on_spark.problems == 11
    assert _sorted(O.read_links(tmp_path / "spark")).equals(_sorted(O.read_links(tmp_path / "local")))


def test_parquet_rejects_name_the_row(spark: Any, demo_files: Path, known: set[str], tmp_path: Path) -> None:
    frame = pl.read_parquet(demo_files / "transactions.parquet").head(200)
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) == 17).then(-1.0).otherwise(pl.col("amount_yuan")).alias("amount_yuan"))
    frame.write_parquet(tmp_path / "t.parquet")
    ctx = L.batch_context(known)
    L.spark_links(spark, [str(tmp_path / "t.parquet")], str(tmp_path / "spark"), ctx)
    L.local_links([str(tmp_path / "t.parquet")], str(tmp_path / "local"), ctx)
    got, want = L.read_rejects(tmp_path / "spark"), L.read_rejects(tmp_path / "local")
    assert _problems(got) == _problems(want) and {r[0] for r in _problems(got)} == {18}


def test_a_missing_column_is_a_header_problem(spark: Any, demo_files: Path, known: set[str], tmp_path: Path) -> None:
    _sample(demo_files, 10).drop("amount_yuan").write_csv(tmp_path / "short.csv")
    summary = L.spark_links(spark, [str(tmp_path / "short.csv")], str(tmp_path / "out"), L.batch_context(known))
    assert not summary.written and summary.problems == 1
    reject = L.read_rejects(tmp_path / "out").row(0, named=True)
    assert reject["rule"] == "header" and "amount_yuan" in reject["column"] and "缺少必填列" in reject["reason_zh"]


def test_a_failed_job_leaves_no_complete_output(spark: Any, demo_files: Path, known: set[str], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = L.batch_context(known)
    src = str(demo_files / "transactions.parquet")
    out = tmp_path / "out"
    L.spark_links(spark, [src], str(out), ctx)
    assert O.read_links(out).height > 0

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("executor lost")

    monkeypatch.setattr(L, "_segments", boom)  # fails after the lines were grouped, before links are written
    with pytest.raises(RuntimeError):
        L.spark_links(spark, [src], str(out), ctx)
    with pytest.raises(O.IncompleteOutput):
        O.read_links(out)  # the earlier run's links are not taken for this run's


KILLED = """
import sys, polars as pl
from chainatlas.batch import links as L, spark as S
known = set(pl.read_parquet(sys.argv[2])["uscc"].to_list())
L.spark_links(S.session("local[1]"), [sys.argv[1]] * 8, sys.argv[3], L.batch_context(known))
"""


def test_a_killed_job_leaves_no_complete_output(demo_files: Path, known: set[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    L.local_links([str(demo_files / "transactions.parquet")], str(out), L.batch_context(known))
    assert (out / O.MARKER).exists()
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(demo_files / "transactions.parquet"),
                             str(demo_files / "enterprises.parquet"), str(out)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while (out / O.MARKER).exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the job ended before it could be killed"
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its JVM
    proc.wait()
    assert not (out / O.MARKER).exists()
    with pytest.raises(O.IncompleteOutput):
        O.read_links(out)
    from chainatlas.cli import app

    res = CliRunner().invoke(app, ["batch", "load", str(out)])
    assert res.exit_code == 2 and "_CHAINATLAS_SUCCESS" in res.output


def test_cli_spark_links_then_load_into_the_database(demo_files: Path, tmp_path: Path, engine: Any, spark: Any) -> None:
    from chainatlas.cli import app
    from chainatlas.exchange.importer import import_files

    assert import_files([demo_files / "enterprises.parquet"], engine=engine).ok
    small = tmp_path / "lines.parquet"
    pl.read_parquet(demo_files / "transactions.parquet").head(5000).write_parquet(small)
    url = engine.url.render_as_string(hide_password=False)
    res = CliRunner().invoke(app, ["--db", url, "batch", "links", "--engine", "spark", "--master", "local[2]", "--input", str(small),
                                   "--output", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output[res.output.index("{"):res.output.rindex("}") + 1])
    assert summary["engine"] == "spark" and summary["lines"] == 5000 and summary["written"]
    res = CliRunner().invoke(app, ["--db", url, "batch", "load", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    from sqlalchemy import text

    with engine.connect() as conn:
        stored = conn.execute(text("select count(*) from supply_link")).scalar_one()
    assert stored == summary["links"]


def test_spark_submit_entry_point(demo_files: Path, tmp_path: Path) -> None:
    """The cluster path of docs/spark.md: scripts/spark-links-job.py under spark-submit (here against local[1])."""
    import pyspark

    from tests.conftest import PROJECT

    small = tmp_path / "lines.parquet"
    pl.read_parquet(demo_files / "transactions.parquet").head(2000).write_parquet(small)
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    res = subprocess.run([str(submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
                          str(PROJECT / "scripts" / "spark-links-job.py"), "--input", str(small),
                          "--enterprises", str(demo_files / "enterprises.parquet"), "--output", str(tmp_path / "out")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    summary = O.committed_summary(tmp_path / "out")
    assert summary["lines"] == 2000 and summary["written"] and summary["master"] == "local[1]"
    assert O.read_links(tmp_path / "out").height == summary["links"] > 0
