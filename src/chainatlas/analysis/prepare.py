"""Derived frames computed ahead of the first request (预计算): once an import lands, the snapshot of the new data
version is built and every chain's frames, the leaders' supporting rates and the attraction-target pools of the home
area are computed and kept (in the process and, when it is on, in the frame store,
:mod:`~chainatlas.analysis.framestore`). The first person to open the atlas after an import then reads them instead
of waiting for them (docs/benchmarks.md, "Frame store").
"""

from __future__ import annotations

import time

from sqlalchemy import Engine

from chainatlas.analysis.atlas import chain_frames
from chainatlas.analysis.snapshot import Snapshot, load_snapshot
from chainatlas.analysis.supporting_rate import leaders_rates
from chainatlas.analysis.targets import candidate_pool


def prepare_snapshot(snap: Snapshot, home: str) -> dict[str, object]:
    """Compute (or read from the frame store) what the atlas, supporting-rate and target requests of ``home`` start
    from; returns the chains prepared and the seconds it took.

    >>> from chainatlas.analysis.snapshot import example
    >>> out = prepare_snapshot(example(), "4101")
    >>> "nev" in out["chains"], out["seconds"] >= 0
    (True, True)
    """
    t = time.perf_counter()
    chains = sorted(set(snap.segments["chain_id"].to_list()))
    snap.periods()
    for chain in chains:
        chain_frames(snap, chain, home)
        candidate_pool(snap, chain, home)
    leaders_rates(snap, home=home)
    return {"chains": chains, "seconds": round(time.perf_counter() - t, 3), "data_version": snap.version}


def prepare(engine: Engine, home: str) -> dict[str, object]:
    """:func:`prepare_snapshot` on the snapshot of ``engine``'s current data version."""
    return prepare_snapshot(load_snapshot(engine), home)
