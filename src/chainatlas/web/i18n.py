"""UI strings, Chinese by default with English (``?lang=en``, remembered in a cookie), and the one table through
which the pages name the product's codes (:func:`code_labels`): the fixed vocabularies of
:mod:`chainatlas.vocabulary` joined with what is declared elsewhere (chains and segments in the chain templates, tiers
and policies in the rule files, datasets in the catalogue, tables in the exchange spec)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from fastapi import Request

from chainatlas import vocabulary
from chainatlas.messages import Message

STRINGS: dict[str, Message] = {
    "first_100": Message("仅显示前100家，完整名单请导出 CSV/XLSX；共", "First 100 shown; export CSV/XLSX for all. Total:"),
    "prefilled_application": Message("下载预填申请表（快申快享）", "Pre-filled application (XLSX)"),
    "month": Message("月份", "Month"),
    "clearance_trend": Message("通关时间逐月走势（放行月份，对照目标）", "Clearance time by month of release, against the target"),
    "eligibility": Message("条件", "Eligibility"),
    "benefit": Message("兑现标准", "Benefit"),
    "scored": Message("已计分", "Scored"),
    "tiers_page": Message("梯度培育", "Enterprise tiers"),
    "tiers_by_chain": Message("按产业链", "By chain"),
    "tiers_by_district": Message("按区县", "By district"),
    "try_sandbox": Message("试算", "Compare"),
    "benefit_amount": Message("金额（元）", "Amount (yuan)"),
    "tiers_intro": Message("按评估日期适用的认定标准（2022年标准至2026-03-31，2026年办法自2026-04-01起），逐项给出符合/不符合/待补充。", "Each enterprise against the standard in force on the evaluation date (2022 standard to 2026-03-31, 2026 measures from 2026-04-01): met, unmet or unknown per criterion."),
    "eval_date": Message("评估日期", "Evaluation date"),
    "apply": Message("应用", "Apply"),
    "rule_set": Message("规则集", "Rule set"),
    "reference": Message("依据", "Reference"),
    "met": Message("符合", "Met"),
    "unmet": Message("不符合", "Unmet"),
    "unknown": Message("待补充", "Unknown"),
    "held": Message("已认定", "Designated"),
    "example": Message("示例", "Example"),
    "pool": Message("培育库", "Cultivation pool"),
    "pool_def": Message("尚未符合（也未认定）、但只差1–2项条件的企业。", "Firms neither meeting nor holding the tier but within 1–2 unmet criteria of it."),
    "enterprise": Message("企业", "Enterprise"),
    "short": Message("差几项", "Criteria short"),
    "tier_card": Message("梯度培育卡", "Tier card"),
    "my_policies": Message("我的政策", "My policies"),
    "what_is_missing": Message("差什么", "What is missing"),
    "criterion": Message("条件", "Criterion"),
    "threshold": Message("标准", "Threshold"),
    "gap": Message("差距", "Gap"),
    "to_provide": Message("需补充", "To provide"),
    "points": Message("分", "points"),
    "policies": Message("惠企政策", "Policies"),
    "policies_intro": Message("免申即享：数据筛查候选名单 → 发文部门确认 → 发放台账；数据不全的企业进入快申快享名单。示例政策均标注“示例”。", "Without application: data screen candidates → the issuing department confirms → ledger; firms with missing data go to the fast-track list. Example policies are labelled."),
    "policy": Message("政策", "Policy"),
    "department": Message("发文部门", "Department"),
    "validity": Message("有效期", "Validity"),
    "budget": Message("预算（元）", "Budget (yuan)"),
    "granted": Message("已发放（元）", "Granted (yuan)"),
    "not_in_force": Message("不在有效期", "not in force"),
    "remaining": Message("剩余（元）", "Remaining (yuan)"),
    "screen_now": Message("筛查全市企业", "Screen all firms"),
    "screening": Message("筛查", "Screening"),
    "candidates": Message("候选名单", "Candidates"),
    "candidate": Message("候选", "Candidate"),
    "fast_track": Message("快申快享", "Fast track"),
    "yuan": Message("元", "yuan"),
    "decision": Message("确认结果", "Decision"),
    "pending": Message("待确认", "Pending"),
    "approved": Message("已核准", "Approved"),
    "rejected": Message("已驳回", "Rejected"),
    "sandbox": Message("政策沙盘", "Policy sandbox"),
    "sandbox_intro": Message("修改参数或门槛，比较修改前后符合条件的企业数和所需资金。", "Change a parameter or threshold; compare firms qualifying and the budget needed, before and after."),
    "qualified": Message("符合", "Qualified"),
    "almost": Message("差一项", "Almost"),
    "budget_needed": Message("所需资金（元）", "Budget needed (yuan)"),
    "within_budget": Message("预算内", "Within budget"),
    "before": Message("修改前", "Before"),
    "after": Message("修改后", "After"),
    "no": Message("否", "No"),
    "ledger": Message("发放台账", "Ledger"),
    "year": Message("年度", "Year"),
    "granted_by": Message("核准人", "Granted by"),
    "why": Message("原因", "Why"),
    "applications": Message("办理记录", "Applications"),
    "list": Message("名单", "List"),
    "exporter_site": Message("出口企业处", "at the exporter"),
    "trace": Message("追溯", "Trace"),
    "trace_intro": Message("经聚合（装托、装箱、装集装器）与转换事件追溯来源或去向", "Follow an object through aggregation and transformation events"),
    "trace_back": Message("向上追溯（来源）", "Back (where from)"),
    "trace_forward": Message("向下追踪（去向）", "Forward (where to)"),
    "relation": Message("关系", "Relation"),
    "nothing_found": Message("未找到关联对象", "Nothing linked"),
    "alert_inbox": Message("预警收件箱", "Alert inbox"),
    "open_alerts": Message("待处理预警", "Open alerts"),
    "alert_kind": Message("类型", "Kind"),
    "alert_excursion": Message("温度超限", "Temperature excursion"),
    "alert_dwell": Message("滞留超时", "Dwell too long"),
    "alert_late": Message("运输延误", "Late"),
    "alert_shock": Message("冲击超限", "Shock"),
    "shock": Message("最大冲击", "Max shock"),
    "shocks": Message("冲击超限（>10 g）", "Shocks (> 10 g)"),
    "temperature_range": Message("温度范围", "Temperature range"),
    "detail": Message("详情", "Detail"),
    "acknowledge": Message("确认", "Acknowledge"),
    "resolve": Message("办结", "Resolve"),
    "alert_note": Message("处理说明", "Note"),
    "trade": Message("外贸供应链", "Foreign trade"),
    "trade_intro": Message("出口货物的 EPCIS 事件：里程碑、通关时间、冷链温度（示例数据）。", "Export consignments from their EPCIS events: milestones, clearance time, cold-chain temperatures (demo data)."),
    "consignments": Message("运单", "Consignments"),
    "consignment": Message("运单号", "Consignment"),
    "excursions": Message("冷链温度超限", "Cold-chain excursions"),
    "clearance_time": Message("通关时间（到港→放行）", "Clearance time (arrival → release)"),
    "clearance_def": Message("按世界海关组织放行时间研究方法（2018 第 3 版）", "WCO Time Release Study method (guide v3, 2018)"),
    "target": Message("目标", "Target"),
    "mode": Message("运输方式", "Mode"),
    "channel": Message("通道", "Channel"),
    "mean_h": Message("平均（小时）", "Mean (h)"),
    "median_h": Message("中位数（小时）", "Median (h)"),
    "outliers": Message("异常值", "Outliers"),
    "within_target": Message("达标比例", "Within target"),
    "route": Message("起运地 → 目的地", "From → to"),
    "exporter": Message("出口企业", "Exporter"),
    "release_h": Message("到港→放行（小时）", "Arrival → release (h)"),
    "temperature": Message("最高温度", "Max temperature"),
    "time": Message("时间（UTC）", "Time (UTC)"),
    "place": Message("地点", "Place"),
    "resilience": Message("供应链韧性", "Resilience"),
    "rei_ranking": Message("风险暴露指数排名", "Risk exposure index ranking"),
    "rei_intro": Message("按产业链计算每家企业停产后的损失（PI）、风险暴露指数（REI）与可支撑时间（TTS），方法见 Simchi-Levi 等 2015。采购额大不等于风险大。",
                  "Per chain: the loss if each firm stops (PI), the risk exposure index (REI) and time-to-survive (TTS), after Simchi-Levi et al. 2015. Spend is not risk."),
    "rei_method": Message("REI = PI ÷ 最大 PI；TTR > TTS 为关键节点", "REI = PI ÷ max PI; critical when TTR > TTS"),
    "rei_vs_spend": Message("REI 与采购额（对数轴）", "REI against spend (log axis)"),
    "compute": Message("开始计算", "Compute"),
    "recompute": Message("重新计算", "Run again"),
    "nodes": Message("节点数", "Nodes"),
    "critical_nodes": Message("关键节点（TTR > TTS）", "Critical nodes (TTR > TTS)"),
    "critical": Message("关键", "Critical"),
    "spend": Message("采购额（元）", "Spend (yuan)"),
    "yes": Message("是", "yes"),
    "scenario_builder": Message("断供情景推演", "Disruption scenario builder"),
    "scenario_name": Message("情景名称", "Scenario name"),
    "scenario_default_name": Message("新情景", "New scenario"),
    "disrupt": Message("断供对象（每行一个：企业代码、区划前缀、国家代码或环节）", "Disrupted (one per line: USCC, division prefix, country or segment)"),
    "weeks": Message("断供周数", "Weeks disrupted"),
    "week": Message("周", "week"),
    "stock_weeks": Message("库存（周）", "Stock (weeks)"),
    "recovery_weeks": Message("恢复期（周）", "Recovery (weeks)"),
    "run": Message("保存并推演", "Save and run"),
    "saved_scenarios": Message("已保存的情景", "Saved scenarios"),
    "lost_output": Message("产值损失（元）", "Lost output (yuan)"),
    "impacted_leaders": Message("受影响链主", "Leaders impacted"),
    "ran_at": Message("运行时间", "Ran at"),
    "compare": Message("对比所选情景", "Compare selected"),
    "compare_scenarios": Message("情景对比", "Scenarios side by side"),
    "stale_result": Message("数据已更新，此结果基于旧数据，请重新计算。", "The data changed since this result; run it again."),
    "unmatched": Message("未匹配的断供对象", "Not found"),
    "disrupted_firms": Message("断供企业", "Firms disrupted"),
    "impacted_local": Message("受影响本地企业", "Local firms impacted"),
    "first_impact_week": Message("首次受影响（第几周）", "First impact (week)"),
    "local_output_level": Message("本地产出水平（周）", "Local output level by week"),
    "by_leader": Message("各链主", "By chain leader"),
    "min_level": Message("最低产出水平", "Lowest level"),
    "weeks_impacted": Message("受影响周数", "Weeks impacted"),
    "lost_weeks": Message("相当于几周产值", "Weeks of output lost"),
    "scenario_by_chain": Message("各产业链（本地企业）", "By chain (local firms)"),
    "top_impacted": Message("受影响最大的本地企业", "Most impacted local firms"),
    "app": Message("ChainAtlas 产业链图谱平台", "ChainAtlas industrial-chain atlas"),
    "overview": Message("总览", "Overview"),
    "enterprises": Message("企业检索", "Enterprises"),
    "import": Message("数据导入", "Import"),
    "api": Message("接口文档", "API docs"),
    "demo_notice": Message("演示数据均为虚构示例（示例），不代表真实统计。", "Demo data are fictional (示例), not real statistics."),
    "total_enterprises": Message("企业总数", "Enterprises"),
    "local_enterprises": Message("本地企业", "Local enterprises"),
    "supply_links": Message("供应关系", "Supply links"),
    "by_chain": Message("各产业链企业数", "Enterprises by chain"),
    "by_district": Message("本地各区县企业数", "Local enterprises by district"),
    "tiers": Message("本地梯度企业", "Local enterprises by tier"),
    "chain": Message("产业链", "Chain"),
    "district": Message("区县", "District"),
    "count": Message("数量", "Count"),
    "local": Message("本地", "Local"),
    "above_scale": Message("规上", "Above scale"),
    "search": Message("搜索", "Search"),
    "name_or_uscc": Message("企业名称或统一社会信用代码", "Name or USCC"),
    "region_prefix": Message("区划代码前缀", "Division prefix"),
    "industry": Message("行业代码", "Industry"),
    "segment": Message("环节", "Segment"),
    "name": Message("企业名称", "Name"),
    "uscc": Message("统一社会信用代码", "USCC"),
    "region": Message("区划", "Region"),
    "revenue": Message("营业收入（元）", "Revenue (yuan)"),
    "employees": Message("从业人数", "Employees"),
    "flags": Message("标识", "Flags"),
    "export": Message("导出", "Export"),
    "results": Message("条结果", "results"),
    "attributes": Message("属性（来源与数据日期）", "Attributes (source and as-of)"),
    "attribute": Message("属性", "Attribute"),
    "value": Message("值", "Value"),
    "source": Message("来源", "Source"),
    "as_of": Message("数据日期", "As of"),
    "segments": Message("所属环节", "Segments"),
    "top_suppliers": Message("主要供应商", "Top suppliers"),
    "top_customers": Message("主要客户", "Top customers"),
    "period": Message("期间", "Period"),
    "amount": Message("金额（元）", "Value (yuan)"),
    "upload": Message("上传并校验", "Upload and validate"),
    "confirm": Message("确认导入", "Confirm import"),
    "files": Message("文件（CSV/XLSX/JSONL/Parquet，可多选）", "Files (CSV/XLSX/JSONL/Parquet, several allowed)"),
    "valid": Message("校验通过，尚未写入。确认后写入数据库。", "Valid; nothing written yet. Confirm to write."),
    "invalid": Message("校验未通过，未写入任何数据。", "Validation failed; nothing was written."),
    "imported": Message("已导入", "Imported"),
    "problems": Message("问题清单", "Problems"),
    "row": Message("行", "Row"),
    "column": Message("列", "Column"),
    "reason": Message("原因", "Reason"),
    "file": Message("文件", "File"),
    "stage": Message("上中下游", "Stage"),
    "evidence": Message("依据", "Evidence"),
    "local_yes": Message("本地", "local"),
    "not_found": Message("未找到", "Not found"),
    "template": Message("下载导入模板", "Download templates"),
    "prev": Message("上一页", "Previous"),
    "chains": Message("产业链图谱", "Chain atlas"),
    "login": Message("登录", "Sign in"),
    "exposure": Message("多级供应链暴露", "Multi-tier exposure"),
    "tier": Message("层级", "Tier"),
    "weight": Message("权重", "Weight"),
    "single_sources": Message("单一来源环节", "Single-source inputs"),
    "by_province": Message("按省份", "By province"),
    "by_country": Message("按国家", "By country"),
    "import_dependency": Message("进口依赖度", "Import dependency"),
    "suppliers": Message("供应商数", "Suppliers"),
    "grants": Message("数据授权", "Grants"),
    "request_grant": Message("申请授权", "Request a grant"),
    "dataset": Message("数据集", "Dataset"),
    "purpose": Message("用途", "Purpose"),
    "note": Message("说明", "Note"),
    "valid_to": Message("有效期至", "Valid until"),
    "grantee": Message("申请人", "Grantee"),
    "approve": Message("批准", "Approve"),
    "reject": Message("驳回", "Reject"),
    "revoke": Message("撤销", "Revoke"),
    "catalogue": Message("数据目录", "Data catalogue"),
    "owner": Message("所有方", "Owner"),
    "level": Message("分级", "Level"),
    "suppressed": Message("（<3家，不公开）", "(< 3 firms, hidden)"),
    "suppression_note": Message("未登录或无明细授权：涉及企业少于3家的金额不予显示", "Without row access, values resting on fewer than 3 enterprises are hidden"),
    "logout": Message("退出", "Sign out"),
    "username": Message("用户名", "User"),
    "password": Message("密码", "Password"),
    "audit": Message("审计日志", "Audit log"),
    "audit_ok": Message("审计链校验通过", "Audit chain verified"),
    "audit_broken": Message("审计链被篡改", "Audit chain broken at"),
    "panorama": Message("产业链全景", "Chain panorama"),
    "upstream": Message("上游", "Upstream"),
    "midstream": Message("中游", "Midstream"),
    "downstream": Message("下游", "Downstream"),
    "status": Message("状态", "Status"),
    "local_share": Message("本地配套率", "Local supporting rate"),
    "flows": Message("环节间流向（本地 / 外地）", "Flows between segments (local / non-local)"),
    "rate_trend": Message("全链本地配套率（各期）", "Chain supporting rate by period"),
    "leaders": Message("链主企业", "Chain leaders"),
    "targets": Message("补链招商清单", "Attraction targets"),
    "score": Message("综合得分", "Score"),
    "components": Message("得分构成", "Score components"),
    "supply_value": Message("已向本地链上企业供货（元）", "Already supplies local chain buyers (yuan)"),
    "local_buyers": Message("本地客户数", "Local buyers"),
    "meta": Message("期间 {period}，本地范围 {home}，数据日期 {as_of}", "Period {period}, home area {home}, as of {as_of}"),
    "sources": Message("来源", "Sources"),
    "numerator": Message("本地采购额（元）", "Bought locally (yuan)"),
    "denominator": Message("采购总额（元）", "Bought in all (yuan)"),
    "by_segment_rate": Message("按环节的本地配套率", "Supporting rate by segment"),
    "nonlocal_suppliers": Message("主要外地供应商", "Top non-local suppliers"),
    "confirm_placement": Message("确认", "Confirm"),
    "move_placement": Message("移至", "Move to"),
    "remove_placement": Message("移除", "Remove"),
    "legend": Message("强 ≥50% 本地配套且≥3家本地企业；较强 ≥25%；弱 其余；缺 无本地企业（见 docs/metrics.md）",
               "strong ≥ 50 % local and ≥ 3 local firms; medium ≥ 25 %; weak otherwise; missing: no local firm (docs/metrics.md)"),
    "next": Message("下一页", "Next"),
    "table": Message("数据表", "Table"),
    "rows": Message("行数", "Rows"),
    "role": Message("角色", "Role"),
    "action": Message("操作", "Action"),
    "outcome": Message("结果", "Outcome"),
    "pick_chain": Message("选择产业链", "Choose a chain"),
    "pick_segment": Message("（整条链）", "(whole chain)"),
    "pick_province": Message("省份", "Province"),
    "pick_city": Message("地市", "City"),
    "pick_county": Message("区县", "County"),
    "pick_country": Message("国家/地区（输入中文名）", "Country (type a name)"),
    "pick_enterprise": Message("企业名称或信用代码", "Enterprise name or USCC"),
    "pick_add": Message("添加", "Add"),
    "pick_set": Message("选用", "Use"),
    "pick_or_type": Message("用选择器添加，或每行直接输入一项（高级）", "Add with the pickers, or type one per line (advanced)"),
    "picked": Message("已选断供对象", "Chosen disruptions"),
    "chain_map": Message("产业链地图", "Chain map"),
    "map_measure": Message("指标", "Measure"),
    "map_enterprises": Message("链上本地企业数", "Local firms on the chain"),
    "map_purchases": Message("链上企业自该区县采购（元）", "Chain firms' purchases from the county (yuan)"),
    "map_suppliers": Message("该区县供应商数", "Suppliers in the county"),
    "map_rate": Message("该区县链上企业本地配套率", "Supporting rate of the county's chain firms"),
    "map_rate_buyers": Message("计算配套率的企业数", "Firms in the rate"),
    "map_def": Message("按企业注册地所在区县；定义见 docs/metrics.md（产业链地图）", "By the county of registration; definitions in docs/metrics.md (chain map)"),
    "map_note": Message("地图边界为简化示意，仅供平台内分析使用，对外发布须使用带审图号的标准地图。", "Boundaries are simplified, for analysis in the workbench only; a published map needs an approved base map (审图号)."),
    "map_link": Message("地图", "Map"),
    "country": Message("国家/地区", "Country"),
    "province": Message("省份", "Province"),
    "supplier_map": Message("供应商分布地图", "Supplier map"),
    "attraction": Message("招商跟踪", "Attraction follow-up"),
    "attraction_intro": Message("从精准招商清单开项目：指定招商人员，按 线索→接洽→考察→洽谈→签约→落地 记录进展（带日期、说明和附件名称）；过了跟进日期仍未结束的项目列为逾期。", "Open a project from the target list: assign an officer and record progress lead → contact → visit → negotiation → signed → landed, with dates, notes and document names; open projects past their follow-up date are overdue."),
    "officer": Message("招商人员", "Officer"),
    "all": Message("全部", "All"),
    "overdue": Message("逾期未跟进", "Overdue"),
    "due": Message("跟进日期", "Due"),
    "expected_investment": Message("预计投资", "Expected investment"),
    "ten_thousand_yuan": Message("万元", "×10⁴ yuan"),
    "expected_jobs": Message("预计就业", "Expected jobs"),
    "by_officer": Message("按招商人员", "By officer"),
    "from_targets": Message("来自招商清单", "From the target list"),
    "if_landed": Message("落地后（测算）", "If landed (what-if)"),
    "now": Message("现状", "Now"),
    "landing_region": Message("落地区县", "Landing county"),
    "timeline": Message("跟进记录", "Timeline"),
    "date": Message("日期", "Date"),
    "stage_change": Message("阶段", "Stage"),
    "attachments": Message("附件", "Documents"),
    "attachments_hint": Message("文件名，用分号分隔", "file names, separated by ;"),
    "by": Message("记录人", "By"),
    "record_progress": Message("记录进展", "Record progress"),
    "no_change": Message("（不变）", "(unchanged)"),
    "next_follow_up": Message("下次跟进", "Next follow-up"),
    "save": Message("保存", "Save"),
    "open_project": Message("开项目跟踪", "Follow up"),
    "current_tier": Message("当前梯度", "Current tier"),
    "next_tier": Message("下一梯度", "Next tier"),
    "none_yet": Message("尚未达到", "none yet"),
    "policies_qualified": Message("项政策符合条件", "policies qualified for"),
    "abroad": Message("境外", "abroad"),
    "destinations": Message("目的国家/地区", "Destinations by country"),
    "cockpit": Message("城市驾驶舱", "City cockpit"),
    "cockpit_note": Message("“十五五”目标与平台指标（示例数据均为虚构）；每5分钟自动刷新", "15th Five-Year Plan targets and the platform's indicators (demo data fictional); refreshes every 5 minutes"),
    "growth_needed": Message("需年均增长", "growth needed"),
    "per_year": Message("年", "year"),
    "projection": Message("趋势外推", "Projection"),
    "trend_growth": Message("历史年均增长", "trend growth"),
    "no_data": Message("暂无数据", "no data yet"),
    "chain_status": Message("产业链环节强弱", "Chain segments by status"),
    "source_links": Message("来源：供应关系", "source: supply links"),
    "unit": Message("单位", "Unit"),
    "trend": Message("走势", "Trend"),
    "reached": Message("已达到", "reached"),
    "owner_department": Message("责任部门", "Owner department"),
    "network": Message("货运网络", "Cargo network"),
    "network_intro": Message("由平台 EPCIS 事件生成的货运线路（起运地、目的地、运输方式）：票数、准点率（对照各方式计划在途时间）、在途、枢纽停留与通关时间中位数。", "Lanes (origin, destination, mode) from the platform's EPCIS events: shipments, on-time share against each mode's planned transit, medians of transit, hub dwell and clearance."),
    "by_month": Message("按月", "by month"),
    "by_week": Message("按周", "by week"),
    "by_all": Message("全部期间", "all periods"),
    "candidate_hub": Message("候选枢纽", "Candidate hub"),
    "candidate_would_carry": Message("可经由候选枢纽的票数", "shipments a candidate hub would gather"),
    "candidate_def": Message("复制“双枢纽”模式：目的地与候选枢纽同一国家的线路及其票数（枢纽可汇集的货量）。", "Replicating the dual hub: the lanes to destinations in the candidate hub's country, with their shipments."),
    "lanes": Message("线路", "Lanes"),
    "hub_outbound": Message("枢纽出港票数", "Shipments out of the hub"),
    "lane_map_note": Message("图上为郑州机场出发的航空线路（机场坐标来自 airportsdata）；铁路、海运线路见下表", "The map draws the air lanes from CGO (airport coordinates from airportsdata); rail and sea lanes are in the table"),
    "shipments": Message("票数", "Shipments"),
    "on_time": Message("准点率", "On time"),
    "transit_h": Message("在途中位（小时）", "Transit median (h)"),
    "hub_dwell_h": Message("枢纽停留中位（小时）", "Hub dwell median (h)"),
    "by_period_title": Message("按期间", "By period"),
    "growth": Message("环比增长", "Growth"),
    "clearance_median_h": Message("通关中位（小时）", "Clearance median (h)"),
    "monthly_report": Message("月报（XLSX）", "Monthly report (XLSX)"),
    "gross_weight_t": Message("毛重（吨）", "Gross weight (t)"),
    "declared_value_wan": Message("申报货值（万元）", "Declared value (10⁴ yuan)"),
    "actual": Message("实际", "Actual"),
}


def language(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in ("zh", "en") else "zh"


def translator(lang: str):  # type: ignore[no-untyped-def]
    def t(key: str) -> str:
        entry = STRINGS.get(key)
        return entry.text(lang) if entry else key

    return t


@cache
def code_labels() -> dict[str, dict[str, Message]]:
    """Every kind of code the pages show, code → names: the fixed vocabularies and the declared ones."""
    from chainatlas.chains.templates import load_chains
    from chainatlas.exchange.spec import TABLES
    from chainatlas.governance.catalogue import DATASETS
    from chainatlas.rules import policies, tiers

    chains = load_chains()
    return {**vocabulary.KINDS,
            "chain": {c.id: Message(c.name_zh, c.name_en) for c in chains},
            "segment": {c.full_code(s.code): Message(s.name_zh, s.name_en) for c in chains for s in c.segments},
            "tier": {k: Message(zh, en) for k, (zh, en) in tiers.TIERS.items()},
            "policy": {k: Message(p.rule_set.label_zh, p.rule_set.label_en) for k, p in policies.policies().items()},
            "dataset": {**vocabulary.WORK_RECORDS, **{k: Message(d.name_zh, d.name_en) for k, d in DATASETS.items()}},
            "table": {k: Message(t.zh, k.replace("_", " ")) for k, t in TABLES.items()}}


def code_label(kind: str, code: str | None, lang: str = "zh") -> str:
    """The name of ``code`` (of ``kind``) in ``lang``; an unknown code is shown as it is. A comma-separated list of
    codes (e.g. an enterprise's chains) is named item by item."""
    if code is None or code == "":
        return ""
    if "→" in code:  # a leg between two steps, e.g. departing→arriving
        return "→".join(code_label(kind, c, lang) for c in code.split("→"))
    if "," in code:
        return ("、" if lang == "zh" else ", ").join(code_label(kind, c.strip(), lang) for c in code.split(","))
    m = vocabulary.message(kind, code) if kind in vocabulary.KINDS else code_labels()[kind].get(code)
    return m.text(lang) if m else code


def template_helpers(lang: str) -> dict[str, Callable[..., Any]]:
    """What the templates translate with, in the page's language: ``t(key)`` a UI string, ``L(kind, code)`` a code's
    name, ``named(text)`` a threshold with its codes named, ``action_of(action)`` an audit action in words,
    ``names_of(kind)`` a whole vocabulary (for charts drawn in the browser)."""
    return {"t": translator(lang), "L": lambda kind, code: code_label(kind, code, lang),
            "named": lambda text: name_codes(text, lang), "action_of": lambda action: audit_action(action, lang),
            "names_of": lambda kind: {k: code_label(kind, k, lang) for k in code_labels()[kind]}}


_CODE_TOKEN = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)?")
_NAMED_IN_TEXT = ("segment", "chain", "tier")


