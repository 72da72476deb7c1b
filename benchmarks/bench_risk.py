"""Benchmark: the risk exposure index on a 10k-node / 50k-edge network, and the exposure of every chain leader.

1. REI/TTS for every node of a generated tiered network (10,000 nodes, 50,000 edges; fictional) with
   ``chainatlas.risk.rei.risk_exposure`` (component restriction, warm-started HiGHS models, two processes).
   Baseline, same run: the straightforward method — for each node, the full LP assembled and solved cold with
   SciPy's ``linprog`` (HiGHS), PI and TTS. The baseline is timed on a random sample of nodes (a full run would
   take hours); its per-node median is compared with ours per node, and the sampled answers are checked equal.
2. Multi-tier exposure (5 tiers) of every chain leader of the ``l`` demo city: ``chainatlas.risk.exposure``
   (index built once, NumPy walks) against NetworkX (a DiGraph of the links, per-leader tier walk) in the same run;
   the tier weights are checked equal.

    .venv/bin/python benchmarks/bench_risk.py [--sample 20] [--scale l]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

sys.path.insert(0, str(Path(__file__).parent))
from chainatlas.risk.rei import TTS_CAP, Edge, Network, Node, risk_exposure


def generate(n_nodes: int = 10_000, n_edges: int = 50_000, seed: int = 11) -> Network:
    """Six tiers (raw materials → final products); each buyer takes 2–3 materials from 1–5 suppliers each."""
    rng = random.Random(seed)
    sizes = [n_nodes * s // 10_000 for s in (3000, 2500, 2000, 1500, 800, 200)]  # the 10k shape, scaled
    sizes[0] += n_nodes - sum(sizes)
    tiers: list[list[str]] = []
    nodes: list[Node] = []
    k = 0
    for t, size in enumerate(sizes):
        ids = [f"t{t}n{i}" for i in range(size)]
        tiers.append(ids)
        for node in ids:
            nodes.append(Node(node, capacity=rng.uniform(50, 150) if rng.random() < 0.8 else None,
                              inventory=rng.uniform(0, 200), demand=rng.uniform(10, 60) if t == len(sizes) - 1 else 0.0,
                              unit_profit=rng.uniform(1, 20) if t == len(sizes) - 1 else 0.0,
                              ttr=float(rng.choice([1, 2, 4, 8, 12]))))
            k += 1
    edges: set[tuple[str, str, str]] = set()
    buyers = [(t, b) for t in range(1, len(sizes)) for b in tiers[t]]
    while len(edges) < n_edges:
        t, b = rng.choice(buyers)
        src = tiers[t - 1] if rng.random() < 0.85 or t < 2 else tiers[t - 2]
        s = rng.choice(src)
        edges.add((s, b, f"m{int(s.split('n')[1]) % 3}"))  # the supplier's product family is the material
    return Network(nodes, [Edge(s, b, m, rng.uniform(0.5, 2.0)) for s, b, m in sorted(edges)])


class ColdModel:
    """The straightforward method: the whole network's LP for every node, solved from scratch by linprog."""

    def __init__(self, net: Network) -> None:
        n, m = len(net.nodes), len(net.edges)
        self.net, self.n, self.m = net, n, m
        self.products = [j for j, nd in enumerate(net.nodes) if nd.demand > 0]
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        r = 0
        needs: dict[tuple[int, str], list[int]] = defaultdict(list)
        for e_idx, e in enumerate(net.edges):
            needs[(net.index[e.customer], e.material)].append(e_idx)
        for (j, _k), ids in needs.items():
            rows.append(r); cols.append(j); vals.append(1.0)  # noqa: E702
            for e_idx in ids:
                rows.append(r); cols.append(n + e_idx); vals.append(-1.0 / net.edges[e_idx].units_per_output)  # noqa: E702
            r += 1
        self.n_material = r
        out: dict[int, list[int]] = defaultdict(list)
        for e_idx, e in enumerate(net.edges):
            out[net.index[e.supplier]].append(e_idx)
        self.supply = sorted(out)
        for i in self.supply:
            for e_idx in out[i]:
                rows.append(r); cols.append(n + e_idx); vals.append(1.0)  # noqa: E702
            rows.append(r); cols.append(i); vals.append(-1.0)  # noqa: E702
            r += 1
        for q, j in enumerate(self.products):
            rows += [r, r]; cols += [n + m + q, j]; vals += [-1.0, -1.0]  # noqa: E702
            r += 1
        self.rows, self.cols, self.vals, self.n_rows = rows, cols, vals, r
        self.inv = np.array([nd.inventory for nd in net.nodes])
        self.cap = np.array([np.inf if nd.capacity is None else nd.capacity for nd in net.nodes])
        self.demand = np.array([net.nodes[j].demand for j in self.products])

    def pi(self, node: int, t: float) -> float:
        n, m, p = self.n, self.m, len(self.products)
        a = coo_matrix((self.vals, (self.rows, self.cols)), shape=(self.n_rows, n + m + p)).tocsr()
        b = np.concatenate([np.zeros(self.n_material), self.inv[self.supply], self.inv[self.products] - self.demand * t])
        bounds = [(0.0, 0.0 if j == node else (None if np.isinf(self.cap[j]) else self.cap[j] * t)) for j in range(n)]
        c = np.concatenate([np.zeros(n + m), [self.net.nodes[j].unit_profit for j in self.products]])
        res = linprog(c, A_ub=a, b_ub=b, bounds=bounds + [(0.0, None)] * (m + p), method="highs")
        assert res.status == 0, res.message
        return float(res.fun)

    def tts(self, node: int) -> float:
        n, m = self.n, self.m
        rows = [r for r, c in zip(self.rows, self.cols, strict=True) if c < n + m]
        cols = [c for c in self.cols if c < n + m]
        vals = [v for v, c in zip(self.vals, self.cols, strict=True) if c < n + m]
        first = self.n_material + len(self.supply)
        for q in range(len(self.products)):
            rows.append(first + q); cols.append(n + m); vals.append(float(self.demand[q]))  # noqa: E702
        extra = self.n_rows
        for j in range(n):
            if np.isfinite(self.cap[j]):
                rows += [extra, extra]; cols += [j, n + m]; vals += [1.0, -float(self.cap[j])]  # noqa: E702
                extra += 1
        a = coo_matrix((vals, (rows, cols)), shape=(extra, n + m + 1)).tocsr()
        b = np.concatenate([np.zeros(self.n_material), self.inv[self.supply], self.inv[self.products],
                            np.zeros(extra - self.n_rows)])
        bounds = [(0.0, 0.0) if j == node else (0.0, None) for j in range(n)] + [(0.0, None)] * m + [(0.0, TTS_CAP)]
        c = np.zeros(n + m + 1)
        c[-1] = -1.0
        res = linprog(c, A_ub=a, b_ub=b, bounds=bounds, method="highs")
        assert res.status == 0, res.message
        return float(res.x[-1])


