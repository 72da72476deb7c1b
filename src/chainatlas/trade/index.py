"""What the event repository indexes beside each event so that the SimpleEventQuery parameters of EPCIS 2.0
§8.2.7.1 that look inside an event are answered by SQL: its user-extension fields (top level, nested, in the ILMD
and in an error declaration), its error declaration, and one row per sensor report.

Pure functions of an event (and its document's namespaces); :mod:`chainatlas.trade.repository` stores the rows.

>>> ev = {"type": "ObjectEvent", "ex:lot": {"ex:kg": 5}, "errorDeclaration": {"reason": "incorrect_data",
...       "declarationTime": "2026-03-01T10:00:00+08:00"}}
>>> sorted(field_rows(ev, {"ex": "https://ex.example/"}))[:3]
[('declaration', 'declarationTime', '2026-03-01T02:00:00.000000', None), ('declaration', 'reason', 'incorrect_data', None), ('inner', 'ex:kg', '5', 5.0)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from chainatlas.clock import to_utc
from chainatlas.trade.identifiers import canonical_id
from chainatlas.trade.vocabulary import vocab

Row = tuple[str, str, str | None, float | None]  # scope, name, text value, numeric value

SENSOR_TEXT = {"type": "type", "deviceID": "device_id", "deviceMetadata": "device_metadata", "rawData": "raw_data",
               "dataProcessingMethod": "data_processing_method", "bizRules": "biz_rules", "microorganism": "microorganism",
               "chemicalSubstance": "chemical_substance", "exception": "exception", "stringValue": "string_value",
               "hexBinaryValue": "hex_binary_value", "uriValue": "uri_value", "uom": "uom"}
SENSOR_NUMBERS = {"value": "value", "minValue": "min_value", "maxValue": "max_value", "meanValue": "mean_value",
                  "sDev": "s_dev", "percRank": "perc_rank", "percValue": "perc_value"}
_GS1_VOC = ("gs1:", "https://gs1.org/voc/", "http://gs1.org/voc/", "https://www.gs1.org/voc/")


def utc_text(value: str) -> str:
    """An ISO 8601 time as sortable UTC text (microseconds), so that text comparison is time comparison."""
    return to_utc(value).isoformat(timespec="microseconds")


def _utc(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return to_utc(value)
    except ValueError:
        return None


def sensor_type(value: Any) -> str | None:
    """A measurement type in one form: the GS1 vocabulary word (``Temperature``), however it was written."""
    if not isinstance(value, str):
        return None
    for prefix in _GS1_VOC:
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def names(key: str, ns: Mapping[str, str]) -> list[str]:
    """The forms a member name is found by: as written (``ex:lot``) and expanded with its document's namespace."""
    prefix, _, local = key.partition(":")
    if local and prefix in ns and not local.startswith("//"):
        return [key, ns[prefix] + local]
    return [key]


def _scalar(value: Any) -> tuple[str, float | None] | None:
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, (int, float)):
        return str(value), float(value)
    if isinstance(value, str):
        try:
            return value, float(value)
        except ValueError:
            return value, None
    if isinstance(value, Mapping) and "@value" in value:
        return _scalar(value["@value"])
    return None


def _walk(obj: Any, scope: str, inner: str, ns: Mapping[str, str], top: bool) -> Iterator[Row]:
    """Extension members of ``obj`` (names with a prefix): at ``top`` level as ``scope``, nested ones as ``inner``."""
    if isinstance(obj, list):
        for item in obj:
            yield from _walk(item, scope, inner, ns, top)
        return
    if not isinstance(obj, Mapping):
        return
    for key, value in obj.items():
        if ":" not in key or key.startswith("@"):
            continue
        here = scope if top else inner
        items = value if isinstance(value, list) else [value]
        for item in items:
            s = _scalar(item)
            for name in names(key, ns):
                yield (here, name, s[0] if s else None, s[1] if s else None)
            if s is None:
                yield from _walk(item, scope, inner, ns, False)


def field_rows(ev: Mapping[str, Any], ns: Mapping[str, str]) -> list[Row]:
    """Rows for EQ_/EXISTS_/GT_… on user extensions (``top``/``inner``), the ILMD (``ilmd``/``inner_ilmd``) and an
    error declaration (``error``/``inner_error``); the error declaration's own fields (``declaration``); and
    ``transformationID``, ``persistentDisposition`` set/unset and quantities (``standard``)."""
    # only prefixed members are extensions, and only they are walked into (most events have none)
    extensions = {k: v for k, v in ev.items() if ":" in k and not k.startswith("@")}
    rows = list(_walk(extensions, "top", "inner", ns, True)) if extensions else []
    if ev.get("ilmd"):
        rows += _walk(ev["ilmd"], "ilmd", "inner_ilmd", ns, True)
    if isinstance(ev.get("transformationID"), str):
        rows.append(("standard", "transformationID", canonical_id(ev["transformationID"]), None))
    for which in ("set", "unset"):
        for word in (ev.get("persistentDisposition") or {}).get(which) or []:
            rows.append(("standard", f"persistentDisposition_{which}", vocab(str(word)), None))
    for key in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"):
        for q in ev.get(key) or []:
            if isinstance(q, Mapping) and isinstance(q.get("quantity"), (int, float)) and not isinstance(q["quantity"], bool):
                name = "quantity" + (f"_{q['uom']}" if q.get("uom") else "")
                rows.append(("standard", name, str(q["quantity"]), float(q["quantity"])))
    declaration = ev.get("errorDeclaration")
    if isinstance(declaration, Mapping):
        rows += _walk(declaration, "error", "inner_error", ns, True)
        if isinstance(declaration.get("reason"), str):
            rows.append(("declaration", "reason", vocab(declaration["reason"]), None))
        for corrective in declaration.get("correctiveEventIDs") or []:
            rows.append(("declaration", "correctiveEventID", str(corrective), None))
        if isinstance(declaration.get("declarationTime"), str):
            rows.append(("declaration", "declarationTime", utc_text(declaration["declarationTime"]), None))
    return rows


def sensor_rows(ev: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per sensor report (with its element's metadata; a metadata-only element gets one row of its own)."""
    out = []
    for i, element in enumerate(ev.get("sensorElementList") or []):
        if not isinstance(element, Mapping):
            continue
        meta = element.get("sensorMetadata") or {}
        reports = [r for r in element.get("sensorReport") or [] if isinstance(r, Mapping)] or [{}]
        for j, report in enumerate(reports):
            row: dict[str, Any] = {"element": i, "report": j,
                                   "meta_device_id": meta.get("deviceID"), "meta_time": _utc(meta.get("time")),
                                   "start_time": _utc(meta.get("startTime")), "end_time": _utc(meta.get("endTime")),
                                   "time": _utc(report.get("time")),
                                   "boolean_value": report.get("booleanValue") if isinstance(report.get("booleanValue"), bool) else None}
            for key, column in SENSOR_TEXT.items():
                value = report.get(key)
                if key in ("dataProcessingMethod", "bizRules", "deviceMetadata", "rawData") and value is None:
                    value = meta.get(key)
                row[column] = str(value) if value is not None else None
            row["type"] = sensor_type(report.get("type"))
            for column in ("device_id", "meta_device_id"):  # EPCs and Digital Links compared in one form
                row[column] = canonical_id(row[column]) if isinstance(row[column], str) else None
            for key, column in SENSOR_NUMBERS.items():
                value = report.get(key)
                row[column] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
            out.append(row)
    return out
