"""Networks for the risk exposure index: from files (CSV, XLSX with two sheets, JSON) or from the platform's
supply links under documented assumptions (docs/metrics.md, "Risk exposure index")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from chainatlas.analysis.snapshot import Snapshot, in_period, is_local
from chainatlas.messages import InvalidInput
from chainatlas.risk.rei import Edge, Network, Node

NODE_COLUMNS = ("node_id", "capacity", "inventory", "demand", "unit_profit", "ttr")
EDGE_COLUMNS = ("supplier", "customer", "material", "units_per_output")
WEEKS = 52  # one period = one week; supply links hold yearly values


def _num(v: Any) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return float(v)


def _from_rows(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> Network:
    missing = [c for c in ("node_id",) if nodes and c not in nodes[0]]
    if missing:
        raise ValueError(f"nodes need the columns {', '.join(NODE_COLUMNS)}")
    ns = [Node(str(r["node_id"]), _num(r.get("capacity")), _num(r.get("inventory")) or 0.0, _num(r.get("demand")) or 0.0,
               _num(r.get("unit_profit")) or 0.0, _num(r.get("ttr"))) for r in nodes]
    es = [Edge(str(r["supplier"]), str(r["customer"]), str(r["material"]), _num(r.get("units_per_output")) or 1.0)
          for r in edges]
    return Network(ns, es)


def read_network(nodes: Path, edges: Path | None = None) -> Network:
    """``nodes.csv`` + ``edges.csv``; or one XLSX with sheets ``nodes`` and ``edges``; or one JSON
    ``{"nodes": [...], "edges": [...]}``."""
    if nodes.suffix.lower() == ".json":
        body = json.loads(nodes.read_text(encoding="utf-8"))
        return _from_rows(body["nodes"], body["edges"])
    if nodes.suffix.lower() == ".xlsx":
        sheets = pl.read_excel(nodes, sheet_name=["nodes", "edges"], infer_schema_length=0)
        return _from_rows(sheets["nodes"].to_dicts(), sheets["edges"].to_dicts())
    if edges is None:
        raise InvalidInput("给出节点 CSV 时还须给出 --edges", "give --edges with a CSV of nodes")
    return _from_rows(pl.read_csv(nodes, infer_schema=False).to_dicts(), pl.read_csv(edges, infer_schema=False).to_dicts())


def read_overrides(path: Path) -> dict[str, dict[str, float | None]]:
    """Per-node values from a CSV (``node_id`` and any of the node columns); blank cells leave a value derived."""
    frame = pl.read_csv(path, infer_schema=False)
    if "node_id" not in frame.columns:
        raise InvalidInput(f"{path}：需要 node_id 列", f"{path}: a node_id column is needed")
    bad = [c for c in frame.columns if c != "node_id" and c not in NODE_COLUMNS]
    if bad:
        raise InvalidInput(f"{path}：未知列 {', '.join(bad)}；可用列：{', '.join(NODE_COLUMNS[1:])}",
                           f"{path}: unknown columns {', '.join(bad)}; allowed: {', '.join(NODE_COLUMNS[1:])}")
    out: dict[str, dict[str, float | None]] = {}
    for i, row in enumerate(frame.to_dicts(), start=2):
        try:
            out[row["node_id"]] = {k: float(v) for k, v in row.items() if k != "node_id" and v not in (None, "")}
        except ValueError as exc:
            raise InvalidInput(f"{path} 第 {i} 行：数值有误（{exc}）", f"{path} line {i}: not a number ({exc})") from exc
    return out


def chain_network(snap: Snapshot, chain_id: str, *, home: str, period: str | None = None, ttr_weeks: float = 8.0,
                  stock_weeks: float = 1.0, headroom: float = 1.0, margin: float = 0.1,
                  overrides: dict[str, dict[str, float | None]] | None = None) -> Network:
    """The supply network of a chain's goods in ``period``, in yuan per week (assumptions in docs/metrics.md).

    Nodes are the firms in the period's links of the chain's segments. Output per year: a local chain leader's
    revenue (at least its purchases in these links); any other firm's sales or purchases in these links, whichever is
    larger. Capacity c_j = ``headroom`` × output ÷ 52; inventory s_j = ``stock_weeks`` × output ÷ 52; the local chain
    leaders are the products, demand d_j = output ÷ 52, unit profit f_j = ``margin`` (yuan of profit per yuan of
    output); r_kj = yearly purchases of material k (the goods' segment) by j ÷ j's output; every node has TTR =
    ``ttr_weeks``. ``overrides`` maps a node id to values (capacity, inventory, demand, unit_profit, ttr) that replace
    the derived ones."""
    periods = snap.periods()
    period = period or (periods[-1] if periods else None)
    codes = snap.chain_segments(chain_id)["code"].implode()
    links = snap.links.filter(in_period(period) & pl.col("segment_code").is_in(codes))
    links = links.group_by("supplier_uscc", "buyer_uscc", "segment_code").agg(pl.col("value_yuan").sum())
    ids = pl.concat([links["supplier_uscc"], links["buyer_uscc"]]).unique()
    ents = snap.enterprises.filter(pl.col("uscc").is_in(ids.implode())).with_columns(is_local(home).alias("local"))
    leaders = set(ents.filter(pl.col("is_chain_leader").fill_null(False) & pl.col("local"))["uscc"].to_list())
    # a leader's output is its revenue; any other firm's output is what it sells or buys in these links — its
    # revenue beyond the chain's goods is not capacity the chain could draw on
    revenue = {u: 0.0 for u in ids.to_list()}
    for u, r in ents.select("uscc", "revenue_yuan").iter_rows():
        if u in leaders:
            revenue[u] = float(r or 0.0)
    for col in ("supplier_uscc", "buyer_uscc"):
        for u, v in links.group_by(col).agg(pl.col("value_yuan").sum()).iter_rows():
            revenue[u] = max(revenue.get(u, 0.0), float(v))
    overrides = overrides or {}
    nodes = []
    for u in sorted(revenue):
        weekly = revenue[u] / WEEKS
        values: dict[str, float | None] = {"capacity": headroom * weekly, "inventory": stock_weeks * weekly,
                                           "demand": weekly if u in leaders else 0.0,
                                           "unit_profit": margin if u in leaders else 0.0, "ttr": ttr_weeks}
        values.update(overrides.get(u, {}))
        nodes.append(Node(u, values["capacity"], values["inventory"] or 0.0, values["demand"] or 0.0,
                          values["unit_profit"] or 0.0, values["ttr"]))
    material = links.group_by("buyer_uscc", "segment_code").agg(pl.col("value_yuan").sum().alias("k_total"))
    edges = [Edge(s, b, k, max(total / revenue[b], 1e-9))
             for s, b, k, total in links.join(material, on=["buyer_uscc", "segment_code"])
             .select("supplier_uscc", "buyer_uscc", "segment_code", "k_total").iter_rows() if s != b]
    return Network(nodes, edges)


def ranking(snap: Snapshot, chain_id: str, rows: list[dict[str, Any]], *, home: str, period: str | None = None
            ) -> list[dict[str, Any]]:
    """REI rows of a chain's network with what a chain office reads them against: the firm's name, region, its
    ``spend`` (yuan the chain's firms bought from it in the period's links), and its ``tier`` (1 = sells to a local
    chain leader directly, 2 = to a tier-1 supplier …; 0 = a leader; None = not upstream of a leader)."""
    periods = snap.periods()
    period = period or (periods[-1] if periods else None)
    codes = snap.chain_segments(chain_id)["code"].implode()
    links = snap.links.filter(in_period(period) & pl.col("segment_code").is_in(codes))
    spend = dict(links.group_by("supplier_uscc").agg(pl.col("value_yuan").sum()).iter_rows())
    ents = snap.enterprises.filter(pl.col("uscc").is_in(pl.Series([r["node_id"] for r in rows]).implode())).with_columns(
        is_local(home).alias("local"))
    info = {r["uscc"]: r for r in ents.select("uscc", "name", "region_code", "country_code", "is_chain_leader", "local").to_dicts()}
    suppliers_of: dict[str, set[str]] = {}
    for s, b in links.select("supplier_uscc", "buyer_uscc").unique().iter_rows():
        suppliers_of.setdefault(b, set()).add(s)
    tier: dict[str, int] = {u: 0 for u, r in info.items() if r["is_chain_leader"] and r["local"]}
    frontier = list(tier)
    while frontier:
        nxt = []
        for b in frontier:
            for s in suppliers_of.get(b, ()):
                if s not in tier:
                    tier[s] = tier[b] + 1
                    nxt.append(s)
        frontier = nxt
    out = []
    for r in rows:
        e = info.get(r["node_id"], {})
        out.append({**r, "name": e.get("name"), "region_code": e.get("region_code"), "country_code": e.get("country_code"),
                    "spend_yuan": float(spend.get(r["node_id"], 0.0)), "tier": tier.get(r["node_id"])})
    return out