def bench_rei(sample: int) -> dict[str, object]:
    net = generate()
    t = time.perf_counter()
    ours = risk_exposure(net, workers=2)
    ours_total = time.perf_counter() - t
    cold = ColdModel(net)
    rng = random.Random(3)
    picked = rng.sample(range(len(net.nodes)), sample)
    per_node, worst = [], 0.0
    for j in picked:
        t = time.perf_counter()
        pi = cold.pi(j, net.nodes[j].ttr or 0.0)
        tts = cold.tts(j)
        per_node.append(time.perf_counter() - t)
        got = ours[j]
        worst = max(worst, abs(pi - (got.pi or 0.0)) / max(1.0, abs(pi)), abs(min(tts, TTS_CAP) - got.tts) / max(1.0, tts))
    base_median = statistics.median(per_node)
    ours_per_node = ours_total / len(net.nodes)
    return {"nodes": len(net.nodes), "edges": len(net.edges), "ours_total_s": ours_total, "ours_per_node_s": ours_per_node,
            "baseline_sample": sample, "baseline_per_node_median_s": base_median,
            "baseline_per_node_runs_s": [round(x, 3) for x in per_node],
            "baseline_extrapolated_total_s": base_median * len(net.nodes), "ratio": base_median / ours_per_node,
            "max_relative_difference": worst, "critical_nodes": sum(1 for r in ours if r.critical)}


