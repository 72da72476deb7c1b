"""The consolidation result as an Excel workbook: a summary, the assignment, each exporter's costs, and one load sheet
per unit for the warehouse crew (装箱单: loading sequence, shipment, carton, position and orientation)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from chainatlas.exchange.cells import xlsx_row

DEMO_NOTE = "示例/计算结果，以货代确认为准 · computed plan; the forwarder confirms"


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(xlsx_row(ws, r))


def workbook(result: dict[str, Any]) -> bytes:
    """All sheets of one ``consolidate`` result."""
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总 Summary"
    for key, zh in (("total_cost", "拼单总费用 total cost"), ("alone_total", "各自单独发运合计 alone, total"),
                    ("lower_bound", "下界 lower bound"), ("gap", "最优性差距 gap"), ("status", "求解状态 status")):
        summary.append([zh, result[key]])
    summary.append(["说明 note", DEMO_NOTE])
    _sheet(wb, "分配 Assignments", ["货票 shipment", "箱/集装器 unit", "发运日 departure"],
           [[a["shipment"], a["unit"], a["departure"]] for a in result["assignments"]])
    _sheet(wb, "费用 Costs", ["货票 shipment", "出口企业 exporter", "箱 unit", "计费基础 basis", "数值 value",
                             "单独发运 alone", "拼单分摊 pooled", "节省 saving", "Shapley", "Shapley 误差 error"],
           [[c["shipment"], c["exporter_uscc"], c["unit"], c["basis"], c["basis_value"], c["alone"], c["pooled"],
             c["saving"], c.get("shapley"), c.get("shapley_error")] for c in result["costs"]])
    if result["unassigned"]:
        _sheet(wb, "未分配 Unassigned", ["货票 shipment", "原因", "reason"],
               [[u["shipment"], u["reason_zh"], u["reason_en"]] for u in result["unassigned"]])
    for unit in result["units"]:
        _sheet(wb, f"装箱 {unit['id']}", ["顺序 seq", "货票 shipment", "箱号 carton", "x (cm)", "y (cm)", "z (cm)",
                                         "长 dx", "宽 dy", "高 dz"],
               [[p["sequence"], p["shipment"], p["carton"], p["x"], p["y"], p["z"], p["dx"], p["dy"], p["dz"]]
                for p in unit["placements"]])
        ws = wb[f"装箱 {unit['id']}"[:31]]
        ws.append([])
        ws.append([f"{unit['equipment']} · 利用率 utilisation {unit['utilisation']:.1%} · {unit['weight_kg']:,.0f} kg · "
                   "原点在门侧地板角，x 向内 · origin at the door-side floor corner, x into the unit"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
