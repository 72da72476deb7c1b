"""Disruption scenarios (断供情景推演): stop a set of enterprises, a region, a country or a segment for some weeks
and follow the shortfall through the supply graph, week by week, with each firm's buffers and recovery time.

The model (docs/metrics.md, "Disruption scenarios") runs on one period's supply links (the same index as the
exposure view). Per week t (0 = the first week of the disruption), with one week of transport lead time:

* availability a_j(t): 0 while j is disrupted (weeks 0 … W−1), then rising linearly back to 1 over its
  recovery time R_j (``recovery_weeks``; a_j(W + r) = min(1, (r + 1) / R_j)); 1 for firms not disrupted. A
  disrupted segment stops its goods on every link the same way (the sellers keep making other goods).
* received_g(t) = Σ_{e ∈ g} F_e · x_{s(e)}(t − 1) · a_seg(e)(t − 1) for each input g = (buyer, segment), where
  F_e = the link's value ÷ 52 (its normal weekly flow) and x(−1) = 1;
* output level x_j(t) = min(a_j(t), min_g (received_g(t) + B_g(t)) / F_g, 1) with F_g = Σ_{e∈g} F_e;
* buffer B_g(0) = ``stock_weeks`` · F_g; B_g(t + 1) = min(B_g(0), B_g(t) + received_g(t) − x_j(t) · F_g):
  stock is used up, refilled by what arrives beyond use, never above its normal level.

Lost output value of j = Σ_t (1 − x_j(t)) · O_j over the horizon, with O_j = j's normal weekly output =
max(revenue, purchases and sales in the period's links) ÷ 52. Time until impact = the first week with
x_j < 1 (None: not reached within the horizon). Shortfalls are proportional (every customer of a supplier loses the
same share), the model of a "fair-share" allocation; it does not reroute to alternative suppliers beyond those
already in use (buffers and existing multi-sourcing are what absorb a shock).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from chainatlas.analysis.snapshot import Snapshot, in_period, is_local
from chainatlas.messages import InvalidInput

WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class SupplyIndex:
    """One period's purchases grouped by buyer (CSR: edges ``indptr[b]:indptr[b+1]`` are b's purchases), each
    edge in its (buyer, input segment) group; groups are ordered by buyer."""

    ids: np.ndarray  # node number → USCC
    number: dict[str, int]
    indptr: np.ndarray
    supplier: np.ndarray  # per edge
    value: np.ndarray  # per edge, yuan in the period
    group: np.ndarray  # per edge
    group_buyer: np.ndarray
    group_segment: np.ndarray


def supply_index(snap: Snapshot, period: str) -> SupplyIndex:
    """The period's :class:`SupplyIndex`, built once per snapshot."""
    return snap.memo(("supply_index", period), lambda: _build_index(snap, period))  # type: ignore[no-any-return]


def _build_index(snap: Snapshot, period: str) -> SupplyIndex:
    links = (snap.links.lazy().filter(in_period(period))
             .group_by("supplier_uscc", "buyer_uscc", "segment_code").agg(pl.col("value_yuan").sum())
             .filter(pl.col("value_yuan") > 0).collect())
    ids = pl.concat([links["supplier_uscc"], links["buyer_uscc"]]).unique().sort()
    codes = pl.DataFrame({"uscc": ids, "n": pl.int_range(0, ids.len(), eager=True, dtype=pl.Int64)})
    links = (links.join(codes.rename({"uscc": "supplier_uscc", "n": "s"}), on="supplier_uscc")
             .join(codes.rename({"uscc": "buyer_uscc", "n": "b"}), on="buyer_uscc").sort("b", "segment_code", "s"))
    groups = links.select("b", "segment_code").unique(maintain_order=True).with_row_index("g")
    links = links.join(groups, on=["b", "segment_code"], maintain_order="left")
    indptr = np.zeros(ids.len() + 1, dtype=np.int64)
    np.cumsum(np.bincount(links["b"].to_numpy(), minlength=ids.len()), out=indptr[1:])
    return SupplyIndex(np.array(ids.to_list(), dtype=object), {u: i for i, u in enumerate(ids.to_list())}, indptr,
                       links["s"].to_numpy(), links["value_yuan"].to_numpy().astype(float),
                       links["g"].to_numpy().astype(np.int64), groups["b"].to_numpy(),
                       np.array(groups["segment_code"].to_list(), dtype=object))
