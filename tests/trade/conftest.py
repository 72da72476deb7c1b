"""The EPCIS conformance material in ../shared/reference/epcis (read-only; see its SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "epcis"
GS1_DOCS = sorted((REFERENCE / "gs1" / "JSON").rglob("*.jsonld"))
CAPTURE_DOCS = sorted((REFERENCE / "openepcis" / "Capture" / "Documents").glob("*.json"))
INVALID_DOCS = sorted((REFERENCE / "openepcis" / "Capture" / "Invalid").glob("*.json"))
SCHEMA = REFERENCE / "gs1" / "EPCIS-JSON-Schema.json"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def events_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    body = doc.get("epcisBody", {})
    if "eventList" in body:
        return list(body["eventList"])
    if "event" in body:
        return [body["event"]]
    return list(body.get("queryResults", {}).get("resultsBody", {}).get("eventList", []))
