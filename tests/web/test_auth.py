"""The one access decision (``web/auth.py``: ``decide``) that ``authorize`` enforces and ``may_read`` asks: by role,
an enterprise's own data only, and rows by grant (or as the dataset's owner)."""

from __future__ import annotations

from sqlalchemy import Engine

from chainatlas.governance.policy import policy_for
from chainatlas.governance.principals import PUBLIC, Principal, Role
from chainatlas.web.auth import decide


def test_decide_by_role_ownership_and_grant(demo_engine: Engine) -> None:
    card = policy_for("GET", "/tiers/{uscc}")
    board = policy_for("GET", "/api/v1/attraction/board")
    assert card is not None and board is not None
    firm = Principal(None, "f", Role.enterprise, enterprise_uscc="A")
    assert decide(firm, card, {"uscc": "A"})[0] == "allowed"
    assert decide(firm, card, {"uscc": "B"})[0] == "denied-own"
    assert decide(firm, board, {})[0] == "denied"
    assert decide(PUBLIC, card, {"uscc": "A"})[0] == "denied"
    industry = Principal(None, "i", Role.department, department="industry")  # owns enterprise_profiles
    tax = Principal(None, "t", Role.department, department="tax")
    assert decide(industry, card, {"uscc": "A"})[0] == "allowed"
    outcome, grant = decide(tax, card, {"uscc": "A"})
    assert outcome == "denied-no-grant" and grant is not None and not grant.allowed
    assert decide(Principal(None, "a", Role.admin), board, {})[0] == "allowed"