Kind = Literal["enterprise", "region", "country", "segment"]
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass(frozen=True)
class Disruption:
    """What stops: ``enterprise`` (a USCC), ``region`` (a division-code prefix, 41 = Henan), ``country`` (ISO
    3166 alpha-2) or ``segment`` (a chain segment code, e.g. ``nev.pack``)."""

    kind: Kind
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def parse_disruption(text: str) -> Disruption:
    """``kind:value``, or a bare value whose form tells the kind.

    >>> parse_disruption("region:4101")
    Disruption(kind='region', value='4101')
    >>> parse_disruption("DE"), parse_disruption("41"), parse_disruption("nev.pack")
    (Disruption(kind='country', value='DE'), Disruption(kind='region', value='41'), Disruption(kind='segment', value='nev.pack'))
    """
    text = text.strip()
    kind, sep, value = text.partition(":")
    if sep:
        if kind not in ("enterprise", "region", "country", "segment") or not value:
            raise InvalidInput(f"断供对象无法识别：{text!r}，请用 enterprise:、region:、country: 或 segment: 加取值",
                               f"cannot read the disruption {text!r}: use enterprise:, region:, country: or segment: "
                               "followed by a value")
        return Disruption(kind, value.strip())  # type: ignore[arg-type]
    if _USCC.match(text):
        return Disruption("enterprise", text)
    if text.isdigit() and 2 <= len(text) <= 6:
        return Disruption("region", text)
    if len(text) == 2 and text.isalpha() and text.isupper():
        return Disruption("country", text)
    if "." in text:
        return Disruption("segment", text)
    raise InvalidInput(f"断供对象无法识别：{text!r}，请给出统一社会信用代码、行政区划代码前缀、国家代码或环节代码",
                       f"cannot read the disruption {text!r}: give a USCC, a division-code prefix, a country code or a "
                       "segment code (or kind:value)")


@dataclass
class ScenarioSpec:
    """A named scenario: what stops, for how long, under which buffer and recovery assumptions."""

    name: str
    disrupt: list[Disruption]
    weeks: float
    horizon_weeks: int | None = None  # default: weeks + recovery + 12
    stock_weeks: float = 2.0
    recovery_weeks: float = 4.0
    period: str | None = None
    home: str = "4101"
    overrides: dict[str, dict[str, float]] = field(default_factory=dict)  # uscc → stock_weeks / recovery_weeks

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["disrupt"] = [str(x) for x in self.disrupt]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScenarioSpec:
        d = dict(d)
        d["disrupt"] = [x if isinstance(x, Disruption) else parse_disruption(str(x)) for x in d.get("disrupt", [])]
        return cls(**d)


Progress = Callable[[int, int], None]


