"""Benchmark: invoice lines → supply links, the local fast path vs Spark ``local[1]`` vs ``local[2]``, same run.

Each run is a subprocess: ``chainatlas batch links`` through the library (``local_links`` / ``spark_links``) on the
demo city's ``transactions.parquet`` with its ``enterprises.parquet`` as the known firms. The parent samples the RSS
of the child's whole process tree (Python driver, the JVM, Spark's Python workers) every 0.1 s: the peak is the
tree's. Spark's time is given twice: the job alone, and with the session's start (JVM, context). Runs are
interleaved; medians are quoted. The Spark links are checked equal to the local ones, row for row, every run.

    .venv/bin/python benchmarks/bench_spark.py [--scale m] [--runs 3] [--impls local,spark1,spark2]
    .venv/bin/python benchmarks/bench_spark.py --rei 10000 --runs 1   # REI/TTS of bench_risk's network, local vs local[2]

Prints a JSON summary (also benchmarks/out/spark-<scale>.json); docs/benchmarks.md records the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
IMPLS = {"local": None, "spark1": "local[1]", "spark2": "local[2]"}


def child(impl: str, folder: Path, output: Path) -> None:
    import polars as pl

    from chainatlas.batch import links as L

    t0 = time.perf_counter()
    known_path = folder / "enterprises.parquet"
    master = IMPLS[impl]
    session_seconds = 0.0
    if master is None:
        ctx = L.batch_context(pl.read_parquet(known_path, columns=["uscc"])["uscc"].to_list())
        t1 = time.perf_counter()
        summary = L.local_links([str(folder / "transactions.parquet")], str(output), ctx)
    else:
        from chainatlas.batch.spark import session

        spark = session(master)
        session_seconds = time.perf_counter() - t0
        ctx = L.batch_context([])  # the known firms are read by Spark from the file
        t1 = time.perf_counter()
        summary = L.spark_links(spark, [str(folder / "transactions.parquet")], str(output), ctx, known=str(known_path))
    t2 = time.perf_counter()
    assert summary.written and not summary.problems, summary
    print(json.dumps({"seconds": t2 - t1, "session_seconds": session_seconds, "total_seconds": t2 - t0,
                      "lines": summary.lines, "links": summary.links}))


def _sample_tree(pid: int, cpu: dict[int, float]) -> int:
    """The RSS of ``pid``'s process tree now (bytes), recording each process's CPU seconds (user + system) in ``cpu``:
    a process's last reading counts."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
            t = p.cpu_times()
            cpu[p.pid] = t.user + t.system  # children_* would count a reaped JVM twice
    return total


def run(args: list[str]) -> tuple[dict[str, float], float]:
    """Run a child; its last stdout line (JSON, with ``cpu_seconds`` of the whole tree added: JIT and GC threads of
    the JVM count) and the peak RSS of its process tree in MB."""
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=os.environ)
    peak = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        peak = max(peak, _sample_tree(proc.pid, cpu))
        time.sleep(0.1)
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise RuntimeError(f"{args} failed ({proc.returncode})")
    stats = json.loads(out.strip().splitlines()[-1])
    stats["cpu_seconds"] = sum(cpu.values())
    return stats, peak / 2**20


