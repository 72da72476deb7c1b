"""The chain atlas (产业链图谱): per segment, the local base and how much of the segment's goods the chain's
local buyers buy locally; a status 强/较强/弱/缺; and the value flowing between segments.

Definitions and thresholds: docs/metrics.md and ``thresholds.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from chainatlas import vocabulary
from chainatlas.analysis.snapshot import Snapshot, in_period, is_local

STATUS_ZH = vocabulary.names("link_status")  # strong 强, medium 较强, weak 弱, missing 缺
THRESHOLDS_FILE = Path(__file__).parent / "thresholds.yaml"


@lru_cache(maxsize=4)
def load_thresholds(path: str | None = None) -> dict[str, Any]:
    """The status thresholds: ``path``, else the file of ``CHAINATLAS_ATLAS_THRESHOLDS``, else the shipped one."""
    from chainatlas.settings import get_settings

    chosen = Path(path or get_settings().atlas_thresholds or THRESHOLDS_FILE)
    return yaml.safe_load(chosen.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def segment_status(local_enterprises: int, inputs_value: float, local_share: float | None, t: dict[str, Any]) -> str:
    """强/较强/弱/缺 for one segment.

    >>> t = load_thresholds()
    >>> segment_status(0, 0.0, None, t), segment_status(4, 100.0, 0.6, t), segment_status(4, 100.0, 0.3, t)
    ('missing', 'strong', 'medium')
    >>> segment_status(2, 100.0, 0.1, t), segment_status(12, 0.0, None, t), segment_status(2, 0.0, None, t)
    ('weak', 'strong', 'weak')
    """
    if local_enterprises == 0:
        return "missing"
    if inputs_value > 0 and local_share is not None:
        w = t["with_purchases"]
        for status in ("strong", "medium"):
            if local_share >= w[status]["min_local_share"] and local_enterprises >= w[status]["min_local_enterprises"]:
                return status
        return "weak"
    w = t["without_purchases"]
    for status in ("strong", "medium"):
        if local_enterprises >= w[status]["min_local_enterprises"]:
            return status
    return "weak"


def chain_frames(snap: Snapshot, chain_id: str, home: str) -> dict[str, pl.DataFrame]:
    """The chain's derived frames for a home area, computed once per snapshot: its local placed enterprises,
    and the purchases of its goods by its local buyers (all periods) with supplier locality and the buyer's
    main segment."""

    def compute() -> dict[str, pl.DataFrame]:
        segs = snap.chain_segments(chain_id)
        codes = segs["code"].implode()
        local_ents = snap.enterprises.filter(is_local(home)).select(
            "uscc", "is_above_scale", "is_srdi", "is_little_giant", "is_chain_leader", "revenue_yuan")
        local_ids = local_ents["uscc"].implode()
        local_placed = snap.placements.filter(pl.col("segment_code").is_in(codes)).join(local_ents, on="uscc")
        buyers = local_placed["uscc"].unique()
        # each local buyer's main segment in the chain: highest confidence, ties by segment code
        primary = (local_placed.select(pl.col("uscc").alias("buyer_uscc"), pl.col("segment_code").alias("to_segment"),
                                       "confidence")
                   .sort(["buyer_uscc", "confidence", "to_segment"], descending=[False, True, False])
                   .unique("buyer_uscc", keep="first").drop("confidence"))
        links = (snap.links.filter(pl.col("segment_code").is_in(codes) & pl.col("buyer_uscc").is_in(buyers.implode()))
                 .with_columns(pl.col("supplier_uscc").is_in(local_ids).alias("supplier_local"))
                 .join(primary, on="buyer_uscc", how="left"))
        return {"segments": segs, "local_placed": local_placed.drop("confidence", "evidence"), "links": links}

    return snap.memo(("chain", chain_id, home), compute, persist=True)  # type: ignore[no-any-return]


def chain_atlas(snap: Snapshot, chain_id: str, *, home: str, period: str | None = None,
                thresholds: dict[str, Any] | None = None) -> dict[str, Any]:
    """The atlas of ``chain_id`` for ``period`` (default: the latest period with links).

    On the three-firm example (:func:`~chainatlas.analysis.snapshot.example`: A buys packs for 300 yuan from B, local,
    and for 100 from C, in Suzhou):

    >>> from chainatlas.analysis.snapshot import example
    >>> snap = example()
    >>> pack = next(s for s in chain_atlas(snap, "nev", home="4101")["segments"] if s["code"] == "nev.pack")
    >>> pack["local_enterprises"], pack["inputs_value_yuan"], pack["inputs_local_value_yuan"], pack["local_share"]
    (1, 400.0, 300.0, 0.75)
    """
    if snap.chain_segments(chain_id).height == 0:
        raise KeyError(chain_id)
    t = thresholds or load_thresholds()
    periods = snap.periods()
    period = period or (periods[-1] if periods else None)
    frames = chain_frames(snap, chain_id, home)
    segs = frames["segments"]
    base = frames["local_placed"].group_by("segment_code").agg(
        pl.len().alias("local_enterprises"),
        pl.col("is_above_scale").fill_null(False).sum().alias("above_scale"),
        (pl.col("is_srdi").fill_null(False) | pl.col("is_little_giant").fill_null(False)).sum().alias("srdi_or_little_giant"),
        pl.col("is_chain_leader").fill_null(False).sum().alias("chain_leaders"),
        pl.col("revenue_yuan").fill_null(0).sum().alias("output_value_yuan"),
    )
    inputs = snap.memo(("inputs", chain_id, home, str(period)), lambda: _inputs(frames["links"], period), persist=True)
    table = (segs.select("code", "name_zh", "name_en", "stage", "is_key", "feeds_into")
             .join(base, left_on="code", right_on="segment_code", how="left")
             .join(inputs, left_on="code", right_on="segment_code", how="left")
             .with_columns(pl.col(c).fill_null(0) for c in ("local_enterprises", "above_scale", "srdi_or_little_giant",
                                                            "chain_leaders", "output_value_yuan", "inputs_value_yuan",
                                                            "inputs_local_value_yuan", "local_suppliers_serving",
                                                            "inputs_suppliers", "inputs_buyers")))
    rows = []
    for r in table.iter_rows(named=True):
        share = r["inputs_local_value_yuan"] / r["inputs_value_yuan"] if r["inputs_value_yuan"] else None
        status = segment_status(int(r["local_enterprises"]), float(r["inputs_value_yuan"]), share, t)
        rows.append({**r, "local_share": share, "status": status, "status_zh": STATUS_ZH[status]})
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    rows.sort(key=lambda r: (order[r["stage"]], r["code"]))
    return {"chain": chain_id, "period": period, "periods": periods, "home": home, "as_of": snap.as_of,
            "data_version": snap.version, "segments": rows, "flows": segment_flows(snap, chain_id, home=home, period=period)}


def _inputs(links: pl.DataFrame, period: str | None) -> pl.DataFrame:
    """Per segment: the chain's local buyers' purchases of its goods in ``period`` (cached per data version)."""
    return links.filter(in_period(period)).group_by("segment_code").agg(
        pl.col("value_yuan").sum().alias("inputs_value_yuan"),
        pl.col("value_yuan").filter(pl.col("supplier_local")).sum().alias("inputs_local_value_yuan"),
        pl.col("supplier_uscc").filter(pl.col("supplier_local")).n_unique().alias("local_suppliers_serving"),
        pl.col("supplier_uscc").n_unique().alias("inputs_suppliers"),
        pl.col("buyer_uscc").n_unique().alias("inputs_buyers"),
    )


def segment_flows(snap: Snapshot, chain_id: str, *, home: str, period: str | None) -> list[dict[str, Any]]:
    """Value of the chain's goods flowing from segment S (the goods' segment) to segment T (the buying local
    enterprise's main placement in the chain), split local / non-local by supplier."""
    flows: pl.DataFrame = snap.memo(("flows", chain_id, home, str(period)),
                                    lambda: _flows(chain_frames(snap, chain_id, home)["links"], period), persist=True)
    return flows.to_dicts()


def _flows(all_links: pl.DataFrame, period: str | None) -> pl.DataFrame:
    links = all_links.filter(in_period(period) & pl.col("to_segment").is_not_null())
    flows = (links.group_by(pl.col("segment_code").alias("from_segment"), "to_segment")
             .agg(pl.col("value_yuan").sum().alias("value_yuan"),
                  pl.col("value_yuan").filter(pl.col("supplier_local")).sum().alias("local_value_yuan"),
                  pl.col("supplier_uscc").n_unique().alias("suppliers"),
                  pl.col("supplier_uscc").filter(pl.col("supplier_local")).n_unique().alias("local_suppliers"),
                  pl.col("buyer_uscc").n_unique().alias("buyers"))
             .with_columns((pl.col("local_value_yuan") / pl.col("value_yuan")).alias("local_share"))
             .filter(pl.col("from_segment") != pl.col("to_segment"))
             .sort(["from_segment", "to_segment"]))
    return flows
