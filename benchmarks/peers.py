"""Competent peer implementations: what a skilled engineer would write instead of using ChainAtlas.

Each function here does one benchmarked workload the way the peer tool's community writes it — one
DuckDB query, a hand-vectorised Polars plan, ``scipy.sparse`` — over the same files, and returns the same
answer as ChainAtlas. ``tests/benchmarks/test_peers.py`` checks that on a small demo city, so the
ratios in ``docs/benchmarks.md`` stay honest as the code changes. Nothing in the package imports this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chainatlas.registry.uscc import ALPHABET as USCC_ALPHABET
from chainatlas.registry.uscc import WEIGHTS

# GB 32100-2015: check = (31 - Σ v·w mod 31) mod 31 over the 31-character alphabet, weights 3^i mod 31
USCC_WEIGHTS = WEIGHTS.tolist()

USCC_OK_MACRO = f"""
CREATE OR REPLACE MACRO uscc_ok(c) AS (
  regexp_full_match(c, '[0-9]{{8}}[0-9A-HJ-NPQRTUWXY]{{10}}')
  AND substr(c, 18, 1) = substr('{USCC_ALPHABET}', CAST(((31 - list_sum(list_transform(range(17),
      lambda i: (instr('{USCC_ALPHABET}', substr(c, i + 1, 1)) - 1) * {USCC_WEIGHTS}[i + 1])) % 31) % 31) + 1 AS BIGINT), 1)
)
"""


def segment_table(goods: list[tuple[str | None, str | None]]) -> dict[str, list[Any]]:
    """Segments of distinct goods lines with ChainAtlas' own matcher (the peer reuses the templates)."""
    from chainatlas.chains.infer import SegmentMatcher
    from chainatlas.chains.templates import load_chains

    matcher = SegmentMatcher.from_chains(load_chains())
    return {"goods_name": [g for g, _ in goods], "goods_tax_code": [c for _, c in goods],
            "segment_code": [matcher.match(g, c) for g, c in goods]}


def links_duckdb(lines: Path, enterprises: Path, out: Path, *, label: str | None = None,
                 threads: int | None = None, timings: dict[str, float] | None = None) -> dict[str, int]:
    """Invoice lines → supply links in DuckDB SQL, with the exchange spec's per-line rules.

    Rules (as ``exchange/validate.py``): required cells present; amounts numbers ≥ 0 and ≤ 1e13; dates not
    in the future and not before 1900; goods names ≤ 200 characters, invoice numbers ≤ 40; tax codes 19
    digits; seller and buyer known enterprises whose USCC passes the GB 32100-2015 check (or foreign keys
    ``X-…``). Any failing line: nothing is written (all-or-nothing), the count of bad lines is returned.
    Otherwise links = Σ amount per (seller, buyer, year, segment), ``COPY … TO`` Parquet.
    ``timings``, when given, receives each step's seconds (``bench_import.py``'s ``median_step_seconds``).
    """
    import time

    import duckdb
    import polars as pl

    clock = [time.perf_counter()]

    def step(name: str) -> None:
        if timings is not None:
            now = time.perf_counter()
            timings[name] = now - clock[0]
            clock[0] = now

    label = label or lines.name
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    con.execute(USCC_OK_MACRO)
    con.execute(f"CREATE TEMP TABLE known AS SELECT uscc FROM read_parquet('{enterprises}') "
                "WHERE uscc_ok(uscc) OR regexp_full_match(uscc, 'X-[A-Z]{2}-[0-9A-F]{12}')")
    step("known firms, USCC checked")
    goods = con.sql(f"SELECT DISTINCT goods_name, goods_tax_code FROM read_parquet('{lines}')").fetchall()
    seg = pl.DataFrame(segment_table(goods), schema={"goods_name": pl.String, "goods_tax_code": pl.String,
                                                     "segment_code": pl.String})
    con.register("goods", seg)
    step("distinct goods and their segments")
    con.execute(f"""
        CREATE TEMP TABLE links AS
        SELECT l.seller_uscc AS supplier_uscc, l.buyer_uscc, CAST(year(l.invoice_date) AS VARCHAR) AS period,
               g.segment_code, round(sum(l.amount_yuan), 2) AS value_yuan, count(*) AS lines,
               sum(CASE WHEN l.amount_yuan IS NULL OR l.amount_yuan < 0 OR l.amount_yuan > 1e13 OR isnan(l.amount_yuan)
                          OR l.tax_yuan < 0 OR l.tax_yuan > 1e13 OR isnan(l.tax_yuan)
                          OR l.invoice_date IS NULL OR l.invoice_date > current_date OR l.invoice_date < DATE '1900-01-01'
                          OR l.goods_name IS NULL OR length(l.goods_name) > 200 OR length(l.invoice_no) > 40
                          OR NOT regexp_full_match(coalesce(l.goods_tax_code, '0000000000000000000'), '[0-9]{{19}}')
                          OR l.seller_uscc IS NULL OR l.buyer_uscc IS NULL
                     THEN 1 ELSE 0 END) AS bad
        FROM read_parquet('{lines}') l
        JOIN goods g ON g.goods_name IS NOT DISTINCT FROM l.goods_name
                    AND g.goods_tax_code IS NOT DISTINCT FROM l.goods_tax_code
        GROUP BY ALL
    """)
    bad = con.sql("""SELECT coalesce(sum(bad), 0) FROM links""").fetchall()[0][0]
    step("grouping with the per-line rules")
    unknown = con.sql("""SELECT count(*) FROM (SELECT supplier_uscc AS c FROM links UNION SELECT buyer_uscc FROM links)
                         WHERE c NOT IN (SELECT uscc FROM known)""").fetchall()[0][0]
    n = con.sql("SELECT count(*) FROM links").fetchall()[0][0]
    step("sellers and buyers among the known firms")
    if bad == 0 and unknown == 0:
        con.execute(f"""COPY (SELECT supplier_uscc, buyer_uscc, period, segment_code,
                                     'transactions:{label}' AS source, value_yuan, '' AS product FROM links)
                        TO '{out}' (FORMAT parquet)""")
    step("writing the links")
    con.close()
    return {"links": int(n), "bad_lines": int(bad), "unknown_parties": int(unknown)}


