"""Capture as a pipeline (采集流程): check → store (or record the failure) → alert rules → stream subscriptions.

The repository only stores and queries; what follows a capture lives here, so that the storage module depends on
nothing that depends on it (``subscriptions`` queries the repository, the repository no longer calls back).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from chainatlas.clock import to_utc
from chainatlas.trade import repository
from chainatlas.trade.alerts import evaluate
from chainatlas.trade.capture import check_document
from chainatlas.trade.subscriptions import deliver_capture


def capture(engine: Engine, doc: Any, actor: str, owner: str | None = None, proceed: bool = False) -> dict[str, Any]:
    """Capture one parsed EPCISDocument: check it; store all its new events or — when it fails a check — none,
    recording why; then run the alert rules on the consignments it touched. Returns the capture job (with
    ``alerts``: how many were raised); stream subscriptions get the new events that match their queries."""
    checked = check_document(doc, proceed=proceed)
    if not checked.ok:
        body = doc.get("epcisBody") if isinstance(doc, dict) else None
        events = body.get("eventList") if isinstance(body, dict) else None
        return repository.record_failure(engine, checked.problems, actor, len(events) if isinstance(events, list) else 0,
                                         owner)
    job = repository.store(engine, checked, actor, owner)
    job["alerts"] = len(evaluate(engine, consignments=repository.consignment_refs(checked.events)))
    if job["stored"]:
        deliver_capture(engine, to_utc(job["createdAt"]))
    return job
