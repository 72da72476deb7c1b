"""The suite runs from a clone with nothing beside it: no test, fixture or benchmark reads outside the repository
(the conformance material lives in tests/data with its SOURCES.md), and what a test reads from the standards is
there."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT

OUTSIDE = re.compile(r"\.\./shared|parents\[(?:[3-9])\]|\"shared\"\s*/|/work/")


def test_no_code_reads_outside_the_repository() -> None:
    offenders = []
    for folder in ("tests", "src", "benchmarks", "scripts"):
        for path in (PROJECT / folder).rglob("*"):
            if path.suffix in (".py", ".sh", ".yaml", ".toml") and path != Path(__file__) and path.is_file():
                for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                    if OUTSIDE.search(line):
                        offenders.append(f"{path.relative_to(PROJECT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_conformance_data_is_in_the_repository_with_its_sources() -> None:
    data = PROJECT / "tests" / "data" / "epcis"
    sources = (data / "SOURCES.md").read_text(encoding="utf-8")
    for folder in ("gs1", "openepcis", "hashes"):
        assert (data / folder).is_dir() and f"`{folder}/" in sources, folder
    assert (data / "hashes" / "LICENSE").is_file() and (data / "hashes" / "SOURCE").is_file()


def test_trade_tests_collect_from_a_copy_with_nothing_beside_it(tmp_path: Path) -> None:
    """Copy tests/ and the package's pyproject into an empty folder and collect the trade tests there: every
    parametrised test finds its files (collection fails or collects nothing otherwise)."""
    clone = tmp_path / "lonely" / "repo"
    shutil.copytree(PROJECT / "tests", clone / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", clone / "pyproject.toml")
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "--rootdir", str(clone), "-o", "addopts=", str(clone / "tests" / "trade")],
                         cwd=clone, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    collected = int(re.search(r"(\d+) tests? collected", out.stdout).group(1))  # type: ignore[union-attr]
    assert collected >= 200
