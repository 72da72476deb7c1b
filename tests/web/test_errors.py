"""Every refusal the web shells write is in both languages: no literal HTTPException detail without Chinese and
English (the helper ``web.errors.refused`` builds them from one Message)."""

from __future__ import annotations

import ast
import re

from tests.conftest import PROJECT

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3,}")


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def test_every_literal_refusal_is_bilingual() -> None:
    single = []
    for path in sorted((PROJECT / "src" / "chainatlas" / "web").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "HTTPException" and len(node.args) > 1:
                text = _literal(node.args[1])
                if text is not None and not (CJK.search(text) and LATIN.search(text)):
                    single.append(f"{path.name}:{node.lineno}: {text!r}")
    assert not single, single
