"""Placement (环节归属): which segments each enterprise is on, with evidence and confidence.

Evidence, strongest first (confidence in brackets):

* ``declared`` — given in an imported placements file (as given, default 1.0); never changed by inference;
* ``analyst`` — an analyst confirmed or moved the placement (1.0); recorded in ``placement_override`` with who
  and when, and re-applied after every re-run, so it always wins over inference;
* ``tax_code`` — the firm sells goods whose 19-digit tax code starts with a segment's prefix (0.85);
* ``supply_link`` — a share σ of the firm's sales value is goods of the segment (0.6 + 0.35σ, when σ ≥ 0.2);
* ``product_keyword`` — a segment keyword is a word of the firm's goods names, segmented with jieba (0.7);
* ``industry_code`` — the firm's GB/T 4754 class is one of the segment's hints (0.5 if the class points to one
  segment of the chain, 0.3 if it points to several) — used only for firms that declared no placement.

An enterprise keeps, per chain, its candidates with confidence ≥ 0.3, at most the best two; a chain in which
the enterprise declared its placement gets no inferred ones.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, select

from chainatlas import db
from chainatlas.chains.templates import Chain, load_chains
from chainatlas.clock import utcnow

MIN_CONFIDENCE = 0.3
LOW_CONFIDENCE = 0.5
PER_CHAIN = 2
INFERRED = ("industry_code", "product_keyword", "tax_code", "supply_link")
ACTIONS = ("confirm", "move", "remove")


@dataclass
class PlacementReport:
    chains: list[str]
    placed: int = 0
    by_evidence: dict[str, int] = field(default_factory=dict)
    unplaced: list[dict[str, Any]] = field(default_factory=list)
    low_confidence: list[dict[str, Any]] = field(default_factory=list)
    overrides_applied: int = 0


_tokenizer_ready = False


def goods_words(names: list[str], keywords: set[str]) -> set[str]:
    """The words of goods names (jieba), with the chains' keywords known to the segmenter as words.

    >>> sorted(goods_words(["磷酸铁锂正极材料（示例）"], {"磷酸铁锂", "正极材料"}) & {"磷酸铁锂", "正极材料"})
    ['正极材料', '磷酸铁锂']
    """
    global _tokenizer_ready
    import jieba

    if not _tokenizer_ready:
        jieba.setLogLevel(60)
        _tokenizer_ready = True
    for k in keywords:
        jieba.add_word(k, freq=200_000)
    words: set[str] = set()
    for n in names:
        words.update(w.strip() for w in jieba.cut(n) if w.strip())
    return words


def infer_candidates(
    chains: tuple[Chain, ...],
    industry_of: dict[str, str | None],
    sales_by_segment: dict[str, dict[str, float]],
    goods_of: dict[str, list[str]],
    tax_codes_of: dict[str, list[str]],
) -> dict[tuple[str, str], tuple[float, str]]:
    """(uscc, segment) → (confidence, evidence), the strongest evidence per pair. Pure: no database."""
    best: dict[tuple[str, str], tuple[float, str]] = {}

    def offer(uscc: str, seg: str, conf: float, evidence: str) -> None:
        if conf > best.get((uscc, seg), (0.0, ""))[0]:
            best[(uscc, seg)] = (round(conf, 4), evidence)

    all_keywords = {k for c in chains for s in c.segments for k in s.keywords}
    for c in chains:
        by_industry: dict[str, list[str]] = defaultdict(list)
        for s in c.segments:
            for code in s.industry_codes:
                by_industry[code].append(c.full_code(s.code))
        for uscc, industry in industry_of.items():
            segs = by_industry.get(industry or "", [])
            for seg in segs:
                offer(uscc, seg, 0.5 if len(segs) == 1 else 0.3, "industry_code")
        codes = {c.full_code(s.code) for s in c.segments}
        for uscc, sales in sales_by_segment.items():
            total = sum(sales.values())
            for seg, v in sales.items():
                share = v / total if total else 0.0
                if seg in codes and share >= 0.2:
                    offer(uscc, seg, 0.6 + 0.35 * share, "supply_link")
        for uscc, names in goods_of.items():
            words = goods_words(names, all_keywords)
            for s in c.segments:
                if words & set(s.keywords):
                    offer(uscc, c.full_code(s.code), 0.7, "product_keyword")
        for uscc, tcs in tax_codes_of.items():
            for s in c.segments:
                if any(t.startswith(p) for t in tcs for p in s.tax_code_prefixes):
                    offer(uscc, c.full_code(s.code), 0.85, "tax_code")
    return best


def run_placement(engine: Engine, chain: str | None = None) -> PlacementReport:
    """Re-run inference for ``chain`` (default all), keep declared placements, re-apply analysts' overrides."""
    chains = tuple(c for c in load_chains() if chain in (None, c.id))
    if not chains:
        raise KeyError(chain)
    seg_codes = {c.full_code(s.code) for c in chains for s in c.segments}
    seg_chain = {c.full_code(s.code): c.id for c in chains for s in c.segments}
    e, link, line, p = db.enterprise, db.supply_link, db.transaction_line, db.placement
    with engine.connect() as conn:
        industry_of: dict[str, str | None] = {u: i for u, i in conn.execute(select(e.c.uscc, e.c.industry_code))}
        sales: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        goods: dict[str, list[str]] = defaultdict(list)
        for uscc, seg, product, value in conn.execute(select(link.c.supplier_uscc, link.c.segment_code, link.c.product, link.c.value_yuan)):
            if seg:
                sales[uscc][seg] += float(value)
            if product:
                goods[uscc].append(product)
        taxes: dict[str, list[str]] = defaultdict(list)
        for uscc, name, tax in conn.execute(select(line.c.seller_uscc, line.c.goods_name, line.c.goods_tax_code).distinct()):
            goods[uscc].append(name)
            if tax:
                taxes[uscc].append(tax)
        existing = conn.execute(select(p).where(p.c.segment_code.in_(seg_codes))).mappings().all()
    declared = {(r["uscc"], r["segment_code"]) for r in existing if r["evidence"] == "declared"}
    # where a firm declared its place in a chain, inference adds nothing to that chain
    declared_chains = {(u, seg_chain[s]) for u, s in declared}
    declared_firms = {u for u, _ in declared}
    candidates = infer_candidates(chains, industry_of, {k: dict(v) for k, v in sales.items()}, dict(goods), dict(taxes))
    per_chain: dict[tuple[str, str], list[tuple[float, str, str]]] = defaultdict(list)
    for (uscc, seg), (conf, ev) in candidates.items():
        if ev == "industry_code" and uscc in declared_firms:
            continue  # the weakest evidence: only for firms that declared nothing
        if conf >= MIN_CONFIDENCE and (uscc, seg_chain[seg]) not in declared_chains:
            per_chain[(uscc, seg_chain[seg])].append((conf, seg, ev))
    today = dt.date.today()
    rows = []
    for (uscc, _chain), cands in per_chain.items():
        for conf, seg, ev in sorted(cands, reverse=True)[:PER_CHAIN]:
            rows.append({"uscc": uscc, "segment_code": seg, "evidence": ev, "confidence": conf,
                         "source": "chainatlas place", "as_of": today})
    report = PlacementReport([c.id for c in chains])
    with engine.begin() as conn:
        conn.execute(delete(p).where(p.c.segment_code.in_(seg_codes), p.c.evidence.in_([*INFERRED, "analyst"])))
        for i in range(0, len(rows), 5000):
            db.upsert(conn, p, rows[i:i + 5000], ["uscc", "segment_code"])
        report.overrides_applied = _apply_overrides(conn, seg_codes)
    return _report(engine, report, seg_codes)


