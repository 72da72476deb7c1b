"""EPCIS event hash ID (CBV 2.0 §8.9): a canonical pre-hash string of an event, SHA-256, as an RFC 6920 ``ni`` URI
(``ni:///sha-256;<hex>?ver=CBV2.0``). Two captures of the same event get the same ID whatever their JSON layout,
identifier syntax (EPC URN or Digital Link) or time-zone notation, so the repository can refuse duplicates.

The pre-hash string: ``eventType=…``, then the fields in the canonical order below, each value normalised
(timestamps in UTC with milliseconds, numbers without trailing zeros, CBV bare words and URNs as GS1 web URIs,
EPC URNs and Digital Links as constrained canonical Digital Links, CURIEs of the document's context expanded);
list members, list-like fields and user extensions (``{namespace}local=value``) sorted by code point; nothing
between the parts.

Where CBV 2.0 §8.9 leaves room, the behaviour of the independent reference implementation (PyPI
``epcis-event-hash-generator`` 1.9.3) is followed, so both give the same IDs on every example document of the
standard (``tests/trade/test_hashid.py``; differences from a literal reading in docs/trade.md): business
transactions, sources, destinations and ILMD are sorted with the user extensions after the sensor elements;
``certificationInfo`` follows the time-zone offset; only the document's own ``@context`` prefixes are expanded;
a nested extension is rendered in its parent only when its namespace ends with "/" (else after the event's fields,
with its path); numeric strings are normalised through a binary float.

>>> ev = {"type": "ObjectEvent", "eventTime": "2005-04-03T20:33:31.116-06:00", "eventTimeZoneOffset": "-06:00",
...       "epcList": ["urn:epc:id:sgtin:0614141.107346.2018"], "action": "OBSERVE", "bizStep": "shipping"}
>>> prehash(ev)
'eventType=ObjectEventeventTime=2005-04-04T02:33:31.116ZeventTimeZoneOffset=-06:00epcListepc=https://id.gs1.org/01/10614141073464/21/2018action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shipping'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from chainatlas.trade.identifiers import canonical_digital_link, epc_to_digital_link
from chainatlas.trade.vocabulary import TERMS

CBV = "https://ref.gs1.org/cbv/"
_URN_VOCAB = {"bizstep": "BizStep-", "disp": "Disp-", "btt": "BTT-", "sdt": "SDT-", "er": "ER-"}
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
QUANTITY = ("epcClass", "quantity", "uom")
SENSOR_METADATA = ("time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
                   "bizRules")
SENSOR_REPORT = ("type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time",
                 "microorganism", "chemicalSubstance", "value", "component", "stringValue", "booleanValue",
                 "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue",
                 "uom", "coordinateReferenceSystem")
EPC_LISTS = ("epcList", "inputEPCList", "childEPCs", "outputEPCList")
QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
ORDER = ("eventTime", "eventTimeZoneOffset", "certificationInfo", "parentID", "epcList", "inputEPCList", "childEPCs",
         "quantityList", "childQuantityList", "inputQuantityList", "outputEPCList", "outputQuantityList", "action",
         "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
         "sensorElementList")
NOT_HASHED = {"type", "eventID", "recordTime", "errorDeclaration", "@id", "rdfs:comment", "comment"}
def namespaces(context: Any) -> dict[str, str]:
    """Prefix → namespace URI declared in a document's ``@context`` (strings refer to remote contexts)."""
    out: dict[str, str] = {}
    for item in context if isinstance(context, list) else [context]:
        if isinstance(item, Mapping):
            out.update({k: v for k, v in item.items() if isinstance(v, str) and not k.startswith("@")})
    return out


