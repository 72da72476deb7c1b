"""Small-cell suppression (小数抑制) of aggregates shown to anyone without row access.

A value that rests on fewer than ``MIN_ENTERPRISES`` enterprises — on either side of the purchases it sums —
is blanked and named in the cell's ``suppressed`` list, so that one firm's figures cannot be read out of a
total. Counts of enterprises (register information) and statuses are kept.
"""

from __future__ import annotations

import copy
from typing import Any

MIN_ENTERPRISES = 3
NOTE = {"zh": "涉及企业少于3家，不予显示", "en": "fewer than 3 enterprises: not shown"}


def _blank(cell: dict[str, Any], keys: tuple[str, ...]) -> None:
    for k in keys:
        if cell.get(k):  # a zero or blank reveals nothing
            cell[k] = None
            cell.setdefault("suppressed", []).append(k)


def suppress_atlas(atlas: dict[str, Any], minimum: int = MIN_ENTERPRISES) -> dict[str, Any]:
    """A copy of ``atlas`` with small cells blanked.

    >>> a = {"segments": [{"local_enterprises": 2, "output_value_yuan": 5.0, "inputs_buyers": 9, "inputs_suppliers": 9,
    ...                    "local_suppliers_serving": 1, "inputs_value_yuan": 10.0, "inputs_local_value_yuan": 4.0,
    ...                    "local_share": 0.4}], "flows": []}
    >>> s = suppress_atlas(a)["segments"][0]
    >>> s["output_value_yuan"], s["inputs_value_yuan"], s["inputs_local_value_yuan"], s["suppressed"]
    (None, 10.0, None, ['output_value_yuan', 'inputs_local_value_yuan', 'local_share'])
    """
    out = copy.deepcopy(atlas)
    for s in out["segments"]:
        if s["local_enterprises"] < minimum:
            _blank(s, ("output_value_yuan",))
        if s["inputs_buyers"] < minimum or s["inputs_suppliers"] < minimum:
            _blank(s, ("inputs_value_yuan", "inputs_local_value_yuan", "local_share"))
        elif s["local_suppliers_serving"] < minimum:
            _blank(s, ("inputs_local_value_yuan", "local_share"))
    for f in out["flows"]:
        if f["buyers"] < minimum or f["suppliers"] < minimum:
            _blank(f, ("value_yuan", "local_value_yuan", "local_share"))
        elif f["local_suppliers"] < minimum:
            _blank(f, ("local_value_yuan", "local_share"))
    out["suppression"] = {"min_enterprises": minimum, **NOTE}
    return out


def suppress_rates(rows: list[dict[str, Any]], minimum: int = MIN_ENTERPRISES) -> list[dict[str, Any]]:
    """Rate rows with every value resting on fewer than ``minimum`` enterprises blanked and named."""
    out = copy.deepcopy(rows)
    for r in out:
        if r.get("buyers", minimum) < minimum or r.get("suppliers", minimum) < minimum:
            _blank(r, ("numerator", "denominator", "rate"))
        elif r.get("local_suppliers", minimum) < minimum:
            _blank(r, ("numerator", "rate"))
    return out


def suppress_districts(rows: list[dict[str, Any]], minimum: int = MIN_ENTERPRISES) -> list[dict[str, Any]]:
    """District map rows (:func:`chainatlas.analysis.geography.district_measures`) with small cells blanked: the
    purchases from a county's suppliers when fewer than ``minimum`` suppliers or buyers, its firms' rate when fewer
    than ``minimum`` buyers, suppliers or local suppliers. Counts of enterprises are register information and stay.

    >>> r = suppress_districts([{"enterprises": 2, "purchases_yuan": 9.0, "suppliers": 2, "buyers": 5, "rate": 0.5,
    ...                          "rate_numerator": 1.0, "rate_denominator": 2.0, "rate_buyers": 4, "rate_suppliers": 4,
    ...                          "rate_local_suppliers": 1}])[0]
    >>> r["enterprises"], r["purchases_yuan"], r["rate"], r["rate_denominator"], r["suppressed"]
    (2, None, None, 2.0, ['purchases_yuan', 'rate_numerator', 'rate'])
    """
    out = copy.deepcopy(rows)
    for r in out:
        if r["suppliers"] < minimum or r["buyers"] < minimum:
            _blank(r, ("purchases_yuan",))
        if r["rate_buyers"] < minimum or r["rate_suppliers"] < minimum:
            _blank(r, ("rate_numerator", "rate_denominator", "rate"))
        elif r["rate_local_suppliers"] < minimum:
            _blank(r, ("rate_numerator", "rate"))
    return out
