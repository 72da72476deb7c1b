"""Risk exposure index (REI), time-to-survive (TTS) — Simchi-Levi, Schmidt, Wei, Zhang, Combs, Ge, Gusikhin,
Sanders, Zhang: "Identifying Risks and Mitigating Disruptions in the Automotive Supply Chain", *Interfaces* 45(5),
375–390 (2015). One linear programme per disrupted node, solved exactly with HiGHS (``highspy``).

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

Exact reductions that make it fast (docs/metrics.md, "Risk exposure index"):

* A node from which no product can be reached constrains nothing that has a cost: it and its edges are dropped, and
  its disruption costs what the undisrupted network loses at the same t.
* The LP separates over weakly connected components (no constraint spans two), so node n's LP is solved on its
  own component only; every other component contributes its undisrupted optimum at t (memoised per t), and TTS_n
  is the smallest of the components' survival times.
* A node that produces nothing in an optimal plan with the least total production (the undisrupted optimum, then
  min Σ u subject to not losing more) costs nothing when disrupted: that plan stays feasible with u_n = 0, so its
  PI is the undisrupted loss and, for the same reason at the survival horizon, its TTS the undisrupted one. Only
  the other nodes get an LP of their own.
* Within a component the model is built once; nodes are solved in order of t, each from the previous basis
  (warm start), and chunks of nodes run in separate processes (``workers``).
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, TypeVar

import highspy
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

TTS_CAP = 999.0
WARM_PIVOTS = 2000
LEAN_TOL = 1e-9  # relative slack on the optimum when looking for the plan with the least production
IDLE = 1e-9  # a node producing at most this (scaled units) in that plan counts as idle
LEAN_SECONDS = 5.0  # time allowed to find the least-production plan before settling for the first optimum


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


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance without its banner: HiGHS writes it to file descriptor 1 in the constructor, before any
    option can be set, and it would corrupt ``--format json`` output."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


class _Component:
    """HiGHS models of one weakly connected component of the network (the nodes that reach a product).

    Only bounds change between disruptions: ``u_n ≤ 0`` for the disrupted node, and with t the capacities c_j·t and
    the product rows s_j − d_j·t. HiGHS keeps its basis across ``run()`` calls, so each node's LP starts from the
    previous optimum (a warm start) and usually needs a handful of dual simplex iterations.
    """

    def __init__(self, net: Network, nodes: np.ndarray, edges: np.ndarray, scale: float) -> None:
        self.nodes = nodes
        self.local = {int(g): i for i, g in enumerate(nodes)}
        n, m = len(nodes), len(edges)
        self.n, self.m = n, m
        node_of = [net.nodes[int(g)] for g in nodes]
        self.products = np.array([i for i, nd in enumerate(node_of) if nd.demand > 0], dtype=np.int64)
        p = len(self.products)
        self.inv = np.array([nd.inventory for nd in node_of]) / scale
        self.cap = np.array([np.inf if nd.capacity is None else nd.capacity / scale for nd in node_of])
        self.demand = np.array([node_of[j].demand for j in self.products]) / scale
        profit = np.array([node_of[j].unit_profit for j in self.products], dtype=float)
        self.profit = profit
        sup = np.array([self.local[net.index[net.edges[int(e)].supplier]] for e in edges], dtype=np.int64)
        cus = np.array([self.local[net.index[net.edges[int(e)].customer]] for e in edges], dtype=np.int64)
        ratio = np.array([net.edges[int(e)].units_per_output for e in edges], dtype=float)
        material = [net.edges[int(e)].material for e in edges]
        # rows: material (j, k): u_j − Σ y_ij / r_kj ≤ 0; supply i: Σ_j y_ij − u_i ≤ s_i
        keys: dict[tuple[int, str], int] = {}
        mat_row = np.array([keys.setdefault((int(c), k), len(keys)) for c, k in zip(cus, material, strict=True)],
                           dtype=np.int64)
        mat_node = np.empty(len(keys), dtype=np.int64)
        for (j, _k), r in keys.items():
            mat_node[r] = j
        suppliers = np.unique(sup)
        sup_row = len(keys) + np.searchsorted(suppliers, sup)
        self.n_fixed_rows = len(keys) + len(suppliers)
        rows = np.concatenate([np.arange(len(keys)), mat_row, sup_row, len(keys) + np.arange(len(suppliers))])
        cols = np.concatenate([mat_node, n + np.arange(m), n + np.arange(m), suppliers])
        vals = np.concatenate([np.ones(len(keys)), -1.0 / ratio, np.ones(m), -np.ones(len(suppliers))])
        upper = np.concatenate([np.zeros(len(keys)), self.inv[suppliers]])
        self._structure = (rows, cols, vals, upper)
        self.pi = self._model(
            costs=np.concatenate([np.zeros(n + m), profit]),
            extra_rows=self._product_rows(),
            extra_upper=self.inv[self.products] if p else np.zeros(0), n_cols=n + m + p)
        self.t: dict[int, float] = {}
        self.tts_model: highspy.Highs | None = None
        self.lean: highspy.Highs | None = None

    def _product_rows(self) -> list[tuple[int, int, float]]:
        """Each product's row of the PI model: −u_j − l_j ≤ s_j − d_j·t (its upper bound set with t)."""
        n, m = self.n, self.m
        return ([(self.n_fixed_rows + q, int(j), -1.0) for q, j in enumerate(self.products)]
                + [(self.n_fixed_rows + q, n + m + q, -1.0) for q in range(len(self.products))])

    def _model(self, costs: np.ndarray, extra_rows: list[tuple[int, int, float]], extra_upper: np.ndarray,
               n_cols: int) -> highspy.Highs:
        rows, cols, vals, upper = self._structure
        if extra_rows:
            r2, c2, v2 = (np.array(x) for x in zip(*extra_rows, strict=True))
            rows, cols, vals = np.concatenate([rows, r2]), np.concatenate([cols, c2]), np.concatenate([vals, v2])
        upper = np.concatenate([upper, extra_upper])
        a = csr_matrix((vals, (rows, cols)), shape=(len(upper), n_cols))
        h = _quiet_highs()
        inf = highspy.kHighsInf
        h.addCols(n_cols, costs.astype(float), np.zeros(n_cols), np.full(n_cols, inf), 0,
                  np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        h.addRows(len(upper), np.full(len(upper), -inf), upper.astype(float), a.nnz, a.indptr.astype(np.int32),
                  a.indices.astype(np.int32), a.data.astype(float))
        return h

    def _set_t(self, t: float, model: highspy.Highs | None = None) -> None:
        h = self.pi if model is None else model
        if self.t.get(id(h)) == t:
            return
        self.t[id(h)] = t
        inf = highspy.kHighsInf
        cap = np.where(np.isfinite(self.cap), self.cap * t, inf)
        h.changeColsBounds(self.n, np.arange(self.n, dtype=np.int32), np.zeros(self.n), cap)
        p = len(self.products)
        if p:
            rows = (self.n_fixed_rows + np.arange(p)).astype(np.int32)
            upper = self.inv[self.products] - self.demand * t
            h.changeRowsBounds(p, rows, np.full(p, -inf), upper)  # type: ignore[attr-defined]

    @staticmethod
    def _solve(h: highspy.Highs, what: str) -> float:
        # A warm start is usually a few pivots, but on degenerate problems the dual simplex can stall for minutes
        # (seen: 126 s against 0.2 s cold); past WARM_PIVOTS the solver is reset and the LP solved from scratch.
        h.setOptionValue("simplex_iteration_limit", WARM_PIVOTS)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kIterationLimit:
            h.clearSolver()
            h.setOptionValue("simplex_iteration_limit", 2**31 - 1)
            h.run()
            status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"{what}: {h.modelStatusToString(status)}")
        return float(h.getInfo().objective_function_value)

    def loss(self, node: int | None, t: float) -> float:
        """min Σ f_j·l_j with ``node`` (local index, or None for no disruption) down for t periods."""
        self._set_t(t)
        if node is None:
            return self._solve(self.pi, "baseline LP")
        self.pi.changeColBounds(node, 0.0, 0.0)
        try:
            return self._solve(self.pi, f"LP of node {node}")
        finally:
            self.pi.changeColBounds(node, 0.0, self.cap[node] * t if np.isfinite(self.cap[node]) else highspy.kHighsInf)

    def idle_at(self, t: float) -> tuple[float, np.ndarray]:
        """(the undisrupted loss L(t), the local nodes that produce nothing in an optimal plan at t that produces
        as little as possible: min Σ u_j subject to the same constraints and Σ f_j·l_j ≤ L(t) (+ the solver's
        tolerance)). Disrupting such a node (u_n = 0) leaves that plan feasible, so its loss is L(t)."""
        loss = self.loss(None, t)
        p = len(self.products)
        if p == 0:
            return loss, np.arange(self.n)
        if self.lean is None:
            n, m = self.n, self.m
            cap_row = self.n_fixed_rows + p
            extra = self._product_rows() + [(cap_row, n + m + q, float(f)) for q, f in enumerate(self.profit)]
            self.lean = self._model(np.concatenate([np.ones(n), np.zeros(m + p)]), extra,
                                    np.concatenate([self.inv[self.products], [0.0]]), n + m + p)
        found = np.asarray(self.pi.getSolution().col_value[: self.n])
        self._set_t(t, self.lean)
        self.lean.changeRowBounds(self.n_fixed_rows + p, -highspy.kHighsInf, loss + LEAN_TOL * max(1.0, abs(loss)))
        # from the optimum just found (feasible here: its loss is within the cap), by the primal simplex
        basis = self.pi.getBasis()
        start = highspy.HighsBasis()
        start.col_status = list(basis.col_status)
        start.row_status = [*basis.row_status, highspy.HighsBasisStatus.kBasic]
        start.valid = True
        self.lean.setBasis(start)
        self.lean.setOptionValue("simplex_strategy", 4)
        self.lean.setOptionValue("time_limit", LEAN_SECONDS)
        self.lean.run()
        if self.lean.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            found_lean = found  # not settled in time: the optimum found first is a valid, if less lean, plan
        else:
            found_lean = np.asarray(self.lean.getSolution().col_value[: self.n])
        return loss, np.flatnonzero(found_lean <= IDLE)

    def idle_surviving(self) -> tuple[float, np.ndarray]:
        """(the undisrupted survival time T, the local nodes that produce nothing in a plan reaching T with the
        least production (t fixed at T): their own TTS is T)."""
        horizon = self.survive(None)
        assert self.tts_model is not None
        n, m = self.n, self.m
        lean = self._model(np.concatenate([np.ones(n), np.zeros(m + 1)]), *self._tts_rows(), n + m + 1)
        lean.changeColBounds(n + m, max(0.0, horizon - LEAN_TOL * max(1.0, horizon)), horizon)
        try:
            self._solve(lean, "least-production TTS LP")
        except RuntimeError:
            return horizon, np.zeros(0, dtype=np.int64)
        return horizon, np.flatnonzero(np.asarray(lean.getSolution().col_value[:n]) <= IDLE)

    def _tts_rows(self) -> tuple[list[tuple[int, int, float]], np.ndarray]:
        n, m, p = self.n, self.m, len(self.products)
        capped = np.flatnonzero(np.isfinite(self.cap))
        t_col = n + m
        first_cap_row = self.n_fixed_rows + p
        extra = ([(self.n_fixed_rows + q, int(j), -1.0) for q, j in enumerate(self.products)]
                 + [(self.n_fixed_rows + q, t_col, float(self.demand[q])) for q in range(p)]
                 + [(first_cap_row + r, int(j), 1.0) for r, j in enumerate(capped)]
                 + [(first_cap_row + r, t_col, -float(self.cap[j])) for r, j in enumerate(capped)])
        return extra, np.concatenate([self.inv[self.products], np.zeros(len(capped))])

    def survive(self, node: int | None) -> float:
        """max t such that the constraints hold with l ≡ 0 (t is a variable; capacity and demand scale with it)."""
        if self.tts_model is None:
            n, m = self.n, self.m
            t_col = n + m
            costs = np.zeros(n + m + 1)
            costs[t_col] = -1.0
            self.tts_model = self._model(costs, *self._tts_rows(), n + m + 1)
            # primal simplex: from the previous node's basis the dual simplex stalls on this LP's degenerate
            # vertices (measured on a 1,000-node network: 8.0 s dual vs 2.5 s primal for the same answers)
            self.tts_model.setOptionValue("simplex_strategy", 4)
            self.tts_model.changeColBounds(t_col, 0.0, TTS_CAP)
        if node is None:
            return -self._solve(self.tts_model, "baseline TTS LP")
        self.tts_model.changeColBounds(node, 0.0, 0.0)
        try:
            return -self._solve(self.tts_model, f"TTS LP of node {node}")
        finally:
            self.tts_model.changeColBounds(node, 0.0, highspy.kHighsInf)


