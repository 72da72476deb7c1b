"""One Spark session (local mode, two cores) for every test on Spark, and the demo city's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from chainatlas.batch.spark import session

    s = session("local[2]")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo city (scale s) as files: enterprises.parquet and transactions.parquet (126,268 lines)."""
    from chainatlas.demo.city import generate

    folder = tmp_path_factory.mktemp("demo-batch")
    generate("s", out_dir=folder)
    return folder


@pytest.fixture(scope="session")
def known(demo_files: Path) -> set[str]:
    return set(pl.read_parquet(demo_files / "enterprises.parquet")["uscc"].to_list())
