"""Bounded load test of the served app on loopback: readers and writers at once, on SQLite or PostgreSQL.

``--readers`` clients (default 20) loop for ``--seconds`` (default 60) over the chain atlas, the enterprise list and
an EPCIS query; ``--writers`` clients (default 8) at the same time alternate an EPCIS capture (one new event per
request) and an import of a small enterprise file (new firms per request). Reported: requests/s, p50/p95/p99
latency per kind, status codes, answers that mention ``database is locked``, and a count check — every capture the
server accepted is stored once, every event stored was accepted, every imported firm is there once.

Everything goes to 127.0.0.1 only; the loops stop by themselves after ``--seconds``.

    .venv/bin/python benchmarks/bench_serve.py --db sqlite [--seconds 60] [--readers 20] [--writers 8]
    .venv/bin/python benchmarks/bench_serve.py --db postgresql [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text

from chainatlas import db
from chainatlas.registry.uscc import make_uscc

READS = {"atlas": "/api/v1/chains/nev/atlas", "enterprises": "/api/v1/enterprises?per_page=20&page={n}",
         "epcis_query": "/epcis/events?perPage=20&EQ_bizStep=shipping"}
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _capture_doc(serial: str) -> bytes:
    ev = {"type": "ObjectEvent", "eventTime": "2026-03-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
          "epcList": [f"urn:epc:id:sgtin:0614141.107346.{serial}"], "action": "OBSERVE", "bizStep": "shipping",
          "readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0"}}
    return json.dumps({"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
                       "creationDate": "2026-03-01T00:00:00Z", "epcisBody": {"eventList": [ev]}}).encode()


def _firms(writer: int, n: int, per_file: int) -> tuple[bytes, list[str]]:
    usccs = []
    for i in range(per_file):
        k = writer * 100_000 + n * per_file + i
        body = "91410105MA" + "".join(ALPHABET[(k // len(ALPHABET) ** p) % len(ALPHABET)] for p in range(6, -1, -1))
        usccs.append(make_uscc(body[:17]))
    lines = ["统一社会信用代码,企业名称,行政区划代码,行业代码"] + [f"{u},负载测试企业{u[-6:]}（示例）,410105,C3841" for u in usccs]
    return ("\n".join(lines) + "\n").encode(), usccs


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--readers", type=int, default=20)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--firms-per-import", type=int, default=20)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="chainatlas-serve-"))
    schema = None
    if args.db == "sqlite":
        url = f"sqlite:///{work / 'serve.sqlite'}"
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = db.make_engine(args.pg)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        url = f"{args.pg}?options=-csearch_path%3D{schema}"
    env = {**os.environ, "CHAINATLAS_DATA_DIR": str(work), "CHAINATLAS_DATABASE_URL": url}
    cli = [sys.executable, "-m", "chainatlas.cli"]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "--scale", "s", "--out", str(work / "demo")], env=env, check=True, capture_output=True)
    token = subprocess.run([*cli, "users", "add", "loadtest", "--role", "admin", "--token"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    engine = db.make_engine(url)
    with engine.connect() as conn:
        events_before = int(conn.execute(select(func.count()).select_from(db.epcis_event)).scalar() or 0)
        firms_before = int(conn.execute(select(func.count()).select_from(db.enterprise)).scalar() or 0)
    port = _free_port()
    server = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(200):
        try:
            if httpx.get(base + "/api/v1/overview", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    lat: dict[str, list[float]] = defaultdict(list)
    codes: dict[str, Counter[int]] = defaultdict(Counter)
    locked = Counter[str]()
    accepted_serials: list[str] = []
    imported: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def record(kind: str, t0: float, resp: httpx.Response) -> None:
        with lock:
            lat[kind].append(time.perf_counter() - t0)
            codes[kind][resp.status_code] += 1
            if "database is locked" in resp.text:
                locked[kind] += 1

    def reader(i: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
            n = 0
            while time.monotonic() < stop:
                for kind, path in READS.items():
                    t0 = time.perf_counter()
                    record(kind, t0, c.get(path.format(n=1 + (n + i) % 50)))
                n += 1

    def writer(i: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as c:
            n = 0
            while time.monotonic() < stop:
                serial = f"L{i}x{n}"
                t0 = time.perf_counter()
                r = c.post("/epcis/capture", content=_capture_doc(serial), headers={"Content-Type": "application/json"})
                record("capture", t0, r)
                if r.status_code == 202:
                    with lock:
                        accepted_serials.append(serial)
                body, usccs = _firms(i, n, args.firms_per_import)
                t0 = time.perf_counter()
                r = c.post("/api/v1/imports", files={"files": (f"firms-{i}-{n}.csv", body, "text/csv")})
                record("import", t0, r)
                if r.status_code == 200 and r.json().get("written"):
                    with lock:
                        imported.extend(usccs)
                n += 1

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(args.readers)]
    threads += [threading.Thread(target=writer, args=(i,)) for i in range(args.writers)]
    t_start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t_start
    server.terminate()
    _, stderr = server.communicate(timeout=30)
    with engine.connect() as conn:
        events = int(conn.execute(select(func.count()).select_from(db.epcis_event)).scalar() or 0)
        distinct = int(conn.execute(select(func.count(func.distinct(db.epcis_event.c.event_id)))).scalar() or 0)
        firms = int(conn.execute(select(func.count()).select_from(db.enterprise)).scalar() or 0)
        found = int(conn.execute(select(func.count()).select_from(db.enterprise).where(
            db.enterprise.c.uscc.in_(imported[:30000]))).scalar() or 0) if imported else 0
    engine.dispose()
    if schema:
        admin = db.make_engine(args.pg)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    total = sum(len(v) for v in lat.values())
    out: dict[str, Any] = {
        "db": args.db, "seconds": round(elapsed, 1), "readers": args.readers, "writers": args.writers,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "requests": total, "requests_per_s": round(total / elapsed, 1),
        "kinds": {k: {"n": len(v), "p50_ms": round(1000 * statistics.median(v), 1), "p95_ms": round(1000 * _pct(v, 0.95), 1),
                      "p99_ms": round(1000 * _pct(v, 0.99), 1), "codes": dict(codes[k])} for k, v in sorted(lat.items())},
        "database_is_locked": dict(locked) | {"server_log": stderr.count("database is locked")},
        "server_errors_5xx": sum(n for c in codes.values() for s, n in c.items() if s >= 500),
        "check": {"captures_accepted": len(accepted_serials), "events_stored": events - events_before,
                  "events_distinct": distinct == events, "firms_imported": len(imported),
                  "firms_added": firms - firms_before, "imported_firms_found": found,
                  "nothing_lost_or_duplicated": (events - events_before == len(accepted_serials) and distinct == events
                                                 and firms - firms_before == len(imported) == found)},
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