# ---- chain atlas, supporting rates, attraction targets (the snapshot's Parquet files) -------------------------

ATLAS_SQL = """
WITH segs_c AS (SELECT code FROM segs WHERE chain_id = $chain),
local AS (SELECT uscc, is_above_scale, is_srdi, is_little_giant, is_chain_leader, revenue_yuan FROM ents
          WHERE starts_with(coalesce(region_code, ''), $home)),
placed AS (SELECT p.segment_code, p.confidence, l.* FROM pls p JOIN local l USING (uscc) WHERE p.segment_code IN (SELECT code FROM segs_c)),
base AS (SELECT segment_code, count(*) AS local_enterprises,
                count(*) FILTER (WHERE coalesce(is_above_scale, false)) AS above_scale,
                count(*) FILTER (WHERE coalesce(is_srdi, false) OR coalesce(is_little_giant, false)) AS srdi_or_little_giant,
                count(*) FILTER (WHERE coalesce(is_chain_leader, false)) AS chain_leaders,
                sum(coalesce(revenue_yuan, 0)) AS output_value_yuan
         FROM placed GROUP BY segment_code),
bought AS (SELECT k.segment_code, k.supplier_uscc, k.buyer_uscc, k.value_yuan, loc.uscc IS NOT NULL AS supplier_local
           FROM links k LEFT JOIN local loc ON loc.uscc = k.supplier_uscc
           WHERE k.period = $period AND k.segment_code IN (SELECT code FROM segs_c)
             AND k.buyer_uscc IN (SELECT uscc FROM placed)),
inputs AS (SELECT segment_code, sum(value_yuan) AS inputs_value_yuan,
                  coalesce(sum(value_yuan) FILTER (WHERE supplier_local), 0) AS inputs_local_value_yuan,
                  count(DISTINCT supplier_uscc) FILTER (WHERE supplier_local) AS local_suppliers_serving,
                  count(DISTINCT supplier_uscc) AS inputs_suppliers, count(DISTINCT buyer_uscc) AS inputs_buyers
           FROM bought GROUP BY segment_code)
SELECT c.code, coalesce(b.local_enterprises, 0) AS local_enterprises, coalesce(b.above_scale, 0) AS above_scale,
       coalesce(b.srdi_or_little_giant, 0) AS srdi_or_little_giant, coalesce(b.chain_leaders, 0) AS chain_leaders,
       coalesce(b.output_value_yuan, 0) AS output_value_yuan, coalesce(i.inputs_value_yuan, 0) AS inputs_value_yuan,
       coalesce(i.inputs_local_value_yuan, 0) AS inputs_local_value_yuan,
       coalesce(i.local_suppliers_serving, 0) AS local_suppliers_serving,
       coalesce(i.inputs_suppliers, 0) AS inputs_suppliers, coalesce(i.inputs_buyers, 0) AS inputs_buyers
FROM segs_c c LEFT JOIN base b ON b.segment_code = c.code LEFT JOIN inputs i ON i.segment_code = c.code
ORDER BY c.code
"""

FLOWS_SQL = """
WITH segs_c AS (SELECT code FROM segs WHERE chain_id = $chain),
local AS (SELECT uscc FROM ents WHERE starts_with(coalesce(region_code, ''), $home)),
placed AS (SELECT p.uscc, p.segment_code, p.confidence FROM pls p JOIN local USING (uscc) WHERE p.segment_code IN (SELECT code FROM segs_c)),
main AS (SELECT uscc, arg_min(segment_code, (-confidence, segment_code)) AS to_segment FROM placed GROUP BY uscc)
SELECT k.segment_code AS from_segment, m.to_segment, sum(k.value_yuan) AS value_yuan,
       coalesce(sum(k.value_yuan) FILTER (WHERE loc.uscc IS NOT NULL), 0) AS local_value_yuan,
       count(DISTINCT k.supplier_uscc) AS suppliers,
       count(DISTINCT k.supplier_uscc) FILTER (WHERE loc.uscc IS NOT NULL) AS local_suppliers,
       count(DISTINCT k.buyer_uscc) AS buyers
FROM links k JOIN main m ON m.uscc = k.buyer_uscc LEFT JOIN local loc ON loc.uscc = k.supplier_uscc
WHERE k.period = $period AND k.segment_code IN (SELECT code FROM segs_c) AND k.segment_code <> m.to_segment
GROUP BY ALL ORDER BY from_segment, to_segment
"""

LEADERS_SQL = """
WITH local AS (SELECT uscc FROM ents WHERE starts_with(coalesce(region_code, ''), $home))
SELECT k.buyer_uscc, k.period, coalesce(sum(k.value_yuan) FILTER (WHERE loc.uscc IS NOT NULL), 0) AS numerator,
       sum(k.value_yuan) AS denominator
FROM links k JOIN ents b ON b.uscc = k.buyer_uscc LEFT JOIN local loc ON loc.uscc = k.supplier_uscc
WHERE coalesce(b.is_chain_leader, false) AND starts_with(coalesce(b.region_code, ''), $home)
GROUP BY ALL ORDER BY k.buyer_uscc, k.period
"""

