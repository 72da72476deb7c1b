"""The fixture of docs/digital.md: a provider, three offers, a reference case and three subscriptions of firm A."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.exchange import ENTERPRISES, A, C, write

PROVIDERS = f"""统一社会信用代码,资质,提供共享运维,服务地区
{C},ISO 27001,是,郑州市
"""
OFFERS = f"""方案编号,服务商统一社会信用代码,方案名称,场景,适用环节,硬件月租（元）,押金（元）,最短租期（月）,订阅计价单位,订阅单价（元/月）,实施周期（天）
SZ-1,{C},示例设备联网套餐,equipment_iot,,1000,3000,24,device,50,14
SZ-2,{C},示例轻量 MES,mes_lite,nev.cell,,,12,site,2000,30
SZ-3,{C},示例算力包,compute,,,,,seat,500,2
"""
CASES = f"""案例编号,方案编号,客户统一社会信用代码,指标,单位,改造前,改造后,期间
AL-1,SZ-1,{A},不良率,%,3.2,1.9,2025
"""
SUBSCRIPTIONS = f"""订阅编号,企业统一社会信用代码,方案编号,起始日期,终止日期,数量,每月实付（元）
DY-1,{A},SZ-1,2025-03-15,,10,1500
DY-2,{A},SZ-2,2024-06-01,2025-02-01,1,2000
DY-3,{A},SZ-3,2025-11-01,2026-04-30,10,5000
"""
# the hand-scored answers of docs/digital.md: 12 + 20 + 6 + 6 = 44 points, level 2
ANSWERS = {"equipment": "c", "data_collection": "b", "systems": "c", "security": "b", "design": "b", "planning": "b",
           "quality": "c", "supply": "c", "sales": "b", "finance": "c", "strategy": "b", "investment": "b",
           "talent": "b", "efficiency": "b", "defects": "c", "energy": "a"}


def files(tmp_path: Path, subscriptions: str = SUBSCRIPTIONS) -> list[Path]:
    return [write(tmp_path / "ents.csv", ENTERPRISES), write(tmp_path / "providers.csv", PROVIDERS),
            write(tmp_path / "offers.csv", OFFERS), write(tmp_path / "cases.csv", CASES),
            write(tmp_path / "subs.csv", subscriptions)]
