"""The product's fixed codes and their names in Chinese and English (代码表): one table that the pages, exports and
messages translate codes through, so no page shows ``departing`` or ``trade_service`` to a Chinese reader.

Codes that come from data or declarations (chains and segments from the chain templates, tiers and policies from
the rule files) are named where they are declared; :mod:`chainatlas.web.i18n` joins them with these.

Sources: EPCIS/CBV 2.0 (GS1, 2022) §7.2 business steps, §7.3 dispositions and the event types and actions of
EPCIS 2.0 §7.4; UN/CEFACT Recommendation 20 unit codes; GB/T 43697-2024 data classification levels. The Chinese
names are ChainAtlas's own (GS1 publishes the vocabulary in English).

>>> label("biz_step", "departing"), label("biz_step", "departing", "en")
('离港/发运', 'departing')
>>> label("biz_step", "urn:epcglobal:cbv:bizstep:departing")  # the URN form reads the same
'离港/发运'
>>> label("purpose", "no_such_purpose")  # an unknown code shows itself rather than vanishing
'no_such_purpose'
>>> label("outcome", "error-404")
'出错（HTTP 404）'
"""

from __future__ import annotations

from chainatlas.messages import Message

M = Message

BIZ_STEPS: dict[str, Message] = {
    "accepting": M("接收", "accepting"), "arriving": M("到达", "arriving"), "assembling": M("组装", "assembling"),
    "collecting": M("揽收", "collecting"), "commissioning": M("赋码", "commissioning"),
    "consigning": M("订舱/托运", "consigning"), "creating_class_instance": M("生成批次", "creating class instance"),
    "cycle_counting": M("循环盘点", "cycle counting"), "decommissioning": M("注销标识", "decommissioning"),
    "departing": M("离港/发运", "departing"), "destroying": M("销毁", "destroying"),
    "disassembling": M("拆解", "disassembling"), "dispensing": M("分装", "dispensing"), "encoding": M("写码", "encoding"),
    "entering_exiting": M("进出", "entering/exiting"), "holding": M("暂扣", "holding"), "inspecting": M("查验", "inspecting"),
    "installing": M("安装", "installing"), "killing": M("停用标签", "killing"), "loading": M("装载", "loading"),
    "other": M("其他", "other"), "packing": M("装箱", "packing"), "picking": M("拣货", "picking"),
    "receiving": M("收货/入仓", "receiving"), "removing": M("移除", "removing"), "repackaging": M("重新包装", "repackaging"),
    "repairing": M("维修", "repairing"), "replacing": M("更换", "replacing"), "reserving": M("预留", "reserving"),
    "retail_selling": M("零售", "retail selling"), "sampling": M("抽样", "sampling"),
    "sensor_reporting": M("传感器上报", "sensor reporting"), "shipping": M("发货", "shipping"),
    "staging_outbound": M("待发区备货", "staging outbound"), "stock_taking": M("盘点", "stock taking"),
    "stocking": M("上架", "stocking"), "storing": M("仓储", "storing"), "transporting": M("运输", "transporting"),
    "unloading": M("卸载", "unloading"), "unpacking": M("拆箱", "unpacking"), "void_shipping": M("取消发货", "void shipping"),
    # ChainAtlas's own steps for customs milestones (CBV has none): declared and released
    "urn:chainatlas:bizstep:declaring": M("报关申报", "declaring"),
    "urn:chainatlas:bizstep:releasing": M("海关放行", "releasing"),
}

DISPOSITIONS: dict[str, Message] = {
    "active": M("在用", "active"), "available": M("可用", "available"),
    "completeness_inferred": M("完整性推定", "completeness inferred"),
    "completeness_verified": M("完整性已核", "completeness verified"), "conformant": M("合格", "conformant"),
    "container_closed": M("箱已封闭", "container closed"), "container_open": M("箱已开启", "container open"),
    "damaged": M("损坏", "damaged"), "destroyed": M("已销毁", "destroyed"), "dispensed": M("已分装", "dispensed"),
    "disposed": M("已处置", "disposed"), "encoded": M("已写码", "encoded"), "expired": M("已过期", "expired"),
    "in_progress": M("处理中", "in progress"), "in_transit": M("在途", "in transit"), "inactive": M("停用", "inactive"),
    "mismatch_class": M("品类不符", "mismatch (class)"), "mismatch_instance": M("实例不符", "mismatch (instance)"),
    "mismatch_quantity": M("数量不符", "mismatch (quantity)"), "needs_replacement": M("需更换", "needs replacement"),
    "no_pedigree_match": M("来源不符", "no pedigree match"), "non_conformant": M("不合格", "non-conformant"),
    "non_sellable_other": M("不可销售", "non-sellable (other)"), "partially_dispensed": M("部分分装", "partially dispensed"),
    "recalled": M("已召回", "recalled"), "reserved": M("已预留", "reserved"), "retail_sold": M("已零售", "retail sold"),
    "returned": M("已退回", "returned"), "sellable_accessible": M("可售可取", "sellable, accessible"),
    "sellable_not_accessible": M("可售不可取", "sellable, not accessible"), "stolen": M("被盗", "stolen"),
    "unavailable": M("不可用", "unavailable"), "unknown": M("未知", "unknown"),
}

