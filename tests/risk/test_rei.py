"""REI / TTS on fixtures derived by hand, and invariants on random networks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.risk.rei import Edge, Network, Node, risk_exposure
from tests.helpers.rei import layered_network


def _by_id(net: Network) -> dict[str, object]:
    return {r.node_id: r for r in risk_exposure(net)}


def test_one_tier_two_products_with_different_profits() -> None:
    # S (capacity 12/period, TTR 2) supplies material m to P1 (demand 10, profit 5, stock 15) and P2 (demand 10,
    # profit 1, stock 4). Disrupt S for 2 periods: P1 loses max(0, 20−15)=5 → 25, P2 loses 20−4=16 → 16: PI 41.
    # Disrupt P1 for 1: its stock covers it; P2 gets 10 of S's 12 → PI 0. Disrupt P2 for 1: loses 10−4=6 → PI 6.
    # TTS: S down → P2's stock lasts 4/10 = 0.4; P1 down → its stock lasts 1.5 (P2 is fed by S); P2 down → 0.4.
    net = Network(
        [Node("S", capacity=12, ttr=2), Node("P1", demand=10, unit_profit=5, inventory=15, ttr=1),
         Node("P2", demand=10, unit_profit=1, inventory=4, ttr=1)],
        [Edge("S", "P1", "m"), Edge("S", "P2", "m")])
    r = _by_id(net)
    assert [r[k].pi for k in ("S", "P1", "P2")] == pytest.approx([41, 0, 6])  # type: ignore[attr-defined]
    assert [r[k].rei for k in ("S", "P1", "P2")] == pytest.approx([1, 0, 6 / 41])  # type: ignore[attr-defined]
    assert [r[k].tts for k in ("S", "P1", "P2")] == pytest.approx([0.4, 1.5, 0.4])  # type: ignore[attr-defined]
    assert [r[k].critical for k in ("S", "P1", "P2")] == [True, False, True]  # type: ignore[attr-defined]


def test_two_tier_chain_with_a_sole_source() -> None:
    # R is the sole source of a for M; M (4 units of b in stock) feeds P (demand 5, profit 2). R down for 3
    # periods: M can ship only its 4 in stock → P loses 15 − 4 = 11 units → PI 22; TTS_R = 4/5 = 0.8 → critical.
    net = Network([Node("R", ttr=3), Node("M", inventory=4), Node("P", demand=5, unit_profit=2)],
                  [Edge("R", "M", "a"), Edge("M", "P", "b")])
    r = _by_id(net)["R"]
    assert (r.pi, r.tts, r.critical) == (pytest.approx(22), pytest.approx(0.8), True)  # type: ignore[attr-defined]
    undisrupted = _by_id(net)["M"]
    assert undisrupted.pi is None and undisrupted.tts == pytest.approx(0.8)  # type: ignore[attr-defined]


def test_unbounded_time_to_survive_is_capped_and_reported() -> None:
    net = Network([Node("A", ttr=1), Node("B"), Node("P", demand=1, unit_profit=1)],
                  [Edge("A", "P", "x"), Edge("B", "P", "x")])  # B is an alternative source without limits
    r = _by_id(net)["A"]
    assert r.pi == 0 and r.tts_unbounded and r.critical is False  # type: ignore[attr-defined]


def _amount(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Quantities as data carry them (two decimals): no 1e-300s that only test the solvers' tolerances."""
    return st.floats(lo, hi).map(lambda x: round(x, 2))


networks = st.integers(2, 5).flatmap(lambda n: st.tuples(
    st.lists(st.tuples(st.one_of(st.none(), _amount(0, 50)), _amount(0, 30), _amount(0, 10), _amount(0, 5),
                       st.one_of(st.none(), _amount(0.5, 4))), min_size=n, max_size=n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from("ab"), _amount(0.5, 3)), max_size=8),
))


