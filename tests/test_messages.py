"""One bilingual convention: errors carry a :class:`~chainatlas.messages.Message` (``zh``, ``en``), UI strings are
``Message`` values, and no raise in the package passes a hand-joined "中文 / English" literal."""

from __future__ import annotations

import ast
import re

import pytest

from chainatlas.messages import BilingualError, InvalidInput, NotFound
from chainatlas.risk.scenario import parse_disruption
from chainatlas.trade import repository
from tests.conftest import PROJECT

CJK = re.compile(r"[\u4e00-\u9fff]")


def _literal_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


def test_no_raise_joins_both_languages_in_one_literal() -> None:
    offenders = []
    for path in (PROJECT / "src" / "chainatlas").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and len(node.exc.args) == 1:
                text = _literal_text(node.exc.args[0])
                if CJK.search(text) and re.search(r"[\u4e00-\u9fff）)”][^/]* / [A-Za-z]", text):
                    offenders.append(f"{path.relative_to(PROJECT)}:{node.lineno}")
    assert not offenders, f"raise a BilingualError(zh, en) instead: {offenders}"


def test_domain_errors_carry_both_languages_and_keep_their_python_kind() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_disruption("planet:mars")
    err = caught.value
    assert isinstance(err, ValueError) and isinstance(err, BilingualError)
    assert CJK.search(err.zh) and not CJK.search(err.en) and "planet:mars" in err.en
    assert str(err) == f"{err.zh} / {err.en}"
    assert issubclass(repository.QueryError, InvalidInput) and issubclass(NotFound, LookupError)
