"""Validation of exchanged rows against :mod:`chainatlas.exchange.spec`, vectorised with Polars.

Each column kind has one parser (string or already-typed input → typed value) and a list of checks;
every failed check becomes a :class:`~chainatlas.exchange.problems.Problem` naming file, row, column,
value and the reason in Chinese and English. Rows with any problem are never written (unless the user
asks for ``--skip-invalid``, and then only the valid rows are).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from chainatlas import expr as X
from chainatlas.exchange.problems import MAX_LISTED, Problem
from chainatlas.exchange.readers import LINE
from chainatlas.exchange.spec import EVIDENCE, Kind, TableSpec
from chainatlas.registry.uscc import ALPHABET, FOREIGN_KEY_RE, check_character, valid_uscc_rule

TRUE_WORDS = ("是", "y", "yes", "true", "t", "1", "√")
FALSE_WORDS = ("否", "n", "no", "false", "f", "0", "×")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S")


@dataclass
class Context:
    """What the validator checks codes and references against."""

    regions: frozenset[str]
    industries: dict[str, str]  # accepted spelling (C3612, 3612, c3612) → canonical code
    countries: frozenset[str]
    segments: frozenset[str]
    chains: frozenset[str]
    known_parties: set[str] = field(default_factory=set)
    today: dt.date = field(default_factory=dt.date.today)
    only_party: str | None = None  # an enterprise account may submit only rows about itself
    places: frozenset[str] = field(default_factory=frozenset)  # IATA airports and UN/LOCODEs (registry.codes.place_codes)
    known_keys: dict[str, set[str]] = field(default_factory=dict)  # table → keys stored or given earlier in the import


@dataclass
class Rule:
    """One rule of the spec for one column, written once (:mod:`chainatlas.expr`) and compiled per engine."""

    column: str
    bad: X.Expr
    reason_zh: str
    reason_en: str
    detail: Callable[[str], tuple[str, str]] | None = None  # per-value reason, for few bad values

    @property
    def code(self) -> str:
        """A stable identifier of the rule, from its English reason (``invalid-uscc``, ``date-is-in-the-future``)."""
        words = re.split(r"[^a-z0-9]+", self.reason_en.split("(")[0].split(" — ")[0].lower())
        return "-".join(w for w in words if w)


def reference_rule(name: str) -> Rule:
    """Column ``name`` must name an enterprise already known (its flag column ``__unknown_<name>`` is set by the
    caller from the known enterprises)."""
    return Rule(name, X.col(f"__unknown_{name}"), "引用的企业不存在（请先导入企业表，或在同一次导入中一并提供）",
                "referenced enterprise is unknown (import it first or in the same import)")


@dataclass
class Check:
    column: str
    bad: pl.Expr
    reason_zh: str
    reason_en: str
    detail: Callable[[str], tuple[str, str]] | None = None  # per-value reason, for few bad values


def input_type(dtype: pl.DataType) -> str:
    """What the rules need to know of a Polars column type (text, numeric, date, datetime, boolean)."""
    if dtype == pl.String:
        return X.TEXT
    if dtype == pl.Date:
        return X.DATE
    if isinstance(dtype, pl.Datetime):
        return X.DATETIME
    if dtype == pl.Boolean:
        return X.BOOLEAN
    return X.NUMERIC if dtype.is_numeric() else X.TEXT


def _text(name: str) -> X.Expr:
    c = X.col(name).to_text().strip()
    return X.when(c == "", X.lit(None, X.TEXT), c)


def _number(name: str, dtype: str) -> X.Expr:
    if dtype == X.NUMERIC:
        return X.col(name).to_float()
    return _text(name).replace(",", "").replace_regex(r"^[¥￥]", "").to_float()


def _date(name: str, dtype: str) -> X.Expr:
    if dtype == X.DATE:
        return X.col(name)
    if dtype == X.DATETIME:
        return X.col(name).to_date()
    s = _text(name)
    return X.coalesce(*[X.parse_date(s, f) for f in DATE_FORMATS])


def parse_rule(name: str, kind: Kind, dtype: str, ctx: Context) -> X.Expr:
    """The typed value of column ``name`` (null where it cannot be parsed); ``dtype`` from :func:`input_type`."""
    if kind in (Kind.money, Kind.number, Kind.latitude, Kind.longitude):
        return _number(name, dtype)
    if kind == Kind.integer:
        return _number(name, dtype).round(0).to_int()
    if kind == Kind.date:
        return _date(name, dtype)
    if kind == Kind.boolean:
        if dtype == X.BOOLEAN:
            return X.col(name)
        s = _text(name).lower()
        return X.when(s.is_in(TRUE_WORDS), True, X.when(s.is_in(FALSE_WORDS), False, X.lit(None, X.BOOLEAN)))
    if kind == Kind.industry:
        return _text(name).upper().lookup(ctx.industries)
    if kind in (Kind.country, Kind.uscc, Kind.party, Kind.place):
        return _text(name).upper()
    return _text(name)


def parse_expr(name: str, kind: Kind, dtype: pl.DataType, ctx: Context) -> pl.Expr:
    """:func:`parse_rule` as a Polars expression."""
    return X.to_polars(parse_rule(name, kind, input_type(dtype), ctx))


def _uscc_detail(value: str) -> tuple[str, str]:
    v = value.strip().upper()
    if len(v) != 18:
        return f"统一社会信用代码应为18位，实际{len(v)}位", f"USCC must have 18 characters, has {len(v)}"
    if not v[:8].isdigit() or any(ch not in ALPHABET for ch in v[8:]):
        return ("统一社会信用代码含非法字符（前8位须为数字，不含 I、O、Z、S、V）",
                "USCC has invalid characters (first 8 must be digits; no I, O, Z, S, V)")
    expected = check_character(v[:17])
    return (f"统一社会信用代码校验位错误：应为 {expected}，实为 {v[17]}（GB 32100-2015）",
            f"wrong USCC check character: expected {expected}, got {v[17]} (GB 32100-2015)")


def column_rules(spec: TableSpec, present: list[str], dtypes: Mapping[str, str], ctx: Context) -> tuple[list[Rule], dict[str, X.Expr]]:
    """The rules and parsed values for the columns of ``spec`` that are ``present`` (``dtypes``: :func:`input_type`).

    A party column's own check reads a column ``__bad_<name>`` the caller adds (true where the code is not a valid
    USCC, see :func:`party_ok_rule`): the check character is computed once per distinct code, not per line."""
    rules: list[Rule] = []
    parsed: dict[str, X.Expr] = {}
    today = ctx.today
    for col in spec.columns:
        name = col.name
        if name not in present:
            continue
        # typed cells (Parquet numbers, dates) are checked as they are: casting them to text costs much
        raw = _text(name) if dtypes[name] == X.TEXT else X.col(name)
        value = parse_rule(name, col.kind, dtypes[name], ctx)
        parsed[name] = value
        if col.required and col.domestic_only:
            domestic = (_text("country_code").upper().fill_null("CN") == "CN") if "country_code" in present else X.lit(True)
            rules.append(Rule(name, raw.is_null() & domestic, "必填项为空（境内企业必填）",
                              "required value is missing (required for enterprises in China)"))
        elif col.required:
            rules.append(Rule(name, raw.is_null(), "必填项为空", "required value is missing"))
        unparsable = raw.is_not_null() & value.is_null()
        k = col.kind
        if k == Kind.text and col.max_length:
            rules.append(Rule(name, raw.length() > col.max_length, f"长度超过 {col.max_length} 个字符",
                              f"longer than {col.max_length} characters"))
        elif k in (Kind.uscc, Kind.party):
            rules.append(Rule(name, X.col(f"__bad_{name}"), "统一社会信用代码无效", "invalid USCC", detail=_uscc_detail))
        elif k == Kind.region:
            rules.append(Rule(name, raw.is_not_null() & ~raw.is_in(ctx.regions),
                              "未知的行政区划代码（应为 GB/T 2260 的6位县级或地级代码）",
                              "unknown administrative division code (6-digit GB/T 2260 code expected)"))
        elif k == Kind.industry:
            rules.append(Rule(name, unparsable, "未知的行业代码（GB/T 4754-2017）", "unknown industry code (GB/T 4754-2017)"))
        elif k == Kind.country:
            rules.append(Rule(name, raw.is_not_null() & ~value.is_in(ctx.countries),
                              "未知的国家代码（ISO 3166-1 两位字母）", "unknown country code (ISO 3166-1 alpha-2)"))
        elif k == Kind.segment:
            rules.append(Rule(name, raw.is_not_null() & ~raw.is_in(ctx.segments), "未知的产业链环节代码", "unknown chain segment code"))
        elif k == Kind.evidence:
            rules.append(Rule(name, raw.is_not_null() & ~raw.is_in(EVIDENCE),
                              f"依据应为 {'/'.join(EVIDENCE)}", f"evidence must be one of {', '.join(EVIDENCE)}"))
        elif k == Kind.date:
            rules.append(Rule(name, unparsable, "无法识别的日期（应为 YYYY-MM-DD）", "unparsable date (YYYY-MM-DD expected)"))
            if not col.future_ok:
                rules.append(Rule(name, value > X.lit(today), "日期晚于今天", "date is in the future"))
            rules.append(Rule(name, value < X.lit(dt.date(1900, 1, 1)), "日期早于1900年", "date before 1900"))
        elif k == Kind.period:
            year = raw.slice(0, 4).to_int()
            quarter = raw.slice(5, 1).to_int()
            current_q = (today.month - 1) // 3 + 1
            rules.append(Rule(name, raw.is_not_null() & ~raw.matches(r"^\d{4}(Q[1-4])?$"),
                              "期间格式应为 2025 或 2025Q3", "period must look like 2025 or 2025Q3"))
            rules.append(Rule(name, (year > today.year) | ((year == today.year) & (quarter > current_q)),
                              "期间在未来", "period is in the future"))
            rules.append(Rule(name, year < 1980, "期间早于1980年", "period before 1980"))
        elif k in (Kind.money, Kind.number, Kind.integer):
            num = _number(name, dtypes[name])
            rules.append(Rule(name, raw.is_not_null() & (num.is_null() | num.is_nan()), "不是数字", "not a number"))
            if col.minimum == 0:
                rules.append(Rule(name, num < 0, "不能为负数", "must not be negative"))
            elif col.minimum is not None:
                rules.append(Rule(name, num < col.minimum, f"数值低于合理范围（<{col.minimum:g}）",
                                  f"value below plausible range (< {col.minimum:g})"))
            if col.maximum is not None:
                unit_hint = "（可能是单位错误，金额单位为元）" if k == Kind.money else ""
                rules.append(Rule(name, num > col.maximum, f"数值超出合理范围（>{col.maximum:g}）{unit_hint}",
                                  f"value out of plausible range (> {col.maximum:g})" + (" — amounts are in yuan" if unit_hint else "")))
            if k == Kind.integer:
                rules.append(Rule(name, num.is_not_null() & (num != num.round(0)), "应为整数", "must be an integer"))
        elif k == Kind.choice:
            rules.append(Rule(name, raw.is_not_null() & ~raw.is_in(col.choices),
                              f"取值应为 {'/'.join(col.choices)}", f"must be one of {', '.join(col.choices)}"))
        elif k == Kind.boolean:
            rules.append(Rule(name, unparsable, "应为 是/否", "must be yes/no (是/否)"))
        elif k == Kind.latitude:
            rules.append(Rule(name, unparsable | (value.abs() > 90), "纬度应在 -90~90 之间", "latitude must be within -90..90"))
        elif k == Kind.longitude:
            rules.append(Rule(name, unparsable | (value.abs() > 180), "经度应在 -180~180 之间", "longitude must be within -180..180"))
        elif k == Kind.place:
            rules.append(Rule(name, raw.is_not_null() & ~value.is_in(ctx.places),
                              "未知的地点代码（应为 IATA 机场三字码或所附 UN/LOCODE 表中的五位码）",
                              "unknown place code (an IATA airport code or a UN/LOCODE of the shipped list expected)"))
        elif k == Kind.tax_code:
            rules.append(Rule(name, raw.is_not_null() & ~raw.matches(r"^\d{19}$"),
                              "税收分类编码应为19位数字", "tax classification code must be 19 digits"))
        if col.refers_to:
            target = col.refers_to
            rules.append(Rule(name, raw.is_not_null() & ~raw.is_in(ctx.known_keys.get(target, set())),
                              f"引用的编号不存在（请先导入「{target}」表，或在同一次导入中一并提供）",
                              f"unknown reference (import table '{target}' first or in the same import)"))
    for low, high in spec.ordered:
        if low in parsed and high in parsed:
            zl, zh_ = spec.column(low).zh, spec.column(high).zh
            rules.append(Rule(high, parsed[high] < parsed[low], f"{zh_}早于或小于{zl}", f"{high} is less than {low}"))
    return rules, parsed


def column_checks(spec: TableSpec, present: list[str], df: pl.DataFrame, ctx: Context) -> tuple[list[Check], dict[str, pl.Expr]]:
    """:func:`column_rules` compiled to Polars for the column types of ``df``."""
    rules, parsed = column_rules(spec, present, {c: input_type(df.schema[c]) for c in present}, ctx)
    checks = [Check(r.column, X.to_polars(r.bad), r.reason_zh, r.reason_en, r.detail) for r in rules]
    return checks, {name: X.to_polars(e) for name, e in parsed.items()}


def party_ok_rule(name: str, allow_foreign: bool) -> X.Expr:
    """True where column ``name`` holds a valid USCC (or, if allowed, a foreign partner key)."""
    ok = valid_uscc_rule(name).fill_null(False)
    if allow_foreign:
        ok = ok | X.col(name).matches(FOREIGN_KEY_RE.pattern).fill_null(False)
    return ok


def party_ok_expr(name: str, allow_foreign: bool) -> pl.Expr:
    """:func:`party_ok_rule` as a Polars expression."""
    return X.to_polars(party_ok_rule(name, allow_foreign))


@dataclass
class BatchResult:
    valid: pl.DataFrame  # typed rows without problems (with the __line column)
    problems: list[Problem]
    n_bad: int
    n_problems: int


def validate_batch(
    df: pl.DataFrame,
    spec: TableSpec,
    ctx: Context,
    *,
    file: str,
    sheet: str,
    original_headers: dict[str, str],
    references: tuple[str, ...] = (),
    listed_so_far: int = 0,
) -> BatchResult:
    """Validate one batch whose columns are already renamed to the spec's names."""
    present = [c for c in df.columns if c != LINE]
    party_cols = [c for c in spec.columns if c.kind in (Kind.uscc, Kind.party) and c.name in present]
    df = df.with_columns([X.to_polars(_text(c.name).upper()).alias(f"__key_{c.name}") for c in party_cols])
    marks = []
    for c in party_cols:
        # Check each distinct code once (a batch of invoice lines repeats the same firms many times):
        # the check character in Polars, membership among known enterprises in a Python set.
        key = f"__key_{c.name}"
        uniq = df.select(pl.col(key).unique().drop_nulls().alias("v"))
        uniq = uniq.with_columns(party_ok_expr("v", c.kind == Kind.party).alias("ok"))
        invalid = uniq.filter(~pl.col("ok"))["v"]
        unknown: list[str] = []
        if c.name in references:
            unknown = [v for v in uniq.filter(pl.col("ok"))["v"].to_list() if v not in ctx.known_parties]
        marks += [pl.col(key).is_in(invalid.implode()).alias(f"__bad_{c.name}"),
                  pl.col(key).is_in(pl.Series(unknown, dtype=pl.String).implode()).alias(f"__unknown_{c.name}")]
    df = df.with_columns(marks)
    checks, parsed = column_checks(spec, present, df, ctx)
    if ctx.only_party and party_cols:
        own = ctx.only_party
        mine = pl.any_horizontal([pl.col(f"__key_{c.name}") == own for c in party_cols]).fill_null(False)
        checks.append(Check(party_cols[0].name, ~mine, f"企业账户只能提交与本企业（{own}）有关的数据",
                            f"an enterprise account may submit only rows about itself ({own})"))
    for ref in references:
        if ref in present:
            r = reference_rule(ref)
            checks.append(Check(ref, X.to_polars(r.bad), r.reason_zh, r.reason_en))
    flags = df.select([pl.col(LINE)] + [c.bad.fill_null(False).alias(f"__bad{i}") for i, c in enumerate(checks)])
    problems: list[Problem] = []
    n_problems = 0
    any_bad = np.zeros(df.height, dtype=bool)
    for i, chk in enumerate(checks):
        mask = flags[f"__bad{i}"].to_numpy()
        count = int(mask.sum())
        if not count:
            continue
        any_bad |= mask
        n_problems += count
        room = MAX_LISTED - listed_so_far - len(problems)
        if room <= 0:
            continue
        rows = df.filter(pl.Series(mask)).head(room).select(LINE, pl.col(chk.column).cast(pl.String))
        for line, value in rows.iter_rows():
            zh, en = chk.detail(value) if (chk.detail and value) else (chk.reason_zh, chk.reason_en)
            problems.append(Problem(file, sheet, int(line), original_headers.get(chk.column, chk.column), value or "", zh, en))
    typed = df.select([pl.col(LINE)] + [expr.alias(name) for name, expr in parsed.items()])
    valid = typed.filter(pl.Series(~any_bad))
    return BatchResult(valid, problems, int(any_bad.sum()), n_problems)