def _net(spec: tuple[list[tuple], list[tuple]], extra_inventory: float = 0.0, node: int = 0,  # type: ignore[type-arg]
         extra_capacity: float = 0.0) -> Network:
    nodes = [Node(f"n{i}", None if c is None else c + (extra_capacity if i == node else 0),
                  s + (extra_inventory if i == node else 0), d, f, t) for i, (c, s, d, f, t) in enumerate(spec[0])]
    edges = [Edge(f"n{i}", f"n{j}", k, r) for i, j, k, r in spec[1] if i < j]  # a DAG
    return Network(nodes, edges)


@settings(max_examples=40, deadline=None)
@given(networks, st.floats(0, 20), st.integers(0, 4))
def test_invariants(spec: tuple[list[tuple], list[tuple]], more: float, node: int) -> None:  # type: ignore[type-arg]
    node = node % len(spec[0])
    base = risk_exposure(_net(spec))
    richer = risk_exposure(_net(spec, more, node))
    for a, b in zip(base, richer, strict=True):
        if a.rei is not None:
            assert -1e-9 <= a.rei <= 1 + 1e-9
        if a.pi is not None and b.pi is not None:
            assert b.pi <= a.pi + 1e-6  # more inventory never raises the impact
        assert b.tts >= a.tts - 1e-6  # nor shortens the time to survive
    wider = risk_exposure(_net(spec, 0.0, node, extra_capacity=more))
    for a, c in zip(base, wider, strict=True):
        if a.pi is not None and c.pi is not None:
            assert c.pi <= a.pi + 1e-6  # more capacity never raises the impact


