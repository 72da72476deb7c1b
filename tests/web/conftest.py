"""A client signed in as the demo administrator, shared by the web tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from chainatlas.web.app import create_app


@pytest.fixture(scope="module")
def client(demo_engine: Engine, admin_token: str) -> TestClient:
    return TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})
