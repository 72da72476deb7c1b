"""Outgoing webhook calls (alert subscribers, EPCIS query subscriptions): one JSON POST, and running a batch of
them off the caller's thread so that a slow or broken subscriber never holds up a capture."""

from __future__ import annotations

import contextlib
import threading
import urllib.request
from collections.abc import Callable

from sqlalchemy import Engine, select

from chainatlas import db


def subscribers(engine: Engine, kind: str) -> list[str]:
    """URLs of the active subscribers (table ``webhook``) of ``kind``: those registered for it or for ``*``."""
    with engine.connect() as conn:
        hooks = conn.execute(select(db.webhook.c.url, db.webhook.c.kinds).where(db.webhook.c.active.is_(True))).all()
    return [url for url, kinds in hooks if kinds == "*" or kind in kinds.split(",")]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10) -> bool:
    """POST ``body``; True on a 2xx answer, False on any other answer or when the subscriber cannot be reached."""
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with contextlib.suppress(OSError), urllib.request.urlopen(req, timeout=timeout) as resp:
        return bool(200 <= resp.status < 300)
    return False


def in_background(send: Callable[[], None], *, wait: bool = False) -> None:
    """Run ``send`` in a daemon thread; ``wait`` joins it (tests, CLI)."""
    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    if wait:
        thread.join()
