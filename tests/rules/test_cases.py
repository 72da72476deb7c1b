"""Runs every YAML case under ``cases/`` (inputs → expected status / points / score per criterion) and checks that
the cases reach both sides of every boundary of every tier rule set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from chainatlas.rules import policies as P
from chainatlas.rules import tiers
from chainatlas.rules.engine import col, evaluate
from chainatlas.rules.inputs import INPUTS
from tests.helpers.rules import frame_of

CASES = Path(__file__).parent / "cases"


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            full = {"rule_set": doc["rule_set"], "date": doc["date"], **case,
                    "inputs": {**(doc.get("defaults") or {}), **(case.get("inputs") or {})}}
            out.append((f"{path.stem}[{i}] {case['name']}", full))
    return out




def run_case(case: dict[str, Any]) -> dict[str, Any]:
    on = case["date"] if isinstance(case["date"], dt.date) else dt.date.fromisoformat(case["date"])
    frame = frame_of(case["inputs"])
    rid = case["rule_set"]
    pols = P.policies()
    if rid in pols:
        screened = P.screen_frame(pols[rid], frame, on)
        return screened.row(0, named=True)
    in_force = {rs.id for rs in tiers.sets_on(on).values()}
    assert rid in in_force, f"{rid} is not in force on {on} (in force: {sorted(in_force)})"
    return evaluate(frame, tiers.compile_tiers(on)).row(0, named=True)


WORDS = {True: "met", False: "unmet", None: "unknown"}


@pytest.mark.parametrize(("name", "case"), load_cases(), ids=[n for n, _ in load_cases()])
def test_case(name: str, case: dict[str, Any]) -> None:
    row = run_case(case)
    rid = case["rule_set"]
    for key, want in case["expect"].items():
        if key == "amount_yuan":
            assert row["amount_yuan"] == pytest.approx(want) if want is not None else row["amount_yuan"] is None, key
            continue
        c = col(rid, key)
        if isinstance(want, str):
            want = {"status": want}
        if "status" in want:
            assert WORDS[row[c]] == want["status"], f"{key}: {WORDS[row[c]]} ≠ {want['status']}"
        if "points" in want:
            assert row[c + ":pts"] == want["points"], f"{key}: {row[c + ':pts']} points ≠ {want['points']}"
        if "score" in want:
            s = want["score"]
            lo, hi = (s["low"], s["high"]) if isinstance(s, dict) else (s, s)
            assert (row[c + ":lo"], row[c + ":hi"]) == (lo, hi), f"{key}: score {row[c + ':lo']}–{row[c + ':hi']} ≠ {lo}–{hi}"
        if "short" in want:
            assert row[c + ":short"] == want["short"], f"{key}: short {row[c + ':short']} ≠ {want['short']}"


def boundaries(rs: Any) -> list[tuple[str, str, Any, str]]:
    """(criterion, input, boundary, side) — every value a case must reach: the edge itself and the other side."""
    out = []
    for c in rs.criteria():
        if c.kind != "leaf" or not c.input:
            continue
        if c.op in (">=", ">", "<=", "<"):
            v = c.value
            if isinstance(v, dict):
                continue
            out += [(c.id, c.input, v, "at"), (c.id, c.input, v, "below" if c.op in (">=", ">") else "above")]
        elif c.bands:
            for b in c.bands:
                for edge in (b.min, b.max):
                    if edge is not None:
                        out += [(c.id, c.input, edge, "at"), (c.id, c.input, edge, "below")]
        elif c.is_ is not None:
            out += [(c.id, c.input, True, "at"), (c.id, c.input, False, "at")]
        elif c.points is not None:
            out += [(c.id, c.input, k if k not in ("true", "false") else k == "true", "at") for k in c.points]
        elif c.in_ is not None:
            out += [(c.id, c.input, v, "at") for v in c.in_]
    return out


def test_cases_cover_every_boundary() -> None:
    """For every tier rule set: each numeric threshold and band edge is hit exactly and from the other side;
    each flag both ways; each category of a points table or list."""
    seen: dict[str, list[dict[str, Any]]] = {}
    for _, case in load_cases():
        seen.setdefault(case["rule_set"], []).append(case["inputs"])
    missing = []
    for rs in tiers.load_sets("tiers").values():
        cases = seen.get(rs.id, [])
        for cid, name, edge, side in boundaries(rs):
            values = [c[name] for c in cases if name in c and c[name] is not None]
            if side == "at":
                ok = any(v == edge for v in values)
            else:  # "just" the other side: within 2 % of the edge (or 0.01)
                tol = 1.0 if INPUTS[name].dtype is pl.Int64 else max(0.02 * abs(edge), 0.01)  # counts: the next integer
                nums = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
                ok = any((edge - tol <= v < edge) if side == "below" else (edge < v <= edge + tol) for v in nums)
            if not ok:
                missing.append(f"{rs.id}/{cid}: {name} {side} {edge}")
    assert not missing, "boundaries no case reaches:\n" + "\n".join(missing)
