"""Who may see a demand and who acts for an organisation — the part of :mod:`chainatlas.collab.workflow` that the
stores and the shells share (kept apart so that none of them imports the workflow back). Refused steps raise
:class:`chainatlas.messages.Refused`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from chainatlas import db
from chainatlas.exchange.cells import split_codes
from chainatlas.governance.principals import Principal, Role
from chainatlas.messages import NotFound

PRIVATE_STATES = ("draft", "review", "rejected")
UNLISTED = (*PRIVATE_STATES, "withdrawn")  # seen by the demand's enterprise and the bureau only, whatever the visibility
BUREAU_DEPARTMENTS = ("science", "industry")


def is_bureau(p: Principal) -> bool:
    """Admins and the accounts of the science-and-technology and industry bureaus run the open calls."""
    return p.role == Role.admin or (p.role == Role.department and p.department in BUREAU_DEPARTMENTS)


def acts_for(p: Principal, uscc: str | None) -> bool:
    """Whether ``p`` is the account of the organisation ``uscc``.

    >>> acts_for(Principal(1, "e", Role.enterprise, "91A"), "91A"), acts_for(Principal(2, "a", Role.admin), "91A")
    (True, False)
    """
    return p.role == Role.enterprise and uscc is not None and p.enterprise_uscc == uscc


def can_see(p: Principal, demand: dict[str, Any]) -> bool:
    """Whether ``p`` may see ``demand`` at all (see the module docstring).

    >>> d = {"uscc": "91A", "state": "published", "visibility": "bureau", "invited": []}
    >>> can_see(Principal(2, "i", Role.enterprise, "12B"), d), can_see(Principal(1, "e", Role.enterprise, "91A"), d)
    (False, True)
    """
    if is_bureau(p) or acts_for(p, demand["uscc"]):
        return True
    if demand["state"] in UNLISTED:
        return False
    if demand["visibility"] == "public":
        return True
    if demand["visibility"] == "selected":
        return any(acts_for(p, u) for u in demand.get("invited") or [])
    return False


def demand_row(r: Any) -> dict[str, Any]:
    """A demand row as a dict, the invited USCCs as a list."""
    d = dict(r._mapping)
    d["invited"] = split_codes(d.get("invited"))
    return d


def get_demand(conn: Connection, demand_id: str) -> dict[str, Any]:
    """The demand ``demand_id`` (raises :class:`NotFound`), whoever asks: callers check :func:`can_see`."""
    row = conn.execute(select(db.collab_demand).where(db.collab_demand.c.demand_id == demand_id)).first()
    if row is None:
        raise NotFound(f"没有技术需求 {demand_id}", f"no technology demand {demand_id}")
    return demand_row(row)