def _timestamp(text: str) -> str:
    """UTC with exactly three fractional digits, rounded half up (CBV 2.0 §8.9: ``.1415Z`` → ``.142Z``, ``.9996``
    carries into the next second).

    >>> _timestamp("2023-02-02T12:04:03.1415+01:00"), _timestamp("2023-02-02T11:04:03.1414Z")
    ('2023-02-02T11:04:03.142Z', '2023-02-02T11:04:03.141Z')
    >>> _timestamp("2023-12-31T23:59:59.9996Z"), _timestamp("2023-02-02T11:04Z")
    ('2024-01-01T00:00:00.000Z', '2023-02-02T11:04:00.000Z')
    """
    m = re.match(r"^(.*?)(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$", text)
    if not m:
        raise ValueError(f"not a timestamp: {text}")
    base, fraction, zone = m.groups()
    t = dt.datetime.fromisoformat(base + ("+00:00" if zone == "Z" else zone)).astimezone(dt.UTC)
    millis = int((Decimal("0." + (fraction or "0")) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    t += dt.timedelta(milliseconds=millis)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _number(text: str) -> str:
    """Numbers without trailing zeros. As in the reference implementation, a numeric string goes through a binary
    float (so 24-digit strings lose precision in the pre-hash string; the hash stays deterministic)."""
    try:
        x = float(text)
        return str(int(x)) if x == int(x) else str(x)
    except (ValueError, OverflowError):
        return text


@lru_cache(maxsize=1 << 16)
def _canonical_text(text: str, time: bool) -> str:
    """A value's canonical text once prefixes and bare terms are expanded: timestamps in UTC milliseconds, CBV URNs
    as web URIs, numbers without trailing zeros, EPCs and Digital Links canonical. Remembered: it depends on the text
    only, and a document repeats its classes, locations, read points and transactions."""
    if time and _TIMESTAMP.match(text):
        try:
            return _timestamp(text)
        except ValueError:
            return text
    if text.startswith("urn:epcglobal:cbv:"):
        parts = text.split(":")
        if len(parts) == 5 and parts[3] in _URN_VOCAB:
            return CBV + _URN_VOCAB[parts[3]] + parts[4]
    text = _number(text)
    if text.startswith("urn:epc:"):
        return epc_to_digital_link(text) or text
    if text.startswith(("http://", "https://")):
        return canonical_digital_link(text) or text
    return text


@lru_cache(maxsize=1024)
def _time_key(key: str) -> bool:
    k = key.lower()
    return "time" in k and "offset" not in k


class _Canon:
    def __init__(self, ns: Mapping[str, str], terms: Mapping[str, str]) -> None:
        self.ns = dict(ns)
        self.terms = terms

    def key(self, key: str) -> str:
        prefix, sep, local = key.partition(":")
        if sep and prefix in self.ns:
            return "{" + self.ns[prefix] + "}" + local
        return key

    def value(self, v: Any, key: str = "") -> str:
        if isinstance(v, bool):
            return str(v)
        text = str(v).strip()
        if text in self.terms:
            return self.terms[text]
        prefix, sep, local = text.partition(":")
        if sep and prefix in self.ns and not local.startswith("//"):
            text = self.ns[prefix] + local
        return _canonical_text(text, bool(key) and _time_key(key))

    def extension(self, key: str, value: Any) -> list[str]:
        """An element rendered generically, as sortable substrings (a list repeats its key per member)."""
        k = self.key(key)
        if isinstance(value, list):
            return [s for item in value for s in self.extension(key, item)]
        if isinstance(value, Mapping):
            parts = [s for kk, vv in value.items() if kk not in IGNORED for s in self.extension(kk, vv)]
            return [k + "".join(parts if {"bizTransaction", "source", "destination"} & set(value) else sorted(parts))]
        return [f"{k}={self.value(value)}"]

    def fields(self, obj: Mapping[str, Any], order: tuple[str, ...], vocab: Callable[[str], bool] = lambda _k: False,
               nested: Mapping[str, Callable[[Mapping[str, Any]], tuple[str, dict[str, Any]]]] | None = None,
               ) -> tuple[str, dict[str, Any]]:
        """(the ``order``ed fields of ``obj`` then its user extensions, what is left over). Like the reference
        implementation, extensions are rendered in place only when their namespace ends with "/" and the element
        has more than one member; anything else is left over and rendered later with its path."""
        nested = nested or {}
        obj = {k: v for k, v in obj.items() if k not in IGNORED and v is not None}
        gather = len(obj) > 1 and not any("eventTime" in k or "action" in k for k in obj)
        parts: list[str] = []
        left: dict[str, Any] = {}
        for k in order:
            if k not in obj:
                continue
            if k in nested:
                items = obj[k] if isinstance(obj[k], list) else [obj[k]]
                done, rest = [], []
                for item in items:
                    text, leftover = nested[k](item)
                    if text:
                        done.append(k + text)
                    if leftover:
                        rest.append(leftover)
                parts.extend(sorted(done))
                if rest:
                    left[k] = rest if isinstance(obj[k], list) else rest[0]
            else:
                parts.append(f"{k}={self.value(obj[k], k)}")
        ext: list[str] = []
        for k, v in obj.items():
            if k in order:
                continue
            if gather and self.key(k).startswith("{") and "/}" in self.key(k):
                ext.extend(self.extension(k, v))
            else:
                left[k] = v
        return "".join(parts + sorted(ext)), left


IGNORED = {"rdfs:comment", "comment", "#text"}


def known_terms(events: list[Mapping[str, Any]]) -> dict[str, str]:
    """Bare CBV/GS1 words used in typed positions of these events → their web vocabulary URIs (the EPCIS 2.0
    JSON-LD context's terms, listed as enumerations in the JSON Schema: ``vocabulary.TERMS``). As in the
    reference implementation, such a word stands for its URI wherever it appears in the document."""
    found: dict[str, set[str]] = {}

    def add(kind: str, value: Any) -> None:
        if isinstance(value, str) and value in TERMS[kind]:
            uri = TERMS[kind][value]
            found.setdefault(value, set()).add(uri)

    for ev in events:
        add("bizStep", ev.get("bizStep"))
        add("disposition", ev.get("disposition"))
        for k in ("set", "unset"):
            for v in (ev.get("persistentDisposition") or {}).get(k, []):
                add("disposition", v)
        for bt in ev.get("bizTransactionList") or []:
            add("bizTransactionType", bt.get("type"))
        for key in ("sourceList", "destinationList"):
            for sd in ev.get(key) or []:
                add("sourceDestType", sd.get("type"))
        add("errorReason", (ev.get("errorDeclaration") or {}).get("reason"))
        for el in ev.get("sensorElementList") or []:
            for r in el.get("sensorReport") or []:
                add("measurementType", r.get("type"))
                add("sensorAlertType", r.get("exception"))
                add("component", r.get("component"))
    return {word: next(iter(uris)) for word, uris in found.items() if len(uris) == 1}


def prehash(event: Mapping[str, Any], ns: Mapping[str, str] | None = None, terms: Mapping[str, str] | None = None) -> str:
    """The canonical pre-hash string of one event (``ns``: prefixes of the document's ``@context``; ``terms``: see
    :func:`known_terms`, by default those of the event itself)."""
    c = _Canon(ns or {}, known_terms([event]) if terms is None else terms)
    parts = [f"eventType={event.get('type')}"]
    left: dict[str, Any] = {}
    for key in ORDER:
        if key not in event or event[key] in (None, [], {}):
            continue
        v = event[key]
        if key in EPC_LISTS:
            parts.append(key + "".join(sorted(f"epc={c.value(x)}" for x in v)))
        elif key in QUANTITY_LISTS:
            parts.append(key + "".join(sorted("quantityElement" + c.fields(q, QUANTITY)[0] for q in v)))
        elif key == "persistentDisposition":
            parts.append(key + "".join("".join(sorted(f"{k}={c.value(x)}" for x in v.get(k, []))) for k in ("set", "unset")))
        elif key in ("readPoint", "bizLocation"):
            text, rest = c.fields(v, ("id",))
            if text:
                parts.append(key + text)
            if rest:
                left[key] = rest
        elif key == "sensorElementList":
            done: list[str] = []
            leftovers: list[dict[str, Any]] = []
            for el in v:
                text, leftover = _sensor_element(c, el)
                if text:
                    done.append("sensorElement" + text)
                if leftover:
                    leftovers.append(leftover)
            if done:
                parts.append(key + "".join(sorted(done)))
            if leftovers:
                left[key] = {"sensorElement": leftovers}
        else:
            parts.append(f"{key}={c.value(v, key)}")
    rest_parts = [s for k, v in left.items() for s in c.extension(k, v)]
    for key, v in event.items():
        if key in ORDER or key in NOT_HASHED or key in IGNORED or v is None:
            continue
        if key in ("bizTransactionList", "sourceList", "destinationList"):
            member = {"bizTransactionList": "bizTransaction", "sourceList": "source", "destinationList": "destination"}[key]
            items = sorted((f"type={c.value(x['type'])}" if x.get("type") else "") + f"{member}={c.value(x[member])}"
                           for x in v)
            if items:
                rest_parts.append(key + "".join(items))
        else:
            rest_parts.extend(c.extension(key, v))
    return "".join(parts + sorted(rest_parts))


def _sensor_element(c: _Canon, el: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return c.fields(el, ("sensorMetadata", "sensorReport"), nested={
        "sensorMetadata": lambda m: c.fields(m, SENSOR_METADATA),
        "sensorReport": lambda r: c.fields(r, SENSOR_REPORT)})


def event_hash_id(event: Mapping[str, Any], ns: Mapping[str, str] | None = None,
                  terms: Mapping[str, str] | None = None) -> str:
    """``ni:///sha-256;<hex>?ver=CBV2.0`` of the event's canonical pre-hash string."""
    digest = hashlib.sha256(prehash(event, ns, terms).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"
