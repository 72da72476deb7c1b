"""Every rule of the exchange spec, compiled to Polars and to Spark from one declaration, flags the same cells and
parses the same values (the two engines cannot drift: there is one copy of the rules)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import polars as pl
import pytest

from chainatlas import expr as X
from chainatlas.exchange import spec as S
from chainatlas.exchange.validate import Context, column_rules, party_ok_rule
from chainatlas.registry.codes import country_codes
from chainatlas.registry.uscc import make_uscc

CELLS = ["", " ", "\u3000x\u3000", "abc", "12", "-1", "0", "1,234.5", "¥12", "￥7", "9e15", "1.5", "3.0", "2025-01-05",
         "2025/01/05", "2025/1/5", "20250105", "2025.01.05", "2025-01-05 10:00:00", "2099-01-01", "1899-12-31", "2025-13-45", "是",
         "N", "true", "×", "C3612", "3612", "c3612", "CN", "cn", "DE", "ZZ", "2025", "2025Q3", "2025Q5", "1979",
         "2099Q1", "nev.cathode", "nev.nothing", "1070101000000000000", "10701", make_uscc("91410100MA0000001"),
         "91410100MA00000010", "9141", "X-DE-0123456789AB", "410102", "999999", "declared", "upstream", "95", "-200",
         None]


def _context() -> Context:
    return Context(frozenset({"410102", "410100"}), {"C3612": "C3612", "3612": "C3612"}, country_codes(),
                   frozenset({"nev.cathode"}), frozenset({"nev"}), set(), today=dt.date(2026, 6, 30))


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)
    return a == b


@pytest.mark.parametrize("table", sorted(t for t in S.TABLES))
def test_rules_flag_and_parse_alike_on_polars_and_spark(spark: Any, table: str) -> None:
    spec = S.TABLES[table]
    names = [c.name for c in spec.columns]
    n = len(CELLS)
    # each column sees every cell, shifted so that columns do not move in step
    data = {name: [CELLS[(i + k * 7) % n] for i in range(n)] for k, name in enumerate(names)}
    flags = {f"__{w}_{c.name}": [bool((i + j) % 3 == 0) for i in range(n)] for j, c in enumerate(spec.columns)
             for w in ("bad", "unknown") if c.kind in (S.Kind.uscc, S.Kind.party)}
    frame = pl.DataFrame(data | flags, schema={**dict.fromkeys(names, pl.String), **dict.fromkeys(flags, pl.Boolean)})
    rules, parsed = column_rules(spec, names, dict.fromkeys(names, X.TEXT), _context())
    exprs = {f"rule{i}": r.bad for i, r in enumerate(rules)} | {f"parsed_{k}": v for k, v in parsed.items()}
    exprs |= {f"party_{c.name}": party_ok_rule(c.name, c.kind == S.Kind.party) for c in spec.columns
              if c.kind in (S.Kind.uscc, S.Kind.party)}
    on_polars = frame.select([X.to_polars(e).alias(k) for k, e in exprs.items()]).to_dicts()
    sdf = spark.createDataFrame(frame.to_dicts(), schema=", ".join(
        f"`{c}` {'boolean' if c in flags else 'string'}" for c in frame.columns))
    on_spark = [r.asDict() for r in sdf.select([X.to_spark(e).alias(k) for k, e in exprs.items()]).collect()]
    assert len(rules) >= len(spec.required)
    for i, (p, s) in enumerate(zip(on_polars, on_spark, strict=True)):
        for k in exprs:
            assert _same(p[k], s[k]), f"{table} row {i} {k} ({rules[int(k[4:])].reason_en if k.startswith('rule') else k}): " \
                                     f"cells {[data[c][i] for c in names]} → Polars {p[k]!r}, Spark {s[k]!r}"
