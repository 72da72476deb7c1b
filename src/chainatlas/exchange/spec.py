"""The data-exchange specification v1 (数据交互规范 v1): one :class:`TableSpec` per exchanged table.

Everything else — validation, the Excel templates, the JSON Schemas at ``/api/v1/spec/{table}.schema.json``
and ``docs/exchange-spec.md`` — is derived from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chainatlas import vocabulary

SPEC_VERSION = "1.0"


class Kind(StrEnum):
    """Column kinds: how a cell is parsed and checked."""

    text = "text"
    uscc = "uscc"  # 统一社会信用代码 with its check character
    party = "party"  # a USCC, or a synthetic foreign key X-<ISO country>-<12 hex>
    region = "region"  # 6-digit division code (GB/T 2260)
    industry = "industry"  # GB/T 4754-2017 code, with or without the section letter
    country = "country"  # ISO 3166-1 alpha-2
    segment = "segment"  # a chain segment code, e.g. nev.cathode
    chain = "chain"
    stage = "stage"
    date = "date"
    period = "period"  # 2025 or 2025Q3
    money = "money"  # yuan, ≥ 0, two decimals
    integer = "integer"
    number = "number"
    boolean = "boolean"
    latitude = "latitude"
    longitude = "longitude"
    tax_code = "tax_code"  # 19-digit goods and services tax classification code
    evidence = "evidence"
    level = "level"
    choice = "choice"  # one of the column's ``choices``
    place = "place"  # an IATA airport code or a UN/LOCODE of the shipped list


KIND_DOC: dict[Kind, tuple[str, str]] = {
    Kind.text: ("文本", "text"),
    Kind.uscc: ("18位统一社会信用代码（GB 32100-2015，含校验位）", "18-character USCC (GB 32100-2015, check character verified)"),
    Kind.party: ("统一社会信用代码；境外主体用 X-国家代码-12位十六进制", "USCC; foreign partners: X-<ISO country>-<12 hex>"),
    Kind.region: ("6位行政区划代码（GB/T 2260）", "6-digit administrative division code (GB/T 2260)"),
    Kind.industry: ("国民经济行业分类代码（GB/T 4754-2017），如 C3612 或 3612", "GB/T 4754-2017 industry code, e.g. C3612 or 3612"),
    Kind.country: ("ISO 3166-1 两位国家代码", "ISO 3166-1 alpha-2 country code"),
    Kind.segment: ("产业链环节代码，如 nev.cathode", "chain segment code, e.g. nev.cathode"),
    Kind.chain: ("产业链代码", "chain id"),
    Kind.stage: ("upstream / midstream / downstream（上游/中游/下游）", "upstream / midstream / downstream"),
    Kind.date: ("日期 YYYY-MM-DD（也接受 YYYY/MM/DD、YYYYMMDD、Excel 日期）", "date YYYY-MM-DD (also YYYY/MM/DD, YYYYMMDD, Excel dates)"),
    Kind.period: ("期间：年 2025 或季度 2025Q3", "period: year 2025 or quarter 2025Q3"),
    Kind.money: ("金额，单位元，≥0，不含税", "amount in yuan, ≥ 0, tax excluded"),
    Kind.integer: ("非负整数", "non-negative integer"),
    Kind.number: ("非负数", "non-negative number"),
    Kind.boolean: ("是/否（也接受 Y/N、1/0、true/false）", "yes/no (是/否, Y/N, 1/0, true/false)"),
    Kind.latitude: ("纬度（WGS-84，-90~90）", "latitude (WGS-84, -90..90)"),
    Kind.longitude: ("经度（WGS-84，-180~180）", "longitude (WGS-84, -180..180)"),
    Kind.tax_code: ("19位税收分类编码", "19-digit tax classification code of goods"),
    Kind.evidence: ("declared / analyst / industry_code / product_keyword / tax_code / supply_link", "placement evidence"),
    Kind.level: ("层级", "level"),
    Kind.choice: ("取值见说明", "one of the listed values"),
    Kind.place: ("地点代码：IATA 机场三字码（如 CGO）或 UN/LOCODE 五位码（如 DEHAM）",
                 "place: an IATA airport code (CGO) or a 5-character UN/LOCODE (DEHAM)"),
}


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: Kind
    description_zh: str
    description_en: str
    required: bool = False
    unit: str | None = None
    example: str = ""
    max_length: int | None = None
    maximum: float | None = None
    aliases: tuple[str, ...] = ()
    domestic_only: bool = False  # required only for enterprises in China (country_code CN or empty)
    minimum: float | None = 0.0  # numbers: lowest accepted value (None: any; growth and margins may be negative)
    choices: tuple[str, ...] = ()  # Kind.choice: the accepted values
    future_ok: bool = False  # dates: a date after today is accepted (deadlines, planned ends)
    refers_to: str | None = None  # a key of this other table, known to the database or given in the same import

    def headers(self) -> tuple[str, ...]:
        """All headers accepted for this column: the English name, the Chinese name and aliases."""
        return (self.name, self.zh, *self.aliases)


@dataclass(frozen=True)
class TableSpec:
    name: str
    zh: str
    description_zh: str
    description_en: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    importable: bool = True
    depends_on: tuple[str, ...] = field(default=())
    ordered: tuple[tuple[str, str], ...] = ()  # (low, high) column pairs: high ≥ low where both are given

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def header_map(self) -> dict[str, str]:
        """Accepted header (case- and space-insensitive) → column name."""
        return {normalise_header(h): c.name for c in self.columns for h in c.headers()}


def normalise_header(header: str) -> str:
    """Headers match regardless of case, spaces and full-/half-width brackets.

    >>> normalise_header(" 金额（元） ") == normalise_header("金额(元)")
    True
    """
    return (
        header.strip().lower().replace(" ", "").replace("\u3000", "")
        .replace("（", "(").replace("）", ")").replace("_", "")
    )


def _source_cols() -> tuple[Column, ...]:
    return (
        Column("source", "数据来源", Kind.text, "数据来源（部门、系统或文件）；缺省为文件名",
               "source of the data (department, system or file); defaults to the file name",
               max_length=200, example="市场监管局"),
        Column("as_of", "数据日期", Kind.date, "数据所属日期（截至日期）；缺省为导入日期",
               "as-of date of the data; defaults to the import date", example="2025-12-31",
               aliases=("截至日期",)),
    )


MAX_YUAN = 1e13  # 10 万亿元: above any single firm's or link's annual value; catches unit mistakes (分 vs 元)

ENTERPRISES = TableSpec(
    "enterprises", "企业", "企业主体及其属性，每个属性带来源和数据日期。",
    "Enterprises and their attributes; every attribute carries its source and as-of date.",
    columns=(
        Column("uscc", "统一社会信用代码", Kind.party, "企业唯一标识", "enterprise identifier", required=True,
               example="91410100MA44XXXXXX", aliases=("信用代码", "社会信用代码")),
        Column("name", "企业名称", Kind.text, "登记名称", "registered name", required=True, max_length=200,
               example="郑州示例新材料有限公司（示例）"),
        Column("region_code", "行政区划代码", Kind.region, "注册地所在县级行政区划代码；境外主体留空",
               "county-level division code of the registered address; empty for foreign partners",
               required=True, domestic_only=True, example="410105", aliases=("区划代码",)),
        Column("industry_code", "行业代码", Kind.industry, "主营行业（小类或大类）", "main industry (class or division)",
               required=True, example="C3841", aliases=("国民经济行业代码", "行业分类代码")),
        Column("country_code", "国家代码", Kind.country, "所在国家；缺省 CN", "country; default CN", example="CN"),
        Column("address", "地址", Kind.text, "注册地址", "registered address", max_length=300),
        Column("lat", "纬度", Kind.latitude, "WGS-84 纬度", "WGS-84 latitude", example="34.75"),
        Column("lon", "经度", Kind.longitude, "WGS-84 经度", "WGS-84 longitude", example="113.65"),
        Column("founded_on", "成立日期", Kind.date, "成立日期", "date founded", example="2012-05-08"),
        Column("registered_capital_yuan", "注册资本（元）", Kind.money, "注册资本", "registered capital", unit="元",
               maximum=MAX_YUAN, aliases=("注册资本",)),
        Column("employees", "从业人数", Kind.integer, "年末从业人员数", "employees at year end", unit="人",
               maximum=5_000_000, aliases=("员工人数",)),
        Column("revenue_yuan", "营业收入（元）", Kind.money, "年营业收入", "annual revenue", unit="元",
               maximum=MAX_YUAN, aliases=("营业收入", "主营业务收入（元）")),
        Column("rd_spend_yuan", "研发费用（元）", Kind.money, "年研发费用", "annual R&D spending", unit="元",
               maximum=MAX_YUAN, aliases=("研发费用",)),
        Column("invention_patents", "发明专利数", Kind.integer, "有效发明专利数", "valid invention patents", unit="件",
               maximum=1_000_000),
        Column("is_above_scale", "规上企业", Kind.boolean, "规模以上工业企业（年主营业务收入≥2000万元）",
               "above-designated-size (annual main-business revenue ≥ 20 million yuan)", aliases=("是否规上",)),
        Column("is_high_tech", "高新技术企业", Kind.boolean, "高新技术企业认定", "certified high-tech enterprise"),
        Column("is_srdi", "专精特新", Kind.boolean, "专精特新中小企业", "specialised-refined-distinctive-innovative SME",
               aliases=("专精特新中小企业",)),
        Column("is_little_giant", "小巨人", Kind.boolean, "专精特新“小巨人”企业", "“little giant” enterprise",
               aliases=("专精特新小巨人",)),
        Column("is_chain_leader", "链主企业", Kind.boolean, "产业链链主企业（地方认定）", "chain-leader enterprise (local designation)",
               aliases=("链主",)),
        Column("is_listed", "上市企业", Kind.boolean, "上市公司", "listed company", aliases=("是否上市",)),
        *_source_cols(),
    ),
    keys=("uscc",),
)

def _fraction(name: str, zh: str, d_zh: str, d_en: str, *, signed: bool = False, example: str = "") -> Column:
    return Column(name, zh, Kind.number, d_zh + "（小数，如 0.032 表示 3.2%）", d_en + " (a fraction: 0.032 is 3.2%)",
                  maximum=None if signed else 1.0, minimum=-10.0 if signed else 0.0, unit="比例", example=example)


IP_CLASSES = ("high_value_class1", "own_class1", "class1", "class2", "none")
RD_LEVELS = ("national", "provincial", "municipal", "other", "none")

PROFILES = TableSpec(
    "enterprise_profiles", "企业培育指标",
    "梯度培育与惠企政策所需的企业指标（企业填报或部门提供），每行一个企业在一个数据日期的取值；空格表示未知，绝不按0计。",
    "Indicators used by the tier and policy rules (reported by the enterprise or supplied by a department), one row "
    "per enterprise and as-of date; a blank cell is unknown, never zero.",
    columns=(
        Column("uscc", "统一社会信用代码", Kind.party, "企业", "enterprise", required=True, aliases=("信用代码",)),
        Column("years_in_niche", "从事细分市场年限", Kind.number, "从事特定细分市场的年数", "years in the niche market",
               unit="年", maximum=200, example="4"),
        _fraction("main_business_share", "主营业务收入占比", "上年度主营业务收入占营业收入比重", "main-business share of revenue, last year", example="0.86"),
        _fraction("main_revenue_growth", "主营业务收入增长率", "近2年主营业务收入平均增长率", "average main-business revenue growth over 2 years",
                  signed=True, example="0.12"),
        _fraction("debt_ratio", "资产负债率", "上年度资产负债率", "debt-to-asset ratio, last year", example="0.48"),
        _fraction("rd_ratio", "研发费用占比", "上年度研发费用占营业收入比重", "R&D spending ÷ revenue, last year", example="0.045"),
        _fraction("rd_ratio_prev", "前一年研发费用占比", "前一年度研发费用占营业收入比重", "R&D spending ÷ revenue, the year before", example="0.038"),
        Column("rd_spend_2y_yuan", "近2年研发费用（元）", Kind.money, "近2年研发费用总额", "R&D spending over the last 2 years",
               unit="元", maximum=MAX_YUAN),
        _fraction("rd_staff_share", "研发人员占比", "上年度研发人员占职工总数比重", "R&D staff share of employees, last year", example="0.18"),
        Column("ip_class", "知识产权类别", Kind.choice, "与主导产品相关的最高类别有效知识产权：" + " / ".join(IP_CLASSES),
               "best class of valid IP related to the main products: " + " / ".join(IP_CLASSES), choices=IP_CLASSES,
               example="class1"),
        Column("class1_ip_count", "Ⅰ类知识产权数", Kind.integer, "有效Ⅰ类知识产权数量（发明专利等）", "valid class-I IP items",
               unit="项", maximum=100_000),
        Column("strategic_emerging", "战略性新兴产业", Kind.boolean, "主导产品属于《战略性新兴产业分类》",
               "main products in the strategic emerging industries catalogue"),
        Column("key_field", "产业基础或关键领域", Kind.boolean, "主导产品属于工业“六基”或关键领域补短板",
               "main products in the industrial foundations (六基) or fill a key-field gap"),
        Column("rd_institution_level", "研发机构级别", Kind.choice, "自建或共建研发机构的最高级别：" + " / ".join(RD_LEVELS),
               "highest level of the firm's R&D institution: " + " / ".join(RD_LEVELS), choices=RD_LEVELS, example="provincial"),
        Column("st_award_3y", "近3年科技奖励", Kind.boolean, "近3年获国家级或省级科技奖励", "national or provincial S&T award in 3 years"),
        Column("valid_honour", "有效荣誉", Kind.boolean, "有效期内的高新技术企业、知识产权优势/示范企业等荣誉",
               "valid honour: high-tech enterprise, IP advantage/demonstration enterprise, etc."),
        Column("maker_china_top500", "创客中国500强", Kind.boolean, "近3年进入“创客中国”大赛全国500强企业组",
               "national top 500 of the Maker China contest in 3 years"),
        Column("equity_financing_2y_yuan", "近2年股权融资（元）", Kind.money, "近2年新增股权融资（合格机构投资者实缴额）",
               "new equity financing in 2 years (paid in by qualified investors)", unit="元", maximum=MAX_YUAN),
        Column("equity_financing_3y_yuan", "近3年股权融资（元）", Kind.money, "近3年新增股权融资（合格机构投资者实缴额）",
               "new equity financing in 3 years (paid in by qualified investors)", unit="元", maximum=MAX_YUAN),
        _fraction("net_margin", "净利率", "上年度净利润率", "net profit margin, last year", signed=True, example="0.07"),
        Column("digital_level", "数字化水平", Kind.integer, "中小企业数字化水平评测等级 1–4", "SME digital maturity level 1–4",
               maximum=4, example="2"),
        Column("quality_items", "质量管理项数", Kind.integer, "满足的质量管理项数（省级以上质量奖、体系认证、自主品牌、参与标准）0–4",
               "quality items met (provincial+ quality award, certified system, own brand, standards work) 0–4", maximum=4),
        Column("distinctive_score", "特色化指标得分", Kind.number, "省级主管部门设定的特色化指标得分（0–15）",
               "score on the province's distinctiveness indicators (0–15)", maximum=15),
        _fraction("market_share", "细分市场占有率", "主导产品全国细分市场占有率", "national share of the niche market", example="0.12"),
        Column("top3_national", "全国前三", Kind.boolean, "主导产品细分市场占有率全国前三", "top 3 nationally in its niche"),
        Column("miit_eval_score", "工信部评价得分", Kind.number, "工信部评价系统得分（工信厅企业〔2024〕75号），企业填报",
               "score in MIIT's evaluation system (工信厅企业〔2024〕75号), reported by the enterprise", maximum=100),
        Column("is_innovative", "创新型中小企业", Kind.boolean, "已获评创新型中小企业（有效期内）", "holds the innovative-SME designation"),
        Column("compute_spend_yuan", "算力采购金额（元）", Kind.money, "上年度算力服务合同金额", "compute services bought last year",
               unit="元", maximum=MAX_YUAN),
        Column("model_spend_yuan", "模型服务采购金额（元）", Kind.money, "上年度大模型服务合同金额", "AI model services bought last year",
               unit="元", maximum=MAX_YUAN),
        Column("digital_spend_yuan", "数字化改造投入（元）", Kind.money, "轻量化数字化改造合同金额", "lightweight digital transformation contracts",
               unit="元", maximum=MAX_YUAN),
        Column("interns_6m", "实习满6个月人数", Kind.integer, "上年度接收实习满6个月的实习生人数", "interns kept at least 6 months last year",
               unit="人", maximum=100_000),
        Column("credit_ok", "信用良好", Kind.boolean, "无严重失信记录、无逾期欠贷", "no serious discredit record, no overdue loans"),
        *_source_cols(),
    ),
    keys=("uscc", "as_of", "source"),
    depends_on=("enterprises",),
)

PLACEMENTS = TableSpec(
    "placements", "企业环节归属", "企业在产业链环节上的归属，带依据和置信度；申报（declared）优先。",
    "Placement of enterprises on chain segments with evidence and confidence; declared placements win.",
    columns=(
        Column("uscc", "统一社会信用代码", Kind.party, "企业", "enterprise", required=True, aliases=("信用代码",)),
        Column("segment_code", "环节代码", Kind.segment, "产业链环节", "chain segment", required=True, example="nev.cell"),
        Column("evidence", "依据", Kind.evidence, "归属依据；缺省 declared", "evidence; default declared", example="declared"),
        Column("confidence", "置信度", Kind.number, "0~1；缺省 1", "0..1; default 1", maximum=1.0, example="1"),
        *_source_cols(),
    ),
    keys=("uscc", "segment_code"),
    depends_on=("enterprises",),
)

SUPPLY_LINKS = TableSpec(
    "supply_links", "供应关系", "供方向需方在某期间的供货金额（元，不含税）。",
    "Value supplied by a supplier to a buyer over a period (yuan, tax excluded).",
    columns=(
        Column("supplier_uscc", "供方统一社会信用代码", Kind.party, "供方", "supplier", required=True,
               aliases=("供方信用代码", "销方统一社会信用代码")),
        Column("buyer_uscc", "需方统一社会信用代码", Kind.party, "需方", "buyer", required=True,
               aliases=("需方信用代码", "购方统一社会信用代码")),
        Column("period", "期间", Kind.period, "年或季度", "year or quarter", required=True, example="2025"),
        Column("value_yuan", "金额（元）", Kind.money, "供货金额（不含税）", "value supplied (tax excluded)",
               required=True, unit="元", maximum=MAX_YUAN, aliases=("金额", "采购金额（元）")),
        Column("segment_code", "环节代码", Kind.segment, "所供产品所属环节", "segment of the goods supplied",
               example="nev.cathode"),
        Column("product", "产品", Kind.text, "产品名称", "product", max_length=200, aliases=("产品名称",)),
        Column("quantity", "数量", Kind.number, "数量", "quantity"),
        Column("unit", "单位", Kind.text, "数量单位", "unit of quantity", max_length=20),
        Column("source", "数据来源", Kind.text, "数据来源；缺省为文件名", "source; defaults to the file name",
               max_length=200),
    ),
    keys=("supplier_uscc", "buyer_uscc", "period", "segment_code", "product", "source"),
    depends_on=("enterprises",),
)

TRANSACTIONS = TableSpec(
    "transactions", "交易明细（发票行）", "增值税发票行级明细；导入时汇总为供应关系，原始行仅在 --keep-lines 时保留。",
    "VAT-invoice lines; aggregated into supply links on import; raw lines kept only with --keep-lines.",
    columns=(
        Column("seller_uscc", "销方统一社会信用代码", Kind.party, "销售方", "seller", required=True,
               aliases=("销方信用代码", "销方税号")),
        Column("buyer_uscc", "购方统一社会信用代码", Kind.party, "购买方", "buyer", required=True,
               aliases=("购方信用代码", "购方税号")),
        Column("invoice_date", "开票日期", Kind.date, "开票日期", "invoice date", required=True),
        Column("amount_yuan", "金额（元）", Kind.money, "不含税金额", "amount, tax excluded", required=True,
               unit="元", maximum=MAX_YUAN, aliases=("金额",)),
        Column("tax_yuan", "税额（元）", Kind.money, "税额", "VAT amount", unit="元", maximum=MAX_YUAN, aliases=("税额",)),
        Column("goods_name", "货物或应税劳务名称", Kind.text, "商品名称", "goods name", required=True, max_length=200,
               aliases=("商品名称", "货物名称")),
        Column("goods_tax_code", "税收分类编码", Kind.tax_code, "19位税收分类编码", "19-digit tax classification code",
               aliases=("商品编码",)),
        Column("invoice_no", "发票号码", Kind.text, "发票号码", "invoice number", max_length=40),
        Column("source", "数据来源", Kind.text, "数据来源；缺省为文件名", "source; defaults to the file name",
               max_length=200),
    ),
    keys=("seller_uscc", "buyer_uscc", "invoice_no", "invoice_date", "goods_name", "amount_yuan"),
    depends_on=("enterprises",),
)

CHAINS = TableSpec(
    "chains", "产业链", "产业链（由随软件发布的 YAML 模板定义）。", "Chains (defined by the YAML templates shipped with the package).",
    columns=(
        Column("id", "产业链代码", Kind.chain, "代码", "id", required=True, example="nev"),
        Column("name_zh", "名称", Kind.text, "中文名称", "Chinese name", required=True),
        Column("name_en", "英文名称", Kind.text, "英文名称", "English name", required=True),
        Column("description", "说明", Kind.text, "说明", "description"),
    ),
    keys=("id",), importable=False,
)

SEGMENTS = TableSpec(
    "segments", "产业链环节", "产业链环节（有向无环图）。", "Chain segments (a DAG).",
    columns=(
        Column("code", "环节代码", Kind.segment, "全局代码 链.环节", "global code chain.segment", required=True),
        Column("chain_id", "产业链代码", Kind.chain, "所属产业链", "chain", required=True),
        Column("name_zh", "名称", Kind.text, "中文名称", "Chinese name", required=True),
        Column("name_en", "英文名称", Kind.text, "英文名称", "English name", required=True),
        Column("stage", "上中下游", Kind.stage, "所处阶段", "stage", required=True),
        Column("is_key", "关键环节", Kind.boolean, "是否关键环节", "key segment"),
        Column("feeds_into", "下游环节", Kind.text, "JSON 列表", "JSON list of segment codes"),
        Column("industry_codes", "行业代码提示", Kind.text, "JSON 列表", "JSON list"),
        Column("keywords", "产品关键词", Kind.text, "JSON 列表", "JSON list"),
        Column("tax_code_prefixes", "税收编码前缀", Kind.text, "JSON 列表", "JSON list"),
    ),
    keys=("code",), importable=False,
)

REGIONS = TableSpec(
    "regions", "行政区划", "省、地、县三级行政区划代码。", "Provinces, prefectures and counties.",
    columns=(
        Column("code", "行政区划代码", Kind.region, "6位代码", "6-digit code", required=True),
        Column("name", "名称", Kind.text, "名称", "name", required=True),
        Column("parent_code", "上级代码", Kind.text, "上级区划", "parent division"),
        Column("level", "层级", Kind.level, "province / prefecture / county", "level", required=True),
    ),
    keys=("code",), importable=False,
)

INDUSTRIES = TableSpec(
    "industries", "国民经济行业分类", "GB/T 4754-2017 门类/大类/中类/小类。", "GB/T 4754-2017 sections, divisions, groups, classes.",
    columns=(
        Column("code", "行业代码", Kind.industry, "代码", "code", required=True),
        Column("name_zh", "名称", Kind.text, "名称", "name", required=True),
        Column("level", "层级", Kind.level, "section / division / group / class", "level", required=True),
        Column("parent_code", "上级代码", Kind.text, "上级", "parent"),
    ),
    keys=("code",), importable=False,
)

OFFICIAL_STATISTICS = TableSpec(
    "official_statistics", "官方统计", "统计部门等发布的城市指标（机场货邮吞吐量、跨境电商交易额、地区生产总值），按期间；"
    "数值按指标库的单位（见 docs/indicators.md）。",
    "City indicators published by the statistics office and others (airport cargo, cross-border e-commerce turnover, "
    "gross regional product), per period, in the unit of the indicator registry (docs/indicators.md).",
    columns=(
        Column("indicator_id", "指标代码", Kind.choice, "官方统计指标：" + " / ".join(vocabulary.OFFICIAL_STATISTICS),
               "an official indicator: " + " / ".join(vocabulary.OFFICIAL_STATISTICS), required=True,
               choices=tuple(vocabulary.OFFICIAL_STATISTICS), example="airport_cargo_tonnes", aliases=("指标",)),
        Column("period", "期间", Kind.period, "年或季度", "year or quarter", required=True, example="2025"),
        Column("value", "数值", Kind.number, "按指标库单位（万吨、亿元）", "in the registry's unit (10⁴ t, 10⁸ yuan)",
               required=True, example="80.2"),
        Column("publisher", "发布机构", Kind.text, "发布统计的机构", "who published it", required=True, max_length=200,
               example="郑州市统计局"),
        Column("published_on", "发布日期", Kind.date, "统计公报等的发布日期", "date of publication", example="2026-03-20"),
        Column("source", "数据来源", Kind.text, "文件名称或网址", "document or address", max_length=500,
               example="2025年郑州市国民经济和社会发展统计公报"),
    ),
    keys=("indicator_id", "period"),
)

TECH_DEMANDS = TableSpec(
    "tech_demands", "技术需求", "企业出题：企业发布的技术需求（问题的描述、所属产业链环节、预算、截止日期、可见范围）。导入的需求按其状态入库，"
    "缺省为征集；揭榜、遴选和签约在工作台中进行。",
    "Technology demands posted by enterprises (the problem, its chain segment, budget, deadline, visibility). Imported "
    "demands keep their state (default draft); bids, selection and contracts happen in the workbench.",
    columns=(
        Column("demand_id", "需求编号", Kind.text, "需求的唯一编号", "the demand's unique code", required=True, max_length=40,
               example="XQ-2026-0001", aliases=("编号",)),
        Column("uscc", "发榜企业统一社会信用代码", Kind.uscc, "发布需求的企业", "the posting enterprise", required=True,
               example="91410100MA0000000X", aliases=("统一社会信用代码",)),
        Column("title", "需求名称", Kind.text, "一句话标题", "a one-line title", required=True, max_length=200,
               example="动力电池低温容量衰减改善"),
        Column("text", "需求描述", Kind.text, "问题、现状、指标要求（用企业自己的话）", "the problem, the situation, the targets",
               required=True, max_length=5000, example="冬季续航缩水近四成，零下二十度放电容量衰减严重", aliases=("描述",)),
        Column("chain_id", "产业链", Kind.chain, "所属产业链（缺省由环节推出）", "chain (default: from the segment)", example="nev"),
        Column("segment_code", "环节代码", Kind.segment, "所属产业链环节", "chain segment", example="nev.electrolyte"),
        Column("budget_min_yuan", "预算下限（元）", Kind.money, "预算下限", "least budget", unit="元", maximum=MAX_YUAN,
               example="500000"),
        Column("budget_max_yuan", "预算上限（元）", Kind.money, "预算上限", "greatest budget", unit="元", maximum=MAX_YUAN,
               example="2000000"),
        Column("deadline", "揭榜截止日期", Kind.date, "揭榜截止日期（可为将来）", "deadline for bids (may be in the future)",
               example="2026-12-31", future_ok=True),
        Column("visibility", "可见范围", Kind.choice, "public 公开 / selected 定向受邀院所 / bureau 仅主管部门",
               "public / selected (invited institutes) / bureau only", choices=("public", "selected", "bureau"),
               example="public"),
        Column("invited", "受邀院所", Kind.text, "定向发布时受邀院所的统一社会信用代码，用顿号或逗号分隔",
               "USCCs of the invited institutes (selected), separated by 、 or commas", max_length=2000),
        Column("state", "状态", Kind.choice, "征集 draft / 论证 review / 发榜 published …（缺省 draft）",
               "workflow state (default draft)", choices=tuple(vocabulary.COLLAB_STATES), example="draft"),
        *_source_cols(),
    ),
    keys=("demand_id",), ordered=(("budget_min_yuan", "budget_max_yuan"),),
)

TECH_CAPABILITIES = TableSpec(
    "tech_capabilities", "技术成果", "院所解题：高校、科研院所和企业的技术成果与能力（技术描述、关键词、专利、成熟度）。",
    "Capabilities of universities, institutes and firms (the technique, keywords, patents, readiness level).",
    columns=(
        Column("capability_id", "成果编号", Kind.text, "成果的唯一编号", "the capability's unique code", required=True,
               max_length=40, example="CG-2026-0001", aliases=("编号",)),
        Column("uscc", "单位统一社会信用代码", Kind.uscc, "高校、院所（事业单位 12 开头）或企业", "university, institute or firm",
               required=True, example="12410000MB0000000X", aliases=("统一社会信用代码",)),
        Column("org_name", "单位名称", Kind.text, "单位名称", "organisation", required=True, max_length=200,
               example="示例大学材料学院"),
        Column("team", "团队", Kind.text, "团队或课题组", "team or group", max_length=200),
        Column("title", "成果名称", Kind.text, "一句话标题", "a one-line title", required=True, max_length=200,
               example="低温型锂电池电解液添加剂"),
        Column("text", "成果描述", Kind.text, "技术内容、指标、应用场景", "the technique, its figures, where it applies",
               required=True, max_length=5000, aliases=("描述",)),
        Column("keywords", "关键词", Kind.text, "用顿号分隔", "separated by 、", max_length=500, example="电解液、低温、添加剂"),
        Column("patents", "专利号", Kind.text, "已授权或申请中的专利号，用顿号分隔", "patent numbers, separated by 、",
               max_length=500, example="ZL202310000000.0"),
        Column("trl", "技术成熟度", Kind.integer, "技术就绪水平 1–9（GB/T 22900-2022）", "technology readiness level 1–9",
               minimum=1, maximum=9, example="6"),
        Column("contact", "联系方式", Kind.text, "联系人或联系部门（勿填个人证件号）", "contact (no personal ID numbers)",
               max_length=200),
        Column("chain_id", "产业链", Kind.chain, "所属产业链（缺省由环节推出）", "chain (default: from the segment)"),
        Column("segment_code", "环节代码", Kind.segment, "所属产业链环节", "chain segment"),
        Column("state", "状态", Kind.choice, "active 有效 / withdrawn 已撤回（缺省 active）", "active or withdrawn",
               choices=("active", "withdrawn"), example="active"),
        *_source_cols(),
    ),
    keys=("capability_id",),
)

INTERNSHIPS = TableSpec(
    "internships", "实习记录", "产教融合：学生在企业的实习，一段一行（学生用化名编号，不含姓名和证件号），配产业导师。",
    "Internships, one placement per row (students by a pseudonymous id — no names, no ID numbers), with industry mentors.",
    columns=(
        Column("internship_id", "实习编号", Kind.text, "唯一编号", "unique code", required=True, max_length=40, example="SX-0001"),
        Column("school", "学校", Kind.text, "学校名称", "school", required=True, max_length=200, example="示例职业技术学院"),
        Column("student_ref", "学生编号", Kind.text, "学校给出的化名编号（不是姓名、学号或身份证号）",
               "the school's pseudonymous id (not a name, student number or ID number)", required=True, max_length=64,
               example="S-7f3a9c"),
        Column("major", "专业", Kind.text, "专业", "major", required=True, max_length=100, example="新能源汽车技术"),
        Column("host_uscc", "实习企业统一社会信用代码", Kind.uscc, "接收实习的企业", "host enterprise", required=True),
        Column("mentor", "产业导师", Kind.text, "企业技术骨干（姓名或工号）", "industry mentor (an engineer of the host)",
               max_length=100),
        Column("start_on", "开始日期", Kind.date, "实习开始日期（可为计划日期）", "first day (may be planned)", required=True,
               example="2026-03-01", future_ok=True),
        Column("end_on", "结束日期", Kind.date, "实习结束日期（进行中的填计划结束日期）", "last day (planned, if ongoing)",
               required=True, example="2026-08-31", future_ok=True),
        Column("hours", "实习学时", Kind.integer, "累计学时", "hours", maximum=5000),
        Column("evaluation", "评价", Kind.choice, "excellent 优秀 / good 良好 / pass 合格 / fail 不合格",
               "evaluation", choices=tuple(vocabulary.INTERN_EVALUATIONS)),
        *_source_cols(),
    ),
    keys=("internship_id",), ordered=(("start_on", "end_on"),),
)

MODES = ("air", "sea", "rail")
_MODE_DOC = ("运输方式：air 空运 / sea 海运 / rail 铁路（中欧班列）", "mode: air / sea / rail")

SHIPMENT_REQUESTS = TableSpec(
    "shipment_requests", "拼单需求", "货代拼单：中小出口企业的一票货（线路、备货日、最晚到达日、危险品、温控、货值）；"
    "箱件明细见「装箱明细」表。", "Consolidation: an SME exporter's shipment (lane, ready date, latest arrival, dangerous "
    "goods, temperature, declared value); its cartons are in 'shipment_cartons'.",
    columns=(
        Column("request_id", "需求编号", Kind.text, "这票货的唯一编号", "the shipment's unique code", required=True,
               max_length=40, example="PD-2026-0001", aliases=("货票编号",)),
        Column("exporter_uscc", "出口企业统一社会信用代码", Kind.uscc, "发货的出口企业", "the exporter", required=True,
               example="91410100MA0000000X", aliases=("统一社会信用代码",)),
        Column("mode", "运输方式", Kind.choice, *_MODE_DOC, required=True, choices=MODES, example="rail"),
        Column("origin", "起运地", Kind.place, "起运机场、港口或铁路场站", "origin airport, port or rail terminal",
               required=True, example="CNCGO"),
        Column("destination", "目的地", Kind.place, "目的机场、港口或铁路场站", "destination airport, port or rail terminal",
               required=True, example="DEHAM"),
        Column("ready_date", "备货日期", Kind.date, "货物备妥、可交货代的日期", "the goods are ready for the forwarder",
               required=True, example="2026-03-03", future_ok=True),
        Column("latest_arrival", "最晚到达日期", Kind.date, "最晚到达目的地的日期", "must arrive by this date", required=True,
               example="2026-03-30", future_ok=True),
        Column("dg_class", "危险品类别", Kind.choice, "联合国危险货物类别或项别（非危险品留空）",
               "UN dangerous-goods class or division (blank: not dangerous)", choices=vocabulary.DG_CLASSES, example="9"),
        Column("temperature_min_c", "温度下限（℃）", Kind.number, "温控货物的最低温度", "least temperature (cold chain)",
               unit="℃", minimum=-60, maximum=40, example="2"),
        Column("temperature_max_c", "温度上限（℃）", Kind.number, "温控货物的最高温度", "greatest temperature (cold chain)",
               unit="℃", minimum=-60, maximum=40, example="8"),
        Column("declared_value_yuan", "申报货值（元）", Kind.money, "申报货值", "declared value", unit="元", maximum=MAX_YUAN,
               example="120000"),
        Column("goods", "品名", Kind.text, "货物品名", "goods description", max_length=200, example="锂电池隔膜（示例）"),
        *_source_cols(),
    ),
    keys=("request_id",), depends_on=("enterprises",),
    ordered=(("ready_date", "latest_arrival"), ("temperature_min_c", "temperature_max_c")),
)

SHIPMENT_CARTONS = TableSpec(
    "shipment_cartons", "装箱明细", "一票货的箱件：每行一种规格（件数 × 长宽高 × 毛重），及可堆叠、此面向上、易碎。",
    "A shipment's cartons, one row per size (count × length × width × height × gross weight), stackable, this way up, "
    "fragile.",
    columns=(
        Column("request_id", "需求编号", Kind.text, "所属拼单需求", "the shipment request", required=True, max_length=40,
               example="PD-2026-0001", refers_to="shipment_requests"),
        Column("line", "行号", Kind.integer, "这票货内的规格序号（1、2、3…）", "size line within the shipment (1, 2, 3 …)",
               required=True, minimum=1, maximum=999, example="1"),
        Column("count", "件数", Kind.integer, "这种规格的件数", "cartons of this size", required=True, minimum=1,
               maximum=10000, example="6"),
        Column("length_cm", "长（cm）", Kind.number, "外箱长度", "length", required=True, unit="cm", minimum=1, maximum=1500,
               example="80"),
        Column("width_cm", "宽（cm）", Kind.number, "外箱宽度", "width", required=True, unit="cm", minimum=1, maximum=300,
               example="60"),
        Column("height_cm", "高（cm）", Kind.number, "外箱高度", "height", required=True, unit="cm", minimum=1, maximum=300,
               example="60"),
        Column("gross_kg", "单件毛重（kg）", Kind.number, "每件毛重", "gross weight per carton", required=True, unit="kg",
               minimum=0.01, maximum=30000, example="120"),
        Column("stackable", "可堆叠", Kind.boolean, "上面可以压货（缺省 是）", "other cartons may go on top (default yes)",
               example="是"),
        Column("this_way_up", "此面向上", Kind.boolean, "只能正放（缺省 否）", "must stay upright (default no)", example="否"),
        Column("fragile", "易碎", Kind.boolean, "易碎，不承重（缺省 否）", "fragile, carries nothing (default no)", example="否"),
        Column("sku", "货号", Kind.text, "出口企业的货号（入海外仓时用）", "the exporter's SKU (for the overseas warehouse)",
               max_length=64, example="SKU-001"),
        *_source_cols(),
    ),
    keys=("request_id", "line"), depends_on=("shipment_requests",),
)

CAPACITY_OFFERS = TableSpec(
    "capacity_offers", "运力报价", "货代的舱位与箱位：班次、截载日、箱型（集装箱、集装器、铁路箱）、每箱价格与最低装载率。",
    "Forwarders' capacity: departure, cut-off, equipment (containers, ULDs, rail boxes), price per unit and the least "
    "share of the unit's volume they need booked to run it.",
    columns=(
        Column("offer_id", "报价编号", Kind.text, "唯一编号；件数大于1时每箱编号为 编号-1、编号-2…",
               "unique code; with several units they are numbered <code>-1, <code>-2 …", required=True, max_length=40,
               example="BJ-2026-0001"),
        Column("forwarder_uscc", "货代统一社会信用代码", Kind.party, "提供运力的货代", "the forwarder", required=True,
               example="91410100MA0000000X"),
        Column("mode", "运输方式", Kind.choice, *_MODE_DOC, required=True, choices=MODES, example="rail"),
        Column("origin", "起运地", Kind.place, "起运机场、港口或铁路场站", "origin", required=True, example="CNCGO"),
        Column("destination", "目的地", Kind.place, "目的机场、港口或铁路场站", "destination", required=True, example="DEHAM"),
        Column("departure", "开航/发车日期", Kind.date, "班次日期", "departure date", required=True, example="2026-03-05",
               future_ok=True),
        Column("cutoff", "截载日期", Kind.date, "最晚交货日期", "cut-off date", example="2026-03-04", future_ok=True),
        Column("arrival", "预计到达日期", Kind.date, "预计到达目的地", "expected arrival", example="2026-03-21", future_ok=True),
        Column("equipment", "箱型", Kind.choice, "箱型或集装器：" + " / ".join(vocabulary.EQUIPMENT),
               "equipment: " + " / ".join(vocabulary.EQUIPMENT), required=True, choices=tuple(vocabulary.EQUIPMENT),
               example="40HQ"),
        Column("units", "箱数", Kind.integer, "同样条件的箱数（缺省 1）", "how many such units (default 1)", minimum=1,
               maximum=500, example="2"),
        Column("price_yuan", "每箱价格（元）", Kind.money, "每箱（集装器）全程价格", "price per unit, door to door",
               required=True, unit="元", maximum=1e8, example="38000"),
        Column("min_fill", "最低装载率", Kind.number, "该箱发运所需的最低体积装载率（0~1，缺省 0）",
               "least share of the unit's volume booked for it to run (0–1, default 0)", maximum=1, example="0.5"),
        *_source_cols(),
    ),
    keys=("offer_id",), ordered=(("cutoff", "departure"), ("departure", "arrival")),
)

OVERSEAS_WAREHOUSES = TableSpec(
    "overseas_warehouses", "海外仓", "公共海外仓：所在国家和城市、运营方、库容（立方米和托盘位）、仓储费率与预警占用率。",
    "Public overseas warehouses: country and city, operator, capacity (m³ and pallet places), storage rate and the "
    "occupancy that raises an alert.",
    columns=(
        Column("warehouse_id", "海外仓编号", Kind.text, "唯一编号", "unique code", required=True, max_length=40,
               example="HWC-DE-01"),
        Column("name", "海外仓名称", Kind.text, "名称", "name", required=True, max_length=200, example="示例汉堡公共海外仓"),
        Column("country_code", "国家代码", Kind.country, "所在国家", "country", required=True, example="DE"),
        Column("city", "城市", Kind.text, "所在城市", "city", required=True, max_length=100, example="Hamburg"),
        Column("place", "地点代码", Kind.place, "最近的港口、铁路场站或机场（UN/LOCODE 或 IATA）",
               "nearest port, rail terminal or airport", example="DEHAM"),
        Column("operator", "运营方", Kind.party, "运营企业（境外企业用 X-国家-代码）", "operator (foreign: X-<country>-<hex>)",
               required=True, example="91410100MA0000000X"),
        Column("capacity_m3", "库容（立方米）", Kind.number, "可用存储体积", "usable storage volume", required=True, unit="m³",
               minimum=1, maximum=1e7, example="12000"),
        Column("capacity_pallets", "托盘位", Kind.integer, "托盘位数", "pallet places", unit="个", maximum=1e6, example="6000"),
        Column("rate_yuan_m3_day", "仓储费率（元/立方米·天）", Kind.money, "每立方米每天的仓储费", "storage fee per m³ per day",
               required=True, unit="元/m³·天", maximum=1000, example="2.5"),
        Column("alert_occupancy", "预警占用率", Kind.number, "体积占用率达到此值时预警（0~1，缺省 0.85）",
               "occupancy (by volume) that raises an alert (0–1, default 0.85)", maximum=1, example="0.85"),
        *_source_cols(),
    ),
    keys=("warehouse_id",),
)

WAREHOUSE_RECEIPTS = TableSpec(
    "warehouse_receipts", "海外仓入库", "海外仓入库：哪家出口企业的哪个货号、多少件、多少立方米和托盘，来自哪票拼单（及其 EPCIS 单证号）。",
    "Warehouse inbound: which exporter's SKU, how many pieces, m³ and pallets, from which consolidated shipment (and "
    "its EPCIS business transaction).",
    columns=(
        Column("receipt_id", "入库单号", Kind.text, "唯一编号", "unique code", required=True, max_length=40, example="RK-0001"),
        Column("warehouse_id", "海外仓编号", Kind.text, "入库的海外仓", "the warehouse", required=True, max_length=40,
               example="HWC-DE-01", refers_to="overseas_warehouses"),
        Column("exporter_uscc", "出口企业统一社会信用代码", Kind.uscc, "货主", "the owner of the goods", required=True,
               example="91410100MA0000000X"),
        Column("sku", "货号", Kind.text, "出口企业的货号", "the exporter's SKU", required=True, max_length=64, example="SKU-001"),
        Column("quantity", "件数", Kind.integer, "入库件数", "pieces received", required=True, minimum=1, maximum=1e7,
               example="120"),
        Column("volume_m3", "体积（立方米）", Kind.number, "入库货物总体积", "total volume received", required=True, unit="m³",
               minimum=0.001, maximum=1e5, example="8.6"),
        Column("pallets", "托盘数", Kind.integer, "占用托盘位", "pallet places taken", maximum=1e5, example="6"),
        Column("received_on", "入库日期", Kind.date, "入库日期", "date received", required=True, example="2026-03-25"),
        Column("request_id", "拼单需求编号", Kind.text, "货物所属的拼单需求（如有）", "the shipment request it came with",
               max_length=40, example="PD-2026-0001"),
        Column("consignment_ref", "EPCIS 单证号", Kind.text, "该票货在 EPCIS 事件中的业务单证（bizTransaction）",
               "the consignment's EPCIS business transaction", max_length=200, example="urn:chainatlas:bt:BL-2026-00012"),
        *_source_cols(),
    ),
    keys=("receipt_id",), depends_on=("overseas_warehouses",),
)

WAREHOUSE_ORDERS = TableSpec(
    "warehouse_orders", "海外仓出库", "海外仓出库订单：货主、货号、件数、出库日期、目的国家。",
    "Warehouse outbound orders: owner, SKU, pieces, date shipped, destination country.",
    columns=(
        Column("order_id", "出库单号", Kind.text, "唯一编号", "unique code", required=True, max_length=40, example="CK-0001"),
        Column("warehouse_id", "海外仓编号", Kind.text, "出库的海外仓", "the warehouse", required=True, max_length=40,
               example="HWC-DE-01", refers_to="overseas_warehouses"),
        Column("exporter_uscc", "出口企业统一社会信用代码", Kind.uscc, "货主", "the owner of the goods", required=True,
               example="91410100MA0000000X"),
        Column("sku", "货号", Kind.text, "出口企业的货号", "the exporter's SKU", required=True, max_length=64, example="SKU-001"),
        Column("quantity", "件数", Kind.integer, "出库件数", "pieces shipped", required=True, minimum=1, maximum=1e7,
               example="20"),
        Column("shipped_on", "出库日期", Kind.date, "出库日期", "date shipped", required=True, example="2026-04-02"),
        Column("destination_country", "目的国家", Kind.country, "收货人所在国家", "the consignee's country", example="DE"),
        *_source_cols(),
    ),
    keys=("order_id",), depends_on=("overseas_warehouses",),
)

SOLUTION_PROVIDERS = TableSpec(
    "solution_providers", "数字化服务商", "智改数转服务商：资质、是否提供共享运维、服务地区。服务商须已在企业表中登记。",
    "Digital transformation providers: qualifications, whether they offer shared O&M, where they serve. A provider "
    "must be in the enterprise register.",
    columns=(
        Column("uscc", "统一社会信用代码", Kind.uscc, "服务商", "the provider", required=True, example="91410100MA0000000X"),
        Column("qualifications", "资质", Kind.text, "资质与认证，分号分隔（如 ISO 27001；工业互联网平台）",
               "qualifications and certificates, separated by semicolons", max_length=1000,
               example="ISO 27001；两化融合管理体系AA级"),
        Column("shared_om", "提供共享运维", Kind.boolean, "是否提供共享运维服务", "offers shared O&M", example="是"),
        Column("service_area", "服务地区", Kind.text, "服务覆盖地区", "area served", max_length=200, example="郑州市"),
        *_source_cols(),
    ),
    keys=("uscc",), depends_on=("enterprises",),
)

SOLUTION_OFFERS = TableSpec(
    "solution_offers", "轻量化解决方案", "服务商的轻量化解决方案（硬件租赁+软件订阅）：场景、适用环节、月租、押金、租期、订阅单价、实施周期。",
    "Providers' lightweight solutions (hardware lease + software subscription): scenario, chain segment, monthly lease, "
    "deposit, term, subscription price, implementation time.",
    columns=(
        Column("offer_id", "方案编号", Kind.text, "唯一编号", "unique code", required=True, max_length=40, example="SZ-0001"),
        Column("provider_uscc", "服务商统一社会信用代码", Kind.uscc, "提供方案的服务商（须在服务商表中）",
               "the provider (must be in solution_providers)", required=True, example="91410100MA0000000X",
               refers_to="solution_providers"),
        Column("name", "方案名称", Kind.text, "名称", "name", required=True, max_length=200, example="示例设备联网轻量化套餐"),
        Column("scenario", "场景", Kind.choice, "应用场景：" + " / ".join(vocabulary.DIGITAL_SCENARIOS),
               "scenario: " + " / ".join(vocabulary.DIGITAL_SCENARIOS), required=True,
               choices=tuple(vocabulary.DIGITAL_SCENARIOS), example="equipment_iot"),
        Column("segment_code", "适用环节", Kind.segment, "适用的产业链环节（可空：通用）", "chain segment it is made for (blank: any)",
               example="nev.cathode"),
        Column("hardware_monthly_yuan", "硬件月租（元）", Kind.money, "硬件租赁每月费用（整套）", "hardware lease per month (whole kit)",
               unit="元/月", maximum=1e7, example="1800"),
        Column("deposit_yuan", "押金（元）", Kind.money, "硬件押金（可退）", "hardware deposit (refundable)", unit="元", maximum=1e8,
               example="5000"),
        Column("lease_months", "最短租期（月）", Kind.integer, "最短租期", "shortest term", unit="月", maximum=120, example="12"),
        Column("software_unit", "订阅计价单位", Kind.choice, "软件订阅计价单位：" + " / ".join(vocabulary.SOFTWARE_UNITS),
               "subscription unit: " + " / ".join(vocabulary.SOFTWARE_UNITS), choices=tuple(vocabulary.SOFTWARE_UNITS),
               example="device"),
        Column("software_monthly_yuan", "订阅单价（元/月）", Kind.money, "每计价单位每月的软件订阅费",
               "software subscription per unit per month", unit="元/月", maximum=1e7, example="60"),
        Column("implementation_days", "实施周期（天）", Kind.integer, "从签约到上线的天数", "days from contract to go-live",
               unit="天", maximum=1000, example="14"),
        Column("description", "说明", Kind.text, "方案内容", "what it contains", max_length=2000, example="网关+传感器+看板"),
        *_source_cols(),
    ),
    keys=("offer_id",), depends_on=("solution_providers",),
)

SOLUTION_CASES = TableSpec(
    "solution_cases", "标杆案例", "方案的标杆案例：客户、指标、改造前后数值（客户自报）。",
    "Reference customers of an offer: the customer, a measure and its value before and after (self-reported by the "
    "customer).",
    columns=(
        Column("case_id", "案例编号", Kind.text, "唯一编号", "unique code", required=True, max_length=40, example="AL-0001"),
        Column("offer_id", "方案编号", Kind.text, "案例所用方案", "the offer", required=True, max_length=40, example="SZ-0001",
               refers_to="solution_offers"),
        Column("customer_uscc", "客户统一社会信用代码", Kind.uscc, "案例客户", "the customer", required=True,
               example="91410100MA0000000X"),
        Column("metric", "指标", Kind.text, "改造所改善的指标（如 不良率、设备综合效率）", "the measure improved",
               required=True, max_length=100, example="不良率"),
        Column("unit", "单位", Kind.text, "指标单位", "unit of the measure", max_length=20, example="%"),
        Column("before", "改造前", Kind.number, "改造前数值", "value before", required=True, minimum=None, example="3.2"),
        Column("after", "改造后", Kind.number, "改造后数值", "value after", required=True, minimum=None, example="1.9"),
        Column("higher_is_better", "越高越好", Kind.boolean, "该指标是否越高越好（缺省 否）", "whether higher is better (default no)",
               example="否"),
        Column("period", "期间", Kind.period, "改造后数值所属期间", "period of the value after", example="2025"),
        *_source_cols(),
    ),
    keys=("case_id",), depends_on=("solution_offers",),
)

SOLUTION_SUBSCRIPTIONS = TableSpec(
    "solution_subscriptions", "方案订阅记录", "中小企业租用和订阅的方案：自何时起、到何时止、设备或用户数、每月实付金额。",
    "What an SME leases and subscribes to: since when, until when, devices or seats, what it pays per month.",
    columns=(
        Column("subscription_id", "订阅编号", Kind.text, "唯一编号", "unique code", required=True, max_length=40,
               example="DY-0001"),
        Column("customer_uscc", "企业统一社会信用代码", Kind.uscc, "租用/订阅的企业", "the subscriber", required=True,
               example="91410100MA0000000X"),
        Column("offer_id", "方案编号", Kind.text, "所订方案", "the offer", required=True, max_length=40, example="SZ-0001",
               refers_to="solution_offers"),
        Column("start_date", "起始日期", Kind.date, "开始计费日期", "billing starts", required=True, example="2025-03-01"),
        Column("end_date", "终止日期", Kind.date, "停止计费日期（可空：仍在订阅）", "billing ends (blank: still running)",
               example="2026-02-28", future_ok=True),
        Column("units", "数量", Kind.integer, "订阅的设备数、用户数或工厂数", "devices, seats or sites subscribed", minimum=1,
               maximum=100_000, example="20"),
        Column("monthly_yuan", "每月实付（元）", Kind.money, "每月实付金额（硬件租金+软件订阅，不含押金）",
               "paid per month (lease + subscription, deposit excluded)", required=True, unit="元/月", maximum=1e8,
               example="3000"),
        *_source_cols(),
    ),
    keys=("subscription_id",), ordered=(("start_date", "end_date"),), depends_on=("solution_offers",),
)

EQUIPMENT = TableSpec(
    "equipment", "设备台账", "企业的设备台账：类型、型号、位置、自有或租赁、共享运维服务商。服务商只看到以其为运维方的设备。",
    "A firm's equipment register: type, model, location, owned or leased, the shared O&M provider. A provider sees only "
    "the equipment it maintains.",
    columns=(
        Column("equipment_id", "设备编号", Kind.text, "唯一编号", "unique code", required=True, max_length=40,
               example="EQ-0001"),
        Column("owner_uscc", "企业统一社会信用代码", Kind.uscc, "使用设备的企业", "the firm using the equipment", required=True,
               example="91410100MA0000000X"),
        Column("equipment_type", "设备类型", Kind.choice, "类型：" + " / ".join(vocabulary.EQUIPMENT_TYPES),
               "type: " + " / ".join(vocabulary.EQUIPMENT_TYPES), required=True,
               choices=tuple(vocabulary.EQUIPMENT_TYPES), example="cnc"),
        Column("model", "型号", Kind.text, "品牌与型号", "make and model", max_length=100, example="示例 VMC-850"),
        Column("serial_no", "出厂编号", Kind.text, "出厂序列号", "serial number", max_length=64, example="SN20250001"),
        Column("location", "位置", Kind.text, "厂区、车间、产线", "site, workshop, line", max_length=200, example="一号车间A线"),
        Column("tenure", "自有或租赁", Kind.choice, "owned 自有 / leased 租赁", "owned / leased", required=True,
               choices=tuple(vocabulary.EQUIPMENT_TENURE), example="leased"),
        Column("subscription_id", "订阅编号", Kind.text, "租赁设备所属的方案订阅（可空）", "the subscription a leased machine "
               "belongs to (blank: none)", max_length=40, example="DY-0001", refers_to="solution_subscriptions"),
        Column("provider_uscc", "运维服务商统一社会信用代码", Kind.uscc, "共享运维服务商（须在服务商表中；可空：无人运维）",
               "the shared O&M provider (must be in solution_providers; blank: none)", example="91410100MA0000000X",
               refers_to="solution_providers"),
        Column("installed_on", "投用日期", Kind.date, "投入使用日期", "in service since", example="2025-03-01"),
        *_source_cols(),
    ),
    keys=("equipment_id",), depends_on=("solution_providers",),
)

TABLES: dict[str, TableSpec] = {
    t.name: t for t in (ENTERPRISES, PROFILES, SUPPLY_LINKS, TRANSACTIONS, CHAINS, SEGMENTS, PLACEMENTS, REGIONS, INDUSTRIES,
                        OFFICIAL_STATISTICS, TECH_DEMANDS, TECH_CAPABILITIES, INTERNSHIPS, SHIPMENT_REQUESTS,
                        SHIPMENT_CARTONS, CAPACITY_OFFERS, OVERSEAS_WAREHOUSES, WAREHOUSE_RECEIPTS, WAREHOUSE_ORDERS,
                        SOLUTION_PROVIDERS, SOLUTION_OFFERS, SOLUTION_CASES, SOLUTION_SUBSCRIPTIONS, EQUIPMENT)
}
IMPORT_ORDER = ("enterprises", "enterprise_profiles", "placements", "supply_links", "transactions", "official_statistics",
                "tech_demands", "tech_capabilities", "internships", "shipment_requests", "shipment_cartons",
                "capacity_offers", "overseas_warehouses", "warehouse_receipts", "warehouse_orders", "solution_providers",
                "solution_offers", "solution_cases", "solution_subscriptions", "equipment")

SHEET_NAMES = {t.zh: t.name for t in TABLES.values()} | {t.name: t.name for t in TABLES.values()}


def recognise_table(headers: list[str], sheet_name: str | None = None) -> tuple[str | None, str]:
    """Which table a file or sheet holds: by sheet name, else the importable table whose required
    columns are all present (an ambiguous match is an error the caller reports).

    >>> recognise_table(["统一社会信用代码", "企业名称", "行政区划代码", "行业代码"])[0]
    'enterprises'
    >>> recognise_table(["供方统一社会信用代码", "需方统一社会信用代码", "期间", "金额"])[0]
    'supply_links'
    """
    if sheet_name and sheet_name.strip() in SHEET_NAMES:
        return SHEET_NAMES[sheet_name.strip()], "sheet name"
    present = {normalise_header(h) for h in headers if h}
    matches = []
    for t in TABLES.values():
        if not t.importable:
            continue
        hm = t.header_map()
        mapped = {hm[h] for h in present if h in hm}
        if set(t.required) <= mapped:
            matches.append((len(mapped), t.name))
    if not matches:
        return None, "no table's required columns are all present"
    matches.sort(reverse=True)
    if len(matches) > 1 and matches[0][0] == matches[1][0]:
        return None, "ambiguous: " + ", ".join(m[1] for m in matches)
    return matches[0][1], "columns"


def json_schema(table: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one row of ``table``."""
    spec = TABLES[table]
    types: dict[Kind, dict[str, Any]] = {
        Kind.uscc: {"type": "string", "pattern": "^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$"},
        Kind.party: {"type": "string", "pattern": "^([0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}|X-[A-Z]{2}-[0-9A-F]{12})$"},
        Kind.region: {"type": "string", "pattern": "^[0-9]{6}$"},
        Kind.industry: {"type": "string", "pattern": "^[A-T]?[0-9]{0,4}$"},
        Kind.country: {"type": "string", "pattern": "^[A-Z]{2}$"},
        Kind.date: {"type": "string", "format": "date"},
        Kind.period: {"type": "string", "pattern": "^[0-9]{4}(Q[1-4])?$"},
        Kind.money: {"type": "number", "minimum": 0},
        Kind.integer: {"type": "integer", "minimum": 0},
        Kind.number: {"type": "number", "minimum": 0},
        Kind.boolean: {"type": "boolean"},
        Kind.latitude: {"type": "number", "minimum": -90, "maximum": 90},
        Kind.longitude: {"type": "number", "minimum": -180, "maximum": 180},
        Kind.tax_code: {"type": "string", "pattern": "^[0-9]{19}$"},
        Kind.stage: {"type": "string", "enum": ["upstream", "midstream", "downstream"]},
        Kind.evidence: {"type": "string", "enum": list(EVIDENCE)},
        Kind.place: {"type": "string", "pattern": "^([A-Z]{3}|[A-Z]{2}[A-Z2-9]{3})$"},
    }
    props: dict[str, Any] = {}
    for c in spec.columns:
        p = dict(types.get(c.kind, {"type": "string"}))
        if c.choices:
            p["enum"] = list(c.choices)
        if c.kind in (Kind.number, Kind.money, Kind.integer) and c.minimum != 0:
            p.pop("minimum", None)
            if c.minimum is not None:
                p["minimum"] = c.minimum
        if c.max_length:
            p["maxLength"] = c.max_length
        if c.maximum is not None:
            p["maximum"] = c.maximum
        p["title"] = c.zh
        p["description"] = f"{c.description_zh} / {c.description_en}" + (f" [{c.unit}]" if c.unit else "")
        if c.example:
            p["examples"] = [c.example]
        p["x-aliases"] = list(c.headers())
        if not c.required:
            p = {"anyOf": [p, {"type": "null"}], "title": p["title"], "description": p["description"]}
        props[c.name] = p
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://chainatlas.example/spec/v{SPEC_VERSION}/{table}.schema.json",
        "title": f"{spec.zh} / {table}",
        "description": f"{spec.description_zh} {spec.description_en}",
        "type": "object",
        "properties": props,
        "required": list(spec.required),
        "additionalProperties": False,
        "x-keys": list(spec.keys),
        "x-spec-version": SPEC_VERSION,
    }


EVIDENCE = tuple(vocabulary.EVIDENCE)  # declared, analyst, industry_code, product_keyword, tax_code, supply_link