def _apply_overrides(conn: Any, seg_codes: set[str]) -> int:
    """Re-apply every analyst's latest decision per (enterprise, segment), in the order they were made."""
    o = db.placement_override
    latest: dict[tuple[str, str], Any] = {}
    for r in conn.execute(select(o).order_by(o.c.id)).mappings():
        if r["segment_code"] in seg_codes or (r["to_segment"] or "") in seg_codes:
            latest[(r["uscc"], r["segment_code"])] = r
    for r in sorted(latest.values(), key=lambda r: r["id"]):
        _apply(conn, r["uscc"], r["segment_code"], r["action"], r["to_segment"], r["actor"], r["created_at"])
    return len(latest)


def _apply(conn: Any, uscc: str, segment: str, action: str, to_segment: str | None, actor: str, when: dt.datetime) -> None:
    p = db.placement
    conn.execute(delete(p).where(p.c.uscc == uscc, p.c.segment_code == segment))
    target = {"confirm": segment, "move": to_segment}.get(action)
    if target:
        db.upsert(conn, p, [{"uscc": uscc, "segment_code": target, "evidence": "analyst", "confidence": 1.0,
                             "source": f"analyst:{actor}", "as_of": when.date()}], ["uscc", "segment_code"])


def override(engine: Engine, *, uscc: str, segment_code: str, action: str, actor: str,
             to_segment: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Record an analyst's decision (confirm / move / remove a placement) and apply it now."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}")
    if action == "move" and not to_segment:
        raise ValueError("a move needs to_segment")
    with engine.begin() as conn:
        known = {s for (s,) in conn.execute(select(db.segment.c.code))}
        for seg in (segment_code, to_segment):
            if seg and seg not in known:
                raise ValueError(f"unknown segment {seg}")
        if conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.uscc == uscc)).first() is None:
            raise ValueError(f"unknown enterprise {uscc}")
        now = utcnow()
        res = conn.execute(db.placement_override.insert().values(
            uscc=uscc, segment_code=segment_code, action=action, to_segment=to_segment, actor=actor, created_at=now, note=note))
        _apply(conn, uscc, segment_code, action, to_segment, actor, now)
        placements = [dict(r) for r in conn.execute(select(db.placement).where(db.placement.c.uscc == uscc)).mappings()]
    pk = res.inserted_primary_key
    return {"override_id": int(pk[0]) if pk else None, "placements": placements}


def _report(engine: Engine, report: PlacementReport, seg_codes: set[str]) -> PlacementReport:
    e, p = db.enterprise, db.placement
    with engine.connect() as conn:
        placed = conn.execute(select(p.c.uscc, p.c.segment_code, p.c.evidence, p.c.confidence).where(p.c.segment_code.in_(seg_codes))).all()
        report.placed = len(placed)
        for _u, _s, ev, _c in placed:
            report.by_evidence[ev] = report.by_evidence.get(ev, 0) + 1
        report.low_confidence = [{"uscc": u, "segment_code": s, "evidence": ev, "confidence": c}
                                 for u, s, ev, c in placed if c < LOW_CONFIDENCE]
        anywhere = select(p.c.uscc).distinct()
        report.unplaced = [dict(r) for r in conn.execute(
            select(e.c.uscc, e.c.name, e.c.industry_code, e.c.region_code).where(e.c.uscc.not_in(anywhere)).order_by(e.c.uscc)).mappings()]
    return report


def report_dict(report: PlacementReport) -> dict[str, Any]:
    """A placement run's report as a dictionary."""
    from dataclasses import asdict

    return json.loads(json.dumps(asdict(report), default=str))  # type: ignore[no-any-return]