def _tier(node_id: str) -> str:
    return node_id.split("n")[0]


def rei_child(kind: str, n_nodes: int) -> dict[str, object]:
    """One side of the lower-bound comparison, in a process of its own (one core each, run side by side): ``ours``
    (``risk_exposure``, one worker, each LP timed by wrapping the model's methods) or ``peer`` (``ReiWarmPeer``)."""
    from chainatlas.risk import rei

    net = generate(n_nodes, 5 * n_nodes)
    profile: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0])  # seconds, LPs, simplex iterations (peer)
    if kind == "ours":
        for name in ("loss", "survive"):
            method = getattr(rei._Component, name)

            def timed(self: rei._Component, node: int | None, *a: object, _m: object = method, _n: str = name) -> float:
                t0 = time.perf_counter()
                out = _m(self, node, *a)  # type: ignore[operator]
                key = f"{'base' if node is None else _tier(net.nodes[int(self.nodes[node])].id)} {'pi' if _n == 'loss' else 'tts'}"
                profile[key][0] += time.perf_counter() - t0
                profile[key][1] += 1
                return out  # type: ignore[no-any-return]

            setattr(rei._Component, name, timed)
        t = time.perf_counter()
        res = rei.risk_exposure(net, workers=1)
        total = time.perf_counter() - t
        answers = [[r.pi, r.tts] for r in res]
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from peers import ReiWarmPeer

        t = time.perf_counter()
        peer = ReiWarmPeer(net)
        built = time.perf_counter() - t
        got = peer.solve_all([nd.ttr for nd in net.nodes])
        total = time.perf_counter() - t
        answers = [[got[j][0], min(got[j][1], TTS_CAP)] for j in range(len(net.nodes))]
        for node, what, seconds, iterations in peer.timings:
            key = f"{'base' if node < 0 else _tier(net.nodes[node].id)} {what}"
            profile[key][0] += seconds
            profile[key][1] += 1
            profile[key][2] += iterations
        profile["build"] = [built, 1, 0]
    return {"kind": kind, "total_s": total, "answers": answers,
            "profile": {k: [round(v[0], 2), *v[1:]] for k, v in sorted(profile.items())}}


def bench_rei_peer(n_nodes: int) -> dict[str, object]:
    """Ours and the warm re-solve peer side by side, one core each; answers checked equal."""
    procs = [subprocess.Popen([sys.executable, __file__, "--rei-child", kind, "--nodes", str(n_nodes)],
                              stdout=subprocess.PIPE, text=True) for kind in ("ours", "peer")]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    ours, peer = outs
    worst = max(max(abs((a[0] or 0.0) - (b[0] or 0.0)) / max(1.0, abs(b[0] or 0.0)), abs(a[1] - b[1]) / max(1.0, b[1]))
                for a, b in zip(ours["answers"], peer["answers"], strict=True))
    assert worst < 1e-6, worst
    return {"nodes": n_nodes, "edges": 5 * n_nodes, "ours_one_core_s": ours["total_s"], "peer_one_core_s": peer["total_s"],
            "ratio": peer["total_s"] / ours["total_s"], "max_relative_difference": worst,
            "ours_profile": ours["profile"], "peer_profile": peer["profile"]}