EVENT_TYPES: dict[str, Message] = {
    "ObjectEvent": M("对象事件", "Object event"), "AggregationEvent": M("聚合事件", "Aggregation event"),
    "TransactionEvent": M("交易事件", "Transaction event"), "TransformationEvent": M("转换事件", "Transformation event"),
    "AssociationEvent": M("关联事件", "Association event"),
}

EVENT_ACTIONS: dict[str, Message] = {"ADD": M("添加", "add"), "OBSERVE": M("观察", "observe"), "DELETE": M("删除", "delete")}

UNITS: dict[str, Message] = {
    "CEL": M("摄氏度", "°C"), "KGM": M("千克", "kg"), "MTK": M("平方米", "m²"), "MTQ": M("立方米", "m³"),
    "MTR": M("米", "m"), "MSK": M("米每二次方秒", "m/s²"), "P1": M("百分比", "%"), "HUR": M("小时", "h"),
    "DAY": M("天", "day"), "WEE": M("周", "week"), "H87": M("件", "piece"), "KWH": M("千瓦时", "kWh"),
}

TRANSPORT_MODES: dict[str, Message] = {
    "air": M("空运", "air"), "sea": M("海运", "sea"), "rail": M("铁路", "rail"), "road": M("公路", "road"),
    "multimodal": M("多式联运", "multimodal"),
}

CLEARANCE_CHANNELS: dict[str, Message] = {"green": M("直接放行", "released without inspection"),
                                          "inspected": M("查验后放行", "inspected")}

ALERT_KINDS: dict[str, Message] = {
    "excursion": M("温度超限", "temperature excursion"), "shock": M("冲击超限", "shock"),
    "dwell": M("滞留超时", "dwell too long"), "late": M("晚于计划到达", "late"),
}

ALERT_STATUSES: dict[str, Message] = {"open": M("待处理", "open"), "acknowledged": M("已确认", "acknowledged"),
                                      "resolved": M("已处理", "resolved")}

ROLES: dict[str, Message] = {
    "admin": M("管理员", "administrator"), "analyst": M("分析员", "analyst"), "department": M("部门用户", "department"),
    "enterprise": M("企业用户", "enterprise"), "public": M("未登录", "public"),
}

DEPARTMENTS: dict[str, Message] = {
    "customs": M("海关", "customs"), "port": M("口岸", "port"), "transport": M("交通运输", "transport"),
    "tax": M("税务", "tax"), "market_supervision": M("市场监管", "market supervision"),
    "industry": M("工业和信息化", "industry and IT"), "hrss": M("人力资源和社会保障", "human resources and social security"),
    "finance": M("财政", "finance"), "science": M("科学技术", "science and technology"),
}

PURPOSES: dict[str, Message] = {
    "chain_analysis": M("产业链分析", "chain analysis"), "investment_attraction": M("招商引资", "investment attraction"),
    "policy_matching": M("惠企政策兑现", "policy benefits"), "risk_monitoring": M("供应链风险监测", "supply-chain risk monitoring"),
    "statistics": M("统计分析", "statistics"), "trade_service": M("外贸服务", "trade services"),
}

DATA_LEVELS: dict[str, Message] = {"general": M("一般数据", "general"), "important": M("重要数据", "important"),
                                   "core": M("核心数据", "core")}

GRANT_STATUSES: dict[str, Message] = {
    "requested": M("待审批", "requested"), "approved": M("已批准", "approved"), "rejected": M("已驳回", "rejected"),
    "revoked": M("已撤销", "revoked"), "expired": M("已过期", "expired"),
}

