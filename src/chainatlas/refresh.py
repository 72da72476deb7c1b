"""What is recomputed once an import lands (导入后刷新), called by every import command (CLI, API, import page): the
analysis frames of the home area (:mod:`chainatlas.analysis.prepare`), then the data products' quality
(:func:`chainatlas.products.store.refresh`). Nothing happens when the import wrote nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine


def after_import(engine: Engine, written: bool, home: str | None = None) -> dict[str, Any]:
    """Prepare the new data version's analysis frames, then measure the products whose sources changed, for ``home``
    (default: the configured home area); returns what was done (``{}`` when nothing was written)."""
    if not written:
        return {}
    from chainatlas.analysis.prepare import prepare
    from chainatlas.products.store import refresh
    from chainatlas.settings import home_of

    area = home_of(home)
    return {"analysis": prepare(engine, area), "products": refresh(engine, area)}
