"""Demo 企业出题、院所解题 (示例): fictional technology demands of the demo city's firms, capabilities of fictional
universities and institutes, bids and contracts in every state of the workflow, and internships.

Texts are composed, not templated with numbers swapped: each chain segment's products (from the chain templates) meet
a problem family (quality, reliability, cost, localisation, inspection, energy, data); each family has several ways
to describe the symptom in a plant's words and the technique in a lab's words, with context, target and constraint
sentences drawn independently. A demand's family and segment are those of the capabilities meant to solve it, so the
matching shown on the demo is meaningful. Deterministic for a seed; every organisation and text is fictional.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from chainatlas import db
from chainatlas.chains.templates import load_chains
from chainatlas.registry.uscc import make_uscc

INSTITUTES = [
    "示例理工大学材料科学与工程学院", "示例工业大学机械工程学院", "示例大学化学学院", "示例科技大学电气工程学院",
    "示例超硬材料研究院", "示例先进制造研究院", "示例新能源汽车研究院", "示例集成电路研究所", "示例生物医药研究院",
    "示例职业技术学院智能制造学院", "示例农业大学生命科学学院", "示例医科大学药学院", "示例交通大学智能感知实验室",
    "示例师范大学物理学院", "示例信息工程大学软件学院", "示例航空港智能装备研究院", "示例电子信息产业技术研究院",
    "示例检验检测认证研究院", "示例粉末冶金研究所", "示例精密测量研究中心", "示例光电技术研究所", "示例高分子材料研究所",
    "示例智能网联汽车创新中心", "示例工业互联网研究院", "示例节能环保技术研究院", "示例轻合金研究所",
    "示例陶瓷材料研究所", "示例传感器技术研究所", "示例人工智能研究院", "示例医疗器械检验研究院",
]
TEAMS = ["教授课题组", "青年创新团队", "工程技术研究中心", "重点实验室", "中试平台团队", "产业化团队"]

# problem family → (symptoms in a plant's words, techniques in a lab's words, figures, targets)
FAMILIES: dict[str, dict[str, list[str]]] = {
    "quality": {
        "symptom": ["{p}批次间性能波动大，客户来料检验经常卡边", "{p}出现{d}，良率只有{x}%左右", "{p}的一致性差，同一批次里好坏差异明显",
                    "最近客户投诉{p}{d}，退货比例上升", "{p}生产中{d}问题反复出现，原因一直没找准"],
        "defect": ["表面缺陷", "尺寸超差", "内部气孔", "开裂", "色差", "杂质偏高", "分层"],
        "technique": ["{p}关键工艺参数优化与过程控制：实验设计筛选关键因子，建立工艺窗口，配合在线监测实现闭环调节",
                      "{p}缺陷形成机理分析与工艺改进：显微表征定位缺陷来源，针对性调整配方与热处理制度",
                      "{p}质量一致性提升：原料分级与配料精确控制，统计过程控制与批次追溯"],
        "target": ["良率提升到{y}%以上", "批次间关键指标波动控制在{z}%以内", "缺陷率降低一半"],
    },
    "reliability": {
        "symptom": ["{p}在客户现场使用{m}个月就出现失效，售后索赔多", "{p}做耐久试验达不到客户要求的寿命",
                    "{p}在高温高湿环境下性能衰减快", "{p}经过冷热冲击后出现裂纹，可靠性认证没过"],
        "technique": ["{p}失效分析与寿命提升：加速寿命试验与失效物理建模，针对薄弱环节改进材料与结构",
                      "{p}环境适应性设计：耐湿热、耐盐雾的防护涂层与密封结构，配套可靠性试验能力",
                      "{p}热-力耦合仿真与结构优化：降低热应力集中，提高抗热疲劳能力"],
        "target": ["使用寿命延长一倍", "通过{std}可靠性试验", "现场失效率降到千分之{k}以下"],
    },
    "cost": {
        "symptom": ["{p}原材料成本占比高，利润被压得很薄", "{p}加工工序多、节拍慢，单件成本降不下来",
                    "{p}材料利用率低，边角料浪费严重", "{p}能耗和辅料消耗大，成本高于同行"],
        "technique": ["{p}低成本制备新工艺：短流程工艺路线替代多道工序，减少中间处理环节",
                      "{p}材料替代与减量化设计：在满足性能前提下采用低成本材料体系，拓扑优化减重",
                      "{p}近净成形技术：减少后续机加工余量，提高材料利用率"],
        "target": ["单件成本下降{c}%", "材料利用率提高到{y}%", "加工节拍缩短三分之一"],
    },
    "localisation": {
        "symptom": ["我们用的{p}依赖进口，价格高、交期长达{w}周，还有断供风险", "{p}目前只能从国外采购，国内样品性能差距较大",
                    "进口{p}涨价明显，希望找到国内可替代的方案并完成验证"],
        "technique": ["高性能{p}国产化研发：自主配方与工艺，关键指标对标进口产品，已完成小批量验证",
                      "{p}关键材料与核心部件自主可控：从原料提纯到成品制备的完整技术链",
                      "{p}替代验证服务：对标测试、失效对比与客户导入支持"],
        "target": ["性能达到进口产品水平", "通过客户导入验证", "交期缩短到{w2}周以内"],
    },
    "inspection": {
        "symptom": ["{p}出厂检测全靠人工目检，漏检多、效率低", "{p}检测周期长，送外检一次要等一周",
                    "{p}的缺陷靠人眼判断，不同质检员标准不一", "{p}在线检测手段缺乏，问题发现时已经批量不良"],
        "technique": ["基于机器视觉的{p}缺陷自动检测：深度学习缺陷识别，适配产线节拍",
                      "{p}快速无损检测：光谱/超声/涡流检测方法与在线检测装备",
                      "{p}在线质量监测系统：多传感器数据采集与异常预警"],
        "target": ["漏检率低于{k}‰", "检测时间缩短到原来的五分之一", "实现全检替代抽检"],
    },
    "energy": {
        "symptom": ["{p}生产线能耗高，电费占制造成本近{x2}%", "{p}工序排放达不到新的环保标准，面临整改",
                    "{p}烧结/热处理炉温度不均、能耗大"],
        "technique": ["{p}工序节能改造：余热回收与窑炉燃烧优化，能耗在线监测与能效对标",
                      "{p}清洁生产工艺：源头减排与废气废液资源化处理",
                      "{p}热工装备优化：温场仿真与炉体结构改进，提高温度均匀性"],
        "target": ["单位产品能耗下降{c}%", "排放满足最新地方标准", "炉温均匀性控制在±{t}℃"],
    },
    "data": {
        "symptom": ["{p}生产数据分散在各台设备上，出了问题很难追溯", "{p}工艺参数全凭老师傅经验，人一走就做不好",
                    "{p}产线设备经常非计划停机，影响交付", "{p}订单多品种小批量，排产靠人工，换线频繁"],
        "technique": ["{p}工艺知识建模与参数推荐：基于生产数据的机器学习模型，辅助工艺决策",
                      "{p}设备预测性维护：振动与电流数据采集、故障诊断和剩余寿命预测",
                      "{p}生产过程数据采集与追溯：设备联网、批次数据贯通与质量追溯"],
        "target": ["非计划停机减少{c}%", "关键工艺参数实现数据驱动推荐", "质量问题可追溯到批次和工序"],
    },
}
CONTEXTS = ["我司主要为{buyer}配套，年产{p}约{n}万件。", "公司是本地{seg}环节的骨干企业，产品销往省内外。",
            "我们是一家专精特新中小企业，主营{p}。", "企业正在扩产，新产线计划明年投产。", "主要客户对质量要求越来越严。", ""]
CONSTRAINTS = ["希望一年内完成中试验证。", "预算可根据方案调整，知识产权归属可协商。", "可提供现场试验条件和样品。",
               "要求合作方有同类产品的工程化经验。", "优先考虑本地院所，便于现场对接。", ""]
CAP_EXTRA = ["已在{n}家企业应用，效果经用户确认。", "拥有中试线，可提供样品试制。", "团队承担过国家和省级相关科研项目。",
             "可提供技术许可、联合开发或技术服务等合作方式。", "相关技术已形成专利组合。", ""]
STANDARDS = ["GB/T 2423", "IEC 60068", "AEC-Q100", "ISO 16750", "GB/T 31467"]


def institute_usccs() -> list[str]:
    """The demo institutes' USCCs: 12 (事业单位) + Zhengzhou's 410100 + a running number, with their check character."""
    return [make_uscc(f"12410100MB{i:07d}") for i in range(len(INSTITUTES))]


def institutes() -> list[dict[str, Any]]:
    """The demo institutes as register rows (exchange table enterprises): universities under P83 教育, institutes
    under M73 研究和试验发展, in Zhengzhou's urban districts."""
    districts = ("410102", "410103", "410105", "410108", "410184")
    return [{"uscc": u, "name": n + "（示例）", "region_code": districts[i % len(districts)],
             "industry_code": "P83" if ("大学" in n or "学院" in n) else "M73", "source": "示例事业单位登记",
             "as_of": "2026-01-15"} for i, (u, n) in enumerate(zip(institute_usccs(), INSTITUTES, strict=True))]


