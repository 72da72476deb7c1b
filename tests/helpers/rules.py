"""One rule-input row from a case's inputs (the YAML cases and the tier and ledger tests)."""

from __future__ import annotations

from typing import Any

import polars as pl

from chainatlas.rules.inputs import INPUTS, typed


def frame_of(inputs: dict[str, Any]) -> pl.DataFrame:
    unknown = set(inputs) - set(INPUTS)
    assert not unknown, f"unknown inputs in a case: {unknown}"
    row = {"uscc": "CASE", **inputs}
    schema = {k: (pl.List(pl.String) if INPUTS[k].dtype is pl.List else INPUTS[k].dtype) for k in inputs}
    return typed(pl.DataFrame([row], schema={"uscc": pl.String, **schema}))
