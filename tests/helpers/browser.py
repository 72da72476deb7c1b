"""Helpers of the browser tests: where Chromium is, how it is started, where screenshots go, signing in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, Route

from tests.conftest import ARTIFACTS

SHOTS = ARTIFACTS / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def sign_in_as(page: Page, base_url: str, name: str, password: str) -> None:
    """Sign out whoever is signed in, then sign in as ``name``."""
    page.goto(base_url + "/")
    if page.locator("#logout-button").count():
        page.click("#logout-button")
    page.goto(base_url + "/login")
    page.fill("#login-name", name)
    page.fill("#login-password", password)
    page.click("#login-button")


@contextmanager
def only_local(page: Page, base_url: str) -> Iterator[list[str]]:
    """Every request off ``base_url`` refused while inside; yields the list of those refused (to assert it empty)."""
    outside: list[str] = []

    def route(r: Route) -> None:
        if r.request.url.startswith(base_url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    try:
        yield outside
    finally:
        page.unroute("**/*")
