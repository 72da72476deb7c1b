"""Unified social credit code (统一社会信用代码, GB 32100-2015) and keys for foreign partners.

Format: 18 characters; the first 8 (registration authority, entity type, 6-digit division code)
are digits, the rest from the 31-character alphabet without I, O, Z, S, V. The check character is the one of GB 32100-2015 §5 (weights 3^i mod 31 over a 31-character alphabet);
single codes are checked with ``python-stdnum`` (``stdnum.cn.uscc``), columns with a Polars expression of
the same formula that is tested against it.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

import numpy as np
from stdnum.cn import uscc as _stdnum_uscc

from chainatlas.expr import Expr, col, sum_of, to_polars

if TYPE_CHECKING:
    import polars as pl

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)

FOREIGN_KEY_RE = re.compile(r"^X-[A-Z]{2}-[0-9A-F]{12}$")


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is an 18-character USCC whose check character is right.

    >>> is_valid_uscc("91110108551385082Q")
    True
    >>> is_valid_uscc("91110108551385082A")
    False
    """
    return bool(_stdnum_uscc.is_valid(code)) and len(code) == 18 and code == code.upper()


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters.

    >>> check_character("91110108551385082")
    'Q'
    """
    total = sum(ALPHABET.index(c) * int(w) for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def valid_uscc_rule(column: str) -> Expr:
    """:func:`is_valid_uscc` as a rule of :mod:`chainatlas.expr` (compiled to Polars or Spark; no Python loop)."""
    s = col(column)
    value = {c: i for i, c in enumerate(ALPHABET)}
    fmt = s.matches(r"^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$")
    total = sum_of(s.slice(i, 1).lookup(value, 0) * int(w) for i, w in enumerate(WEIGHTS))
    check = s.slice(17, 1).lookup(value, -1)
    return fmt & (check == (31 - total % 31) % 31)


def valid_uscc_expr(column: str) -> pl.Expr:
    """:func:`valid_uscc_rule` as a Polars expression.

    >>> import polars as pl
    >>> pl.DataFrame({"c": ["91110108551385082Q", "91110108551385082A", "9111"]}).select(valid_uscc_expr("c"))["c"].to_list()
    [True, False, False]
    """
    return to_polars(valid_uscc_rule(column))


def foreign_key(country_alpha2: str, name: str) -> str:
    """A stable synthetic key for a partner without a USCC: ``X-<country>-<12 hex of SHA-1(name)>``.

    >>> foreign_key("DE", "Musterteile GmbH（示例）").startswith("X-DE-")
    True
    """
    digest = hashlib.sha1(f"{country_alpha2.upper()}|{name.strip()}".encode()).hexdigest()[:12].upper()
    return f"X-{country_alpha2.upper()}-{digest}"


def make_uscc(body17: str) -> str:
    """Complete a 17-character body with its check character (used by the demo city)."""
    return body17 + check_character(body17)
