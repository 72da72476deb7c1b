from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from chainatlas import db
from chainatlas.registry.uscc import make_uscc

A = make_uscc("91410105MA44AAAA1")
B = make_uscc("91410122MA44BBBB2")
C = make_uscc("91320500MA44CCCC3")
ENT_HEADER = "统一社会信用代码,企业名称,行政区划代码,行业代码,营业收入（元）,数据日期"
ENTERPRISES = f"""{ENT_HEADER}
{A},郑州甲电池有限公司（示例）,410105,C3841,120000000,2025-12-31
{B},郑州乙整车有限公司（示例）,410122,3612,9000000000,2025-12-31
{C},苏州丙正极材料有限公司（示例）,320505,C3985,50000000,2025-12-31
"""
LINKS = f"""供方统一社会信用代码,需方统一社会信用代码,期间,金额（元）,环节代码
{C},{A},2025,3000000.50,nev.cathode
{A},{B},2025,80000000,nev.cell
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(db.metadata.tables[table])).scalar_one())


def written_rows(engine: Engine) -> int:
    return sum(count(engine, t) for t in ("enterprise", "enterprise_attribute", "supply_link", "placement", "transaction_line"))
