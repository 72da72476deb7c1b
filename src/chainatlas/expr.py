"""A small column-expression language in which the exchange spec's rules are written once.

The validation rules of :mod:`chainatlas.exchange.validate` (required cells, amount bounds, dates, the USCC check
character, code lists, tax codes …) are built as :class:`Expr` trees and compiled to the engine that runs them:
:func:`to_polars` on one machine, :func:`to_spark` on a Spark cluster (:mod:`chainatlas.batch`). Two hand-written
copies of the rules would drift; one declaration compiled twice cannot. Only the operations the rules need exist.

>>> rule = (col("amount").to_float() > 100) & col("name").strip().is_not_null()
>>> rule
and(gt(to_float(col('amount')), lit(100)), is_not_null(strip(col('name'))))
>>> import polars as pl
>>> pl.DataFrame({"amount": ["150", "50"], "name": ["a", " "]}).select(to_polars(rule).alias("r"))["r"].to_list()
[True, False]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import reduce
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

Scalar = str | int | float | bool | dt.date | None

# the input type of a column, as far as the rules care (Parquet cells may be typed, CSV cells are text)
TEXT, NUMERIC, DATE, DATETIME, BOOLEAN = "text", "numeric", "date", "datetime", "boolean"


class Expr:
    """One node of a rule: an operation and its arguments (other nodes or Python values)."""

    __slots__ = ("args", "op")

    def __init__(self, op: str, *args: Any) -> None:
        self.op = op
        self.args = args

    def __repr__(self) -> str:
        return f"{self.op}({', '.join(repr(a) for a in self.args)})"

    # comparison and logic build nodes (as in Polars and PySpark), so an Expr is not hashable
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return Expr("eq", self, wrap(other))

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return Expr("ne", self, wrap(other))

    def __lt__(self, other: object) -> Expr:
        return Expr("lt", self, wrap(other))

    def __le__(self, other: object) -> Expr:
        return Expr("le", self, wrap(other))

    def __gt__(self, other: object) -> Expr:
        return Expr("gt", self, wrap(other))

    def __ge__(self, other: object) -> Expr:
        return Expr("ge", self, wrap(other))

    def __and__(self, other: object) -> Expr:
        return Expr("and", self, wrap(other))

    def __or__(self, other: object) -> Expr:
        return Expr("or", self, wrap(other))

    def __invert__(self) -> Expr:
        return Expr("not", self)

    def __add__(self, other: object) -> Expr:
        return Expr("add", self, wrap(other))

    def __radd__(self, other: object) -> Expr:
        return Expr("add", wrap(other), self)

    def __sub__(self, other: object) -> Expr:
        return Expr("sub", self, wrap(other))

    def __rsub__(self, other: object) -> Expr:
        return Expr("sub", wrap(other), self)

    def __mul__(self, other: object) -> Expr:
        return Expr("mul", self, wrap(other))

    def __mod__(self, other: object) -> Expr:
        return Expr("mod", self, wrap(other))

    def is_null(self) -> Expr:
        return Expr("is_null", self)

    def is_not_null(self) -> Expr:
        return Expr("is_not_null", self)

    def is_in(self, values: Iterable[Scalar]) -> Expr:
        """Membership in a fixed list (null stays null)."""
        return Expr("is_in", self, tuple(sorted(values, key=str)))

    def fill_null(self, value: Scalar) -> Expr:
        return Expr("fill_null", self, wrap(value))

    def strip(self) -> Expr:
        """Text without leading and trailing white space (Unicode White_Space, full-width space included)."""
        return Expr("strip", self)

    def upper(self) -> Expr:
        return Expr("upper", self)

    def lower(self) -> Expr:
        return Expr("lower", self)

    def length(self) -> Expr:
        """Length in characters."""
        return Expr("length", self)

    def matches(self, pattern: str) -> Expr:
        """Whether the text contains a match of the regular expression (the common subset of Rust and Java)."""
        return Expr("matches", self, pattern)

    def replace(self, old: str, new: str) -> Expr:
        """Every occurrence of the literal ``old`` replaced."""
        return Expr("replace", self, old, new)

    def replace_regex(self, pattern: str, new: str) -> Expr:
        """Every match of ``pattern`` replaced by the literal ``new``."""
        return Expr("replace_regex", self, pattern, new)

    def slice(self, start: int, length: int) -> Expr:
        """``length`` characters from ``start`` (0-based)."""
        return Expr("slice", self, start, length)

    def to_text(self) -> Expr:
        return Expr("to_text", self)

    def to_float(self) -> Expr:
        """The number in the text or value; null where there is none."""
        return Expr("to_float", self)

    def to_int(self) -> Expr:
        return Expr("to_int", self)

    def to_date(self) -> Expr:
        """A datetime's date."""
        return Expr("to_date", self)

    def round(self, decimals: int) -> Expr:
        """Rounded half to even (Polars' default, Spark's ``bround``)."""
        return Expr("round", self, decimals)

    def abs(self) -> Expr:
        return Expr("abs", self)

    def is_nan(self) -> Expr:
        return Expr("is_nan", self)

    def year(self) -> Expr:
        return Expr("year", self)

    def quarter(self) -> Expr:
        return Expr("quarter", self)

    def lookup(self, mapping: Mapping[str, Scalar], default: Scalar = None) -> Expr:
        """The value ``mapping`` gives the text, else ``default``."""
        return Expr("lookup", self, tuple(mapping.items()), wrap(default))


