"""The EPCIS conformance material in tests/data/epcis (origin, version and licence in its SOURCES.md).

The lists are asserted non-empty at import: a missing folder fails collection instead of silently collecting
no parametrised test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "epcis"
GS1_DOCS = sorted((REFERENCE / "gs1" / "JSON").rglob("*.jsonld"))
CAPTURE_DOCS = sorted((REFERENCE / "openepcis" / "Capture" / "Documents").glob("*.json"))
INVALID_DOCS = sorted((REFERENCE / "openepcis" / "Capture" / "Invalid").glob("*.json"))
SCHEMA = REFERENCE / "gs1" / "EPCIS-JSON-Schema.json"
# counts as copied (see SOURCES.md); fewer means files went missing
assert len(GS1_DOCS) >= 40 and len(CAPTURE_DOCS) >= 10 and len(INVALID_DOCS) >= 5 and SCHEMA.is_file(), REFERENCE


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def events_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    body = doc.get("epcisBody", {})
    if "eventList" in body:
        return list(body["eventList"])
    if "event" in body:
        return [body["event"]]
    return list(body.get("queryResults", {}).get("resultsBody", {}).get("eventList", []))


def days(engine: Any, params: dict[str, Any], extensions: dict[str, str] | None = None) -> list[str]:
    """The day of the month of every event a query answers, sorted (the hand-made events are one per day)."""
    from chainatlas.trade import repository

    return sorted(e["eventTime"][8:10] for e in repository.query(engine, params, extensions=extensions)["events"])


# consignments of the demo city: the trade demo's 120 and the consolidated demo week's 24 shipments (3 lanes × 8)
DEMO_CONSIGNMENTS = 120 + 24
