"""Nothing about the server (database URL, data folder) leaves it, for anonymous users or signed-in ones."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.web.app import create_app
from tests.conftest import SESSION_DIR
from tests.helpers.routes import get_urls


def _secrets(engine: Engine) -> list[str]:
    url = engine.url.render_as_string(hide_password=True)
    return [url, str(SESSION_DIR), "sqlite:", "postgresql"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_response_names_the_database_or_the_data_folder(demo_engine: Engine, admin_token: str, signed_in: bool) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"} if signed_in else {}
    client = TestClient(create_app(), headers=headers)
    routes = get_urls()
    assert "/api/v1/chains/{chain_id}/atlas".replace("{chain_id}", "nev") in routes
    for path in routes:
        for suffix in ("", "?format=json"):
            r = client.get(path + suffix, follow_redirects=False)
            assert r.status_code < 500, path
            body = r.text
            for secret in _secrets(demo_engine):
                assert secret not in body, f"{path}{suffix} shows {secret!r}"


def test_anonymous_atlas_data_version_is_opaque(demo_engine: Engine) -> None:
    body = TestClient(create_app()).get("/api/v1/chains/nev/atlas").json()
    assert re.fullmatch(r"dv-[0-9a-f]{16}", body["data_version"])
