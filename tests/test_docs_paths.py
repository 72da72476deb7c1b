"""The documents name only files that exist: every repository path written in backticks in README.md, docs/ and the
package's docstrings and comments (``tests/…``, ``src/…``, ``benchmarks/…``, ``docs/…``, ``scripts/…``) is there."""

from __future__ import annotations

import re

from tests.conftest import PROJECT

PATH = re.compile(r"``?((?:tests|src|benchmarks|docs|scripts)/[\w./\-]+?)(?:::[\w\[\]-]+)?``?")


def test_every_path_in_the_docs_exists() -> None:
    missing = []
    texts = [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md")), *sorted((PROJECT / "src").rglob("*.py"))]
    for doc in texts:
        for m in PATH.finditer(doc.read_text(encoding="utf-8")):
            path = m.group(1).rstrip("/.")
            if "*" in path or "{" in path:
                continue
            if not (PROJECT / path).exists():
                missing.append(f"{doc.name}: {path}")
    assert not missing, missing
