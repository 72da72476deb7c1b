"""UI strings, Chinese by default with English (``?lang=en``, remembered in a cookie)."""

from __future__ import annotations

from fastapi import Request

STRINGS: dict[str, dict[str, str]] = {
    "app": {"zh": "ChainAtlas 产业链图谱平台", "en": "ChainAtlas industrial-chain atlas"},
    "overview": {"zh": "总览", "en": "Overview"},
    "enterprises": {"zh": "企业检索", "en": "Enterprises"},
    "import": {"zh": "数据导入", "en": "Import"},
    "api": {"zh": "接口文档", "en": "API docs"},
    "demo_notice": {"zh": "演示数据均为虚构示例（示例），不代表真实统计。", "en": "Demo data are fictional (示例), not real statistics."},
    "total_enterprises": {"zh": "企业总数", "en": "Enterprises"},
    "local_enterprises": {"zh": "本地企业", "en": "Local enterprises"},
    "supply_links": {"zh": "供应关系", "en": "Supply links"},
    "by_chain": {"zh": "各产业链企业数", "en": "Enterprises by chain"},
    "by_district": {"zh": "本地各区县企业数", "en": "Local enterprises by district"},
    "tiers": {"zh": "本地梯度企业", "en": "Local enterprises by tier"},
    "chain": {"zh": "产业链", "en": "Chain"},
    "district": {"zh": "区县", "en": "District"},
    "count": {"zh": "数量", "en": "Count"},
    "local": {"zh": "本地", "en": "Local"},
    "above_scale": {"zh": "规上", "en": "Above scale"},
    "search": {"zh": "搜索", "en": "Search"},
    "name_or_uscc": {"zh": "企业名称或统一社会信用代码", "en": "Name or USCC"},
    "region_prefix": {"zh": "区划代码前缀", "en": "Division prefix"},
    "industry": {"zh": "行业代码", "en": "Industry"},
    "segment": {"zh": "环节", "en": "Segment"},
    "name": {"zh": "企业名称", "en": "Name"},
    "uscc": {"zh": "统一社会信用代码", "en": "USCC"},
    "region": {"zh": "区划", "en": "Region"},
    "revenue": {"zh": "营业收入（元）", "en": "Revenue (yuan)"},
    "employees": {"zh": "从业人数", "en": "Employees"},
    "flags": {"zh": "标识", "en": "Flags"},
    "export": {"zh": "导出", "en": "Export"},
    "results": {"zh": "条结果", "en": "results"},
    "attributes": {"zh": "属性（来源与数据日期）", "en": "Attributes (source and as-of)"},
    "attribute": {"zh": "属性", "en": "Attribute"},
    "value": {"zh": "值", "en": "Value"},
    "source": {"zh": "来源", "en": "Source"},
    "as_of": {"zh": "数据日期", "en": "As of"},
    "segments": {"zh": "所属环节", "en": "Segments"},
    "top_suppliers": {"zh": "主要供应商", "en": "Top suppliers"},
    "top_customers": {"zh": "主要客户", "en": "Top customers"},
    "period": {"zh": "期间", "en": "Period"},
    "amount": {"zh": "金额（元）", "en": "Value (yuan)"},
    "upload": {"zh": "上传并校验", "en": "Upload and validate"},
    "confirm": {"zh": "确认导入", "en": "Confirm import"},
    "files": {"zh": "文件（CSV/XLSX/JSONL/Parquet，可多选）", "en": "Files (CSV/XLSX/JSONL/Parquet, several allowed)"},
    "valid": {"zh": "校验通过，尚未写入。确认后写入数据库。", "en": "Valid; nothing written yet. Confirm to write."},
    "invalid": {"zh": "校验未通过，未写入任何数据。", "en": "Validation failed; nothing was written."},
    "imported": {"zh": "已导入", "en": "Imported"},
    "problems": {"zh": "问题清单", "en": "Problems"},
    "row": {"zh": "行", "en": "Row"},
    "column": {"zh": "列", "en": "Column"},
    "reason": {"zh": "原因", "en": "Reason"},
    "file": {"zh": "文件", "en": "File"},
    "stage": {"zh": "上中下游", "en": "Stage"},
    "evidence": {"zh": "依据", "en": "Evidence"},
    "local_yes": {"zh": "本地", "en": "local"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "template": {"zh": "下载导入模板", "en": "Download templates"},
    "prev": {"zh": "上一页", "en": "Previous"},
    "chains": {"zh": "产业链图谱", "en": "Chain atlas"},
    "panorama": {"zh": "产业链全景", "en": "Chain panorama"},
    "upstream": {"zh": "上游", "en": "Upstream"},
    "midstream": {"zh": "中游", "en": "Midstream"},
    "downstream": {"zh": "下游", "en": "Downstream"},
    "status": {"zh": "状态", "en": "Status"},
    "local_share": {"zh": "本地配套率", "en": "Local supporting rate"},
    "flows": {"zh": "环节间流向（本地 / 外地）", "en": "Flows between segments (local / non-local)"},
    "rate_trend": {"zh": "全链本地配套率（各期）", "en": "Chain supporting rate by period"},
    "leaders": {"zh": "链主企业", "en": "Chain leaders"},
    "targets": {"zh": "补链招商清单", "en": "Attraction targets"},
    "score": {"zh": "综合得分", "en": "Score"},
    "components": {"zh": "得分构成", "en": "Score components"},
    "supply_value": {"zh": "已向本地链上企业供货（元）", "en": "Already supplies local chain buyers (yuan)"},
    "local_buyers": {"zh": "本地客户数", "en": "Local buyers"},
    "meta": {"zh": "期间 {period}，本地范围 {home}，数据日期 {as_of}", "en": "Period {period}, home area {home}, as of {as_of}"},
    "sources": {"zh": "来源", "en": "Sources"},
    "numerator": {"zh": "本地采购额（元）", "en": "Bought locally (yuan)"},
    "denominator": {"zh": "采购总额（元）", "en": "Bought in all (yuan)"},
    "by_segment_rate": {"zh": "按环节的本地配套率", "en": "Supporting rate by segment"},
    "nonlocal_suppliers": {"zh": "主要外地供应商", "en": "Top non-local suppliers"},
    "confirm_placement": {"zh": "确认", "en": "Confirm"},
    "move_placement": {"zh": "移至", "en": "Move to"},
    "remove_placement": {"zh": "移除", "en": "Remove"},
    "legend": {"zh": "强 ≥50% 本地配套且≥3家本地企业；较强 ≥25%；弱 其余；缺 无本地企业（见 docs/metrics.md）",
               "en": "strong ≥ 50 % local and ≥ 3 local firms; medium ≥ 25 %; weak otherwise; missing: no local firm (docs/metrics.md)"},
    "next": {"zh": "下一页", "en": "Next"},
}


def language(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in ("zh", "en") else "zh"


def translator(lang: str):  # type: ignore[no-untyped-def]
    def t(key: str) -> str:
        entry = STRINGS.get(key)
        return entry[lang] if entry else key

    return t
