"""Where an indicator stands against its target: the gap, the growth needed per year to reach it, and a projection of
the trend — pure arithmetic on a series of (year, value), each formula stated.

- gap = target − latest (for an indicator where lower is better: latest − target); ≤ 0 means reached.
- growth needed per year (compound) g = (target ÷ latest)^(1 ÷ (target year − latest year)) − 1.
- projection: ordinary least squares of ln(value) on the year (a log-linear trend, i.e. constant growth), evaluated at
  the target year, with a 95 % prediction interval ŷ ± t₀.₉₇₅,ₙ₋₂ · s · √(1 + 1/n + (x − x̄)² / Σ(xᵢ − x̄)²) taken
  back with exp; needs at least three years with positive values. It is a projection of the past trend, not a
  forecast, and is labelled so.
"""

from __future__ import annotations

import math
from typing import Any


def gap(latest: float, target: float, *, lower_is_better: bool = False) -> float:
    """How far the latest value is from the target (≤ 0: reached).

    >>> gap(80, 110), gap(120, 110), gap(30, 24, lower_is_better=True)
    (30, -10, 6)
    """
    return latest - target if lower_is_better else target - latest


def growth_needed(latest: float, latest_year: int, target: float, target_year: int) -> float | None:
    """The compound growth per year from ``latest`` (in ``latest_year``) to ``target`` (in ``target_year``); None when
    it cannot be said (no years left, or a value not positive).

    >>> round(growth_needed(100, 2025, 161.051, 2030), 4)
    0.1
    >>> growth_needed(100, 2030, 120, 2030) is None
    True
    """
    years = target_year - latest_year
    if years <= 0 or latest <= 0 or target <= 0:
        return None
    return float((target / latest) ** (1 / years) - 1)


def projection(series: list[tuple[int, float]], year: int, level: float = 0.95) -> dict[str, Any] | None:
    """The log-linear trend of ``series`` (year, value) at ``year`` with its prediction interval; None with fewer than
    three positive points.

    A series growing exactly 10 % a year projects exactly, with a zero-width interval:

    >>> p = projection([(2021, 100.0), (2022, 110.0), (2023, 121.0), (2024, 133.1)], 2026)
    >>> round(p["value"], 2), round(p["low"], 2), round(p["high"], 2), round(p["growth_per_year"], 4)
    (161.05, 161.05, 161.05, 0.1)
    """
    from scipy import stats

    points = [(x, v) for x, v in series if v is not None and v > 0]
    n = len(points)
    if n < 3:
        return None
    xs = [float(x) for x, _ in points]
    ys = [math.log(v) for _, v in points]
    fit = stats.linregress(xs, ys)
    mean_x = sum(xs) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    residual = [y - (fit.intercept + fit.slope * x) for x, y in zip(xs, ys, strict=True)]
    s = math.sqrt(sum(r * r for r in residual) / (n - 2))
    y_hat = fit.intercept + fit.slope * year
    half = float(stats.t.ppf(0.5 + level / 2, n - 2)) * s * math.sqrt(1 + 1 / n + (year - mean_x) ** 2 / sxx)
    return {"year": year, "value": math.exp(y_hat), "low": math.exp(y_hat - half), "high": math.exp(y_hat + half),
            "level": level, "growth_per_year": math.exp(fit.slope) - 1, "points": n,
            "method": {"zh": "对数线性趋势（按年份对 ln(值) 做最小二乘）外推，95% 预测区间；为趋势外推，不是预测",
                       "en": "log-linear trend (least squares of ln(value) on the year) extrapolated, 95 % prediction "
                             "interval; a projection of the trend, not a forecast"}}