TARGETS_SQL = """
WITH segs_c AS (SELECT code FROM segs WHERE chain_id = $chain),
local AS (SELECT uscc FROM ents WHERE starts_with(coalesce(region_code, ''), $home)),
buyers AS (SELECT DISTINCT p.uscc FROM pls p JOIN local USING (uscc) WHERE p.segment_code IN (SELECT code FROM segs_c)),
to_local AS (SELECT * FROM links WHERE segment_code IN (SELECT unnest($wanted)) AND buyer_uscc IN (SELECT uscc FROM buyers)),
supply AS (SELECT supplier_uscc, segment_code, sum(value_yuan) AS supply_value_yuan, count(DISTINCT buyer_uscc) AS local_buyers
           FROM to_local WHERE period = $period GROUP BY ALL),
prev AS (SELECT supplier_uscc, segment_code, sum(value_yuan) AS prev_supply_value_yuan FROM to_local WHERE period = $prev GROUP BY ALL),
placed AS (SELECT uscc AS supplier_uscc, segment_code, confidence AS fit FROM pls WHERE segment_code IN (SELECT unnest($wanted))),
cands AS (
  SELECT c.supplier_uscc, c.segment_code, coalesce(s.supply_value_yuan, 0) AS supply_value_yuan,
         coalesce(s.local_buyers, 0) AS local_buyers, p.prev_supply_value_yuan, coalesce(pl.fit, 0.5) AS fit,
         coalesce(e.revenue_yuan, 0) AS revenue_yuan, e.is_little_giant, e.is_srdi, e.is_listed, e.is_high_tech,
         e.country_code, e.region_code, e.lat, e.lon
  FROM (SELECT supplier_uscc, segment_code FROM placed UNION SELECT supplier_uscc, segment_code FROM supply) c
  JOIN ents e ON e.uscc = c.supplier_uscc
  LEFT JOIN supply s USING (supplier_uscc, segment_code) LEFT JOIN prev p USING (supplier_uscc, segment_code)
  LEFT JOIN placed pl USING (supplier_uscc, segment_code)
  WHERE NOT starts_with(coalesce(e.region_code, ''), $home)),
comp AS (
  SELECT *,
    CASE WHEN max(supply_value_yuan) OVER () > 0 THEN ln(supply_value_yuan + 1) / ln(max(supply_value_yuan) OVER () + 1) ELSE 0 END AS c_supply,
    CASE WHEN max(local_buyers) OVER () > 0 THEN local_buyers / max(local_buyers) OVER () ELSE 0 END AS c_buyers,
    CASE WHEN max(revenue_yuan) OVER () > 0 THEN ln(revenue_yuan + 1) / ln(max(revenue_yuan) OVER () + 1) ELSE 0 END AS c_size,
    CASE WHEN prev_supply_value_yuan > 0
         THEN (greatest(-1, least(1, (supply_value_yuan - prev_supply_value_yuan) / prev_supply_value_yuan)) + 1) / 2 ELSE 0.5 END AS c_growth,
    CASE WHEN coalesce(is_little_giant, false) THEN 1.0 WHEN coalesce(is_srdi, false) THEN 0.7
         WHEN coalesce(is_listed, false) THEN 0.6 WHEN coalesce(is_high_tech, false) THEN 0.4 ELSE 0.0 END AS c_tier,
    CASE WHEN lat IS NOT NULL AND lon IS NOT NULL AND $lat0 IS NOT NULL
         THEN 1 / (1 + 6371.0 * 2 * asin(sqrt(sin((radians(lat) - radians($lat0)) / 2) ^ 2
                  + cos(radians($lat0)) * cos(radians(lat)) * sin((radians(lon) - radians($lon0)) / 2) ^ 2)) / 500)
         WHEN coalesce(country_code, 'CN') <> 'CN' THEN 0.2
         WHEN starts_with(coalesce(region_code, ''), $province) THEN 1.0 ELSE 0.6 END AS c_proximity
  FROM cands)
SELECT supplier_uscc, segment_code,
       0.30 * c_supply + 0.15 * c_buyers + 0.15 * c_size + 0.10 * c_growth + 0.10 * c_tier + 0.10 * fit + 0.10 * c_proximity AS score
FROM comp ORDER BY score DESC, supplier_uscc LIMIT $top
"""


def duckdb_snapshot(enterprises: Path, placements: Path, links: Path, segments: Any, *, in_memory: bool) -> Any:
    """A DuckDB connection with ``ents``, ``pls``, ``links`` and ``segs``: views over the Parquet files, or
    (``in_memory``) tables loaded from them — the peer's cold and warm states."""
    import duckdb

    con = duckdb.connect()
    kind = "TABLE" if in_memory else "VIEW"
    for name, path in (("ents", enterprises), ("pls", placements), ("links", links)):
        con.execute(f"CREATE {kind} {name} AS SELECT * FROM read_parquet('{path}')")
    con.register("segs_frame", segments.select("code", "chain_id", "stage"))
    con.execute(f"CREATE {kind} segs AS SELECT * FROM segs_frame")
    return con


