"""Shipment requests, cartons and capacity offers through the exchange spec: templates' tables import on both
databases, every bad cell is reported in Chinese and English with nothing written, cartons refer to requests given
before or in the same import, and the stored rows read back as the planner's shipments and units — the same ones the
JSON shape gives."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from chainatlas import db
from chainatlas.consolidation.model import read_shipments, read_units
from chainatlas.consolidation.store import file_inputs, stored_inputs
from chainatlas.exchange.importer import import_files
from chainatlas.registry.uscc import make_uscc
from tests.helpers.exchange import ENTERPRISES, A, B, write

FWD = make_uscc("91410100MA4FWD001")
REQUESTS = f"""需求编号,出口企业统一社会信用代码,运输方式,起运地,目的地,备货日期,最晚到达日期,危险品类别,温度下限（℃）,温度上限（℃）
PD-1,{A},rail,CNCGO,DEHAM,2026-03-02,2026-03-30,,,
PD-2,{B},rail,cncgo,DEHAM,2026-03-03,2026-03-30,9,,
PD-3,{A},air,CGO,LUX,2026-03-02,2026-03-09,,2,8
"""
CARTONS = """需求编号,行号,件数,长（cm）,宽（cm）,高（cm）,单件毛重（kg）,可堆叠,此面向上,货号
PD-1,1,4,120,80,100,300,是,否,SKU-A
PD-1,2,2,60,40,40,20,否,是,SKU-B
PD-2,1,10,100,60,60,150,,,
PD-3,1,3,50,40,30,12,是,是,
"""
OFFERS = f"""报价编号,货代统一社会信用代码,运输方式,起运地,目的地,开航/发车日期,截载日期,预计到达日期,箱型,箱数,每箱价格（元）,最低装载率
R-1,{FWD},rail,CNCGO,DEHAM,2026-03-05,2026-03-04,2026-03-21,40HQ,2,38000,0.08
A-1,{FWD},air,CGO,LUX,2026-03-04,,2026-03-05,LD3,1,9800,
"""


def _files(tmp_path: Path) -> list[Path]:
    return [write(tmp_path / "ents.csv", ENTERPRISES), write(tmp_path / "requests.csv", REQUESTS),
            write(tmp_path / "cartons.csv", CARTONS), write(tmp_path / "offers.csv", OFFERS)]


def test_requests_cartons_offers_import_and_read_back(any_engine: Engine, tmp_path: Path) -> None:
    report = import_files(_files(tmp_path), engine=any_engine)
    assert report.ok, report.problems[:3]
    assert report.rows == {"enterprises": 3, "shipment_requests": 3, "shipment_cartons": 4, "capacity_offers": 2}
    shipments, units, missing = stored_inputs(any_engine)
    assert not missing
    by_id = {s.id: s for s in shipments}
    assert by_id["PD-2"].origin == "CNCGO" and by_id["PD-2"].dg_class == "9"  # upper-cased place code
    assert len(by_id["PD-1"].cartons) == 6 and by_id["PD-1"].cartons[-1].this_way_up and not by_id["PD-1"].cartons[-1].stackable
    assert by_id["PD-3"].temperature_c == (2.0, 8.0)
    assert by_id["PD-2"].cartons[0].stackable  # a blank cell takes the default
    # an offer of 2 units becomes two units, each with the forwarder's least fill
    assert sorted(u.id for u in units) == ["A-1", "R-1-1", "R-1-2"]
    assert {u.min_fill for u in units if u.mode == "rail"} == {0.08}
    # re-importing fewer carton lines replaces the request's cartons as a whole
    write(tmp_path / "cartons.csv", "需求编号,行号,件数,长（cm）,宽（cm）,高（cm）,单件毛重（kg）\nPD-1,1,1,120,80,100,300\n")
    assert import_files([tmp_path / "cartons.csv"], engine=any_engine).ok
    with any_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.consol_carton).where(db.consol_carton.c.request_id == "PD-1")).scalar() == 1


def test_bad_rows_are_reported_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    bad_requests = REQUESTS.replace("CNCGO,DEHAM,2026-03-02", "CNXXX,DEHAM,2026-03-02").replace(",9,", ",10,")
    bad_cartons = CARTONS.replace("PD-3,1,3", "PD-9,1,3").replace("PD-2,1,10,100", "PD-2,1,0,100")
    bad_offers = OFFERS.replace("40HQ", "45HQ").replace("2026-03-04,2026-03-21", "2026-03-06,2026-03-21")
    files = [write(tmp_path / "ents.csv", ENTERPRISES), write(tmp_path / "requests.csv", bad_requests),
             write(tmp_path / "cartons.csv", bad_cartons), write(tmp_path / "offers.csv", bad_offers)]
    report = import_files(files, engine=engine)
    assert not report.written
    found = {(p.file, p.column, p.value): (p.reason_zh, p.reason_en) for p in report.problems}
    assert found[("requests.csv", "起运地", "CNXXX")][1].startswith("unknown place code")
    assert "未知的地点代码" in found[("requests.csv", "起运地", "CNXXX")][0]
    assert ("requests.csv", "危险品类别", "10") in found
    assert found[("cartons.csv", "需求编号", "PD-9")][1].startswith("unknown reference")
    assert ("cartons.csv", "件数", "0") in found
    assert ("offers.csv", "箱型", "45HQ") in found
    assert any(p.column == "开航/发车日期" and p.file == "offers.csv" for p in report.problems)  # cut-off after departure
    with engine.connect() as conn:
        for t in (db.enterprise, db.consol_request, db.consol_carton, db.consol_offer):
            assert conn.execute(select(func.count()).select_from(t)).scalar() == 0


def test_an_exporter_must_be_known(engine: Engine, tmp_path: Path) -> None:
    report = import_files([write(tmp_path / "requests.csv", REQUESTS)], engine=engine)
    assert not report.written and {p.column for p in report.problems} == {"出口企业统一社会信用代码"}


def test_a_request_without_cartons_is_set_aside(engine: Engine, tmp_path: Path) -> None:
    files = _files(tmp_path)
    write(files[2], "\n".join(CARTONS.splitlines()[:3]) + "\n")  # PD-1 only
    assert import_files(files, engine=engine).ok
    shipments, _units, missing = stored_inputs(engine)
    assert [s.id for s in shipments] == ["PD-1"] and set(missing) == {"PD-2", "PD-3"}
    assert missing["PD-2"].en == "no cartons given"


def test_exchange_files_and_json_give_the_same_inputs(tmp_path: Path) -> None:
    files = _files(tmp_path)[1:]
    ships, units, missing = file_inputs(files[:2], files[2:])
    assert not missing and len(ships) == 3 and len(units) == 3
    as_json = [{"id": s.id, "exporter_uscc": s.exporter_uscc, "origin": s.origin, "destination": s.destination,
                "mode": s.mode, "ready_date": s.ready_date.isoformat(), "latest_arrival": s.latest_arrival.isoformat(),
                "dg_class": s.dg_class,
                "temperature_min_c": s.temperature_c[0] if s.temperature_c else None,
                "temperature_max_c": s.temperature_c[1] if s.temperature_c else None,
                "cartons": [{"length_cm": c.length_cm, "width_cm": c.width_cm, "height_cm": c.height_cm,
                             "gross_kg": c.gross_kg, "stackable": c.stackable, "this_way_up": c.this_way_up}
                            for c in s.cartons]} for s in ships]
    (tmp_path / "s.json").write_text(json.dumps(as_json), encoding="utf-8")
    assert read_shipments(tmp_path / "s.json") == ships
    caps = [{"id": u.id, "forwarder_uscc": u.forwarder_uscc, "mode": u.mode, "origin": u.origin, "destination": u.destination,
             "departure": u.departure.isoformat(), "equipment": u.equipment.code, "price": u.price, "min_fill": u.min_fill,
             "arrival": u.arrival.isoformat() if u.arrival else None, "cutoff": u.cutoff.isoformat() if u.cutoff else None}
            for u in units]
    (tmp_path / "c.json").write_text(json.dumps(caps), encoding="utf-8")
    assert read_units(tmp_path / "c.json") == units


def test_the_command_reads_exchange_files_and_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from chainatlas.cli import app

    files = _files(tmp_path)[1:]
    wb = Workbook()
    wb.remove(wb.active)
    for name, f in (("拼单需求", files[0]), ("装箱明细", files[1]), ("运力报价", files[2])):
        ws = wb.create_sheet(name)
        for line in f.read_text(encoding="utf-8").splitlines():
            ws.append(line.split(","))
    wb.save(tmp_path / "book.xlsx")
    runner = CliRunner()
    for args in (["--shipments", str(files[0]), "--shipments", str(files[1]), "--capacity", str(files[2])],
                 ["--shipments", str(tmp_path / "book.xlsx"), "--capacity", str(tmp_path / "book.xlsx")]):
        res = runner.invoke(app, ["consolidate", *args, "--time-limit", "2", "--format", "json"])
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout[res.stdout.index("{"):])
        # 4.0 m³ and 3.6 m³: neither alone reaches the forwarder's least fill of 8 % of a 40HQ (6.1 m³), together
        # they do; the chilled air shipment finds no unit that holds 2–8 °C
        assert {a["shipment"]: a["unit"] for a in out["assignments"]} == {"PD-1": "R-1-1", "PD-2": "R-1-1"}
        assert [(u["shipment"], u["reason_en"]) for u in out["unassigned"]] == [
            ("PD-3", "no compatible unit: needs a temperature the unit cannot hold")]
        assert all(not u["check"] for u in out["units"])
    bad = write(tmp_path / "bad.csv", REQUESTS.replace("CNCGO,DEHAM,2026-03-02", "CNXXX,DEHAM,2026-03-02"))
    res = runner.invoke(app, ["consolidate", "--shipments", str(bad), "--shipments", str(files[1]), "--capacity", str(files[2])])
    assert res.exit_code == 2 and "未知的地点代码" in res.output and "unknown place code" in res.output