def bench_exposure(scale: str) -> dict[str, object]:
    import networkx as nx
    import polars as pl
    from bench_atlas import OUT, links_file, segments_frame

    from chainatlas.analysis.snapshot import from_files
    from chainatlas.risk.exposure import exposure_many

    folder = OUT / scale
    snap = from_files(folder / "enterprises.parquet", folder / "placements.parquet", links_file(scale), segments_frame())
    period = snap.periods()[-1]
    leaders = snap.enterprises.filter(pl.col("is_chain_leader").fill_null(False))["uscc"].to_list()
    t = time.perf_counter()
    ours = exposure_many(snap, leaders, tiers=5, period=period)
    ours_s = time.perf_counter() - t
    # NetworkX: the period's links as a DiGraph (supplier → buyer, value), each leader walked tier by tier
    t = time.perf_counter()
    links = snap.links.filter(pl.col("period") == period).group_by("supplier_uscc", "buyer_uscc").agg(pl.col("value_yuan").sum())
    g = nx.DiGraph()
    g.add_weighted_edges_from(links.filter(pl.col("value_yuan") > 0).iter_rows(), weight="value")
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    theirs: dict[str, dict[int, float]] = {}
    for u in leaders:
        frontier, per_tier = {u: 1.0}, {}
        for tier in range(1, 6):
            nxt: dict[str, float] = defaultdict(float)
            for b, w in frontier.items():
                if b not in g:
                    continue
                preds = g.pred[b]
                total = sum(d["value"] for d in preds.values())
                for s, d in preds.items():
                    nxt[s] += w * d["value"] / total
            if not nxt:
                break
            per_tier[tier] = sum(nxt.values())
            frontier = nxt
        theirs[u] = per_tier
    nx_s = time.perf_counter() - t
    worst = 0.0
    for u in leaders:
        f = ours.get(u)
        mine = {} if f is None else dict(f[0].group_by("tier").agg(pl.col("weight").sum()).iter_rows())
        assert set(mine) == set(theirs[u]), u
        worst = max([worst] + [abs(mine[k] - theirs[u][k]) for k in mine])
    # competent peer: scipy.sparse CSR over integer-coded firms, built from the same stored links (best of 3)
    sys.path.insert(0, str(Path(__file__).parent))
    from peers import exposure_scipy

    sp_runs = [exposure_scipy(snap.links, leaders, tiers=5, period=period) for _ in range(3)]
    ours_runs = [ours_s]
    for _ in range(2):  # ours again, so both sides have three timings
        t = time.perf_counter()
        exposure_many(snap, leaders, tiers=5, period=period)
        ours_runs.append(time.perf_counter() - t)
    sp_out = sp_runs[0][0]
    sp_worst = 0.0
    for u in leaders:
        f = ours.get(u)
        mine = {} if f is None else {(t, s): w for t, s, w in f[0].select("tier", "supplier_uscc", "weight").iter_rows()}
        peer = {(t, s): w for t, per in sp_out[u].items() for s, w in per.items()}
        assert set(mine) == set(peer), u
        sp_worst = max([sp_worst] + [abs(mine[k] - peer[k]) for k in mine])
    sp_build = statistics.median(r[1] for r in sp_runs)
    sp_walk = statistics.median(r[2] for r in sp_runs)
    ours_med = statistics.median(ours_runs)
    return {"scale": scale, "leaders": len(leaders), "period": period, "links": links.height,
            "ours_s": ours_med, "ours_runs_s": ours_runs, "networkx_walk_s": nx_s, "networkx_build_s": build_s,
            "ratio_walk_only": nx_s / ours_med, "ratio_with_build": (nx_s + build_s) / ours_med, "max_weight_difference": worst,
            "scipy_build_s": sp_build, "scipy_walk_s": sp_walk, "scipy_runs_s": [r[1] + r[2] for r in sp_runs],
            "ratio_vs_scipy_end_to_end": (sp_build + sp_walk) / ours_med,
            "max_weight_difference_scipy": sp_worst}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--scale", default="l")
    ap.add_argument("--skip", choices=["rei", "exposure"], default=None)
    ap.add_argument("--rei-peer", action="store_true", help="ours vs the warm re-solve peer, one core each, side by side")
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--rei-child", choices=["ours", "peer"], default=None)
    args = ap.parse_args()
    if args.rei_child:
        print(json.dumps(rei_child(args.rei_child, args.nodes)))
        return
    if args.rei_peer:
        print(json.dumps(bench_rei_peer(args.nodes), indent=1))
        return
    out: dict[str, object] = {"machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"}
    if args.skip != "rei":
        out["rei"] = bench_rei(args.sample)
        print(json.dumps(out["rei"], indent=1), flush=True)
    if args.skip != "exposure":
        out["exposure"] = bench_exposure(args.scale)
        print(json.dumps(out["exposure"], indent=1), flush=True)
    target = Path(__file__).parent / "out" / "risk.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
