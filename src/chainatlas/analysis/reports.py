"""XLSX reports for officers: the atlas of a chain and the attraction list (招商清单), with Chinese headers,
the period, home area, data version and a note that demo data are fictional."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from chainatlas.exchange.cells import xlsx_row

ATLAS_COLUMNS = [
    ("code", "环节代码"), ("name_zh", "环节"), ("stage", "上中下游"), ("status_zh", "状态"), ("local_enterprises", "本地企业数"),
    ("above_scale", "规上企业数"), ("srdi_or_little_giant", "专精特新/小巨人数"), ("chain_leaders", "链主数"),
    ("output_value_yuan", "本地企业营业收入（元）"), ("inputs_value_yuan", "本地链上企业采购额（元）"),
    ("inputs_local_value_yuan", "其中本地采购额（元）"), ("local_share", "本地配套率"), ("local_suppliers_serving", "服务本地链上企业的本地供应商数"),
]
TARGET_COLUMNS = [
    ("rank", "排名"), ("name", "企业名称"), ("uscc", "统一社会信用代码"), ("region_code", "行政区划代码"), ("country_code", "国家"),
    ("segment_name_zh", "拟补环节"), ("segment_code", "环节代码"), ("score", "综合得分"),
    ("supply_value_yuan", "已向本地链上企业供货额（元）"), ("prev_supply_value_yuan", "上期供货额（元）"),
    ("local_buyers", "本地客户数"), ("revenue_yuan", "营业收入（元）"), ("employees", "从业人数"),
    ("is_little_giant", "小巨人"), ("is_srdi", "专精特新"), ("is_listed", "上市"), ("is_high_tech", "高新技术企业"),
]
COMPONENT_ZH = {"supply": "以链招商（供货额）", "buyers": "本地客户数", "size": "规模", "growth": "增长", "tier": "梯度",
                "fit": "环节匹配", "proximity": "距离"}


def _workbook(sheet: str, title: str, meta: dict[str, Any]) -> tuple[Workbook, Any]:
    """A workbook whose first sheet starts with the report's title, period, home area and data version."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(xlsx_row(ws, [title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"期间 period: {meta.get('period')}   本地范围 home: {meta.get('home')}   数据日期 as of: {meta.get('as_of')}"])
    ws.append([f"数据版本 data version: {meta.get('data_version')}   演示数据均为虚构示例（示例）/ demo data are fictional"])
    ws.append([])
    return wb, ws


def atlas_workbook(atlas: dict[str, Any]) -> bytes:
    """The atlas of a chain as an XLSX workbook (segments and flows)."""
    wb, ws = _workbook("产业链图谱", f"产业链图谱 — {atlas['chain']}", atlas)
    ws.append([zh for _, zh in ATLAS_COLUMNS])
    for r in atlas["segments"]:
        ws.append(xlsx_row(ws, [r.get(k) for k, _ in ATLAS_COLUMNS]))
    flows = wb.create_sheet("环节流向")
    flows.append(["供方环节 from", "需方环节 to", "金额（元）", "本地金额（元）", "本地占比"])
    for f in atlas["flows"]:
        flows.append(xlsx_row(flows, [f["from_segment"], f["to_segment"], f["value_yuan"], f["local_value_yuan"], f["local_share"]]))
    return _bytes(wb)


def targets_workbook(targets: dict[str, Any]) -> bytes:
    """The attraction list (招商清单) as an XLSX workbook with its score components."""
    wb, ws = _workbook("招商清单", f"精准招商清单 — {targets['chain']}", targets)
    comps = list(targets["weights"])
    ws.append([zh for _, zh in TARGET_COLUMNS] + [f"{COMPONENT_ZH[c]}（权重{targets['weights'][c]:.2f}）" for c in comps])
    for it in targets["items"]:
        ws.append(xlsx_row(ws, [it.get(k) for k, _ in TARGET_COLUMNS] + [it["components"][c] for c in comps]))
    return _bytes(wb)


def tables_workbook(title: str, meta: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> bytes:
    """One sheet per table (column titles = the keys); the first sheet carries the title block."""
    names = list(tables)
    wb, ws = _workbook(names[0], title, meta)
    for i, name in enumerate(names):
        sheet = ws if i == 0 else wb.create_sheet(name[:31])
        rows = tables[name]
        sheet.append(xlsx_row(sheet, rows[0]) if rows else [])
        for r in rows:
            sheet.append(xlsx_row(sheet, [v if isinstance(v, (int, float, str)) or v is None else str(v) for v in r.values()]))
    return _bytes(wb)


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(data: bytes, path: Path) -> Path:
    """Write a workbook's bytes to ``path`` (folders made); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
