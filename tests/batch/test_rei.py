"""REI / TTS of every node on Spark equal the local run's (to solver tolerance)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chainatlas.batch.rei import spark_chunk_map
from chainatlas.risk.rei import Network, risk_exposure
from tests.helpers.rei import layered_network


def _network(components: int = 3, seed: int = 7) -> Network:
    return layered_network(components, layers=4, width=20, seed=seed)


def test_rei_on_spark_equals_the_local_run(spark: Any) -> None:
    net = _network()
    seen: list[tuple[int, int]] = []
    local = risk_exposure(net, workers=1, progress=lambda d, t: seen.append((d, t)))
    calls: list[tuple[int, int]] = []
    remote = risk_exposure(net, chunk_map=spark_chunk_map(spark), chunk_size=16, progress=lambda d, t: calls.append((d, t)))
    assert [r.node_id for r in remote] == [r.node_id for r in local]
    for a, b in zip(local, remote, strict=True):
        assert a.pi == pytest.approx(b.pi, rel=1e-7, abs=1e-9) and a.tts == pytest.approx(b.tts, rel=1e-7)
        assert a.critical == b.critical and a.tts_unbounded == b.tts_unbounded
    assert sum(r.critical is True for r in local) > 0 and max(r.rei or 0 for r in local) == 1.0
    # progress as chunks finish: several calls, ending at every node that reaches a product, as locally
    assert len(calls) > 3 and calls[-1] == seen[-1] and calls[-1][0] == calls[-1][1] > 200


def test_cli_rei_engine_spark(spark: Any, tmp_path: Path) -> None:
    from chainatlas.cli import app

    net = _network(components=1, seed=3)
    (tmp_path / "nodes.csv").write_text("node_id,capacity,inventory,demand,unit_profit,ttr\n" + "".join(
        f"{n.id},{'' if n.capacity is None else n.capacity},{n.inventory},{n.demand},{n.unit_profit},{'' if n.ttr is None else n.ttr}\n"
        for n in net.nodes), encoding="utf-8")
    (tmp_path / "edges.csv").write_text("supplier,customer,material,units_per_output\n" + "".join(
        f"{e.supplier},{e.customer},{e.material},{e.units_per_output}\n" for e in net.edges), encoding="utf-8")
    args = ["risk", "rei", "--nodes", str(tmp_path / "nodes.csv"), "--edges", str(tmp_path / "edges.csv"), "--format", "json"]
    import json

    local = CliRunner().invoke(app, args)
    remote = CliRunner().invoke(app, [*args, "--engine", "spark", "--master", "local[2]"])
    assert local.exit_code == remote.exit_code == 0, remote.output

    def rows(out: str) -> list[dict[str, Any]]:
        return json.loads(out[out.index("["):out.rindex("]") + 1])  # type: ignore[no-any-return]

    a, b = rows(local.output), rows(remote.output)
    assert [r["node_id"] for r in a] == [r["node_id"] for r in b] and len(a) == 81
    assert all(x["pi"] == pytest.approx(y["pi"]) for x, y in zip(a, b, strict=True) if x["pi"] is not None)
