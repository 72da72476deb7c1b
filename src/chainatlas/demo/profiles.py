"""Demo enterprise indicators (示例数据 — fictional): the ``enterprise_profiles`` table for the tier and policy rules.

Indicators follow each firm's size and R&D intensity from the register with noise; a share of cells is left
blank (about 12 % per indicator, more for MIIT's evaluation score and the provincial distinctiveness score) so
that the rules meet unknowns as they will with a city's real, incomplete data.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from chainatlas.exchange.spec import IP_CLASSES, RD_LEVELS

AS_OF = dt.date(2025, 12, 31)
SOURCE = "示例数据 demo（企业填报）"


def generate_profiles(enterprises: pl.DataFrame, home: str = "4101", seed: int = 20260301) -> pl.DataFrame:
    """One indicator row per local enterprise of ``enterprises`` (register columns as in the exchange spec)."""
    ent = enterprises.filter(pl.col("region_code").cast(pl.String).str.starts_with(home))
    n = ent.height
    rng = np.random.default_rng(seed + 7)
    revenue = ent["revenue_yuan"].fill_null(0).to_numpy().astype(float)
    rd = ent["rd_spend_yuan"].fill_null(0).to_numpy().astype(float)
    rd_ratio = np.divide(rd, revenue, out=np.zeros(n), where=revenue > 0)
    patents = ent["invention_patents"].fill_null(0).to_numpy()
    srdi = ent["is_srdi"].fill_null(False).to_numpy()
    founded = ent["founded_on"].to_numpy()
    age = np.clip((np.datetime64(AS_OF) - founded).astype("timedelta64[D]").astype(float) / 365.25, 0, 60)
    ip_idx = np.select([patents >= 8, patents >= 3, patents >= 1, rng.random(n) < 0.4], [0, 1, 2, 3], 4)
    inst = np.select([revenue > 2e9, (revenue > 3e8) & (rng.random(n) < 0.5), rd_ratio > 0.04, rd_ratio > 0.02], [0, 1, 2, 3], 4)
    cols: dict[str, np.ndarray] = {
        "years_in_niche": np.round(age * rng.uniform(0.4, 1.0, n), 1),
        "main_business_share": np.round(np.clip(rng.beta(8, 1.6, n), 0.3, 1.0), 3),
        "main_revenue_growth": np.round(rng.normal(0.07, 0.09, n), 3),
        "debt_ratio": np.round(np.clip(rng.beta(4, 4, n), 0.05, 0.98), 3),
        "rd_ratio": np.round(rd_ratio, 4),
        "rd_ratio_prev": np.round(np.clip(rd_ratio * rng.normal(1.0, 0.15, n), 0, 0.5), 4),
        "rd_spend_2y_yuan": np.round(rd * rng.uniform(1.7, 2.1, n), -2),
        "rd_staff_share": np.round(np.clip(rd_ratio * rng.uniform(2.5, 5.0, n), 0, 0.9), 3),
        "ip_class": np.array(IP_CLASSES, dtype=object)[ip_idx],
        "class1_ip_count": patents,
        "strategic_emerging": rng.random(n) < 0.55,
        "key_field": rng.random(n) < 0.25,
        "rd_institution_level": np.array(RD_LEVELS, dtype=object)[inst],
        "st_award_3y": rng.random(n) < 0.04,
        "valid_honour": ent["is_high_tech"].fill_null(False).to_numpy() & (rng.random(n) < 0.9),
        "maker_china_top500": rng.random(n) < 0.01,
        "equity_financing_2y_yuan": np.where(rng.random(n) < 0.08, np.round(rng.lognormal(16.5, 1.2, n), -4), 0.0),
        "net_margin": np.round(rng.normal(0.06, 0.05, n), 3),
        "digital_level": np.clip(np.round(rng.normal(2.0 + srdi * 0.6, 0.8, n)), 1, 4).astype(np.int64),
        "quality_items": np.clip(rng.poisson(1.2 + srdi, n), 0, 4),
        "distinctive_score": np.round(rng.uniform(3, 15, n)),
        "market_share": np.round(np.clip(rng.lognormal(-3.5, 1.0, n) * (1 + revenue / 5e8), 0, 0.8), 3),
        "top3_national": rng.random(n) < 0.05,
        "miit_eval_score": np.round(np.clip(rng.normal(48 + srdi * 10, 12, n), 0, 100), 1),
        "is_innovative": srdi | (rng.random(n) < 0.2),
        "compute_spend_yuan": np.where(rng.random(n) < 0.3, np.round(rng.lognormal(12.0, 1.0, n), -2), 0.0),
        "model_spend_yuan": np.where(rng.random(n) < 0.25, np.round(rng.lognormal(11.5, 0.9, n), -2), 0.0),
        "digital_spend_yuan": np.where(rng.random(n) < 0.3, np.round(rng.lognormal(11.5, 0.8, n), -2), 0.0),
        "interns_6m": np.where(rng.random(n) < 0.3, rng.poisson(4, n), 0),
        "credit_ok": rng.random(n) < 0.93,
    }
    cols["equity_financing_3y_yuan"] = np.round(cols["equity_financing_2y_yuan"] * rng.uniform(1.0, 1.6, n), -4)
    blank = {"miit_eval_score": 0.45, "distinctive_score": 0.35}
    frame = pl.DataFrame({"uscc": ent["uscc"], **{k: v for k, v in cols.items()}})
    frame = frame.with_columns([
        pl.when(pl.Series(rng.random(n) < blank.get(k, 0.12))).then(None).otherwise(pl.col(k)).alias(k) for k in cols])
    return frame.with_columns(pl.lit(SOURCE).alias("source"), pl.lit(AS_OF).alias("as_of"))
