"""One settings object and one way to choose the database: the command line's --db reaches the app through
``db.use`` (explicit), not through the process environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chainatlas import db
from chainatlas.settings import get_settings, home_of


def test_db_use_chooses_the_process_database_and_can_be_undone(tmp_path: Path) -> None:
    before = os.environ["CHAINATLAS_DATABASE_URL"]
    url = f"sqlite:///{tmp_path / 'chosen.sqlite'}"
    try:
        db.use(url)
        assert db.get_engine().url.render_as_string(hide_password=False) == url
        assert os.environ["CHAINATLAS_DATABASE_URL"] == before  # the environment is left alone
    finally:
        db.use(None)
    assert db.get_engine().url.render_as_string(hide_password=False) == get_settings().resolved_database_url()


@pytest.mark.parametrize("bad", ["4", "410", "41010", "41x1", "4101050"])
def test_the_home_area_is_checked_in_one_place(bad: str) -> None:
    assert home_of("41") == "41" and home_of("410105") == "410105" and home_of(None) == get_settings().home_region
    with pytest.raises(ValueError, match="division-code prefix"):
        home_of(bad)
