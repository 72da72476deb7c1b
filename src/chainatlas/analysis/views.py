"""The analyses as a viewer may see them: with small-cell suppression for anyone without row access to supply links
(:mod:`chainatlas.analysis.suppression`), composed once for the API and the pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from chainatlas.analysis.atlas import chain_atlas
from chainatlas.analysis.geography import district_measures
from chainatlas.analysis.snapshot import Snapshot
from chainatlas.analysis.supporting_rate import leaders_rates, supporting_rate
from chainatlas.analysis.suppression import (
    MIN_ENTERPRISES,
    NOTE,
    suppress_atlas,
    suppress_districts,
    suppress_rates,
)
from chainatlas.registry.queries import divisions, get_chain


def atlas_for(snap: Snapshot, chain_id: str, *, home: str, period: str | None = None, rows_ok: bool) -> dict[str, Any]:
    """The chain atlas; suppressed unless the viewer may read supply-link rows (``rows_ok``). KeyError: no such chain."""
    atlas = chain_atlas(snap, chain_id, home=home, period=period)
    return atlas if rows_ok else suppress_atlas(atlas)


def rates_for(snap: Snapshot, *, home: str, rows_ok: bool, chain: str | None = None, buyer: str | None = None,
              period: str | None = None, by_segment: bool = False) -> dict[str, Any]:
    """Local supporting rates; city and chain rows suppressed unless ``rows_ok`` (one buyer's own rate is never)."""
    result = supporting_rate(snap, home=home, chain=chain, buyer=buyer, period=period, by_segment=by_segment)
    if not buyer and not rows_ok:
        result["rows"] = suppress_rates(result["rows"])
    return result


def chain_page(engine: Engine, snap: Snapshot, chain_id: str, *, home: str, period: str | None = None,
               rows_ok: bool) -> dict[str, Any]:
    """A chain's page: its atlas, its supporting rate per period and — for those who may read links — its leaders'."""
    atlas = atlas_for(snap, chain_id, home=home, period=period, rows_ok=rows_ok)
    leaders = (leaders_rates(snap, home=home, chain=chain_id).filter(period=atlas["period"]).to_dicts()
               if atlas["period"] and rows_ok else [])
    return {**atlas, "chain_info": get_chain(engine, chain_id), "leaders": leaders, "rows_ok": rows_ok,
            "rate": rates_for(snap, home=home, rows_ok=rows_ok, chain=chain_id)["rows"]}


def districts_for(engine: Engine, snap: Snapshot, chain_id: str, *, home: str, period: str | None = None,
                  segment: str | None = None, rows_ok: bool) -> dict[str, Any]:
    """The chain's district map (one row per county of the home city, named), suppressed unless ``rows_ok``.
    KeyError: no such chain."""
    if get_chain(engine, chain_id) is None:
        raise KeyError(chain_id)
    result = district_measures(snap, chain_id, home=home, period=period, segment=segment)
    names = {d["code"]: d["name"] for d in divisions(engine, home.ljust(6, "0"))} if len(home) == 4 else {}
    rows = result["rows"] if rows_ok else suppress_districts(result["rows"])
    result["rows"] = [{"name": names.get(r["region_code"], r["region_code"]), **r} for r in rows]
    if not rows_ok:
        result["suppression"] = {"min_enterprises": MIN_ENTERPRISES, **NOTE}
    return result
