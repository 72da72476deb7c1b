"""Digital maturity along the chains (链式转型): per segment of a chain, how many of the local firms placed on it have
a known 数字化水平 level and how they spread over the levels; and the 龙头+配套 view — a chain leader's suppliers in
its latest period of purchases, with their levels. The level is the rules' ``digital_level`` input as of the day
(the latest self-assessment or reported level on or before it); docs/digital.md."""

from __future__ import annotations

import polars as pl

LEVELS = (0, 1, 2, 3, 4)


def by_segment(inputs: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """For each segment of ``segments`` (code, name_zh, name_en, stage): firms placed on it, firms with a known level,
    their share, the count at each level 0–4 and the mean level of the known ones. ``inputs`` has one row per local
    firm with ``segments`` (list of codes) and ``digital_level``.

    >>> inp = pl.DataFrame({"uscc": ["a", "b", "c"], "segments": [["s1"], ["s1", "s2"], ["s2"]], "digital_level": [1, 3, None]})
    >>> seg = pl.DataFrame({"code": ["s1", "s2"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"], "stage": ["up", "mid"]})
    >>> by_segment(inp, seg).select("code", "firms", "known", "level_1", "level_3", "mean_level").rows()
    [('s1', 2, 2, 1, 1, 2.0), ('s2', 2, 1, 0, 1, 3.0)]
    """
    placed = inputs.select("uscc", pl.col("segments").alias("code"), pl.col("digital_level").cast(pl.Int64)).explode("code")
    agg = placed.group_by("code").agg(
        pl.len().cast(pl.Int64).alias("firms"), pl.col("digital_level").is_not_null().sum().cast(pl.Int64).alias("known"),
        *[(pl.col("digital_level") == lv).sum().cast(pl.Int64).alias(f"level_{lv}") for lv in LEVELS],
        pl.col("digital_level").mean().alias("mean_level"))
    out = segments.select("code", "name_zh", "name_en", "stage").join(agg, on="code", how="left")
    counts = ["firms", "known", *[f"level_{lv}" for lv in LEVELS]]
    return out.with_columns(pl.col(counts).fill_null(0)).with_columns(
        pl.when(pl.col("firms") > 0).then(pl.col("known") / pl.col("firms")).alias("known_share"))


def suppliers(links: pl.DataFrame, leader: str, inputs: pl.DataFrame) -> pl.DataFrame:
    """The leader's suppliers in its latest period of purchases (supply links with ``buyer_uscc`` = ``leader``), the
    value bought from each, and each one's level (null for a firm outside the city or without a known level).

    >>> ln = pl.DataFrame({"supplier_uscc": ["a", "b", "a"], "buyer_uscc": ["L", "L", "L"], "period": ["2024", "2025", "2025"],
    ...                    "value_yuan": [9.0, 5.0, 7.0]})
    >>> suppliers(ln, "L", pl.DataFrame({"uscc": ["a"], "digital_level": [2]})).rows()
    [('a', 7.0, '2025', 2, True), ('b', 5.0, '2025', None, False)]
    """
    own = links.filter(pl.col("buyer_uscc") == leader)
    if own.is_empty():
        return pl.DataFrame(schema={"uscc": pl.String, "value_yuan": pl.Float64, "period": pl.String,
                                    "digital_level": pl.Int64, "local": pl.Boolean})
    latest = own["period"].cast(pl.String).max()
    per = own.filter(pl.col("period").cast(pl.String) == latest).group_by(pl.col("supplier_uscc").alias("uscc")).agg(
        pl.col("value_yuan").cast(pl.Float64).sum())
    lv = inputs.select("uscc", pl.col("digital_level").cast(pl.Int64), pl.lit(True).alias("local"))
    return per.with_columns(pl.lit(latest).alias("period")).join(lv, on="uscc", how="left").with_columns(
        pl.col("local").fill_null(False)).sort("value_yuan", "uscc", descending=[True, False])


def summary(frame: pl.DataFrame, weight: str | None = None) -> dict[str, object]:
    """Count at each level, the share of firms (or of ``weight``) with a known level, and the mean known level (or
    its ``weight``-weighted mean)."""
    known = frame.filter(pl.col("digital_level").is_not_null())

    def w(f: pl.DataFrame) -> float:
        return float(f[weight].sum()) if weight else float(f.height)

    total = w(frame)
    mean = None
    if known.height:
        lv = known["digital_level"].cast(pl.Float64)
        mean = float((lv * known[weight]).sum()) / w(known) if weight else float(lv.sum()) / known.height
    return {"firms": frame.height, "known": known.height, "known_share": (w(known) / total) if total else None,
            "mean_level": mean, "levels": {str(lv): int((known["digital_level"] == lv).sum()) for lv in LEVELS}}
