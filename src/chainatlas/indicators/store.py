"""Targets a city sets beyond the declared ones (市定目标), kept with who set them and when. Official statistics come
in through the exchange spec (table ``official_statistics``) like any other data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.clock import utcnow
from chainatlas.indicators.registry import Indicator, Target, indicator
from chainatlas.messages import InvalidInput, Message


def add_target(engine: Engine, indicator_id: str, *, value: float, year: int, source: str, actor: str,
               chain: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Add a city-set target; its source (the document that sets it) is required."""
    ind = indicator(indicator_id)
    if not source or not source.strip():
        raise InvalidInput("请注明目标的出处（文件名称、文号）", "name the document that sets the target")
    if not 2000 <= year <= 2100:
        raise InvalidInput("目标年份应在 2000–2100", "the target year must lie in 2000–2100")
    if chain and not ind.per_chain:
        raise InvalidInput(f"指标 {ind.name.zh} 不分产业链", f"{ind.name.en} is not per chain")
    with engine.begin() as conn:
        if chain and conn.execute(select(db.chain.c.id).where(db.chain.c.id == chain)).first() is None:
            raise InvalidInput(f"没有产业链 {chain}", f"no chain {chain}")
        tid = conn.execute(db.indicator_target.insert().values(
            indicator_id=ind.id, chain_id=chain or None, value=float(value), year=year, source=source.strip()[:500],
            note=(note or "").strip()[:1000] or None, set_by=actor, set_at=utcnow())).inserted_primary_key
    return {"id": int(tid[0]), "indicator_id": ind.id, "chain": chain, "value": value, "year": year,  # type: ignore[index]
            "source": source.strip(), "set_by": actor}


def targets(engine: Engine, ind: Indicator) -> list[Target]:
    """The declared targets and the city-set ones, by year."""
    t = db.indicator_target.c
    with engine.connect() as conn:
        rows = conn.execute(select(t.value, t.year, t.source, t.note, t.chain_id, t.set_by)
                            .where(t.indicator_id == ind.id).order_by(t.year, t.id)).all()
    city = [Target(float(v), int(y), s, Message(n, n) if n else None, c, by) for v, y, s, n, c, by in rows]
    return sorted([*ind.targets, *city], key=lambda x: (x.year, x.chain or ""))
