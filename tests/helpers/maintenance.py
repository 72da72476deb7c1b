"""The fixture of docs/maintenance.md: providers C and B, A's two machines (one per provider) and B's one (C's)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.exchange import ENTERPRISES, A, B, C, write

PROVIDERS = f"""统一社会信用代码,资质,提供共享运维,服务地区
{C},ISO 27001,是,郑州市
{B},,是,郑州市
"""
EQUIPMENT = f"""设备编号,企业统一社会信用代码,设备类型,型号,出厂编号,位置,自有或租赁,运维服务商统一社会信用代码,投用日期
EQ-A1,{A},cnc,示例 VMC-850,SN1,一号车间,leased,{C},2025-03-01
EQ-A2,{A},compressor,示例 GA-37,SN2,动力站,owned,{B},2024-06-01
EQ-B1,{B},robot,示例 R-6,SN3,焊装线,owned,{C},2025-01-10
EQ-A3,{A},plc,,,,owned,,
"""


def files(tmp_path: Path, equipment: str = EQUIPMENT) -> list[Path]:
    return [write(tmp_path / "ents.csv", ENTERPRISES), write(tmp_path / "providers.csv", PROVIDERS),
            write(tmp_path / "equipment.csv", equipment)]
