"""Benchmark: EPCIS capture throughput and query latency (fictional events).

Capture: documents of 10,000 ObjectEvents (SGTIN EPCs, read point, business location, a purchase order and a
bill of lading each) captured by ChainAtlas (`check_document` + `repository.store`: schema and rule checks, hash
IDs, indexed columns and side tables, one transaction) into SQLite and PostgreSQL, against a straightforward
implementation in the same run: the same schema check, then one JSON blob per event in one table.

Query: p50/p95/max latency of typical queries (50 of each kind) over N stored events (`--events`, default 200,000; the target run uses
5,000,000), in SQLite or PostgreSQL (`--query-db`): one EPC's history, a business step in a one-day window, one bill
of lading. Baseline, same run: load the blobs and filter in Python (it grows with N).

Competent peer (PostgreSQL, same run): events as JSONB in one table with a GIN index (``jsonb_path_ops``) and
expression indexes, captured with the same JSON Schema check and COPY, queried by the SimpleEventQuery translated to
SQL (``peers.jsonb_query``); its answers are checked equal to ours query by query. Its queries are timed twice: with
psycopg's default JSON decoder, and reading the bodies as text decoded with orjson, as ChainAtlas does. Its capture is timed twice: with the
schema check only, and with ChainAtlas' own checks (``check_document``) before the COPY, so that the storage designs
are also compared with equal checking.

    .venv/bin/python benchmarks/bench_epcis.py [--events 200000] [--docs 3] [--query-db sqlite|postgresql]
        [--skip-capture] [--no-blob] [--keep] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select, text

from chainatlas import db
from chainatlas.bootstrap import init_database
from chainatlas.settings import get_settings
from chainatlas.trade import repository
from chainatlas.trade.capture import _validator, check_document

sys.path.insert(0, str(Path(__file__).parent))
import peers

STEPS = ["commissioning", "packing", "shipping", "departing", "arriving", "receiving"]
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def make_doc(start: int, n: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed + start)
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    events = []
    for i in range(start, start + n):
        item = i // 6  # six events per item: its journey
        t = base + dt.timedelta(minutes=i)
        events.append({
            "type": "ObjectEvent", "eventTime": t.isoformat().replace("+00:00", "Z"), "eventTimeZoneOffset": "+08:00",
            "epcList": [f"urn:epc:id:sgtin:6901234.0{item % 97:05d}.{item}"], "action": "OBSERVE",
            "bizStep": STEPS[i % 6], "disposition": "in_transit" if i % 6 in (2, 3, 4) else "in_progress",
            "readPoint": {"id": f"urn:epc:id:sgln:6901234.{rng.randint(1, 400):05d}.0"},
            "bizLocation": {"id": f"urn:epc:id:sgln:6901234.{item % 400:05d}.0"},
            "bizTransactionList": [{"type": "po", "bizTransaction": f"urn:epcglobal:cbv:bt:6901234000016:PO{item // 10}"},
                                   {"type": "bol", "bizTransaction": f"urn:epcglobal:cbv:bt:6901234000016:BL{item // 50}"}],
        })
    return {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-01-01T00:00:00Z", "epcisBody": {"eventList": events}}


BLOBS = MetaData()
blob = Table("bench_blob", BLOBS, Column("id", Integer, primary_key=True), Column("body", Text))


def baseline_capture(engine: Any, doc: dict[str, Any]) -> None:
    errors = list(_validator(get_settings().epcis_schema).iter_errors(doc))
    assert not errors
    with engine.begin() as conn:
        conn.execute(insert(blob), [{"body": json.dumps(e)} for e in doc["epcisBody"]["eventList"]])


def capture_rates(engine: Any, docs: int, size: int) -> dict[str, Any]:
    ours, base, peer, peer_checked = [], [], [], []
    BLOBS.create_all(engine)
    pg = engine.dialect.name == "postgresql"
    if pg:
        with engine.begin() as conn:
            peers.jsonb_create(conn)
    for k in range(docs):  # interleaved
        doc = make_doc(10_000_000 + k * size, size)
        t = time.perf_counter()
        checked = check_document(doc)
        assert checked.ok
        repository.store(engine, checked, "bench")
        ours.append(size / (time.perf_counter() - t))
        t = time.perf_counter()
        baseline_capture(engine, doc)
        base.append(size / (time.perf_counter() - t))
        if pg:
            t = time.perf_counter()
            with engine.begin() as conn:
                peers.jsonb_capture(conn, doc)
            peer.append(size / (time.perf_counter() - t))
            t = time.perf_counter()
            with engine.begin() as conn:
                peers.jsonb_capture_checked(conn, doc)
            peer_checked.append(size / (time.perf_counter() - t))
    out = {"ours_events_per_s": [round(x) for x in ours], "baseline_events_per_s": [round(x) for x in base],
           "ours_median": round(statistics.median(ours)), "baseline_median": round(statistics.median(base))}
    if peer:
        out |= {"jsonb_events_per_s": [round(x) for x in peer], "jsonb_median": round(statistics.median(peer)),
                "ratio_vs_jsonb": round(statistics.median(ours) / statistics.median(peer), 2),
                "jsonb_checked_events_per_s": [round(x) for x in peer_checked],
                "jsonb_checked_median": round(statistics.median(peer_checked)),
                "ratio_vs_jsonb_checked": round(statistics.median(ours) / statistics.median(peer_checked), 2)}
    return out


def fill(engine: Any, total: int, size: int = 10_000, *, blobs: bool = True) -> dict[str, float]:
    """Stores ``total`` events through ChainAtlas (and the blob baseline); in PostgreSQL also into the JSONB peer,
    whose indexes are built after the bulk load (as one would), that time counted as the peer's."""
    pg = engine.dialect.name == "postgresql"
    if pg:
        with engine.begin() as conn:
            peers.jsonb_create(conn, indexes=False)
    times = {"ours": 0.0, "blob": 0.0, "jsonb": 0.0}
    for start in range(0, total, size):
        doc = make_doc(start, min(size, total - start))
        t = time.perf_counter()
        checked = check_document(doc)
        repository.store(engine, checked, "bench")
        times["ours"] += time.perf_counter() - t
        if blobs:
            t = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(insert(blob), [{"body": json.dumps(e)} for e in checked.events])
            times["blob"] += time.perf_counter() - t
        if pg:
            t = time.perf_counter()
            with engine.begin() as conn:
                peers.jsonb_capture(conn, doc)
            times["jsonb"] += time.perf_counter() - t
        if start % 500_000 == 0:
            print(f"  stored {start + size:,} events {times}", flush=True)
    if pg:
        t = time.perf_counter()
        with engine.begin() as conn:
            peers.jsonb_create(conn, indexes=True)
        times["jsonb_index_build"] = time.perf_counter() - t
        times["jsonb"] += times["jsonb_index_build"]
    return {k: round(v, 1) for k, v in times.items()}


