"""The application's own route table as concrete URLs, for tests that walk every route."""

from __future__ import annotations

import re
from collections.abc import Mapping

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
GENERIC = {"chain_id": "nev", "chain": "nev", "table": "enterprises", "lang": "zh"}


def fill(path: str, values: Mapping[str, object], default: str | None = None) -> str | None:
    """``path`` with its parameters from ``values`` (``default`` for the others); None when one is missing."""
    missing = [n for n in PARAM.findall(path) if n not in values]
    if missing and default is None:
        return None
    return PARAM.sub(lambda m: str(values.get(m.group(1), default)), path)


def get_urls(values: Mapping[str, object] = GENERIC) -> list[str]:
    """Every GET route whose parameters ``values`` can fill, as a URL."""
    from chainatlas.web.app import api_routes, create_app

    urls = {fill(r.path, values) for r in api_routes(create_app().routes) if "GET" in r.methods}
    return sorted(u for u in urls if u is not None)