def wrap(value: object) -> Expr:
    """``value`` as a node (a Python value becomes a literal)."""
    return value if isinstance(value, Expr) else Expr("lit", value)


def col(name: str) -> Expr:
    """The column ``name`` of the frame the expression is compiled against.

    >>> col("amount")
    col('amount')
    """
    return Expr("col", name)


def lit(value: Scalar, kind: str | None = None) -> Expr:
    """A literal; ``kind`` types a null (``text``, ``numeric``, ``date``, ``boolean``)."""
    return Expr("lit", value) if kind is None else Expr("typed_lit", value, kind)


def when(condition: Expr, then: object, otherwise: object) -> Expr:
    """``then`` where ``condition`` holds, else ``otherwise`` (SQL ``CASE WHEN``; a null condition takes ``otherwise``)."""
    return Expr("when", condition, wrap(then), wrap(otherwise))


def coalesce(*exprs: Expr) -> Expr:
    """The first non-null of ``exprs``, row by row (SQL ``COALESCE``)."""
    return Expr("coalesce", *exprs)


def parse_date(expr: Expr, fmt: str) -> Expr:
    """The date in text ``expr`` written as strftime ``fmt`` (``%Y %m %d %H %M %S``), else null."""
    return Expr("parse_date", expr, fmt)


def any_of(exprs: Iterable[Expr]) -> Expr:
    """True where any is true (nulls count as false)."""
    items = [e.fill_null(False) for e in exprs]
    return reduce(lambda a, b: a | b, items) if items else lit(False)


def sum_of(exprs: Iterable[Expr]) -> Expr:
    """``e1 + e2 + …`` of one or more expressions (null if any is null, as in SQL)."""
    return reduce(lambda a, b: a + b, list(exprs))


# ---- Polars -----------------------------------------------------------------------------------------------------

_POLARS_KIND = {TEXT: "String", NUMERIC: "Float64", DATE: "Date", BOOLEAN: "Boolean"}


def to_polars(e: Expr) -> pl.Expr:
    """The Polars expression of ``e``."""
    out: pl.Expr = _to_polars(e)
    return out


def _to_polars(e: Expr) -> Any:
    import polars as pl

    a = e.args
    op = e.op
    c: list[Any] = [_to_polars(x) if isinstance(x, Expr) else x for x in a]
    if op == "col":
        return pl.col(a[0])
    if op == "lit":
        return pl.lit(a[0])
    if op == "typed_lit":
        return pl.lit(a[0], dtype=getattr(pl, _POLARS_KIND[a[1]]))
    binary = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__",
              "and": "__and__", "or": "__or__", "add": "__add__", "sub": "__sub__", "mul": "__mul__", "mod": "__mod__"}
    if op in binary:
        return getattr(c[0], binary[op])(c[1])
    x: Any = c[0] if c else None
    match op:
        case "not":
            return ~x
        case "is_null":
            return x.is_null()
        case "is_not_null":
            return x.is_not_null()
        case "is_in":
            if not a[1]:
                return pl.when(x.is_not_null()).then(False)
            return x.is_in(pl.Series(list(a[1])).implode())
        case "fill_null":
            return x.fill_null(c[1])
        case "strip":
            return x.str.strip_chars()
        case "upper":
            return x.str.to_uppercase()
        case "lower":
            return x.str.to_lowercase()
        case "length":
            return x.str.len_chars()
        case "matches":
            return x.str.contains(a[1])
        case "replace":
            return x.str.replace_all(a[1], a[2], literal=True)
        case "replace_regex":
            return x.str.replace_all(a[1], a[2].replace("$", "$$"))
        case "slice":
            return x.str.slice(a[1], a[2])
        case "to_text":
            return x.cast(pl.String)
        case "to_float":
            return x.cast(pl.Float64, strict=False)
        case "to_int":
            return x.cast(pl.Int64, strict=False)
        case "to_date":
            return x.dt.date()
        case "round":
            return x.round(a[1])
        case "abs":
            return x.abs()
        case "is_nan":
            return x.is_nan()
        case "year":
            return x.dt.year()
        case "quarter":
            return x.dt.quarter()
        case "lookup":
            mapping = dict(a[1])
            default = a[2].args[0] if a[2].op == "lit" else None
            dtype = pl.Int64 if all(isinstance(v, int) for v in mapping.values()) else pl.String
            return x.replace_strict(mapping, default=default, return_dtype=dtype)
        case "when":
            return pl.when(c[0]).then(c[1]).otherwise(c[2])
        case "coalesce":
            return pl.coalesce(c)
        case "parse_date":
            return x.str.strptime(pl.Date, a[1], strict=False)
    raise ValueError(f"unknown operation {op}")