AUDIT_OUTCOMES: dict[str, Message] = {
    "ok": M("成功", "ok"), "denied": M("拒绝（角色无权）", "denied (role)"),
    "denied-no-grant": M("拒绝（无授权）", "denied (no grant)"),
    "denied-outside-grant": M("拒绝（超出授权范围）", "denied (outside the grant)"),
    "denied-csrf": M("拒绝（表单校验失败）", "denied (CSRF check)"), "error": M("出错", "error"), "failed": M("失败", "failed"),
}  # and error-<HTTP status>, named by message()

HTTP_METHODS: dict[str, Message] = {"GET": M("查看", "view"), "POST": M("提交", "submit"), "PUT": M("修改", "update"),
                                    "PATCH": M("修改", "update"), "DELETE": M("删除", "delete")}

LINK_STATUSES: dict[str, Message] = {"strong": M("强", "strong"), "medium": M("较强", "medium"), "weak": M("弱", "weak"),
                                     "missing": M("缺", "missing")}

STAGES: dict[str, Message] = {"upstream": M("上游", "upstream"), "midstream": M("中游", "midstream"),
                              "downstream": M("下游", "downstream")}

EVIDENCE: dict[str, Message] = {
    "declared": M("企业自报", "declared"), "analyst": M("分析员确认", "analyst"),
    "industry_code": M("按行业代码推断", "industry code"), "product_keyword": M("按产品关键词推断", "product keyword"),
    "tax_code": M("按税收分类编码推断", "tax classification code"), "supply_link": M("按供应关系推断", "supply link"),
}

ENTERPRISE_FLAGS: dict[str, Message] = {
    "is_above_scale": M("规上", "above designated size"), "is_high_tech": M("高新技术企业", "high-tech enterprise"),
    "is_srdi": M("专精特新", "specialised SME (SRDI)"), "is_little_giant": M("小巨人", "little giant"),
    "is_chain_leader": M("链主", "chain leader"), "is_listed": M("上市", "listed"),
}

# what a route touches, for the audit log, beyond the catalogue's datasets (governance.catalogue.DATASETS)
WORK_RECORDS: dict[str, Message] = {
    "epcis_events": M("外贸物流事件（EPCIS）", "trade events (EPCIS)"), "grants": M("数据授权", "data grants"),
    "jobs": M("后台任务", "background jobs"), "scenarios": M("断供情景", "disruption scenarios"),
    "trade_alerts": M("外贸预警", "trade alerts"), "attraction_projects": M("招商项目", "attraction projects"),
    "indicators": M("城市指标与目标", "city indicators and targets"),
    "collab": M("技术需求与揭榜挂帅", "technology demands and open calls"), "internships": M("实习记录", "internships"),
    "consolidation": M("拼单需求与运力报价", "shipment requests and capacity offers"),
    "warehouses": M("公共海外仓出入库", "overseas warehouse stock and movements"),
    "digital": M("数字化自评与方案订阅", "digital self-assessments and subscriptions"),
    "maintenance": M("共享运维设备与工单", "shared O&M equipment and tickets"),
}

# official statistics the exchange spec takes (table official_statistics); their units and targets are in the
# indicator registry (src/chainatlas/indicators/indicators.yaml)
OFFICIAL_STATISTICS: dict[str, Message] = {
    "airport_cargo_tonnes": M("机场货邮吞吐量", "airport cargo and mail throughput"),
    "cbec_turnover_yuan": M("跨境电商交易额", "cross-border e-commerce turnover"),
    "gdp_yuan": M("地区生产总值", "gross regional product"),
}

ATTRACTION_STAGES: dict[str, Message] = {  # 招商跟踪, in order; dropped ends a project at any open stage
    "lead": M("线索", "lead"), "contact": M("接洽", "contact"), "visit": M("考察", "visit"),
    "negotiate": M("洽谈", "negotiation"), "signed": M("签约", "signed"), "landed": M("落地", "landed"),
    "dropped": M("终止", "dropped"),
}

COLLAB_STATES: dict[str, Message] = {  # 揭榜挂帅, in order; rejected and withdrawn end a demand
    "draft": M("征集", "draft"), "review": M("论证", "under review"), "published": M("发榜", "published"),
    "bidding": M("揭榜", "bidding"), "selection": M("遴选", "selection"), "contracted": M("签约", "contracted"),
    "implementing": M("实施", "implementing"), "accepted": M("验收", "accepted"), "paid": M("兑付", "paid"),
    "rejected": M("论证未通过", "rejected"), "withdrawn": M("撤榜", "withdrawn"),
}
COLLAB_VISIBILITY: dict[str, Message] = {"public": M("公开", "public"), "selected": M("定向（受邀院所）", "invited institutes"),
                                         "bureau": M("仅主管部门", "bureau only")}