PER_KIND = 50  # queries of each kind: p95 is then the 48th of 50, not the slowest


def queries(total: int) -> list[tuple[str, dict[str, str], Any]]:
    rng = random.Random(5)
    out = []
    for _ in range(PER_KIND):
        item = rng.randrange(total // 6)
        epc = f"urn:epc:id:sgtin:6901234.0{item % 97:05d}.{item}"
        out.append(("one EPC's history", {"MATCH_epc": epc, "perPage": "100"},
                    lambda e, epc=epc: epc in e.get("epcList", [])))
        day = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rng.randrange(total))
        lo, hi = day.strftime("%Y-%m-%dT%H:%M:%SZ"), (day + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(("bizStep in a day", {"EQ_bizStep": "shipping", "GE_eventTime": lo, "LT_eventTime": hi, "perPage": "100"},
                    lambda e, lo=lo, hi=hi: e["bizStep"] == "shipping" and lo <= e["eventTime"] < hi))
        bl = f"urn:epcglobal:cbv:bt:6901234000016:BL{rng.randrange(max(1, total // 300))}"
        out.append(("one bill of lading", {"EQ_bizTransaction_bol": bl, "perPage": "100"},
                    lambda e, bl=bl: any(b["bizTransaction"] == bl for b in e["bizTransactionList"])))
    return out


IMPLS = ("ours", "jsonb", "jsonb_orjson")


def _timed_pass(engine: Any, plan: list[tuple[str, dict[str, str], Any]], res: dict[str, dict[str, list[float]]],
                found: dict[int, int], suffix: str) -> int:
    """Every query of ``plan`` through ChainAtlas and, on PostgreSQL, the JSONB peer with either JSON decoder,
    interleaved query by query; times into ``res[kind][impl + suffix]``. Returns how many peer answers differed."""
    pg = engine.dialect.name == "postgresql"
    mismatches = 0
    for k, (name, params, _pred) in enumerate(plan):
        times = res.setdefault(name, {"base": []})
        t = time.perf_counter()
        got = repository.query(engine, params)
        times.setdefault("ours" + suffix, []).append(time.perf_counter() - t)
        found[k] = len(got["events"])
        if pg:
            mine = sorted((e["eventTime"], e["epcList"][0]) for e in got["events"])
            for impl, fast in (("jsonb", False), ("jsonb_orjson", True)):
                t = time.perf_counter()
                with engine.connect() as conn:
                    theirs = peers.jsonb_query(conn, params, fast_json=fast)
                times.setdefault(impl + suffix, []).append(time.perf_counter() - t)
                mismatches += mine != sorted((e["eventTime"], e["epcList"][0]) for e in theirs)
    return mismatches


def latency(engine: Any, total: int, baseline_runs: int) -> dict[str, Any]:
    """``PER_KIND`` queries of each kind through ChainAtlas and the peers, twice: first each query once (its pages
    mostly not in PostgreSQL's buffers: the headline), then the same queries again (``_warm``: their pages just
    read). Then the baseline (a full scan in Python) on the first ``baseline_runs`` of each kind — last, so that its
    scans of every blob do not evict the pages the indexed queries use halfway through their measurement."""
    res: dict[str, dict[str, list[float]]] = {}
    found: dict[int, int] = {}
    plan = queries(total)
    mismatches = _timed_pass(engine, plan, res, found, "")
    mismatches += _timed_pass(engine, plan, res, found, "_warm")
    for k, (name, _params, pred) in enumerate(plan):
        if k // 3 < baseline_runs:
            t = time.perf_counter()
            with engine.connect() as conn:
                hits = [b for (b,) in conn.execute(select(blob.c.body)) if pred(json.loads(b))]
            res[name]["base"].append(time.perf_counter() - t)
            assert len(hits) >= found[k]

    def p(xs: list[float] | None, q: float) -> float | None:
        return round(1000 * sorted(xs)[min(len(xs) - 1, int(q * len(xs)))], 2) if xs else None

    out: dict[str, Any] = {}
    for name, v in res.items():
        out[name] = {f"{impl}{suffix}_{label}_ms": p(v.get(impl + suffix), q) for impl in IMPLS
                     for suffix in ("", "_warm") for label, q in (("p50", 0.5), ("p95", 0.95))}
        out[name] |= {"ours_max_ms": p(v.get("ours"), 1.0), "jsonb_max_ms": p(v.get("jsonb"), 1.0),
                      "baseline_p50_ms": p(v["base"], 0.5), "baseline_p95_ms": p(v["base"], 0.95)}
    out["jsonb_answers_differing"] = mismatches
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--docs", type=int, default=3)
    ap.add_argument("--query-db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--skip-capture", action="store_true")
    ap.add_argument("--no-blob", action="store_true", help="leave out the blob baseline (its full scans take minutes at 5M)")
    ap.add_argument("--keep", action="store_true", help="keep the filled PostgreSQL schema (its name is printed) to study plans")
    ap.add_argument("--pg", default=os.environ.get("CHAINATLAS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = ap.parse_args()
    out: dict[str, Any] = {"machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"}
    folder = Path(tempfile.mkdtemp(prefix="bench-epcis-"))
    admin = db.make_engine(args.pg)
    if not args.skip_capture:
        sqlite = db.make_engine(f"sqlite:///{folder / 'bench.sqlite'}")
        init_database(sqlite)
        out["capture_sqlite"] = capture_rates(sqlite, args.docs, 10_000)
        print(json.dumps(out["capture_sqlite"]), flush=True)
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            pg = db.make_engine(f"{args.pg}?options=-csearch_path%3D{schema}")
            init_database(pg)
            out["capture_postgresql"] = capture_rates(pg, args.docs, 10_000)
            print(json.dumps(out["capture_postgresql"]), flush=True)
            pg.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    if args.query_db == "postgresql":
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        big = db.make_engine(f"{args.pg}?options=-csearch_path%3D{schema}")
    else:
        big = db.make_engine(f"sqlite:///{folder / 'query.sqlite'}")
    try:
        init_database(big)
        BLOBS.create_all(big)
        out["fill_seconds"] = fill(big, args.events, blobs=not args.no_blob)
        out["events"] = args.events
        if args.query_db == "postgresql":  # what autovacuum would do after a bulk load (this server runs without it):
            # statistics, and the visibility map that lets index-only scans skip the table (both sides alike)
            with big.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        runs = 0 if args.no_blob else 20 if args.events <= 500_000 else 2
        out[f"query_{args.query_db}"] = latency(big, args.events, baseline_runs=runs)
    finally:
        big.dispose()
        if args.query_db == "postgresql" and not args.keep:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    out["schema_kept"] = schema if args.keep and args.query_db == "postgresql" else None
    print(json.dumps(out, indent=1))
    (Path(__file__).parent / "out").mkdir(exist_ok=True)
    (Path(__file__).parent / "out" / "epcis.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
