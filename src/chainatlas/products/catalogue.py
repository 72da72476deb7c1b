"""The data products (数据产品): what each publishes, who owns it, how it may be used.

A product is a dataset of the governance catalogue (``product.<id>``: owner department, classification level) with a
description, update frequency, licence terms, the fields it publishes, the exchange table its quality is measured on,
and whether its cells are small-cell suppressed (analysis/suppression.py: fewer than 3 enterprises or consignments).
Consumers request it through the ordinary grants (purpose-bound, decided by the owner).
"""

from __future__ import annotations

from dataclasses import dataclass

from chainatlas.governance.catalogue import DATASETS, Dataset
from chainatlas.messages import Message, NotFound


@dataclass(frozen=True)
class Product:
    id: str
    name: Message
    description: Message
    frequency: Message
    licence: Message
    fields: tuple[str, ...]
    source_table: str | None  # the exchange table whose validity, freshness and provenance are measured
    suppressed: bool  # cells resting on fewer than 3 enterprises / consignments are blanked
    depends_on: tuple[str, ...] = ()  # exchange tables whose import prompts a new measurement

    @property
    def dataset(self) -> Dataset:
        return DATASETS[f"product.{self.id}"]


LICENCE = Message("仅限授权用途使用；不得转授权、再识别或公开单个企业数据；引用须注明“郑州市产业链图谱平台”及数据日期（示例条款）",
                  "For the granted purpose only; no sublicensing, re-identification or publication of single firms' data; "
                  "cite the platform and the data date (example terms)")
M = Message
PRODUCTS: dict[str, Product] = {p.id: p for p in (
    Product("enterprise_register", M("企业名录（公开登记信息）", "Enterprise register (public registration fields)"),
            M("企业统一社会信用代码、名称、行政区划、行业与成立日期，来自市场监管登记；不含经营数据。",
              "USCC, name, division, industry and founding date from the business register; no business figures."),
            M("每次导入后更新", "updated on each import"), LICENCE,
            ("uscc", "name", "region_code", "industry_code", "founded_on"), "enterprises", False, ("enterprises",)),
    Product("chain_segments", M("产业链环节图谱", "Chain atlas per segment"),
            M("每条产业链各环节的本地企业数、产值、本地采购额与本地配套率、强弱缺判定（按最近期间）；少于3家企业的格子不予显示。",
              "Per chain segment: local firms, output, purchases and the local supporting rate, strong/weak/missing "
              "status (latest period); cells resting on fewer than 3 firms are blanked."),
            M("每次导入后更新", "updated on each import"), LICENCE,
            ("chain", "period", "code", "name_zh", "stage", "local_enterprises", "output_value_yuan", "inputs_value_yuan",
             "inputs_local_value_yuan", "local_share", "status"), "supply_links", True,
            ("enterprises", "placements", "supply_links", "transactions")),
    Product("clearance_lanes", M("通关时效（按线路）", "Clearance times per lane"),
            M("按线路（运输方式、通关口岸、目的地）：有放行记录的货物票数、到港至放行小时数的平均值、中位数、90分位、24小时内放行比例，来自 EPCIS 事件；少于3票的格子不予显示。",
              "Per lane (mode, port of clearance, destination): consignments released, mean, median and 90th percentile "
              "hours from arrival to release, share released within 24 h, from the EPCIS events; cells of fewer than 3 "
              "consignments are blanked."),
            M("每日", "daily"), LICENCE,
            ("mode", "port", "destination", "n", "mean", "median", "p90", "within_target"), None, True),
)}


def product(product_id: str) -> Product:
    """A product by id (NotFound with the ids there are)."""
    if product_id not in PRODUCTS:
        raise NotFound(f"没有数据产品 {product_id}", f"no data product {product_id}; products: {', '.join(PRODUCTS)}")
    return PRODUCTS[product_id]