# ---- Spark ------------------------------------------------------------------------------------------------------

_JAVA_FORMAT = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss"}
_SPARK_KIND = {TEXT: "string", NUMERIC: "double", DATE: "date", BOOLEAN: "boolean"}
# the characters with Unicode's White_Space property, which Polars' strip_chars() removes (Rust's str::trim); Spark's
# trim() without characters removes spaces only, and a regular expression per cell costs twice the whole job
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"


def java_date_format(fmt: str) -> str:
    """A strftime format as a Java/Spark datetime pattern that parses what Polars (chrono) parses: where fields are
    separated, a month or day of one digit too (``M``, ``d``: 1–2 digits); run together, two digits each.

    >>> java_date_format("%Y-%m-%d %H:%M:%S"), java_date_format("%Y%m%d")
    ('yyyy-M-d H:m:s', 'yyyyMMdd')
    """
    separated = "%m%d" not in fmt and "%Y%m" not in fmt and "%H%M" not in fmt and "%M%S" not in fmt
    for k, v in _JAVA_FORMAT.items():
        fmt = fmt.replace(k, v[0] if separated and k != "%Y" else v)
    return fmt


def to_spark(e: Expr) -> Any:
    """The PySpark ``Column`` of ``e`` (``try_`` functions throughout, so ANSI mode raises on no cell)."""
    from pyspark.sql import functions as F

    a = e.args
    op = e.op
    c: list[Any] = [to_spark(x) if isinstance(x, Expr) else x for x in a]
    if op == "col":
        return F.col(f"`{a[0]}`")
    if op == "lit":
        return F.lit(a[0])
    if op == "typed_lit":
        return F.lit(a[0]).cast(_SPARK_KIND[a[1]])
    binary = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__",
              "and": "__and__", "or": "__or__", "add": "__add__", "sub": "__sub__", "mul": "__mul__"}
    if op in binary:
        return getattr(c[0], binary[op])(c[1])
    x: Any = c[0] if c else None
    match op:
        case "mod":
            return F.pmod(x, c[1])
        case "not":
            return ~x
        case "is_null":
            return x.isNull()
        case "is_not_null":
            return x.isNotNull()
        case "is_in":
            return x.isin(list(a[1])) if a[1] else F.when(x.isNotNull(), F.lit(False))
        case "fill_null":
            return F.coalesce(x, c[1])
        case "strip":
            return F.trim(x, F.lit(WHITE_SPACE))
        case "upper":
            return F.upper(x)
        case "lower":
            return F.lower(x)
        case "length":
            return F.char_length(x)
        case "matches":
            return x.rlike(a[1])
        case "replace":
            return F.replace(x, F.lit(a[1]), F.lit(a[2]))
        case "replace_regex":
            return F.regexp_replace(x, a[1], a[2].replace("\\", "\\\\").replace("$", "\\$"))
        case "slice":
            return F.substring(x, a[1] + 1, a[2])
        case "to_text":
            return x.cast("string")
        case "to_float":
            return x.try_cast("double")
        case "to_int":
            return x.try_cast("bigint")
        case "to_date":
            return F.to_date(x)
        case "round":
            return F.bround(x, a[1])
        case "abs":
            return F.abs(x)
        case "is_nan":
            return F.isnan(x)
        case "year":
            return F.year(x)
        case "quarter":
            return F.quarter(x)
        case "lookup":
            mapping = F.create_map(*[F.lit(v) for kv in a[1] for v in kv])
            return F.coalesce(F.try_element_at(mapping, x), c[2])
        case "when":
            return F.when(c[0], c[1]).otherwise(c[2])
        case "coalesce":
            return F.coalesce(*c)
        case "parse_date":
            return F.try_to_date(x, java_date_format(a[1]))
    raise ValueError(f"unknown operation {op}")