def links_bench(scale: str, runs: int, impls: list[str]) -> dict[str, object]:
    import polars as pl

    from chainatlas.batch.output import read_links

    folder = OUT / scale
    if not (folder / "transactions.parquet").exists():
        subprocess.run([sys.executable, "-m", "chainatlas.cli", "demo", "--scale", scale, "--no-load", "--out", str(folder)],
                       check=True)
    results: dict[str, list[dict[str, float]]] = {i: [] for i in impls}
    for _ in range(runs):
        for impl in impls:  # interleaved, so noise hits all alike
            output = OUT / f"spark-bench-{impl}"
            stats, peak = run(["--child", impl, "--scale", scale, "--output", str(output)])
            stats["peak_rss_mb"] = peak
            results[impl].append(stats)
        if "local" in impls:
            ref = read_links(OUT / "spark-bench-local").sort(pl.all())
            for impl in impls:
                if impl != "local":
                    assert read_links(OUT / f"spark-bench-{impl}").sort(pl.all()).equals(ref), f"{impl} differs from local"
    summary: dict[str, object] = {}
    for impl, rs in results.items():
        med = statistics.median(r["seconds"] for r in rs)
        summary[impl] = {"median_seconds": round(med, 2), "runs_seconds": [round(r["seconds"], 2) for r in rs],
                         "median_with_session_seconds": round(statistics.median(r["total_seconds"] for r in rs), 2),
                         "session_seconds": [round(r["session_seconds"], 2) for r in rs],
                         "peak_rss_mb": round(max(r["peak_rss_mb"] for r in rs)), "lines": int(rs[0]["lines"]),
                         "links": int(rs[0]["links"]), "lines_per_second": round(rs[0]["lines"] / med),
                         "median_cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in rs), 1)}
    if "local" in summary:
        base = summary["local"]["median_seconds"]  # type: ignore[index]
        for impl in impls:
            summary[impl]["ratio_to_local"] = round(summary[impl]["median_seconds"] / base, 2)  # type: ignore[index]
    return summary


def rei_child(nodes: int, engine: str) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_risk import generate

    from chainatlas.risk.rei import risk_exposure

    net = generate()  # bench_risk's network: 10,000 nodes, 50,000 edges
    assert len(net.nodes) == nodes
    t0 = time.perf_counter()
    chunk_map = None
    session_seconds = 0.0
    if engine == "spark2":
        from chainatlas.batch.rei import spark_chunk_map
        from chainatlas.batch.spark import session

        chunk_map = spark_chunk_map(session("local[2]"))
        session_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    res = risk_exposure(net, workers=2, chunk_map=chunk_map)
    t2 = time.perf_counter()
    (OUT / f"rei-{engine}.json").write_text(json.dumps([[r.node_id, r.pi, r.tts] for r in res]))
    print(json.dumps({"seconds": t2 - t1, "session_seconds": session_seconds, "total_seconds": t2 - t0, "lines": len(res),
                      "links": 0}))


def rei_bench(nodes: int, runs: int) -> dict[str, object]:
    import math

    results: dict[str, list[dict[str, float]]] = {"local": [], "spark2": []}
    for _ in range(runs):
        for engine in results:
            stats, peak = run(["--rei-child", engine, "--rei", str(nodes)])
            stats["peak_rss_mb"] = peak
            results[engine].append(stats)
        a = json.loads((OUT / "rei-local.json").read_text())
        b = json.loads((OUT / "rei-spark2.json").read_text())
        worst = max((abs(x[1] - y[1]) / max(1.0, abs(x[1])) for x, y in zip(a, b, strict=True) if x[1] is not None), default=0.0)
        assert worst < 1e-6 and all(math.isclose(x[2], y[2], rel_tol=1e-6, abs_tol=1e-9) for x, y in zip(a, b, strict=True))
    return {e: {"median_seconds": round(statistics.median(r["seconds"] for r in rs), 1),
                "runs_seconds": [round(r["seconds"], 1) for r in rs],
                "session_seconds": [round(r["session_seconds"], 1) for r in rs],
                "peak_rss_mb": round(max(r["peak_rss_mb"] for r in rs)), "nodes": int(rs[0]["lines"]),
                "median_cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in rs), 1)}
            for e, rs in results.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="m")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--impls", default="local,spark1,spark2")
    ap.add_argument("--child")
    ap.add_argument("--output")
    ap.add_argument("--rei", type=int)
    ap.add_argument("--rei-child")
    args = ap.parse_args()
    if args.child:
        child(args.child, OUT / args.scale, Path(args.output))
        return
    if args.rei_child:
        rei_child(args.rei, args.rei_child)
        return
    OUT.mkdir(exist_ok=True)
    if args.rei:
        summary = {"rei": rei_bench(args.rei, args.runs)}
        name = f"spark-rei-{args.rei}.json"
    else:
        summary = {"links": links_bench(args.scale, args.runs, args.impls.split(","))}
        name = f"spark-{args.scale}.json"
    summary["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    (OUT / name).write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