Progress = Callable[[int, int], None]
T = TypeVar("T", bound=tuple[Any, ...])
Task = tuple[int, int | None, float | None, float | None]  # component, local node, t, survival time if known
Answer = tuple[float | None, float]
# (network, components, scale), chunks of tasks → the chunks' answers, in the order given (a cluster's map)
ChunkMap = Callable[[tuple["Network", list[tuple[np.ndarray, np.ndarray]], float], list[list[Task]]],
                    Iterable[list[Answer]]]
_STATE: dict[str, object] = {}


def _components(net: Network) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """comp_of[node] (−1 when the node reaches no product) and each component's (nodes, edges)."""
    n = len(net.nodes)
    sup = np.array([net.index[e.supplier] for e in net.edges], dtype=np.int64)
    cus = np.array([net.index[e.customer] for e in net.edges], dtype=np.int64)
    upstream: list[list[int]] = [[] for _ in range(n)]
    for s, c in zip(sup, cus, strict=True):
        upstream[c].append(int(s))
    reaches = np.zeros(n, dtype=bool)
    queue = deque(j for j, nd in enumerate(net.nodes) if nd.demand > 0)
    reaches[list(queue)] = True
    while queue:
        for s in upstream[queue.popleft()]:
            if not reaches[s]:
                reaches[s] = True
                queue.append(s)
    kept_edges = np.flatnonzero(reaches[cus]) if len(cus) else np.zeros(0, dtype=np.int64)
    graph = csr_matrix((np.ones(len(kept_edges)), (sup[kept_edges], cus[kept_edges])), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    comp_of = np.full(n, -1, dtype=np.int64)
    comps: list[tuple[np.ndarray, np.ndarray]] = []
    relabel: dict[int, int] = {}
    for j in np.flatnonzero(reaches):
        comp_of[j] = relabel.setdefault(int(labels[j]), len(relabel))
    for c in range(len(relabel)):
        members = np.flatnonzero(comp_of == c)
        comps.append((members, kept_edges[comp_of[cus[kept_edges]] == c]))
    return comp_of, comps


def _scale(net: Network) -> float:
    # Quantities are rescaled so the largest is about 1000: HiGHS's tolerances are absolute, and figures in yuan
    # (1e9 and more) otherwise make feasible problems look infeasible.
    finite = [abs(v) for nd in net.nodes for v in (nd.capacity, nd.inventory, nd.demand) if v is not None]
    return max(max(finite, default=1.0) / 1000.0, 1e-12) if finite else 1.0


def _init_worker(net: Network, comps: list[tuple[np.ndarray, np.ndarray]], scale: float) -> None:
    _STATE.clear()
    _STATE.update(net=net, comps=comps, scale=scale, models={})


def _component(c: int) -> _Component:
    models: dict[int, _Component] = _STATE["models"]  # type: ignore[assignment]
    if c not in models:
        nodes, edges = _STATE["comps"][c]  # type: ignore[index]
        models[c] = _Component(_STATE["net"], nodes, edges, _STATE["scale"])  # type: ignore[arg-type]
    return models[c]


def solve_chunk(state: tuple[Network, list[tuple[np.ndarray, np.ndarray]], float], key: object,
                tasks: Sequence[Task]) -> list[Answer]:
    """One chunk's answers in a worker of any engine; the worker keeps its models while ``key`` stays the same (warm
    starts across the chunks of one run that land on the same worker)."""
    if _STATE.get("key") != key:
        _init_worker(*state)
        _STATE["key"] = key
    return _solve_chunk(tasks)


def by_component(tasks: list[T], size: int) -> list[list[T]]:
    """Chunks of at most ``size`` tasks that never span two components (tasks sorted by component, then t).

    >>> [len(c) for c in by_component([(0, 1, 1.0, None)] * 3 + [(1, 1, 1.0, None)] * 2, 2)]
    [2, 1, 2]
    """
    chunks: list[list[T]] = []
    for task in tasks:
        if not chunks or len(chunks[-1]) >= size or chunks[-1][-1][0] != task[0]:
            chunks.append([])
        chunks[-1].append(task)
    return chunks


def _solve_chunk(tasks: Sequence[Task]) -> list[Answer]:
    """(component, local node or None for the baseline, t or None, survival time if already known) → (loss at t or
    None, survival time)."""
    out = []
    for c, node, t, known_tts in tasks:
        comp = _component(c)
        loss = None if t is None else comp.loss(node, t)
        out.append((loss, comp.survive(node) if known_tts is None else known_tts))
    return out


def risk_exposure(net: Network, *, workers: int | None = None, progress: Progress | None = None,
                  chunk_map: ChunkMap | None = None, chunk_size: int | None = None) -> list[Result]:
    """PI, REI, TTS and criticality of every node (PI/REI only for nodes with a TTR).

    ``workers`` processes share the per-node LPs (default: the machine's cores, one process for small networks);
    ``progress(done, total)`` is called as LPs finish. ``chunk_map`` runs the chunks elsewhere (a Spark cluster:
    :func:`chainatlas.batch.rei.spark_chunk_map`), in chunks of ``chunk_size`` that never span two components."""
    comp_of, comps = _components(net)
    scale = _scale(net)
    _init_worker(net, comps, scale)
    ts = sorted({nd.ttr for nd in net.nodes if nd.ttr is not None})
    # the undisrupted optima, and the exact shortcut they give: a node idle in a least-production optimal plan
    # costs nothing when disrupted (see idle_at, idle_surviving)
    at_t = {(c, t): _component(c).idle_at(t) for c in range(len(comps)) for t in ts}
    base_loss = {key: loss for key, (loss, _) in at_t.items()}
    idle_loss = {key: set(idle.tolist()) for key, (_, idle) in at_t.items()}
    surviving = [_component(c).idle_surviving() for c in range(len(comps))]
    base_tts = [horizon for horizon, _ in surviving]
    idle_tts = [set(idle.tolist()) for _, idle in surviving]
    raw: dict[int, tuple[float | None, float]] = {}
    pending = []
    for j, nd in enumerate(net.nodes):
        c = int(comp_of[j])
        if c < 0:
            continue
        local = int(np.searchsorted(comps[c][0], j))
        skip_loss = nd.ttr is None or local in idle_loss[(c, nd.ttr)]
        known_tts = base_tts[c] if local in idle_tts[c] else None
        if skip_loss and known_tts is not None:
            raw[j] = (None if nd.ttr is None else base_loss[(c, nd.ttr)], known_tts)
        else:
            pending.append((c, local, None if skip_loss else nd.ttr, known_tts, j))
    tasks = sorted(pending, key=lambda x: (x[0], x[2] or 0.0, x[1]))
    total = len(tasks) + len(raw)  # progress counts every node that reaches a product, shortcuts included
    workers = min(workers or os.cpu_count() or 1, 2 if len(tasks) > 400 else 1)
    size = max(16, len(tasks) // (workers * 16) + 1)
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    done = len(raw)
    if progress and done:
        progress(done, total)

    def collect(chunk: list[tuple[int, int, float | None, float | None, int]], answers: list[tuple[float | None, float]]) -> None:
        nonlocal done
        for task, answer in zip(chunk, answers, strict=True):
            loss, tts = answer
            ttr = net.nodes[task[4]].ttr
            if loss is None and ttr is not None:  # idle at its TTR: the undisrupted loss
                loss = base_loss[(task[0], ttr)]
            raw[task[4]] = (loss, tts)
        done += len(chunk)
        if progress:
            progress(done, total)

    if chunk_map is not None:
        chunks = by_component(tasks, chunk_size or size)
        answered = chunk_map((net, comps, scale), [[t[:4] for t in ch] for ch in chunks])
        for chunk, answers in zip(chunks, answered, strict=True):
            collect(chunk, answers)
    elif workers > 1:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init_worker,
                                 initargs=(net, comps, scale)) as pool:
            for chunk, answers in zip(chunks, pool.map(_solve_chunk, [[t[:4] for t in ch] for ch in chunks]),
                                      strict=True):
                collect(chunk, answers)
    else:
        for chunk in chunks:
            collect(chunk, _solve_chunk([t[:4] for t in chunk]))
    _STATE.clear()
    pis: dict[int, float] = {}
    tts_of: dict[int, float] = {}
    for j, nd in enumerate(net.nodes):
        c = int(comp_of[j])
        others = [k for k in range(len(comps)) if k != c]
        loss, own_tts = raw.get(j, (None, TTS_CAP))
        if nd.ttr is not None:
            pis[j] = ((loss or 0.0) + sum(base_loss[(k, nd.ttr)] for k in others)) * scale
        tts_of[j] = min([own_tts] + [base_tts[k] for k in others])
    top = max(pis.values(), default=0.0)
    out = []
    for j, nd in enumerate(net.nodes):
        tts, pi = tts_of[j], pis.get(j)
        rei = (pi / top if top > 0 else 0.0) if pi is not None else None
        critical = None if nd.ttr is None else nd.ttr > tts + 1e-9
        out.append(Result(nd.id, nd.ttr, pi, rei, min(tts, TTS_CAP), tts >= TTS_CAP - 1e-6, critical))
    return out


def ranked_rows(net: Network, *, workers: int | None = None, progress: Progress | None = None,
                chunk_map: ChunkMap | None = None) -> list[dict[str, object]]:
    """:func:`risk_exposure` as rows (``node_id``, ``ttr``, ``pi``, ``rei``, ``tts``, ``tts_unbounded``,
    ``critical``), highest REI first; nodes without a TTR last, then by id."""
    from dataclasses import asdict

    rows = [asdict(r) for r in risk_exposure(net, workers=workers, progress=progress, chunk_map=chunk_map)]
    return sorted(rows, key=lambda r: (-(r["rei"] if r["rei"] is not None else -1.0), str(r["node_id"])))