BID_STATES: dict[str, Message] = {"submitted": M("已揭榜", "submitted"), "shortlisted": M("入围", "shortlisted"),
                                  "chosen": M("选定", "chosen"), "declined": M("未入选", "declined"),
                                  "withdrawn": M("已撤回", "withdrawn")}
INTERN_EVALUATIONS: dict[str, Message] = {"excellent": M("优秀", "excellent"), "good": M("良好", "good"),
                                          "pass": M("合格", "pass"), "fail": M("不合格", "fail")}

POLICY_STEPS: dict[str, Message] = {"screen": M("政策筛查", "policy screening"), "approved": M("政策核准", "policy approved"),
                                    "rejected": M("政策驳回", "policy rejected")}

RULE_STATUSES: dict[str, Message] = {"met": M("符合", "met"), "unmet": M("不符合", "unmet"), "unknown": M("待补充", "unknown")}

KINDS: dict[str, dict[str, Message]] = {
    "biz_step": BIZ_STEPS, "disposition": DISPOSITIONS, "event_type": EVENT_TYPES, "event_action": EVENT_ACTIONS,
    "unit": UNITS, "mode": TRANSPORT_MODES, "channel": CLEARANCE_CHANNELS, "alert_kind": ALERT_KINDS,
    "alert_status": ALERT_STATUSES, "role": ROLES, "department": DEPARTMENTS, "purpose": PURPOSES,
    "level": DATA_LEVELS, "grant_status": GRANT_STATUSES, "outcome": AUDIT_OUTCOMES, "method": HTTP_METHODS,
    "link_status": LINK_STATUSES, "stage": STAGES, "rule_status": RULE_STATUSES, "evidence": EVIDENCE,
    "policy_step": POLICY_STEPS, "flag": ENTERPRISE_FLAGS, "attraction_stage": ATTRACTION_STAGES,
    "official_statistic": OFFICIAL_STATISTICS, "collab_state": COLLAB_STATES, "visibility": COLLAB_VISIBILITY,
    "bid_state": BID_STATES, "intern_evaluation": INTERN_EVALUATIONS,
}
_CBV = {"biz_step": "urn:epcglobal:cbv:bizstep:", "disposition": "urn:epcglobal:cbv:disp:"}
_WEB = {"biz_step": "https://ref.gs1.org/cbv/BizStep-", "disposition": "https://ref.gs1.org/cbv/Disp-"}


def bare(kind: str, code: str) -> str:
    """A CBV code without its URN or web-URI prefix (``urn:epcglobal:cbv:bizstep:departing`` → ``departing``)."""
    for prefix in (_CBV.get(kind), _WEB.get(kind)):
        if prefix and code.startswith(prefix):
            return code[len(prefix):]
    return code


def message(kind: str, code: str) -> Message | None:
    """The names of ``code`` in vocabulary ``kind``, or None when the code is not in it."""
    if kind == "outcome" and code.startswith("error-") and code[6:].isdigit():  # a request answered with an error
        return M(f"出错（HTTP {code[6:]}）", f"error (HTTP {code[6:]})")
    return KINDS[kind].get(bare(kind, code))


def label(kind: str, code: str | None, lang: str = "zh") -> str:
    """``code``'s name in ``lang``; an unknown code is shown as it is."""
    if code is None:
        return ""
    m = message(kind, code)
    return m.text(lang) if m else code


def names(kind: str, lang: str = "zh") -> dict[str, str]:
    """The whole vocabulary ``kind`` as code → name in ``lang`` (for exports and pickers)."""
    return {k: m.text(lang) for k, m in KINDS[kind].items()}

# 货代拼单 (issue #18): the equipment of chainatlas/consolidation/equipment.yaml (a test keeps the two equal)
EQUIPMENT: dict[str, Message] = {
    "20GP": M("20英尺普通箱", "20' general purpose"), "40GP": M("40英尺普通箱", "40' general purpose"),
    "40HQ": M("40英尺高箱", "40' high cube"), "20RF": M("20英尺冷藏箱", "20' reefer"), "40RH": M("40英尺高冷藏箱", "40' high-cube reefer"),
    "LD3": M("LD3 集装箱（AKE）", "LD3 container (AKE)"), "LD7": M("LD7 集装板（P1P）", "LD7 pallet (P1P)"),
    "PMC": M("PMC 集装板（P6P）", "PMC pallet (P6P)"),
}
# UN dangerous-goods classes and divisions (UN Model Regulations, part 2)
DG_CLASSES = ("1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "3", "4.1", "4.2", "4.3", "5.1", "5.2",
              "6.1", "6.2", "7", "8", "9")