def test_cli_and_api_on_files(tmp_path: object, admin_token: str) -> None:
    import json
    from pathlib import Path

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from chainatlas.cli import app
    from chainatlas.web.app import create_app

    folder = Path(str(tmp_path))
    (folder / "nodes.csv").write_text("node_id,capacity,inventory,demand,unit_profit,ttr\nR,,0,0,0,3\nM,,4,0,0,\nP,,0,5,2,\n",
                                      encoding="utf-8")
    (folder / "edges.csv").write_text("supplier,customer,material,units_per_output\nR,M,a,1\nM,P,b,1\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["risk", "rei", "--nodes", str(folder / "nodes.csv"), "--edges", str(folder / "edges.csv"),
                                   "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["node_id"]: r for r in json.loads(res.output[res.output.index("["):])}
    assert rows["R"]["pi"] == pytest.approx(22) and rows["R"]["critical"] is True
    body = {"nodes": [{"node_id": "R", "ttr": 3}, {"node_id": "M", "inventory": 4}, {"node_id": "P", "demand": 5, "unit_profit": 2}],
            "edges": [{"supplier": "R", "customer": "M", "material": "a"}, {"supplier": "M", "customer": "P", "material": "b"}]}
    auth = {"Authorization": f"Bearer {admin_token}"}
    client = TestClient(create_app())
    resp = client.post("/api/v1/risk/rei", json=body, headers=auth, params={"wait": True})
    assert resp.status_code == 200 and resp.json()[0]["node_id"] == "R" and resp.json()[0]["rei"] == 1.0
    started = client.post("/api/v1/risk/rei", json=body, headers=auth)  # a job: 202, then follow it
    assert started.status_code == 202 and started.headers["location"] == started.json()["status_url"]
    from chainatlas import db, jobs

    jobs.wait(db.get_engine(), started.json()["job_id"])  # the job's own completion, not a polling loop
    job = client.get(started.json()["status_url"], headers=auth).json()
    assert job["status"] == "done" and job["percent"] == 100.0 and job["result"][0]["pi"] == pytest.approx(22)
    bad = TestClient(create_app()).post("/api/v1/risk/rei", json={"nodes": [{"node_id": "A"}], "edges": [
        {"supplier": "A", "customer": "Z", "material": "x"}]}, headers={"Authorization": f"Bearer {admin_token}"})
    assert bad.status_code == 422


def test_exposure_on_the_hand_fixture(any_engine: object, tmp_path: object) -> None:
    from pathlib import Path

    from chainatlas.analysis.snapshot import load_snapshot
    from chainatlas.exchange.importer import import_files
    from chainatlas.risk.exposure import exposure
    from tests.helpers.atlas import L1, L3, L4, N2, N3, N4, write_files

    assert import_files(write_files(Path(str(tmp_path))), engine=any_engine).ok  # type: ignore[arg-type]
    e = exposure(load_snapshot(any_engine), L1, tiers=3, period="2025")  # type: ignore[arg-type]
    tiers = {t["tier"]: t for t in e["tiers"]}
    assert tiers[1]["suppliers"] == 3 and tiers[1]["weight"] == pytest.approx(1.0)
    assert tiers[2]["weight"] == pytest.approx(1.0)  # every tier-1 supplier buys something
    w2 = {s["supplier_uscc"]: s["weight"] for s in e["suppliers"] if s["tier"] == 2}
    # L2 (0.6 of L1) buys 40 L4, 60 N2, 30 N3, 20 N4 of 150; L3 (0.2) 50 N2, 70 N4 of 120; N1 (0.2) 25 L4, 25 N2
    assert w2[L4] == pytest.approx(0.6 * 40 / 150 + 0.2 * 25 / 50)
    assert w2[N2] == pytest.approx(0.6 * 60 / 150 + 0.2 * 50 / 120 + 0.2 * 25 / 50)
    assert w2[N3] == pytest.approx(0.12) and w2[N4] == pytest.approx(0.6 * 20 / 150 + 0.2 * 70 / 120)
    pack = next(i for i in e["inputs"] if i["tier"] == 1 and i["segment_code"] == "nev.pack")
    assert pack["suppliers"] == 3 and pack["hhi"] == pytest.approx(0.6**2 + 0.2**2 + 0.2**2)
    single = {(s["buyer_uscc"], s["segment_code"]) for s in e["single_sources"]}
    assert (L3, "nev.lithium") in single and (L3, "nev.auto_chip") in single  # L3 buys each from one firm only
    assert e["import_dependency"] == pytest.approx(0.12 / 2.0)  # N3 (Germany): 0.12 of the two tiers' weight 2.0


def test_exposure_api_and_cli(demo_engine: object, admin_token: str) -> None:
    import json

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from chainatlas.cli import app
    from chainatlas.web.app import create_app

    client = TestClient(create_app())
    leader = client.get("/api/v1/leaders", headers={"Authorization": f"Bearer {admin_token}"}).json()[0]["buyer_uscc"]
    body = client.get(f"/api/v1/risk/exposure/{leader}", params={"tiers": 3}, headers={"Authorization": f"Bearer {admin_token}"}).json()
    assert body["tiers"][0]["tier"] == 1 and body["tiers"][0]["weight"] == pytest.approx(1.0)
    assert abs(sum(p["share"] for p in body["provinces"]) - 1) < 1e-9 and 0 <= body["import_dependency"] <= 1
    assert client.get(f"/api/v1/risk/exposure/{leader}").status_code == 401
    res = CliRunner().invoke(app, ["risk", "exposure", "--enterprise", leader, "--tiers", "2", "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.output)["uscc"] == leader


def _dual_loss(net: Network, down: str | None, t: float, profit_one: bool = False) -> float:
    """The LP dual of PI, assembled independently of the solver (strong duality: equal optima).

    max −Σ_i s_i β_i + Σ_q (d_q t − s_q) γ_q − Σ_j c_j t δ_j
    s.t. u_j (j ≠ down): −Σ_k α_jk + β_j + γ_j − δ_j ≤ 0;  y_e (i→j, k): α_jk / r_e − β_i ≤ 0;  γ_q ≤ f_q;  all ≥ 0.
    """
    import numpy as np
    from scipy.optimize import linprog

    ids = [n.id for n in net.nodes]
    pairs = sorted({(e.customer, e.material) for e in net.edges})
    suppliers = sorted({e.supplier for e in net.edges})
    products = [n for n in net.nodes if n.demand > 0]
    capped = [n for n in net.nodes if n.capacity is not None]
    var = {("a", p): i for i, p in enumerate(pairs)}
    var.update({("b", s): len(var) + i for i, s in enumerate(suppliers)})
    var.update({("g", n.id): len(var) + i for i, n in enumerate(products)})
    var.update({("d", n.id): len(var) + i for i, n in enumerate(capped)})
    if not var:
        return 0.0
    obj = np.zeros(len(var))  # linprog minimises: the negated dual objective
    for s in suppliers:
        obj[var["b", s]] = next(n.inventory for n in net.nodes if n.id == s)
    for n in products:
        obj[var["g", n.id]] = -(n.demand * t - n.inventory)
    for n in capped:
        obj[var["d", n.id]] = n.capacity * t  # type: ignore[operator]
    rows: list[np.ndarray] = []
    rhs: list[float] = []
    for j in ids:
        if j == down:
            continue
        row = np.zeros(len(var))
        for p in pairs:
            if p[0] == j:
                row[var["a", p]] -= 1
        for key in (("b", j), ("g", j)):
            if key in var:
                row[var[key]] += 1
        if ("d", j) in var:
            row[var["d", j]] -= 1
        rows.append(row)
        rhs.append(0.0)
    for e in net.edges:
        row = np.zeros(len(var))
        row[var["a", (e.customer, e.material)]] += 1 / e.units_per_output
        row[var["b", e.supplier]] -= 1
        rows.append(row)
        rhs.append(0.0)
    bounds = [(0.0, None)] * len(var)
    for n in products:
        bounds[var["g", n.id]] = (0.0, 1.0 if profit_one else n.unit_profit)
    res = linprog(obj, A_ub=np.array(rows) if rows else None, b_ub=rhs or None, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return float(-res.fun)


@settings(max_examples=40, deadline=None)
@given(networks)
def test_pi_and_tts_agree_with_the_dual_formulation(spec: tuple[list[tuple], list[tuple]]) -> None:  # type: ignore[type-arg]
    net = _net(spec)
    for r in risk_exposure(net):
        if r.pi is not None:
            assert r.pi == pytest.approx(_dual_loss(net, r.node_id, r.ttr or 0.0), rel=1e-6, abs=1e-6)
        # TTS by bisection on "some product loses something" (unit profits 1), over the dual
        lo, hi = 0.0, 1000.0
        if _dual_loss(net, r.node_id, hi, profit_one=True) <= 1e-7:
            assert r.tts_unbounded
            continue
        for _ in range(50):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if _dual_loss(net, r.node_id, mid, profit_one=True) <= 1e-7 else (lo, mid)
        assert r.tts == pytest.approx(lo, abs=1e-3)


def test_parallel_components_and_pruning_agree_with_one_process() -> None:
    base = layered_network()  # three separate chains of 150 nodes
    nodes, edges = base.nodes, list(base.edges)
    edges.append(Edge("c0n149", "orphan", "x"))  # buys from a final assembler: reaches no product either
    net = Network(nodes, edges)
    one = risk_exposure(net, workers=1)
    calls: list[tuple[int, int]] = []
    two = risk_exposure(net, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1] > 400  # the nodes that reach a product (orphan excluded)
    for a, b in zip(one, two, strict=True):
        assert a.pi == pytest.approx(b.pi) and a.tts == pytest.approx(b.tts)
    small = Network(nodes[:150], [e for e in edges if e.supplier.startswith("c0") and e.customer.startswith("c0")])
    by_small = {r.node_id: r for r in risk_exposure(small)}
    by_full = {r.node_id: r for r in one}
    base_other = sum(_dual_loss(Network(nodes[150 * c:150 * c + 150],
                                        [e for e in edges if e.customer.startswith(f"c{c}n")]), None, 2.0)
                     for c in (1, 2))
    node = next(n for n in nodes[:150] if n.ttr == 2.0).id
    assert by_full[node].pi == pytest.approx(by_small[node].pi + base_other)  # type: ignore[operator]
    assert by_full["orphan"].pi == pytest.approx(sum(
        _dual_loss(Network(nodes[150 * c:150 * c + 150], [e for e in edges if e.customer.startswith(f"c{c}n")]), None, 3.0)
        for c in range(3)))
