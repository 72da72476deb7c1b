"""Import: good files land once (idempotent), and every kind of bad input is reported with file, row,
column, value and reason — with nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.exchange.importer import import_files
from tests.helpers.exchange import ENT_HEADER, ENTERPRISES, LINKS, A, B, C, count, write, written_rows


def test_enterprises_and_links_import_once_on_both_databases(any_engine: Engine, tmp_path: Path) -> None:
    files = [write(tmp_path / "ents.csv", ENTERPRISES), write(tmp_path / "links.csv", LINKS)]
    r = import_files(files, engine=any_engine)
    assert r.ok and r.written and r.rows == {"enterprises": 3, "supply_links": 2}
    before = written_rows(any_engine)
    again = import_files(files, engine=any_engine)
    assert again.ok and written_rows(any_engine) == before  # re-import changes nothing
    with any_engine.connect() as conn:
        row = conn.execute(select(db.enterprise).where(db.enterprise.c.uscc == B)).one()
        assert row.industry_code == "C3612"  # 3612 normalised to the lettered code
        assert row.source == "ents.csv" and row.as_of == dt.date(2025, 12, 31)
        link = conn.execute(select(db.supply_link.c.value_yuan).where(db.supply_link.c.supplier_uscc == C)).scalar_one()
        assert link == pytest.approx(3000000.50)


def test_newer_as_of_wins_and_blank_cells_keep_known_values(engine: Engine, tmp_path: Path) -> None:
    import_files([write(tmp_path / "a.csv", ENTERPRISES)], engine=engine)
    newer = f"{ENT_HEADER}\n{A},郑州甲电池有限公司（示例）,410105,C3841,,2026-06-30\n"
    older = f"{ENT_HEADER}\n{A},郑州甲电池有限公司（示例）,410105,C3841,1,2024-01-01\n"
    assert import_files([write(tmp_path / "b.csv", newer)], engine=engine).ok
    assert import_files([write(tmp_path / "c.csv", older)], engine=engine).ok
    with engine.connect() as conn:
        row = conn.execute(select(db.enterprise).where(db.enterprise.c.uscc == A)).one()
        history = conn.execute(select(db.enterprise_attribute.c.value, db.enterprise_attribute.c.as_of)
                               .where(db.enterprise_attribute.c.uscc == A, db.enterprise_attribute.c.attribute == "revenue_yuan")
                               .order_by(db.enterprise_attribute.c.as_of)).all()
    assert row.revenue_yuan == 120000000 and row.as_of == dt.date(2026, 6, 30)
    assert [h.as_of for h in history] == [dt.date(2024, 1, 1), dt.date(2025, 12, 31)]


def _bad(engine: Engine, path: Path, **kw: object) -> list[tuple[int, str, str]]:
    r = import_files([path], engine=engine, **kw)  # type: ignore[arg-type]
    assert not r.ok and not r.written
    assert written_rows(engine) == 0, "a failed import must write nothing"
    assert Path(str(path) + ".report.csv").exists() and Path(str(path) + ".report.xlsx").exists()
    return [(p.row, p.column, p.reason_en) for p in r.problems]


BAD_ENTERPRISES = {
    "wrong_check_character": (f"{ENT_HEADER}\n{A[:17]}{'0' if A[17] != '0' else '1'},甲（示例）,410105,C3841,1,2025-01-01\n",
                              "统一社会信用代码", "check character"),
    "unknown_region": (f"{ENT_HEADER}\n{A},甲（示例）,419999,C3841,1,2025-01-01\n", "行政区划代码", "division"),
    "unknown_industry": (f"{ENT_HEADER}\n{A},甲（示例）,410105,C9999,1,2025-01-01\n", "行业代码", "industry code"),
    "negative_amount": (f"{ENT_HEADER}\n{A},甲（示例）,410105,C3841,-5,2025-01-01\n", "营业收入（元）", "negative"),
    "non_numeric_amount": (f"{ENT_HEADER}\n{A},甲（示例）,410105,C3841,一百万,2025-01-01\n", "营业收入（元）", "not a number"),
    "absurd_amount": (f"{ENT_HEADER}\n{A},甲（示例）,410105,C3841,5e15,2025-01-01\n", "营业收入（元）", "plausible"),
    "unparsable_date": (f"{ENT_HEADER}\n{A},甲（示例）,410105,C3841,1,2025-13-45\n", "数据日期", "unparsable"),
    "future_date": (f"{ENT_HEADER}\n{A},甲（示例）,410105,C3841,1,{dt.date.today() + dt.timedelta(days=3)}\n", "数据日期", "future"),
    "missing_name": (f"{ENT_HEADER}\n{A},,410105,C3841,1,2025-01-01\n", "企业名称", "missing"),
}


@pytest.mark.parametrize("case", sorted(BAD_ENTERPRISES))
def test_bad_enterprise_rows_are_reported_and_nothing_is_written(engine: Engine, tmp_path: Path, case: str) -> None:
    text, column, reason = BAD_ENTERPRISES[case]
    # a good row next to the bad one must not be written either
    text = text + f"{B},乙（示例）,410122,C3612,1,2025-01-01\n"
    problems = _bad(engine, write(tmp_path / f"{case}.csv", text))
    assert any(row == 2 and col == column and reason in why for row, col, why in problems), problems


def test_one_uscc_with_two_names_in_one_file(engine: Engine, tmp_path: Path) -> None:
    text = f"{ENT_HEADER}\n{A},甲公司（示例）,410105,C3841,1,2025-01-01\n{A},甲有限公司（示例）,410105,C3841,1,2025-01-01\n"
    problems = _bad(engine, write(tmp_path / "dup.csv", text))
    assert problems == [(3, "企业名称", problems[0][2])] and "two different names" in problems[0][2]


def test_link_with_unknown_buyer(engine: Engine, tmp_path: Path) -> None:
    import_files([write(tmp_path / "e.csv", ENTERPRISES)], engine=engine)
    before = written_rows(engine)
    unknown = "91410105MA44YYYY9"
    from chainatlas.registry.uscc import make_uscc

    text = f"供方统一社会信用代码,需方统一社会信用代码,期间,金额（元）\n{A},{make_uscc(unknown[:17])},2025,10\n"
    r = import_files([write(tmp_path / "l.csv", text)], engine=engine)
    assert not r.ok and written_rows(engine) == before
    assert r.problems[0].column == "需方统一社会信用代码" and "unknown" in r.problems[0].reason_en


def test_links_and_their_enterprises_in_one_import(engine: Engine, tmp_path: Path) -> None:
    r = import_files([write(tmp_path / "l.csv", LINKS), write(tmp_path / "e.csv", ENTERPRISES)], engine=engine)
    assert r.ok and count(engine, "supply_link") == 2


def test_future_period_and_bad_period(engine: Engine, tmp_path: Path) -> None:
    import_files([write(tmp_path / "e.csv", ENTERPRISES)], engine=engine)
    nxt = dt.date.today().year + 1
    text = f"供方统一社会信用代码,需方统一社会信用代码,期间,金额（元）\n{A},{B},{nxt},10\n{A},{B},2025Q5,10\n"
    r = import_files([write(tmp_path / "p.csv", text)], engine=engine)
    reasons = {(p.row, p.reason_en) for p in r.problems}
    assert (2, "period is in the future") in reasons and any(row == 3 for row, _ in reasons)
    assert count(engine, "supply_link") == 0


def test_skip_invalid_writes_only_valid_rows(engine: Engine, tmp_path: Path) -> None:
    text = ENTERPRISES + f"{A[:17]}X,坏（示例）,410105,C3841,1,2025-01-01\n"
    r = import_files([write(tmp_path / "s.csv", text)], engine=engine, skip_invalid=True)
    assert not r.ok and r.written and count(engine, "enterprise") == 3 and r.rows_invalid == 1


def test_dry_run_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    r = import_files([write(tmp_path / "d.csv", ENTERPRISES)], engine=engine, dry_run=True)
    assert r.ok and not r.written and written_rows(engine) == 0


def test_file_of_another_tables_columns_with_table_option(engine: Engine, tmp_path: Path) -> None:
    r = import_files([write(tmp_path / "links.csv", LINKS)], engine=engine, table="enterprises")
    assert not r.ok and written_rows(engine) == 0
    assert any("missing required columns" in p.reason_en for p in r.problems)


def test_unrecognisable_file(engine: Engine, tmp_path: Path) -> None:
    r = import_files([write(tmp_path / "x.csv", "甲,乙\n1,2\n")], engine=engine)
    assert not r.ok and "cannot recognise" in r.problems[0].reason_en


def test_empty_file(engine: Engine, tmp_path: Path) -> None:
    r = import_files([write(tmp_path / "empty.csv", "")], engine=engine)
    assert not r.ok and r.problems[0].reason_en == "file is empty"


def test_gb18030_file_is_read_and_declared_mismatches_are_refused(engine: Engine, tmp_path: Path) -> None:
    gb = write(tmp_path / "gb.csv", ENTERPRISES, "gb18030")
    assert import_files([gb], engine=engine, dry_run=True).ok  # auto-detected
    r = import_files([gb], engine=engine, encoding="utf-8")
    assert not r.ok and "not UTF-8" in r.problems[0].reason_en
    utf = write(tmp_path / "utf.csv", ENTERPRISES)
    r = import_files([utf], engine=engine, encoding="gb18030")
    assert not r.ok and "garble" in r.problems[0].reason_en
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + ENTERPRISES.encode())
    assert import_files([bom], engine=engine).ok
    assert written_rows(engine) > 0


def _xlsx(path: Path, rows: list[list[object]], merge: str | None = None, title: str = "Sheet") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def test_xlsx_with_sheet_name_and_excel_types(engine: Engine, tmp_path: Path) -> None:
    rows: list[list[object]] = [["统一社会信用代码", "企业名称", "行政区划代码", "行业代码", "成立日期", "专精特新"],
                                [A, "甲（示例）", 410105, "C3841", dt.datetime(2012, 5, 8), "是"]]
    r = import_files([_xlsx(tmp_path / "e.xlsx", rows, title="企业")], engine=engine)
    assert r.ok, r.problems
    with engine.connect() as conn:
        row = conn.execute(select(db.enterprise).where(db.enterprise.c.uscc == A)).one()
    assert row.founded_on == dt.date(2012, 5, 8) and row.is_srdi is True and row.region_code == "410105"


@pytest.mark.parametrize("merge", ["A1:B1", None])
def test_xlsx_merged_or_missing_header_cell(engine: Engine, tmp_path: Path, merge: str | None) -> None:
    header: list[object] = ["统一社会信用代码", "企业名称", "行政区划代码", "行业代码"]
    if merge is None:
        header[2] = None
    rows = [header, [A, "甲（示例）", "410105", "C3841"]]
    r = import_files([_xlsx(tmp_path / "h.xlsx", rows, merge)], engine=engine)
    assert not r.ok and written_rows(engine) == 0
    assert "header cell" in r.problems[0].reason_en and r.problems[0].row == 1


def test_transactions_aggregate_into_links_and_lines_are_kept_only_on_request(any_engine: Engine, tmp_path: Path) -> None:
    import_files([write(tmp_path / "e.csv", ENTERPRISES)], engine=any_engine)
    text = ("销方统一社会信用代码,购方统一社会信用代码,开票日期,金额（元）,税额（元）,货物或应税劳务名称,发票号码\n"
            f"{C},{A},2025-03-01,100.10,13.01,磷酸铁锂正极材料,001\n"
            f"{C},{A},2025-09-30,200.20,26.03,三元材料,002\n"
            f"{A},{B},2025-10-01,1000,130,动力电池电芯,003\n"
            f"{A},{B},2024-12-31,50,6.5,办公用品,004\n")
    path = write(tmp_path / "t.csv", text)
    r = import_files([path], engine=any_engine)
    assert r.ok and r.rows["transactions"] == 4 and count(any_engine, "transaction_line") == 0
    with any_engine.connect() as conn:
        links = {(x.supplier_uscc, x.buyer_uscc, x.period, x.segment_code): x.value_yuan
                 for x in conn.execute(select(db.supply_link))}
    assert links[(C, A, "2025", "nev.cathode")] == pytest.approx(300.30)
    assert links[(A, B, "2025", "nev.cell")] == pytest.approx(1000)
    assert links[(A, B, "2024", "")] == pytest.approx(50)
    import_files([path], engine=any_engine, keep_lines=True)
    assert count(any_engine, "transaction_line") == 4 and count(any_engine, "supply_link") == 3


@pytest.mark.parametrize(("fmt", "mixed_goods", "period", "passes"),
                         [("csv", False, "year", 1), ("parquet", False, "year", 1), ("parquet", True, "quarter", 1),
                          ("csv", True, "year", 1), ("parquet", False, "year", 4), ("parquet", True, "quarter", 3)])
def test_clean_invoice_file_takes_the_fast_path_and_agrees_with_the_row_pass(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, mixed_goods: bool, period: str,
        passes: int) -> None:
    """A clean file is aggregated by the streaming fast path (the row-by-row validator is never called);
    its links equal those of the row-by-row pass; a file with one bad line falls back and names the row.
    ``mixed_goods``: one goods name appears with a tax code that places it on another segment, so the fast path
    cannot look the segment up by name and joins on (name, tax code). ``passes``: the Parquet file is grouped in
    that many passes over disjoint sellers (setting ``import_pass_lines``, or the minimum for a large file); the
    links are the same."""
    import chainatlas.exchange.fastpath as fastpath
    import chainatlas.exchange.importer as importer
    from chainatlas.chains.templates import load_chains
    from chainatlas.demo.city import generate
    from chainatlas.settings import get_settings

    if passes == 4:  # a file of at least MIN_SPLIT_LINES lines takes MIN_PASSES passes, whatever the setting
        monkeypatch.setattr(fastpath, "MIN_SPLIT_LINES", 20_000)
        assert passes == fastpath.MIN_PASSES
    else:  # the setting: at most import_pass_lines lines per pass
        pass_lines = get_settings().model_copy(update={"import_pass_lines": -(-20_000 // passes)})
        monkeypatch.setattr(fastpath, "get_settings", lambda: pass_lines)
    concat = pl.concat
    joined: list[int] = []

    def counting_concat(items: list[pl.DataFrame], *a: object, **k: object) -> pl.DataFrame:
        items = list(items)
        joined.append(len(items))
        return concat(items, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(pl, "concat", counting_concat)

    files = generate("s", seed=3, out_dir=tmp_path / "demo")
    assert import_files([files.enterprises], engine=engine).ok
    txn = pl.read_parquet(files.transactions).head(20_000)
    if mixed_goods:  # the shipped templates place goods by name only: give one segment a tax-code prefix
        chains = load_chains()
        first = chains[0]
        tagged = first.model_copy(update={"segments": [first.segments[0].model_copy(update={"tax_code_prefixes": ["109"]}),
                                                       *first.segments[1:]]})
        monkeypatch.setattr(importer, "load_chains", lambda: (tagged, *chains[1:]))
        seg, prefix = first.full_code(first.segments[0].code), "109"
        name = next(n for n in txn["goods_name"].unique().sort() if not n.startswith(first.segments[0].name_zh))
        txn = txn.with_columns(pl.when((pl.col("goods_name") == name) & (pl.int_range(pl.len()) % 2 == 0))
                               .then(pl.lit(prefix.ljust(19, "0"))).otherwise(pl.col("goods_tax_code")).alias("goods_tax_code"))
    write = (lambda f, p: f.write_csv(p)) if fmt == "csv" else (lambda f, p: f.write_parquet(p))
    write(txn, tmp_path / f"lines.{fmt}")
    real = importer.validate_batch

    def refuse(*a: object, **k: object) -> object:
        raise AssertionError("row-by-row pass used for a clean file")

    monkeypatch.setattr(importer, "validate_batch", refuse)
    fast = import_files([tmp_path / f"lines.{fmt}"], engine=engine, dry_run=True, links_out=tmp_path / "fast.parquet",
                        period=period)
    assert fast.ok and fast.rows["transactions"] == 20_000
    assert (passes in joined) == (passes > 1)  # the passes' links were put together, or there was one pass
    assert list(fast.seconds) == ["goods", "grouping", "parties", "links_file"] and min(fast.seconds.values()) >= 0
    monkeypatch.setattr(importer, "validate_batch", real)
    slow = import_files([tmp_path / f"lines.{fmt}"], engine=engine, dry_run=True, keep_lines=True,
                        links_out=tmp_path / "slow.parquet", period=period)
    assert slow.ok
    order = ["supplier_uscc", "buyer_uscc", "period", "segment_code"]
    a = pl.read_parquet(tmp_path / "fast.parquet").select(*order, "source", "value_yuan").sort(order)
    b = pl.read_parquet(tmp_path / "slow.parquet").select(*order, "source", "value_yuan").sort(order)
    assert a.height > 1000 and a.equals(b)
    if mixed_goods:
        assert a.filter(pl.col("segment_code") == seg).height > 0
    if period == "quarter":
        assert a["period"].str.contains(r"^\d{4}Q[1-4]$").all()
    bad = txn.with_columns(pl.when(pl.int_range(pl.len()) == 777).then(-1.0).otherwise(pl.col("amount_yuan")).alias("amount_yuan"))
    write(bad, tmp_path / f"bad.{fmt}")
    r = import_files([tmp_path / f"bad.{fmt}"], engine=engine, dry_run=True)
    row = 777 + (2 if fmt == "csv" else 1)  # a spreadsheet row counts the CSV header; a Parquet row does not
    assert not r.ok and [(p.row, p.column) for p in r.problems] == [(row, "amount_yuan")]


@pytest.mark.parametrize(("column", "value"), [("seller_uscc", "unknown"), ("buyer_uscc", "unknown"), ("buyer_uscc", None)])
def test_a_line_naming_an_unknown_or_no_enterprise_leaves_the_fast_path(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, value: str | None) -> None:
    """The fast path's party check probes every link's seller and buyer against the known enterprises. One line
    whose seller or buyer is a well-formed but unknown USCC, or is empty, makes it give up (``None``); the
    row-by-row pass then names that line and nothing is written."""
    import chainatlas.exchange.importer as importer
    from chainatlas.demo.city import generate
    from chainatlas.registry.uscc import make_uscc

    files = generate("s", seed=3, out_dir=tmp_path / "demo")
    assert import_files([files.enterprises], engine=engine).ok
    txn = pl.read_parquet(files.transactions).head(5_000)
    stranger = make_uscc("91410105MA4YYYYY9")
    assert stranger not in set(pl.read_parquet(files.enterprises)["uscc"])
    bad_value = stranger if value == "unknown" else None
    txn = txn.with_columns(pl.when(pl.int_range(pl.len()) == 1234).then(pl.lit(bad_value, dtype=pl.String))
                           .otherwise(pl.col(column)).alias(column))
    txn.write_parquet(tmp_path / "lines.parquet")
    answers: list[object] = []
    fast = importer.aggregate_lines_fast

    def spy(*a: object, **k: object) -> object:
        answers.append(fast(*a, **k))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(importer, "aggregate_lines_fast", spy)
    r = import_files([tmp_path / "lines.parquet"], engine=engine, links_out=tmp_path / "links.parquet")
    assert answers == [None]
    assert not r.ok and not r.written and not (tmp_path / "links.parquet").exists()
    assert [(p.row, p.column) for p in r.problems] == [(1235, column)]
    assert count(engine, "supply_link") == 0
