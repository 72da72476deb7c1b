"""docs/rules.md is checked against the code: every rule set, policy, input and route it should name."""

from __future__ import annotations

import re

from chainatlas.rules import policies as P
from chainatlas.rules import tiers
from chainatlas.rules.inputs import INPUTS
from tests.conftest import PROJECT

DOC = (PROJECT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_every_rule_set_with_its_dates() -> None:
    for rs in tiers.load_sets("tiers").values():
        row = next((line for line in DOC.splitlines() if f"`{rs.id}`" in line and line.startswith("|")), None)
        assert row, f"{rs.id} missing from docs/rules.md"
        assert rs.effective_from.isoformat() in row
        if rs.effective_to:
            assert rs.effective_to.isoformat() in row


def test_every_policy_and_input() -> None:
    for pid in P.policies():
        assert f"`{pid}`" in DOC, pid
    named = set(re.findall(r"`([a-z0-9_]+)`", DOC))
    missing = sorted(set(INPUTS) - named)
    assert not missing, f"inputs without a line in docs/rules.md: {missing}"
