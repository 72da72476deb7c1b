"""A service ticket's states and who moves it (工单流转).

open → assigned → on site → resolved → confirmed. The provider assigns a technician, arrives on site, may leave to
come back (parts, a second visit) and resolves — from *assigned* when it fixed the fault remotely. The equipment's
owner confirms a resolution or reopens it (back to assigned: the clock runs again), and may cancel a ticket nobody has
visited. An admin may act for either party.

>>> transition("open", "assign", "provider")
'assigned'
>>> transition("resolved", "reopen", "owner")
'assigned'
>>> transition("open", "confirm", "owner")
Traceback (most recent call last):
...
chainatlas.messages.Refused: 工单状态为“待派单”，不能执行“确认关闭” / cannot confirm a ticket that is open
"""

from __future__ import annotations

from dataclasses import dataclass

from chainatlas import vocabulary
from chainatlas.messages import InvalidInput, Message, Refused


@dataclass(frozen=True)
class Action:
    sources: frozenset[str]
    target: str
    party: str  # owner or provider
    label: Message
    note_required: bool = False


M = Message
ACTIONS: dict[str, Action] = {
    "assign": Action(frozenset({"open"}), "assigned", "provider", M("派单", "assign")),
    "arrive": Action(frozenset({"assigned"}), "on_site", "provider", M("到场", "arrive on site")),
    "leave": Action(frozenset({"on_site"}), "assigned", "provider", M("离场待再次上门", "leave for a return visit"),
                    note_required=True),
    "resolve": Action(frozenset({"assigned", "on_site"}), "resolved", "provider", M("修复", "resolve"), note_required=True),
    "confirm": Action(frozenset({"resolved"}), "confirmed", "owner", M("确认关闭", "confirm")),
    "reopen": Action(frozenset({"resolved"}), "assigned", "owner", M("未修好，重开", "reopen"), note_required=True),
    "cancel": Action(frozenset({"open", "assigned"}), "cancelled", "owner", M("撤销", "cancel")),
}
STATES = tuple(vocabulary.TICKET_STATES)
CLOSED = frozenset({"confirmed", "cancelled"})


def transition(state: str, action: str, party: str) -> str:
    """The state after ``party`` (owner, provider or admin) takes ``action`` on a ticket in ``state``. Refused (zh/en)
    with 403 when the action is not the party's, 409 when the state does not allow it; InvalidInput for an unknown
    action."""
    a = ACTIONS.get(action)
    if a is None:
        raise InvalidInput(f"未知操作 {action}", f"unknown action {action}; actions: {', '.join(ACTIONS)}")
    if party not in (a.party, "admin"):
        who = M("企业（设备使用方）", "the owner") if a.party == "owner" else M("运维服务商", "the provider")
        raise Refused(f"“{a.label.zh}”只能由{who.zh}执行", f"only {who.en} may {a.label.en}", 403)
    if state not in a.sources:
        st = vocabulary.TICKET_STATES.get(state, M(state, state))
        raise Refused(f"工单状态为“{st.zh}”，不能执行“{a.label.zh}”", f"cannot {a.label.en} a ticket that is {st.en}")
    return a.target


def actions_for(state: str, party: str) -> list[str]:
    """The actions ``party`` may take on a ticket in ``state`` (what a page offers).

    >>> actions_for("on_site", "provider"), actions_for("resolved", "owner"), actions_for("confirmed", "admin")
    (['leave', 'resolve'], ['confirm', 'reopen'], [])
    """
    return [k for k, a in ACTIONS.items() if state in a.sources and party in (a.party, "admin")]
