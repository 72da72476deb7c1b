"""SLA clocks of a service ticket (服务等级计时), from its state changes.

Three clocks start when a ticket is opened, each against the target of the ticket's priority (``sla.yaml``, the
version in force on the opening day):

* **respond** — stops at the first *assigned*;
* **on_site** — stops at the first *on site*, or at the first *resolved* when the fault was fixed remotely;
* **resolve** — counts the time the ticket is neither resolved nor closed: it stops at *resolved*, starts again when
  the owner reopens it, and does not count the wait for the owner's confirmation.

A stopped clock is *met* (elapsed ≤ target) or *breached*; a running one is *breached* once past its target, *at risk*
past ``at_risk_share`` of it, else *running*. A cancelled ticket's running clocks are *cancelled*. Time is wall-clock
(24 × 7), in hours; a business-hours calendar is not implemented (docs/maintenance.md).
Reference: ISO/IEC 20000-1:2018 §8.3.3 (service level management).

>>> from datetime import datetime as T
>>> ev = [("open", T(2026, 3, 2, 8)), ("assigned", T(2026, 3, 2, 8, 20)), ("on_site", T(2026, 3, 2, 11)),
...       ("resolved", T(2026, 3, 2, 13)), ("assigned", T(2026, 3, 3, 9)), ("resolved", T(2026, 3, 3, 12))]
>>> c = clocks(ev, now=T(2026, 3, 4))
>>> round(c["respond"].hours, 3), c["on_site"].hours, c["resolve"].hours, c["resolve"].stopped
(0.333, 3.0, 8.0, True)
>>> [s.state for s in status(ev, "P1", now=T(2026, 3, 4))]
['met', 'met', 'met']
>>> [s.state for s in status(ev[:2], "P1", now=T(2026, 3, 2, 11, 30))]
['met', 'at_risk', 'running']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from chainatlas.messages import InvalidInput

HERE = Path(__file__).parent
TARGETS = ("respond", "on_site", "resolve")
PAUSED = frozenset({"resolved", "confirmed", "cancelled"})  # the resolve clock does not run in these states


@dataclass(frozen=True)
class Clock:
    hours: float
    stopped: bool
    stopped_at: dt.datetime | None


@dataclass(frozen=True)
class Status:
    target: str
    limit_hours: float
    hours: float
    state: str  # met, breached, at_risk, running, cancelled
    due_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "limit_hours": self.limit_hours, "hours": round(self.hours, 3),
                "state": self.state, "due_at": self.due_at}


@dataclass(frozen=True)
class Policy:
    effective_from: dt.date
    targets: dict[str, dict[str, float]]  # priority → target → hours
    at_risk_share: float
    reference: str


@cache
def policies(path: Path = HERE / "sla.yaml") -> tuple[Policy, ...]:
    """The dated SLA versions, oldest first."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    ref = str((raw.get("reference") or {}).get("doc", ""))
    out = []
    for v in raw["versions"]:
        targets = {p: {t: float(h[t]) for t in TARGETS} for p, h in v["priorities"].items()}
        out.append(Policy(v["effective_from"], targets, float(raw.get("at_risk_share", 0.8)), ref))
    return tuple(sorted(out, key=lambda p: p.effective_from))


def policy_on(day: dt.date) -> Policy:
    """The SLA version in force on ``day`` (a ticket's opening day)."""
    found = [p for p in policies() if p.effective_from <= day]
    if not found:
        raise InvalidInput(f"{day} 尚无生效的服务等级目标", f"no service-level targets in force on {day}")
    return found[-1]


def _hours(d: dt.timedelta) -> float:
    return d.total_seconds() / 3600


def clocks(events: Sequence[tuple[str, dt.datetime]], now: dt.datetime) -> dict[str, Clock]:
    """The three clocks of a ticket whose state changes are ``events`` — (new state, when), the first being
    ("open", opened at) — as of ``now``."""
    if not events or events[0][0] != "open":
        raise ValueError("a ticket's events start with its opening")
    opened = events[0][1]
    end = now
    if events[-1][0] == "cancelled":
        end = events[-1][1]

    def first(*states: str) -> dt.datetime | None:
        return next((at for s, at in events if s in states), None)

    out = {}
    for name, stops in (("respond", ("assigned",)), ("on_site", ("on_site", "resolved"))):
        at = first(*stops)
        out[name] = Clock(_hours((at or end) - opened), at is not None, at)
    total = dt.timedelta()
    for (state, since), (_, until) in zip(events, [*events[1:], ("", end)], strict=True):
        if state not in PAUSED:
            total += max(until - since, dt.timedelta())
    last = events[-1]
    stopped = last[0] in ("resolved", "confirmed")
    stop_at = next((at for s, at in reversed(events) if s == "resolved"), None) if stopped else None
    out["resolve"] = Clock(_hours(total), stopped, stop_at)
    return out


def status(events: Sequence[tuple[str, dt.datetime]], priority: str, now: dt.datetime) -> list[Status]:
    """Each clock against its target for ``priority`` (see the module's rules), as of ``now``."""
    pol = policy_on(events[0][1].date())
    if priority not in pol.targets:
        raise InvalidInput(f"未知优先级 {priority}", f"unknown priority {priority}")
    cancelled = events[-1][0] == "cancelled"
    out = []
    for name, c in clocks(events, now).items():
        limit = pol.targets[priority][name]
        if c.stopped:
            state = "met" if c.hours <= limit else "breached"
        elif cancelled:
            state = "cancelled"
        elif c.hours > limit:
            state = "breached"
        elif c.hours >= pol.at_risk_share * limit:
            state = "at_risk"
        else:
            state = "running"
        due = now + dt.timedelta(hours=limit - c.hours) if not c.stopped and not cancelled else \
            events[0][1] + dt.timedelta(hours=limit)
        out.append(Status(name, limit, c.hours, state, due))
    return out
