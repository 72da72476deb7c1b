"""企业画像: one enterprise seen from every domain — its tier card, its policies, where its suppliers are, its trade
consignments — each block a summary of the page that holds it in full. Which blocks a viewer may see is the shell's
decision (the same access as the full pages); this module only composes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from chainatlas.messages import NotFound


def tier_block(engine: Engine, uscc: str, on: dt.date) -> dict[str, Any] | None:
    """The tier card in brief: the tier held or met, the next one and how far it is (unmet criteria, missing inputs);
    None for an enterprise outside the home area (tiers are evaluated for local firms)."""
    from chainatlas.rules import service

    try:
        card = service.tier_card(engine, uscc, on)
    except NotFound:
        return None
    nxt = next((t for t in card["tiers"] if t["tier"] == card["next"]), None)
    return {"date": card["date"], "current": card["current"], "next": card["next"],
            "next_unmet": [u["label"] for u in nxt["unmet"]] if nxt else [],
            "next_missing": len(nxt["missing"]) if nxt else 0}


def policy_block(engine: Engine, uscc: str, on: dt.date) -> dict[str, Any] | None:
    """The policies in force for the firm in brief: how many it qualifies for and for how much, how many it is one
    criterion short of, how many wait for data it has not given; None outside the home area."""
    from chainatlas.rules import service

    try:
        mine = service.enterprise_policies(engine, uscc, on)
    except NotFound:
        return None
    rows = mine["policies"]
    met = [p for p in rows if p["status"] == "met"]
    return {"date": mine["date"], "qualified": len(met), "amount_yuan": sum(p["amount_yuan"] or 0 for p in met),
            "almost": sum(1 for p in rows if p["status"] == "unmet" and p.get("short") == 1),
            "unknown": sum(1 for p in rows if p["status"] == "unknown"),
            "qualified_names": [p["label"] for p in met]}


def supplier_geography(engine: Engine, snap: Any, uscc: str) -> dict[str, Any]:
    """Where the firm's direct suppliers are (tier 1 of the multi-tier exposure): shares by province and by country,
    with their names (a province's 2-digit code, ISO 3166-1 alpha-2 countries)."""
    from chainatlas.registry import queries
    from chainatlas.risk.exposure import exposure

    result = exposure(snap, uscc, tiers=1)
    provinces = queries.province_names(engine)
    return {"period": result.get("period"),
            "provinces": [{**p, "province_name": provinces.get(p["province"] or "")} for p in result["provinces"]],
            "countries": queries.with_country_names(engine, result["countries"])}


def trade_block(engine: Engine, uscc: str, most: int = 10) -> dict[str, Any]:
    """The firm's consignments as exporter (newest first, at most ``most``) and how many in all."""
    from chainatlas.trade.consignments import consignment_events, consignments, exporter_consignments

    refs = exporter_consignments(engine, uscc)
    mine = consignments(engine, consignment_events(engine, refs)) if refs else []
    return {"total": len(mine), "consignments": mine[:most]}
