"""Generate the demo city (示例数据 — all names and figures are fictional).

The generator writes exchange-spec files (Parquet) — enterprises, placements and VAT-invoice-like
transaction lines — and, for checking, the supply links those lines aggregate to. ``load_demo`` then
imports them through the ordinary import path, so the demo exercises exactly what a city's own data
would go through.

Model (deterministic for a seed):

* enterprises are spread over the six chains' segments; each segment has a *local propensity* — the
  chance that one of its firms sits in Zhengzhou (4101). A few segments are deliberately weak
  (propensity 0.08) or missing (0) locally, so the atlas has gaps to show;
* sizes are heavy-tailed (log-normal revenue, σ = 1.4); attributes (employees, R&D, patents, flags)
  follow from size with noise; one or two chain leaders (链主) per chain are the largest local firms of
  the chain's key downstream/midstream segments;
* every buyer in a segment buys from 1 + Poisson(λ) suppliers in each upstream segment that feeds it,
  choosing local suppliers with the upstream segment's local propensity and favouring large suppliers;
  link values scale with the buyer's revenue; periods 2024 and 2025 (growth noise between them);
* each link is split into 1 + Poisson(1.2) invoice lines whose amounts add up to it exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import Engine

from chainatlas.chains.templates import Chain, Stage, load_chains
from chainatlas.exchange.importer import ImportReport, Progress, import_files
from chainatlas.registry.codes import regions
from chainatlas.registry.uscc import ALPHABET, foreign_key
from chainatlas.registry.uscc import WEIGHTS as USCC_WEIGHTS

SCALES = {"s": (5_000, 50_000), "m": (200_000, 1_000_000), "l": (1_000_000, 5_000_000)}
PERIODS = ("2024", "2025")
ZHENGZHOU = {  # county code: (name, lat, lon) — approximate district centres, WGS-84
    "410102": ("中原区", 34.748, 113.613), "410103": ("二七区", 34.724, 113.640), "410104": ("管城回族区", 34.754, 113.677),
    "410105": ("金水区", 34.800, 113.660), "410106": ("上街区", 34.802, 113.308), "410108": ("惠济区", 34.867, 113.617),
    "410122": ("中牟县", 34.719, 113.976), "410181": ("巩义市", 34.748, 113.022), "410182": ("荥阳市", 34.787, 113.383),
    "410183": ("新密市", 34.539, 113.391), "410184": ("新郑市", 34.396, 113.740), "410185": ("登封市", 34.453, 113.050),
}
DISTRICT_WEIGHTS = np.array([6, 5, 4, 7, 3, 3, 6, 3, 4, 3, 8, 2], dtype=float)
WEAK = {"nev.power_semi", "nev.separator", "electronics.panel", "electronics.passive", "equipment.bearing",
        "equipment.control", "biomed.api", "semiconductor.chemicals", "superhard.press"}
MISSING = {"nev.auto_chip", "electronics.chip", "semiconductor.target", "nev.sensor"}
FOREIGN = ["JP", "KR", "DE", "US", "FR", "IT", "NL", "SG", "MY", "LU", "AE"]
FOREIGN_PRONE = {"nev.auto_chip", "nev.power_semi", "electronics.chip", "electronics.panel", "semiconductor.target",
                 "semiconductor.chemicals", "equipment.control", "equipment.bearing", "nev.sensor"}
WORDS = list("华中豫嵩原恒瑞达鑫泰盛宏远启明正康信诚安和利通祥润博创新科锐航智德丰源汇鼎铭卓越晟辰星海峰")
FOREIGN_WORDS = ["Alpen", "Nordic", "Sakura", "Hanbit", "Lumen", "Vertex", "Atlas", "Orion", "Kestrel", "Meridian"]


@dataclass(frozen=True)
class DemoFiles:
    enterprises: Path
    placements: Path
    transactions: Path
    expected_links: Path
    profiles: Path | None = None  # enterprise indicators for the tier and policy rules
    statistics: Path | None = None  # official statistics of the cockpit's indicators (fictional, labelled 示例)

    def import_paths(self) -> list[Path]:
        """What the demo imports, in one call (all-or-nothing): everything but the expected links."""
        return [self.enterprises, self.placements, self.transactions,
                *[p for p in (self.profiles, self.statistics) if p is not None]]


def _uscc_bodies(rng: np.random.Generator, region_codes: np.ndarray) -> list[str]:
    """USCCs: 9 (enterprise) 1 (company) + division code + 9-character org code + check character
    (GB 32100-2015, the weights of :mod:`chainatlas.registry.uscc`)."""
    n = len(region_codes)
    alphabet = np.array(list(ALPHABET))
    org = rng.integers(0, 31, size=(n, 9))
    body = ["91" + rc + "".join(alphabet[row]) for rc, row in zip(region_codes, org, strict=True)]
    value = np.zeros(256, dtype=np.int64)
    for i, c in enumerate(ALPHABET):
        value[ord(c)] = i
    vals = value[np.frombuffer("".join(body).encode(), dtype=np.uint8).reshape(n, 17)]
    check = (31 - (vals * USCC_WEIGHTS).sum(axis=1) % 31) % 31
    return [b + ALPHABET[c] for b, c in zip(body, check, strict=True)]


def generate(scale: str = "s", seed: int = 20260301, out_dir: Path | None = None, enterprises_only: bool = False) -> DemoFiles:
    """Write the demo city's files for ``scale`` (``s``, ``m`` or ``l``) into ``out_dir``; ``enterprises_only``
    stops after the enterprises, their placements and indicators (no links or invoice lines)."""
    n_firms, n_links = SCALES[scale]
    rng = np.random.default_rng(seed)
    chains = load_chains()
    out = out_dir or Path("data") / "demo" / scale
    out.mkdir(parents=True, exist_ok=True)

    seg_codes: list[str] = []
    seg_chain: list[Chain] = []
    seg_stage: list[str] = []
    seg_key: list[bool] = []
    for c in chains:
        for s in c.segments:
            seg_codes.append(c.full_code(s.code))
            seg_chain.append(c)
            seg_stage.append(s.stage.value)
            seg_key.append(s.key)
    n_seg = len(seg_codes)
    seg_index = {code: i for i, code in enumerate(seg_codes)}
    propensity = rng.uniform(0.25, 0.6, n_seg)
    for i, code in enumerate(seg_codes):
        if code in WEAK:
            propensity[i] = 0.08
        if code in MISSING:
            propensity[i] = 0.0
    weight = np.where(np.array(seg_stage) == Stage.upstream.value, 1.3, 1.0) * rng.uniform(0.6, 1.4, n_seg)
    firm_seg = rng.choice(n_seg, size=n_firms, p=weight / weight.sum())
    local = rng.random(n_firms) < propensity[firm_seg]
    foreign_prone = np.array([seg_codes[s] in FOREIGN_PRONE for s in firm_seg])
    foreign = ~local & (rng.random(n_firms) < np.where(foreign_prone, 0.35, 0.04))

    all_regions = [r for r in regions() if r.level == "county"]
    national = np.array([r.code for r in all_regions if not r.code.startswith("4101")])
    zz_codes = np.array(list(ZHENGZHOU))
    region_code = np.where(
        local,
        rng.choice(zz_codes, size=n_firms, p=DISTRICT_WEIGHTS / DISTRICT_WEIGHTS.sum()),
        rng.choice(national, size=n_firms),
    )
    country = np.where(foreign, rng.choice(np.array(FOREIGN), size=n_firms), "CN")

    revenue = np.exp(rng.normal(np.log(8e7), 1.4, n_firms)).round(-3)
    leaders = []
    for c in chains:
        idx = [i for i, code in enumerate(seg_codes) if seg_chain[i].id == c.id and seg_key[i] and seg_stage[i] != "upstream"]
        cand = np.flatnonzero(np.isin(firm_seg, idx) & local)
        if cand.size:
            top = cand[np.argsort(-revenue[cand])][: 1 + int(rng.random() < 0.5)]
            # chain leaders: tens of billions of yuan, like a regional OEM or assembler
            revenue[top] = np.maximum(revenue[top], rng.uniform(1.5e10, 8e10, top.size)).round(-3)
            leaders.extend(top.tolist())
    is_leader = np.zeros(n_firms, dtype=bool)
    is_leader[leaders] = True
    employees = np.clip(revenue / rng.uniform(6e5, 1.6e6, n_firms), 3, 80_000).astype(np.int64)
    rd_ratio = np.clip(rng.gamma(2.0, 0.018, n_firms), 0, 0.3)
    rd_spend = (revenue * rd_ratio).round(-2)
    patents = rng.poisson(np.clip(rd_spend / 4e6, 0, 400))
    above_scale = revenue >= 2e7
    sme = (employees < 1000) & (revenue < 4e8)
    srdi = sme & (rd_ratio >= 0.03) & (patents >= 1) & (rng.random(n_firms) < 0.45)
    little_giant = srdi & (revenue >= 1e8) & (rd_ratio >= 0.03) & (rng.random(n_firms) < 0.35)
    high_tech = (rd_ratio >= 0.03) & (patents >= 1) & (rng.random(n_firms) < 0.7)
    listed = (revenue > 1.5e9) & (rng.random(n_firms) < 0.4)
    founded = np.array([dt.date(1985, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 14_600, n_firms)])
    capital = (revenue * rng.uniform(0.05, 0.5, n_firms)).round(-4)

    w = np.array(WORDS)
    stems = [a + b for a, b in zip(rng.choice(w, n_firms), rng.choice(w, n_firms), strict=True)]
    seg_name = [seg_chain[s].segments[[x.code for x in seg_chain[s].segments].index(seg_codes[s].split(".", 1)[1])].name_zh
                for s in range(n_seg)]
    short = [n.split("(")[0].split("与")[0][:6] for n in seg_name]
    names = []
    for i in range(n_firms):
        if foreign[i]:
            names.append(f"{rng.choice(FOREIGN_WORDS)} {country[i]} Components {i} Ltd.（示例）")
        else:
            place = ZHENGZHOU[region_code[i]][0][:2] if local[i] else "华夏"
            names.append(f"{place}{stems[i]}{short[firm_seg[i]]}有限公司{i}（示例）")
    uscc = np.array(_uscc_bodies(rng, region_code), dtype=object)
    for j in np.flatnonzero(foreign):
        uscc[j] = foreign_key(str(country[j]), names[j])
    lat = np.where(local, [ZHENGZHOU.get(r, ("", np.nan, np.nan))[1] for r in region_code], np.nan)
    lon = np.where(local, [ZHENGZHOU.get(r, ("", np.nan, np.nan))[2] for r in region_code], np.nan)
    lat = np.round(lat + rng.normal(0, 0.03, n_firms), 5)
    lon = np.round(lon + rng.normal(0, 0.03, n_firms), 5)
    industry = []
    for s in firm_seg:
        seg = seg_chain[s].segments[[x.code for x in seg_chain[s].segments].index(seg_codes[s].split(".", 1)[1])]
        industry.append(seg.industry_codes[0] if seg.industry_codes else "C4190")
    as_of = dt.date(2025, 12, 31)
    ent = pl.DataFrame({
        "uscc": uscc.astype(str), "name": names,
        "region_code": pl.Series([None if f else r for f, r in zip(foreign, region_code, strict=True)], dtype=pl.String), "industry_code": industry, "country_code": country,
        "address": pl.Series([f"{ZHENGZHOU[r][0]}示例路{i % 300 + 1}号" if local[i] else None for i, r in enumerate(region_code)], dtype=pl.String),
        "lat": np.where(local, lat, np.nan), "lon": np.where(local, lon, np.nan), "founded_on": pl.Series(founded.tolist(), dtype=pl.Date),
        "registered_capital_yuan": capital, "employees": employees, "revenue_yuan": revenue, "rd_spend_yuan": rd_spend,
        "invention_patents": patents, "is_above_scale": above_scale, "is_high_tech": high_tech, "is_srdi": srdi,
        "is_little_giant": little_giant, "is_chain_leader": is_leader, "is_listed": listed,
        "source": "示例数据 demo", "as_of": as_of,
    }).with_columns(pl.col("lat", "lon").fill_nan(None))
    ent.write_parquet(out / "enterprises.parquet")
    pl.DataFrame({"uscc": ent["uscc"], "segment_code": [seg_codes[s] for s in firm_seg], "evidence": "declared",
                  "confidence": 1.0, "source": "示例数据 demo", "as_of": as_of}).write_parquet(out / "placements.parquet")
    from chainatlas.demo.profiles import generate_profiles

    generate_profiles(ent, seed=seed).write_parquet(out / "profiles.parquet")
    if enterprises_only:
        return DemoFiles(out / "enterprises.parquet", out / "placements.parquet", out / "transactions.parquet",
                         out / "expected_links.parquet", out / "profiles.parquet")

    # Supply links along the chains' feeds_into edges.
    members = [np.flatnonzero(firm_seg == i) for i in range(n_seg)]
    edges = [(seg_index[seg_chain[i].full_code(s.code)], seg_index[seg_chain[i].full_code(t)])
             for i in range(n_seg) for s in [next(x for x in seg_chain[i].segments if seg_chain[i].full_code(x.code) == seg_codes[i])]
             for t in s.feeds_into]
    buyer_slots = sum(len(members[t]) for _, t in edges)
    # 1.15: self-links and repeated picks of one supplier merge, so aim a little above the target
    lam = max(0.0, 1.15 * n_links / len(PERIODS) / max(buyer_slots, 1) - 1.0)
    sup_l: list[np.ndarray] = []
    buy_l: list[np.ndarray] = []
    seg_l: list[np.ndarray] = []
    for s_idx, t_idx in edges:
        sup_pool, buyers = members[s_idx], members[t_idx]
        if sup_pool.size == 0 or buyers.size == 0:
            continue
        k = 1 + rng.poisson(lam, buyers.size)
        b = np.repeat(buyers, k)
        loc_pool, far_pool = sup_pool[local[sup_pool]], sup_pool[~local[sup_pool]]
        # buyers find a local supplier about as often as the segment's firms are local (×1.3)
        want_local = rng.random(b.size) < min(0.95, 1.3 * propensity[s_idx]) * (loc_pool.size > 0)
        chosen = np.empty(b.size, dtype=np.int64)
        for mask, pool in ((want_local, loc_pool), (~want_local, far_pool if far_pool.size else loc_pool)):
            if mask.any() and pool.size:
                p = revenue[pool] ** 0.6
                chosen[mask] = rng.choice(pool, size=int(mask.sum()), p=p / p.sum())
        sup_l.append(chosen)
        buy_l.append(b)
        seg_l.append(np.full(b.size, s_idx))
    sup = np.concatenate(sup_l)
    buy = np.concatenate(buy_l)
    sseg = np.concatenate(seg_l)
    keep = sup != buy
    sup, buy, sseg = sup[keep], buy[keep], sseg[keep]
    base = revenue[buy] * rng.uniform(0.01, 0.08, buy.size) * np.exp(rng.normal(0, 0.5, buy.size))
    base = np.minimum(base, revenue[sup] * 0.9)

    tax_code = np.array([f"10{(i * 7919) % 10**17:017d}" for i in range(n_seg)])
    kw = [next(x for x in seg_chain[i].segments if seg_chain[i].full_code(x.code) == seg_codes[i]).keywords for i in range(n_seg)]
    goods = np.array([(k[0] if k else seg_name[i]) + "（示例）" for i, k in enumerate(kw)])
    lines = []
    for y, period in enumerate(PERIODS):
        value = np.round(base * (1.0 + 0.12 * y) * np.exp(rng.normal(0, 0.15, base.size)), 2)
        n_lines = 1 + rng.poisson(1.2, value.size)
        li = np.repeat(np.arange(value.size), n_lines)
        share = rng.random(li.size) + 0.2
        total = np.bincount(li, weights=share)
        amount = np.round(value[li] * share / total[li], 2)
        # put the rounding remainder on each link's last line so lines add up to the link exactly
        last = np.cumsum(n_lines) - 1
        diff = value - np.bincount(li, weights=amount)
        amount[last] = np.round(amount[last] + diff, 2)
        days = rng.integers(0, 365, li.size)
        lines.append(pl.DataFrame({
            "seller_uscc": ent["uscc"].gather(sup[li]), "buyer_uscc": ent["uscc"].gather(buy[li]),
            "invoice_date": pl.Series("d", days).cast(pl.Int32),
            "amount_yuan": amount, "tax_yuan": np.round(amount * 0.13, 2),
            "goods_name": goods[sseg[li]], "goods_tax_code": tax_code[sseg[li]],
            "invoice_no": pl.Series("n", np.arange(li.size) + y * 10**9 + 10**8).cast(pl.String),
        }).with_columns((pl.lit(dt.date(int(period), 1, 1)) + pl.duration(days=pl.col("invoice_date"))).alias("invoice_date")))
    txn = pl.concat(lines)
    txn.write_parquet(out / "transactions.parquet")
    expected = txn.group_by(
        pl.col("seller_uscc").alias("supplier_uscc"), "buyer_uscc", pl.col("invoice_date").dt.year().cast(pl.String).alias("period"),
        "goods_name").agg(pl.col("amount_yuan").sum().round(2).alias("value_yuan"))
    expected.write_parquet(out / "expected_links.parquet")
    return DemoFiles(out / "enterprises.parquet", out / "placements.parquet", out / "transactions.parquet",
                     out / "expected_links.parquet", out / "profiles.parquet", official_statistics(out, seed))


# fictional series for the cockpit's official indicators (units of the indicator registry): a base in 2021 and a
# growth rate per year drawn around it; the publisher and source say they are not statistics
DEMO_STATISTICS = {"airport_cargo_tonnes": (60.0, 0.08), "cbec_turnover_yuan": (900.0, 0.10), "gdp_yuan": (12500.0, 0.05)}


def official_statistics(out: Path, seed: int) -> Path:
    """Write ``official_statistics.csv``: 2021–2025 for each official indicator, fictional (示例), deterministic."""
    import csv

    rng = np.random.default_rng(seed + 7)
    path = out / "official_statistics.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["indicator_id", "period", "value", "publisher", "published_on", "source"])
        for ind, (base, growth) in DEMO_STATISTICS.items():
            value = base
            for year in range(2021, 2026):
                w.writerow([ind, year, round(value, 1), "示例统计局（虚构）", f"{year + 1}-03-20",
                            "示例数据，非真实统计 / fictional demo data"])
                value *= 1 + growth + float(rng.normal(0, 0.02))
    return path


def load_demo(
    scale: str = "s", seed: int = 20260301, out_dir: Path | None = None, *, engine: Engine,
    progress: Progress | None = None,
) -> ImportReport:
    """Generate the demo city and import it (all-or-nothing, like any import), then its trade flows (EPCIS events,
    ``demo.trade``)."""
    files = generate(scale, seed, out_dir)
    report = import_files(files.import_paths(), engine=engine, progress=progress)
    if report.ok:
        from chainatlas.demo.collab import load_collab_demo
        from chainatlas.demo.consolidation import load_consolidation_demo
        from chainatlas.demo.digital import load_digital_demo
        from chainatlas.demo.trade import load_trade_demo

        load_trade_demo(engine, seed=seed)
        load_collab_demo(engine, seed=seed)
        load_consolidation_demo(engine, seed=seed)
        load_digital_demo(engine, seed=seed)
    return report
