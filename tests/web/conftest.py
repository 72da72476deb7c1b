"""Shared by the web tests: a client signed in as the demo administrator; for the browser tests (headless Debian
Chromium via Playwright) a live server, a page and screenshots kept in artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import Engine

from chainatlas.web.app import create_app
from tests.helpers.browser import ARGS, CHROMIUM, SHOTS


@pytest.fixture(scope="module")
def client(demo_engine: Engine, admin_token: str) -> TestClient:
    return TestClient(create_app(), headers={"Authorization": f"Bearer {admin_token}"})


@pytest.fixture(scope="module")
def base_url(demo_engine: Engine) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        pg = browser.new_page(viewport={"width": 1440, "height": 900})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        yield pg
        browser.close()
        assert not errors, errors