def name_codes(text: object, lang: str = "zh") -> str:
    """A rule's threshold or list (e.g. ``nev / electronics``) with the chain, segment and tier codes in it named.

    >>> name_codes("含 nev / biomed", "zh")
    '含 新能源汽车 / 生物医药'
    """
    if text is None:
        return ""
    labels = code_labels()

    def one(m: re.Match[str]) -> str:
        for kind in _NAMED_IN_TEXT:
            if m.group(0) in labels[kind]:
                return labels[kind][m.group(0)].text(lang)
        return m.group(0)

    return _CODE_TOKEN.sub(one, str(text))


def audit_action(action: str, lang: str = "zh") -> tuple[str, str]:
    """An audit record's action as (what was done, in words; the technical object: path, command or policy).

    >>> audit_action("GET /trade"), audit_action("policy approved internship")[0]
    (('查看', '/trade'), '政策核准：企业接收实习生补贴（满6个月，示例政策）')
    """
    verb, _, rest = action.partition(" ")
    if verb in vocabulary.HTTP_METHODS:
        return vocabulary.label("method", verb, lang), rest
    if verb == "policy":
        step, _, policy_id = rest.partition(" ")
        what = vocabulary.label("policy_step", step, lang)
        return f"{what}：{code_label('policy', policy_id, lang)}" if lang == "zh" else \
            f"{what}: {code_label('policy', policy_id, lang)}", ""
    if verb == "chainatlas":
        return ("命令行" if lang == "zh" else "command line"), action
    return action, ""