# 智改数转 (issue #20): the scenarios a solution offer serves (solution_offers.scenario) and the questionnaire items
# that point to them (chainatlas/digital/maturity_2024.yaml). compute and model are 算力 / 大模型 services: their
# payments count toward the compute and model vouchers, the others toward the lightweight-transformation subsidy.
DIGITAL_SCENARIOS: dict[str, Message] = {
    "equipment_iot": M("设备联网与数据采集", "equipment networking and data collection"),
    "mes_lite": M("轻量化 MES（计划排产与报工）", "MES-lite (planning, scheduling, reporting)"),
    "quality_inspection": M("质量检测与追溯", "quality inspection and traceability"),
    "ai_inspection": M("AI 视觉质检", "AI visual inspection"),
    "energy": M("能耗管理", "energy management"),
    "warehousing": M("仓储物流（WMS）", "warehousing (WMS)"),
    "erp_finance": M("ERP 与财务", "ERP and finance"),
    "crm": M("营销与客户服务（CRM）", "sales and customer service (CRM)"),
    "rd_design": M("研发设计（CAD/PDM）", "R&D and design (CAD/PDM)"),
    "hr": M("人力资源", "human resources"),
    "security": M("网络与数据安全", "network and data security"),
    "compute": M("算力服务", "compute services"),
    "model": M("大模型服务", "AI model services"),
}
SOFTWARE_UNITS: dict[str, Message] = {
    "seat": M("每用户", "per seat"), "device": M("每设备", "per device"), "site": M("每工厂", "per site"),
}
# 中小企业数字化水平等级 (工信厅企业〔2022〕32号 notice text; kept by the 2024 edition, 工信厅企业〔2024〕56号)
DIGITAL_LEVELS: dict[str, Message] = {
    "0": M("未达一级（<20分）", "below level 1 (< 20 points)"),
    "1": M("一级（20–40分）：基础业务流程梳理、数据规范化管理、信息技术简单应用",
           "level 1 (20–40): processes mapped, data kept in order, simple use of IT"),
    "2": M("二级（40–60分）：单一业务数字化管理", "level 2 (40–60): single business functions managed digitally"),
    "3": M("三级（60–80分）：全部主营业务数字化管控", "level 3 (60–80): all main business managed digitally"),
    "4": M("四级（80分以上）：数据驱动的业务协同与智能决策", "level 4 (80 and above): data-driven coordination and decisions"),
}
KINDS |= {"digital_scenario": DIGITAL_SCENARIOS, "software_unit": SOFTWARE_UNITS, "digital_level": DIGITAL_LEVELS}

# 共享运维 (issue #20 part 3): equipment types, how a firm holds a machine, ticket priorities and states
EQUIPMENT_TYPES: dict[str, Message] = {
    "cnc": M("数控机床", "CNC machine tool"), "robot": M("工业机器人", "industrial robot"),
    "plc": M("PLC 控制柜", "PLC cabinet"), "compressor": M("空压机", "air compressor"),
    "furnace": M("工业炉窑", "industrial furnace"), "injection": M("注塑机", "injection moulding machine"),
    "gateway": M("工业网关", "industrial gateway"), "sensor": M("传感器组", "sensor set"),
    "vision": M("视觉检测设备", "machine-vision station"), "agv": M("AGV 搬运车", "AGV"),
    "server": M("边缘服务器", "edge server"), "other": M("其他", "other"),
}
EQUIPMENT_TENURE: dict[str, Message] = {"owned": M("自有", "owned"), "leased": M("租赁", "leased")}
TICKET_PRIORITIES: dict[str, Message] = {
    "P1": M("P1 紧急：产线停机", "P1 critical: line stopped"),
    "P2": M("P2 高：产能受损", "P2 high: output impaired"),
    "P3": M("P3 中：可带病运行", "P3 medium: runs with a fault"),
    "P4": M("P4 低：咨询或预防性", "P4 low: question or preventive"),
}
TICKET_STATES: dict[str, Message] = {
    "open": M("待派单", "open"), "assigned": M("已派单", "assigned"), "on_site": M("已到场", "on site"),
    "resolved": M("已修复待确认", "resolved"), "confirmed": M("已确认关闭", "confirmed"),
    "cancelled": M("已撤销", "cancelled"),
}
KINDS |= {"equipment_type": EQUIPMENT_TYPES, "equipment_tenure": EQUIPMENT_TENURE, "ticket_priority": TICKET_PRIORITIES,
          "ticket_state": TICKET_STATES}
