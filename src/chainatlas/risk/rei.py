"""Risk exposure index (REI), time-to-survive (TTS) — Simchi-Levi, Schmidt, Wei, Zhang, Combs, Ge, Gusikhin,
Sanders, Zhang: "Identifying Risks and Mitigating Disruptions in the Automotive Supply Chain", *Interfaces* 45(5),
375–390 (2015). One linear programme per disrupted node, solved exactly with HiGHS (through SciPy).

Network: node j has capacity per period c_j (None = unbounded), inventory s_j, demand per period d_j (products
are the nodes with d_j > 0), unit profit f_j and time-to-recover TTR_j (None = not disrupted). An edge i → j
carries material k with r_kj units of k per unit of j; P_jk are the suppliers of k to j. For the disruption of
n with t = TTR_n:

    minimise   Σ_{j product} f_j · l_j
    subject to u_j ≤ Σ_{i∈P_jk} y_ij / r_kj     for every node j and every material k that j needs
               Σ_j y_ij ≤ u_i + s_i             for every node i that supplies others
               u_n = 0
               l_j + u_j + s_j ≥ d_j · t        for every product j
               u_j ≤ c_j · t                    for every node j with a capacity
               l, u, y ≥ 0

PI_n is the optimum, REI_n = PI_n / max_m PI_m. TTS_n is the largest t for which the same constraints hold with
l ≡ 0 (capped at ``TTS_CAP`` periods, reported as unbounded). A node is critical when TTR_n > TTS_n.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

TTS_CAP = 999.0


@dataclass(frozen=True)
class Node:
    id: str
    capacity: float | None = None
    inventory: float = 0.0
    demand: float = 0.0
    unit_profit: float = 0.0
    ttr: float | None = None


@dataclass(frozen=True)
class Edge:
    supplier: str
    customer: str
    material: str
    units_per_output: float = 1.0


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]
    index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {n.id: i for i, n in enumerate(self.nodes)}
        if len(self.index) != len(self.nodes):
            raise ValueError("duplicate node ids")
        for e in self.edges:
            if e.supplier not in self.index or e.customer not in self.index:
                raise ValueError(f"edge {e.supplier}→{e.customer} names an unknown node")
            if e.units_per_output <= 0:
                raise ValueError(f"edge {e.supplier}→{e.customer}: units_per_output must be > 0")


@dataclass(frozen=True)
class Result:
    node_id: str
    ttr: float | None
    pi: float | None
    rei: float | None
    tts: float
    tts_unbounded: bool
    critical: bool | None


class _Model:
    """The constraint matrix shared by every node's LP; only bounds and right-hand sides change."""

    def __init__(self, net: Network) -> None:
        n, m = len(net.nodes), len(net.edges)
        self.net, self.n, self.m = net, n, m
        self.products = [j for j, nd in enumerate(net.nodes) if nd.demand > 0]
        self.p = len(self.products)
        # variable order: u (n), y (m), l (p)
        rows, cols, vals = [], [], []
        r = 0
        needs: dict[tuple[int, str], list[int]] = {}
        for e_idx, e in enumerate(net.edges):
            needs.setdefault((net.index[e.customer], e.material), []).append(e_idx)
        for (j, _k), edge_ids in needs.items():  # u_j − Σ y_ij / r_kj ≤ 0
            rows.append(r)
            cols.append(j)
            vals.append(1.0)
            for e_idx in edge_ids:
                rows.append(r)
                cols.append(n + e_idx)
                vals.append(-1.0 / net.edges[e_idx].units_per_output)
            r += 1
        self.n_material_rows = r
        out: dict[int, list[int]] = {}
        for e_idx, e in enumerate(net.edges):
            out.setdefault(net.index[e.supplier], []).append(e_idx)
        self.supply_rows = sorted(out)
        for i in self.supply_rows:  # Σ_j y_ij − u_i ≤ s_i
            for e_idx in out[i]:
                rows.append(r)
                cols.append(n + e_idx)
                vals.append(1.0)
            rows.append(r)
            cols.append(i)
            vals.append(-1.0)
            r += 1
        for q, j in enumerate(self.products):  # −l_j − u_j ≤ s_j − d_j·t
            rows += [r, r]
            cols += [n + m + q, j]
            vals += [-1.0, -1.0]
            r += 1
        self.n_rows = r
        self.A = coo_matrix((vals, (rows, cols)), shape=(r, n + m + self.p)).tocsr()
        # Quantities (capacity, inventory, demand) are rescaled so the largest is about 1000: HiGHS's tolerances
        # are absolute, and figures in yuan (1e9 and more) otherwise make feasible problems look infeasible.
        finite = [abs(v) for nd in net.nodes for v in (nd.capacity, nd.inventory, nd.demand) if v is not None]
        self.scale = max(max(finite, default=1.0) / 1000.0, 1e-12) if finite else 1.0
        inv = np.array([nd.inventory for nd in net.nodes]) / self.scale
        self.b_base = np.concatenate([np.zeros(self.n_material_rows), inv[self.supply_rows], inv[self.products]])
        self.demand = np.array([net.nodes[j].demand for j in self.products]) / self.scale
        self.cap = np.array([np.inf if nd.capacity is None else nd.capacity / self.scale for nd in net.nodes])
        self.c = np.concatenate([np.zeros(n + m), [net.nodes[j].unit_profit for j in self.products]])

    def performance_impact(self, node: int, t: float) -> float:
        b = self.b_base.copy()
        b[self.n_material_rows + len(self.supply_rows):] -= self.demand * t
        bounds = [(0.0, 0.0 if j == node else self.cap[j] * t) for j in range(self.n)]
        bounds += [(0.0, None)] * (self.m + self.p)
        res = linprog(self.c, A_ub=self.A, b_ub=b, bounds=[(lo, None if hi == np.inf else hi) for lo, hi in bounds],
                      method="highs")
        if res.status != 0:
            raise RuntimeError(f"LP for node {self.net.nodes[node].id} failed: {res.message}")
        return float(res.fun) * self.scale

    def time_to_survive(self, node: int) -> float:
        """max t  s.t. the constraints with l ≡ 0; t is an extra variable (capacity and demand scale with it)."""
        n, m = self.n, self.m
        a = self.A[:, : n + m].tocoo()
        rows, cols, vals = list(a.row), list(a.col), list(a.data)
        first_product_row = self.n_material_rows + len(self.supply_rows)
        for q, _j in enumerate(self.products):  # −u_j + d_j·t ≤ s_j
            rows.append(first_product_row + q)
            cols.append(n + m)
            vals.append(self.demand[q])
        extra = self.n_rows
        for j in range(n):  # u_j − c_j·t ≤ 0
            if np.isfinite(self.cap[j]):
                rows += [extra, extra]
                cols += [j, n + m]
                vals += [1.0, -self.cap[j]]
                extra += 1
        A = coo_matrix((vals, (rows, cols)), shape=(extra, n + m + 1)).tocsr()
        b = np.concatenate([self.b_base, np.zeros(extra - self.n_rows)])
        bounds = [(0.0, 0.0) if j == node else (0.0, None) for j in range(n)] + [(0.0, None)] * m + [(0.0, TTS_CAP)]
        c = np.zeros(n + m + 1)
        c[-1] = -1.0
        res = linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs")
        if res.status != 0:
            raise RuntimeError(f"TTS LP for node {self.net.nodes[node].id} failed: {res.message}")
        return float(res.x[-1])


def risk_exposure(net: Network) -> list[Result]:
    """PI, REI, TTS and criticality of every node (PI/REI only for nodes with a TTR)."""
    model = _Model(net)
    pis: dict[int, float] = {}
    for j, nd in enumerate(net.nodes):
        if nd.ttr is not None:
            pis[j] = model.performance_impact(j, nd.ttr)
    top = max(pis.values(), default=0.0)
    out = []
    for j, nd in enumerate(net.nodes):
        tts = model.time_to_survive(j)
        pi = pis.get(j)
        rei = (pi / top if top > 0 else 0.0) if pi is not None else None
        critical = None if nd.ttr is None else nd.ttr > tts + 1e-9
        out.append(Result(nd.id, nd.ttr, pi, rei, min(tts, TTS_CAP), tts >= TTS_CAP - 1e-6, critical))
    return out