def run_scenario(snap: Snapshot, spec: ScenarioSpec, progress: Progress | None = None) -> dict[str, Any]:
    """Simulate ``spec`` on the snapshot; impact per chain leader, per chain and week by week (local output)."""
    if spec.weeks <= 0:
        raise InvalidInput("断供周数须大于 0", "weeks must be > 0")
    if not spec.disrupt:
        raise InvalidInput("请至少给出一个断供对象", "give at least one disruption")
    periods = snap.periods()
    period = spec.period or (periods[-1] if periods else None)
    if period is None:
        raise InvalidInput("没有供应链数据", "there are no supply links")
    ix = supply_index(snap, period)
    n = len(ix.ids)
    if n == 0:  # a saved scenario's period may have no links (left) on the current data
        raise InvalidInput(f"{period} 年没有金额为正的供应链数据（可选期间：{', '.join(periods) or '无'}）",
                           f"there are no supply links with a positive value in {period} (periods: {', '.join(periods) or 'none'})")
    ents = snap.enterprises.select("uscc", "name", "region_code", "country_code", "revenue_yuan", "is_chain_leader")
    nodes = pl.DataFrame({"uscc": ix.ids.tolist(), "j": np.arange(n)}).join(ents, on="uscc", how="left", maintain_order="left")
    region = nodes["region_code"].fill_null("").to_numpy().astype(str)
    country = nodes["country_code"].fill_null("CN").to_numpy().astype(str)
    buyer_of_edge = np.repeat(np.arange(n), np.diff(ix.indptr))
    sold = np.bincount(ix.supplier, weights=ix.value, minlength=n)
    bought = np.bincount(buyer_of_edge, weights=ix.value, minlength=n)
    revenue = nodes["revenue_yuan"].fill_null(0.0).to_numpy().astype(float)
    weekly_output = np.maximum.reduce([revenue, sold, bought]) / WEEKS_PER_YEAR

    down = np.zeros(n, dtype=bool)
    seg_down: set[str] = set()
    unknown: list[str] = []
    for d in spec.disrupt:
        if d.kind == "enterprise":
            if d.value in ix.number:
                down[ix.number[d.value]] = True
            else:
                unknown.append(str(d))
        elif d.kind == "region":
            hit = np.char.startswith(region, d.value)
            down |= hit
            if not hit.any():
                unknown.append(str(d))
        elif d.kind == "country":
            hit = country == d.value
            down |= hit
            if not hit.any():
                unknown.append(str(d))
        else:
            if not (ix.group_segment == d.value).any():
                unknown.append(str(d))
            seg_down.add(d.value)
    if len(unknown) == len(spec.disrupt):
        raise InvalidInput(f"所选断供对象在 {period} 年的供应链中找不到：{', '.join(unknown)}",
                           f"none of {', '.join(unknown)} appears in the supply links of {period}")

    recovery = np.full(n, float(spec.recovery_weeks))
    stock = np.full(n, float(spec.stock_weeks))
    for uscc, values in spec.overrides.items():
        if uscc in ix.number:
            recovery[ix.number[uscc]] = values.get("recovery_weeks", recovery[ix.number[uscc]])
            stock[ix.number[uscc]] = values.get("stock_weeks", stock[ix.number[uscc]])
    horizon = spec.horizon_weeks or int(np.ceil(spec.weeks + max(spec.recovery_weeks, recovery.max(initial=0)) + 12))

    flow = ix.value / WEEKS_PER_YEAR
    n_groups = len(ix.group_buyer)
    group_flow = np.bincount(ix.group, weights=flow, minlength=n_groups)
    group_stock = stock[ix.group_buyer] * group_flow
    buffer = group_stock.copy()
    edge_segment_down = np.isin(ix.group_segment[ix.group], list(seg_down)) if seg_down else np.zeros(len(flow), bool)
    # groups are ordered by buyer: reduceat over each buyer's first group gives the scarcest input per buyer
    has_groups = np.bincount(ix.group_buyer, minlength=n) > 0
    first_group = np.searchsorted(ix.group_buyer, np.flatnonzero(has_groups))

    def ramp(t: int, rec: np.ndarray) -> np.ndarray:
        if t < spec.weeks:
            return np.zeros_like(rec)
        level: np.ndarray = np.minimum(1.0, (t - spec.weeks + 1) / np.maximum(rec, 1e-9))
        return level

    level_prev = np.ones(n)
    seg_prev = 1.0
    levels = np.empty((horizon, n))
    for t in range(horizon):
        avail = np.where(down, ramp(t, recovery), 1.0)
        edge_level = level_prev[ix.supplier] * np.where(edge_segment_down, seg_prev, 1.0)
        received = np.bincount(ix.group, weights=flow * edge_level, minlength=n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            can = np.where(group_flow > 0, (received + buffer) / group_flow, np.inf)
        scarce = np.full(n, np.inf)
        if len(first_group):
            scarce[has_groups] = np.minimum.reduceat(can, first_group)
        level = np.minimum(np.minimum(avail, scarce), 1.0)
        buffer = np.minimum(group_stock, buffer + received - level[ix.group_buyer] * group_flow)
        levels[t] = level
        level_prev = level
        seg_prev = float(ramp(t, np.array([spec.recovery_weeks]))[0])
        if progress:
            progress(t + 1, horizon)

    shortfall = 1.0 - levels
    lost = shortfall.sum(axis=0) * weekly_output
    hit = shortfall > 1e-9
    first = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
    local = nodes.select(is_local(spec.home)).to_series().fill_null(False).to_numpy()
    result_nodes = nodes.select("uscc", "name", "region_code", "country_code", "is_chain_leader").with_columns(
        pl.Series("local", local), pl.Series("disrupted", down), pl.Series("lost_output_yuan", lost),
        pl.Series("first_impact_week", first).replace(-1, None), pl.Series("min_level", levels.min(axis=0)),
        pl.Series("weeks_impacted", hit.sum(axis=0)), pl.Series("weekly_output_yuan", weekly_output))
    leaders = (result_nodes.filter(pl.col("is_chain_leader").fill_null(False) & pl.col("local"))
               .drop("is_chain_leader", "local").sort(["lost_output_yuan", "uscc"], descending=[True, False]))
    placed = snap.placements.select("uscc", "segment_code").join(
        snap.segments.select(pl.col("code").alias("segment_code"), "chain_id"), on="segment_code").unique(["uscc", "chain_id"])
    chains = (result_nodes.filter(pl.col("local")).join(placed, on="uscc")
              .group_by("chain_id").agg(pl.len().alias("local_enterprises"),
                                        (pl.col("first_impact_week").is_not_null()).sum().alias("impacted"),
                                        pl.col("lost_output_yuan").sum(), pl.col("first_impact_week").min(),
                                        pl.col("weekly_output_yuan").sum().alias("weekly_output_yuan"))
              .with_columns((pl.col("lost_output_yuan") / pl.col("weekly_output_yuan")).alias("lost_weeks_of_output"))
              .sort("lost_output_yuan", descending=True))
    local_out = weekly_output * local
    timeline = [{"week": t, "local_output_level": float(levels[t] @ local_out / local_out.sum()) if local_out.sum() else 1.0}
                for t in range(horizon)]
    impacted_local = result_nodes.filter(pl.col("local") & pl.col("first_impact_week").is_not_null())
    return {
        "spec": spec.to_dict(), "period": period, "horizon_weeks": horizon, "unmatched": unknown,
        "summary": {"disrupted": int(down.sum()), "disrupted_segments": sorted(seg_down),
                    "impacted_local_enterprises": impacted_local.height,
                    "lost_local_output_yuan": float(impacted_local["lost_output_yuan"].sum()),
                    "impacted_leaders": int(leaders["first_impact_week"].is_not_null().sum()),
                    "first_leader_impact_week": leaders["first_impact_week"].min()},
        "leaders": leaders.to_dicts(), "chains": chains.to_dicts(), "timeline": timeline,
        "top_impacted": impacted_local.sort("lost_output_yuan", descending=True).head(50).drop("is_chain_leader").to_dicts(),
    }


def compare(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leaders side by side: one row per chain leader, ``lost_<i>`` and ``week_<i>`` per scenario i."""
    rows: dict[str, dict[str, Any]] = {}
    for i, res in enumerate(results):
        for r in res["leaders"]:
            row = rows.setdefault(r["uscc"], {"uscc": r["uscc"], "name": r["name"]})
            row[f"lost_{i}"] = r["lost_output_yuan"]
            row[f"week_{i}"] = r["first_impact_week"]
    return sorted(rows.values(), key=lambda r: -max(v for k, v in r.items() if k.startswith("lost_")))