def _fill(text: str, rng: random.Random, **kw: str) -> str:
    values = {"x": str(rng.randint(72, 92)), "y": str(rng.randint(93, 99)), "z": str(rng.randint(2, 8)),
              "m": str(rng.randint(3, 18)), "k": str(rng.randint(1, 5)), "c": str(rng.randint(10, 35)),
              "w": str(rng.randint(12, 30)), "w2": str(rng.randint(4, 8)), "x2": str(rng.randint(15, 40)),
              "t": str(rng.randint(3, 10)), "n": str(rng.randint(5, 300)), "std": rng.choice(STANDARDS),
              "d": rng.choice(FAMILIES["quality"]["defect"]), **kw}
    return text.format(**values)


def _segments() -> list[dict[str, Any]]:
    out = []
    for c in load_chains():
        for s in c.segments:
            products = [k for k in s.keywords if len(k) > 1] or [s.name_zh]
            out.append({"chain": c.id, "code": c.full_code(s.code), "name": s.name_zh, "products": products})
    return out


def postings(local_firms: list[str], seed: int = 20260301, demands: int = 320, capabilities: int = 640,
             today: dt.date | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Demand and capability rows (exchange-spec columns of tech_demands and tech_capabilities)."""
    rng = random.Random(seed)
    as_of = (today or dt.date.today()).isoformat()
    segs = _segments()
    fams = list(FAMILIES)
    inst_uscc = institute_usccs()
    caps: list[dict[str, Any]] = []
    for i in range(capabilities):
        seg = segs[i % len(segs)]
        fam = fams[(i // len(segs) + i) % len(fams)]
        f = FAMILIES[fam]
        p = rng.choice(seg["products"])
        tech = _fill(rng.choice(f["technique"]), rng, p=p)
        text = "；".join(x for x in (tech, _fill(rng.choice(f["target"]), rng, p=p).replace("以上", "以上的效果") if rng.random() < 0.5 else "",
                                     _fill(rng.choice(CAP_EXTRA), rng)) if x) + "。"
        org = rng.randrange(len(INSTITUTES))
        caps.append({"capability_id": f"CG-DEMO-{i + 1:04d}", "uscc": inst_uscc[org], "org_name": INSTITUTES[org] + "（示例）",
                     "team": rng.choice(TEAMS), "title": tech.split("：")[0][:60], "text": text,
                     "keywords": "、".join(dict.fromkeys([p, seg["name"].split("(")[0], fam_zh(fam)])),
                     "patents": f"ZL2024{rng.randint(10000000, 99999999)}.{rng.randint(0, 9)}（示例）" if rng.random() < 0.6 else "",
                     "trl": rng.randint(3, 8), "contact": "成果转化办公室（示例）", "segment_code": seg["code"],
                     "source": "示例技术成果库", "as_of": as_of})
    dem: list[dict[str, Any]] = []
    buyers = ["本地整车厂", "头部电池企业", "省外龙头企业", "海外客户", "链主企业"]
    for i in range(demands):
        seg = segs[(i * 7) % len(segs)]
        fam = fams[(i * 3 + i // len(segs)) % len(fams)]
        f = FAMILIES[fam]
        p = rng.choice(seg["products"])
        symptom = _fill(rng.choice(f["symptom"]), rng, p=p)
        parts = [_fill(rng.choice(CONTEXTS), rng, p=p, seg=seg["name"], buyer=rng.choice(buyers)), symptom + "。",
                 "希望" + _fill(rng.choice(f["target"]), rng, p=p) + "。", rng.choice(CONSTRAINTS)]
        rng.shuffle(parts[:1])
        lo = rng.choice([20, 30, 50, 80, 100, 200]) * 10_000
        dem.append({"demand_id": f"XQ-DEMO-{i + 1:04d}", "uscc": local_firms[i % len(local_firms)],
                    "title": (p + TITLE_ZH[fam])[:60], "text": "".join(x for x in parts if x),
                    "segment_code": seg["code"], "budget_min_yuan": lo, "budget_max_yuan": lo * rng.choice([2, 3, 4]),
                    "deadline": ((today or dt.date.today()) + dt.timedelta(days=rng.randint(30, 120))).isoformat(),
                    "visibility": "public" if rng.random() < 0.8 else rng.choice(["selected", "bureau"]),
                    "invited": "", "state": "draft", "source": "示例技术需求征集", "as_of": as_of})
    for d in dem:
        if d["visibility"] == "selected":
            d["invited"] = "、".join(rng.sample(inst_uscc, 3))
    return dem, caps


TITLE_ZH = {"quality": "质量一致性提升", "reliability": "可靠性与寿命提升", "cost": "降本工艺攻关", "localisation": "国产化替代",
            "inspection": "智能检测", "energy": "节能降耗与减排", "data": "数字化与智能运维"}


def fam_zh(family: str) -> str:
    """The Chinese keyword of a problem family."""
    return {"quality": "质量控制", "reliability": "可靠性", "cost": "低成本制造", "localisation": "国产替代",
            "inspection": "检测", "energy": "节能", "data": "工业数据"}[family]


def internships(local_firms: list[str], seed: int = 20260301, students: int = 240,
                today: dt.date | None = None) -> list[dict[str, Any]]:
    """Placements of fictional students (pseudonymous ids) at local firms: one or two placements each, some
    overlapping, some short of 6 months, some ongoing."""
    rng = random.Random(seed + 1)
    today = today or dt.date.today()
    schools = {"示例职业技术学院（示例）": ["新能源汽车技术", "机电一体化技术", "工业机器人技术"],
               "示例理工大学（示例）": ["材料科学与工程", "电子信息工程", "机械设计制造及其自动化"],
               "示例医药高等专科学校（示例）": ["药品生产技术", "医疗器械维护与管理"]}
    rows, k = [], 0
    for s in range(students):
        school = rng.choice(list(schools))
        major = rng.choice(schools[school])
        start = today - dt.timedelta(days=rng.randint(60, 700))
        for _ in range(rng.choice([1, 1, 2])):
            end = start + dt.timedelta(days=rng.choice([60, 90, 120, 150, 185, 200, 240]))
            k += 1
            rows.append({"internship_id": f"SX-DEMO-{k:05d}", "school": school, "student_ref": f"S-{seed % 997:03d}-{s:04d}",
                         "major": major, "host_uscc": local_firms[rng.randrange(min(len(local_firms), 60))],
                         "mentor": f"导师{rng.randint(1, 400):03d}", "start_on": start.isoformat(), "end_on": end.isoformat(),
                         "hours": (end - start).days // 7 * 40, "evaluation": rng.choice(["excellent", "good", "good", "pass"]),
                         "source": "示例学校实习管理系统", "as_of": today.isoformat()})
            start = end - dt.timedelta(days=rng.choice([-30, 0, 15]))  # a gap, back to back or overlapping
    return rows


def write_files(out: Path, local_firms: list[str], seed: int = 20260301, today: dt.date | None = None) -> list[Path]:
    """``tech_demands.csv``, ``tech_capabilities.csv`` and ``internships.csv`` in ``out``."""
    dem, caps = postings(local_firms, seed, today=today)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in (("institutes", institutes()), ("tech_demands", dem), ("tech_capabilities", caps), ("internships", internships(local_firms, seed, today=today))):
        path = out / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        paths.append(path)
    return paths


def local_firms(engine: Engine, home: str = "4101", limit: int = 400) -> list[str]:
    """USCCs of the home city's firms (the demo's posting enterprises and hosts), by code."""
    e = db.enterprise.c
    with engine.connect() as conn:
        return [u for (u,) in conn.execute(select(e.uscc).where(e.region_code.like(f"{home}%")).order_by(e.uscc).limit(limit))]


def load_collab_demo(engine: Engine, seed: int = 20260301, today: dt.date | None = None,
                     out: Path | None = None) -> dict[str, int]:
    """Import the demo postings and internships (all-or-nothing), then take demands through the workflow so that
    every state is shown: drafts, reviews, rejections, withdrawals, published lists with and without bids, selections,
    contracts, milestones reported, accepted, paid and overdue. Returns the demands per state as stored at the end."""
    import tempfile

    from chainatlas.collab import workflow as W
    from chainatlas.collab.store import capability_owners
    from chainatlas.exchange.importer import import_files
    from chainatlas.governance.principals import Principal, Role

    today = today or dt.date.today()
    firms = local_firms(engine)
    if not firms:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        report = import_files(write_files(out or Path(tmp), firms, seed, today), engine=engine)
    if not report.ok:
        raise ValueError(f"demo collab import failed: {report.problems[:3]}")
    rng = random.Random(seed + 2)
    bureau = Principal(None, "示例科技局", Role.department, department="science")
    c = db.collab_demand.c
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(db.collab_demand).order_by(c.demand_id))]
    institutes = sorted(set(capability_owners(engine).values()))
    plan = (["draft"] * 40 + ["review"] * 25 + ["rejected"] * 10 + ["withdrawn"] * 10 + ["published"] * 60
            + ["bidding"] * 55 + ["selection"] * 35 + ["contracted"] * 25 + ["implementing"] * 30 + ["accepted"] * 15
            + ["paid"] * 15)
    for d, goal in zip(rows, plan, strict=False):
        owner = Principal(None, "示例企业用户", Role.enterprise, d["uscc"])
        did = d["demand_id"]
        if goal == "draft":
            continue
        if goal == "withdrawn":
            W.move(engine, did, "withdrawn", owner, note="需求已自行解决（示例）", today=today)
            continue
        W.move(engine, did, "review", owner, today=today)
        if goal == "review":
            continue
        if goal == "rejected":
            W.move(engine, did, "rejected", bureau, note="需求不属于共性关键技术，建议企业自行委托（示例）", today=today)
            continue
        W.move(engine, did, "published", bureau, note="论证通过，发榜（示例）", today=today)
        if goal == "published":
            continue
        allowed = [u for u in institutes if u != d["uscc"] and (d["visibility"] == "public" or u in (d["invited"] or ""))]
        if d["visibility"] == "bureau" or not allowed:
            continue
        bidders = rng.sample(allowed, min(len(allowed), rng.randint(1, 3)))
        bids = []
        for u in bidders:
            budget = float(d["budget_min_yuan"] or 300_000)
            share = round(budget * 0.3, -3)
            n = rng.choice([2, 3])
            ms = [{"title": t, "due_on": (today + dt.timedelta(days=90 * (k + 1) - 200)).isoformat(),
                   "amount_yuan": round(share / n, 2)} for k, t in enumerate(["方案设计与样品试制", "中试验证", "产线导入与验收"][:n])]
            bids.append(W.submit_bid(engine, did, Principal(None, "示例院所用户", Role.enterprise, u),
                                     approach="针对需求提出的技术路线：机理分析→工艺优化→中试验证（示例）",
                                     team=rng.choice(TEAMS), budget_yuan=budget, milestones=ms, today=today))
        if goal == "bidding":
            continue
        W.move(engine, did, "selection", bureau, today=today)
        for b in bids:
            W.decide_bid(engine, b["id"], "shortlisted", bureau)
        if goal == "selection":
            continue
        chosen = bids[0]
        W.decide_bid(engine, chosen["id"], "chosen", owner, note="技术路线最契合（示例）")
        W.move(engine, did, "contracted", bureau, note="三方合同已签订（示例）", today=today)
        if goal == "contracted":
            continue
        inst = Principal(None, "示例院所用户", Role.enterprise, chosen["uscc"])
        dd = W.move(engine, did, "implementing", inst, today=today)
        for k, m in enumerate(dd["milestones"]):
            finish_all = goal in ("accepted", "paid")
            if not finish_all and (k > 0 or rng.random() < 0.4):
                break  # the rest stays open; those due before today show as overdue
            W.report_milestone(engine, m["id"], inst, report="阶段目标已完成，附测试报告（示例）", on=today)
            W.accept_milestone(engine, m["id"], bureau, on=today, note="专家验收通过（示例）")
        if goal == "implementing":
            continue
        W.move(engine, did, "accepted", bureau, note="项目验收通过（示例）", today=today)
        if goal == "paid":
            W.move(engine, did, "paid", bureau, note="引导基金兑付完毕（示例）", today=today)
    from chainatlas.collab.store import warm

    warm(engine)  # both indexes built and their embeddings stored: the first page view is fast
    with engine.connect() as conn:  # where the demands ended up (a bureau-only demand takes no bids, so stays published)
        reached: dict[str, int] = dict(conn.execute(select(c.state, func.count()).group_by(c.state)).all())
    return {s: int(reached.get(s, 0)) for s in W.STATES}

