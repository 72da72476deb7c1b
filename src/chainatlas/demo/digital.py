"""The demo city's 智改数转 services (fictional, labelled 示例): four providers, their lightweight offers across the
scenarios (three made for segments of the demo chains), reference cases, subscriptions of local SMEs in 2025–2026,
self-assessments whose answers land in each firm's declared 数字化水平 level (so the demo's tiers stay as they
were, now with the assessment as their source), and the shared O&M register and tickets (demo.maintenance)."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.demo.consolidation import write_table
from chainatlas.exchange.importer import ImportReport, import_files
from chainatlas.registry.uscc import make_uscc

DEMO = "示例数据 demo"
PROVIDERS = (  # (code stem, name, district, industry, qualifications, shared O&M)
    ("91410100MA4DGT001", "示例智造云科技有限公司", "410105", "I65", "ISO 27001；两化融合管理体系AA级", True),
    ("91410100MA4DGT002", "示例工业互联网服务有限公司", "410102", "I65", "工业互联网平台（示例）", True),
    ("91410100MA4DGT003", "示例视觉检测技术有限公司", "410122", "I65", "ISO 9001", False),
    ("91410100MA4DGT004", "示例算力服务有限公司", "410105", "I64", "可信云服务认证（示例）", False),
)
# (provider index, name, scenario, segment index or None, hw/month, deposit, lease months, unit, sw/unit/month, days, what)
OFFERS = (
    (0, "设备联网轻量化套餐", "equipment_iot", None, 1200, 5000, 24, "device", 45, 14, "网关+传感器+设备看板"),
    (1, "设备数据采集盒子", "equipment_iot", None, 600, 2000, 12, "device", 30, 7, "即插即用采集盒，支持主流 PLC"),
    (0, "云 MES 轻量版", "mes_lite", None, None, None, 12, "seat", 120, 30, "计划排产、工单报工、看板"),
    (1, "电芯产线 MES 模板", "mes_lite", 0, 800, 3000, 24, "site", 3500, 45, "按电芯工序预置的 MES 模板"),
    (2, "AI 视觉质检工作站", "ai_inspection", None, 4500, 20000, 36, "device", 200, 21, "工业相机+边缘盒子+缺陷模型"),
    (2, "正极材料批次追溯", "quality_inspection", 1, None, None, 12, "site", 2800, 30, "批次、检验与追溯"),
    (0, "能耗监测套餐", "energy", None, 900, 3000, 24, "device", 25, 10, "智能电表+能耗看板"),
    (1, "轻量 WMS", "warehousing", None, 300, 1000, 12, "seat", 90, 14, "条码出入库、库位、盘点"),
    (0, "业财一体云 ERP", "erp_finance", None, None, None, 12, "seat", 150, 30, "采购、销售、库存、财务"),
    (1, "客户与订单 CRM", "crm", None, None, None, 12, "seat", 80, 7, "客户、商机、订单、服务"),
    (0, "三维设计与图文档", "rd_design", 2, None, None, 12, "seat", 600, 20, "三维 CAD 订阅+PDM"),
    (1, "数据安全托管", "security", None, 500, 2000, 12, "site", 1500, 10, "防火墙租赁+备份+等保咨询"),
    (3, "算力包（GPU 时）", "compute", None, None, None, 1, "seat", 3000, 2, "按月订阅的 GPU 算力"),
    (3, "行业大模型 API", "model", None, None, None, 1, "seat", 1200, 3, "按月订阅的模型调用额度"),
)
CASE_METRICS = (("不良率", "%", 3.1, 1.8, False), ("设备综合效率", "%", 62.0, 74.0, True),
                ("单位产值能耗", "千克标煤/万元", 48.0, 41.0, False), ("订单交付周期", "天", 21.0, 15.0, False))


def demo_tables(firms: list[str], segments: list[str], seed: int = 20260301) -> dict[str, list[dict[str, Any]]]:
    """The exchange-spec rows: provider enterprises, providers, offers, cases and subscriptions of ``firms``."""
    rng = random.Random(seed + 20)
    providers = [make_uscc(p[0]) for p in PROVIDERS]
    enterprises = [{"uscc": u, "name": p[1], "region_code": p[2], "industry_code": p[3], "source": DEMO}
                   for u, p in zip(providers, PROVIDERS, strict=True)]
    prov = [{"uscc": u, "qualifications": p[4], "shared_om": p[5], "service_area": "郑州市", "source": DEMO}
            for u, p in zip(providers, PROVIDERS, strict=True)]
    offers: list[dict[str, Any]] = []
    for i, spec in enumerate(OFFERS, start=1):
        seg = segments[spec[3]] if spec[3] is not None and spec[3] < len(segments) else None
        offers.append({"offer_id": f"SZ-{i:03d}", "provider_uscc": providers[spec[0]], "name": f"示例{spec[1]}",
                       "scenario": spec[2], "segment_code": seg, "hardware_monthly_yuan": spec[4], "deposit_yuan": spec[5],
                       "lease_months": spec[6], "software_unit": spec[7], "software_monthly_yuan": spec[8],
                       "implementation_days": spec[9], "description": spec[10], "source": DEMO})
    subs: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    for n, firm in enumerate(firms):
        for _ in range(rng.choice((1, 1, 2, 3))):
            o = rng.choice(offers)
            units = 1 if o["software_unit"] == "site" else rng.randint(1, 3) if o["scenario"] in ("compute", "model") \
                else rng.randint(2, 30)
            monthly = (o["hardware_monthly_yuan"] or 0) + (o["software_monthly_yuan"] or 0) * units
            start = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 540))
            end = start + dt.timedelta(days=rng.randint(120, 720)) if rng.random() < 0.4 else None
            subs.append({"subscription_id": f"DY-{len(subs) + 1:04d}", "customer_uscc": firm, "offer_id": o["offer_id"],
                         "start_date": start, "end_date": end, "units": units, "monthly_yuan": round(monthly, 2),
                         "source": DEMO})
        if n < 8:  # the first subscribers report a before/after figure (标杆案例, self-reported)
            metric, unit, before, after, higher = CASE_METRICS[n % len(CASE_METRICS)]
            cases.append({"case_id": f"AL-{n + 1:03d}", "offer_id": subs[-1]["offer_id"], "customer_uscc": firm,
                          "metric": metric, "unit": unit, "before": before, "after": round(after * rng.uniform(0.95, 1.05), 1),
                          "higher_is_better": higher, "period": "2025", "source": DEMO})
    return {"enterprises": enterprises, "solution_providers": prov, "solution_offers": offers, "solution_cases": cases,
            "solution_subscriptions": subs}


def answers_for_level(level: int, rng: random.Random) -> dict[str, str]:
    """Answers whose total lands in ``level``'s band (0: < 20 … 4: ≥ 80): from all-lowest, random items are raised
    one choice at a time while the total stays below the band's top."""
    from chainatlas.digital.assessment import level_of, questionnaire

    q = questionnaire()
    pick = {x.id: 0 for x in q.questions}
    points = {x.id: [c.points for c in x.choices] for x in q.questions}
    keys = {x.id: [c.key for c in x.choices] for x in q.questions}

    def total() -> float:
        return sum(points[i][k] for i, k in pick.items())

    items = list(pick)
    while level_of(total(), q.levels) < level:
        i = rng.choice([i for i in items if pick[i] < len(keys[i]) - 1])
        pick[i] += 1
        if level_of(total(), q.levels) > level:
            pick[i] -= 1
            items.remove(i)
    return {i: keys[i][k] for i, k in pick.items()}