def _rows(con: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    rel = con.sql(sql, params=params)
    cols = rel.columns
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def atlas_duckdb(con: Any, chain: str, home: str, period: str) -> dict[str, Any]:
    """The atlas' segment table and flows between segments for ``chain`` (two queries), with each segment's status."""
    from chainatlas.analysis.atlas import load_thresholds, segment_status

    t = load_thresholds()
    segments = _rows(con, ATLAS_SQL, {"chain": chain, "home": home, "period": period})
    for s in segments:
        share = s["inputs_local_value_yuan"] / s["inputs_value_yuan"] if s["inputs_value_yuan"] else None
        s["local_share"] = share
        s["status"] = segment_status(int(s["local_enterprises"]), float(s["inputs_value_yuan"]), share, t)
    flows = _rows(con, FLOWS_SQL, {"chain": chain, "home": home, "period": period})
    return {"segments": segments, "flows": flows}


def leaders_duckdb(con: Any, home: str) -> list[dict[str, Any]]:
    """Each local chain leader's supporting rate per period: Σ purchases from local suppliers / Σ purchases."""
    rows = _rows(con, LEADERS_SQL, {"home": home})
    for r in rows:
        r["rate"] = r["numerator"] / r["denominator"] if r["denominator"] else None
    return rows


def targets_duckdb(con: Any, chain: str, home: str, period: str, top: int = 20) -> list[dict[str, Any]]:
    """Attraction targets with the score of ``analysis/targets.py`` (docs/metrics.md), in SQL."""
    from chainatlas.analysis.targets import HOME_CENTRE

    atlas = atlas_duckdb(con, chain, home, period)
    wanted = [s["code"] for s in atlas["segments"] if s["status"] in ("weak", "missing")]
    periods = [r[0] for r in con.sql("SELECT DISTINCT period FROM links ORDER BY period").fetchall()]
    prev = periods[periods.index(period) - 1] if period in periods and periods.index(period) > 0 else None
    lat0, lon0 = HOME_CENTRE.get(home[:4], (None, None))
    return _rows(con, TARGETS_SQL, {"chain": chain, "home": home, "wanted": wanted, "period": period, "prev": prev,
                                    "lat0": lat0, "lon0": lon0, "province": home[:2], "top": top})


def atlas_polars(enterprises: Path, placements: Path, links: Path, segments: Any, chain: str, home: str,
                 period: str) -> list[dict[str, Any]]:
    """The atlas' segment figures as one hand-written lazy Polars plan over the Parquet files (scan, join, group)."""
    import polars as pl

    codes = segments.filter(pl.col("chain_id") == chain)["code"].implode()
    local = (pl.scan_parquet(enterprises).filter(pl.col("region_code").fill_null("").str.starts_with(home))
             .select("uscc", "is_above_scale", "is_srdi", "is_little_giant", "is_chain_leader", "revenue_yuan"))
    placed = pl.scan_parquet(placements).filter(pl.col("segment_code").is_in(codes)).join(local, on="uscc")
    base = placed.group_by("segment_code").agg(
        pl.len().alias("local_enterprises"), pl.col("is_above_scale").fill_null(False).sum().alias("above_scale"),
        (pl.col("is_srdi").fill_null(False) | pl.col("is_little_giant").fill_null(False)).sum().alias("srdi_or_little_giant"),
        pl.col("is_chain_leader").fill_null(False).sum().alias("chain_leaders"),
        pl.col("revenue_yuan").fill_null(0).sum().alias("output_value_yuan"))
    inputs = (pl.scan_parquet(links).filter((pl.col("period") == period) & pl.col("segment_code").is_in(codes))
              .join(placed.select(pl.col("uscc").alias("buyer_uscc")).unique(), on="buyer_uscc", how="semi")
              .join(local.select(pl.col("uscc").alias("supplier_uscc"), pl.lit(True).alias("supplier_local")),
                    on="supplier_uscc", how="left")
              .with_columns(pl.col("supplier_local").fill_null(False))
              .group_by("segment_code").agg(
                  pl.col("value_yuan").sum().alias("inputs_value_yuan"),
                  pl.col("value_yuan").filter(pl.col("supplier_local")).sum().alias("inputs_local_value_yuan"),
                  pl.col("supplier_uscc").filter(pl.col("supplier_local")).n_unique().alias("local_suppliers_serving"),
                  pl.col("supplier_uscc").n_unique().alias("inputs_suppliers"),
                  pl.col("buyer_uscc").n_unique().alias("inputs_buyers")))
    table = (segments.lazy().filter(pl.col("chain_id") == chain).select("code")
             .join(base, left_on="code", right_on="segment_code", how="left")
             .join(inputs, left_on="code", right_on="segment_code", how="left")
             .fill_null(0).sort("code").collect())
    return table.to_dicts()


def leaders_polars(enterprises: Path, links: Path, home: str) -> list[dict[str, Any]]:
    """Each local chain leader's supporting rate per period, one lazy Polars plan."""
    import polars as pl

    ents = pl.scan_parquet(enterprises).select("uscc", "region_code", "is_chain_leader")
    local = ents.filter(pl.col("region_code").fill_null("").str.starts_with(home))
    leaders = local.filter(pl.col("is_chain_leader").fill_null(False)).select(pl.col("uscc").alias("buyer_uscc"))
    return (pl.scan_parquet(links).join(leaders, on="buyer_uscc", how="semi")
            .join(local.select(pl.col("uscc").alias("supplier_uscc"), pl.lit(True).alias("supplier_local")),
                  on="supplier_uscc", how="left")
            .group_by("buyer_uscc", "period").agg(
                pl.col("value_yuan").filter(pl.col("supplier_local").fill_null(False)).sum().alias("numerator"),
                pl.col("value_yuan").sum().alias("denominator"))
            .sort("buyer_uscc", "period").collect().to_dicts())


# ---- multi-tier exposure (scipy.sparse) ------------------------------------------------------------------------

def exposure_scipy(links: Any, roots: list[str], *, tiers: int = 5, period: str) -> tuple[dict[str, dict[int, dict[str, float]]], float, float]:
    """Tier-k supplier weights of each root: X₀ = the roots' indicator rows, X_k = X_{k−1} · W with W the
    row-normalised purchase matrix (W[b, s] = v(s→b) / Σ_s v(s→b)), CSR over integer-coded firms.

    Returns ({root: {tier: {supplier: weight}}}, seconds to build W, seconds to walk).
    """
    import time

    import numpy as np
    import polars as pl
    import scipy.sparse as sp

    t0 = time.perf_counter()
    period_links = (links.lazy().filter((pl.col("period") == period) & (pl.col("value_yuan") > 0))
                    .group_by("supplier_uscc", "buyer_uscc").agg(pl.col("value_yuan").sum()).collect())
    codes = pl.concat([period_links["supplier_uscc"], period_links["buyer_uscc"], pl.Series(roots, dtype=pl.String)]).unique()
    index = pl.DataFrame({"code": codes, "i": np.arange(codes.len(), dtype=np.int64)})
    coded = (period_links.join(index.rename({"code": "buyer_uscc", "i": "b"}), on="buyer_uscc")
             .join(index.rename({"code": "supplier_uscc", "i": "s"}), on="supplier_uscc"))
    n = codes.len()
    w = sp.csr_matrix((coded["value_yuan"].to_numpy(), (coded["b"].to_numpy(), coded["s"].to_numpy())), shape=(n, n))
    totals = np.asarray(w.sum(axis=1)).ravel()
    totals[totals == 0] = 1.0
    w = sp.diags(1.0 / totals) @ w
    t1 = time.perf_counter()
    root_ix = index.join(pl.DataFrame({"code": roots, "r": np.arange(len(roots))}), on="code").sort("r")["i"].to_numpy()
    x = sp.csr_matrix((np.ones(len(roots)), (np.arange(len(roots)), root_ix)), shape=(len(roots), n))
    names = codes.to_numpy()
    out: dict[str, dict[int, dict[str, float]]] = {r: {} for r in roots}
    for tier in range(1, tiers + 1):
        x = (x @ w).tocsr()
        if x.nnz == 0:
            break
        for r, root in enumerate(roots):
            lo, hi = x.indptr[r], x.indptr[r + 1]
            if hi > lo:
                out[root][tier] = dict(zip(names[x.indices[lo:hi]], x.data[lo:hi].tolist(), strict=True))
    t2 = time.perf_counter()
    return out, t1 - t0, t2 - t1


# ---- EPCIS events as PostgreSQL JSONB ------------------------------------------------------------------------

JSONB_DDL = ["CREATE TABLE IF NOT EXISTS peer_event (id bigserial PRIMARY KEY, body jsonb NOT NULL)"]
# GIN with jsonb_path_ops answers containment (@>): EPCs and business transactions; a B-tree on the
# expressions answers the business step in a time window, newest first
JSONB_INDEXES = ["CREATE INDEX IF NOT EXISTS peer_event_gin ON peer_event USING gin (body jsonb_path_ops)",
                 "CREATE INDEX IF NOT EXISTS peer_event_step_time ON peer_event ((body->>'bizStep'), (body->>'eventTime'))",
                 "CREATE INDEX IF NOT EXISTS peer_event_time ON peer_event ((body->>'eventTime'))"]


def jsonb_create(conn: Any, *, indexes: bool = True) -> None:
    """The peer's one table (and, unless building them after a bulk load, its indexes)."""
    from sqlalchemy import text

    for stmt in JSONB_DDL + (JSONB_INDEXES if indexes else []):
        conn.execute(text(stmt))


def jsonb_capture(conn: Any, doc: dict[str, Any]) -> int:
    """EPCIS document → rows: the official JSON Schema check (the same compiled validator), then COPY of each
    event as JSONB in the caller's transaction. Returns the number of events stored."""
    from chainatlas.settings import get_settings
    from chainatlas.trade.capture import _validator

    errors = list(_validator(get_settings().epcis_schema).iter_errors(doc))
    if errors:
        raise ValueError(errors[0])
    return _jsonb_copy(conn, doc["epcisBody"]["eventList"])


def _jsonb_copy(conn: Any, events: Any) -> int:
    """COPY of each event as JSONB in the caller's transaction; the number of events."""
    import json

    with conn.connection.driver_connection.cursor() as cur, cur.copy("COPY peer_event (body) FROM STDIN") as cp:
        for e in events:
            cp.write_row([json.dumps(e)])
    return len(events)


def jsonb_capture_checked(conn: Any, doc: dict[str, Any]) -> int:
    """The same peer given ChainAtlas' own checks first (``check_document``: schema, CBV and standard rules, hash
    IDs), then COPY of the checked events as JSONB: the two storage designs compared with equal checking. (It still
    stores a re-captured event twice: it keeps no hash IDs.)"""
    from chainatlas.trade.capture import check_document

    checked = check_document(doc)
    if not checked.ok:
        raise ValueError(checked.rejected[0])
    return _jsonb_copy(conn, checked.events)


def jsonb_query(conn: Any, params: dict[str, str], *, fast_json: bool = False) -> list[dict[str, Any]]:
    """The SimpleEventQuery parameters the benchmark uses, translated to SQL over the JSONB column: ``MATCH_epc``
    and ``EQ_bizTransaction_<type>`` as containment (GIN), ``EQ_bizStep`` and ``GE/LT_eventTime`` on the
    expression index; newest first, ``perPage`` rows. ``fast_json``: the bodies read as text and decoded with
    orjson, as ChainAtlas decodes its own (psycopg's default decoder is the standard library's ``json``)."""
    import json

    import orjson
    from sqlalchemy import text

    where, args = [], {}
    for key, value in params.items():
        if key == "MATCH_epc":
            where.append("body @> CAST(:epc AS jsonb)")
            args["epc"] = json.dumps({"epcList": [value]})
        elif key.startswith("EQ_bizTransaction_"):
            where.append("body @> CAST(:bt AS jsonb)")
            args["bt"] = json.dumps({"bizTransactionList": [{"type": key.removeprefix("EQ_bizTransaction_"),
                                                             "bizTransaction": value}]})
        elif key == "EQ_bizStep":
            where.append("body->>'bizStep' = :step")
            args["step"] = value
        elif key == "GE_eventTime":
            where.append("body->>'eventTime' >= :ge")
            args["ge"] = value
        elif key == "LT_eventTime":
            where.append("body->>'eventTime' < :lt")
            args["lt"] = value
        elif key != "perPage":
            raise ValueError(key)
    sql = (f"SELECT {'body::text' if fast_json else 'body'} FROM peer_event WHERE {' AND '.join(where) or 'true'} "
           f"ORDER BY body->>'eventTime' DESC LIMIT {int(params.get('perPage', '100'))}")
    bodies = [row[0] for row in conn.execute(text(sql), args)]
    return [orjson.loads(b) for b in bodies] if fast_json else bodies


# ---- tiers and policies, hand-written in Polars ---------------------------------------------------------------
# The rule sets in force on 2026-06-30 (rules/tiers/*.yaml, rules/policies/*.yaml, rules/parameters.yaml) written
# out by hand as a skilled engineer would: Kleene logic of Polars' nullable booleans (unknown = null: False & null
# is False, True | null is True), thresholds as literals. Only the decisions and amounts, not the explanations.

def _bands(x: Any, bands: list[tuple[float | None, float | None, str, float]]) -> Any:
    """Points of the first band containing x: (min, max, closed, points); null when x is null or in none."""
    import polars as pl

    expr = pl.lit(None, dtype=pl.Float64)
    for lo, hi, closed, pts in reversed(bands):
        inside = pl.lit(True)
        if lo is not None:
            inside = inside & ((x >= lo) if closed in ("left", "both") else (x > lo))
        if hi is not None:
            inside = inside & ((x <= hi) if closed in ("right", "both") else (x < hi))
        expr = pl.when(inside).then(pl.lit(pts)).otherwise(expr)
    return expr


def _at_least(lo: Any, hi: Any, need: float) -> Any:
    """Three-valued ``score ≥ need`` from the score's bounds: met if even the lower bound reaches it, unmet if
    not even the upper bound does, else unknown."""
    import polars as pl

    return pl.when(lo >= need).then(True).when(hi < need).then(False).otherwise(None)


def rules_polars(frame: Any) -> Any:
    """The 4 tier rule sets and the 20 policies of ``benchmarks/bench_rules.py`` on 2026-06-30, hand-written."""
    import polars as pl

    present = set(frame.columns)

    def c(name: str) -> Any:  # an input the frame does not hold is unknown for every firm, as in the engine
        return pl.col(name) if name in present else pl.lit(None, dtype=pl.Float64)

    def yes(name: str) -> Any:
        return c(name).cast(pl.Boolean)

    sme, credit = yes("is_sme"), yes("credit_ok")
    # 创新型中小企业 2022: score path (60 / 20 / 15 / 15) or one direct condition
    ip = c("ip_class").cast(pl.String).str.to_lowercase().replace_strict(
        {"high_value_class1": 20.0, "own_class1": 15.0, "class1": 10.0, "class2": 5.0, "none": 0.0}, default=None,
        return_dtype=pl.Float64)
    rd = _bands(c("rd_ratio"), [(0.05, None, "left", 20), (0.03, 0.05, "left", 15), (0.02, 0.03, "left", 10),
                                (0.01, 0.02, "none", 5), (None, 0.01, "right", 0)])
    growth = _bands(c("main_revenue_growth"), [(0.15, None, "left", 20), (0.10, 0.15, "left", 15), (0.05, 0.10, "left", 10),
                                               (0.0, 0.05, "none", 5), (None, 0.0, "right", 0)])
    debt = _bands(c("debt_ratio"), [(None, 0.55, "right", 10), (0.55, 0.75, "none", 5), (0.75, None, "left", 0)])
    field = pl.when(yes("strategic_emerging")).then(10.0).when(~yes("strategic_emerging")).then(5.0)
    share = _bands(c("main_business_share"), [(0.70, None, "left", 20), (0.60, 0.70, "left", 15), (0.55, 0.60, "left", 10),
                                              (0.50, 0.55, "none", 5), (None, 0.50, "right", 0)])
    # each item: (points, least, most) — an unknown item counts its least in the lower bound, its most in the upper
    items = {"innovation": [(ip, 0, 20), (rd, 0, 20)], "growth": [(growth, 0, 20), (debt, 0, 10)],
             "specialisation": [(field, 5, 10), (share, 0, 20)]}

    def bounds(group: list[tuple[Any, float, float]]) -> tuple[Any, Any]:
        return (pl.sum_horizontal([p.fill_null(lo) for p, lo, _ in group]),
                pl.sum_horizontal([p.fill_null(hi) for p, _, hi in group]))

    every = [i for g in items.values() for i in g]
    score = _at_least(*bounds(every), 60)
    for group, need in (("innovation", 20), ("growth", 15), ("specialisation", 15)):
        score = score & _at_least(*bounds(items[group]), need)
    direct = (yes("st_award_3y") | yes("valid_honour") | c("rd_institution_level").is_in(["national", "provincial"])
              | (c("equity_financing_3y_yuan") >= 5_000_000))
    innovative = sme & (score | direct)
    # 专精特新 2026
    specialised = (sme & (yes("is_innovative") | innovative) & (c("years_in_niche") >= 3)
                   & ((c("revenue_yuan") >= 15_000_000) | (c("equity_financing_2y_yuan") >= 20_000_000))
                   & (c("main_business_share") >= 0.80) & (c("debt_ratio") <= 0.80) & (c("rd_spend_yuan") >= 1_000_000)
                   & (c("rd_ratio") >= 0.03) & (c("rd_ratio_prev") >= 0.03) & (c("class1_ip_count") >= 1)
                   & (c("miit_eval_score") >= 50))
    # 专精特新“小巨人” 2026
    little_giant = (sme & (yes("is_srdi") | specialised) & (c("years_in_niche") >= 3) & (c("revenue_yuan") >= 50_000_000)
                    & (c("main_business_share") >= 0.90) & (c("main_revenue_growth") >= 0.05) & (c("debt_ratio") <= 0.75)
                    & (c("rd_spend_2y_yuan") >= 12_000_000) & (c("rd_ratio") >= 0.03) & (c("rd_ratio_prev") >= 0.03)
                    & (c("class1_ip_count") >= 4) & ((c("market_share") >= 0.10) | yes("top3_national"))
                    & (yes("key_field") | yes("key_segment")) & (c("miit_eval_score") >= 60))
    # 链主 (example rule)
    leader = (yes("in_chain") & (c("revenue_yuan") >= 1_000_000_000)
              & ((c("local_supply_rate") >= 0.30) | (c("local_suppliers") >= 20)) & (c("rd_ratio") >= 0.03) & credit)

    def capped(raw: Any, cap: float | None) -> Any:
        return (raw if cap is None else pl.when(raw.is_null()).then(None).otherwise(pl.min_horizontal(raw, pl.lit(cap)))).round(2)

    key_chains = (c("chains").list.eval(pl.element().is_in(["electronics", "nev", "equipment"])).list.any()
                  if "chains" in present else pl.lit(None, dtype=pl.Boolean))
    policies = {  # id: (eligible(threshold of the first plain criterion), amount)
        "compute_voucher": (lambda t: key_chains & (c("compute_spend_yuan") >= 100_000) & credit,
                            capped(c("compute_spend_yuan").cast(pl.Float64) * 0.3, 500_000), None),
        "digital_lightweight": (lambda t: sme & (c("digital_level") <= t) & (c("digital_spend_yuan") >= 50_000) & (c("debt_ratio") <= 0.85),
                                capped(c("digital_spend_yuan").cast(pl.Float64) * 0.2, 200_000), 2),
        "internship": (lambda t: (c("interns_6m") >= t) & credit, capped(c("interns_6m").cast(pl.Float64) * 6000, 120_000), 1),
        "model_voucher": (lambda t: sme & (c("model_spend_yuan") >= t) & credit,
                          capped(c("model_spend_yuan").cast(pl.Float64) * 0.3, 300_000), 50_000),
        "srdi_credit": (lambda t: (yes("is_srdi") | yes("is_little_giant") | specialised) & credit & (c("debt_ratio") <= 0.70),
                        pl.lit(5_000_000 * 0.1).round(2), None),
    }
    out = [innovative.alias("innovative_2022:qualifies"), specialised.alias("specialised_2026:qualifies"),
           little_giant.alias("little_giant_2026:qualifies"), leader.alias("chain_leader_example:qualifies")]
    for pid, (eligible, amount, t) in policies.items():
        out += [eligible(t).alias(f"{pid}:eligible"), amount.alias(f"{pid}:amount")]
    for pid, (eligible, amount, t) in policies.items():  # three variants each: first threshold × 0.8, 1.2, 1.5
        for k, factor in enumerate((0.8, 1.2, 1.5), start=1):
            out += [eligible(None if t is None else t * factor).alias(f"{pid}_v{k}:eligible"), amount.alias(f"{pid}_v{k}:amount")]
    return frame.lazy().select("uscc", *out).collect()


# --- REI / TTS: the lower bound — the whole network's LP solved once, then one warm re-solve per node -------------

class ReiWarmPeer:
    """What a skilled HiGHS user writes for "PI and TTS of every node": the whole-network LP built once with
    ``highspy`` (same formulation as ``chainatlas.risk.rei``), solved once undisrupted, then for each node (in order of
    its TTR) the bounds changed — capacities and demand for t, ``u_n = 0`` — and ``run()`` again from the previous
    basis. The TTS model is the same with t as a variable (primal simplex, as HiGHS advises for such re-solves). No
    component split, no shortcuts: ``timings`` keeps each node's seconds and simplex iterations for the profile."""

    def __init__(self, net: Any) -> None:
        import highspy
        import numpy as np
        from scipy.sparse import csr_matrix

        self.np, self.highspy = np, highspy
        n, m = len(net.nodes), len(net.edges)
        self.n, self.m = n, m
        sup = np.array([net.index[e.supplier] for e in net.edges])
        cus = np.array([net.index[e.customer] for e in net.edges])
        ratio = np.array([e.units_per_output for e in net.edges])
        keys: dict[tuple[int, str], int] = {}
        mat_row = np.array([keys.setdefault((int(c), e.material), len(keys)) for c, e in zip(cus, net.edges, strict=True)])
        mat_node = np.array([j for (j, _k) in keys])
        suppliers = np.unique(sup)
        sup_row = len(keys) + np.searchsorted(suppliers, sup)
        self.products = np.array([j for j, nd in enumerate(net.nodes) if nd.demand > 0])
        p = len(self.products)
        first_product = len(keys) + len(suppliers)
        self.first_product = first_product
        self.inv = np.array([nd.inventory for nd in net.nodes])
        self.cap = np.array([np.inf if nd.capacity is None else nd.capacity for nd in net.nodes])
        self.demand = np.array([net.nodes[j].demand for j in self.products])
        profit = np.array([net.nodes[j].unit_profit for j in self.products])
        rows = np.concatenate([np.arange(len(keys)), mat_row, sup_row, len(keys) + np.arange(len(suppliers)),
                               first_product + np.arange(p), first_product + np.arange(p)])
        cols = np.concatenate([mat_node, n + np.arange(m), n + np.arange(m), suppliers, self.products, n + m + np.arange(p)])
        vals = np.concatenate([np.ones(len(keys)), -1.0 / ratio, np.ones(m), -np.ones(len(suppliers)), -np.ones(p), -np.ones(p)])
        upper = np.concatenate([np.zeros(len(keys)), self.inv[suppliers], self.inv[self.products]])
        self.pi = self._model(csr_matrix((vals, (rows, cols)), shape=(len(upper), n + m + p)), upper,
                              np.concatenate([np.zeros(n + m), profit]))
        capped = np.flatnonzero(np.isfinite(self.cap))
        t_col = n + m
        cap_rows = first_product + p + np.arange(len(capped))
        rows2 = np.concatenate([rows[:-p] if p else rows, first_product + np.arange(p), cap_rows, cap_rows])
        cols2 = np.concatenate([cols[:-p] if p else cols, np.full(p, t_col), capped, np.full(len(capped), t_col)])
        vals2 = np.concatenate([vals[:-p] if p else vals, self.demand, np.ones(len(capped)), -self.cap[capped]])
        upper2 = np.concatenate([upper, np.zeros(len(capped))])
        costs2 = np.zeros(n + m + 1)
        costs2[t_col] = -1.0
        self.tts = self._model(csr_matrix((vals2, (rows2, cols2)), shape=(len(upper2), n + m + 1)), upper2, costs2)
        self.tts.changeColBounds(t_col, 0.0, 999.0)
        self.tts.setOptionValue("simplex_strategy", 4)
        self.t: float | None = None
        self.timings: list[tuple[int, str, float, int]] = []  # node, "pi"/"tts", seconds, simplex iterations

    def _model(self, a: Any, upper: Any, costs: Any) -> Any:
        np, highspy = self.np, self.highspy
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        n_cols = a.shape[1]
        inf = highspy.kHighsInf
        h.addCols(n_cols, costs.astype(float), np.zeros(n_cols), np.full(n_cols, inf), 0,
                  np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        h.addRows(len(upper), np.full(len(upper), -inf), upper.astype(float), a.nnz, a.indptr.astype(np.int32),
                  a.indices.astype(np.int32), a.data.astype(float))
        return h

    def _run(self, h: Any, node: int, kind: str) -> float:
        import time

        start = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - start
        assert h.getModelStatus() == self.highspy.HighsModelStatus.kOptimal, h.modelStatusToString(h.getModelStatus())
        info = h.getInfo()
        self.timings.append((node, kind, seconds, int(info.simplex_iteration_count)))
        return float(info.objective_function_value)

    def _set_t(self, t: float) -> None:
        np, inf = self.np, self.highspy.kHighsInf
        if self.t == t:
            return
        self.t = t
        self.pi.changeColsBounds(self.n, np.arange(self.n, dtype=np.int32), np.zeros(self.n),
                                 np.where(np.isfinite(self.cap), self.cap * t, inf))
        p = len(self.products)
        self.pi.changeRowsBounds(p, (self.first_product + np.arange(p)).astype(np.int32), np.full(p, -inf),
                                 self.inv[self.products] - self.demand * t)

    def solve_all(self, ttrs: list[float | None]) -> dict[int, tuple[float | None, float]]:
        """Node → (PI at its TTR or None, TTS), in the order of t; the undisrupted LPs first."""
        inf = self.highspy.kHighsInf
        first = next((t for t in sorted(x for x in ttrs if x is not None)), 1.0)
        self._set_t(first)
        self._run(self.pi, -1, "pi")
        self._run(self.tts, -1, "tts")
        out: dict[int, tuple[float | None, float]] = {}
        for j in sorted(range(self.n), key=lambda j: (ttrs[j] is None, ttrs[j] or 0.0, j)):
            pi = None
            t = ttrs[j]
            if t is not None:
                self._set_t(t)
                self.pi.changeColBounds(j, 0.0, 0.0)
                pi = self._run(self.pi, j, "pi")
                self.pi.changeColBounds(j, 0.0, self.cap[j] * t if self.np.isfinite(self.cap[j]) else inf)
            self.tts.changeColBounds(j, 0.0, 0.0)
            tts = -self._run(self.tts, j, "tts")
            self.tts.changeColBounds(j, 0.0, inf)
            out[j] = (pi, tts)
        return out
