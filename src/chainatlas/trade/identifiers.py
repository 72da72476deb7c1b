"""GS1 identifiers in EPCIS: EPC URNs (urn:epc:id / class / idpat) to canonical GS1 Digital Link URIs, and Digital
Link URIs to their constrained canonical form (GS1 Digital Link URI Syntax 1.2 §4.11; CBV 2.0 §8.9 rules 17–18).

Check digits are GS1 mod-10 (``stdnum.ean``). The company prefix length is carried by the URN (the position of
its first dot), so no prefix table is needed.

>>> epc_to_digital_link("urn:epc:id:sgtin:0614141.107346.2017")
'https://id.gs1.org/01/10614141073464/21/2017'
>>> epc_to_digital_link("urn:epc:id:sscc:0614141.1234567890")
'https://id.gs1.org/00/106141412345678908'
>>> epc_to_digital_link("urn:epc:id:sgln:0012345.11111.400")
'https://id.gs1.org/414/0012345111112/254/400'
>>> canonical_digital_link("https://example.com/01/09521568251204/10/LOT7/21/S1?17=261231")
'https://id.gs1.org/01/09521568251204/21/S1'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

from stdnum import ean

DL_ROOT = "https://id.gs1.org"
# GS1 application identifiers allowed in a constrained canonical Digital Link (CBV 2.0 §8.9 rule 18), finest first
_QUALIFIED = {"01": ("21", "10", "235"), "414": ("254",), "8006": ("21", "10"), "8010": ("8011",)}
_PRIMARY = {"00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8017", "8018"}
# legacy alphanumeric path names of the keys and qualifiers (GS1 Digital Link 1.0/1.1; deprecated since 1.2)
_NAMES = {"gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417", "gsrnp": "8017", "gsrn": "8018",
          "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401", "gsin": "402", "grai": "8003", "giai": "8004",
          "cpv": "22", "lot": "10", "ser": "21", "glnx": "254"}
_KEY = "00|01|253|255|401|402|414|417|8003|8004|8006|8010|8017|8018|gtin|itip|cpid|gln|party|gsrnp|gsrn|gcn|sscc|gdti|ginc|gsin|grai|giai"
_DL_PATH = re.compile(rf"^https?://[^/]+(?:/[^?#]*?)?/({_KEY})/([^/?#]+)((?:/(?:[0-9]{{2,4}}|[a-z]{{3,5}})/[^/?#]+)*)/?(?:[?#].*)?$")
# Characters kept as they are in a canonical value: RFC 3986 unreserved, and the sub-delimiters the GS1 Digital Link
# URI Syntax (Table 7-1) does not list for percent-encoding. ! ( ) * + , : / and the rest are encoded.
_SAFE = "'=;"


def canonical_value(value: str) -> str:
    """One AI value in its canonical percent-encoding: decoded, then encoded with upper-case hex for every character
    but the unreserved ones and ``' = ;`` (so ``!``, ``(``, ``)``, ``*`` become ``%21 %28 %29 %2A``, ``'`` stays).

    >>> canonical_value("6789%2F%26%25%22!%3F()"), canonical_value("51qIgY)%3c%26Jp3*j7'SDB")
    ('6789%2F%26%25%22%21%3F%28%29', "51qIgY%29%3C%26Jp3%2Aj7'SDB")
    """
    return quote(unquote(value), safe=_SAFE)


def _check(body: str) -> str:
    return body + ean.calc_check_digit(body)


def _gtin(company: str, indicator_item: str) -> str:
    return _check(indicator_item[:1] + company + indicator_item[1:])


def epc_to_digital_link(uri: str) -> str | None:
    """The canonical Digital Link of an EPC pure-identity, class or pattern URI; None when it has none. Serials
    keep their meaning: the URN's escapes are decoded and the value re-encoded canonically (:func:`canonical_value`).

    >>> epc_to_digital_link("urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()")
    'https://id.gs1.org/01/80614141123458/21/6789%2F%26%25%22%21%3F%28%29'
    """
    return _epc_to_digital_link(uri)


# Remembered: a document names the same classes, locations and read points in many events, and capture, hash IDs
# and the index each translate them (the check digit and percent-encoding dominated capture's profile).
@lru_cache(maxsize=1 << 16)
def _epc_to_digital_link(uri: str) -> str | None:
    m = re.match(r"^urn:epc:(id|class|idpat):([a-z0-9]+):(.+)$", uri)
    if not m:
        return None
    kind, scheme, rest = m.groups()
    # each component in its canonical encoding as the link is built (a pattern's "*" stays a wildcard)
    p = [x if x == "*" else canonical_value(x) for x in rest.split(".")]
    try:
        if kind == "id":
            if scheme == "sgtin" and len(p) == 3:
                return f"{DL_ROOT}/01/{_gtin(p[0], p[1])}/21/{p[2]}"
            if scheme == "sscc" and len(p) == 2:
                return f"{DL_ROOT}/00/{_check(p[1][:1] + p[0] + p[1][1:])}"
            if scheme == "sgln" and len(p) == 3:
                gln = _check(p[0] + p[1])
                return f"{DL_ROOT}/414/{gln}" + ("" if p[2] == "0" else f"/254/{p[2]}")
            if scheme == "grai" and len(p) == 3:
                return f"{DL_ROOT}/8003/0{_check(p[0] + p[1])}{p[2]}"
            if scheme == "giai" and len(p) == 2:
                return f"{DL_ROOT}/8004/{p[0]}{p[1]}"
            if scheme in ("gsrn", "gsrnp") and len(p) == 2:
                return f"{DL_ROOT}/{'8018' if scheme == 'gsrn' else '8017'}/{_check(p[0] + p[1])}"
            if scheme == "gdti" and len(p) == 3:
                return f"{DL_ROOT}/253/{_check(p[0] + p[1])}{p[2]}"
            if scheme == "sgcn" and len(p) == 3:
                return f"{DL_ROOT}/255/{_check(p[0] + p[1])}{p[2]}"
            if scheme == "pgln" and len(p) == 2:
                return f"{DL_ROOT}/417/{_check(p[0] + p[1])}"
            if scheme == "ginc" and len(p) == 2:
                return f"{DL_ROOT}/401/{p[0]}{p[1]}"
            if scheme == "gsin" and len(p) == 2:
                return f"{DL_ROOT}/402/{_check(p[0] + p[1])}"
            if scheme == "cpi" and len(p) == 3:
                return f"{DL_ROOT}/8010/{p[0]}{p[1]}/8011/{p[2]}"
            if scheme == "itip" and len(p) == 5:
                return f"{DL_ROOT}/8006/{_gtin(p[0], p[1])}{p[2]}{p[3]}/21/{p[4]}"
            if scheme == "upui" and len(p) == 3:
                return f"{DL_ROOT}/01/{_gtin(p[0], p[1])}/235/{p[2]}"
        elif kind == "class" and scheme == "lgtin" and len(p) == 3:
            return f"{DL_ROOT}/01/{_gtin(p[0], p[1])}/10/{p[2]}"
        elif kind == "idpat" and p[-1] == "*":  # a pattern of all serials: the class-level key
            if scheme in ("sgtin", "upui") and len(p) == 3:
                return f"{DL_ROOT}/01/{_gtin(p[0], p[1])}"
            if scheme == "grai" and len(p) == 3:
                return f"{DL_ROOT}/8003/0{_check(p[0] + p[1])}"
            if scheme in ("gdti", "sgcn") and len(p) == 3:
                return f"{DL_ROOT}/{'253' if scheme == 'gdti' else '255'}/{_check(p[0] + p[1])}"
            if scheme == "cpi" and len(p) == 3:
                return f"{DL_ROOT}/8010/{p[0]}{p[1]}"
            if scheme == "itip" and len(p) == 5:
                return f"{DL_ROOT}/8006/{_gtin(p[0], p[1])}{p[2]}{p[3]}"
    except (ValueError, IndexError):
        return None
    return None


def canonical_digital_link(uri: str) -> str | None:
    """A Digital Link URI on any domain → ``https://id.gs1.org/…`` with the query stripped, legacy names (``/gtin/``,
    ``/ser/`` …) as their AIs, values in canonical percent-encoding and only the finest allowed key qualifiers; None
    when ``uri`` is not a Digital Link.

    >>> canonical_digital_link("https://example.com/gtin/09780345418913/ser/765tz?abc=211121")
    'https://id.gs1.org/01/09780345418913/21/765tz'
    """
    return _canonical_digital_link(uri)


@lru_cache(maxsize=1 << 16)
def _canonical_digital_link(uri: str) -> str | None:
    m = _DL_PATH.match(uri)
    if not m:
        return None
    primary, value, tail = m.groups()
    primary = _NAMES.get(primary, primary)
    if primary not in _PRIMARY:
        return None
    if primary in ("01", "8006") and value.isdigit():
        value = value.zfill(14)
    pairs = re.findall(r"/([0-9]{2,4}|[a-z]{3,5})/([^/]+)", tail or "")
    qualifiers = {_NAMES.get(k, k): v for k, v in pairs}
    for q in _QUALIFIED.get(primary, ()):
        if q in qualifiers:
            return f"{DL_ROOT}/{primary}/{canonical_value(value)}/{q}/{canonical_value(qualifiers[q])}"
    return f"{DL_ROOT}/{primary}/{canonical_value(value)}"


def canonical_id(identifier: str) -> str:
    """The form identifiers are indexed and compared in: a canonical Digital Link where one exists, else as given."""
    text = identifier.strip()
    return epc_to_digital_link(text) or canonical_digital_link(text) or text


EPC_FORMATS = ("No_Preference", "Always_GS1_Digital_Link", "Always_EPC_URN", "Never_Translates")
_ID_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QTY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def as_digital_links(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its EPC URNs (objects, parent, classes, read point, business location) as GS1 Digital Links
    where they have one (GS1-EPC-Format ``Always_GS1_Digital_Link``); other identifiers stay as they are.

    >>> as_digital_links({"epcList": ["urn:epc:id:sgtin:0614141.107346.2017"], "readPoint": {"id": "urn:x"}})
    {'epcList': ['https://id.gs1.org/01/10614141073464/21/2017'], 'readPoint': {'id': 'urn:x'}}
    """
    def dl(uri: Any) -> Any:
        return (epc_to_digital_link(uri) or uri) if isinstance(uri, str) else uri

    out = dict(event)
    for k in _ID_LISTS:
        if isinstance(out.get(k), list):
            out[k] = [dl(x) for x in out[k]]
    if "parentID" in out:
        out["parentID"] = dl(out["parentID"])
    for k in _QTY_LISTS:
        if isinstance(out.get(k), list):
            out[k] = [{**q, "epcClass": dl(q.get("epcClass"))} if isinstance(q, dict) else q for q in out[k]]
    for k in ("readPoint", "bizLocation"):
        if isinstance(out.get(k), dict) and "id" in out[k]:
            out[k] = {**out[k], "id": dl(out[k]["id"])}
    return out


def has_digital_links(event: dict[str, Any]) -> bool:
    """Whether an event names an object, class or location by a Digital Link (which cannot be written back as an EPC
    URN without the company-prefix length)."""
    values: list[Any] = [v for k in _ID_LISTS for v in event.get(k) or []] + [event.get("parentID")]
    values += [q.get("epcClass") for k in _QTY_LISTS for q in event.get(k) or [] if isinstance(q, dict)]
    values += [(event.get(k) or {}).get("id") for k in ("readPoint", "bizLocation")]
    return any(isinstance(v, str) and canonical_digital_link(v) is not None for v in values)