def load_digital_demo(engine: Engine, home: str = "4101", seed: int = 20260301) -> ImportReport:
    """Import the catalogue and subscriptions (all-or-nothing), then submit self-assessments for local firms with a
    declared level, dated in the first half of 2026."""
    from chainatlas.demo.collab import local_firms
    from chainatlas.digital import store

    firms = local_firms(engine, home)
    rng = random.Random(seed + 21)
    with engine.connect() as conn:
        segments = [s for (s,) in conn.execute(select(db.segment.c.code).where(db.segment.c.chain_id == "nev")
                                               .order_by(db.segment.c.code))]
        a = db.enterprise_attribute.c
        declared = dict(conn.execute(select(a.uscc, a.value).where(a.attribute == "digital_level").order_by(a.uscc, a.as_of)).all())
    subscribers = sorted(rng.sample(firms, min(36, len(firms))))
    tables = demo_tables(subscribers, segments, seed)
    with tempfile.TemporaryDirectory(prefix="chainatlas-demo-digital-") as tmp:
        paths = [write_table(Path(tmp) / f"{t}.csv", t, rows) for t, rows in tables.items()]
        report = import_files(paths, engine=engine, write_reports=False)
    if not report.ok:
        raise ValueError(f"demo digital files invalid: {[str(p) for p in report.problems[:3]]}")
    for firm in sorted(rng.sample(sorted(set(declared) & set(firms)), min(60, len(set(declared) & set(firms))))):
        day = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 170))
        store.submit(engine, firm, answers_for_level(int(declared[firm]), rng), day, by="demo")
    from chainatlas.demo.maintenance import load_maintenance_demo

    load_maintenance_demo(engine, seed)
    from chainatlas.refresh import after_import

    after_import(engine, True, home)  # the analysis frames prepared, the data products' first quality measurements
    return report
